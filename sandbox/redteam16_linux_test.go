package sandbox

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"
)

// TestNewNamesBelowTheTops: the protected names a command makes below the
// tops of a root, where none was at start, are moved aside after it as at
// the tops (sixteenth red team, S16-1): a workspace member's
// rust-toolchain.toml (rustup ran its `path` toolchain at the next `cargo
// build` in crates/foo, outside), a package's .npmrc and .tool-versions
// (one renamed there from a file of the project), a new directory's .envrc
// three levels down, a .vscode and a .config/mise below existing
// directories. Ordinary files, a directory on no protected path's way and
// a protected name there at start stay. Root, nobody, and nobody where
// user namespaces are forbidden (best-effort: no mounts, the look alone);
// auto-edit's confined runs (files only) as root and nobody.
func TestNewNamesBelowTheTops(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	for _, who := range []struct {
		name      string
		cred      *syscall.Credential
		forbidden bool
		filesOnly bool // auto-edit's confined runs
	}{{"root", nil, false, false}, {"nobody", nobody, false, false}, {"nobody, user namespaces forbidden", nobody, true, false},
		{"root, files only", nil, false, true}, {"nobody, files only", nobody, false, true}} {
		t.Run(who.name, func(t *testing.T) {
			if who.cred != nil && !who.forbidden {
				if ok, why := userNSAllowed(); !ok {
					sandboxtest.Skipf(t, "an ordinary user cannot make a user namespace here: %s", why)
				}
			}
			testNewNamesBelow(t, who.cred, who.forbidden, who.filesOnly)
		})
	}
}

// belowMade are made by newNamesBelowScript and moved aside; belowKept are
// made or there at start, and stay.
var (
	belowMade = []string{"crates/foo/rust-toolchain.toml", "packages/web/.npmrc", "packages/web/.tool-versions",
		"newpkg/a/b/.envrc", "crates/foo/.vscode", "docs/.config/mise"}
	belowKept = []string{"crates/foo/src/lib.rs", "newpkg/src/main.go", "packages/api/.npmrc", "packages/api/new.txt",
		"docs/.config/other.toml", "crates/foo/Cargo.toml"}
)

const newNamesBelowScript = `set -e
n=rust-toolchain.toml; printf '[toolchain]\npath = "/evil"\n' > crates/foo/$n
echo 'node-options=--require=/evil.js' > packages/web/.npmrc
mv notes/old.txt packages/web/.tool-versions
mkdir -p newpkg/a/b newpkg/src && echo 'export PATH=/evil:$PATH' > newpkg/a/b/.envrc && echo 'package main' > newpkg/src/main.go
mkdir -p crates/foo/.vscode && echo '{"tasks":[]}' > crates/foo/.vscode/tasks.json
mkdir -p docs/.config/mise && echo '[env]' > docs/.config/mise/config.toml && echo x > docs/.config/other.toml
echo 'pub fn f() {}' > crates/foo/src/lib.rs
echo x > packages/api/new.txt
echo done
`

func newNamesBelowFixture(t *testing.T, base string, cred *syscall.Credential) *fixture {
	t.Helper()
	f := newFixture(t, base)
	for path, content := range map[string]string{
		"crates/foo/Cargo.toml":     "[package]\nname = \"foo\"\n",
		"crates/foo/src/main.rs":    "fn main() {}\n",
		"packages/web/package.json": "{}\n",
		"packages/api/.npmrc":       "registry=https://registry.example/\n",
		"notes/old.txt":             "python path:/evil\n",
		"docs/index.md":             "# docs\n",
	} {
		p := filepath.Join(f.root, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	chownFixture(t, f, cred)
	return f
}

func testNewNamesBelow(t *testing.T, cred *syscall.Credential, forbidden, filesOnly bool) {
	base := t.TempDir()
	exe := shareWith(t, base, cred)
	run := func(f *fixture, p *Profile) outcome {
		return child{profile: p, path: "/bin/sh", argv: []string{"sh", "-c", newNamesBelowScript}, dir: f.root, exe: exe,
			cred: cred, noUserNS: forbidden, env: []string{"HOME=" + filepath.Join(base, "home")}}.run(t)
	}

	// Without the sandbox, each is made and stays.
	f := newNamesBelowFixture(t, base, cred)
	if o := run(f, nil); !o.ok || !strings.Contains(o.stdout, "done") {
		t.Fatalf("unconfined: %s\n%s%s", o.msg, o.stdout, o.stderr)
	}
	for _, n := range belowMade {
		if !exists(filepath.Join(f.root, n)) {
			t.Fatalf("unconfined: %s was not made", n)
		}
	}

	f = newNamesBelowFixture(t, base, cred)
	p := Profile{WritableRoots: []string{f.root}, BestEffort: forbidden, FilesOnly: filesOnly}
	Protect(&p, protect.Default(), filepath.Join(base, "home"))
	o := run(f, &p)
	if !strings.Contains(o.stdout, "done") {
		t.Fatalf("the command did not run to its end: %s\n%s%s", o.msg, o.stdout, o.stderr)
	}
	if o.ok || !strings.Contains(o.msg, "126") {
		t.Errorf("a command that made protected names below the tops: %s, want exit status 126\n%s", o.msg, o.stderr)
	}
	for _, n := range belowMade {
		path := filepath.Join(f.root, n)
		if exists(path) {
			t.Errorf("%s, made by the command, is still there\n%s", n, o.stderr)
			continue
		}
		if aside, _ := filepath.Glob(path + ".guard-blocked-*"); len(aside) != 1 {
			t.Errorf("%s: want one copy moved aside, found %v", n, aside)
		}
		if !strings.Contains(o.stderr, "guard moved it to "+path+".guard-blocked-") {
			t.Errorf("stderr does not say that %s was moved aside:\n%s", n, o.stderr)
		}
	}
	for _, n := range belowKept {
		if !exists(filepath.Join(f.root, n)) {
			t.Errorf("%s, an ordinary file or a protected one there at start, is gone\n%s", n, o.stderr)
		}
	}
	if got := readString(filepath.Join(f.root, "packages/api/.npmrc")); !strings.HasPrefix(got, "registry=") {
		t.Errorf("packages/api/.npmrc, there at start: %q", got)
	}

	// Nothing protected made below: the status stays the program's.
	o = child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", "mkdir -p crates/bar/src && echo x > crates/bar/src/main.rs && echo y > packages/web/index.js"},
		dir: f.root, exe: exe, cred: cred, noUserNS: forbidden, env: []string{"HOME=" + filepath.Join(base, "home")}}.run(t)
	if !o.ok {
		t.Errorf("a command that made no protected name: %s\n%s", o.msg, o.stderr)
	}
}

// TestNewNamesInPackageCachesKept: a home that is a root, where a build
// fills the package caches with whole projects (a Go module's .envrc and
// .vscode, a crate's rust-toolchain.toml): nothing there is moved aside,
// and the status stays 0 (with the look below the tops, `go build` moved a
// module's .envrc aside: status 126, and go refuses a changed module).
func TestNewNamesInPackageCachesKept(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	for _, who := range []struct {
		name string
		cred *syscall.Credential
	}{{"root", nil}, {"nobody", nobody}} {
		t.Run(who.name, func(t *testing.T) {
			if who.cred != nil {
				if ok, why := userNSAllowed(); !ok {
					sandboxtest.Skipf(t, "an ordinary user cannot make a user namespace here: %s", why)
				}
			}
			base := t.TempDir()
			exe := shareWith(t, base, who.cred)
			f := newFixture(t, base)
			home := f.root
			chownFixture(t, f, who.cred)
			p := Profile{WritableRoots: []string{home}}
			Protect(&p, protect.Default(), home)
			kept := []string{"gomod/example.com/m@v1.0.0/.envrc", "gomod/example.com/m@v1.0.0/.vscode/settings.json",
				"cargo/registry/src/index.crates.io-1/foo-1.0.0/rust-toolchain.toml", "cargo/git/checkouts/bar-1/abc/.npmrc",
				"gem/gems/foo-1.0.0/.ruby-version", ".m2/repository/org/x/y/1.0/.envrc"}
			var script strings.Builder
			for _, n := range kept {
				script.WriteString("mkdir -p '" + filepath.Dir(n) + "' && echo x > '" + n + "'\n")
			}
			o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", script.String()}, dir: home, exe: exe, cred: who.cred,
				env: []string{"HOME=" + home, "GOMODCACHE=" + filepath.Join(home, "gomod"), "CARGO_HOME=" + filepath.Join(home, "cargo"),
					"GEM_HOME=" + filepath.Join(home, "gem")}}.run(t)
			if !o.ok {
				t.Errorf("filling the package caches: %s, want status 0\n%s", o.msg, o.stderr)
			}
			for _, n := range kept {
				if !exists(filepath.Join(home, n)) {
					t.Errorf("%s, in a package cache, was moved aside\n%s", n, o.stderr)
				}
			}
		})
	}
}

// TestAttackJestCache: jest's cache at the top of a shared temporary
// directory (jest_ and the user id in base 36), whose transform cache jest
// runs from, checked against a checksum kept beside each entry: an entry
// rewritten from inside, the checksum made again, ran at the next `npx
// jest` outside (sixteenth red team, S16-2). Read-only, jest fails (it
// writes there as it runs): the program now sees an empty directory of its
// own there, writable, and the cache outside is out of its reach (root,
// the child); where user namespaces are forbidden, the limit.
func TestAttackJestCache(t *testing.T) {
	testTempCacheEntry(t, func(uid int) string {
		return filepath.Join("jest_"+strconv.FormatInt(int64(uid), 36), "jest-transform-cache-0123-4567", "b3", "sumtest_b324d0a5")
	}, "8c5c04de8de32bfa47ca0fa1034e591b\ntest(\"adds\", () => {});\n", true)
}

// TestAttackJitiCache: jiti's cache (node-jiti, version 1: Tailwind CSS 3
// loads its config through it), whose entry is used when it ends with a
// hash of the source: a line put first from inside ran at the next load
// outside (sixteenth red team, S16-3). Kept read-only, as tsx's (jiti goes
// on without writing).
func TestAttackJitiCache(t *testing.T) {
	testTempCacheEntry(t, func(int) string { return filepath.Join("node-jiti", "jp-conf.ts.51ba3a27.js") },
		"\"use strict\";exports.default = { a: 1 }; /* v3-0123456789abcdef */", false)
}

// TestAttackGeminiIDEFile: Gemini CLI's IDE connection files
// (gemini/ide/gemini-ide-server-PID.json in the temporary directory), read
// at every start in an IDE terminal: it starts the program one names
// (stdio.command) outside any hook, so a file rewritten from inside ran at
// the next session (hooks-22 H22-1). Kept read-only, as jiti's cache.
func TestAttackGeminiIDEFile(t *testing.T) {
	testTempCacheEntry(t, func(int) string { return filepath.Join("gemini", "ide", "gemini-ide-server-4242.json") },
		`{"workspacePath": "/p", "port": 1}`, false)
}

// testTempCacheEntry: the cache entry at file(uid) in a shared temporary
// directory, appended to from inside, is out of reach (root, the child):
// private (an empty directory of the program's own, where a new entry can
// be written and is gone after) or read-only; where user namespaces are
// forbidden, the limit. Shown appended to without the sandbox first.
func testTempCacheEntry(t *testing.T, file func(uid int) string, content string, private bool) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	for _, tc := range []struct {
		name      string
		cred      *syscall.Credential
		forbidden bool
	}{{"root", nil, false}, {"nobody, child", nobody, false}, {"nobody, user namespaces forbidden", nobody, true}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cred != nil && !tc.forbidden {
				requireUserNS(t)
			}
			base := t.TempDir()
			exe := ""
			uid := 0
			if tc.cred != nil {
				exe = shareWith(t, base, tc.cred)
				uid = int(tc.cred.Uid)
			}
			entry := file(uid)
			cache, _, _ := strings.Cut(entry, "/")
			setup := func() (*fixture, string) {
				f := newFixture(t, base)
				tmp := filepath.Join(filepath.Dir(f.root), "tmp")
				os.MkdirAll(filepath.Dir(filepath.Join(tmp, entry)), 0o700)
				os.WriteFile(filepath.Join(tmp, entry), []byte(content), 0o600)
				os.Chmod(tmp, 0o1777)
				if tc.cred != nil {
					filepath.Walk(filepath.Join(tmp, cache), func(p string, _ os.FileInfo, _ error) error {
						return os.Lchown(p, int(tc.cred.Uid), int(tc.cred.Gid))
					})
				}
				chownFixture(t, f, tc.cred)
				return f, tmp
			}
			f, tmp := setup()
			if o := (child{attack: &attackSpec{Name: "append", Args: []string{filepath.Join(tmp, entry)}}, dir: f.root, exe: exe, cred: tc.cred}).run(t); !o.ok {
				t.Fatalf("without the sandbox: %s", o)
			}
			f, tmp = setup()
			home := filepath.Join(base, "home")
			p := Profile{WritableRoots: []string{f.root, tmp}, SharedRoots: []string{tmp}}
			run := func(attack string, file string) outcome {
				return child{attack: &attackSpec{Name: attack, Args: []string{filepath.Join(tmp, file)}}, dir: f.root, exe: exe,
					cred: tc.cred, profile: &p, protectHome: &home, noUserNS: tc.forbidden}.run(t)
			}
			o := run("append", entry)
			if tc.forbidden {
				if !o.ok {
					t.Errorf("user namespaces forbidden: %s; the limit is gone: update the docs", o)
				}
				return
			}
			if o.ok {
				t.Errorf("a cache entry rewritten from inside")
			} else if !private && !errnoIn(o.errno, []unix.Errno{unix.EROFS, unix.EACCES}) {
				t.Errorf("%s, want EROFS or EACCES", o)
			}
			if got := readString(filepath.Join(tmp, entry)); got != content {
				t.Errorf("the cache entry outside changed: %q", got)
			}
			if !private {
				return
			}
			// The tool writes its cache as it runs: still can, in a
			// directory of its own that is gone after.
			made := filepath.Join(cache, "new", "entry")
			if o := run("mkdir-p-write", made); !o.ok {
				t.Errorf("writing a new cache entry inside: %s", o)
			}
			if exists(filepath.Join(tmp, made)) {
				t.Errorf("the entry written inside is in the cache outside")
			}
		})
	}
}

// homeBrowserFiles are the browsers and drivers test tools download to a
// cache in the home and start at every run: Playwright's (a script written
// over its chrome from inside, in a home that is a root, ran at the next
// launch outside: sixteenth red team, S16-4), Puppeteer's, Cypress's,
// Selenium Manager's.
var homeBrowserFiles = []string{".cache/ms-playwright/chromium-1255/chrome-linux64/chrome",
	".cache/puppeteer/chrome/linux-131.0.6778.85/chrome-linux64/chrome", ".cache/Cypress/13.6.0/Cypress/Cypress",
	".cache/selenium/chromedriver/linux64/131.0.6778.85/chromedriver"}

// TestAttackHomeBrowsers: each, there at start in a home that is the root,
// written from inside.
func TestAttackHomeBrowsers(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackHomeBrowsersUnprivileged is this test")
	runAttackCases(t, homeCodeCases(homeBrowserFiles))
}

func TestAttackHomeBrowsersUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, homeCodeCases(homeBrowserFiles))
}
