package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestSearchExcludedDirs: a recursive search that leaves a directory out by
// its name (grep --exclude-dir=node_modules, rg -g '!node_modules') does
// not read it, so guard's walk for secret files leaves it out too: a .env
// there, or a node_modules of over 20,000 files (which made every such
// search in a JavaScript project an ask), no longer counts. Only a plain
// name does; a glob, a link so named (grep -R and rg -L follow it), and rg
// with a glob that selects files (which may whitelist it again) are walked
// as before. The premises are run with the real grep and rg.
func TestSearchExcludedDirs(t *testing.T) {
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	proj := filepath.Join(dir, "proj")
	for f, body := range map[string]string{
		"src/app.ts":               "const foo = 1\n",
		"node_modules/pkg/.env":    "TOKEN=in-node-modules\n",
		"node_modules/pkg/ix.js":   "foo\n",
		"linked/node_modules/x.js": "foo\n",
		"outside/.env":             "TOKEN=through-a-link\n",
	} {
		p := filepath.Join(proj, f)
		if strings.HasPrefix(f, "outside/") {
			p = filepath.Join(dir, f)
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The premises: each search skips node_modules (the token is not
	// printed), and follows a link so named in a subdirectory.
	premise := func(dir string, args ...string) string {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	if out := premise(proj, "grep", "-rn", "TOKEN", ".", "--exclude-dir=node_modules"); strings.Contains(out, "in-node-modules") {
		t.Fatalf("premise: grep --exclude-dir read node_modules: %s", out)
	}
	if _, err := exec.LookPath("rg"); err == nil {
		if out := premise(proj, "rg", "--hidden", "-n", "TOKEN", "-g", "!node_modules"); strings.Contains(out, "in-node-modules") {
			t.Fatalf("premise: rg -g '!node_modules' read node_modules: %s", out)
		}
	}
	set := defaultSet(t)
	t.Setenv("HOME", filepath.Join(dir, "home"))
	judge := func(cmd string) policy.Decision {
		v := set.Judge([]string{"bash", "-c", cmd}, proj)
		return policy.Decide(&v, policy.Suggest, []string{proj})
	}
	for _, cmd := range []string{
		"grep -rn foo . --exclude-dir=node_modules", "grep -rn --exclude-dir node_modules foo .",
		"grep -rn --exclude-dir={dist,node_modules} foo .", "rg -n foo -g '!node_modules'", "rg --hidden foo -g '!node_modules/'",
		"grep -rn foo src", "grep -rn --exclude-dir=pkg foo node_modules",
	} {
		if d := judge(cmd); d.Action != policy.Run {
			t.Errorf("%q: %s (%s), want run", cmd, d.Action, d.Reason)
		}
	}
	for _, cmd := range []string{
		"grep -rn foo .", "grep -rn --exclude-dir='node_mod*' foo .", "grep -rn --exclude-dir=./node_modules foo .",
		"rg --hidden foo", "rg --hidden foo -g '!node_modules' -g '*.env'", "grep -rn --exclude-dir=pkg/ foo node_modules",
	} {
		if d := judge(cmd); d.Action == policy.Run {
			t.Errorf("%q: run, want asked (node_modules/pkg/.env is read)", cmd)
		}
	}
	// A link named node_modules in a subdirectory, to a secret file: grep -R
	// reads it whatever --exclude-dir says.
	if err := os.Symlink(filepath.Join(dir, "outside/.env"), filepath.Join(proj, "src/node_modules")); err != nil {
		t.Fatal(err)
	}
	if out := premise(proj, "grep", "-Rn", "TOKEN", "src", "--exclude-dir=node_modules"); !strings.Contains(out, "through-a-link") {
		t.Fatalf("premise: grep -R did not follow the link named node_modules: %q", out)
	}
	if d := judge("grep -Rn foo src --exclude-dir=node_modules"); d.Action == policy.Run {
		t.Errorf("grep -R through a link named node_modules: run, want asked")
	}
}
