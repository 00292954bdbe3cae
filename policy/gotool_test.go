package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestGoQueries: go's queries are safe while the local toolchain is the one
// that runs; a go.mod or go.work asking for a newer Go (go fetches and runs
// it), GOTOOLCHAIN naming another, or GOFLAGS with -mod makes them
// unverified.
func TestGoQueries(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go on PATH")
	}
	set := defaultSet(t)
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("GOENV", "off")
	t.Setenv("GOTOOLCHAIN", "auto") // Go's default; a GOROOT's go.env may say local
	t.Setenv("GOFLAGS", "")
	t.Setenv("GOWORK", "")
	mod := filepath.Join(dir, "m")
	if err := os.MkdirAll(filepath.Join(mod, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(mod, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(cmd, at string) bool {
		v := set.Judge([]string{"bash", "-c", cmd}, at)
		return policy.Decide(&v, policy.Suggest, []string{at}).Action == policy.Run
	}
	write("go.mod", "module example.com/m\n\ngo 1.20\n")
	for _, c := range []struct {
		cmd string
		run bool
	}{
		{"go version", true},
		{"go env GOPATH GOMODCACHE", true},
		{"go list ./...", true},
		{"go list -m all | head -40", true},
		{"go list -f '{{.ImportPath}}' ./...", true},
		{"go doc fmt.Println", true},
		{"go mod graph", true},
		{"go mod why github.com/pkg/errors", true},
		{"go mod verify", true},
		{"go help modules", true},
		{"go env", false},
		{"go env GOPROXY", false},
		{"go env GITHUB_TOKEN", false},
		{"go env -w GOPATH=/x", false},
		{"go build ./...", false},
		{"go test ./...", false},
		{"go run .", false},
		{"go mod tidy", false},
		{"go mod download", false},
		{"go list -mod=mod all", false},
		{"go list -export ./...", false},
		{"go list -toolexec x ./...", false},
		{"go vet ./...", false},
		{"go tool cover -func=c.out", false},
		{"go -C /tmp list", false},
	} {
		for _, at := range []string{mod, filepath.Join(mod, "sub")} {
			if got := run(c.cmd, at); got != c.run {
				t.Errorf("%q in %s: run=%v, want %v", c.cmd, at, got, c.run)
			}
		}
	}
	// A go.mod or go.work that asks for a newer Go: go would fetch and run it
	// (with GOTOOLCHAIN=auto, Go's default; a GOROOT's go.env may say local).
	t.Setenv("GOTOOLCHAIN", "auto")
	for _, gomod := range []string{"module m\n\ngo 1.999\n", "module m\n\ngo 1.20\ntoolchain go1.999.1\n", "module m\ngo 1.x\n"} {
		write("go.mod", gomod)
		if run("go version", mod) || run("go list ./...", filepath.Join(mod, "sub")) {
			t.Errorf("go.mod %q: go version runs unasked", gomod)
		}
	}
	write("go.mod", "module m\n\ngo 1.20\n")
	write("go.work", "go 1.999\n\nuse .\n")
	if run("go version", mod) {
		t.Errorf("go.work asking for go 1.999: go version runs unasked")
	}
	t.Setenv("GOWORK", "off")
	if !run("go version", mod) {
		t.Errorf("GOWORK=off: go version asked")
	}
	t.Setenv("GOTOOLCHAIN", "")
	t.Setenv("GOWORK", "")
	if err := os.Remove(filepath.Join(mod, "go.work")); err != nil {
		t.Fatal(err)
	}
	for _, env := range []struct{ name, value string }{
		{"GOTOOLCHAIN", "go1.20.1"}, {"GOTOOLCHAIN", "go1.999+auto"}, {"GOFLAGS", "-mod=mod"},
	} {
		t.Setenv(env.name, env.value)
		if run("go list ./...", mod) {
			t.Errorf("%s=%s: go list runs unasked", env.name, env.value)
		}
		t.Setenv(env.name, "")
	}
	t.Setenv("GOTOOLCHAIN", "local")
	write("go.mod", "module m\n\ngo 1.999\n")
	if !run("go version", mod) {
		t.Errorf("GOTOOLCHAIN=local: go version asked (go refuses a newer go.mod and runs nothing else)")
	}
	// The user's go env file is read as go reads it.
	t.Setenv("GOTOOLCHAIN", "")
	write("go.mod", "module m\n\ngo 1.20\n")
	envFile := filepath.Join(dir, "goenv")
	if err := os.WriteFile(envFile, []byte("GOTOOLCHAIN=go1.21.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOENV", envFile)
	if run("go version", mod) {
		t.Errorf("GOENV file with GOTOOLCHAIN=go1.21.0: go version runs unasked")
	}
	if !strings.Contains(envFile, dir) {
		t.Fatal("env file outside the test directory")
	}
}
