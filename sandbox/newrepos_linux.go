package sandbox

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"guard/internal/gitconfig"

	"golang.org/x/sys/unix"
)

// Repositories the command made (seventeenth red team, S17-4). A
// repository's hooks and config are protected where it exists at start; one
// made during the run (`git init sub`, `git init --bare x.git`, `git init
// --separate-git-dir`) has nothing there to cover, and a hook or a config
// key planted in it ran at the next git command there, outside: `git
// status` (a shell prompt runs it on cd) ran a new repository's
// core.fsmonitor. So in each directory the look goes through, a git
// directory made during the run (a .git directory, a .git file's gitdir in
// a root, or a bare repository: HEAD, objects and refs side by side) is
// looked in: each hook that is not one of git's samples is moved aside, and
// so are its config and config.worktree when they name a program git runs
// (gitRunsProgram) and its commondir (which points git at another config).
// What git init and git clone make (sample hooks, a config with the remote
// and branches) stays.
//
// Made during the run is told by the birth time or the change time (a
// rename changes it, and neither can be set back): an existing directory
// given HEAD, objects, refs and a config and renamed to .git, or named by a
// new .git file, kept its old birth time and was not looked in
// (sandbox-18). A .git file or link made during the run that names a git
// directory in a shared root (/tmp, $TMPDIR) is moved aside itself: what
// lies there is anyone's to write, by later commands too, and git run in
// the project's directory later would take its config and hooks.
// Limits: the look's own bounds (the directories it goes through).

// lookNewRepos looks in the git directories made during the run in d
// (ents: its entries) and reports how many paths it moved aside.
func (n *newNames) lookNewRepos(w io.Writer, d deepDir, ents map[string]uint8, stamp string, locks *unlocked) int {
	found := 0
	switch ents[".git"] {
	case unix.DT_DIR:
		if d.made || n.changedDuring(d.fd, ".git") {
			if fd, err := openBeneath(d.fd, ".git", locks); err == nil {
				found += n.lookGitDir(w, fd, filepath.Join(d.path, ".git"), stamp, locks)
				unix.Close(fd)
			}
		}
	case unix.DT_REG:
		if d.made || n.changedDuring(d.fd, ".git") {
			found += n.lookGitFile(w, d, stamp, locks)
		}
	case unix.DT_LNK:
		// git follows a .git link to the directory it names.
		if d.made || n.changedDuring(d.fd, ".git") {
			buf := make([]byte, unix.PathMax)
			if k, err := unix.Readlinkat(d.fd, ".git", buf); err == nil {
				found += n.lookGitAt(w, d, string(buf[:k]), stamp, locks)
			}
		}
	}
	if ents["HEAD"] != 0 && ents["objects"] == unix.DT_DIR && ents["refs"] == unix.DT_DIR &&
		(d.made || n.changedDuring(d.fd, "HEAD") || n.changedDuring(d.fd, "config")) {
		found += n.lookGitDir(w, d.fd, d.path, stamp, locks)
	}
	return found
}

// lookAdminDirs looks in the git directories that the repositories found
// at start keep inside their own (sandbox-18 S18-4): a linked worktree's
// (GITDIR/worktrees/NAME) and a submodule's (GITDIR/modules/NAME, and
// theirs). `git worktree add $TMPDIR/wt` makes one in the protected
// repository's git directory for a work tree where the look does not go
// (a shared root); the list's patterns (.git/worktrees/*/commondir) cover
// only those there at start, so a commondir rewritten to name a
// repository of the command's made git in that work tree, later, run its
// config. Each one made or changed during the run is looked in as a new
// repository's git directory (lookGitDir: an own worktree's commondir,
// git's sample hooks and a config naming no program stay). Cost: three
// lstats per repository found at start (11-16 us a run, in process, on a
// loaded 2-core VM), and a listing where one changed.
func (n *newNames) lookAdminDirs(w io.Writer, stamp string, buf []byte, locks *unlocked) int {
	if n == nil {
		return 0
	}
	var gitDirs []string
	for _, p := range n.deep.readOnly {
		dir := filepath.Dir(p)
		if filepath.Base(p) != "hooks" || slices.Contains(gitDirs, dir) {
			continue
		}
		var st unix.Stat_t
		if unix.Lstat(filepath.Join(dir, "HEAD"), &st) == nil {
			gitDirs = append(gitDirs, dir)
		}
	}
	found := 0
	for _, g := range gitDirs {
		found += n.lookAdminDirsOf(w, g, stamp, buf, locks, 0)
	}
	return found
}

// lookAdminDirsOf is lookAdminDirs for the git directory gitDir; depth
// counts the submodules' own modules gone through.
func (n *newNames) lookAdminDirsOf(w io.Writer, gitDir, stamp string, buf []byte, locks *unlocked, depth int) int {
	found := 0
	for _, sub := range []string{"worktrees", "modules"} {
		// One lstat in the usual case: none there, or nothing made,
		// renamed or removed in it during the run.
		var st unix.Stat_t
		if unix.Lstat(filepath.Join(gitDir, sub), &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR ||
			time.Unix(st.Ctim.Unix()).Before(n.deep.since) {
			continue
		}
		fd, err := openBeneath(-1, filepath.Join(gitDir, sub)[1:], locks)
		if err != nil {
			continue
		}
		ents, _ := dirTypes(fd, buf)
		names := make([]string, 0, len(ents))
		for name, typ := range ents {
			if typ == unix.DT_DIR && n.changedDuring(fd, name) {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		for _, name := range names {
			efd, err := openBeneath(fd, name, locks)
			if err != nil {
				continue
			}
			path := filepath.Join(gitDir, sub, name)
			if slices.ContainsFunc(n.deep.readOnly, func(p string) bool { return within(p, path) }) {
				unix.Close(efd) // there at start: its commondir and config are read-only
				continue
			}
			found += n.lookGitDir(w, efd, path, stamp, locks)
			unix.Close(efd)
			if sub == "modules" && depth < 2 {
				found += n.lookAdminDirsOf(w, path, stamp, make([]byte, len(buf)), locks, depth+1)
			}
		}
		unix.Close(fd)
	}
	return found
}

// lookGitFile follows the .git file in d (gitdir: PATH) to a git directory
// in a root, made during the run, and looks in it (lookGitAt).
func (n *newNames) lookGitFile(w io.Writer, d deepDir, stamp string, locks *unlocked) int {
	data, ok := readSmall(d.fd, ".git", 4<<10)
	if !ok {
		return 0
	}
	target, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir:")
	if !ok {
		return 0
	}
	return n.lookGitAt(w, d, strings.TrimSpace(target), stamp, locks)
}

// lookGitAt looks in the git directory target (relative to d) that a .git
// file or link in d names, when it lies in a root and was made or changed
// during the run; one in a shared root has the .git in d moved aside.
func (n *newNames) lookGitAt(w io.Writer, d deepDir, target, stamp string, locks *unlocked) int {
	if !filepath.IsAbs(target) {
		target = filepath.Join(d.path, target)
	}
	target = filepath.Clean(target)
	if slices.ContainsFunc(n.shared, func(r string) bool { return within(target, r) }) &&
		!slices.ContainsFunc(n.roots, func(r string) bool { return within(target, r) }) {
		to, made, err := moveAside(d.fd, ".git", stamp, locks)
		if !made {
			return 0
		}
		sayMoved(w, filepath.Join(d.path, ".git"), to,
			"a .git the command made names "+target+", in a temporary directory every process writes in: git there would run its config and hooks", "", err)
		return 1
	}
	if !slices.ContainsFunc(n.roots, func(r string) bool { return target != r && within(target, r) }) {
		return 0 // the command could make none outside the roots
	}
	// Opened following no link on the way: the path is where it is.
	fd, err := openBeneath(-1, target[1:], locks)
	if err != nil {
		return 0
	}
	defer unix.Close(fd)
	parent, err := openBeneath(-1, filepath.Dir(target)[1:], locks)
	if err != nil {
		return 0
	}
	changed := n.changedDuring(parent, filepath.Base(target)) || n.changedDuring(fd, "HEAD") || n.changedDuring(fd, "config")
	unix.Close(parent)
	if !changed {
		return 0 // a linked worktree's or submodule's git directory that was there
	}
	return n.lookGitDir(w, fd, target, stamp, locks)
}

// lookGitDir moves aside, in the git directory fd (path), the hooks that
// are not git's samples, a config or config.worktree that names a program,
// and a commondir.
func (n *newNames) lookGitDir(w io.Writer, fd int, path, stamp string, locks *unlocked) int {
	if n.gitDirsSeen[path] {
		return 0 // a separate git directory reached by its .git file and as itself
	}
	if n.gitDirsSeen == nil {
		n.gitDirsSeen = map[string]bool{}
	}
	n.gitDirsSeen[path] = true
	// One the start's scan found (its hooks or config read-only) is no new
	// one, though made within ctimeRacy of the start.
	if slices.ContainsFunc(n.deep.readOnly, func(p string) bool {
		return p == path || within(p, path) && (strings.HasSuffix(p, "/hooks") || strings.HasSuffix(p, "/config"))
	}) {
		return 0
	}
	found := 0
	if hooks, err := openBeneath(fd, "hooks", locks); err == nil {
		ents, _ := dirTypes(hooks, make([]byte, dirNamesBuf))
		names := make([]string, 0, len(ents))
		for name := range ents {
			if !strings.HasSuffix(name, ".sample") && !strings.Contains(name, ".guard-blocked-") && !n.fromTemplate(hooks, name) {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		if len(names) > 0 {
			locks.unlock(hooks)
		}
		for _, name := range names {
			to, made, err := moveAside(hooks, name, stamp, locks)
			if made {
				found++
				sayMoved(w, filepath.Join(path, "hooks", name), to,
					"a hook of a repository the command made: git runs it at the next commit, checkout or merge there", "", err)
			}
		}
		unix.Close(hooks)
	}
	locks.unlock(fd)
	for _, name := range []string{"config", "config.worktree"} {
		data, ok := readSmall(fd, name, 1<<20)
		if !ok {
			continue
		}
		if key := gitRunsProgram(data); key != "" {
			to, made, err := moveAside(fd, name, stamp, locks)
			if made {
				found++
				sayMoved(w, filepath.Join(path, name), to,
					"the config of a repository the command made names a program git runs ("+key+")", "", err)
			}
		}
	}
	var st unix.Stat_t
	if unix.Fstatat(fd, "commondir", &st, unix.AT_SYMLINK_NOFOLLOW) == nil && !ownWorktree(fd, path) {
		to, made, err := moveAside(fd, "commondir", stamp, locks)
		if made {
			found++
			sayMoved(w, filepath.Join(path, "commondir"), to,
				"a repository the command made points git at another repository's config and hooks", "", err)
		}
	}
	return found
}

// changedDuring reports whether name in dirfd was made, renamed, linked
// or written during the run: its birth time where the file system keeps
// one, else or also its change time, which a rename moves on (an old
// directory renamed to .git keeps its birth time).
func (n *newNames) changedDuring(dirfd int, name string) bool {
	var sx unix.Statx_t
	if unix.Statx(dirfd, name, unix.AT_SYMLINK_NOFOLLOW|unix.AT_STATX_SYNC_AS_STAT, unix.STATX_BTIME|unix.STATX_CTIME, &sx) != nil {
		return false
	}
	if sx.Mask&unix.STATX_BTIME != 0 && !time.Unix(sx.Btime.Sec, int64(sx.Btime.Nsec)).Before(n.deep.since) {
		return true
	}
	return !time.Unix(sx.Ctime.Sec, int64(sx.Ctime.Nsec)).Before(n.deep.since)
}

// readSmall reads the regular file name in dirfd, following no link, when
// it holds at most max bytes.
func readSmall(dirfd int, name string, max int64) ([]byte, bool) {
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, false
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size > max {
		return nil, false
	}
	buf := make([]byte, st.Size)
	got := 0
	for got < len(buf) {
		k, err := unix.Read(fd, buf[got:])
		if err != nil || k == 0 {
			break
		}
		got += k
	}
	return buf[:got], true
}

// gitProgramKeys are the config keys whose value git runs as a program or
// command (or loads config from), as section.key with any subsection
// taken out, lower case: the fsmonitor hook, the hooks directory, pager
// and editor, ssh and proxy commands, the askpass and credential helpers,
// diff, merge and filter drivers, difftool and mergetool commands, gpg's
// program, the browser and man viewers, upload-pack hooks, includes.
var gitProgramKeys = []string{"core.fsmonitor", "core.hookspath", "core.pager", "core.editor", "core.sshcommand",
	"core.askpass", "core.gitproxy", "core.alternaterefscommand", "sequence.editor", "diff.external", "diff.textconv",
	"diff.command", "merge.driver", "filter.clean", "filter.smudge", "filter.process", "credential.helper",
	"include.path", "includeif.path", "pager.*", "gpg.program", "uploadpack.packobjectshook", "remote.uploadpack",
	"remote.receivepack", "difftool.cmd", "mergetool.cmd", "web.browser", "browser.cmd", "man.cmd",
	"interactive.difffilter", "sendemail.sendmailcmd", "sendemail.smtpserver", "submodule.update", "alias.*"}

// gitRunsProgram returns the first key of the git config data that names a
// program git runs (gitProgramKeys; an alias only when it is a shell
// command, "!..."), or "". The data is read as git reads it
// (internal/gitconfig: a key on its section's line, a value continued over
// lines or quoted in part); a config git cannot read is reported as such.
func gitRunsProgram(data []byte) string {
	found := ""
	ok := gitconfig.Parse(data, func(v gitconfig.Var) bool {
		full := v.Section + "." + v.Key
		for _, k := range gitProgramKeys {
			if k == full || strings.HasSuffix(k, ".*") && strings.HasPrefix(full, strings.TrimSuffix(k, "*")) {
				if (k == "alias.*" || k == "submodule.update") && !strings.HasPrefix(v.Value, "!") ||
					k == "pager.*" && (v.NoValue || slices.Contains([]string{"", "true", "false", "yes", "no", "on", "off", "1", "0"}, strings.ToLower(v.Value))) {
					continue
				}
				found = full
				return false
			}
		}
		return true
	})
	if found == "" && !ok {
		return "a config git cannot read"
	}
	return found
}

// fromTemplate reports whether the hook name in the hooks directory fd is
// a copy of the same hook in a template directory git init copies from
// (GIT_TEMPLATE_DIR, init.templateDir of the user's git config, git's
// own): a user's hook template is no plant.
func (n *newNames) fromTemplate(fd int, name string) bool {
	data, ok := readSmall(fd, name, 1<<20)
	if !ok {
		return false
	}
	for _, dir := range templateDirs(n.homeOrEnv()) {
		dfd, err := unix.Open(filepath.Join(dir, "hooks"), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			continue
		}
		tmpl, ok := readSmall(dfd, name, 1<<20)
		unix.Close(dfd)
		if ok && bytes.Equal(tmpl, data) {
			return true
		}
	}
	return false
}

// homeOrEnv is the home the user's git config is read from.
func (n *newNames) homeOrEnv() string {
	if n.homeDir != "" {
		return n.homeDir
	}
	return os.Getenv("HOME")
}

// templateDirs are the directories git init copies hooks from: the
// environment's, the user's config's init.templateDir (~/.gitconfig,
// $XDG_CONFIG_HOME/git/config), git's own.
func templateDirs(home string) []string {
	var out []string
	if d := os.Getenv("GIT_TEMPLATE_DIR"); filepath.IsAbs(d) {
		out = append(out, d)
	}
	xdg := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(xdg) && home != "" {
		xdg = filepath.Join(home, ".config")
	}
	for _, f := range []string{filepath.Join(home, ".gitconfig"), filepath.Join(xdg, "git", "config")} {
		if home == "" || !filepath.IsAbs(f) {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil || len(data) > 1<<20 {
			continue
		}
		if d := gitConfigValue(data, "init.templatedir"); d != "" {
			if rest, ok := strings.CutPrefix(d, "~/"); ok {
				d = filepath.Join(home, rest)
			}
			if filepath.IsAbs(d) {
				out = append(out, d)
			}
		}
	}
	return append(out, "/usr/share/git-core/templates", "/usr/local/share/git-core/templates")
}

// gitConfigValue returns the last value of key (section.key, lower case,
// no subsection) in the git config data, read as git reads it.
func gitConfigValue(data []byte, key string) string {
	value := ""
	gitconfig.Parse(data, func(v gitconfig.Var) bool {
		if v.Subsection == "" && v.Section+"."+v.Key == key && !v.NoValue {
			value = v.Value
		}
		return true
	})
	return value
}

// ownWorktree reports whether the git directory fd (path) is a linked
// worktree's, REPO/worktrees/NAME, whose commondir names REPO, as `git
// worktree add` makes it.
func ownWorktree(fd int, path string) bool {
	repo := filepath.Dir(filepath.Dir(path))
	if filepath.Base(filepath.Dir(path)) != "worktrees" {
		return false
	}
	data, ok := readSmall(fd, "commondir", 4<<10)
	if !ok {
		return false
	}
	common := strings.TrimSpace(string(data))
	if !filepath.IsAbs(common) {
		common = filepath.Join(path, common)
	}
	return filepath.Clean(common) == repo
}
