package sandbox

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/sys/unix"
)

// Landlock does not govern a file's mode, and an ordinary user owns the
// project: a command could `chmod 000 "$PWD"` (or take the owner's search
// bit from the project, a directory between it and the working directory,
// or, where no user namespace makes the rest read-only, the home or a
// directory above the project). The agent then starts its next hook in a
// directory it may not enter, and an agent that fails open on a hook that
// does not start (Codex) runs the next command unjudged, which can undo the
// chmod itself. So the owner's bits of the directories the agent enters
// after the run are noted before it, and given back after it where the
// command took them: the other bits the command set stay (chmod 700 . is a
// project's to make). Root's hooks need no mode (it overrides them).

// keptMode is a directory on the way to the working directory or the home
// that guard's user owns, and its mode at start.
type keptMode struct {
	path string
	mode uint32
}

// noteModes returns the directories from / down to each of dirs that
// guard's user owns, parents first, with their modes; nil for root. One
// lstat per component.
func noteModes(dirs ...string) []keptMode {
	uid := os.Geteuid()
	if uid == 0 {
		return nil
	}
	var seen []string
	var out []keptMode
	for _, d := range dirs {
		if !filepath.IsAbs(d) {
			continue
		}
		for d = filepath.Clean(d); !slices.Contains(seen, d); d = filepath.Dir(d) {
			seen = append(seen, d)
			var st unix.Stat_t
			if unix.Lstat(d, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR && int(st.Uid) == uid {
				out = append(out, keptMode{d, st.Mode & 0o7777})
			}
			if d == "/" {
				break
			}
		}
	}
	slices.SortFunc(out, func(a, b keptMode) int { return comparePaths(a.path, b.path) })
	return out
}

// restoreModes gives back, parents first, the owner's bits that a
// directory of kept lost during the run, says so on w, and reports how
// many it gave back. A link or another file put in a directory's place is
// left (the look after the command judges what was made). Called once the
// program and what it left have ended.
func restoreModes(w io.Writer, kept []keptMode) int {
	n := 0
	for _, k := range kept {
		var st unix.Stat_t
		if unix.Lstat(k.path, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR || int(st.Uid) != os.Geteuid() {
			continue
		}
		lost := k.mode & 0o700 &^ st.Mode
		if lost == 0 {
			continue
		}
		fd, err := unix.Open(k.path, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			continue
		}
		now := st.Mode&0o7777 | lost
		if err := chmodFD(fd, now); err != nil {
			fmt.Fprintf(w, "guard: the command took its owner's permissions from %s (mode %04o, %04o at start), and guard could not give them back (%v): chmod u+rwx it\n",
				k.path, st.Mode&0o7777, k.mode, err)
		} else {
			fmt.Fprintf(w, "guard: the command took its owner's permissions from %s (mode %04o, %04o at start); guard gave them back (%04o): the agent and its hooks work there after the command\n",
				k.path, st.Mode&0o7777, k.mode, now)
		}
		unix.Close(fd)
		n++
	}
	return n
}
