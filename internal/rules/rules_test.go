package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"guard/internal/safefile"
)

func TestAppendListRemove(t *testing.T) {
	dir := t.TempDir()
	user := filepath.Join(dir, "user.policy")
	proj := ProjectFile(dir, "/work/app")
	if !strings.HasPrefix(proj, filepath.Join(dir, "projects")+"/") {
		t.Fatalf("project file %s is not in the configuration directory", proj)
	}
	if ProjectFile(dir, "/work/app") != ProjectFile(dir, "/work/app/") || ProjectFile(dir, "/work/app") == ProjectFile(dir, "/work/app2") {
		t.Error("project files must be keyed by the clean path")
	}
	// A rule written by an older guard is listed too.
	legacyText := "# Approved always at a guard prompt on 2026-01-02T03:04:05Z.\ndefine_program(program = \"ls\", args = [])\n"
	if err := os.WriteFile(user, []byte(legacyText), 0o600); err != nil {
		t.Fatal(err)
	}
	made := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	if err := Append(user, Meta{Scope: Global, Made: made, Kind: "exact", Command: []string{"make", "test"}},
		"define_program(program = \"make\", args = [\"test\"])\n", nil); err != nil {
		t.Fatal(err)
	}
	if err := Append(proj, Meta{Scope: Project, Project: "/work/app", Made: made, Kind: "shape", Command: []string{"pytest", "-x"},
		Bind: &Binding{Path: "/work/app/run.sh", SHA256: "ab"}}, "define_program(program = \"pytest\", options = [flag(\"-x\")], args = [])\n", nil); err != nil {
		t.Fatal(err)
	}
	all, err := All(user, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("listed %d rules, want 3: %+v", len(all), all)
	}
	if all[0].Kind != "exact" || all[0].Made.Year() != 2026 || !strings.Contains(all[0].Text, `"ls"`) {
		t.Errorf("legacy rule read as %+v", all[0])
	}
	if all[1].Command[0] != "make" || !all[1].Made.Equal(made) || all[1].Scope != Global {
		t.Errorf("rule 2 read as %+v", all[1])
	}
	if all[2].Scope != Project || all[2].Project != "/work/app" || all[2].Bind == nil || all[2].Bind.SHA256 != "ab" {
		t.Errorf("rule 3 read as %+v", all[2])
	}
	// Revoke rule 1 (the legacy one): the file keeps rule 2 whole.
	r, i, err := all.Index(1)
	if err != nil || i != 0 || r.File != user {
		t.Fatalf("Index(1) = %v %d %v", r.File, i, err)
	}
	if err := Remove(r.File, r.Scope, i, nil); err != nil {
		t.Fatal(err)
	}
	rest, _ := Read(user, Global)
	if len(rest) != 1 || rest[0].Command[0] != "make" {
		t.Errorf("after rm 1: %+v", rest)
	}
	if _, _, err := all.Index(9); err == nil {
		t.Error("Index(9) of 3 rules: no error")
	}
}

// A rule whose file would not load is not written; one that fails when read
// back is rolled back.
func TestAppendChecked(t *testing.T) {
	dir := t.TempDir()
	user := filepath.Join(dir, "user.policy")
	if err := os.WriteFile(user, []byte("# mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := errors.New("does not load")
	err := Append(user, Meta{Kind: "exact"}, "oops(\n", func([]byte) error { return bad })
	if !errors.Is(err, bad) {
		t.Fatalf("Append with a failing check: %v", err)
	}
	if b, _ := os.ReadFile(user); string(b) != "# mine\n" {
		t.Errorf("file changed by a refused rule: %q", b)
	}
	calls := 0
	err = Append(user, Meta{Kind: "exact"}, "x = 1\n", func([]byte) error {
		calls++
		if calls == 2 {
			return bad // as read back
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "rolled back") {
		t.Fatalf("Append failing after the write: %v", err)
	}
	if b, _ := os.ReadFile(user); string(b) != "# mine\n" {
		t.Errorf("file not rolled back: %q", b)
	}
}

func TestProjectRoot(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := ProjectRoot(sub); got != dir {
		t.Errorf("ProjectRoot(%s) = %s, want %s", sub, got, dir)
	}
	other := t.TempDir()
	if got := ProjectRoot(other); got != other {
		t.Errorf("ProjectRoot without .git = %s, want %s", got, other)
	}
}

// TestProjectRootPlaceholder: a .git that leads nowhere (the sandbox's
// placeholder at the top of /tmp, a link to /dev/null/guard-placeholder)
// or is neither a directory nor a file does not make a project: every
// directory below /tmp would have shared one project's "always" answers.
// A link to a real repository does.
func TestProjectRootPlaceholder(t *testing.T) {
	for _, kind := range []string{"placeholder", "FIFO", "link to a repository"} {
		t.Run(kind, func(t *testing.T) {
			top := t.TempDir()
			sub := filepath.Join(top, "proj", "src")
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			git := filepath.Join(top, ".git")
			var err error
			switch kind {
			case "placeholder":
				err = os.Symlink("/dev/null/guard-placeholder", git)
			case "FIFO":
				err = syscall.Mkfifo(git, 0o600)
			case "link to a repository":
				repo := filepath.Join(t.TempDir(), "repo.git")
				if err = os.Mkdir(repo, 0o755); err == nil {
					err = os.Symlink(repo, git)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			want := sub
			if kind == "link to a repository" {
				want = top
			}
			if got := ProjectRoot(sub); got != want {
				t.Errorf("ProjectRoot(%s) with a .git %s above = %s, want %s", sub, kind, got, want)
			}
		})
	}
}

// TestHashFIFO: a FIFO where a program was is refused at once, not waited on.
func TestHashFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "run.sh")
	if err := syscall.Mkfifo(p, 0o755); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if _, err := Hash(p); !errors.Is(err, safefile.ErrNotRegular) {
		t.Errorf("Hash of a FIFO: %v, want not a regular file", err)
	}
}
