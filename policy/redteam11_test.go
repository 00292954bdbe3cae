package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// R1 (judge-11): judge-10 Q5 held the cwd checks of flake8, uv, the
// manifests, the version managers, clang-format, terraform and compose to
// the files a script writes before them, but not rustWhy's rust-toolchain
// files (rustup's proxies run the cargo or rustc of a toolchain such a file
// names by path), npmrcWhy's .npmrc, nor the checks that read a file the
// environment or HOME names (RIPGREP_CONFIG_PATH, GEMRC and ~/.gemrc,
// ~/.jq): `printf '[toolchain]\npath = "/p/evil"\n' > rust-toolchain.toml;
// cargo --version` ran /p/evil/bin/cargo in auto-edit.
func TestRedTeam11ScriptWritesToolchainFile(t *testing.T) {
	realHome := os.Getenv("HOME")
	set, _, proj := rtLab(t)
	marker := filepath.Join(proj, "TOOLCHAIN_RAN")
	evil := filepath.Join(proj, "evil")
	for _, b := range []string{"cargo", "rustc", "rustfmt"} {
		mustWrite(t, filepath.Join(evil, "bin", b), "#!/bin/sh\n: > "+marker+"\necho 9.9\n")
		if err := os.Chmod(filepath.Join(evil, "bin", b), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustWrite(t, filepath.Join(proj, "tc.toml"), "[toolchain]\npath = \""+evil+"\"\n")
	if _, err := exec.LookPath("rustup"); err == nil {
		// The control: rustup's cargo proxy runs the toolchain the file names.
		cmd := exec.Command("bash", "-c", "cp tc.toml rust-toolchain.toml && cargo --version; rm -f rust-toolchain.toml")
		cmd.Dir = proj
		cmd.Env = append(os.Environ(), "HOME="+realHome)
		out, _ := cmd.CombinedOutput()
		if _, err := os.Stat(marker); err != nil {
			t.Fatalf("cargo --version did not run the toolchain rust-toolchain.toml names (%v, %s): the premise does not hold here", err, out)
		}
	}
	t.Setenv("RIPGREP_CONFIG_PATH", filepath.Join(proj, ".ripgreprc"))
	t.Setenv("GEMRC", filepath.Join(proj, "gemrc"))
	cmds := []string{
		"cp tc.toml rust-toolchain.toml && cargo --version",
		"cat tc.toml > rust-toolchain.toml; rustc --version",
		"cd src && cp ../tc.toml ../rust-toolchain.toml && cargo --list",
		"mv tc.toml rust-toolchain; rustup show",
		"cp tc.toml rust-toolchain.toml; rustfmt --version",
		"echo --pre=./x > .ripgreprc; rg hello",
		"printf -- '--pre\\n./x\\n' >> .ripgreprc && rg -n hello src",
		"echo 'gem: --source http://x' > gemrc; gem list",
		"echo 'registry=http://x' > .npmrc; npm --version",
	}
	for _, c := range cmds {
		if runs, why := rt9Runs(set, proj, c, policy.AutoEdit); runs {
			t.Errorf("%q in auto-edit: %s; want asked (the check read the file before the script wrote it)", c, why)
		}
	}
	for _, c := range []string{"echo x > b.txt; cargo --version", "cargo --version", "echo x > notes.md && rg hello"} {
		if runs, why := rt9Runs(set, proj, c, policy.AutoEdit); !runs {
			t.Errorf("%q in auto-edit: %s; want run", c, why)
		}
	}
}

// R6 (judge-11): rg leaves hidden files out, and the judge walked its tree
// without them; but a whitelist rule in an ignore file rg reads (`!.env` in
// .ignore, .rgignore or a .gitignore, in the tree or above it) makes rg
// search those hidden files: `rg OPENAI` printed .env's key in suggest mode.
func TestRedTeam11RgIgnoreWhitelist(t *testing.T) {
	set, _, proj := rtLab(t)
	key := "OPENAI_API_KEY=sk-proj-aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5\n"
	mustWrite(t, filepath.Join(proj, "src/.env"), key)
	mustWrite(t, filepath.Join(proj, "src/app.py"), "print('hello')\n")
	src := filepath.Join(proj, "src")
	if rg, err := exec.LookPath("rg"); err == nil {
		mustWrite(t, filepath.Join(src, ".ignore"), "!.env\n")
		cmd := exec.Command(rg, "OPENAI")
		cmd.Dir = src
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), "sk-proj-") {
			t.Fatalf("rg OPENAI with .ignore's !.env printed %q: the premise does not hold here", out)
		}
		if err := os.Remove(filepath.Join(src, ".ignore")); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ file, dir, cmd string }{
		{"src/.ignore", "src", "rg OPENAI"},
		{"src/.rgignore", "src", "rg -n OPENAI ."},
		{"src/.gitignore", "", "rg OPENAI src"},
		{".ignore", "src", "rg OPENAI"},
		{".gitignore", "", "rg -i openai"},
	} {
		p := filepath.Join(proj, c.file)
		mustWrite(t, p, "node_modules/\n!.env\n")
		dir := filepath.Join(proj, c.dir)
		policy.UseSecrets(nil) // a fresh walk cache: the tree changed
		if runs, why := rt9Runs(set, dir, c.cmd, policy.Suggest); runs {
			t.Errorf("%q in %s with %s holding !.env: %s; want asked (rg reads src/.env)", c.cmd, c.dir, c.file, why)
		}
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	mustWrite(t, filepath.Join(proj, ".gitignore"), "node_modules/\n*.log\n")
	policy.UseSecrets(nil)
	if runs, why := rt9Runs(set, src, "rg hello", policy.Suggest); !runs {
		t.Errorf("rg hello with a plain .gitignore: %s; want run", why)
	}
}
