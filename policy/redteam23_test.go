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
	// A module the go.mod replaces by a directory is parsed where it is:
	// `go list all` printed dep/e.go's first token.
	writeTree(t, home, map[string]string{
		"ws/.env":        "OPENAI_API_KEY=\"sk-proj-J23SECRETVALUE0123456789\"\n",
		"ws/dep/go.mod":  "module example.com/dep\n\ngo 1.22\n",
		"ws/dep/d.go":    "package dep\n",
		"ws/app/go.mod":  "module example.com/app\n\ngo 1.22\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ../dep\n",
		"ws/app/main.go": "package main\n\nimport _ \"example.com/dep\"\n\nfunc main() {}\n",
	})
	if err := os.Symlink("../.env", filepath.Join(home, "ws", "dep", "e.go")); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(home, "ws", "app")
	if gobin, err := exec.LookPath("go"); err == nil {
		cmd := exec.Command(gobin, "list", "all")
		cmd.Dir = app
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "OPENAI_API_KEY") {
			t.Errorf("go list all printed %q, not the token of dep/e.go", out)
		}
	}
	judgeRuns(t, set, app, map[string]bool{
		"go list all":             false,
		"go list example.com/dep": false,
		"go list -m":              true,
	})
	judgeRuns(t, set, good, map[string]bool{
		"gofmt -l .":      true,
		"gofmt -e -l src": true,
		"go list ./...":   true,
		"gofmt -d src":    false, // prints the fixture's token
	})
}

// TestXargsDelimiterPieces (judge-23 J23-2): xargs -d with a delimiter
// that is not a newline's (or NUL's) cuts the names it reads into pieces,
// each read where xargs runs: `find src -name '*.go' | xargs -d / cat` read
// ./cfg.txt (a token) for the directory src/cfg.txt/. Each attack is run in
// bash first.
func TestXargsDelimiterPieces(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		"proj/cfg.txt":          "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
		"proj/src/a.go":         "package src\n",
		"proj/src/cfg.txt/b.go": "package cfg\n",
	})
	attacks := []string{
		"find src -name '*.go' | xargs -d / cat",
		"find src -name '*.go' | xargs -d/ cat",
		"find src -name '*.go' | xargs -d / grep -h .",
		"find src -name '*.go' | xargs -d / -I{} cat {}",
		"find src -name '*.go' | xargs -r -d / head",
	}
	for _, a := range attacks {
		cmd := exec.Command("bash", "-c", a)
		cmd.Dir = proj
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "ghp_") {
			t.Errorf("bash ran %q without printing the token: %q", a, out)
		}
	}
	cases := map[string]bool{
		"find src -name '*.go' | xargs -d . cat":                 false,
		"find src -name '*.go' | xargs cat":                      true,
		"find src -name '*.go' | xargs -d '\\n' cat":             true,
		"find src -name '*.go' | xargs -d $'\\n' wc -l":          true,
		"find src -name '*.go' -print0 | xargs -d '\\0' cat":     true,
		"find src -name '*.go' | xargs -d '\\n' grep -l package": true,
	}
	for _, a := range attacks {
		cases[a] = false
	}
	judgeRuns(t, set, proj, cases)
}

// TestNamesDecorated (judge-23 J23-3): a search tool's names are not the
// tree's when its options change how it prints them: --color=always wraps
// each in escape sequences (rg -l printed `\e[0m\e[35msrc/a.go\e[0m`, a link
// below a directory of that name in the working directory, which is not
// walked), rg's --path-separator ' ' splits a path into words read where
// xargs runs. Each attack is run in bash first (rg's when it is installed).
func TestNamesDecorated(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		"proj/cfg.txt":          "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
		"proj/src/a.go":         "package src\n",
		"proj/src/cfg.txt/b.go": "package cfg\n",
	})
	for _, dir := range []string{"\x1b[0m\x1b[35msrc", "\x1b[35m\x1b[Ksrc"} {
		if err := os.Mkdir(filepath.Join(proj, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, link := range []string{"\x1b[0m\x1b[35msrc/a.go\x1b[0m", "\x1b[35m\x1b[Ksrc/a.go\x1b[m\x1b[K"} {
		if err := os.Symlink("../cfg.txt", filepath.Join(proj, link)); err != nil {
			t.Fatal(err)
		}
	}
	attacks := []string{
		"grep -rl --color=always package src | xargs cat",
		"grep -rl --colour=always package src | xargs cat",
		"rg -l --color=always package src | xargs cat",
		"rg --files --color=always src | xargs cat",
		"rg --files --path-separator ' ' src | xargs cat",
		"rg -l -p package src | xargs cat",
	}
	_, noRg := exec.LookPath("rg")
	for _, a := range attacks {
		if noRg != nil && strings.HasPrefix(a, "rg") {
			continue
		}
		cmd := exec.Command("bash", "-c", a)
		cmd.Dir = proj
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "ghp_") {
			t.Errorf("bash ran %q without printing the token: %q", a, out)
		}
	}
	cases := map[string]bool{
		"rg --files src | xargs cat":                      true,
		"rg -l package src | xargs cat":                   true,
		"grep -rl package src | xargs cat":                true,
		"grep -rl --color=never package src | xargs cat":  true,
		"grep -rl --color=auto package src | xargs wc -l": true,
		"grep -rl --color=always package src":             true,
	}
	for _, a := range attacks {
		cases[a] = false
	}
	judgeRuns(t, set, proj, cases)
}

// TestGitNamesElsewhere (judge-23 J23-4): git's name listings name files
// outside the tree the judge walked when an option puts text before each
// name (`git diff --name-only --line-prefix=../`, `git ls-files
// --format='../%(path)'`: ../cfg.txt for the repository's cfg.txt) or when
// `git status -s` runs in a subdirectory (../.env for the work tree's .env).
// Each attack is run in bash first.
func TestGitNamesElsewhere(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	set := defaultSet(t)
	home := scratchHome(t)
	writeTree(t, home, map[string]string{
		"lab/cfg.txt":       "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
		"lab/repo/cfg.txt":  "harmless\n",
		"lab/app/.env":      "OPENAI_API_KEY=\"sk-proj-J23SECRETVALUE0123456789\"\n",
		"lab/app/src/a.go":  "package src\n",
		"lab/app/README.md": "app\n",
	})
	repo := filepath.Join(home, "lab", "repo")
	app := filepath.Join(home, "lab", "app")
	git := func(dir string, args ...string) {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
	}
	for _, d := range []string{repo, app} {
		git(d, "init", "-q")
	}
	git(repo, "add", "cfg.txt")
	git(repo, "commit", "-qm", "i")
	if err := os.WriteFile(filepath.Join(repo, "cfg.txt"), []byte("harmless, changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(app, "add", "README.md", "src/a.go")
	git(app, "commit", "-qm", "i")
	attacks := map[string]string{
		"git diff --name-only --line-prefix=../ | xargs cat":        repo,
		"git ls-files --format='../%(path)' | xargs cat":            repo,
		"cd src && git status -s | xargs cat":                       app,
		"cd src && git status --short | xargs head":                 app,
		"cd src && git status -s --untracked-files=all | xargs cat": app,
	}
	for a, dir := range attacks {
		cmd := exec.Command("bash", "-c", a)
		cmd.Dir = dir
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "ghp_") && !strings.Contains(string(out), "J23SECRET") {
			t.Errorf("bash ran %q in %s without printing the secret: %q", a, dir, out)
		}
		judgeRuns(t, set, dir, map[string]bool{a: false})
	}
	judgeRuns(t, set, repo, map[string]bool{
		"git diff --name-only | xargs cat": true,
		"git ls-files | xargs cat":         true,
		"git status -s | xargs cat":        true,
	})
	judgeRuns(t, set, app, map[string]bool{
		"cd src && git status --porcelain | xargs cat": true,
		"cd src && git ls-files | xargs cat":           true,
	})
}
