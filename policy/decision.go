package policy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
)

// Mode is the approval mode: how much runs without a person.
type Mode string

// The approval modes, from most to least supervised.
const (
	Suggest  Mode = "suggest"
	AutoEdit Mode = "auto-edit"
	FullAuto Mode = "full-auto"
)

// ErrBadMode is returned for a mode name that is not one of the three.
var ErrBadMode = errors.New("mode must be suggest, auto-edit or full-auto")

// ParseMode reads a mode name.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Suggest, AutoEdit, FullAuto:
		return m, nil
	}
	return "", fmt.Errorf("%w: %q", ErrBadMode, s)
}

// Action is what guard does with a command.
type Action string

// The actions.
const (
	Run          Action = "run"
	RunSandboxed Action = "sandbox"
	Ask          Action = "ask"
	Refuse       Action = "refuse"
)

// WrittenPath is one path a command would write.
type WrittenPath struct {
	Path     string `json:"path"`     // as given
	Resolved string `json:"resolved"` // absolute, through symlinks
	Inside   bool   `json:"inside"`   // under a writable root, and not protected
	// Protected says why a path under a root still counts as outside: git
	// metadata, which git later runs code from.
	Protected string `json:"protected,omitempty"`
}

// Decision is what the mode makes of a classification.
type Decision struct {
	Action Action
	Class  Class
	Writes []WrittenPath
	// Reason says why a command is asked about or refused.
	Reason string
	// EveryMode is set when a person is asked whatever the mode and the
	// rules of later layers: a prompt rule, a destructive class, a
	// recursive removal of a root.
	EveryMode bool
}

// Outside returns the written paths outside every writable root.
func (d *Decision) Outside() []WrittenPath {
	var out []WrittenPath
	for _, w := range d.Writes {
		if !w.Inside {
			out = append(out, w)
		}
	}
	return out
}

// Decide applies the approval table of the design to a verdict. roots are
// the writable roots (absolute; they are resolved through symlinks here).
//
//	class                      suggest  auto-edit  full-auto
//	safe                       run      run        sandbox
//	match, writes inside       ask      run        sandbox
//	match, a write outside     ask      ask        refuse
//	unverified, Unknown writes ask      ask        sandbox
//	a prompt rule matched      ask      ask        ask
//	forbidden                  refuse   refuse     refuse
//
// A prompt rule marks work that cannot be undone inside the roots
// (git reset --hard, rm -rf *): no sandbox gives it back, so a person is
// asked in every mode, and where no one can answer the gate refuses it with
// the rule's reason.
func Decide(v *Verdict, mode Mode, roots []string) Decision {
	return DecideProtected(v, mode, roots, nil, "")
}

// DecideProtected is Decide with a list of protected paths: a write to a
// path the list protects (or into any .git) counts as outside the roots,
// whatever the roots. home expands the list's "~/" entries; a nil list is
// the .git rule alone.
func DecideProtected(v *Verdict, mode Mode, roots []string, prot *protect.List, home string) Decision {
	d := Decision{Class: v.Class}
	class := v.Class
	if class == Match && v.Unknown {
		class = Unverified
	}
	var resolved []string // the roots resolved, once, when a write or a removal needs them
	if (len(v.Writes) > 0 || len(v.Removes) > 0) && class != Forbidden {
		resolved = ResolveRoots(roots)
	}
	if len(v.Writes) > 0 && class != Forbidden {
		for _, w := range v.Writes {
			abs := Resolve(w, "/")
			wp := WrittenPath{Path: w, Resolved: abs, Inside: abs == "/dev/null" || insideAny(abs, resolved)}
			if wp.Inside {
				if wp.Protected = protected(abs, prot, home); wp.Protected == "" {
					wp.Protected = hardLinked(abs)
				}
				if wp.Protected != "" {
					wp.Inside = false
				}
			}
			d.Writes = append(d.Writes, wp)
		}
	}
	outside := d.Outside()
	removesRoot := ""
	if class != Forbidden && v.Prompt == "" {
		removesRoot = removesProject(v.Removes, resolved)
	}
	switch {
	case class == Forbidden:
		d.Action, d.Reason = Refuse, "forbidden: "+v.Why()
	case v.Prompt != "":
		d.Action, d.Reason, d.EveryMode = Ask, "a rule asks a person in every mode: "+v.Prompt, true
	case removesRoot != "":
		d.Action, d.Reason, d.EveryMode = Ask, "asked in every mode: "+removesRoot, true
	case mode == FullAuto && len(outside) > 0:
		d.Action, d.Reason = Refuse, "writes outside the writable roots: "+joinPaths(outside)
	case mode == FullAuto:
		d.Action = RunSandboxed
	case class == Safe:
		d.Action = Run
	case mode == AutoEdit && class == Match && len(outside) == 0:
		d.Action = Run
	case class == Match && len(outside) > 0:
		d.Action, d.Reason = Ask, "writes outside the writable roots: "+joinPaths(outside)
	case class == Match:
		d.Action, d.Reason = Ask, "writes files: "+joinPaths(d.Writes)
	default:
		d.Action, d.Reason = Ask, "not known to be safe: "+v.Why()
	}
	return d
}

// Why is a one-line account of the verdict.
func (v *Verdict) Why() string {
	if v.Reason != "" && v.Class != Forbidden {
		return v.Reason
	}
	return v.Result.Why()
}

func joinPaths(ws []WrittenPath) string {
	s := make([]string, 0, len(ws))
	seen := make(map[string]bool, len(ws))
	for _, w := range ws {
		p := w.Resolved
		if w.Protected != "" {
			p += " (" + w.Protected + ")"
		}
		if !seen[p] { // a path written twice (made, then its mode set) is named once
			seen[p] = true
			s = append(s, p)
		}
	}
	return strings.Join(s, ", ")
}

// protected says why a path inside a root must still be treated as outside
// it: a repository's .git holds config and hooks that git runs later,
// outside any sandbox (core.fsmonitor runs on every git status), and its
// history, which is not to be lost.
func protected(p string, prot *protect.List, home string) string {
	// A case-insensitive file system (macOS's default) takes .GIT/hooks
	// and .VSCode/tasks.json for .git/hooks and .vscode/tasks.json.
	if inDotGit(p) {
		return "git metadata: git runs its config and hooks later"
	}
	if prot != nil {
		// An agent's checkout inside the protected .claude
		// (.claude/worktrees/NAME) is matched from its own top down.
		top := protect.CheckoutTop(p)
		if e := prot.MatchBelow(protect.Protected, p, home, top); e != nil {
			return EntryWhy(e)
		}
		if f := foldPath(p, home); f != p {
			if e := prot.MatchBelow(protect.Protected, f, home, foldPath(top, home)); e != nil {
				return EntryWhy(e)
			}
		}
	}
	return ""
}

// hardLinked says why a write to abs, a path inside a root, changes a file
// that may lie outside every root, or "": a regular file with more than one
// name (a hard link) is one file under each, so writing it in place (`>`,
// `>>`, cp onto it, an edit tool) changes it under all of them, wherever they
// are, and neither the path nor the sandbox's path rules see it. pnpm's
// node_modules and uv's virtual environments are hard links into a store
// every project shares; a link to ~/.bashrc or to .git/config (protected)
// is written through the same way.
func hardLinked(abs string) string {
	var st unix.Stat_t
	if abs == "/dev/null" || unix.Lstat(abs, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Nlink < 2 {
		return ""
	}
	return "a file with " + strconv.FormatUint(uint64(st.Nlink), 10) +
		" names (hard links): a write changes it under each, and the others may lie outside the roots"
}

func insideAny(p string, roots []string) bool {
	for _, r := range roots {
		if Inside(p, r) {
			return true
		}
	}
	return false
}

// Inside reports whether p is root or below it, component by component
// (/srv/app2 is not inside /srv/app). Both must be clean absolute paths.
func Inside(p, root string) bool {
	if root == "/" {
		return true
	}
	return strings.HasPrefix(p, root) && (len(p) == len(root) || p[len(root)] == '/')
}

// Resolve makes path absolute against dir and resolves it through
// symlinks component by component, as the kernel would for a write: ".."
// after a symlink goes to the parent of the link's target. The part that
// does not exist yet is appended as written; a dangling symlink is followed
// to where a write would create its target.
func Resolve(path, dir string) string {
	if !filepath.IsAbs(path) {
		path = dir + "/" + path
	}
	return resolvePath("/", path, 0, nil)
}

// ResolveVisit is Resolve for an absolute path, calling met with each
// symbolic link it follows and the resolved directory that holds it; when
// met returns false it stops and returns "".
func ResolveVisit(path string, met func(link, dir string) bool) string {
	return resolvePath("/", path, 0, met)
}

// resolvePath resolves the components of rest onto prefix, an existing
// directory with no symlinks in it (met: see ResolveVisit).
func resolvePath(prefix, rest string, links int, met func(link, dir string) bool) string {
	parts := strings.Split(rest, "/")
	for i, c := range parts {
		switch c {
		case "", ".":
			continue
		case "..":
			prefix = filepath.Dir(prefix)
			continue
		}
		next := filepath.Join(prefix, c)
		if _, ok := realDirs.Load(next); ok {
			prefix = next
			continue
		}
		fi, err := os.Lstat(next)
		if err != nil {
			// Missing: the rest is created as written.
			return filepath.Join(append([]string{prefix}, parts[i:]...)...)
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			if fi.IsDir() {
				realDirs.Store(next, struct{}{})
			}
			prefix = next
			continue
		}
		if met != nil && !met(next, prefix) {
			return ""
		}
		if ownProcLink(next) {
			// Not followed: the reader's, not guard's (see ownProcLink).
			return below(next, parts[i+1:])
		}
		target, err := os.Readlink(next)
		if err != nil || links >= 40 {
			return below(next, parts[i+1:])
		}
		remaining := target + "/" + strings.Join(parts[i+1:], "/")
		if filepath.IsAbs(target) {
			return resolvePath("/", remaining, links+1, met)
		}
		return resolvePath(prefix, remaining, links+1, met)
	}
	return prefix
}

// realDirs holds the directories (not links) resolvePath found in this
// judgement (resetGlobBudget empties it): two thousand files of one tree
// were each resolved from the root up, several times over, 22 lstat calls a
// file. Only a directory found is kept; a name missing is looked at again.
var realDirs sync.Map

// below joins rest onto link, a symbolic link not followed, keeping the
// result below it: a ".." after the link climbs from where it leads, which
// is not known here, so it must not climb from the link's own name
// (/proc/PID/cwd/../../tmp/p/lnk read as /proc/tmp/p/lnk left the
// unfollowed link behind, and procLink with it).
func below(link string, rest []string) string {
	return link + filepath.Clean("/"+strings.Join(rest, "/"))
}

// ownProcLink reports whether p is the cwd, fd/N or map_files/X link of
// guard's own process in /proc (or of one of its threads), as /proc/self
// and /proc/thread-self lead there: followed here it names guard's
// working directory and descriptors, but the program that opens it reads
// its own, and a script's cd makes them differ (`cd ~ && cat
// /proc/self/cwd/tok.txt` printed ~/tok.txt, judged as the project's
// missing tok.txt). Left unfollowed, the path stays below /proc, where
// procLink makes a read of it unknown and a write lands in no root.
func ownProcLink(p string) bool {
	parts := strings.Split(p, "/")
	if len(parts) < 4 || parts[0] != "" || parts[1] != "proc" || parts[2] != strconv.Itoa(os.Getpid()) {
		return false
	}
	rest := parts[3:]
	if len(rest) >= 3 && rest[0] == "task" {
		rest = rest[2:]
	}
	switch {
	case len(rest) == 1:
		return rest[0] == "cwd"
	case len(rest) == 2:
		return rest[0] == "fd" || rest[0] == "map_files"
	}
	return false
}

// removesProject says why a recursive removal deletes a project, or "":
// a path that resolves to a writable root or an ancestor of one, or to a
// repository's work tree (a directory holding .git). No sandbox can give
// such work back. resolved are the writable roots as ResolveRoots returns
// them.
func removesProject(paths, resolved []string) string {
	if len(paths) == 0 {
		return ""
	}
	abss := make([]string, len(paths))
	for i, p := range paths {
		abs := Resolve(p, "/")
		abss[i] = abs
		for _, r := range resolved {
			if Inside(r, abs) {
				return "rm -r deletes " + abs + ", which is or holds the writable root " + r + ": uncommitted work cannot be recovered"
			}
		}
		if workTree(abs) {
			return "rm -r deletes the git work tree " + abs + ": uncommitted work and unpushed history cannot be recovered"
		}
	}
	// Every entry of a root or a work tree named one by one: what a shell
	// made of `rm -rf *` before guard saw it (a shim, `guard -- rm`).
	byDir := map[string]map[string]bool{}
	for _, abs := range abss {
		dir := filepath.Dir(abs)
		if byDir[dir] == nil {
			byDir[dir] = map[string]bool{}
		}
		byDir[dir][filepath.Base(abs)] = true
	}
	for dir, names := range byDir {
		if len(names) < 2 || !(workTree(dir) || slices.Contains(resolved, dir)) {
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		all := true
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), ".") && !names[e.Name()] {
				all = false
				break
			}
		}
		if all {
			return "rm -r deletes every entry of " + dir + ": uncommitted work cannot be recovered"
		}
	}
	return ""
}

// workTree reports whether dir holds a .git (a repository's work tree).
func workTree(dir string) bool {
	fi, err := os.Lstat(filepath.Join(dir, ".git"))
	return err == nil && (fi.IsDir() || fi.Mode().IsRegular())
}
