package sandbox

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
)

// Landlock does not govern a file's mode, and an ordinary user owns the
// project: a command could `chmod 000 "$PWD"` (or take the owner's search
// bit from the project, a directory between it and the working directory,
// or, where no user namespace makes the rest read-only, from the home, a
// directory above the project, guard's own executable or the agent's
// settings that register guard's hooks). The agent then starts its next
// hook in a directory it may not enter, or cannot run guard, or reads no
// hooks; an agent treats a hook that does not start as "go ahead" (Codex
// ran the next command unjudged), and that command can undo the chmod
// itself. So the owner's permissions of what the agent needs after the
// run are noted before it, and given back after it where the command took
// them: the other bits the command set stay (chmod 700 . is a project's to
// make). Root's hooks need no mode (it overrides them).

// keptMode is a file the agent needs after the run that guard's user owns,
// and its mode and type at start.
type keptMode struct {
	path string
	mode uint32 // permissions
	kind uint32 // S_IFDIR, S_IFREG
}

// noteModes returns, for an ordinary user, the directories from / down to
// each of dirs and the files of files (guard's executable, the agents'
// configs) with the directories above them, those that exist and guard's
// user owns, parents first, with their modes; nil for root. One lstat per
// component.
func noteModes(dirs, files []string) []keptMode {
	uid := os.Geteuid()
	if uid == 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []keptMode
	note := func(p string) bool {
		seen[p] = true
		var st unix.Stat_t
		if unix.Lstat(p, &st) != nil {
			return false
		}
		if k := st.Mode & unix.S_IFMT; (k == unix.S_IFDIR || k == unix.S_IFREG) && int(st.Uid) == uid {
			out = append(out, keptMode{p, st.Mode & 0o7777, k})
		}
		return true
	}
	up := func(d string) {
		for ; !seen[d]; d = filepath.Dir(d) {
			note(d)
			if d == "/" {
				break
			}
		}
	}
	for _, d := range dirs {
		if filepath.IsAbs(d) {
			up(filepath.Clean(d))
		}
	}
	for _, f := range files {
		if f = filepath.Clean(f); filepath.IsAbs(f) && !seen[f] && note(f) {
			up(filepath.Dir(f))
		}
	}
	slices.SortFunc(out, func(a, b keptMode) int { return comparePaths(a.path, b.path) })
	return out
}

// agentNeeds returns the files noteModes notes beside the working
// directory's and the home's ways where no mount namespace keeps the
// user's files outside the roots read-only: guard's own executable and the
// agents' configs in the home, those whose first component the home holds
// (one listing of it, not a look-up for each), and in the directories an
// agent's variable moves them to (Claude Code's CLAUDE_CONFIG_DIR, which
// holds .claude.json too, Codex's CODEX_HOME, Gemini CLI's GEMINI_CLI_HOME,
// which stands for the home).
func agentNeeds(home string) []string {
	var out []string
	if exe, err := os.Executable(); err == nil {
		out = append(out, exe)
	}
	configs := protect.AgentConfigs()
	if filepath.IsAbs(home) {
		var names map[string]bool
		listed := false
		if fd, err := unix.Open(home, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0); err == nil {
			names, listed = dirNames(fd, make([]byte, dirNamesBuf))
			unix.Close(fd)
		}
		for _, rel := range configs {
			if first, _, _ := strings.Cut(rel, "/"); !listed || names[first] {
				out = append(out, filepath.Join(home, rel))
			}
		}
	}
	for _, m := range []struct{ env, dir, keep string }{
		{"CLAUDE_CONFIG_DIR", ".claude/", ".claude.json"}, {"CODEX_HOME", ".codex/", ""}, {"GEMINI_CLI_HOME", "", ".gemini/"}} {
		d := os.Getenv(m.env)
		if !filepath.IsAbs(d) {
			continue
		}
		for _, rel := range configs {
			if below, ok := strings.CutPrefix(rel, m.dir); ok && m.dir != "" {
				out = append(out, filepath.Join(d, below))
			} else if m.keep != "" && strings.HasPrefix(rel, m.keep) {
				out = append(out, filepath.Join(d, rel))
			}
		}
	}
	return out
}

// restoreModes gives back, parents first, the owner's permissions that a
// file of kept lost during the run, says so on w, and reports how many it
// gave back. A link or a file of another type put in its place is left
// (the look after the command judges what was made). Called once the
// program and what it left have ended.
func restoreModes(w io.Writer, kept []keptMode) int {
	n := 0
	for _, k := range kept {
		var st unix.Stat_t
		if unix.Lstat(k.path, &st) != nil || st.Mode&unix.S_IFMT != k.kind || int(st.Uid) != os.Geteuid() {
			continue
		}
		lost := k.mode & 0o700 &^ st.Mode
		if lost == 0 {
			continue
		}
		fd, err := unix.Open(k.path, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			continue
		}
		now := st.Mode&0o7777 | lost
		if err := chmodFD(fd, now); err != nil {
			fmt.Fprintf(w, "guard: the command took its owner's permissions from %s (mode %04o, %04o at start), and guard could not give them back (%v): chmod u+rwx it\n",
				k.path, st.Mode&0o7777, k.mode, err)
		} else {
			fmt.Fprintf(w, "guard: the command took its owner's permissions from %s (mode %04o, %04o at start); guard gave them back (%04o): the agent and its hooks need them after the command\n",
				k.path, st.Mode&0o7777, k.mode, now)
		}
		unix.Close(fd)
		n++
	}
	return n
}

// noteModes notes in c.modes what the agent needs after the run: the ways
// to the working directory and the home, and where no mounts are made
// (the user's files outside the roots are then the program's to chmod),
// agentNeeds. Not inside an enclosing sandbox, whose guard does it.
func (c *confinement) noteModes() {
	if c.inherited {
		return
	}
	cwd, _ := unix.Getwd()
	home := os.Getenv("HOME")
	var files []string
	if !c.mounts && !c.userns {
		files = agentNeeds(home)
	}
	c.modes = noteModes([]string{cwd, home}, files)
}
