package shim_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"guard/shim"
)

// The test binary doubles as a tiny guard for the loop tests (as os/exec's
// tests do): with helperEnv set it acts as a shim that resolves its name on
// PATH and execs the result in place, the way guard does.
const helperEnv = "GUARD_SHIM_TEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		os.Exit(helperMain())
	}
	os.Exit(m.Run())
}

func helperMain() int {
	name := shim.Name(os.Args[0])
	_, self, err := shim.Self()
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 125
	}
	path, _, err := shim.LookPath(name, os.Getenv("PATH"), self)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 127
	}
	env, err := shim.Next(os.Environ(), os.Getpid(), name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 126
	}
	err = syscall.Exec(path, append([]string{name}, os.Args[1:]...), env)
	fmt.Fprintln(os.Stderr, "helper: exec:", err)
	return 125
}

func TestName(t *testing.T) {
	for _, tt := range []struct{ argv0, want string }{
		{"rm", "rm"},
		{"/home/u/.local/share/guard/shims/rm", "rm"},
		{"./guard", "guard"},
		{"", ""},
	} {
		if got := shim.Name(tt.argv0); got != tt.want {
			t.Errorf("Name(%q) = %q, want %q", tt.argv0, got, tt.want)
		}
	}
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"guard", true}, {"guard.test", true}, {"rm", false}, {"guardian", false}, {"", false},
	} {
		if got := shim.IsGuard(tt.name); got != tt.want {
			t.Errorf("IsGuard(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSelf(t *testing.T) {
	p, fi, err := shim.Self()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.Stat(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(fi, want) {
		t.Errorf("Self() = %s, not the running test binary %s", p, os.Args[0])
	}
}

// tree is a scratch file system: a guard binary, its shims, a real program.
type tree struct {
	root  string
	guard string
	self  os.FileInfo
}

func newTree(t *testing.T) *tree {
	t.Helper()
	root := t.TempDir()
	tr := &tree{root: root, guard: filepath.Join(root, "bin", "guard")}
	tr.file(t, "bin/guard", 0o755)
	tr.symlink(t, tr.guard, "shims/rm")
	tr.file(t, "real/rm", 0o755)
	fi, err := os.Stat(tr.guard)
	if err != nil {
		t.Fatal(err)
	}
	tr.self = fi
	return tr
}

func (tr *tree) path(rel string) string { return filepath.Join(tr.root, rel) }

func (tr *tree) file(t *testing.T, rel string, mode os.FileMode) {
	t.Helper()
	p := tr.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("#!/bin/sh\necho "+rel+"\n"), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

func (tr *tree) symlink(t *testing.T, target, rel string) {
	t.Helper()
	p := tr.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

func TestLookPath(t *testing.T) {
	tr := newTree(t)
	r := tr.root
	// Every way of reaching guard's own file again.
	tr.symlink(t, filepath.Join(r, "shims"), "linkdir")        // symlinked directory
	tr.symlink(t, "../bin/guard", "relshims/rm")               // relative symlink target
	tr.symlink(t, filepath.Join(r, "shims", "rm"), "chain/rm") // symlink to a shim
	if err := os.MkdirAll(tr.path("hard"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(tr.guard, tr.path("hard/rm")); err != nil { // hard link
		t.Fatal(err)
	}
	// Another guard binary (a different file named guard) and its shim.
	tr.file(t, "other/guard", 0o755)
	tr.symlink(t, tr.path("other/guard"), "othershims/rm")
	// Things that are not programs.
	if err := os.MkdirAll(tr.path("isdir/rm"), 0o755); err != nil {
		t.Fatal(err)
	}
	tr.file(t, "noexec/rm", 0o644)
	tr.symlink(t, tr.path("nowhere"), "broken/rm")
	// A relative entry that holds an rm.
	tr.file(t, "cwd/rm", 0o755)
	t.Chdir(tr.path("cwd"))

	real := tr.path("real/rm")
	for _, tt := range []struct {
		name    string
		path    []string
		want    string
		skipped []shim.Skipped
	}{
		{
			name: "shim dir first",
			path: []string{r + "/shims", r + "/real"},
			want: real,
			skipped: []shim.Skipped{
				{r + "/shims/rm", shim.ReasonSelf},
			},
		},
		{
			name: "same dir spelled differently",
			path: []string{r + "/shims/", r + "//shims", r + "/./shims", r + "/bin/../shims", r + "/linkdir", r + "/real"},
			want: real,
			skipped: []shim.Skipped{
				// Each as a shell tries it, not cleaned.
				{r + "/shims/rm", shim.ReasonSelf},
				{r + "//shims/rm", shim.ReasonSelf},
				{r + "/./shims/rm", shim.ReasonSelf},
				{r + "/bin/../shims/rm", shim.ReasonSelf},
				{r + "/linkdir/rm", shim.ReasonSelf},
			},
		},
		{
			name: "hard link relative symlink and chain",
			path: []string{r + "/hard", r + "/relshims", r + "/chain", r + "/real"},
			want: real,
			skipped: []shim.Skipped{
				{r + "/hard/rm", shim.ReasonSelf},
				{r + "/relshims/rm", shim.ReasonSelf},
				{r + "/chain/rm", shim.ReasonSelf},
			},
		},
		{
			name: "another guard's shim",
			path: []string{r + "/othershims", r + "/real"},
			want: real,
			skipped: []shim.Skipped{
				{r + "/othershims/rm", shim.ReasonOtherGuard + " (" + r + "/other/guard)"},
			},
		},
		{
			name: "empty and relative entries",
			path: []string{"", ".", "cwd", "../cwd", r + "/real"},
			want: real,
			skipped: []shim.Skipped{
				{"", shim.ReasonEmpty},
				{"./rm", shim.ReasonRelative},
				{"cwd/rm", shim.ReasonRelative},
				{"../cwd/rm", shim.ReasonRelative},
			},
		},
		{
			name: "not programs",
			path: []string{r + "/isdir", r + "/noexec", r + "/broken", r + "/missing", r + "/real"},
			want: real,
			skipped: []shim.Skipped{
				{r + "/isdir/rm", shim.ReasonDir},
				{r + "/noexec/rm", shim.ReasonNotExec},
				{r + "/broken/rm", shim.ReasonUnreachable + ": no such file or directory"},
			},
		},
		{
			name: "a file where a directory should be",
			path: []string{r + "/real/rm", r + "/real"},
			want: real,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, skipped, err := shim.LookPath("rm", strings.Join(tt.path, string(os.PathListSeparator)), tr.self)
			if err != nil {
				t.Fatalf("LookPath(rm) error: %v", err)
			}
			if got != tt.want {
				t.Errorf("LookPath(rm) = %s, want %s", got, tt.want)
			}
			if fmt.Sprint(skipped) != fmt.Sprint(tt.skipped) {
				t.Errorf("LookPath(rm) skipped\n%v\nwant\n%v", skipped, tt.skipped)
			}
		})
	}
}

func TestLookPathNotFound(t *testing.T) {
	tr := newTree(t)
	path := tr.path("shims") + string(os.PathListSeparator) + "."
	_, skipped, err := shim.LookPath("rm", path, tr.self)
	if !errors.Is(err, shim.ErrNotFound) {
		t.Fatalf("LookPath(rm) error = %v, want ErrNotFound", err)
	}
	if len(skipped) != 2 {
		t.Errorf("LookPath(rm) skipped %v, want the shim and the relative entry", skipped)
	}
	if !strings.Contains(err.Error(), "guard which rm") {
		t.Errorf("error %q does not point at 'guard which'", err)
	}
	if _, _, err := shim.LookPath("rm", "", tr.self); !errors.Is(err, shim.ErrNotFound) {
		t.Errorf("LookPath(rm) with empty PATH error = %v, want ErrNotFound", err)
	}
}

func TestLookPathRefuses(t *testing.T) {
	tr := newTree(t)
	for _, name := range []string{"", ".", "..", "./rm", "/bin/rm", "a/rm", "r\x00m"} {
		if _, _, err := shim.LookPath(name, tr.path("real"), tr.self); err == nil || errors.Is(err, shim.ErrNotFound) {
			t.Errorf("LookPath(%q) error = %v, want a refusal", name, err)
		}
	}
	if _, _, err := shim.LookPath("rm", tr.path("real"), nil); err == nil {
		t.Errorf("LookPath(rm) with nil self succeeded, want a refusal")
	}
}

func TestDepth(t *testing.T) {
	const pid = 4242
	for _, tt := range []struct {
		name string
		env  []string
		want int
	}{
		{"unset", []string{"PATH=/bin"}, 0},
		{"this process", []string{"GUARD_SHIM_DEPTH=4242:3"}, 3},
		{"another process", []string{"GUARD_SHIM_DEPTH=17:3"}, 0},
		{"first one counts", []string{"GUARD_SHIM_DEPTH=4242:2", "GUARD_SHIM_DEPTH=4242:4"}, 2},
		{"no pid", []string{"GUARD_SHIM_DEPTH=3"}, 0},
		{"junk", []string{"GUARD_SHIM_DEPTH=4242:x"}, 0},
		{"negative", []string{"GUARD_SHIM_DEPTH=4242:-9"}, 0},
		{"empty", []string{"GUARD_SHIM_DEPTH="}, 0},
		{"prefix of another name", []string{"GUARD_SHIM_DEPTHX=4242:3"}, 0},
	} {
		if got := shim.Depth(tt.env, pid); got != tt.want {
			t.Errorf("%s: Depth(%q) = %d, want %d", tt.name, tt.env, got, tt.want)
		}
	}

	env := shim.WithDepth([]string{"A=1", "GUARD_SHIM_DEPTH=1:1", "B=2", "GUARD_SHIM_DEPTH=x"}, pid, 2)
	if want := []string{"A=1", "B=2", "GUARD_SHIM_DEPTH=4242:2"}; fmt.Sprint(env) != fmt.Sprint(want) {
		t.Errorf("WithDepth = %q, want %q", env, want)
	}

	env = []string{"PATH=/bin"}
	for i := 1; i <= shim.MaxDepth; i++ {
		var err error
		if env, err = shim.Next(env, pid, "rm"); err != nil {
			t.Fatalf("Next, hop %d: %v", i, err)
		}
		if got := shim.Depth(env, pid); got != i {
			t.Fatalf("after hop %d Depth = %d", i, got)
		}
	}
	_, err := shim.Next(env, pid, "rm")
	var le *shim.LoopError
	if !errors.As(err, &le) || !errors.Is(err, shim.ErrLoop) || le.Depth != shim.MaxDepth || le.Name != "rm" {
		t.Fatalf("Next after %d hops: error %v, want a LoopError", shim.MaxDepth, err)
	}
	// A child process (new PID) starts counting again.
	if _, err := shim.Next(env, pid+1, "rm"); err != nil {
		t.Errorf("Next in a child process: %v", err)
	}
}

// installCopy copies the test binary to dir/name, a different file from the
// running one, and links shimDir/rm to it.
func installCopy(t *testing.T, dir, name, shimDir string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, shimDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, name), filepath.Join(shimDir, "rm")); err != nil {
		t.Fatal(err)
	}
}

func runShim(t *testing.T, root string) (string, error) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(root, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "real", "rm"), []byte("#!/bin/sh\necho real rm \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "shimsA", "rm"), "-f", "x")
	cmd.Env = append(os.Environ(),
		helperEnv+"=1",
		"PATH="+strings.Join([]string{root + "/shimsA", root + "/shimsB", root + "/real", "/usr/bin", "/bin"}, ":"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Two guard copies whose shims are both on PATH: when the copies are named
// guard, each skips the other's shim and finds the real program.
func TestTwoGuardsFindRealProgram(t *testing.T) {
	root := t.TempDir()
	installCopy(t, root+"/a", "guard", root+"/shimsA")
	installCopy(t, root+"/b", "guard", root+"/shimsB")
	out, err := runShim(t, root)
	if err != nil || out != "real rm -f x\n" {
		t.Fatalf("shim run: %v, output %q, want the real rm", err, out)
	}
}

// When the copies are not recognisable as guard (renamed), they exec each
// other in place; the depth marker stops the loop with a clear error.
func TestTwoGuardsLoopStops(t *testing.T) {
	root := t.TempDir()
	installCopy(t, root+"/a", "warden-a", root+"/shimsA")
	installCopy(t, root+"/b", "warden-b", root+"/shimsB")
	out, err := runShim(t, root)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 126 {
		t.Fatalf("shim run: %v, output %q, want exit 126", err, out)
	}
	want := fmt.Sprintf("rm: guard shim loop: resolved to another guard %d times in a row", shim.MaxDepth)
	if !strings.Contains(out, want) {
		t.Errorf("shim run output %q, want it to contain %q", out, want)
	}
}

// BenchmarkLookPath resolves rm past a shim directory on a PATH of typical
// length, as every shim run does.
func BenchmarkLookPath(b *testing.B) {
	root := b.TempDir()
	guard := filepath.Join(root, "bin", "guard")
	dirs := []string{root + "/shims"}
	for _, d := range []string{"bin", "shims", "usr/local/sbin", "usr/local/bin", "usr/sbin", "usr/bin", "sbin", "real"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			b.Fatal(err)
		}
		if d != "bin" && d != "shims" {
			dirs = append(dirs, filepath.Join(root, d))
		}
	}
	if err := os.WriteFile(guard, nil, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.Symlink(guard, root+"/shims/rm"); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(root+"/real/rm", nil, 0o755); err != nil {
		b.Fatal(err)
	}
	self, err := os.Stat(guard)
	if err != nil {
		b.Fatal(err)
	}
	path := strings.Join(dirs, ":")
	for b.Loop() {
		if _, _, err := shim.LookPath("rm", path, self); err != nil {
			b.Fatal(err)
		}
	}
}
