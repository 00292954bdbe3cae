package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestRedTeam16GoFlagsOverlay: GOFLAGS, inherited from guard's environment
// or set in go's env file, applies to go's queries, and -overlay=J maps any
// file go reads to another: with J mapping go.mod to a .env, `go list
// ./...` printed the .env's KEY=token line ("unknown directive"), the real
// go does first. GOFLAGS words naming a file read or a program run
// (-overlay, -pgo, -toolexec, -exec) make go's queries unverified now;
// -trimpath and -tags stay safe.
func TestRedTeam16GoFlagsOverlay(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go on PATH")
	}
	set := defaultSet(t)
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	t.Setenv("HOME", dir)
	t.Setenv("GOENV", "off")
	t.Setenv("GOTOOLCHAIN", "local")
	t.Setenv("GOWORK", "")
	t.Setenv("GOFLAGS", "")
	// go's telemetry, off (as internal/gate's goTelemetryOff does): its
	// child, started in the background, wrote below HOME after go list
	// exited, and the temporary directory's removal raced it ("directory
	// not empty").
	tel := filepath.Join(dir, ".config", "go", "telemetry")
	if err := os.MkdirAll(tel, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tel, "mode"), []byte("off"), 0o644); err != nil {
		t.Fatal(err)
	}
	mod := filepath.Join(dir, "m")
	if err := os.MkdirAll(mod, 0o755); err != nil {
		t.Fatal(err)
	}
	env := filepath.Join(dir, "keys.txt")
	overlay := filepath.Join(dir, "ov.json")
	for name, body := range map[string]string{
		filepath.Join(mod, "go.mod"): "module m\n\ngo 1.20\n",
		filepath.Join(mod, "a.go"):   "package m\n",
		env:                          "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD\n",
		overlay:                      `{"Replace":{"` + filepath.Join(mod, "go.mod") + `":"` + env + `"}}`,
	} {
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(goBin, "list", "./...")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-overlay="+overlay)
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "sk-proj-abcdef") {
		t.Fatalf("GOFLAGS=-overlay did not make go list print the mapped file (%q): the premise does not hold here", out)
	}
	run := func(c string) bool {
		v := set.Judge([]string{"bash", "-c", c}, mod)
		return policy.Decide(&v, policy.Suggest, []string{mod}).Action == policy.Run
	}
	for _, flags := range []string{"-overlay=" + overlay, "--overlay=" + overlay, "-trimpath -overlay=" + overlay,
		"-pgo=" + env, "-toolexec=/tmp/x", "-exec=/tmp/x"} {
		t.Setenv("GOFLAGS", flags)
		for _, c := range []string{"go list ./...", "go mod graph", "go version"} {
			if run(c) {
				t.Errorf("GOFLAGS=%s: %s runs unasked", flags, c)
			}
		}
	}
	for _, flags := range []string{"", "-trimpath", "-tags=integration", "-buildvcs=false -trimpath"} {
		t.Setenv("GOFLAGS", flags)
		if !run("go list ./...") {
			t.Errorf("GOFLAGS=%s: go list ./... asked", flags)
		}
	}
}

// TestRedTeam16PosixlyCorrect: with POSIXLY_CORRECT in the environment
// (inherited by guard and what it runs), GNU getopt stops at the first
// operand, so `cat a.txt -n` reads a file named -n (a link a repository
// can carry, to a secret: the real cat prints it first) where the judge
// read the flag -n. An option word after an operand is unverified then;
// options before the operands, subcommands (git log --oneline), find's
// expression, and the same words without the variable stay safe.
func TestRedTeam16PosixlyCorrect(t *testing.T) {
	cat, err := exec.LookPath("cat")
	if err != nil {
		t.Skip("no cat")
	}
	set := defaultSet(t)
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	secret := filepath.Join(dir, "creds")
	for name, body := range map[string]string{"a.txt": "hi\n", "b.txt": "ho\n", secret: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n"} {
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		if err := os.WriteFile(name, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, link := range []string{"-n", "-r", "-l", "-u", "-la"} {
		if err := os.Symlink(secret, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(cat, "a.txt", "-n")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "POSIXLY_CORRECT=1")
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "wJalr") {
		t.Fatalf("POSIXLY_CORRECT did not make cat read the file -n (%q): the premise does not hold here", out)
	}
	class := func(c string) policy.Class {
		v := set.Judge([]string{"bash", "-c", c}, dir)
		return v.Class
	}
	after := []string{"cat a.txt -n", "head a.txt -n 3", "grep hi a.txt -n", "sort a.txt -r", "wc a.txt -l",
		"diff a.txt b.txt -u", "tail a.txt -n 2", "cat b.txt | grep hi a.txt -n"}
	t.Setenv("POSIXLY_CORRECT", "")
	os.Unsetenv("POSIXLY_CORRECT")
	for _, c := range after {
		if got := class(c); got != policy.Safe {
			t.Errorf("%q without POSIXLY_CORRECT = %s, want safe (the case below would prove nothing)", c, got)
		}
	}
	t.Setenv("POSIXLY_CORRECT", "")
	for _, c := range after {
		if got := class(c); got == policy.Safe || got == policy.Match {
			t.Errorf("%q with POSIXLY_CORRECT = %s, want unverified", c, got)
		}
	}
	// Not `grep -rn hi .`: the tree holds links to creds, whose AWS secret
	// key (a generated value under a secret's key) makes the walk a secret
	// read whatever POSIXLY_CORRECT says.
	for _, c := range []string{"cat -n a.txt", "head -n 3 a.txt", "grep -rn hi a.txt b.txt", "git log --oneline -1", "find . -name a.txt", "ls -la", "sort -r a.txt"} {
		if got := class(c); got != policy.Safe {
			t.Errorf("%q with POSIXLY_CORRECT = %s, want safe", c, got)
		}
	}
}
