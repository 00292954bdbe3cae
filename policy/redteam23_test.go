package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoParseErrorsQuoted (judge-23 J23-1): gofmt -l and go list print
// names only, but quote the file they cannot parse: a .go link to the
// project's .env printed `found "sk-proj-..."` (gofmt -e -l) and
// `found OPENAI_API_KEY` (gofmt -l, go list). Such a file is a secret read;
// a Go file holding a token that parses (a test fixture) is printed by
// name only and still runs.
func TestGoParseErrorsQuoted(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	bad := filepath.Join(home, "bad")
	good := filepath.Join(home, "good")
	writeTree(t, home, map[string]string{
		"bad/go.mod":          "module example.com/bad\n\ngo 1.22\n",
		"bad/.env":            "OPENAI_API_KEY=\"sk-proj-J23SECRETVALUE0123456789\"\n",
		"bad/src/a.go":        "package src\n",
		"good/go.mod":         "module example.com/good\n\ngo 1.22\n",
		"good/src/a.go":       "package src\n",
		"good/src/fixture.go": "package src\n\nconst token = \"ghp_abcdefghijklmnopqrstuvwxyz0123456789\"\n",
	})
	if err := os.Symlink("../.env", filepath.Join(bad, "src", "e.go")); err != nil {
		t.Fatal(err)
	}
	if gofmt, err := exec.LookPath("gofmt"); err == nil {
		cmd := exec.Command(gofmt, "-e", "-l", "src")
		cmd.Dir = bad
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "J23SECRETVALUE") {
			t.Errorf("gofmt -e -l src printed %q, not the secret", out)
		}
	}
	judgeRuns(t, set, bad, map[string]bool{
		"gofmt -e -l src":        false,
		"gofmt -l src":           false,
		"gofmt -l .":             false,
		"go list ./...":          false,
		"go list -e -json ./...": false,
		"go list ./src":          false,
		"go list all":            false,
		"go list -m":             true,
		"gofmt -l src/a.go":      true,
	})
	judgeRuns(t, set, good, map[string]bool{
		"gofmt -l .":      true,
		"gofmt -e -l src": true,
		"go list ./...":   true,
		"gofmt -d src":    false, // prints the fixture's token
	})
}
