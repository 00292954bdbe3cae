package policy_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guard/policy"
)

// judgeRuns judges each command as `bash -c CMD` in dir and checks
// whether suggest mode runs it unasked (auto-edit too, for a read).
func judgeRuns(t *testing.T, set policy.Set, dir string, cases map[string]bool) {
	t.Helper()
	for cmd, want := range cases {
		v := set.Judge([]string{"bash", "-c", cmd}, dir)
		if got := policy.Decide(&v, policy.Suggest, []string{dir}).Action == policy.Run; got != want {
			t.Errorf("%q in %s, suggest mode: run=%v, want %v (%s: %s)", cmd, dir, got, want, v.Class, v.Why())
		}
		if got := policy.Decide(&v, policy.AutoEdit, []string{dir}).Action == policy.Run; got != want {
			t.Errorf("%q in %s, auto-edit mode: run=%v, want %v (%s: %s)", cmd, dir, got, want, v.Class, v.Why())
		}
	}
}

// TestRustQueries: cargo's, rustc's and rustup's version queries and
// listings run unasked in a project without a rust-toolchain file, and
// their near misses (building, resolving, a toolchain named on the
// command line, a --print that writes or compiles, a response file) do
// not; with a rust-toolchain or rust-toolchain.toml file in the directory
// or above it, which picks the binary that runs, none of them does.
func TestRustQueries(t *testing.T) {
	set := defaultSet(t)
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(root, "proj")
	if err := os.MkdirAll(filepath.Join(proj, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	reads := []string{
		"cargo --version", "cargo -V", "cargo -vV", "cargo --version --verbose", "cargo --list",
		"cargo install --list", "cargo locate-project", "cargo locate-project --workspace",
		"cargo metadata --format-version 1 --no-deps | jq -r '.packages[].name'", "cargo metadata --no-deps --format-version=1",
		"rustc --version", "rustc -V", "rustc -vV", "rustc --print sysroot", "rustc --print cfg",
		"rustc --print target-list | grep wasm", "rustc --print=target-libdir", "rustc --explain E0502",
		"rustup --version", "rustup -V", "rustup show", "rustup show active-toolchain", "rustup toolchain list",
		"rustup target list --installed", "rustup component list --installed", "rustup which cargo",
		"rustup override list", "timeout 10 cargo --version", "rustfmt --version",
	}
	cases := map[string]bool{}
	for _, c := range reads {
		cases[c] = true
	}
	for _, c := range []string{
		// They build, resolve (and write Cargo.lock), fetch or install.
		"cargo build", "cargo check", "cargo test", "cargo run", "cargo tree", "cargo tree -i serde",
		"cargo metadata --format-version 1", "cargo fmt", "cargo fmt --check", "cargo install ripgrep",
		"cargo install --list --root /tmp/x", "cargo update", "cargo outdated", "cargo pkgid",
		"rustup update", "rustup default nightly", "rustup toolchain install nightly", "rustup target add wasm32-unknown-unknown",
		"rustup component add clippy", "rustup override set nightly", "rustup run nightly cargo --version",
		"rustc src/main.rs", "rustc -o /tmp/x src/main.rs",
		// Another toolchain, configuration or option words the rules never saw.
		"cargo +nightly --version", "rustc +nightly -V", "cargo --version --config build.rustc=x",
		"cargo -Zunstable-options --version", "cargo metadata --no-deps --manifest-path ../x/Cargo.toml",
		"rustup which --toolchain nightly cargo", "/tmp/cargo --version", "rustfmt --check src/main.rs", "rustfmt src/main.rs",
		// --print that writes a file or compiles a crate; response files.
		"rustc --print cfg=out.txt", "rustc --print=sysroot=/tmp/x", "rustc --print native-static-libs",
		"rustc --print crate-name src/main.rs", "rustc --explain @/etc/shadow", "rustc @args.txt",
		// Output into a file.
		"cargo --version > /etc/x",
	} {
		cases[c] = false
	}
	judgeRuns(t, set, proj, cases)

	for _, name := range []string{"rust-toolchain.toml", "rust-toolchain"} {
		for _, where := range []string{proj, root} {
			f := filepath.Join(where, name)
			if err := os.WriteFile(f, []byte("[toolchain]\npath = \"/opt/x\"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			asked := map[string]bool{}
			for _, c := range reads {
				asked[c] = false
			}
			judgeRuns(t, set, filepath.Join(proj, "src"), asked)
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestRustQueriesRunNothing runs the declared cargo queries with the real
// cargo in a project whose .cargo/config.toml names a rustc and a
// rustc-wrapper that leave a mark, and an alias that shadows
// locate-project: none of them runs either program, follows the alias or
// writes Cargo.lock. Skipped where cargo is not installed.
func TestRustQueriesRunNothing(t *testing.T) {
	if _, err := exec.LookPath("cargo"); err != nil {
		t.Skip("cargo is not installed")
	}
	dir := t.TempDir()
	mark := filepath.Join(dir, "ran")
	fake := filepath.Join(dir, "fake-rustc")
	files := map[string]string{
		"proj/Cargo.toml":         "[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde = \"1\"\n",
		"proj/src/main.rs":        "fn main() {}\n",
		"proj/.cargo/config.toml": "[build]\nrustc = \"" + fake + "\"\nrustc-wrapper = \"" + fake + "\"\n[alias]\nlocate-project = \"run\"\n",
		"fake-rustc":              "#!/bin/sh\necho ran >> " + mark + "\nexit 1\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	proj := filepath.Join(dir, "proj")
	for _, args := range [][]string{
		{"--version"}, {"-vV"}, {"--list"}, {"install", "--list"}, {"locate-project"}, {"locate-project", "--workspace"},
		{"metadata", "--no-deps", "--format-version", "1"},
	} {
		cmd := exec.Command("cargo", args...)
		cmd.Dir = proj
		cmd.Env = append(os.Environ(), "CARGO_NET_OFFLINE=true")
		out, err := cmd.CombinedOutput()
		// Offline: a query that needed the network (the index) fails.
		if err != nil {
			t.Errorf("cargo %v offline: %v: %s", args, err, out)
		}
		if _, err := os.Stat(mark); err == nil {
			t.Fatalf("cargo %v ran the rustc its project's config names", args)
		}
		if _, err := os.Stat(filepath.Join(proj, "Cargo.lock")); err == nil {
			t.Fatalf("cargo %v wrote Cargo.lock", args)
		}
		if args[0] == "locate-project" && !strings.Contains(string(out), "Cargo.toml") {
			t.Errorf("cargo %v followed the alias: %s", args, out)
		}
	}
}

// TestNinthRoundQueries: sshd's configuration test and dump, the .NET
// host's lists and javap run unasked; their near misses (sshd with another
// configuration file or options, the SDK's --version and --info, javap of
// a URL, with JVM options, a response file or another JDK) and go tool's
// binary readers (built on demand into the cache) do not.
func TestNinthRoundQueries(t *testing.T) {
	set := defaultSet(t)
	home, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	proj := filepath.Join(home, "proj")
	for name, content := range map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.21\n", "bin/api": "\x7fELF\n", "c.out": "mode: set\n",
		".env": "OPENAI_API_KEY=sk-x\n",
	} {
		p := filepath.Join(proj, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := map[string]bool{
		"sshd -T | grep -i permitrootlogin": true, "sshd -t": true, "sshd -T -C user=root,host=x,addr=10.0.0.1": true,
		"/usr/sbin/sshd -T": true, "dotnet --list-sdks": true, "dotnet --list-runtimes": true,
		"javap -cp target/classes com.example.App": true, "javap -c -p build/classes/App.class | head -40": true,
		"javap -verbose App.class | grep 'major version'": true, "javap -cp a.jar:lib/b.jar com.example.App": true,
		"javap http://example.com/X.class": false, "javap jar:file:/tmp/x.jar!/A.class": false,
		"javap -J-javaagent:x.jar A": false, "javap @args.txt": false, "javap --system /opt/jdk A": false,
		"javap .env": false, "javap -bootclasspath x A": false,
		"dotnet --info": false, "dotnet --version": false, "dotnet --list-sdks x": false, "dotnet build": false,
		"sshd -T -f /tmp/x": false, "sshd -t -o Port=22": false, "sshd -D": false, "sshd": false, "./sshd -T": false,
		"duckdb x.db": false, "duckdb -c 'select 1'": false, "duckdb --version x.db": false,
	}
	// go tool's readers stay asked: go builds a tool its distribution does
	// not ship (nm, objdump, buildid in go 1.26) into the build cache.
	for _, c := range []string{"go tool nm bin/api", "go tool objdump -s main.main bin/api", "go tool buildid bin/api",
		"go tool cover -func=c.out", "go tool -n compile"} {
		cases[c] = false
	}
	judgeRuns(t, set, proj, cases)
}

// TestJavapClassPathFetchesNothing runs the real javap with a class path
// that is an http URL to a local listener: javap reads its class path
// from the file system only (queries.go lets it run), and connects for a
// URL given as the class itself (which queries.go asks about). Skipped
// where javap is not installed.
func TestJavapClassPathFetchesNothing(t *testing.T) {
	if _, err := exec.LookPath("javap"); err != nil {
		t.Skip("javap is not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := l.(*net.TCPListener)
	defer ln.Close()
	// connected says whether javap, which has exited, connected: the
	// kernel completes a connection before connect returns, so one made
	// is waiting in the listener's queue.
	connected := func() bool {
		if err := ln.SetDeadline(time.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		c, err := ln.Accept()
		if err != nil {
			return false
		}
		c.Close()
		return true
	}
	url := "http://" + ln.Addr().String() + "/"
	cmd := exec.Command("javap", "-cp", url, "com.example.App")
	cmd.Dir = t.TempDir()
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("javap found a class: %s", out)
	}
	if connected() {
		t.Fatal("javap -cp URL connected to the URL")
	}
	// The near miss: a class named by URL is fetched (javap then waits for
	// the answer, so it runs while the connection is taken, then is stopped).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd = exec.CommandContext(ctx, "javap", url+"X.class")
	cmd.Dir = t.TempDir()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if err := ln.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	c, err := ln.Accept()
	// Closed, the listener refuses the retry Java's HTTP client makes.
	ln.Close()
	if err == nil {
		c.Close()
	}
	cancel()
	_ = cmd.Wait()
	if err != nil {
		t.Fatalf("javap URL did not connect (%v): the reason queries.go asks about it is not shown", err)
	}
}
