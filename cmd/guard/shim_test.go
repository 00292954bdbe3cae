package main

// guard as PATH shims (DIR/rm -> guard), with real bash, a real PATH and
// the real programs behind the shims.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// shimWorld is a world with shims for rm, ls, cat and touch in shims/,
// files to work on, and an audit log that shows every guard decision (so a
// test can tell that a command really went through a shim).
type shimWorld struct {
	*world
	shims string // the shim directory
	audit string // GUARD_AUDIT_LOG
}

func newShimWorld(t *testing.T) *shimWorld {
	t.Helper()
	w := &shimWorld{world: newWorld(t)}
	w.shims = filepath.Join(w.root, "shims")
	// In the TMPDIR the world gives guard, a shared writable root: a guard
	// run inside the sandbox writes its decisions there too, wherever the
	// test's own TMPDIR lies.
	w.audit = filepath.Join(w.root, "tmp", "audit.jsonl")
	w.setenv("GUARD_AUDIT_LOG", w.audit)
	w.write("work/dir2/a", "", 0o644)
	w.write("work/dir2/b", "", 0o644)
	w.write("work/file.txt", "some\ntext\n", 0o644)
	w.write("work/victim", "keep me\n", 0o644)
	w.install(w.shims, "rm", "ls", "cat", "touch")
	return w
}

// install runs `guard install --dir dir NAMES...` and requires success.
func (w *world) install(dir string, names ...string) {
	w.t.Helper()
	r := execute(w.t, w.command(append([]string{w.guard, "install", "--dir", dir}, names...)...))
	if r.code != 0 {
		w.t.Fatalf("guard install --dir %s %s: %s, want exit 0", dir, strings.Join(names, " "), r)
	}
}

// bash runs a bash script with PATH set to path (a list of directories,
// prepended to the system's), as an agent's shell tool would.
func (w *world) bash(path []string, script string) outcome {
	w.t.Helper()
	cmd := w.command("bash", "--noprofile", "--norc", "-c", script)
	cmd.Env = append(cmd.Env, "PATH="+strings.Join(append(slices.Clone(path), systemPath), ":"))
	return execute(w.t, cmd)
}

type auditEntry struct {
	Argv     []string `json:"argv"`
	Mode     string   `json:"mode"`
	Decision string   `json:"decision"`
	Sandbox  string   `json:"sandbox"`
}

// decisions returns the audit log's entries and empties it.
func (w *shimWorld) decisions() []auditEntry {
	w.t.Helper()
	return w.decisionsIn(w.audit)
}

// decisionsIn returns the entries of the audit log at path and removes it.
func (w *shimWorld) decisionsIn(path string) []auditEntry {
	w.t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		w.t.Fatal(err)
	}
	os.Remove(path)
	var out []auditEntry
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var e auditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			w.t.Fatalf("audit log line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

// argvs lists the commands guard decided about, as shell lines.
func argvs(es []auditEntry) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, strings.Join(e.Argv, " "))
	}
	return out
}

// realProgram is where the system PATH finds name.
func realProgram(t *testing.T, name string) string {
	t.Helper()
	for _, d := range filepath.SplitList(systemPath) {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	t.Skipf("%s is not installed (PATH %s)", name, systemPath)
	return ""
}

// A safe command run through its shim prints and exits exactly as the real
// program does, error messages included, alone and in a pipeline. The error
// messages also show the argv[0] the program got: GNU ls and cat name
// themselves by it ("ls: cannot access", not "/usr/bin/ls: cannot access"),
// so the shim passed on the name the caller typed.
func TestShimSafeCommandSameAsReal(t *testing.T) {
	t.Parallel()
	w := newShimWorld(t)
	for _, tt := range []struct {
		script string
		code   int      // the real program's status
		argvs  []string // what guard decided about
	}{
		{"ls dir2", 0, []string{"ls dir2"}},
		{"ls -l dir2", 0, []string{"ls -l dir2"}},
		{"cat file.txt", 0, []string{"cat file.txt"}},
		{"ls missing", 2, []string{"ls missing"}},
		{"cat missing", 1, []string{"cat missing"}},
		{"ls dir2 | cat", 0, []string{"ls dir2", "cat"}},
	} {
		direct := w.bash(nil, tt.script)
		w.decisions()
		shimmed := w.bash([]string{w.shims}, tt.script)
		got := w.decisions()
		if direct.code != tt.code {
			t.Fatalf("%s without shims: %s, want exit %d", tt.script, direct, tt.code)
		}
		shimmed.pid = direct.pid
		if shimmed != direct {
			t.Errorf("%s through the shims: %s\nwant the same as the real program: %s", tt.script, shimmed, direct)
		}
		slices.Sort(tt.argvs)
		if a := argvs(got); !slices.Equal(slices.Sorted(slices.Values(a)), tt.argvs) {
			t.Errorf("%s through the shims: guard decided about %q, want %q (did the shims run?)", tt.script, a, tt.argvs)
		}
	}
}

// In suggest mode a shimmed rm with no one to ask is refused (126, one line
// on stderr) and the file stays; a script goes on after the refusal.
func TestShimSuggestRefuses(t *testing.T) {
	t.Parallel()
	w := newShimWorld(t)
	r := w.bash([]string{w.shims}, "rm victim")
	if r.code != 126 || !strings.HasPrefix(r.stderr, "guard: refused rm victim (match, suggest mode)") ||
		strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("rm victim through the shim: %s, want 126 and one line: guard: refused rm victim (match, suggest mode)...", r)
	}
	if b, _ := os.ReadFile(filepath.Join(w.work, "victim")); string(b) != "keep me\n" {
		t.Errorf("victim after the refused rm: %q, want it untouched", b)
	}
}

// Shims called from a pipeline and from a script file (bash script.sh) go
// through guard, each command on its own.
func TestShimPipelineAndScript(t *testing.T) {
	t.Parallel()
	w := newShimWorld(t)
	// rm's refusal line goes down the pipe to a shimmed cat.
	r := w.bash([]string{w.shims}, `rm victim 2>&1 | cat; echo "statuses ${PIPESTATUS[*]}"`)
	if !strings.HasPrefix(r.stdout, "guard: refused rm victim (match, suggest mode)") || !strings.HasSuffix(r.stdout, "\nstatuses 126 0\n") {
		t.Errorf("rm victim 2>&1 | cat: %s, want rm refused (its line through cat) and statuses 126 0", r)
	}
	if a := argvs(w.decisions()); !slices.Equal(slices.Sorted(slices.Values(a)), []string{"cat", "rm victim"}) {
		t.Errorf("rm victim 2>&1 | cat: guard decided about %q, want rm victim and cat", a)
	}

	script := w.write("work/script.sh", "ls dir2\nrm victim\necho \"rm status $?\"\ncat file.txt | cat\ntouch made.txt\n", 0o644)
	r = w.bash([]string{w.shims}, "bash "+script)
	want := "a\nb\nrm status 126\nsome\ntext\n"
	if r.code != 126 || r.stdout != want || strings.Count(r.stderr, "guard: refused") != 2 {
		t.Errorf("bash script.sh: %s\nwant stdout %q, rm and touch refused, exit 126 (touch's)", r, want)
	}
	if !fileExists(filepath.Join(w.work, "victim")) || fileExists(filepath.Join(w.work, "made.txt")) {
		t.Errorf("bash script.sh: victim kept %v, made.txt made %v; want victim kept and nothing made",
			fileExists(filepath.Join(w.work, "victim")), fileExists(filepath.Join(w.work, "made.txt")))
	}
	wantArgvs := []string{"cat", "cat file.txt", "ls dir2", "rm victim", "touch made.txt"}
	if a := argvs(w.decisions()); !slices.Equal(slices.Sorted(slices.Values(a)), wantArgvs) {
		t.Errorf("bash script.sh: guard decided about %q, want %q", a, wantArgvs)
	}
}

// With GUARD_MODE=full-auto a shimmed command runs in the sandbox: no new
// privileges and a seccomp filter (visible in /proc/self/status), and
// writes outside the writable roots fail while writes inside work.
func TestShimFullAuto(t *testing.T) {
	t.Parallel()
	w := newShimWorld(t)
	needSandbox(t, w.world, "full-auto")

	status := func(r outcome) string {
		var nnp, sec string
		for _, l := range strings.Split(r.stdout, "\n") {
			if v, ok := strings.CutPrefix(l, "NoNewPrivs:"); ok {
				nnp = strings.TrimSpace(v)
			}
			if v, ok := strings.CutPrefix(l, "Seccomp:"); ok {
				sec = strings.TrimSpace(v)
			}
		}
		return "NoNewPrivs " + nnp + ", Seccomp " + sec
	}
	self, _ := os.ReadFile("/proc/self/status")
	outside := status(outcome{stdout: string(self)})
	if r := w.bash([]string{w.shims}, "cat /proc/self/status"); r.code != 0 || status(r) != outside {
		t.Errorf("suggest mode, cat /proc/self/status: %s (%s), want it unconfined like the test itself (%s)", status(r), r.stderr, outside)
	}
	w.setenv("GUARD_MODE", "full-auto")
	if r := w.bash([]string{w.shims}, "cat /proc/self/status"); r.code != 0 || status(r) != "NoNewPrivs 1, Seccomp 2" {
		t.Errorf("GUARD_MODE=full-auto, cat /proc/self/status: %s, %s; want NoNewPrivs 1, Seccomp 2 (sandboxed)", status(r), r)
	}
	if es := w.decisions(); len(es) != 2 || es[1].Decision != "sandbox" || es[1].Sandbox != "landlock+seccomp" {
		t.Errorf("audit log %+v, want the full-auto cat decided sandbox, landlock+seccomp", es)
	}

	// e2ewrite (no rule names it: unverified, so full-auto sandboxes it)
	// writes the file named by its argument: guard cannot see the write.
	real := filepath.Join(w.root, "real")
	w.write("real/e2ewrite", "#!/bin/sh\n: > \"$1\"\n", 0o755)
	// install makes a shim only for a program on PATH.
	inst := w.command(w.guard, "install", "--dir", w.shims, "e2ewrite")
	inst.Env = append(inst.Env, "PATH="+real+":"+systemPath)
	if r := execute(t, inst); r.code != 0 {
		t.Fatalf("guard install e2ewrite with %s on PATH: %s", real, r)
	}
	path := []string{w.shims, real}
	etc := fmt.Sprintf("/etc/guard-e2e-%d", os.Getpid())
	t.Cleanup(func() { os.Remove(etc) })
	if r := w.bash(path, "e2ewrite "+etc); r.code == 0 || fileExists(etc) {
		t.Errorf("full-auto e2ewrite %s: %s, file made %v; want the write refused by the sandbox", etc, r, fileExists(etc))
	}
	if r := w.bash(path, "e2ewrite ./inside"); r.code != 0 || !fileExists(filepath.Join(w.work, "inside")) {
		t.Errorf("full-auto e2ewrite ./inside: %s, want exit 0 and the file made (the cwd is a writable root)", r)
	}
	w.setenv("GUARD_MODE", "suggest")
	if r := w.bash(path, "e2ewrite ./asked"); r.code != 126 || fileExists(filepath.Join(w.work, "asked")) {
		t.Errorf("suggest e2ewrite ./asked: %s, want 126 (unverified, no one to ask)", r)
	}
}

// A shim never finds itself, however PATH spells its directory, nor any
// shim of a file named guard; `guard which` shows what it skipped and why.
func TestShimRecursion(t *testing.T) {
	t.Parallel()
	w := newShimWorld(t)
	realLs := realProgram(t, "ls")
	link := filepath.Join(w.root, "shimlink")
	if err := os.Symlink(w.shims, link); err != nil {
		t.Fatal(err)
	}
	// A hard link of guard named guard, with shims of its own.
	hard := filepath.Join(w.root, "hard", "guard")
	if err := os.MkdirAll(filepath.Dir(hard), 0o755); err != nil {
		t.Fatal(err)
	}
	hardOK := os.Link(w.guard, hard) == nil
	if hardOK {
		r := execute(t, w.command(hard, "install", "--dir", filepath.Join(w.root, "hardshims"), "ls"))
		if r.code != 0 {
			t.Fatalf("hard link guard install: %s", r)
		}
	}
	// Two different copies of guard, each with its own shim directory.
	copyGuard(t, w.guard, filepath.Join(w.root, "a", "guard"))
	copyGuard(t, w.guard, filepath.Join(w.root, "b", "guard"))
	for _, c := range []string{"a", "b"} {
		r := execute(t, w.command(filepath.Join(w.root, c, "guard"), "install", "--dir", filepath.Join(w.root, c+"shims"), "ls"))
		if r.code != 0 {
			t.Fatalf("copy %s: guard install: %s", c, r)
		}
	}

	self := "guard itself (same file as the running guard)"
	other := "shim of another guard binary"
	s := w.shims
	for _, tt := range []struct {
		name    string
		path    []string
		guard   string   // the guard binary that `which` runs
		skipped []string // "DIR/ls: reason" lines of guard which
	}{
		{"twice", []string{s, s}, w.guard, []string{s + "/ls: " + self, s + "/ls: " + self}},
		{"trailing slash", []string{s + "/", s}, w.guard, []string{s + "/ls: " + self, s + "/ls: " + self}},
		{"symlinked dir", []string{link}, w.guard, []string{link + "/ls: " + self}},
		{"double slashes", []string{strings.ReplaceAll(s, "/", "//")}, w.guard, []string{strings.ReplaceAll(s, "/", "//") + "/ls: " + self}},
		{"hard link named guard", []string{w.root + "/hardshims", s}, hard,
			[]string{w.root + "/hardshims/ls: " + self, s + "/ls: " + self}},
		{"two guard copies", []string{w.root + "/ashims", w.root + "/bshims", s}, w.root + "/a/guard",
			[]string{w.root + "/ashims/ls: " + self, w.root + "/bshims/ls: " + other + " (" + w.root + "/b/guard)",
				s + "/ls: " + other + " (" + w.guard + ")"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.guard == hard && !hardOK {
				t.Skip("cannot hard-link the guard binary here (another file system?)")
			}
			r := w.bash(tt.path, "ls dir2")
			if r.code != 0 || r.stdout != "a\nb\n" {
				t.Errorf("ls dir2 with PATH %q: %s, want the real ls (a, b)", tt.path, r)
			}
			cmd := w.command(tt.guard, "which", "ls")
			cmd.Env = append(cmd.Env, "PATH="+strings.Join(append(slices.Clone(tt.path), systemPath), ":"))
			r = execute(t, cmd)
			var want strings.Builder
			for _, l := range tt.skipped {
				fmt.Fprintf(&want, "skipped %s\n", l)
			}
			want.WriteString(realLs + "\n")
			if r.code != 0 || r.stdout != want.String() {
				t.Errorf("guard which ls with PATH %q: %s\nwant stdout\n%s", tt.path, r, want.String())
			}
		})
	}
}

// Two guard copies that are not recognisable as guard (renamed), whose
// shims are both on PATH, exec each other in place; the depth marker stops
// them with the loop error (125) instead of looping for ever.
func TestShimLoopStops(t *testing.T) {
	t.Parallel()
	w := newShimWorld(t)
	var path []string
	for _, c := range []string{"a", "b"} {
		bin := filepath.Join(w.root, c, "warden-"+c)
		copyGuard(t, w.guard, bin)
		dir := filepath.Join(w.root, c+"shims")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(bin, filepath.Join(dir, "ls")); err != nil {
			t.Fatal(err)
		}
		path = append(path, dir)
	}
	r := w.bash(path, "ls dir2")
	// The copies lie in a writable root (/tmp), so the first guard may
	// already refuse them as binaries of unknown behaviour (126); if not,
	// the depth marker stops the loop (125). Either way nothing loops.
	loop := r.code == 125 && strings.Contains(r.stderr, "guard shim loop: resolved to another guard 5 times in a row")
	planted := r.code == 126 && strings.Contains(r.stderr, "inside the writable root")
	if !loop && !planted {
		t.Errorf("ls through two renamed guard copies: %s, want 125 and the shim loop error, or 126 for a binary in a writable root", r)
	}
}

// copyGuard copies the guard binary to a new file. The copy is made by cp,
// not here: a file this process holds open for writing would be inherited by
// children that parallel tests fork meanwhile, and exec'ing it would fail
// with ETXTBSY.
func copyGuard(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	cp(t, from, to)
}

// cp copies one file with cp(1) (see copyGuard for why not here).
func cp(t *testing.T, from, to string) {
	t.Helper()
	if out, err := exec.Command("cp", from, to).CombinedOutput(); err != nil {
		t.Fatalf("cp %s %s: %v %s", from, to, err, out)
	}
}

// A shim for a program that is nowhere else on PATH exits 127 with a line
// that points at `guard which`, in every mode that gets as far as looking.
func TestShimProgramNotFound(t *testing.T) {
	t.Parallel()
	w := newShimWorld(t)
	// A shim left behind by a program uninstalled since (install makes
	// none for an absent program).
	if err := os.Symlink(w.guard, filepath.Join(w.shims, "nosuchprog")); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"suggest", "full-auto"} {
		w.setenv("GUARD_MODE", mode)
		r := w.bash([]string{w.shims}, "nosuchprog")
		if r.code != 127 || !strings.HasPrefix(r.stderr, "guard: nosuchprog: program not found") ||
			!strings.Contains(r.stderr, "guard which nosuchprog") {
			t.Errorf("%s: nosuchprog through its shim: %s, want 127 and guard: nosuchprog: program not found ... guard which nosuchprog", mode, r)
		}
	}
	cmd := w.command(w.guard, "which", "nosuchprog")
	cmd.Env = append(cmd.Env, "PATH="+w.shims+":"+systemPath)
	want := "skipped " + w.shims + "/nosuchprog: guard itself (same file as the running guard)\n"
	if r := execute(t, cmd); r.code != 127 || r.stdout != want {
		t.Errorf("guard which nosuchprog: %s, want 127 and stdout %q", r, want)
	}
}

// A shimmed program run by a program that guard sandboxed goes through
// guard again, inside the sandbox. What should happen, decided here: the
// inner guard judges it again (forbidden and writes outside the roots are
// still refused), in the mode of the command tree (full-auto, whether the
// outer guard got it from --mode or GUARD_MODE), and runs what full-auto
// runs, still confined by the sandbox it inherited. It must not refuse for
// want of a person (that mode was not chosen) nor fail because a sandbox
// cannot be applied twice.
func TestShimInsideSandbox(t *testing.T) {
	t.Parallel()
	w := newShimWorld(t)
	needSandbox(t, w.world, "full-auto")
	shimPath := "PATH=" + w.shims + ":" + systemPath
	// The guards run inside log to a file of the project's: the audit log
	// is hidden and read-only inside the sandbox wherever it is
	// (TestAuditLogInTempKeptFromSandbox).
	inner := filepath.Join(w.work, "inner-audit.jsonl")
	innerLog := []string{"env", "GUARD_AUDIT_LOG=" + inner}
	decisions := func() []auditEntry { return append(w.decisions(), w.decisionsIn(inner)...) }

	t.Run("judged again", func(t *testing.T) {
		dir, err := os.MkdirTemp("/var/tmp", "guard-e2e-")
		if err != nil {
			t.Skipf("need a directory outside the writable roots (/tmp, the cwd): %v", err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		victim := filepath.Join(dir, "victim")
		w.write(victim, "keep me\n", 0o644)
		// The outer guard cannot see the path (a variable): unverified, sandboxed.
		cmd := w.guardCmd(append(append([]string{"--mode", "full-auto", "--"}, innerLog...), "bash", "-c", `f=`+victim+`; rm "$f"; echo "rm: $?"`)...)
		cmd.Env = append(cmd.Env, shimPath)
		r := execute(t, cmd)
		if r.stdout != "rm: 126\n" || !strings.Contains(r.stderr, "guard: refused rm "+victim) || !fileExists(victim) {
			t.Errorf("full-auto bash -c 'rm OUTSIDE' with shims: %s, victim kept %v; want the inner rm refused by guard (126)", r, fileExists(victim))
		}
		if a := argvs(decisions()); len(a) != 2 || a[1] != "rm "+victim {
			t.Errorf("guard decided about %q, want the outer bash -c and then the inner rm", a)
		}
	})

	t.Run("--mode full-auto", func(t *testing.T) {
		w.write("work/x", "", 0o644)
		cmd := w.guardCmd(append(append([]string{"--mode", "full-auto", "--"}, innerLog...), "bash", "-c", "rm x")...)
		cmd.Env = append(cmd.Env, shimPath)
		r := execute(t, cmd)
		es := decisions()
		skipNestedBugs(t, r)
		if r.code != 0 || fileExists(filepath.Join(w.work, "x")) {
			t.Errorf("guard --mode full-auto -- bash -c 'rm x' with shims: %s, want exit 0 and x removed by the inner rm", r)
		}
		if len(es) != 2 || es[1].Mode != "full-auto" {
			t.Errorf("audit log %+v, want the inner rm judged in full-auto mode", es)
		}
	})

	t.Run("GUARD_MODE=full-auto", func(t *testing.T) {
		w.write("work/x", "", 0o644)
		cmd := w.guardCmd(append(append([]string{"--"}, innerLog...), "bash", "-c", "rm x")...)
		cmd.Env = append(cmd.Env, shimPath, "GUARD_MODE=full-auto")
		r := execute(t, cmd)
		es := decisions()
		skipNestedBugs(t, r)
		if r.code != 0 || fileExists(filepath.Join(w.work, "x")) {
			t.Errorf("GUARD_MODE=full-auto guard -- bash -c 'rm x' with shims: %s, want exit 0 and x removed by the inner rm", r)
		}
		if len(es) != 2 || es[1].Mode != "full-auto" || es[1].Decision != "sandbox" {
			t.Errorf("audit log %+v, want the inner rm judged in full-auto and sandboxed", es)
		}
	})
}

// skipNestedBugs skips when r shows one of the two known bugs of a shim run
// inside the full-auto sandbox.
func skipNestedBugs(t *testing.T, r outcome) {
	t.Helper()
	knownBug(t, r.code == 126 && strings.Contains(r.stderr, "(match, suggest mode)"),
		"guard does not pass its mode on to the program it runs: a shimmed rm inside the full-auto sandbox is judged in suggest mode "+
			"and refused (126), so full-auto commands (and hook rewrites to guard --mode full-auto) fail on every shimmed write; stderr: "+r.stderr)
	knownBug(t, r.code == 125 && strings.Contains(r.stderr, "sandbox cannot be enforced"),
		"a guard inside guard's own sandbox cannot sandbox again (as root: no CAP_SYS_ADMIN left for the read-only mounts), so in "+
			"full-auto every shimmed command run by a sandboxed program fails with 125; stderr: "+r.stderr)
}

func inodeOf(t *testing.T, p string) uint64 {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

// guard install is idempotent (the second run changes nothing, not even an
// inode), never replaces a file that is not a guard shim (exit 1, reported),
// and guard uninstall removes only guard's shims.
func TestShimInstallUninstall(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	dir := filepath.Join(w.root, "shims")
	names := []string{"cat", "ls", "rm", "touch"}
	install := func() outcome {
		return execute(t, w.command(append([]string{w.guard, "install", "--dir", dir}, names...)...))
	}
	r := install()
	if r.code != 0 || r.stdout != `export PATH="`+dir+`:$PATH"`+"\n" {
		t.Fatalf("guard install: %s, want exit 0 and the PATH line on stdout", r)
	}
	before := map[string]uint64{}
	for _, n := range names {
		p := filepath.Join(dir, n)
		if target, err := os.Readlink(p); err != nil || target != w.guard {
			t.Errorf("%s: link to %q (%v), want a symlink to %s", p, target, err, w.guard)
		}
		before[n] = inodeOf(t, p)
	}
	r = install()
	if r.code != 0 || !strings.Contains(r.stderr, "4 shims in "+dir+" (0 new, 4 already there)") {
		t.Errorf("guard install again: %s, want exit 0 and 0 new, 4 already there", r)
	}
	for _, n := range names {
		if got := inodeOf(t, filepath.Join(dir, n)); got != before[n] {
			t.Errorf("guard install again replaced %s (inode %d, was %d), want it untouched", n, got, before[n])
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != len(names) {
		t.Errorf("shim directory holds %d entries after two installs, want %d (no temporary files left)", len(ents), len(names))
	}

	// Files guard did not make, under shim names and besides.
	other := filepath.Join(w.root, "other")
	w.write("other/cat", "#!/bin/sh\necho my own cat\n", 0o755)
	w.write("other/mv/keep", "", 0o644)
	if err := os.Symlink("/bin/true", filepath.Join(other, "true")); err != nil {
		t.Fatal(err)
	}
	r = execute(t, w.command(w.guard, "install", "--dir", other, "cat", "mv", "rm", "true"))
	for _, want := range []string{
		"not ours, left alone " + other + "/cat (a regular file)",
		"not ours, left alone " + other + "/mv (a directory)",
		"not ours, left alone " + other + "/true (a symlink to /bin/true)",
		"3 names are held by files that are not guard shims",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("guard install over files not its own: stderr %q, want it to report %q", r.stderr, want)
		}
	}
	if r.code != 1 {
		t.Errorf("guard install over files not its own: %s, want exit 1", r)
	}
	if b, _ := os.ReadFile(filepath.Join(other, "cat")); string(b) != "#!/bin/sh\necho my own cat\n" {
		t.Errorf("the regular file cat became %q, want it untouched", b)
	}
	if target, _ := os.Readlink(filepath.Join(other, "true")); target != "/bin/true" {
		t.Errorf("the symlink true now points to %q, want /bin/true", target)
	}
	if target, _ := os.Readlink(filepath.Join(other, "rm")); target != w.guard {
		t.Errorf("rm: %q, want a shim made besides the conflicts", target)
	}

	for i := range 2 {
		r = execute(t, w.command(w.guard, "uninstall", "--dir", other))
		want := []string{"1 shims removed", "0 shims removed"}[i]
		if r.code != 0 || !strings.Contains(r.stderr, want) {
			t.Errorf("guard uninstall #%d: %s, want exit 0 and %q", i+1, r, want)
		}
	}
	ents, _ := os.ReadDir(other)
	var left []string
	for _, e := range ents {
		left = append(left, e.Name())
	}
	if !slices.Equal(left, []string{"cat", "mv", "true"}) {
		t.Errorf("after guard uninstall %s holds %q, want only what guard did not make: cat, mv, true", other, left)
	}
}

// guard doctor tells whether the shim directory comes first on PATH as a
// login shell (bash -lc) sees it, after the profile files have run.
func TestShimDoctorLoginPath(t *testing.T) {
	t.Parallel()
	realProgram(t, "bash")
	for _, tt := range []struct {
		name, file, profile string
		want                string // the shims line of guard doctor
	}{
		{"prepended in .bash_profile", ".bash_profile", "LINE\n", "  ok   DIR comes first on PATH in a login shell\n"},
		{"prepended in .profile", ".profile", "LINE\n", "  ok   DIR comes first on PATH in a login shell\n"},
		{"missing", ".profile", "export PATH=\"/usr/local/bin:$PATH\"\n", "  NO   DIR is not on a login shell's PATH: LINE\n"},
		{"not last", ".profile", "LINE\nexport PATH=\"/usr/bin:$PATH\"\n",
			"  NO   DIR is on a login shell's PATH but not first (entry 2): programs before it are not guarded\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			r := execute(t, w.command(w.guard, "install", "ls", "rm"))
			line := strings.TrimSuffix(r.stdout, "\n")
			dir := filepath.Join(w.home, ".local", "share", "guard", "shims")
			if r.code != 0 || line != `export PATH="`+dir+`:$PATH"` {
				t.Fatalf("guard install (default dir): %s, want exit 0 and the PATH line for %s", r, dir)
			}
			w.write(filepath.Join(w.home, tt.file), strings.ReplaceAll(tt.profile, "LINE", line), 0o644)
			r = execute(t, w.command(w.guard, "doctor"))
			want := strings.NewReplacer("DIR", dir, "LINE", line).Replace(tt.want)
			if !strings.Contains(r.stdout, "shims:\n"+want) {
				t.Errorf("guard doctor with %s %q: %s\nwant the shims line %q", tt.file, tt.profile, r, want)
			}
		})
	}
}
