// Package sandbox confines a program that guard runs in full-auto mode (or, files
// only, a writing command that auto-edit lets through), and execs it.
//
// Exec applies the confinement to the calling OS thread only, then starts the
// program from that thread and waits for it, in full-auto and for auto-edit's
// files-only commands alike (to end what it leaves behind and look for
// protected names it made, leftovers_linux.go and newnames_linux.go; an
// ordinary user's child in a user namespace does the same from outside), or,
// inside an enclosing guard's sandbox, whose guard does both, execve(2)s it
// from that thread, which replaces the whole process: either way the program
// has only that thread's credentials, namespaces, Landlock domain and seccomp
// filter. Nothing is broadcast to the other threads, which is what keeps the
// cost near a plain exec (see the Speed section). First, when none of the
// standard descriptors is a terminal (an agent's pipes), the process gives up
// its controlling terminal (leaveTerminal): /dev/tty was the terminal a person
// types the agent's prompts on. The steps, in order:
//
//  1. As root (more precisely: holding CAP_SYS_ADMIN), a mount namespace of the
//     thread's own, with every mount made read-only (mount_setattr, AT_RECURSIVE)
//     except copies of the writable roots, a private tmpfs on /dev/shm, and the
//     working directory re-entered so that it lies on the writable copy. Each
//     root is opened following no symbolic link (openRoot), copied from and
//     moved back onto that descriptor, as Landlock's rule for it in step 4 is
//     added on one: the roots are resolved paths, so a link on the way is one
//     put there since guard resolved them, and gets nothing. This is
//     what stops root's chmod, chown, utime and xattr changes outside the roots,
//     which Landlock does not check. Device nodes stay writable on a read-only
//     mount: /dev/null and the terminal keep working. With it, an IPC namespace
//     (System V IPC objects and POSIX message queues of processes outside are
//     not in it) and a devpts instance of its own on /dev/pts (other terminals
//     are not in it; /dev/tty, the inherited descriptors and new ptys work, but
//     ttyname(3) of the inherited terminal fails). That devpts lies in a /dev
//     of its own (a tmpfs with null, zero, full, random, urandom, tty, ptmx,
//     pts, shm and the fd links: privateDev), which also holds the private
//     /dev/shm: with CAP_DAC_OVERRIDE, root read the raw disk and the swap
//     device (/dev/vda, /dev/zram0: every secret the mounts hide, from its
//     blocks), the consoles' screens (/dev/vcs*) and what is typed on them
//     (/dev/tty1, /dev/console); none of those is in it. Every other mount
//     but /dev and /dev/pts is nodev (noDevOutsideDev, the ordinary user's
//     child too): a device node elsewhere, in a root above all (a project's
//     rootfs/dev from an image build), cannot be opened (EACCES); through
//     such nodes root had read a console's screen and written the kernel
//     log, and a block node there is the raw disk.
//     In it, the protected paths inside the roots (Profile.ReadOnly: .git/hooks,
//     .git/config, .envrc...) get read-only copies mounted over them (writing,
//     creating in, renaming over or removing them fails with EROFS or EBUSY;
//     one that is a symbolic link gets a copy of the link itself, and what it
//     leads to inside the roots a read-only copy under its own name),
//     each made on a descriptor of the very file guard looked at (a
//     directory renamed away and replaced by a link or a decoy between the
//     look and the mounts, by a program running beside guard, makes the
//     mount fail: openExact), after each directory between a root and a protected path (.git,
//     ~/.config) got a writable copy of itself mounted onto itself: a mount
//     point cannot be renamed or removed (EBUSY), so `mv .git .git2 && mkdir
//     .git` cannot swap in a new git directory (pins_linux.go),
//     the secret files (Profile.Unreadable) get /dev/null mounted over them
//     (they read as empty; the directories above one in a root are pinned
//     too, so that `mv services x/1/.../9/` cannot carry services/api/.env
//     deeper than the next command's scan), a secret directory an empty
//     read-only tmpfs (a
//     secret behind a symbolic link is hidden where the link leads), and, as root, /proc is a fresh procfs with hidepid=invisible, where
//     a process outside the sandbox is not there (Landlock refuses ptrace access
//     to it, which is what hidepid asks): no /proc/PID/cmdline of other processes.
//  2. As root, the capabilities: SECBIT_NOROOT (locked) ends root's special case
//     at execve, and only what building and testing software needs crosses it,
//     as ambient capabilities (CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH,
//     CAP_FOWNER, CAP_KILL, CAP_SETUID, CAP_SETGID,
//     CAP_NET_BIND_SERVICE, CAP_AUDIT_WRITE; not CAP_NET_RAW, even with
//     AllowNetwork, nor CAP_LEASE, nor CAP_FSETID: with it, a set-user-ID
//     program already in a root kept its bit when root wrote a shell into
//     it); the permitted set shrinks to them. No CAP_SYS_ADMIN,
//     CAP_SYS_BOOT, CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_TIME, CAP_SYS_PTRACE,
//     CAP_NET_ADMIN, CAP_NET_RAW, CAP_LEASE, CAP_MKNOD, CAP_SYS_NICE, CAP_SETPCAP... and with no_new_privs a program
//     with file capabilities gets no more than the permitted set. The inheritable
//     and ambient sets are emptied for everyone else.
//  3. no_new_privs: setuid and file capabilities grant nothing any more.
//  4. Landlock: read and execute everywhere but the secrets that are left (all of
//     them for an ordinary user without the mounts; none that is a file or a
//     directory with them): Landlock has no deny
//     rule, so read is granted entry by entry on each directory on the way down
//     to a secret, except the entry that leads there (landlock_read_linux.go);
//     never inside a writable root, where a new file next to the secret would be
//     unreadable too (there, step 1's mounts hide secrets);
//     listing stays granted everywhere, so a secret's name shows, not its content
//     (EACCES). Full-auto root without a /dev of its own (step 1: a root in
//     /dev, no devpts) gets no read on /dev either, but on null, zero, full,
//     random, urandom, tty, ptmx, pts, shm, mqueue and hugepages: read is then
//     granted entry by entry on / (about 0.1 ms on a 2-core VM). An ordinary
//     user gets the same device filter (a node the user's groups or a seat's
//     ACL open: the input group's keyboards, a serial port, a security key);
//     in the child, the private /dev/shm and devpts get rules of their own,
//     read included (a path walk skips the mount point they hide). Write,
//     create, remove, rename, link
//     and truncate only beneath the writable roots and /dev/shm, where device nodes
//     cannot be made, nor symbolic links and FIFOs in the shared roots
//     (Profile.SharedRoots: /tmp and $TMPDIR, which programs outside write in
//     after a command) and /dev/shm, nor anything moved or linked in there from
//     another directory (a directory holding a link: EXDEV, mv copies); writing and ioctl on /dev/null, /dev/tty, /dev/ptmx and
//     /dev/pts. TCP bind and connect refused (ABI 4) unless AllowNetwork. Abstract
//     Unix sockets and signals scoped to the sandbox (ABI 6): the program cannot
//     reach an abstract socket, nor signal a process, made outside it. Landlock also
//     refuses ptrace and /proc/PID/mem, environ... on processes outside (ABI 1).
//  5. Descriptors above 2 are made close-on-exec, except pipes and FIFOs below
//     128 (a file or socket opened before Landlock escapes it; pipes keep make's
//     jobserver and bash's <(...) working). 0, 1 and 2 stay: redirecting them is
//     the caller's choice, except that one that is a directory or an O_PATH
//     descriptor becomes /dev/null, and one that is a protected file is refused,
//     before anything else (stdfds_linux.go): they refer to the original mounts,
//     where /proc/self/fd/0/.git/hooks is writable and /proc/self/fd/0/.env
//     readable, and a file reopened through /proc/self/fd/N is writable there.
//  6. seccomp, last, on this thread only. Default allow; EPERM for socket() of any
//     family but AF_UNIX unless AllowNetwork (so UDP, raw, packet and netlink too),
//     and with it for AF_PACKET and SOCK_RAW over IPv4 and IPv6 all the same; for
//     socket(AF_UNIX) unless AllowUnixSockets, and then for socketpair(2) of any
//     type but stream and seqpacket (a datagram pair can sendto(2) a pathname
//     socket outside by address); for prlimit64 setting, and setpriority,
//     sched_setaffinity, sched_setattr, sched_setparam, sched_setscheduler,
//     ioprio_set, migrate_pages and move_pages on, any process but the caller
//     (pid 0: the filter cannot know the caller's pid; glibc, nice, taskset,
//     ionice pass 0); for the System V IPC and POSIX message queue calls without
//     an IPC namespace of its own (an ordinary user); for chmod, fchmod,
//     fchmodat, fchmodat2, open, openat, creat, mknod and mknodat with a
//     set-user-ID or set-group-ID bit in the mode; for fcntl(F_SETLEASE); for ptrace, process_vm_readv/
//     writev, pidfd_getfd, process_madvise, bpf, perf_event_open, userfaultfd, the
//     keyring calls, module and kexec calls, reboot, swapon/off, iopl/ioperm, acct,
//     open_by_handle_at, every mount-changing call, chroot, pivot_root, unshare,
//     setns, clone with a namespace flag, and ioctl TIOCSTI, TIOCLINUX and
//     TIOCSETD (line disciplines load modules on demand); ENOSYS
//     for clone3 (glibc falls back to clone, whose flags the filter can see), the
//     io_uring calls (they would bypass the socket rule) and openat2 (its mode is
//     in memory the filter cannot read; callers fall back to openat). Arguments are compared on
//     all 64 bits, and where the kernel reads an int, the rule fails closed on the
//     high half: socket(0x1_0000_0002) is refused. Syscalls of a foreign ABI (x32,
//     int 0x80, aarch32) kill the process. Before those rules, a prefix of the
//     program's own denies by number the calls newer than the libseccomp that
//     compiles them (open_tree_attr: EPERM, with the mount-changing calls), and
//     fails every number past the newest the policy was written against
//     (newestSyscall, file_setattr) with ENOSYS: a default-allow filter would
//     let a call a later kernel adds through unexamined, and callers of a new
//     call fall back as on a kernel without it. The BPF programs are compiled from
//     seccomp_policy_linux.go by libseccomp at development time and committed
//     (zseccomp_*_linux.go; readable listings in testdata/*.pfc): guard needs
//     neither cgo nor libseccomp at run time. amd64 and arm64 only.
//
// A writable root that lies inside a protected path (the working directory
// in .git/hooks, core.hooksPath, below .vscode or ~/.claude) is no root: it
// is dropped before anything else, so that Landlock alone refuses writes
// there, user namespaces or not (protect.List.Resolve returns the protected
// paths that hold a root: the nearest work tree above a root has its git
// directory resolved, and the directories above it are matched by name).
// With cwd .git/hooks, a hook planted in full-auto ran at the next commit.
// The exception is an agent's checkout of the project's repository inside a
// protected directory (Profile.Checkouts: Claude Code's .claude/worktrees/NAME,
// protect.CheckoutTop): a root there is a root, and a copy of the checkout,
// writable at its top, is mounted back over the read-only copy of the
// directory holding it, its own protected paths staying read-only inside.
//
// The environment is passed without the variables Profile.SecretEnv names
// (*KEY*, *TOKEN*, *SECRET*, *PASSWORD*... except SecretEnvAllow). The working
// directory is the caller's (re-entered after step 1).
//
// A secret that the user guard runs as cannot read at start, but owns, is
// hidden all the same (chmod opens it: Landlock does not check modes); one
// behind a directory of the user's that cannot be searched hides that
// directory whole. Another user's unreadable secret needs nothing.
//
// Protect keeps read-only the files in a root that guard's environment
// tells programs started later to load or run (protect.EnvCodeFiles:
// PYTHONSTARTUP, LD_PRELOAD, NODE_OPTIONS' --require, a JVM's -javaagent,
// GIT_SSH_COMMAND's and EDITOR's programs, tools' config files that name
// commands, as RIPGREP_CONFIG_PATH's, whose --pre program the agent's own
// grep runs; BASH_ENV and ENV, which the gate adds too): the agent and
// what it runs afterwards share that environment.
//
// Protect also makes unreadable the regular files that the values of
// secret variables name (protect.List.SecretEnvFiles:
// ANSIBLE_VAULT_PASSWORD_FILE, SOPS_AGE_KEY_FILE, Docker's *_FILE: the
// variable is removed, the file it names hidden), the credentials the
// environment moves elsewhere (protect.List.EnvSecretPaths: KUBECONFIG,
// GOOGLE_APPLICATION_CREDENTIALS, DOCKER_CONFIG's config.json, GNUPGHOME,
// XDG_CONFIG_HOME's gh/hosts.yml...), unless the value holds the home
// directory or a root, and Kerberos' ticket cache (KRB5CCNAME's file or
// directory, else /tmp/krb5cc_UID: /tmp is a root never scanned), and the
// logins the environment places outside the home (XAUTHORITY's and
// ICEAUTHORITY's cookies, $XDG_RUNTIME_DIR/containers/auth.json).
//
// At the top of each shared root (/tmp, $TMPDIR) the names tools look for
// in every directory above them (.git, a bare repository's HEAD, .hg,
// .cargo, Cargo.toml, go.work, conftest.py) are kept read-only; where one is
// missing, Protect first makes a symbolic link there to
// protect.Placeholder, a path that cannot exist, so that git, hg, go, cargo
// and pytest find nothing, as before, and a command cannot plant one that
// runs for every directory below (git status in /tmp/x ran a /tmp/.git's
// core.fsmonitor). For a root inside a shared one (a project in
// /tmp/work/proj), the directories between (/tmp/work) are above it too: one
// of those names, or of the list's, that the command made there is moved aside
// after it (newnames_linux.go, betweenSharedAndRoots). So
// are the caches tools keep there by a fixed name and
// run later unchecked (tsx-UID, node-compile-cache, jiti's node-jiti: made
// empty, 0700, where missing); jest's (jest_UID in base 36), which jest must write as it runs,
// is seen empty and writable inside instead, a directory of the private
// /dev/shm mounted over it (Profile.PrivateTemp). A protected path behind a directory the caller owns but
// cannot search (chmod 000 .git) hides that directory whole.
//
// Other accounts' homes (the directories of /home, and /root, but the
// user's) are unreadable whole (Landlock read rules: EACCES; a tmpfs would
// be a superblock of its own per home), except one that holds a writable
// root, the working directory or a path the environment names (a PATH
// directory, as Homebrew's /home/linuxbrew, GOPATH, CARGO_HOME...): there
// the list's "~/" entries apply as in the user's own home.
//
// Protect fills a profile's ReadOnly, Unreadable and SecretEnv from package
// protect's list, resolved for the roots as they are at start (the resolved git
// directory, core.hooksPath, init.templateDir, the files git config includes
// and the programs its command values name, in the repository's config and
// the user's, the directories the shell's start-up files put on PATH and
// the files they source by a path that
// needs no more than ~, $HOME and the files' own plain assignments
// (protect's followShellRCs: a dotfiles repository's aliases.sh as the
// working directory), what ~/.ssh/config Includes (a glob Include's
// directory whole: ssh reads new files there too) and the files an .envrc sources (source_env, source:
// direnv allows an .envrc by its own content's hash), embedded bare
// repositories, names at any depth within
// protect.ScanDepth levels of each root but temporary directories, and the
// secret ones among the names of the home's directories the resolution
// lists anyway: ~/.env, ~/server.key, ~/.config/.env.production).
// ProtectCached (the gate's way) keeps that result in guard's cache
// directory and uses it again while stat(2) of every directory the
// resolution listed or looked a name up in, and of every file it read,
// gives what it gave then (plancache_linux.go: a change time cannot be set
// back; an entry is written only when nothing it depends on changed in the
// two seconds before, no symbolic link was followed, every path is on a
// local file system, and only in a directory of the caller's that no one
// else can write, which the gate keeps read-only inside the sandbox).
//
// Non-root users: unshare(CLONE_NEWUSER), which would give them a mount
// namespace, needs a single-threaded process, and a Go program never is one.
// So (in full-auto and in files-only alike) Exec forks a child
// into a new user and mount namespace (clone(2) with CLONE_NEWUSER and
// CLONE_NEWNS, the user mapped to itself; in full-auto also CLONE_NEWPID)
// and stays as its parent, forwarding signals and exiting as the program did. The child is a copy of the calling
// thread alone (on amd64 made vfork-style: it shares guard's memory and runs on
// the calling thread's stack while that thread waits for its execve, so no page
// table is copied and no page becomes copy-on-write): it runs a list of system calls the parent prepared (its uid and
// gid maps, step 1 with a devpts instance of its own on /dev/pts, a private
// /dev/shm and an IPC namespace (full-auto's; a files-only child has no
// devpts nor IPC namespace), in full-auto the procfs of its own PID
// namespace over /proc, every capability emptied,
// no_new_privs, the Landlock ruleset the parent built, seccomp, default signal
// handlers, execve), no other Go code, and no second start of guard
// (rawchild_linux.go). Where the kernel forbids
// unprivileged user namespaces (user.max_user_namespaces=0,
// kernel.unprivileged_userns_clone=0, Ubuntu's
// kernel.apparmor_restrict_unprivileged_userns=1), Exec refuses, naming the
// setting, unless BestEffort: then it warns, the protected paths stay writable
// and the secrets inside the roots readable. Without protected paths or secrets
// in the roots, there is nothing to refuse: every step but 1 and root's part
// of 2 runs in place, as it does when clone(2) itself refuses the namespace
// (a container's seccomp profile) and nothing needs the mounts.
//
// Full-auto's program may make only so many processes and threads: its
// account's process limit less a reserve that stays for the agent's next
// hook and guard's own threads (procs_linux.go: an ordinary user's
// RLIMIT_NPROC, the user namespace made under it; root's pids cgroup where
// a pids.max applies).
//
// Full-auto's child is the first process (PID 1) of a PID namespace of its
// own, and execs the program as that process. Its /proc shows the sandbox's
// processes only: another process's command line (a token on a command line)
// is not there, as root's hidepid /proc does (optional: where the kernel will
// not mount a procfs, in a container whose /proc has masked entries, the
// host's stays). When the program exits, the kernel kills what it left in
// the namespace (a setsid or double-forked leftover, which could write in the
// roots after the command and after guard's look, or read the terminal the
// command was given), before guard's wait returns; and when guard is killed
// (an agent's timeout kills the process it started), the child gets SIGKILL
// (PR_SET_PDEATHSIG) and the namespace ends with it. The kernel spares the
// first process of a namespace every signal it has no handler for; guard
// forwards SIGTERM, SIGHUP, SIGINT and SIGQUIT as before when the program
// handles them, drops them when it ignores them, and otherwise sends SIGKILL
// and reports the program as killed by the signal it was sent. What changes
// for the program: its pid is 1 (its children see getppid() == 1, which a
// few daemons take for their parent's death), orphans are its to reap, it ignores signals
// it has no handler for from inside (kill $$ from its own children, kill 0),
// and SIGTSTP (^Z) stops guard but not the program. A background server the
// command starts and leaves (nohup ... &) ends with it. Root's program has
// no PID namespace (a procfs of a new one can be mounted only from inside
// it, past Landlock): guard, its parent in full-auto, is the child subreaper,
// so what the program orphans becomes guard's child, and once the program
// has exited guard kills and reaps every child left, round after round,
// before its look for new protected names (leftovers_linux.go); children
// guard had before the program (exec'd in place by a shell with a background
// job) and their orphans are not the command's and are left alone. A leftover
// outlives a guard killed with SIGKILL there (below).
//
// # Fail closed
//
// Exec checks what the kernel offers before changing anything (the Landlock ABI
// through landlock_create_ruleset, the capabilities, a filter for the
// architecture). When a part of the profile cannot be enforced, it returns an
// error wrapping ErrNotEnforced and naming the parts, unless the profile is
// BestEffort: then it writes one line per unenforced part to warn
// ("sandbox: not enforced: signals to processes outside the sandbox (needs Landlock
// ABI 6, kernel has 4)") and goes on. A step that fails is an error too (a warning
// with BestEffort, except a failure after the mounts were made read-only, which
// cannot be undone). Probe lists every part and whether this machine enforces it,
// by applying the whole confinement to a throwaway thread.
//
// # Files only
//
// Profile.FilesOnly keeps steps 1 (as root, without the devpts and the
// secrets), 3, 4 (without the network, the scoping and the read rules) and 5,
// and nothing else: writes land only beneath the roots and off their
// protected paths (Profile.ReadOnly: as root the read-only binds and pins, as
// an ordinary user the same in the user-namespace child, refused in strict
// mode where user namespaces are forbidden), and the program is otherwise as
// free as it was. Auto-edit runs this way the commands it
// lets through for writing inside the roots, because a script can make a symlink
// that a later command of it writes through, after the decision looked
// (`cp -r src dst && echo x > dst/lnk/target`; with src/lnk -> ../.git/hooks,
// `cp x dst/lnk/pre-commit` planted a hook git runs later, unconfined, until
// the protected paths were kept read-only here too). Step 6 loads a program of its
// own that refuses set-id modes alone (a root agent planting a set-user-ID
// shell in the project for a user to run later), with openat2 and io_uring
// answering ENOSYS and open_by_handle_at, bpf and perf_event_open refused
// (with CAP_SYS_ADMIN or CAP_BPF they loaded tracing programs that write other
// processes' memory); root drops CAP_SETFCAP (a file capability is the same
// plant), CAP_FSETID (an overwritten set-id program keeps its bit), CAP_MKNOD,
// CAP_NET_RAW, CAP_LEASE, CAP_SYS_ADMIN and what no build needs from the
// bounding set (filesOnlyDropped; it needs CAP_SETPCAP, else the profile is
// not enforced) and keeps the rest (file ownership, DAC overrides, setuid,
// kill, CAP_NET_ADMIN...). CAP_SYS_ADMIN goes because Landlock refuses
// mount(2) and move_mount(2) but not mount_setattr(2), open_tree(2) or
// open_tree_attr(2): with them root made the read-only mounts, or a
// detached copy of them, writable again, and chmod reached /etc/shadow. A
// guard shim run inside finds the enclosing read-only mounts
// (sandboxedMounts) and makes none of its own. Files-only confines the
// program's own writes: a service it asks to write for it (D-Bus's
// systemd-run, a Docker socket, a loopback server) is outside its reach,
// as are signals and the rest of full-auto's profile. A protected name
// missing at start is looked for after the command as in full-auto (guard
// stays the parent, the program one signal-scoped Landlock layer below):
// a link made at run time sent a write that the decision saw inside the
// root onto the root's .envrc (sandbox-13 S13-3).
//
// # Decisions
//
// Processes next door: Landlock scopes signals and refuses ptrace and /proc/PID
// access to processes outside (step 4); seccomp takes the calls that name another
// process by pid (step 6); root's private IPC namespace and devpts instance hide
// their System V objects and terminals. An ordinary user's child in a user
// namespace gets both too: an IPC namespace and a devpts instance of its own
// on /dev/pts, with a Landlock rule of its own (the rule on the host's
// /dev/pts does not reach beneath a mount made over it). Without the child
// (user namespaces forbidden) there is neither:
// System V IPC is refused outright (PostgreSQL's initdb, fakeroot's default
// mode and X11's MIT-SHM need it: run them as root, or outside full-auto), and
// the user's own other terminals stay readable (below).
//
// The pid-0 rule has a price: a thread that pins or reprioritizes itself by its
// own thread id (pthread_setaffinity_np, pthread_setschedparam, as OpenMP does
// with OMP_PROC_BIND) gets EPERM, as does renice of the command's own pid; most
// callers treat that as advisory and go on.
//
// Set-id bits: root can plant a set-user-ID shell in a root for an ordinary user
// to run later. Every call that sets a mode refuses the set-user-ID and
// set-group-ID bits, for everyone: `install -m 4755` and `cp -p` of a set-id
// program fail, and so do `chmod g+s DIR` and `git init --shared` (set-group-ID
// directories). File capabilities need CAP_SETFCAP, which root does not keep.
//
// Pathname Unix sockets: Landlock cannot filter connect(2) to them below ABI 9, and
// a Docker or containerd socket is a root shell, so socket(AF_UNIX) is refused
// unless AllowUnixSockets, while stream and seqpacket socketpair(2)s stay
// allowed. That keeps git, make, go, node's child processes and Python's asyncio
// and multiprocessing (with the fork start method) working. What needs AllowUnixSockets: multiprocessing's
// forkserver (the default from Python 3.14) and Manager, ssh-agent, gpg-agent
// (signed commits), D-Bus, X11, syslog(3), Docker. AllowUnixSockets does not open
// abstract sockets outside the sandbox: those stay scoped by Landlock.
//
// Root: the read-only mount namespace is the answer to chmod, chown, utime and
// xattrs. Root keeps its few capabilities as ambient ones, which execve clears for
// a program with file capabilities (ping): such a program runs as root without
// them. Root without CAP_SYS_ADMIN (Docker's default) cannot make it: Exec then
// refuses, unless BestEffort, rather than let root change metadata anywhere. The
// exception is a nested Exec: a guard shim run by a sandboxed program (make calling
// rm through guard) has no CAP_SYS_ADMIN left, but lives in the read-only mounts of
// the enclosing sandbox. It recognizes them by the private /dev/shm's inode limit
// with / read-only (a marker only CAP_SYS_ADMIN can forge, see sandboxedMounts),
// and stacks its own Landlock and seccomp layers on top.
//
// # What it does not stop
//
//   - Advisory locks: flock(2) and fcntl locks on any file the program can open,
//     which stall only the programs that take the same lock (a build tool's or
//     a database's). Refusing them would break make, cargo, pip, sqlite and git
//     alike; leases, which stall every opener, are refused.
//   - A process that leaves the session (setsid, double fork) outlives the
//     command when guard itself is killed with SIGKILL as root (nothing is
//     left to end it: root's program has no PID namespace); a guard inside
//     another's sandbox execs in place and leaves it to the enclosing guard. It stays confined (every
//     layer is inherited and cannot be lifted), so it can do no more than the
//     command could, only later. In full-auto guard ends the rest (above).
//     That includes the terminal the command was given: a process in a session
//     of its own holding a descriptor of it reads what is typed there after
//     the command returned (the user's next commands, a password; the job
//     control that stops a background reader applies to a session's own
//     terminal only). Refusing setsid(2) would break every program that makes
//     a pseudo-terminal (script, expect, tmux, python's pty). Run guard with
//     its standard input not a terminal (agents use pipes) where that matters.
//   - An ordinary user's own other terminals (/dev/pts/N) when no child in a
//     user namespace runs the program (user namespaces forbidden): reading what is typed
//     there and TIOCSWINSZ. Without a mount namespace there is no devpts of its
//     own, and Landlock grants reading beneath / as one rule; it also checks a
//     pty opened through TIOCGPTPEER against /dev/pts, so carving the others out
//     would break every pty made inside.
//   - Reading anything not on the secret list. A secret is what exists at start:
//     one created during the run, or one deeper in a root than protect.ScanDepth
//     (or past protect.ScanDirs directories) that no earlier scan found, is
//     readable (ProtectCached remembers, per scanned root, what a scan found
//     and hides it while it is there: directories a program makes cannot push
//     a known secret out of the next command's budget, found_linux.go); so is a secret reached
//     through a hard link made before the run, or a bind mount elsewhere. A
//     name that matches at any depth (.env, *.pem) is looked for in the
//     roots, and at the top of the home and of ~/.config only: another
//     project's .env outside them (~/code/other/.env, /srv/app/.env) is
//     readable, as ~/Downloads/client_secret_*.json and the rest of the
//     user's home beyond the "~/" names are. Landlock cannot refuse by name, and a scan of the disk at
//     every start would cost more than the command.
//   - For an ordinary user, the child's mounts are checked as root's are
//     (each target opened, its device and inode compared with what guard
//     saw, the mount made on the descriptor: a directory swapped by a
//     program beside guard fails the command with ESTALE), except the pins,
//     a protected symbolic link and, when a root lies in /dev/shm, the
//     first secret directory, which go by path.
//   - Watching files the program can read (inotify, fanotify without
//     permission events): it learns when a file outside is opened or
//     changed, not what it holds.
//   - Inside the writable roots, what is not on the protected list (build
//     scripts, Makefiles, package.json scripts that run later; a virtual
//     environment's site-packages, where a .pth file or sitecustomize.py runs
//     at the environment's next python start, an editor's interpreter probe
//     when the project is opened included: pip writes there; a directory of
//     guard's own PATH inside a root, an activated venv's bin: a `git` made
//     there runs for the agent's own lookups outside, which guard does not
//     judge), and protected
//     paths that do not exist at start: a new .envrc, .vscode/tasks.json,
//     .claude/settings.local.json, .gemini/settings.json, .codex/config.toml,
//     .gitmodules or a repository's .git/commondir (git then takes its config
//     and hooks from the directory it names) can be created by a program (the decision still treats a write
//     it can see to those names as outside the roots). A mount needs something
//     to cover, and an empty placeholder would change the user's tree; Landlock
//     could refuse creating them only by granting each other entry of the
//     directory a rule of its own, and every new file there would be refused
//     too (so would a read-only top with each existing entry mounted
//     writable). So where one is missing at the top of a root that is not
//     shared or on the way to the working directory, guard stays the
//     command's parent (an ordinary user's child; otherwise, in full-auto, a
//     thread of its own confined, which starts the program) and looks again
//     after it: what was made there is moved aside (newnames_linux.go). That
//     comes after the fact: a program outside that reads such a file while
//     the command runs (an agent reloading its settings) sees it; as root, a
//     process the command left in a session of its own can make one later;
//     names deeper in the tree or matched by a pattern are not looked for.
//     Two exceptions are made before the list is resolved, empty: guard's
//     own state directories (by the gate: they are guard's) and a repository's
//     missing hooks directory, .git/hooks or core.hooksPath inside a root (by
//     protect.List.Resolve: git makes .git/hooks itself, and an empty
//     directory does not show in git status). Guard's binary
//     cannot be replaced, nor the directories above it moved, but new files can
//     be made next to it (its directory may hold the project, so it is not
//     protected whole). A new repository is on no list either; where the look
//     after the command goes (the tops, the working directory's way, the
//     directories the scan listed and those made in them), a git directory
//     made during the run has its hooks other than git's samples, a config
//     naming a program and a commondir moved aside (newrepos_linux.go,
//     sandbox-17 S17-4). Past those bounds, or on a file system with no
//     birth times for a repository in a directory that was there: `git init sub2`
//     then a hook in sub2/.git/hooks, a new bare repository
//     (docs/{HEAD,config,objects,refs}), or a new .git in a root that lies in
//     the work tree of a repository outside it (git then finds the new one
//     first) runs what it says when git is later run there (guard doctor
//     advises git's safe.bareRepository=explicit, which refuses the bare one),
//     and also when git is run in the protected repository around it once
//     the program has added the new one to the index as a submodule entry
//     (`git update-index --add --cacheinfo 160000,...,sub`: a later
//     `git status` or `git diff` there looks into sub and runs its
//     core.fsmonitor). The index, objects and refs are the program's to
//     write (git add, commit and stash need them), so what a later checkout
//     writes and what git log shows are too;
//     so does a .git that
//     is a symbolic link, removed and made again to lead elsewhere (a mount
//     cannot pin a link; where it leads at start is protected). Adding a pattern to
//     the list protects only what exists. Writes through git to the protected
//     .git/config (git remote add, git config) fail. A rename across a pinned
//     directory (a file moved from the work tree into .git, or out of
//     services/api when services/api/.env is a secret) fails with EXDEV;
//     mv copies instead, git mv fails.
//   - An ordinary user where user namespaces are forbidden (no child; with
//     BestEffort, or nothing protected in the roots): their
//     own files outside the roots can still get chmod, utime and xattr changes
//     (Landlock does not check them); content cannot change. The owner's
//     permissions of what the agent needs after the run (guard's executable,
//     the agents' settings in the home, the ways to the working directory
//     and the home) are given back after it (modes_linux.go); those of the
//     project and the directories above it in the roots are watched while
//     the program runs, which is ended as soon as it takes them
//     (hookdirs_linux.go).
//   - Other processes' command lines (/proc/PID/cmdline) for an ordinary user
//     where no child is made (user namespaces forbidden), or where the kernel
//     refuses the child's procfs: no PID namespace of its own. Their environ
//     and memory stay refused.
//   - A pipe given to the program (its standard input above all) can be
//     reopened through /proc/self/fd/N in the other direction: a read end
//     becomes a write end (the kernel checks only the pipe's owner and mode,
//     and Landlock does not look at pipes). When the same pipe is read by a
//     process outside after the command, what the program writes there is
//     read as that process's input: a persistent shell that reads the agent's
//     commands from a pipe and runs guard for each (shims) ran a line the
//     program wrote there, unconfined. The other way, a leftover reads what
//     later commands print to a shared output pipe. Refusing it would take
//     the /dev/stdin and /dev/fd/N every shell script reopens, and a copy
//     through guard cannot tell how much of standard input the program wants.
//     Give each command a standard input of its own (a pipe made for it, or
//     /dev/null), as agents that start a process per command do.
//   - A file in a root that blocks or never ends for its reader: a FIFO
//     (mkfifo .git/index: an unconfined git status, a shell prompt's git, the
//     agent's read, wait for ever), a symbolic link to /dev/tty or /dev/zero.
//     FIFOs and links are refused in the shared temporary directories only;
//     scripts use both in projects.
//   - /dev/shm: for an ordinary user without the child it is the shared,
//     host-wide one, writable so that POSIX semaphores work: the program can
//     reach the user's own shared memory objects there. Root and the child get
//     a private one.
//   - The temporary directories are roots shared with everything outside:
//     a file another program of the user's (root: of any user's, with
//     CAP_DAC_OVERRIDE) keeps in /tmp or $TMPDIR is writable, so a script a
//     build writes there and runs a moment later (go run's and go test's
//     binaries, a compiler's intermediate files, an installer's script) can
//     be changed before it runs, by the command or by a process it leaves
//     behind (below). A /tmp of the sandbox's own would hide the command's
//     output from the agent, which reads it there unconfined. Point TMPDIR
//     at a directory of the agent's session where that matters. So are the
//     caches tools keep there and run later under names guard does not
//     know (tsx's tsx-UID, node's node-compile-cache and jiti's node-jiti
//     are kept read-only, jest's jest_UID private: Protect), and the names tools look for in every
//     directory above them that are not among the placeholders (Protect):
//     ESLint's, Prettier's, Babel's and PostCSS's configuration files,
//     node_modules, uv's workspace pyproject.toml at the top of /tmp apply
//     to every directory below it that has none of its own. Where user
//     namespaces are forbidden, the placeholders are not pinned either: the
//     program can remove one and plant the real thing.
//   - Device nodes outside /dev when no mount namespace is made (an ordinary
//     user where user namespaces are forbidden, or /dev not a mount of its
//     own): a node in a root whose mode lets the user open it opens.
//     Elsewhere every mount but /dev and /dev/pts is nodev (step 1).
//   - A file hard-linked into a root before the sandbox is writable through that
//     link (Landlock judges the path, and refuses making such links inside).
//   - Descriptors 0, 1 and 2, and inherited pipes, whatever they lead to (but a
//     directory, an O_PATH descriptor or a protected file, see step 5): root can
//     fchmod a file outside the roots given on stdin, and a secret given there is
//     readable.
//   - In a nested Exec, metadata inside the enclosing sandbox's roots but outside
//     its own: the enclosing program could change it anyway.
//   - Pathname Unix sockets anywhere, with AllowUnixSockets; everything on the
//     network, with AllowNetwork (a loopback service is the network too).
//   - Resource use: CPU, memory, disk space, process count. Use cgroups or ulimits.
//   - Timing and other side channels; kernel bugs reachable by the allowed
//     syscalls; whatever the program is allowed to do by design.
//   - Signals and abstract sockets on kernels below Landlock ABI 6, and TCP via
//     Landlock below ABI 4 (seccomp still refuses the sockets), with BestEffort.
//
// # Speed
//
// Many writable roots: no descriptor is held per root (each is opened for its
// Landlock rule and closed), a root inside another costs nothing, and the rest is
// one open, landlock_add_rule and close each; as root, each root outside the
// others is also a mount copy, made and torn down (about 15 us), and with more
// than 8 of them the thread gets a descriptor table of its own, whose growth
// then does not wait for an RCU grace period. BenchmarkConfineRoots and make
// bench show the curve (issue 13's 300 roots at 22x came from the descriptors).
//
// No thread but the caller's is touched, and nothing is built at run time: one
// landlock_create_ruleset, six to ten landlock_add_rule, one seccomp(2) with a
// ready program, one poll(2) for the descriptors and, as root, fourteen
// credential changes for the capabilities and nine mount-related calls (the IPC
// namespace and the devpts added about 4% to full-auto as root). The
// seccomp program is a binary tree of syscall numbers: when it is loaded, the
// kernel runs it once per syscall number to find those it always allows, which
// took twice as long with a chain. Measured on a 2-core VM where a Go program
// that only execs pwd takes 2-3 ms (make bench's pairs, 2026-12-06): full-auto
// pwd as root 1.89-1.93x, with the default lists 1.94-1.96x as root and
// 2.21-2.22x as nobody (the README's Speed section). Of the sandbox's own
// share, cold, for the lists as root: the mount namespace about 0.1 ms to
// make and 0.1 ms to free when the program exits (measured apart), /dev
// 0.14, the binds over secrets and protected paths 0.15, loading the seccomp
// program 0.09 (the kernel translates and compiles it), the plan cache 0.12,
// readableHoles 0.1; for nobody the child in its user, mount and IPC
// namespaces (writing its uid and gid maps alone about 0.15 ms), about 1.3 ms
// from clone(2) to the program's execve. BenchmarkConfine breaks the
// in-process cost down (mounts, capabilities, Landlock, seccomp). The lists add: Protect's resolution (one listing of each
// directory where the list looks for 8 or more names, as home and ~/.config, a
// stat per listed credential that may exist, up to protect.ScanDirs
// directory listings in the roots, four git config reads; with the plan
// cache, a stat(2) of each path that resolution looked at instead: 0.12
// against 0.66 ms cold, for make bench's repository and home), a read-only bind per
// protected path, a /dev/null bind per secret file and a tmpfs per secret
// directory with mounts, and without them the Landlock read rules around the
// secrets, one per entry of each directory on the way
// (each rule's descriptor closed at once). BenchmarkProtect measures both parts.
// An ordinary user with protected paths or secrets in the roots pays the child
// (a fork elsewhere than amd64), its user, mount and IPC namespaces, and guard
// waiting as the parent: make bench's "repo + home lists, nobody" line.
// Each pinned directory is one more open_tree and move_mount (about 15 us): one
// (.git) for a repository; with the home directory in a root, guard's own state
// directories add a read-only bind and up to three pins each.
package sandbox
