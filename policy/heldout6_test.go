package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"guard/policy"
	"guard/sandbox/sandboxtest"
)

// TestSixthBatchClasses: the read-only forms added after the sixth
// held-out batch (section 6e of default.policy and the edits it made to
// getent, free and fd, jenv joining the rbenv family, and $(pwd) in
// runtime.go) run unasked in suggest mode, and their near misses
// (a subcommand or option that writes, kills, runs a program, reaches the
// network or prints a secret) do not. Each command is judged as
// `bash -c CMD` in a small project with a temporary HOME.
func TestSixthBatchClasses(t *testing.T) {
	set := defaultSet(t)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	t.Setenv("USER", "alice")
	for _, f := range []string{"src/main.zig", "src/a.ts", "a.csv", "b.csv", "README.md", "App.class", "app.jar",
		"certs/server.csr", ".env", "go.mod"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		cmd string
		run bool
	}{
		// Version queries in each program's spelling; a word after one
		// is another command.
		{"gopls version", true}, {"dlv version", true}, {"sqlc version", true}, {"kustomize version", true},
		{"jshell --version", true}, {"logrotate --version", true}, {"pg_config --version", true},
		{"pipenv --version", true}, {"ocaml -version", true}, {"opam --version", true}, {"python3.12 -V", true},
		{"python3.11 --version", true}, {"gopls version x", false}, {"dlv debug", false}, {"kustomize build .", false},
		{"ocaml x.ml", false}, {"python3.12 -c 'open(1, \"w\")'", false}, {"python3.12 -V x.py", false},
		{"tflint --version", false}, {"pnpm -v", false},
		// Rust's version queries run since the ninth round, where no
		// rust-toolchain file picks the toolchain (rusttool.go).
		{"rustup --version", true}, {"cargo --version", true},
		// pg_config's paths; pipenv's.
		{"pg_config", true}, {"pg_config --includedir", true}, {"pipenv --venv", true}, {"pipenv --where", true},
		{"pipenv graph", false}, {"pipenv run python", false}, {"pipenv --py x", false},
		// getent: a key of the host databases goes to DNS.
		{"getent passwd www-data", true}, {"getent group docker", true}, {"getent hosts", true},
		{"getent hosts api.example.com", false}, {"getent ahostsv4 example.com", false}, {"getent shadow", false},
		// firewalld, nft and ufw queries.
		{"firewall-cmd --state", true}, {"firewall-cmd --list-all", true}, {"firewall-cmd --zone=public --list-ports", true},
		{"sudo firewall-cmd --get-active-zones", true}, {"firewall-cmd --add-port=8080/tcp", false},
		{"firewall-cmd --list-all --add-service=http", false}, {"firewall-cmd --reload", false},
		{"nft list tables", true}, {"nft list table inet filter", true}, {"nft -a list chain inet filter input", true},
		{"nft flush ruleset", false}, {"nft add rule inet filter input accept", false}, {"nft -f rules.nft", false},
		{"ufw app list", true}, {"ufw show added", true}, {"ufw app info OpenSSH", true},
		{"ufw app update OpenSSH", false}, {"ufw reset", false}, {"ufw allow 22", false},
		// fuser names processes; -k kills them.
		{"fuser -v 8080/tcp", true}, {"fuser -vm /mnt", true}, {"fuser -k 8080/tcp", false}, {"fuser -vk 8080/tcp", false},
		// ifconfig shows; with an address or a state it sets.
		{"ifconfig", true}, {"ifconfig -a", true}, {"ifconfig eth0", true}, {"ifconfig eth0 down", false},
		{"ifconfig eth0 10.0.0.2 netmask 255.255.255.0", false},
		// openssl: version, listings, a request printed; never -new, -out, -config or a provider.
		{"openssl version -a", true}, {"openssl list -digest-algorithms", true},
		{"openssl req -in certs/server.csr -noout -text", true},
		{"openssl list -digest-algorithms -provider-path /tmp -provider x", false},
		{"openssl req -new -key k.pem -out a.csr", false}, {"openssl req -in certs/server.csr -text", false},
		{"openssl req -in certs/server.csr -noout -config x.cnf", false},
		// free's repeats, fd's time filters.
		{"free -m -s 1 -c 3", true}, {"fd --type f --changed-within 1d", true}, {"fd -x rm", false},
		// Status listings.
		{"aa-status", true}, {"aa-status --enforced", true}, {"tmux ls", true}, {"tmux list-windows -a", true},
		{"tmux list-panes -F '#(id)'", false}, {"tmux list-buffers", false}, {"tmux kill-server", false},
		{"tmux new -d sh", false}, {"screen -ls", true}, {"screen", false}, {"screen -S x", false},
		{"atq", true}, {"at -l", true}, {"at", false}, {"at now", false}, {"at -c 3", false},
		{"ldconfig -p", true}, {"ldconfig", false}, {"loginctl show-user alice", true}, {"loginctl terminate-user alice", false},
		// Containers and clusters.
		{"docker container logs db", true}, {"docker container logs --tail 20 db", true}, {"podman port -a", true},
		{"docker container exec db sh", false}, {"crictl ps -a", true}, {"crictl pods", true}, {"crictl inspect x", false},
		{"crictl info", false}, {"crictl exec -it x sh", false}, {"nerdctl ps", true}, {"nerdctl run x", false},
		{"kubectl auth can-i --list -n prod", true}, {"kubectl auth can-i --list --as admin", false},
		{"kubectx", true}, {"kubens -c", true}, {"kubectx prod", false}, {"kubens kube-system", false},
		// zig's queries; zig fmt without --check rewrites.
		{"zig env", true}, {"zig targets", true}, {"zig fmt --check src/", true}, {"zig ast-check src/main.zig", true},
		{"zig fmt src/", false}, {"zig build", false}, {"zig run src/main.zig", false}, {"zig ast-check .env", false},
		// Package tools.
		{"bun outdated", true}, {"bun pm bin -g", true}, {"bun update", false},
		{"npm query ':root > .prod'", true}, {"npm fund", true}, {"npm help-search workspace", true},
		{"npm fund react", false}, {"pip inspect", true}, {"pip index versions fastapi", false},
		{"uv python find", true}, {"uv cache dir", true}, {"uv tool list", true}, {"uv tool dir", true},
		{"uv python install 3.12", false}, {"uv cache clean", false}, {"uv tool run ruff", false},
		{"conda search numpy", true}, {"conda search -c http://x.example numpy", false}, {"conda install numpy", false},
		{"asdf current", false}, {"volta list", false}, // their version files are not judged
		{"fnm list", true}, {"fnm current", true}, {"fnm use 20", false},
		{"jenv versions", true}, {"jenv version", true}, {"jenv global 17", false}, {"opam list", true}, {"opam switch list", true},
		{"opam install x", false}, {"composer show --no-plugins", false},
		// The JDK's dependency lister and JVM list; xcrun --find; go mod edit printing. javap runs
		// since the ninth round, the URL it fetches asked about (queries.go).
		{"javap -c App.class", true}, {"javap https://example.com/A.class", false}, {"jdeps --list-deps app.jar", true},
		{"jdeps -dotoutput out app.jar", false}, {"jcmd -l", true}, {"jcmd 4321 Thread.print", false},
		{"xcrun --find swift", true}, {"xcrun swift", false}, {"xcrun -f swift build", false},
		{"go mod edit -json", true}, {"go mod edit -print go.mod", true}, {"go mod edit -require=x@v1.0.0", false},
		{"go mod edit -json -droprequire=x", false},
		// coreutils' join, fold, fmt; ag; bat.
		{"join -t, a.csv b.csv", true}, {"fold -w 80 README.md", true}, {"fmt -w 72 README.md", true},
		{"join a.csv .env", false}, {"fold .env", false},
		{"ag -l deprecated src/", true}, {"ag TODO", true}, {"ag --pager 'sh -c id' x", false}, {"ag -z x", false},
		{"ag x .env", false}, {"bat --plain --line-range 1:40 src/a.ts", true}, {"bat -A README.md", true},
		{"bat --pager 'sh -c id' README.md", false}, {"bat .env", false}, {"bat --paging=always README.md", false},
		// git: tags with their messages, HEAD's branch, show-branch, annotate.
		{"git tag -n5 v1.2.0", true}, {"git tag -n 'v1.*'", true}, {"git tag v1.2.0", false}, {"git tag -n5 -d v1", false},
		{"git tag -n5 v1 abc1234", false}, {"git symbolic-ref --short HEAD", true}, {"git symbolic-ref HEAD refs/heads/x", false},
		{"git symbolic-ref -d HEAD", false}, {"git show-branch --list", true}, {"git annotate src/a.ts", true},
		{"git annotate .env", false},
		// git grep -c; xsv's readers.
		{"git grep -c console.log HEAD -- src/", true}, {"git -c core.pager=sh grep x", false},
		{"xsv headers a.csv", true}, {"xsv stats a.csv | xsv table", true}, {"qsv count a.csv", true},
		{"xsv sort -o out.csv a.csv", false}, {"xsv index a.csv", false}, {"xsv split out a.csv", false},
		{"qsv luau map x 'os.execute(1)' a.csv", false}, {"xsv headers .env", false},
		// diff against standard input; in2csv.
		{"sed 's/a/b/' README.md | diff README.md -", true}, {"diff -u - README.md < a.csv", true},
		{"diff - .env < a.csv", false}, {"in2csv a.csv | head", true}, {"in2csv --names a.csv", true},
		{"in2csv --write-sheets - a.csv", false}, {"in2csv .env", false},
		// go tool dist list; sudo -l.
		{"go tool cover -func=coverage.out", false}, {"go tool nm bin/api", false}, {"go tool dist list", true},
		{"sudo -l", true}, {"sudo -n -l", true}, {"sudo -l rm", false}, {"sudo -v", false},
		// $(pwd) at the start of a word is the directory the command runs in.
		{`ls "$(pwd)"`, true}, {"ls $(pwd)/src", true}, {`cat "$(pwd)"/README.md`, true}, {`cd src && ls "$(pwd)"`, true},
		{`cat "$(pwd)/.env"`, false}, {`cd /etc && cat "$(pwd)/shadow"`, false}, {`pwd() { echo .env; }; cat "$(pwd)"`, false},
		{`ls "$(pwd)$(pwd)"`, false}, {`ls "$(pwd -P)"`, false}, {`ls "x$(pwd)"`, false}, {`touch "$(pwd)/x"`, false},
		{`enable -n pwd; ls "$(pwd)"`, false},
		// exit 0 and the null command.
		{"exit 0", true}, {":", true}, {"exit 0 1", false}, {": x", false},
	} {
		v := set.Judge([]string{"bash", "-c", c.cmd}, dir)
		d := policy.Decide(&v, policy.Suggest, []string{dir})
		if got := d.Action == policy.Run; got != c.run {
			t.Errorf("%q: %s (%s: %s), want run=%v", c.cmd, d.Action, v.Class, d.Reason, c.run)
		}
	}
	// jenv prints a version it does not have, as pyenv does: a
	// .java-version linked to a secret makes its queries a secret read.
	sub := filepath.Join(dir, "j")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../.env", filepath.Join(sub, ".java-version")); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"jenv version", "jenv versions", "jenv version-name"} {
		v := set.Judge([]string{"bash", "-c", cmd}, sub)
		if d := policy.Decide(&v, policy.Suggest, []string{dir}); d.Action == policy.Run {
			t.Errorf("%q with .java-version linked to .env runs unasked (%s)", cmd, v.Class)
		}
	}
}

// TestSedAppendText: sed's a, i and c commands output their text, which
// runs to the first newline no backslash escapes; a command after that
// newline is judged as any other. GNU sed shows it: the w after a plain
// newline writes its file, the one after an escaped newline is text.
func TestSedAppendText(t *testing.T) {
	for script, want := range map[string]bool{
		"12a import struct": true, "1i #!/bin/sh": true, "$a\\": true, "3c replaced": true,
		"/^import/a from x import y": true, "1a x; w /tmp/out": true, "1a x\\\nw /tmp/out": true,
		"1i\\\nheader": true, "1a x\nw /tmp/out": false, "1a x\ne id": false, "1a x\n1r /etc/passwd": false,
		"a": true, "1,3c\\": true,
	} {
		if got := policy.SafeSedCommand(script); got != want {
			t.Errorf("SafeSedCommand(%q) = %v, want %v", script, got, want)
		}
	}
	set := defaultSet(t)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	if err := os.WriteFile(filepath.Join(dir, "a.py"), []byte("x = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		cmd               string
		suggest, autoEdit bool
	}{
		{"sed -i '1a import struct' a.py", false, true}, {"sed -i '1i #!/usr/bin/env python3' a.py", false, true},
		{"sed '1a x' a.py", true, true}, {"sed -n '1i x' a.py", true, true},
		{"sed -i '1a x\nw /tmp/out' a.py", false, false}, {"sed -i '1a x' .env", false, false},
	} {
		v := set.Judge([]string{"bash", "-c", c.cmd}, dir)
		if got := policy.Decide(&v, policy.Suggest, []string{dir}).Action == policy.Run; got != c.suggest {
			t.Errorf("%q in suggest mode: run=%v, want %v (%s)", c.cmd, got, c.suggest, v.Class)
		}
		if got := policy.Decide(&v, policy.AutoEdit, []string{dir}).Action == policy.Run; got != c.autoEdit {
			t.Errorf("%q in auto-edit mode: run=%v, want %v (%s)", c.cmd, got, c.autoEdit, v.Class)
		}
	}
	sed, err := exec.LookPath("sed")
	if err != nil {
		sandboxtest.Skip(t, "sed not installed: the end of a's text is proven with it")
	}
	for script, writes := range map[string]bool{"1a x\nw MARK": true, "1a x\\\nw MARK": false, "1a x; w MARK": false} {
		mark := filepath.Join(dir, "MARK")
		os.Remove(mark)
		cmd := exec.Command(sed, script, "a.py")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("sed %q: %v: %s", script, err, out)
		}
		if _, err := os.Stat(mark); (err == nil) != writes {
			t.Errorf("GNU sed %q wrote MARK: %v, want %v", script, err == nil, writes)
		}
		if policy.SafeSedCommand(script) == writes {
			t.Errorf("SafeSedCommand(%q) = %v while sed writes: %v", script, !writes, writes)
		}
	}
}

// TestGoModSecret: go prints the lines of a go.mod or go.work it cannot
// parse, so one that is a secret by name or content, or a link to one, makes
// go's queries (go list, go mod edit -json) a secret read; an ordinary
// go.mod leaves them as they were. GOTOOLCHAIN=local does not skip the check.
func TestGoModSecret(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go on PATH")
	}
	set := defaultSet(t)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	t.Setenv("GOENV", "off")
	t.Setenv("GOFLAGS", "")
	t.Setenv("GOWORK", "")
	for name, content := range map[string]string{
		".env":         "OPENAI_API_KEY=sk-abc\n",
		"ok/go.mod":    "module ok\n\ngo 1.21\n",
		"tok/go.mod":   "module tok\n\ngo 1.21\n// sk-proj-abcdefghijklmnopqrstuvwxyz0123456789abcd\n",
		"work/go.mod":  "module w\n\ngo 1.21\n",
		"link/.keep":   "",
		"work/.keep":   "",
		"ok/sub/.keep": "",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"link/go.mod": "../.env", "work/go.work": "../.env"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	for _, toolchain := range []string{"auto", "local"} {
		t.Setenv("GOTOOLCHAIN", toolchain)
		for _, c := range []struct {
			at, cmd string
			run     bool
		}{
			{"ok", "go list", true}, {"ok/sub", "go mod edit -json", true},
			{"link", "go list", false}, {"link", "go mod edit -json", false}, {"tok", "go list -m", false},
			{"work", "go list", false},
		} {
			at := filepath.Join(dir, c.at)
			v := set.Judge([]string{"bash", "-c", c.cmd}, at)
			if got := policy.Decide(&v, policy.Suggest, []string{at}).Action == policy.Run; got != c.run {
				t.Errorf("GOTOOLCHAIN=%s %q in %s: run=%v, want %v (%s)", toolchain, c.cmd, c.at, got, c.run, v.Reason)
			}
		}
	}
}

// TestManifestSecret: bun and npm parse the package.json (bun its
// bunfig.toml too, uv pyproject.toml and uv.toml, pipenv the Pipfile) from
// the directory up and quote a line that does not parse, so one that is a secret, or a link to one, makes their queries a
// secret read; an ordinary manifest and an .npmrc without a token leave
// them as they were.
func TestManifestSecret(t *testing.T) {
	set := defaultSet(t)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	for name, content := range map[string]string{
		".env": "OPENAI_API_KEY=sk-abc\n", "ok/package.json": `{"name":"ok"}`, "ok/.npmrc": "engine-strict=true\n",
		"ok/sub/.keep": "", "link/.keep": "", "bunfig/package.json": `{"name":"b"}`,
		"py/pyproject.toml": "[project]\nname = \"p\"\n", "py/Pipfile": "[packages]\n", "pylink/.keep": "", "piplink/.keep": "",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"link/package.json": "../.env", "bunfig/bunfig.toml": "../.env",
		"pylink/pyproject.toml": "../.env", "piplink/Pipfile": "../.env"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		at, cmd string
		run     bool
	}{
		{"ok", "npm ls", true}, {"ok/sub", "npm outdated", true}, {"ok", "bun outdated", true},
		{"link", "npm ls", false}, {"link", "npm view react version", false}, {"link", "bun pm ls", false},
		{"bunfig", "bun outdated", false}, {"bunfig", "npm ls", true},
		{"py", "uv cache dir", true}, {"pylink", "uv cache dir", false}, {"pylink", "uv tool list", false},
		{"pylink", "uv pip list", false}, {"py", "pipenv --venv", true}, {"piplink", "pipenv --venv", false},
	} {
		at := filepath.Join(dir, c.at)
		v := set.Judge([]string{"bash", "-c", c.cmd}, at)
		if got := policy.Decide(&v, policy.Suggest, []string{at}).Action == policy.Run; got != c.run {
			t.Errorf("%q in %s: run=%v, want %v (%s)", c.cmd, c.at, got, c.run, v.Reason)
		}
	}
}
