package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"
)

// Landlock and seccomp cannot be lifted, so every confinement is applied in a
// child: the test binary re-executes itself as a helper (envHelper) that calls Exec,
// which execs the program under test, often the test binary again in attack mode
// (envAttack), where it tries one attack and reports on stdout.

const (
	envHelper = "GUARD_SANDBOX_TEST_HELPER" // JSON helperSpec: call Exec with it
	envAttack = "GUARD_SANDBOX_TEST_ATTACK" // JSON attackSpec: try an attack, report
)

// notEnforcedMarker tells the parent that Exec refused with ErrNotEnforced.
const notEnforcedMarker = "GUARD-TEST-NOT-ENFORCED"

type helperSpec struct {
	Profile Profile
	Path    string
	Argv    []string
	Env     []string    // nil: the helper's environment without envHelper
	Plain   bool        // exec without confinement (benchmark baseline)
	Next    *helperSpec // the exec'd program is the helper again, with this spec
	// ProtectHome, when set, has the helper fill the profile from the
	// default list itself (Protect), as the user it runs as: the scan sees
	// what that user sees.
	ProtectHome *string
	// NoUserNS: this helper behaves as if user namespaces were forbidden.
	NoUserNS bool
	// RaceSwap: between the plan and the user-namespace child's mounts, the
	// directory RaceSwap/config is renamed to RaceSwap/moved and a new
	// config/.env put in its place (TestMountRaceUnprivileged).
	RaceSwap string
}

type attackSpec struct {
	Name string
	Args []string
}

func TestMain(m *testing.M) {
	if s := os.Getenv(envHelper); s != "" {
		os.Exit(helperMain(s))
	}
	if s := os.Getenv(envAttack); s != "" {
		os.Exit(attackMain(s))
	}
	os.Exit(m.Run())
}

func helperMain(s string) int {
	var spec helperSpec
	if err := json.Unmarshal([]byte(s), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 125
	}
	env := spec.Env
	if env == nil {
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, envHelper+"=") {
				env = append(env, kv)
			}
		}
	}
	if spec.Next != nil {
		b, _ := json.Marshal(spec.Next)
		env = append(env, envHelper+"="+string(b))
	}
	if spec.Plain {
		err := syscall.Exec(spec.Path, spec.Argv, env)
		fmt.Fprintln(os.Stderr, "helper: execve:", err)
		return 125
	}
	userNSForbidden = spec.NoUserNS
	if spec.RaceSwap != "" {
		beforeRawClone = func() { raceSwap(spec.RaceSwap) }
	}
	if spec.ProtectHome != nil {
		Protect(&spec.Profile, protect.Default(), *spec.ProtectHome)
	}
	err := Exec(spec.Profile, spec.Path, spec.Argv, env, os.Stderr)
	if errors.Is(err, ErrNotEnforced) {
		fmt.Fprintln(os.Stderr, notEnforcedMarker)
	}
	fmt.Fprintf(os.Stderr, "helper: Exec: %v (is ENOENT: %v)\n", err, errors.Is(err, syscall.ENOENT))
	return 125
}

// attackMain runs one attack and prints "ok" or "fail ERRNO MESSAGE".
func attackMain(s string) int {
	var spec attackSpec
	if err := json.Unmarshal([]byte(s), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "attack:", err)
		return 2
	}
	f, ok := attacks[spec.Name]
	if !ok {
		fmt.Fprintln(os.Stderr, "attack: unknown", spec.Name)
		return 2
	}
	if err := f(spec.Args); err != nil {
		var errno unix.Errno
		errors.As(err, &errno)
		fmt.Printf("fail %d %v\n", int(errno), err)
	} else {
		fmt.Println("ok")
	}
	return 0
}

// outcome is what a child reported.
type outcome struct {
	ok     bool       // the attack succeeded
	errno  unix.Errno // why it failed, if the error carried one
	msg    string
	killed syscall.Signal // the child died of this signal
	stdout string
	stderr string
}

func (o outcome) String() string {
	switch {
	case o.killed != 0:
		return "killed by " + unix.SignalName(o.killed)
	case o.ok:
		return "succeeded"
	}
	return "failed: " + o.msg
}

// child describes one run of the test binary or a tool, confined or not.
type child struct {
	profile *Profile // nil: unconfined
	path    string   // program; "" is the test binary in attack mode
	argv    []string
	attack  *attackSpec
	env     []string // added to the environment
	dir     string
	stdin   *os.File
	extra   []*os.File
	timeout time.Duration
	exe     string              // the test binary; "": os.Executable()
	cred    *syscall.Credential // run as another user
	ctty    bool                // stdin becomes the controlling terminal of a new session
	nested  *Profile            // confine again inside the first confinement
	// protectHome: the child fills the profile from the default list
	// (helperSpec.ProtectHome).
	protectHome *string
	noUserNS    bool // the helper behaves as if user namespaces were forbidden
	// before: a bash command line started in the background by the
	// process that then execs the helper (its children are the helper's).
	before string
}

func (c child) run(t *testing.T) outcome {
	t.Helper()
	exe := c.exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			t.Fatal(err)
		}
	}
	path, argv := c.path, c.argv
	if path == "" {
		path, argv = exe, []string{exe}
	}
	if c.timeout == 0 {
		c.timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	var cmd *exec.Cmd
	env := append(os.Environ(), c.env...)
	if c.attack != nil {
		b, _ := json.Marshal(c.attack)
		env = append(env, envAttack+"="+string(b))
	}
	if c.profile == nil {
		cmd = exec.CommandContext(ctx, path, argv[1:]...)
		cmd.Args[0] = argv[0]
	} else {
		spec := helperSpec{Profile: *c.profile, Path: path, Argv: argv, ProtectHome: c.protectHome, NoUserNS: c.noUserNS}
		if c.nested != nil {
			// Exec, then Exec again inside with the nested profile, then the program.
			spec = helperSpec{Profile: *c.profile, Path: exe, Argv: []string{exe},
				Next: &helperSpec{Profile: *c.nested, Path: path, Argv: argv}}
		}
		b, _ := json.Marshal(spec)
		cmd = exec.CommandContext(ctx, exe)
		if c.before != "" {
			cmd = exec.CommandContext(ctx, "/bin/bash", "-c", c.before+" & exec \"$0\"", exe)
		}
		env = append(env, envHelper+"="+string(b))
	}
	cmd.Env = env
	cmd.Dir = c.dir
	cmd.Stdin = c.stdin
	cmd.ExtraFiles = c.extra
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred, Setsid: c.ctty, Setctty: c.ctty}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	o := outcome{stdout: stdout.String(), stderr: stderr.String()}
	if strings.Contains(o.stderr, notEnforcedMarker) {
		sandboxtest.Skipf(t, "this machine cannot enforce the profile: %s", strings.TrimSpace(o.stderr))
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			o.killed = ws.Signal()
			return o
		}
		if exitErr.ExitCode() == 125 && c.profile != nil {
			t.Fatalf("the helper could not confine: %s", o.stderr)
		}
	} else if err != nil {
		t.Fatalf("run %s: %v", path, err)
	}
	if c.attack == nil {
		o.ok = err == nil
		if err != nil {
			o.msg = err.Error()
		}
		return o
	}
	line, _, _ := strings.Cut(o.stdout, "\n")
	switch {
	case line == "ok":
		o.ok = true
	case strings.HasPrefix(line, "fail "):
		f := strings.SplitN(line, " ", 3)
		n, _ := strconv.Atoi(f[1])
		o.errno, o.msg = unix.Errno(n), f[2]
	default:
		t.Fatalf("attack %s: no report (%v)\nstdout: %s\nstderr: %s", c.attack.Name, err, o.stdout, o.stderr)
	}
	return o
}

var probeOnce = sync.OnceValue(Probe)

// requireSandbox skips unless this machine enforces every line of the default
// profile.
func requireSandbox(t testing.TB) {
	t.Helper()
	var missing []string
	for _, f := range probeOnce() {
		if !f.Enforced && !strings.HasPrefix(f.Detail, "not root") {
			missing = append(missing, f.Name+" ("+f.Detail+")")
		}
	}
	if len(missing) > 0 {
		sandboxtest.Skipf(t, "this machine does not enforce: %s", strings.Join(missing, "; "))
	}
}

func requireRoot(t testing.TB, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		sandboxtest.Skipf(t, "not root: %s", why)
	}
}

func TestSkipsFailWhenRequired(t *testing.T) {
	// The switch itself: sandboxtest.Skip must fail, not skip, under the variable.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("GUARD_TEST_SKIP_PROBE") == "1" {
		sandboxtest.Skip(t, "a reason")
		return
	}
	cmd := exec.Command(exe, "-test.run=^TestSkipsFailWhenRequired$", "-test.v")
	cmd.Env = append(os.Environ(), "GUARD_TEST_SKIP_PROBE=1", sandboxtest.RequireEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err == nil || !bytes.Contains(out, []byte("would skip: a reason")) {
		t.Errorf("with %s=1 a skip passed:\n%s", sandboxtest.RequireEnv, out)
	}
	cmd = exec.Command(exe, "-test.run=^TestSkipsFailWhenRequired$", "-test.v")
	cmd.Env = append(os.Environ(), "GUARD_TEST_SKIP_PROBE=1", sandboxtest.RequireEnv+"=")
	if out, err := cmd.CombinedOutput(); err != nil || !bytes.Contains(out, []byte("SKIP")) {
		t.Errorf("without %s a skip failed: %v\n%s", sandboxtest.RequireEnv, err, out)
	}
}

func TestProbe(t *testing.T) {
	fs := Probe()
	if len(fs) < 10 {
		t.Fatalf("Probe = %d lines, want one per part of the profile", len(fs))
	}
	for _, f := range fs {
		t.Logf("%-5v %s: %s", f.Enforced, f.Name, f.Detail)
		if f.Name == "" || f.Detail == "" {
			t.Errorf("Probe line %+v lacks a name or a detail", f)
		}
	}
	// Probe confines a throwaway thread only: this process is untouched.
	st, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"NoNewPrivs:\t0", "Seccomp:\t0"} {
		if !bytes.Contains(st, []byte(line)) {
			t.Errorf("after Probe, /proc/self/status lacks %q", line)
		}
	}
	f, err := os.CreateTemp("", "guard-probe-*")
	if err != nil {
		t.Fatalf("after Probe, this process cannot write: %v", err)
	}
	f.Close()
	os.Remove(f.Name())
}

// TestStatus checks the confined program's own view: no_new_privs, a seccomp
// filter, and for root only the kept capabilities, carried as ambient ones.
func TestStatus(t *testing.T) {
	requireSandbox(t)
	prof := &Profile{WritableRoots: []string{t.TempDir()}, BestEffort: true}
	o := child{profile: prof, path: "/bin/cat", argv: []string{"cat", "/proc/self/status"}}.run(t)
	if !o.ok {
		t.Fatalf("cat /proc/self/status: %s\n%s", o, o.stderr)
	}
	if o.stderr != "" {
		t.Errorf("best effort where everything is enforced warned: %s", o.stderr)
	}
	for _, want := range []string{"NoNewPrivs:\t1", "Seccomp:\t2"} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("/proc/self/status lacks %q:\n%s", want, o.stdout)
		}
	}
	if os.Geteuid() == 0 {
		sets := 0
		for _, line := range strings.Split(o.stdout, "\n") {
			name, v, _ := strings.Cut(line, ":\t")
			if name != "CapPrm" && name != "CapEff" && name != "CapAmb" {
				continue
			}
			sets++
			set, _ := strconv.ParseUint(v, 16, 64)
			for _, c := range []int{unix.CAP_SYS_ADMIN, unix.CAP_SYS_MODULE, unix.CAP_SYS_BOOT, unix.CAP_SYS_PTRACE, unix.CAP_NET_ADMIN, unix.CAP_MKNOD, unix.CAP_SETPCAP, unix.CAP_SETFCAP} {
				if hasCap(set, c) {
					t.Errorf("%s %s still has capability %d", name, v, c)
				}
			}
			if !hasCap(set, unix.CAP_CHOWN) || !hasCap(set, unix.CAP_DAC_OVERRIDE) {
				t.Errorf("%s %s lost CAP_CHOWN or CAP_DAC_OVERRIDE", name, v)
			}
		}
		if sets != 3 {
			t.Errorf("/proc/self/status lacks CapPrm, CapEff or CapAmb:\n%s", o.stdout)
		}
	}
}

func TestExecErrors(t *testing.T) {
	// A relative root is refused before anything is applied, in this process.
	err := Exec(Profile{WritableRoots: []string{"relative/dir"}}, "/bin/true", []string{"true"}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "not an absolute path") {
		t.Errorf("Exec with a relative root = %v, want a refusal", err)
	}
	requireSandbox(t)
	// A missing program fails at execve, confined, in a helper.
	exe, _ := os.Executable()
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envHelper+"="+mustJSON(helperSpec{Path: "/nonexistent/guard-test", Argv: []string{"x"}}))
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	want := "helper: Exec: execve /nonexistent/guard-test: no such file or directory (is ENOENT: true)"
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 125 || !bytes.Contains(out, []byte(want)) {
		t.Errorf("Exec of a missing program: %v\n%s\nwant %q", err, out, want)
	}
}

// TestNotEnforced checks fail-closed and best-effort on machines this one is not:
// the plan of a confinement is data, so a kernel without Landlock or with an old
// ABI can be simulated.
func TestNotEnforced(t *testing.T) {
	full := confinement{abi: 7, landlock: true, seccomp: true, nnp: true, mounts: true, pts: true, caps: true, capsRequired: true, capsPlan: capsNoRoot, root: true}
	tests := []struct {
		name string
		edit func(c *confinement)
		want []string // parts not enforced
	}{
		{"everything", func(c *confinement) {}, nil},
		{"no landlock", func(c *confinement) {
			c.abi, c.landlock, c.landlockWhy = 0, false, "Landlock unavailable (function not implemented)"
		},
			[]string{"file writes outside the writable roots (Landlock unavailable (function not implemented))", "device nodes unreadable", "signals to processes outside the sandbox", "ptrace"}},
		{"ABI 4", func(c *confinement) { c.abi = 4 }, []string{"signals to processes outside the sandbox (needs Landlock ABI 6, kernel has 4)"}},
		{"ABI 2 without mounts", func(c *confinement) { c.abi, c.mounts, c.root, c.capsRequired = 2, false, false, false },
			[]string{"truncate outside the writable roots (needs Landlock ABI 3, kernel has 2)", "signals"}},
		{"no seccomp", func(c *confinement) { c.seccomp, c.seccompWhy = false, "no seccomp filter compiled for mips" },
			[]string{"network", "pathname Unix sockets", "ptrace", "limits, priority", "datagram socketpairs", "set-user-ID",
				"file leases", "namespaces", "terminal input injection", "foreign syscall ABIs"}},
		{"root without CAP_SYS_ADMIN", func(c *confinement) { c.mounts, c.mountsWhy = false, "no CAP_SYS_ADMIN to make the mounts read-only" },
			[]string{"chmod, chown, utime, xattr outside the writable roots (no CAP_SYS_ADMIN"}},
		{"root inside an enclosing sandbox", func(c *confinement) { c.mounts, c.inherited = false, true }, nil},
		{"root where a new devpts is refused", func(c *confinement) { c.pts, c.ptsWhy = false, "mount devpts on /dev/pts: permission denied" },
			[]string{"other terminals (/dev/pts/N: reading their input, TIOCSWINSZ) (mount devpts"}},
		{"not root", func(c *confinement) {
			c.mounts, c.mountsWhy, c.root, c.caps, c.capsRequired = false, "not root", false, false, false
		}, nil},
		{"root without CAP_SETPCAP", func(c *confinement) {
			c.caps, c.capsPlan, c.capsWhy = false, capsNone, "no CAP_SETPCAP to keep root from regaining capability 21 at execve"
		},
			[]string{"root capabilities dropped (no CAP_SETPCAP"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, bestEffort := range []bool{false, true} {
				c := full
				c.p = Profile{BestEffort: bestEffort}
				c.warned = map[string]bool{}
				var warn bytes.Buffer
				c.warn = &warn
				tt.edit(&c)
				err := c.check()
				got := warn.String()
				if !bestEffort {
					if err != nil {
						got = err.Error()
					}
					if (err != nil) != (len(tt.want) > 0) || err != nil && !errors.Is(err, ErrNotEnforced) {
						t.Fatalf("strict check() = %v, want ErrNotEnforced naming %q", err, tt.want)
					}
				} else {
					if err != nil {
						t.Fatalf("best-effort check() = %v, want warnings", err)
					}
					if n := strings.Count(got, "\n"); n != len(tt.want) {
						t.Errorf("best effort wrote %d lines, want %d:\n%s", n, len(tt.want), got)
					}
				}
				for _, w := range tt.want {
					if !strings.Contains(got, w) {
						t.Errorf("best effort %v: %q lacks %q", bestEffort, got, w)
					}
				}
			}
		})
	}
}

func TestOutermost(t *testing.T) {
	roots := func(ps ...string) []root {
		var rs []root
		for _, p := range ps {
			rs = append(rs, root{path: p})
		}
		return rs
	}
	for _, tc := range []struct{ in, want []string }{
		{[]string{"/a/b", "/a-b", "/a", "/c/d", "/a/b/c", "/c/d"}, []string{"/a", "/a-b", "/c/d"}},
		{[]string{"/a/b-c", "/a/b", "/a/b/c", "/a/b0", "/ab"}, []string{"/a/b", "/a/b-c", "/a/b0", "/ab"}},
		{[]string{"/x", "/", "/y/z"}, []string{"/"}},
		{[]string{"/a.b/c", "/a/c", "/a"}, []string{"/a", "/a.b/c"}},
	} {
		var paths []string
		for _, r := range outermost(roots(tc.in...)) {
			paths = append(paths, r.path)
		}
		if strings.Join(paths, " ") != strings.Join(tc.want, " ") {
			t.Errorf("outermost(%v) = %v, want %v", tc.in, paths, tc.want)
		}
	}
}

// fixture is a writable root and, beside it, a directory outside every root.
type fixture struct {
	root    string // the only writable root
	outside string
	file    string // outside/file, "original\n", 0644
	dir     string // outside/dir, empty
	inner   string // root/file, "inner\n"
}

const original = "original\n"

func newFixture(t *testing.T, base string) *fixture {
	t.Helper()
	d, err := os.MkdirTemp(base, "run")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{
		root:    filepath.Join(d, "root"),
		outside: filepath.Join(d, "outside"),
	}
	f.file = filepath.Join(f.outside, "file")
	f.dir = filepath.Join(f.outside, "dir")
	f.inner = filepath.Join(f.root, "file")
	for _, dir := range []string{f.root, f.outside, f.dir} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(f.file, []byte(original), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.inner, []byte("inner\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func readString(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// drain reads what is available on r within d.
func drain(r io.Reader, d time.Duration) string {
	if f, ok := r.(interface{ SetReadDeadline(time.Time) error }); ok {
		f.SetReadDeadline(time.Now().Add(d))
	}
	b := make([]byte, 256)
	n, _ := r.Read(b)
	return string(b[:n])
}

func TestPlanCapabilities(t *testing.T) {
	setpcap := uint64(1) << unix.CAP_SETPCAP
	for _, tt := range []struct {
		name string
		euid int
		cs   capSets
		want capsPlan
	}{
		{"user without capabilities", 1000, capSets{}, capsNone},
		{"user with inheritable capabilities", 1000, capSets{inheritable: 1}, capsClear},
		{"root", 0, capSets{effective: setpcap, permitted: setpcap}, capsNoRoot},
		{"root under SECBIT_NOROOT without CAP_SETPCAP (nested)", 0, capSets{securebits: secbitNoRoot | secbitNoRootLocked}, capsShrink},
	} {
		if got, why := planCapabilities(tt.euid, tt.cs); got != tt.want || why != "" {
			t.Errorf("%s: plan %d (%q), want %d", tt.name, got, why, tt.want)
		}
	}
	// Root without CAP_SETPCAP: the answer depends on this process's bounding set.
	plan, why := planCapabilities(0, capSets{})
	if c, ok := droppableInBoundingSet(); ok {
		if plan != capsNone || !strings.Contains(why, fmt.Sprintf("capability %d", c)) {
			t.Errorf("root without CAP_SETPCAP, capability %d in the bounding set: plan %d (%q), want a refusal", c, plan, why)
		}
	} else if plan != capsShrink {
		t.Errorf("root without CAP_SETPCAP, bounding set within the kept capabilities: plan %d, want capsShrink", plan)
	}
}
