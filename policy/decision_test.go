package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const decisionPolicy = `
define_program(program = "ls", args = [ARG_RFILES_OR_CWD])
define_program(program = "cp", args = [ARG_RFILES, ARG_WFILE])
define_program(program = "make", args = [ARG_UNVERIFIED_VARARGS])
define_program(program = "rm", args = ["/"], forbidden = "removes everything")
`

// TestDecideTable pins every cell of the approval table.
func TestDecideTable(t *testing.T) {
	p, err := Load("decide.policy", []byte(decisionPolicy))
	if err != nil {
		t.Fatal(err)
	}
	set := Set{p}
	root := t.TempDir()
	outside := t.TempDir()
	for _, tt := range []struct {
		name string
		argv []string
		want [3]Action // suggest, auto-edit, full-auto
	}{
		{"safe", []string{"ls"}, [3]Action{Run, Run, RunSandboxed}},
		{"match inside", []string{"cp", "a", "b"}, [3]Action{Ask, Run, RunSandboxed}},
		{"match outside", []string{"cp", "a", filepath.Join(outside, "b")}, [3]Action{Ask, Ask, Refuse}},
		{"match /dev/null", []string{"cp", "a", "/dev/null"}, [3]Action{Ask, Run, RunSandboxed}},
		{"unknown writes", []string{"make", "all"}, [3]Action{Ask, Ask, RunSandboxed}},
		{"unverified", []string{"python3", "x.py"}, [3]Action{Ask, Ask, RunSandboxed}},
		{"forbidden", []string{"rm", "/"}, [3]Action{Refuse, Refuse, Refuse}},
	} {
		for i, mode := range []Mode{Suggest, AutoEdit, FullAuto} {
			v := set.Judge(tt.argv, root)
			d := Decide(&v, mode, []string{root})
			if d.Action != tt.want[i] {
				t.Errorf("%s: Decide(%q, %s) = %s (%s), want %s", tt.name, tt.argv, mode, d.Action, d.Reason, tt.want[i])
			}
			if (d.Action == Refuse || d.Action == Ask) && d.Reason == "" {
				t.Errorf("%s: Decide(%q, %s) = %s without a reason", tt.name, tt.argv, mode, d.Action)
			}
		}
	}
}

// TestWrittenPaths checks that written paths resolve through symlinks and
// compare by component.
func TestWrittenPaths(t *testing.T) {
	base := t.TempDir()
	base, _ = filepath.EvalSymlinks(base)
	app := filepath.Join(base, "srv", "app")
	app2 := filepath.Join(base, "srv", "app2")
	etc := filepath.Join(base, "etc")
	for _, d := range []string{app, app2, etc} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustSymlink(t, filepath.Join(etc, "x"), filepath.Join(app, "link-to-etc-x"))
	mustSymlink(t, etc, filepath.Join(app, "etcdir"))
	mustSymlink(t, filepath.Join(etc, "new"), filepath.Join(app, "dangling"))
	linkedRoot := filepath.Join(base, "rootlink")
	mustSymlink(t, app, linkedRoot)
	for _, tt := range []struct {
		path   string
		inside bool
	}{
		{"file", true},
		{"sub/dir/new", true},
		{"link-to-etc-x", false},
		{"etcdir/passwd", false},
		{"etcdir/../file", false}, // the kernel goes up from etc, not from app
		{"etcdir/../srv/app/file", true},
		{"dangling", false},
		{"../app2/file", false},
		{app2, false},
		{filepath.Join(linkedRoot, "f"), true},
		{"/dev/null", true},
		{".", true},
		{".git/config", false},
		{".git/hooks/pre-commit", false},
		{"sub/.git", false},
		{".github/workflows/x", true},
	} {
		w := tt.path
		if !filepath.IsAbs(w) {
			w = app + "/" + w
		}
		v := Verdict{Class: Match, Writes: []string{w}}
		d := Decide(&v, AutoEdit, []string{linkedRoot})
		if got := d.Writes[0].Inside; got != tt.inside {
			t.Errorf("write %s (resolved %s): inside = %v, want %v", tt.path, d.Writes[0].Resolved, got, tt.inside)
		}
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestInside(t *testing.T) {
	for _, tt := range []struct {
		p, root string
		want    bool
	}{
		{"/srv/app", "/srv/app", true},
		{"/srv/app/x", "/srv/app", true},
		{"/srv/app2", "/srv/app", false},
		{"/srv", "/srv/app", false},
		{"/anything", "/", true},
	} {
		if got := Inside(tt.p, tt.root); got != tt.want {
			t.Errorf("Inside(%s, %s) = %v, want %v", tt.p, tt.root, got, tt.want)
		}
	}
}

// TestScriptWritesFailedCd checks that a write after `cd d;` is checked in
// both places it may land: d, and the start if the cd fails.
func TestScriptWritesFailedCd(t *testing.T) {
	set := defaultSet(t)
	v := set.Judge([]string{"bash", "-c", "cd sub; echo x > out.txt"}, "/work")
	got := strings.Join(v.Writes, " ")
	if got != "/work/sub/out.txt /work/out.txt" {
		t.Errorf("Judge(cd sub; echo x > out.txt).Writes = %q, want both directories", got)
	}
}
