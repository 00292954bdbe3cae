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
