package sandbox

import (
	"errors"

	"guard/policy/protect"
)

// Profile is what the confined program may do.
type Profile struct {
	// WritableRoots are absolute, already symlink-resolved directories (or files) that
	// the program may write, create, remove, rename and truncate in. A root that does
	// not exist is skipped, and so is one with a symbolic link on its path at
	// start: one made since it was resolved (openRoot). /dev/null, the terminal
	// devices and /dev/shm are always writable (see the package comment).
	WritableRoots []string

	// SharedRoots are those of WritableRoots that every process of the
	// machine shares (the temporary directories, /tmp and $TMPDIR): the
	// program may write, create and remove there as in any root, but not
	// make symbolic links or FIFOs, which a program outside would follow or
	// block on (an agent's own command wrapper writes $TMPDIR/claude-*-cwd
	// after each command, unconfined: a link planted at that name sent the
	// write to any file of the user's). A root of WritableRoots that is not
	// shared, inside a shared one (a project in /tmp), keeps every right.
	SharedRoots []string

	// Project, when set, is the directory the agent's hooks start in (the
	// project guard was given, else its working directory), resolved like
	// the roots. An agent starts each hook there by name: a command that
	// renamed it, or took its user's search right on it away, would leave
	// the next hook unable to start, which Codex reads as a go-ahead. So
	// where mounts are made it is pinned, with the directories above it
	// inside a writable root (pins_linux.go), and for an ordinary user the
	// owner's read and search rights on them are kept while the program runs
	// (hookdirs_linux.go).
	Project string

	// ReadOnly are absolute, resolved paths inside the writable roots that stay
	// read-only: files and trees that run code later, outside the sandbox
	// (.git/hooks, .git/config, .envrc...). See Protect, which fills it from
	// package protect's list.
	ReadOnly []string

	// Checkouts are agents' checkouts of the project's repository that lie
	// inside a ReadOnly path (Claude Code's .claude/worktrees/NAME, inside
	// the protected .claude: protect.CheckoutTop): each stays writable,
	// with the ReadOnly paths inside it (its own .git file, .claude,
	// .envrc...) read-only, and a root inside one is a root. Set by
	// Protect.
	Checkouts []string

	// Unreadable are absolute, resolved paths whose content the program cannot
	// read (secrets: ~/.ssh/id_*, ~/.aws/credentials...): a read fails with EACCES.
	// Directories stay listable. See Protect.
	Unreadable []string

	// SecretEnv are glob patterns on environment variable names, matched
	// case-insensitively: the variables they name are removed before the
	// program starts, except those SecretEnvAllow names
	// (protect.List.SecretEnvName).
	SecretEnv, SecretEnvAllow []string

	// AllowNetwork allows sockets of every family (TCP, UDP, raw, netlink...).
	AllowNetwork bool

	// AllowUnixSockets allows socket(AF_UNIX, ...), hence connecting to pathname
	// Unix sockets anywhere (Landlock cannot filter them below ABI 9). Abstract
	// Unix sockets stay scoped to the sandbox either way. socketpair(2) is always
	// allowed.
	AllowUnixSockets bool

	// FilesOnly confines the file system alone: writes, creation, removal,
	// renames, links and truncation only beneath the writable roots (Landlock,
	// and as root the read-only mounts), never on ReadOnly (Unreadable and
	// SecretEnv are ignored), inherited descriptors closed on exec.
	// Besides, a seccomp program of its own refuses set-user-ID and
	// set-group-ID modes (chmod, fchmod*, open*, creat, mknod*; openat2 and
	// io_uring fail with ENOSYS; open_by_handle_at, bpf and perf_event_open refused), and root loses CAP_SETFCAP, CAP_MKNOD,
	// CAP_NET_RAW, CAP_LEASE, CAP_FSETID, CAP_SYS_ADMIN and a few others (filesOnlyDropped) from its
	// bounding set. Nothing else changes: no network or signal scoping, root
	// keeps its other capabilities. Auto-edit runs the commands it lets through
	// for writing inside the roots this way, so that a write that lands outside
	// at run time (through a symlink an earlier command made) fails.
	// AllowNetwork and AllowUnixSockets have no effect with it.
	FilesOnly bool

	// BestEffort runs with what the kernel offers and writes one line per
	// unenforced part of the profile to Exec's warn writer, instead of failing.
	BestEffort bool

	// ProtectedNames are the protected entries that name literal paths
	// (.envrc, .vscode, .git/commondir: protect.List.Literal). One absent at
	// start that the command makes at the top of a root or on the way to
	// the working directory is moved aside after it, where guard stays the
	// command's parent (newnames_linux.go). Set by Protect.
	ProtectedNames []protect.Entry
	// HomeNames are the list's literal "~/" protected entries relative to
	// HomeDir, looked for in HomeDir only, when the home is in a writable
	// root (homeNames).
	HomeNames []protect.Entry
	HomeDir   string
	// MissingProtected are paths in the roots that a start-up file or a
	// config names and that did not exist at start (a git include's
	// target, a file a shell start-up file or an .envrc sources, a
	// directory it puts on PATH: protect.Found's Missing); one the command
	// makes is moved aside after it, as ProtectedNames are. Set by Protect.
	MissingProtected []string
	// PrivateTemp are tool caches at the top of the shared temporary
	// directories (jest's) that the program sees empty and writable, as a
	// directory of the sandbox's private /dev/shm mounted over each: what it
	// writes there is gone after it, and what is there is out of its reach
	// (a later run of the tool outside runs what the cache holds). Where no
	// mounts are made (user namespaces forbidden) they stay as they are.
	// Set by Protect.
	PrivateTemp []string
	// ScannedDirs are the directories in the roots that Protect's scan for
	// names at any depth listed (protect.ScanDirs at most): those the
	// command changed are looked in again after it, and the directories it
	// made in them, for protected names it made there (newnames_linux.go).
	// Set by Protect.
	ScannedDirs []string

	// mounts is the mount table Protect read (file systems mounted more than
	// once only; nil for none or not read), which Exec reuses for the
	// secrets' other paths in the same process.
	mounts    *mountTable
	mountsSet bool
}

// Feature is one line of the profile and whether this machine enforces it.
type Feature struct {
	Name     string
	Enforced bool
	Detail   string
}

// ErrUnsupported is returned (wrapped) on systems without a sandbox implementation.
var ErrUnsupported = errors.New("sandbox not supported on this system")

// ErrNotEnforced is returned (wrapped) by Exec when the kernel cannot enforce a
// part of the profile and the profile is not BestEffort. The message names the parts.
var ErrNotEnforced = errors.New("sandbox cannot be enforced")

// ExecError is the execve that failed once the sandbox was in place: the
// program itself could not be run (not found, not executable).
type ExecError struct {
	Path string
	Err  error
}

func (e *ExecError) Error() string { return "execve " + e.Path + ": " + e.Err.Error() }

// Unwrap returns the errno.
func (e *ExecError) Unwrap() error { return e.Err }
