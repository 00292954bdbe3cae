package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestSearchGivenIgnoredDir: rg skips a directory .gitignore names only
// when its walk meets it; a directory it is given, or starts in, is read
// whole (shown first with the real rg). The agents' search tools were
// judged as if a .gitignore line covered everything below the directory
// it names: a search of node_modules with a key inside was let through. A
// directory met below the one searched is still skipped as rg skips it;
// and rg in a command now skips what .gitignore names too (a gitignored
// node_modules of over 20,000 files made every `rg foo` an ask).
func TestSearchGivenIgnoredDir(t *testing.T) {
	rg, err := exec.LookPath("rg")
	if err != nil {
		t.Skip("no rg here (the premise needs it)")
	}
	proj, _ := filepath.EvalSymlinks(t.TempDir())
	if out, err := exec.Command("git", "init", "-q", proj).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	for f, body := range map[string]string{
		".gitignore":                     "node_modules/\n/build\n",
		"node_modules/pkg/.env":          "TOKEN=ignored-dir-key\n",
		"node_modules/pkg/index.js":      "x\n",
		"build/out/.env":                 "TOKEN=anchored-key\n",
		"src/app.ts":                     "x\n",
		"src/node_modules/dep/.env.prod": "TOKEN=nested-key\n",
	} {
		p := filepath.Join(proj, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rgOut := func(dir string, args ...string) string {
		cmd := exec.Command(rg, append([]string{"--hidden", "TOKEN"}, args...)...)
		cmd.Dir = dir
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	if out := rgOut(proj); strings.Contains(out, "key") {
		t.Fatalf("premise: rg in the project read an ignored directory: %s", out)
	}
	if out := rgOut(proj, "node_modules"); !strings.Contains(out, "ignored-dir-key") {
		t.Fatalf("premise: rg given node_modules did not read it: %q", out)
	}
	if out := rgOut(filepath.Join(proj, "build")); !strings.Contains(out, "anchored-key") {
		t.Fatalf("premise: rg started in build did not read it: %q", out)
	}
	tr := policy.TreeRead{Hidden: true, GitIgnore: true, SkipVCS: true}
	home := t.TempDir()
	for _, dir := range []string{"node_modules", "node_modules/pkg", "build", "build/out", "src/node_modules"} {
		if d, _ := policy.DecideSearch([]string{filepath.Join(proj, dir)}, "x", tr, policy.Suggest, nil, home); d.Action == policy.Run {
			t.Errorf("a search tool given %s: run; want asked (rg reads the .env there)", dir)
		}
	}
	for _, dir := range []string{"", "src"} {
		if d, _ := policy.DecideSearch([]string{filepath.Join(proj, dir)}, "x", tr, policy.Suggest, nil, home); d.Action != policy.Run {
			t.Errorf("a search tool given %q: %s (%s); want run (the ignored directories below are skipped, as rg skips them)", dir, d.Action, d.Reason)
		}
	}
	set := defaultSet(t)
	t.Setenv("HOME", home)
	for cmd, run := range map[string]bool{
		"rg --hidden foo": true, "rg --hidden -n foo .": true, "rg --hidden foo src": true,
		"rg --hidden foo node_modules": false, "cd build && rg --hidden foo": false, "rg --hidden foo src/node_modules": false,
		"rg -u --hidden foo": false, "rg --hidden --no-ignore-vcs foo": false, "rg --hidden -g '*.prod' foo": false,
		"rg --hidden --ignore-file extra.ignore foo": false, "grep -rn foo .": false,
	} {
		v := set.Judge([]string{"bash", "-c", cmd}, proj)
		if d := policy.Decide(&v, policy.Suggest, []string{proj}); (d.Action == policy.Run) != run {
			t.Errorf("%q: %s (%s); want run %v", cmd, d.Action, d.Reason, run)
		}
	}
	// A link into another repository: rg -L walks it with the ignore files
	// of the tree it walks, not of that repository, whose .gitignore names
	// the directory the key is in.
	other, _ := filepath.EvalSymlinks(t.TempDir())
	if out, err := exec.Command("git", "init", "-q", other).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	os.WriteFile(filepath.Join(other, ".gitignore"), []byte("secrets/\n"), 0o644)
	os.MkdirAll(filepath.Join(other, "sub", "secrets"), 0o755)
	os.WriteFile(filepath.Join(other, "sub", "secrets", ".env"), []byte("TOKEN=linked-key\n"), 0o644)
	if err := os.Symlink(filepath.Join(other, "sub"), filepath.Join(proj, "lib")); err != nil {
		t.Fatal(err)
	}
	if out := rgOut(proj, "-L"); !strings.Contains(out, "linked-key") {
		t.Fatalf("premise: rg -L did not read the linked repository's ignored directory: %q", out)
	}
	v := set.Judge([]string{"bash", "-c", "rg -L --hidden foo"}, proj)
	if d := policy.Decide(&v, policy.Suggest, []string{proj}); d.Action == policy.Run {
		t.Errorf("rg -L through a link into another repository: run; want asked (it reads lib/secrets/.env)")
	}
	if d, _ := policy.DecideSearch([]string{proj}, "x", tr, policy.Suggest, nil, home); d.Action == policy.Run {
		t.Errorf("a search tool over a link into another repository: run; want asked")
	}
}
