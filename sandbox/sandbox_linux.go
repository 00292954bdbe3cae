package sandbox

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
)

// Exec confines an OS thread to p and execve(path, argv, env) from it, replacing
// the process. It returns only on failure, with an error naming the step
// ("landlock_restrict_self: ..."), wrapping ErrNotEnforced when the kernel lacks a
// feature and p is not BestEffort, or wrapping the errno of a failed execve. warn
// receives one line per part of the profile that is not enforced (BestEffort).
//
// Exec locks the calling goroutine to its OS thread. When it fails after the first
// step (only an unexpected kernel error can do that: what the kernel lacks is found
// before anything is changed), the thread stays locked and may be left partly
// confined, in a read-only mount namespace, under Landlock or seccomp: the caller
// should only report the error and exit. When the goroutine exits, the runtime
// discards the thread.
func Exec(p Profile, path string, argv, env []string, warn io.Writer) error {
	runtime.LockOSThread()
	changed, err := confineAndExec(p, path, argv, env, warn)
	if !changed {
		runtime.UnlockOSThread()
	}
	return err
}

// confineAndExec is Exec on a thread that stays the caller's; changed reports
// whether the thread was changed before the failure.
func confineAndExec(p Profile, path string, argv, env []string, warn io.Writer) (changed bool, err error) {
	if warn == nil {
		warn = io.Discard
	}
	c, err := newConfinement(p, warn)
	if err != nil {
		return false, err
	}
	if err := c.guardStdFDs(); err != nil {
		c.release()
		return false, err
	}
	if !c.p.FilesOnly {
		if err := leaveTerminal(); err != nil {
			c.release()
			return false, err
		}
	}
	// What the agent needs while and after the program runs: the
	// project's directories, watched (hookdirs_linux.go), and the owner's
	// permissions of the ways to the working directory and the home, given
	// back after it (modes_linux.go).
	if !c.inherited {
		c.kept = keepHookDirs(c)
	}
	c.noteModes()
	if !c.root && !c.p.FilesOnly {
		c.nproc, c.nprocWas = nprocBound()
	}
	if c.userns {
		err := runRawUserNS(c, path, argv, env) // returns only on failure
		if !errors.Is(err, errNoUserNS) {
			c.release()
			return false, err
		}
		c.userns, c.usernsWhy = false, strings.TrimPrefix(err.Error(), errNoUserNS.Error()+" ")
		c.noteModes() // now without the child's read-only mounts
		c.dropHolesInRoots()
		if err := c.check(); err != nil {
			c.release()
			return false, err
		}
	}
	// guard stays the program's parent: to look again after it for the
	// protected names absent now, which the command could make
	// (newnames_linux.go), and to end what it leaves behind. Not inside an
	// enclosing sandbox, whose guard does both. Files-only too: auto-edit
	// runs what it saw write inside the roots, but a link made at run time
	// sends a write elsewhere in them (`cp -r src dst && cp -r pd/. dst/lnk/`,
	// src/lnk -> .., made .envrc at the top of the root: sandbox-13 S13-3).
	if !c.inherited {
		// One directory held open per root: past the first 64 descriptors
		// the table grows, and while the process's threads share it each
		// growth waits for an RCU grace period (300 roots: 85 ms a run). The
		// thread gets a table of its own first, as readOnlyMounts does for
		// its copies; the thread is never handed back (changed).
		if len(c.p.ProtectedNames)+len(c.p.HomeNames) > 0 && unsharedRoots(c) > privateFDsAbove {
			if err := unix.Unshare(unix.CLONE_FILES); err != nil {
				c.release()
				return true, fmt.Errorf("unshare(CLONE_FILES): %w", err)
			}
		}
		// Parent even with no name to look for: what the program leaves
		// behind ends with it (leftovers_linux.go). Root's program joins
		// a pids cgroup, opened now, before the mounts and Landlock.
		if c.root && !c.p.FilesOnly {
			if c.tasksFD = tasksCgroup(); c.tasksFD >= 0 {
				c.fds = append(c.fds, c.tasksFD)
			}
		}
		return true, c.applyAndWait(path, argv, env, lookForNewNames(c, c.p.ProtectedNames, c.p.HomeNames, c.p.HomeDir))
	}
	if err := c.apply(true); err != nil {
		c.release()
		return true, err
	}
	err = syscall.Exec(path, argv, scrubEnv(c.p, env))
	c.release()
	return true, &ExecError{Path: path, Err: err}
}

// applyAndWait confines this thread and starts the program from it: the
// program inherits the thread's mount namespace, Landlock domain, seccomp
// filter, capabilities and no_new_privs, as by an execve in place. The
// thread then waits for it, forwarding signals, moves aside the protected
// paths it made (their directories held open from before, inside the roots
// the confinement leaves writable), and exits as it did. It returns only on
// failure, with the thread confined or partly so.
func (c *confinement) applyAndWait(path string, argv, env []string, made *newNames) error {
	c.fds = append(c.fds, made.fds()...) // held open through closeInheritedFDs
	scope := signalScope(c)              // the program's layer: guard out of its reach (startScoped)
	if scope >= 0 {
		c.fds = append(c.fds, scope)
	}
	sigs := make(chan os.Signal, 4)
	signalNotify(sigs)
	fail := func(err error) error {
		signalStop(sigs)
		made.close()
		c.release()
		return err
	}
	// What the program leaves behind becomes guard's, to end with it
	// (leftovers_linux.go).
	if err := becomeSubreaper(); err != nil {
		return fail(fmt.Errorf("prctl(PR_SET_CHILD_SUBREAPER): %w", err))
	}
	if err := c.apply(true); err != nil {
		return fail(err)
	}
	// Killed with guard: the parent death signal comes when this thread
	// ends, which is when the process does.
	var pid int
	var err error
	if scope >= 0 {
		pid, err = startScoped(c, scope, path, argv, env)
		unix.Close(scope)
	} else {
		pid, err = syscall.ForkExec(path, argv, &syscall.ProcAttr{Env: scrubEnv(c.p, env), Files: []uintptr{0, 1, 2},
			Sys: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}})
		if err != nil {
			err = &ExecError{Path: path, Err: err}
		}
	}
	if err != nil {
		return fail(err)
	}
	return waitAndExit(pid, sigs, false, made, c.kept, c.modes)
}

// Probe reports, line by line, whether this machine enforces the default profile
// (no network, no Unix sockets, os.TempDir() writable and shared). It applies the whole
// confinement for real on a throwaway thread, so a step that fails here (a
// container's own seccomp profile refusing unshare, say) shows up as not enforced.
func Probe() []Feature {
	var fs []Feature
	onThrowawayThread(func() {
		tmp := os.TempDir()
		if !filepath.IsAbs(tmp) {
			tmp = "/tmp" // TMPDIR=rel: guard's runs ignore it too
		}
		p := Profile{WritableRoots: []string{tmp}, SharedRoots: []string{tmp}, BestEffort: true}
		home, _ := os.UserHomeDir()
		Protect(&p, protect.Default(), home)
		c, err := newConfinement(p, io.Discard)
		if err != nil {
			fs = []Feature{{Name: "sandbox", Detail: err.Error()}}
			return
		}
		_ = c.apply(false) // BestEffort: failures are recorded in c
		c.release()
		for _, pt := range c.parts() {
			fs = append(fs, pt.Feature)
		}
		fs = append(fs, classFeatures(c, protect.Default())...)
	})
	return fs
}

// classFeatures is one line per class of protected path and secret of l (one
// reason), saying whether this machine enforces it and how far.
func classFeatures(c *confinement, l *protect.List) []Feature {
	type class struct {
		kind     protect.Kind
		reason   string
		patterns []string
	}
	var classes []*class
	byReason := map[string]*class{}
	for _, e := range l.Entries {
		if strings.HasPrefix(e.Pattern, "/proc/") {
			continue // the "ptrace, process memory and /proc/PID" line
		}
		k := byReason[string(e.Kind)+e.Reason]
		if k == nil {
			k = &class{kind: e.Kind, reason: e.Reason}
			byReason[string(e.Kind)+e.Reason] = k
			classes = append(classes, k)
		}
		k.patterns = append(k.patterns, e.Pattern)
	}
	ok, why := userNSAllowed()
	// What the binds leave: a name missing at start (pinDirs keeps the
	// existing ones from being moved away).
	const pinned = "; the directories above them cannot be moved or removed; a name missing at start can be created inside (the decision still treats a visible write to it as outside the roots)"
	const moved = ", and one made at the top of a root, on the way to the working directory, in a directory the start's scan listed or in one made in those (as deep as the scan) is moved aside after the command (NAME.guard-blocked-TIME-RANDOM, status 126)"
	var fs []Feature
	for _, k := range classes {
		anyDepth := false
		for _, p := range k.patterns {
			if !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "~/") {
				anyDepth = true
			}
		}
		scope := ""
		if anyDepth {
			scope = fmt.Sprintf("; names at any depth: found at start within %d levels of each root (%d directories at most, not in temporary directories; what an earlier scan found stays covered while it exists); files made later are not covered", protect.ScanDepth, protect.ScanDirs)
			if k.kind == protect.Secret {
				scope += "; also at the top of the home and of ~/.config"
			}
		}
		f := Feature{Name: string(k.kind) + ": " + strings.Join(k.patterns, " ") + " (" + k.reason + ")"}
		if k.kind == protect.Protected {
			switch {
			case c.mounts:
				f.Enforced, f.Detail = true, "read-only binds in the mount namespace, over what exists at start"+pinned+moved+scope
			case c.inherited:
				f.Enforced, f.Detail = true, c.mountsWhy
			case ok:
				f.Enforced, f.Detail = true, "read-only binds in a user and mount namespace (guard stays as the parent), over what exists at start"+pinned+moved+scope
			default:
				f.Detail = why
			}
		} else {
			switch {
			case c.mounts:
				f.Enforced, f.Detail = true, "files read as empty (/dev/null over them), directories as empty (a read-only tmpfs over them)"+scope
			case c.landlock:
				f.Enforced, f.Detail = true, "refused by Landlock read rules (EACCES), unless the file's permissions refuse it already"+scope
			default:
				f.Detail = c.landlockWhy
			}
		}
		fs = append(fs, f)
	}
	// The shared temporary directories' placeholders (tempPlaceholders).
	f := Feature{Name: "protected: " + strings.Join(upwardNames, " ") + " " + strings.Join(tempCaches(), " ") +
		" at the top of /tmp and $TMPDIR (tools look for the first in every directory above the one they run in; the others are caches tools run later)"}
	switch {
	case c.mounts || c.inherited || ok:
		f.Enforced, f.Detail = true, "kept as they are, a link to "+protect.Placeholder+" (a cache: an empty directory) made where none exists (git, go, cargo and pytest find nothing there)"
	default:
		f.Detail = why + "; the links are made, but the program can remove them"
	}
	fs = append(fs, f)
	// The caches their tools write as they run (PrivateTemp).
	f = Feature{Name: "private: " + strings.Join(privateTempCaches(), " ") +
		" at the top of /tmp and $TMPDIR (a cache its tool runs later, outside, and writes as it runs)"}
	switch {
	case c.mounts || c.inherited || ok:
		f.Enforced, f.Detail = true, "seen empty and writable inside (a directory of the private /dev/shm over each): what the program writes there is gone after it, the cache outside out of its reach"
	default:
		f.Detail = why + "; the cache outside stays writable"
	}
	return append(fs, f)
}

// onThrowawayThread runs f on a locked OS thread that the runtime terminates
// afterwards, so that whatever f applies to its thread dies with it. The main
// thread is never used: the runtime cannot terminate it, only park it.
func onThrowawayThread(f func()) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			// Holding the main thread, run f on another one, then give it back clean.
			onThrowawayThread(f)
			runtime.UnlockOSThread()
			close(done)
			return
		}
		f()
		close(done)
		// Exits locked: the thread goes with the goroutine.
	}()
	<-done
}

// confinement is the plan for one profile on this machine, then its outcome.
type confinement struct {
	p     Profile
	warn  io.Writer
	roots []root // existing writable roots
	// tops: the roots not inside another, sorted (outermost), once: with
	// hundreds of roots, every path checked against each cost.
	tops []root
	cwd  string
	fds  []int // descriptors held until execve (the Landlock ruleset), closed by release
	// kept: the project's directories whose owner's rights guard keeps
	// while the program runs (hookdirs_linux.go), held past execve.
	kept *keptDirs
	// modes: the owner's permissions of the directories the agent enters
	// after the run, given back if the command takes them (modes_linux.go)
	modes []keptMode

	holes     []string        // the Unreadable paths that exist and this process could read
	holeFiles map[string]bool // those of holes that are regular files
	holeDirs  map[string]bool // those of holes that are directories
	emptied   []string        // the regular files of holes, with mounts: /dev/null mounted over them
	// emptiedDirs: the directories of holes, with mounts: an empty read-only
	// tmpfs over each.
	emptiedDirs []string
	// aliases: how many of holes are other paths of the others (mountAliases).
	aliases int
	// holesLeft: secrets inside the roots left readable (no mounts to hide them).
	holesLeft int
	// userns: an ordinary user's mounts are made by a child in a user namespace
	// (runRawUserNS); usernsWhy says why not, when it would be needed.
	userns    bool
	usernsWhy string
	readOnly  []string          // the ReadOnly paths that exist inside the roots, and where those that are links lead
	checkouts []string          // the Checkouts inside the roots and inside one of readOnly, writable again over it
	links     map[string]bool   // those of readOnly that are symbolic links, pinned as links
	ids       map[string]fileID // what readOnly's and holes' paths named when looked at (openExact)
	pins      []string          // the directories above them, mounted onto themselves (pinDirs)
	private   []string          // the PrivateTemp directories that exist: a directory of the private /dev/shm over each

	abi  int  // Landlock ABI, 0 without Landlock
	root bool // euid 0, or holds CAP_CHOWN, CAP_FOWNER or CAP_DAC_OVERRIDE

	// Each mechanism: planned, then applied; the string says why not.
	// inherited: the read-only mounts of an enclosing Exec (sandboxedMounts).
	inherited                            bool
	nnp, landlock, seccomp, mounts, caps bool
	nnpWhy, landlockWhy, seccompWhy      string
	mountsWhy, capsWhy                   string
	pts                                  bool // a devpts instance of its own (privateTerminals)
	devPlan, dev                         bool // root's /dev of its own (privateDev), which holds the devpts: planned, made
	ptsWhy                               string
	capsRequired                         bool
	capsPlan                             capsPlan
	capSets                              capSets // as newConfinement found them

	// The tasks full-auto's program may make (procs_linux.go): an ordinary
	// user's RLIMIT_NPROC (0: none), root's pids cgroup, cgroup.procs
	// opened for the child to join (-1: none; also in fds).
	nproc    uint64
	nprocWas unix.Rlimit // the limit nproc was taken from
	tasksFD  int

	warned map[string]bool
}

// underProtected reports whether the root dir lies inside (or is) one of the
// protected paths: a working directory in .git/hooks, .vscode/sub or
// ~/.claude is not writable (the decision treats writes there as outside
// the roots, and a hook planted from cwd .git/hooks ran at the next
// commit). protect.List.Resolve returns the protected paths that hold a
// root for this.
func underProtected(dir string, readOnly, checkouts []string) bool {
	for _, x := range readOnly {
		x = filepath.Clean(x)
		if len(x) <= len(dir) && within(dir, x) && !slices.ContainsFunc(checkouts, func(c string) bool {
			// An agent's checkout between them: writable (Profile.Checkouts).
			c = filepath.Clean(c)
			return c != x && within(c, x) && within(dir, c)
		}) {
			return true
		}
	}
	return false
}

// newConfinement validates p and plans the confinement from what the kernel and
// the process offer. Unless p.BestEffort it fails, before anything is changed,
// when a part of the profile cannot be enforced.
func newConfinement(p Profile, warn io.Writer) (*confinement, error) {
	c := &confinement{p: p, warn: warn, warned: map[string]bool{}, tasksFD: -1}
	for _, r := range p.WritableRoots {
		if !filepath.IsAbs(r) {
			return nil, fmt.Errorf("writable root %q: not an absolute path", r)
		}
		// Not opened nor even looked up here: with hundreds of roots every
		// syscall per root counts. The steps that use a root skip it when it does
		// not exist (nothing to grant), and no descriptor is held per root.
		r = filepath.Clean(r)
		shared := slices.ContainsFunc(p.SharedRoots, func(s string) bool { return filepath.Clean(s) == r })
		c.roots = append(c.roots, root{path: r, shared: shared})
	}
	for _, list := range [][]string{p.ReadOnly, p.Unreadable} {
		for _, x := range list {
			if !filepath.IsAbs(x) {
				c.release()
				return nil, fmt.Errorf("protected path %q: not an absolute path", x)
			}
		}
	}
	c.roots = slices.DeleteFunc(c.roots, func(r root) bool { return underProtected(r.path, p.ReadOnly, p.Checkouts) })
	c.tops = outermost(c.roots)

	if p.FilesOnly {
		// Auto-edit's files-only confinement: the decision judged the writes;
		// secrets and secret variables are full-auto's. The protected paths
		// stay read-only: the decision treats them as outside the roots, and
		// `cp -r src dst && cp x dst/lnk/pre-commit` (src/lnk -> ../.git/hooks)
		// wrote a hook through a link the decision never saw.
		c.p.Unreadable, c.p.SecretEnv = nil, nil
	}
	c.holes, c.holeFiles, c.holeDirs, c.ids = readableHoles(c.p.Unreadable)
	if c.ids == nil {
		c.ids = map[string]fileID{}
	}
	// The same secrets where their file system is mounted again (a bind
	// mount): hidden there too (aliases_linux.go).
	if len(c.holes) > 0 {
		more := mountAliases(c.p.readMounts(), c.holes, &c.holeFiles, &c.holeDirs, c.ids)
		c.holes, c.aliases = append(c.holes, more...), len(more)
	}
	seenRO := make(map[string]bool, len(c.p.ReadOnly))
	for _, x := range c.p.ReadOnly {
		x = filepath.Clean(x)
		if !c.inRoots(x) || seenRO[x] {
			continue // outside the roots: read-only anyway
		}
		fi, err := os.Lstat(x)
		if err != nil {
			continue
		}
		seenRO[x] = true
		c.readOnly = append(c.readOnly, x)
		if fi.Mode()&os.ModeSymlink == 0 {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				c.ids[x] = fileID{uint64(st.Dev), st.Ino}
			}
			continue
		}
		// A protected name that is a symbolic link (.envrc -> envrc.real,
		// .git/hooks -> ../tools/hooks): the link is pinned by a copy of
		// itself mounted onto it (it cannot be removed or replaced), and
		// what it leads to inside the roots is kept read-only under its own
		// name, through which it was writable.
		if c.links == nil {
			c.links = map[string]bool{}
		}
		c.links[x] = true
		if t, err := filepath.EvalSymlinks(x); err == nil && c.inRoots(t) && !seenRO[t] {
			seenRO[t] = true
			c.readOnly = append(c.readOnly, t)
			var st unix.Stat_t
			if unix.Lstat(t, &st) == nil {
				c.ids[t] = fileID{uint64(st.Dev), st.Ino}
			}
		}
	}

	// The agents' checkouts inside a read-only path: writable copies
	// mounted back over them (readOnlyMounts).
	for _, x := range c.p.Checkouts {
		x = filepath.Clean(x)
		var st unix.Stat_t
		if !c.inRoots(x) || !slices.ContainsFunc(c.readOnly, func(r string) bool { return r != x && within(x, r) }) ||
			unix.Lstat(x, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
			continue
		}
		c.checkouts = append(c.checkouts, x)
		c.ids[x] = fileID{uint64(st.Dev), st.Ino}
	}

	for _, x := range c.p.PrivateTemp {
		var st unix.Stat_t
		if x = filepath.Clean(x); unix.Lstat(x, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR {
			c.private = append(c.private, x)
			c.ids[x] = fileID{uint64(st.Dev), st.Ino}
		}
	}

	// Checked here: go-landlock's BestEffort() reports success without Landlock.
	abi, err := landlockABI()
	c.abi, c.landlock = abi, abi >= 1
	if !c.landlock {
		c.landlockWhy = "Landlock unavailable"
		if err != nil {
			c.landlockWhy += fmt.Sprintf(" (%v)", err)
		}
	}
	c.nnp = true
	if seccompProgram(p, false) != nil {
		c.seccomp = true
	} else {
		c.seccompWhy = "no seccomp filter compiled for " + runtime.GOARCH
	}

	cs, err := readCapabilities()
	if err != nil {
		c.release()
		return nil, err
	}
	euid := unix.Geteuid()
	c.root = euid == 0 || hasCap(cs.effective, unix.CAP_CHOWN) || hasCap(cs.effective, unix.CAP_FOWNER) ||
		hasCap(cs.effective, unix.CAP_DAC_OVERRIDE)

	switch {
	case containsRoot(c.roots):
		c.mountsWhy = "/ is a writable root"
	case c.root && sandboxedMounts():
		// Before CAP_SYS_ADMIN: a files-only sandbox keeps most of root's capabilities,
		// but Landlock refuses its programs every mount.
		c.inherited = true
		c.mountsWhy = "inside the read-only mounts of an enclosing guard sandbox"
	case hasCap(cs.effective, unix.CAP_SYS_ADMIN):
		c.mounts = true
		if c.cwd, err = unix.Getwd(); err != nil {
			c.cwd = "" // a deleted directory: the thread keeps it as it is
		}
		// Root's /dev of its own (privateDev): not for files-only, whose
		// reads are free, nor when a root lies in /dev or /dev/pts holds no
		// devpts (no terminals to give a new instance).
		var st unix.Statfs_t
		c.devPlan = c.root && !p.FilesOnly && !slices.ContainsFunc(c.roots, func(r root) bool { return within(r.path, "/dev") }) &&
			unix.Statfs("/dev/pts", &st) == nil && st.Type == unix.DEVPTS_SUPER_MAGIC
		c.emptied, c.emptiedDirs, c.holes = c.splitHoles()
		if c.devPlan {
			// What lay in the old /dev is not in the new one.
			notDev := func(h string) bool { return within(h, "/dev") }
			c.emptied = slices.DeleteFunc(c.emptied, notDev)
			c.emptiedDirs = slices.DeleteFunc(c.emptiedDirs, notDev)
			c.holes = slices.DeleteFunc(c.holes, notDev)
		}
	case c.root:
		c.mountsWhy = "no CAP_SYS_ADMIN to make the mounts read-only"
	case sandboxedMounts():
		// An ordinary user's nested Exec, inside a user-namespace sandbox.
		c.inherited = true
		c.mountsWhy = "inside the read-only mounts of an enclosing guard sandbox"
	default:
		c.mountsWhy = "not root"
		// Protected paths or secrets in the roots: the mounts in a user
		// namespace, made by a child (rawchild_linux.go). Without them, Landlock
		// alone, which cannot keep a secret in a writable directory unreadable
		// without making every new file there unreadable too: those secrets are
		// then left readable (a part not enforced).
		// The child is made without them too: its read-only mounts keep the
		// user's files outside the roots from chmod, utime and xattrs (in
		// files-only, `chmod 600 dst/lnk/x` through a link made at run time
		// changed ~/.ssh's), and in full-auto its IPC namespace and devpts
		// keep the user's System V objects and other terminals out of reach,
		// as root's own namespaces do. Where user namespaces are forbidden
		// (or clone refuses them: errNoUserNS), that part is then left to the
		// documented limits, without a refusal.
		need := slices.ContainsFunc(c.readOnly, func(x string) bool { return !tempPlaceholder(x, p.SharedRoots) }) ||
			slices.ContainsFunc(c.holes, c.inRoots)
		c.userns = true
		if c.userns { // the settings read only when a child is made
			if ok, why := userNSAllowed(); !ok {
				c.userns = false
				// The shared temporary directories' placeholders: read-only
				// where mounts are made, never a reason to refuse (sandbox-9).
				c.readOnly = slices.DeleteFunc(c.readOnly, func(x string) bool { return tempPlaceholder(x, p.SharedRoots) })
				if need {
					c.usernsWhy = why
					c.dropHolesInRoots()
				}
			}
		}
	}

	if c.mounts || c.userns {
		// Above the secrets in the roots too: `mv services deep/.../` moved
		// services/api/.env, hidden where it was, past the next command's
		// scan (protect.ScanDepth), which printed it.
		c.pins = pinDirs(c.tops, slices.Concat(c.readOnly, c.emptied, c.emptiedDirs, c.holes))
		// And the project inside another root (a shared temporary
		// directory, the home, a root of the configuration), which the
		// command could rename there (hookDirPins).
		cwd, _ := unix.Getwd() // as the kernel has it: links resolved, as the roots are
		for _, d := range hookDirPins(c.roots, cwd, p.Project) {
			if !slices.Contains(c.pins, d) {
				c.pins = append(c.pins, d)
			}
		}
		slices.SortFunc(c.pins, comparePaths)
	}
	c.capSets, c.capsRequired = cs, euid == 0
	c.capsPlan, c.capsWhy = planCapabilities(euid, cs)
	c.caps = c.capsPlan != capsNone
	c.pts = c.mounts && !p.FilesOnly
	if !c.pts {
		c.ptsWhy = c.mountsWhy
	}
	if p.FilesOnly {
		// Its own seccomp program (set-id modes only) and capability plan.
		c.capsPlan, c.capsWhy = planFilesOnlyCapabilities(euid, cs)
		c.caps, c.capsRequired = c.capsPlan != capsNone, c.capsWhy != ""
	}

	if err := c.check(); err != nil {
		c.release()
		return nil, err
	}
	return c, nil
}

// root is a writable root, a clean absolute path; it may not exist.
// inRoots reports whether p lies inside a writable root.
func (c *confinement) inRoots(p string) bool {
	return slices.ContainsFunc(c.tops, func(r root) bool { return within(p, r.path) })
}

// dropHolesInRoots leaves the secrets inside the roots readable: see holesLeft.
func (c *confinement) dropHolesInRoots() {
	kept := c.holes[:0]
	for _, h := range c.holes {
		if c.inRoots(h) {
			c.holesLeft++
			continue
		}
		kept = append(kept, h)
	}
	c.holes = kept
}

// splitHoles sorts the holes for a confinement that makes mounts: secret
// files look empty (/dev/null mounted over each), secret directories are
// empty (a read-only tmpfs over each), and what is neither (a socket, a FIFO)
// stays a Landlock hole. Mounts cost less than the Landlock rules around a
// hole, which grant read entry by entry on the way down to it (root reads
// /etc/shadow and /etc/ssl/private, in a directory of a hundred entries:
// 0.4 ms), and inside a root they are the only way: Landlock rules around a
// secret would leave every new file in its directory unreadable. A hole
// inside a directory that is emptied needs nothing of its own.
func (c *confinement) splitHoles() (files, dirs, holes []string) {
	// Another account's home stays a Landlock hole when the read rules walk /
	// anyway (root's device rules, or another hole), else it is a mount too.
	walk := c.root && !c.p.FilesOnly && !c.devPlan
	for _, h := range c.holes {
		walk = walk || !c.holeDirs[h] && !c.holeFiles[h]
	}
	llHome := func(h string) bool { return walk && homeHole(h) && !c.inRoots(h) }
	below := func(h string) bool {
		return slices.ContainsFunc(dirs, func(d string) bool { return d != h && within(h, d) })
	}
	var all []string
	for _, h := range c.holes {
		if c.holeDirs[h] && !llHome(h) {
			all = append(all, h)
		}
	}
	slices.Sort(all) // a directory before those below it
	for _, d := range all {
		if !below(d) {
			dirs = append(dirs, d)
		}
	}
	for _, h := range c.holes {
		switch {
		case llHome(h):
			holes = append(holes, h)
		case c.holeDirs[h] || below(h):
		case c.holeFiles[h]:
			files = append(files, h)
		default:
			holes = append(holes, h)
		}
	}
	return files, dirs, holes
}

// homeHole reports whether the hole h is another account's home (Protect's
// otherHomes): where the read rules walk / anyway, its Landlock rules cost a
// listing of /home, where a tmpfs over it would be a superblock of its own
// (about 0.1 ms); elsewhere it is mounted over like any secret directory.
func homeHole(h string) bool {
	return h == "/root" || filepath.Dir(h) == "/home"
}

type root struct {
	path   string
	shared bool // one of Profile.SharedRoots: no links nor FIFOs made there
}

// release closes the descriptors the confinement opened.
func (c *confinement) release() {
	for _, fd := range c.fds {
		unix.Close(fd)
	}
	c.fds = nil
}

// check refuses (not BestEffort) or warns about the parts not enforced.
func (c *confinement) check() error {
	if c.complete() {
		return nil // the usual case, without formatting every part
	}
	var missing []string
	for _, pt := range c.parts() {
		if pt.required && !pt.Enforced && !c.warned[pt.Name] {
			c.warned[pt.Name] = true
			missing = append(missing, pt.Name+" ("+pt.Detail+")")
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if !c.p.BestEffort {
		return fmt.Errorf("%w: %s", ErrNotEnforced, strings.Join(missing, "; "))
	}
	for _, m := range missing {
		fmt.Fprintf(c.warn, "sandbox: not enforced: %s\n", m)
	}
	return nil
}

// complete reports whether every part that can be required is enforced: the
// mechanisms that parts() judges by, all there.
func (c *confinement) complete() bool {
	if c.p.FilesOnly {
		return c.nnp && c.landlock && c.abi >= 3 && (c.mounts || c.inherited || !c.root) &&
			c.seccomp && (c.caps || !c.capsRequired) &&
			(len(c.readOnly) == 0 || c.mounts || c.inherited || c.userns || containsRoot(c.roots))
	}
	return c.nnp && c.landlock && c.abi >= 6 && c.seccomp &&
		(c.mounts || c.inherited || !c.root) && (c.caps || !c.capsRequired) && (c.pts || !c.mounts) &&
		(len(c.readOnly) == 0 || c.mounts || c.inherited || c.userns || containsRoot(c.roots)) && c.holesLeft == 0
}

// apply runs the steps on the calling (locked) thread. A step that fails is an
// error, unless BestEffort, where it is a warning and the steps go on; the one
// exception is a failure after the mounts were made read-only, which cannot be
// rolled back and leaves the roots unwritable.
func (c *confinement) apply(fds bool) error {
	fail := func(mech *bool, why *string, err error) error {
		*mech, *why = false, err.Error()
		if !c.p.BestEffort {
			return err
		}
		return c.check()
	}
	if c.mounts {
		if recoverable, err := readOnlyMounts(c.tops, c.pins, c.readOnly, c.checkouts, c.links, c.ids, c.emptied, c.emptiedDirs, c.private, c.cwd, c.root, c.devPlan); err != nil {
			if !recoverable {
				c.mounts, c.mountsWhy = false, err.Error()
				return err
			}
			if err := fail(&c.mounts, &c.mountsWhy, err); err != nil {
				return err
			}
		} else {
			c.dev = c.devPlan
		}
	}
	if c.pts && !c.dev {
		// After the mounts, as a step of its own: a kernel or a container that
		// refuses a new devpts costs this part only.
		// Never without the thread's own mount namespace: in the host's, a new
		// devpts on /dev/pts would hide every terminal of the machine.
		var err error
		if !c.mounts {
			err = fmt.Errorf("no mount namespace of its own: %s", c.mountsWhy)
		} else {
			err = privateTerminals()
		}
		if err != nil {
			if err := fail(&c.pts, &c.ptsWhy, err); err != nil {
				return err
			}
		}
	}
	if c.caps {
		if err := confineCapabilities(c.capsPlan, c.capSets); err != nil {
			if err := fail(&c.caps, &c.capsWhy, err); err != nil {
				return err
			}
		}
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		if err := fail(&c.nnp, &c.nnpWhy, fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)); err != nil {
			return err
		}
	}
	if c.landlock {
		if err := landlockRestrict(c.abi, c.p, c.roots, c.holes, !c.root || !c.dev, &c.fds); err != nil {
			if err := fail(&c.landlock, &c.landlockWhy, err); err != nil {
				return err
			}
		}
	}
	if fds {
		if err := closeInheritedFDs(c.fds); err != nil {
			if !c.p.BestEffort {
				return err
			}
			fmt.Fprintf(c.warn, "sandbox: not enforced: inherited descriptors closed on exec (%v)\n", err)
		}
	}
	if c.seccomp { // last: nothing after it but execve
		// With a mount namespace of its own (or an enclosing sandbox's), the thread
		// has an IPC namespace of its own too: System V IPC stays usable.
		if err := loadSeccomp(seccompProgram(c.p, c.mounts || c.inherited)); err != nil {
			if err := fail(&c.seccomp, &c.seccompWhy, err); err != nil {
				return err
			}
		}
	}
	return nil
}

// part is one line of the profile: a Feature, and whether it is required. A part
// is not required when the profile allows it, or when its absence is a documented
// limit (see doc.go): either way it is never refused nor warned about.
type part struct {
	Feature
	required bool
}

func (c *confinement) parts() []part {
	var ps []part
	add := func(name string, required, enforced bool, detail string) {
		ps = append(ps, part{Feature{Name: name, Enforced: enforced, Detail: detail}, required})
	}
	why := func(ok bool, yes, no string) string {
		if ok {
			return yes
		}
		return no
	}
	ll := func(min int) (bool, string) {
		if !c.landlock {
			return false, c.landlockWhy
		}
		if c.abi < min {
			return false, fmt.Sprintf("needs Landlock ABI %d, kernel has %d", min, c.abi)
		}
		return true, fmt.Sprintf("Landlock ABI %d", c.abi)
	}
	sc := func(what string) string { return why(c.seccomp, "seccomp: "+what, c.seccompWhy) }

	add("no_new_privs", true, c.nnp, why(c.nnp, "set on the thread before execve", c.nnpWhy))

	ok, d := ll(1)
	add("file writes outside the writable roots", true, ok, d+why(ok, " (write, create, remove, rename, link, mknod)", ""))

	if slices.ContainsFunc(c.roots, func(r root) bool { return r.shared }) {
		add("symbolic links and FIFOs in the shared temporary roots (/tmp, $TMPDIR), which programs outside would follow",
			true, ok, d+why(ok, " (a project inside them keeps them)", ""))
	}

	ok3, d3 := ll(3)
	switch {
	case ok3 && (c.mounts || c.inherited):
		d3 += " and read-only mounts"
	case c.mounts || c.inherited:
		ok3, d3 = true, "read-only mounts ("+d3+")"
	}
	add("truncate outside the writable roots", true, ok3, d3)

	switch {
	case c.mounts:
		add("chmod, chown, utime, xattr outside the writable roots", true, true, "read-only mount namespace")
	case c.inherited:
		add("chmod, chown, utime, xattr outside the writable roots", true, true, c.mountsWhy)
	case c.userns:
		add("chmod, chown, utime, xattr outside the writable roots", true, true, "read-only mounts, in the user-namespace child")
	case c.root:
		add("chmod, chown, utime, xattr outside the writable roots", true, false, c.mountsWhy+": Landlock does not check these")
	default:
		// A documented limit, not a machine's shortcoming: never refused or warned.
		add("chmod, chown, utime, xattr outside the writable roots", false, false,
			c.mountsWhy+": the user's own files outside the roots can still change mode, times and xattrs (Landlock does not check these)")
	}

	switch {
	case len(c.readOnly) == 0:
		add("protected paths read-only inside the roots", false, true, "none found in the roots")
	case containsRoot(c.roots):
		// Asked for: everything writable.
		add("protected paths read-only inside the roots", false, false, "/ is a writable root: nothing is kept read-only")
	case c.mounts:
		add("protected paths read-only inside the roots", true, true, fmt.Sprintf("read-only binds over %d paths in the mount namespace", len(c.readOnly)))
	case c.inherited:
		add("protected paths read-only inside the roots", true, true, c.mountsWhy)
	case c.userns:
		add("protected paths read-only inside the roots", true, true,
			fmt.Sprintf("read-only binds over %d paths, in a user and mount namespace (guard stays as the parent)", len(c.readOnly)))
	case c.usernsWhy != "":
		add("protected paths read-only inside the roots", true, false, c.usernsWhy)
	default:
		add("protected paths read-only inside the roots", true, false, c.mountsWhy)
	}
	if c.p.FilesOnly {
		// The file system (the protected paths above included), set-id bits
		// and root's dangerous capabilities alone.
		add(leftoversFeature(c))
		add("set-user-ID and set-group-ID bits", true, c.seccomp, sc("chmod, fchmod*, open*, creat, mknod* with S_ISUID or S_ISGID refused"))
		switch {
		case c.caps:
			add("root's file-capability, device, raw-socket and lease capabilities dropped", true, true, "CAP_SETFCAP, CAP_MKNOD, CAP_NET_RAW, CAP_LEASE and others out of the bounding set")
		case c.capsRequired:
			add("root's file-capability, device, raw-socket and lease capabilities dropped", true, false, c.capsWhy)
		}
		return ps
	}

	switch {
	case len(c.p.Unreadable) == 0:
		add("secrets unreadable", false, true, "none in the profile")
	case !c.landlock && !c.mounts:
		add("secrets unreadable", true, false, c.landlockWhy)
	case c.userns:
		add("secrets unreadable", true, true, "in the user and mount namespace: files read as empty (/dev/null over them), directories empty (a read-only tmpfs over them)")
	case len(c.emptied)+len(c.emptiedDirs) > 0:
		add("secrets unreadable", true, true, fmt.Sprintf("%d files read as empty (/dev/null over them), %d directories empty (a read-only tmpfs over them), %d paths refused by Landlock read rules",
			len(c.emptied), len(c.emptiedDirs), len(c.holes)))
	default:
		add("secrets unreadable", true, c.landlock, fmt.Sprintf("%d paths refused by Landlock read rules (EACCES)", len(c.holes)))
	}
	if c.aliases > 0 {
		add("secrets at their other paths (a bind mount, a second mount of their file system)", true, c.mounts || c.userns || c.landlock,
			fmt.Sprintf("%d other paths hidden the same way", c.aliases))
	}
	if c.holesLeft > 0 {
		add("secrets inside the writable roots unreadable", true, false,
			fmt.Sprintf("%d left readable: Landlock cannot hide a file in a writable directory without hiding new files there too (%s)", c.holesLeft, c.usernsWhy))
	}
	nodev := ""
	if (c.mounts || c.userns) && devNodesConfinable() {
		nodev = "; every mount but /dev and /dev/pts nodev (a node in a root does not open)"
	}
	switch {
	case c.root && c.devPlan:
		add("disks, swap, consoles and other device nodes unreadable", true, c.mounts,
			why(c.mounts, "a /dev of its own: null, zero, full, random, urandom, tty, ptmx, pts, shm"+nodev, c.mountsWhy))
	case c.root:
		add("disks, swap, consoles and other device nodes unreadable", true, c.landlock,
			why(c.landlock, "Landlock: in /dev, only null, zero, full, random, urandom, tty, ptmx, pts, shm, mqueue and hugepages are readable", c.landlockWhy))
	default:
		add("disks, swap, consoles and other device nodes unreadable", true, c.landlock,
			why(c.landlock, "Landlock: in /dev, only null, zero, full, random, urandom, tty, ptmx, pts, shm, mqueue and hugepages are readable (a node the user's groups open too: input, serial, hidraw)"+nodev, c.landlockWhy))
	}
	switch {
	case c.mounts && c.root:
		add("other processes' command lines (/proc/PID/cmdline)", false, true, "a fresh /proc with hidepid=invisible: processes outside are not there")
	case c.userns:
		add("other processes' command lines (/proc/PID/cmdline)", false, true, "the child's PID namespace and its procfs: processes outside are not there")
	default:
		add("other processes' command lines (/proc/PID/cmdline)", false, false, "not root: readable (user namespaces forbidden: no PID namespace of its own)")
	}
	if len(c.p.SecretEnv) > 0 {
		add("secret environment variables", false, true, "removed before the program starts: "+strings.Join(c.p.SecretEnv, " ")+" (except "+strings.Join(c.p.SecretEnvAllow, " ")+"), and any whose value holds a URL with a password or a credential header (Authorization: ..., Bearer ...; of git's config from the environment only that entry)")
	} else {
		add("secret environment variables", false, false, "none in the profile: the environment is passed as given")
	}

	switch {
	case !c.capsRequired:
		add("root capabilities dropped", false, true, "not root: inheritable and ambient sets cleared")
	case c.caps && c.capsPlan == capsNoRoot:
		add("root capabilities dropped", true, true, "all but file ownership, setuid/setgid, kill and low ports (SECBIT_NOROOT)")
	case c.caps:
		add("root capabilities dropped", true, true, "execve gives back no more than the kept ones")
	default:
		add("root capabilities dropped", true, false, c.capsWhy)
	}

	if !c.p.AllowNetwork {
		d := sc("socket() refused for every family but AF_UNIX")
		if ok, _ := ll(4); ok && c.seccomp {
			d += "; Landlock: TCP bind and connect"
		}
		add("network (TCP, UDP, raw, packet, netlink sockets)", true, c.seccomp, d)
	} else {
		add("network (TCP, UDP, raw, packet, netlink sockets)", false, false, "allowed by the profile")
	}

	if !c.p.AllowUnixSockets {
		add("pathname Unix sockets", true, c.seccomp, sc("socket(AF_UNIX) refused, stream and seqpacket socketpairs allowed"))
	} else {
		add("pathname Unix sockets", false, false, "allowed by the profile (Landlock cannot filter them below ABI 9)")
	}

	ok6, d6 := ll(6)
	if !ok6 && c.seccomp && !c.p.AllowUnixSockets {
		ok6, d6 = true, "seccomp: socket(AF_UNIX) refused ("+d6+")"
	}
	add("abstract Unix sockets outside the sandbox", true, ok6, d6)

	ok6, d6 = ll(6)
	add("signals to processes outside the sandbox", true, ok6, d6)

	ok, d = ll(1)
	switch {
	case ok && c.seccomp:
		d = "seccomp: ptrace, process_vm_*, pidfd_getfd; " + d + ": /proc/PID/mem, environ..."
	case !c.seccomp:
		d = c.seccompWhy
	}
	add("ptrace, process memory and /proc/PID of processes outside", true, ok && c.seccomp, d)

	add("limits, priority, scheduling and memory placement of processes outside", true, c.seccomp,
		sc("prlimit64, setpriority, sched_set*, ioprio_set, migrate_pages, move_pages only on the caller (pid 0)"))
	switch {
	case c.mounts || c.inherited:
		add("System V IPC and POSIX message queues of processes outside", true, true, "an IPC namespace of its own")
	case c.userns:
		add("System V IPC and POSIX message queues of processes outside", true, true, "an IPC namespace of its own, in the user-namespace child")
	default:
		add("System V IPC and POSIX message queues of processes outside", true, c.seccomp,
			sc("shm*, msg*, sem*, mq_* refused (no IPC namespace without CAP_SYS_ADMIN)"))
	}
	if !c.p.AllowUnixSockets {
		add("datagram socketpairs (sendto a pathname socket outside)", true, c.seccomp, sc("socketpair of any type but stream and seqpacket refused"))
	}
	if c.p.AllowNetwork {
		add("packet and raw IP sockets (sniffing) with the network allowed", true, c.seccomp,
			sc("socket(AF_PACKET) and SOCK_RAW over IPv4 and IPv6 refused; root keeps no CAP_NET_RAW"))
	}
	switch {
	case c.pts && c.mounts:
		add("other terminals (/dev/pts/N: reading their input, TIOCSWINSZ)", true, true, "a devpts instance of its own")
	case c.mounts:
		add("other terminals (/dev/pts/N: reading their input, TIOCSWINSZ)", true, false, c.ptsWhy)
	case c.inherited:
		add("other terminals (/dev/pts/N: reading their input, TIOCSWINSZ)", true, true, c.mountsWhy)
	case c.userns:
		add("other terminals (/dev/pts/N: reading their input, TIOCSWINSZ)", true, true, "a devpts instance of its own, in the user-namespace child")
	default:
		add("other terminals (/dev/pts/N: reading their input, TIOCSWINSZ)", false, false,
			c.mountsWhy+": the user's own other terminals stay readable (no devpts of its own without a mount namespace)")
	}
	add(leftoversFeature(c))
	add("set-user-ID and set-group-ID bits", true, c.seccomp, sc("chmod, fchmod*, open*, creat, mknod* with S_ISUID or S_ISGID refused"))
	add("file leases (F_SETLEASE)", true, c.seccomp, sc("fcntl(F_SETLEASE) refused; root keeps no CAP_LEASE"))
	add("namespaces, mounts, bpf, perf, keyring, userfaultfd, modules, kexec, io_uring", true, c.seccomp,
		sc("refused (clone3 and io_uring with ENOSYS)"))
	add("terminal input injection and line disciplines (TIOCSTI, TIOCLINUX, TIOCSETD)", true, c.seccomp, sc("ioctl requests refused"))
	add("foreign syscall ABIs (x32, int 0x80, aarch32)", true, c.seccomp, sc("process killed"))
	return ps
}

func containsRoot(roots []root) bool {
	for _, r := range roots {
		if r.path == "/" {
			return true
		}
	}
	return false
}

// leftoversFeature is guard doctor's line for the processes a command
// leaves behind (setsid, a double fork): how c ends them, if it does.
func leftoversFeature(c *confinement) (name string, required, enforced bool, detail string) {
	name = "processes the command leaves behind (setsid, double fork)"
	switch {
	case c.inherited:
		return name, false, true, "ended by the enclosing sandbox's guard"
	case c.userns:
		return name, false, true, "ended with the command: the kernel empties the child's PID namespace when the program exits"
	}
	return name, false, true, "ended with the command: guard, their child subreaper, kills and reaps what is left when the program exits (not when guard itself is killed)"
}
