package sandbox

import (
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// An agent starts each of its hooks, guard's included, in its project by
// name: Codex 0.171.0 sets the hook's working directory to the session's, and
// when that fails (a directory its user may no longer search) it reads the
// hook that did not start as a go-ahead, and ran the next command and patch
// unjudged. A command run by its owner can take those rights away (chmod 000
// "$PWD": Landlock does not check modes, and the project is a writable
// root), and neither Landlock nor seccomp can tell that directory from any
// other file a build chmods. So guard, the program's parent, holds the
// project and the directories above it inside the writable roots open,
// looks at their modes every keptDirsPoll while the program runs, and when the owner's
// read or search right on one is gone, puts the mode back and ends the
// program (what it left is ended with it, leftovers_linux.go); after it, the
// same look once more. Root's hooks do not need the rights (root searches any
// directory), so root keeps nothing.

// keptDirs are the directories whose owner's rights are kept (hookDirs).
type keptDirs struct {
	dirs []keptDir
	mu   sync.Mutex
	put  int // modes put back, by the watch or by restore
}

type keptDir struct {
	path string
	fd   int
	mode uint32 // permission bits at start
}

// keptDirsPoll is how often the directories' modes are looked at while
// the program runs: an agent starts its next hook after the model's next
// reply, which takes longer. Not inotify: the kernel waits for an SRCU
// grace period when an inotify instance with watches is released, at
// guard's exit, a few milliseconds a run (measured: full-auto `pwd` as
// nobody 2.7x to 3.5x the floor).
const keptDirsPoll = 50 * time.Millisecond

// ownerRights are the rights an agent's process needs on its project's
// directories to start a hook there and read its settings.
const ownerRights = unix.S_IRUSR | unix.S_IXUSR

// hookDirs returns the project and each directory above it up to the
// outermost writable root holding it, parents first; none for root, or
// without a project inside the roots.
func hookDirs(c *confinement) []string {
	if c.root || c.p.Project == "" {
		return nil
	}
	project := filepath.Clean(c.p.Project)
	for _, t := range c.tops {
		if !within(project, t.path) {
			continue
		}
		return append([]string{t.path}, dirsDown(t.path, project)...)
	}
	return nil
}

// keepHookDirs opens hookDirs(c) and notes their modes. A directory that
// cannot be opened (gone, or already unreadable) is skipped: there is
// nothing to keep. Nil when there is nothing to keep.
func keepHookDirs(c *confinement) *keptDirs {
	paths := hookDirs(c)
	if len(paths) == 0 {
		return nil
	}
	k := &keptDirs{}
	for _, p := range paths {
		fd, err := unix.Open(p, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
		if err != nil {
			continue
		}
		var st unix.Stat_t
		if unix.Fstat(fd, &st) != nil || st.Mode&ownerRights != ownerRights {
			unix.Close(fd)
			continue
		}
		k.dirs = append(k.dirs, keptDir{path: p, fd: fd, mode: st.Mode & 0o7777})
	}
	if len(k.dirs) == 0 {
		return nil
	}
	return k
}

// watch looks at k's directories every keptDirsPoll until the process
// exits, on a goroutine: when one has lost its owner's rights, the mode is
// put back (said on w) and end is called, once.
func (k *keptDirs) watch(w io.Writer, end func()) {
	if k == nil {
		return
	}
	go func() {
		t := time.NewTicker(keptDirsPoll)
		defer t.Stop()
		for range t.C {
			if k.restore(w) > 0 {
				end()
				return
			}
		}
	}()
}

// restore puts back the mode of each kept directory that lost its owner's
// read or search right, says so on w, and returns how many it put back.
func (k *keptDirs) restore(w io.Writer) int {
	if k == nil {
		return 0
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	n := 0
	for _, d := range k.dirs {
		var st unix.Stat_t
		if unix.Fstat(d.fd, &st) != nil || st.Mode&ownerRights == ownerRights {
			continue
		}
		if err := unix.Fchmod(d.fd, d.mode); err != nil {
			fmt.Fprintf(w, "guard: the command took its user's read or search right on %s away (mode %04o), the directory the agent's hooks start in, and guard could not put it back: %v\n", d.path, st.Mode&0o7777, err)
			continue
		}
		fmt.Fprintf(w, "guard: the command took its user's read or search right on %s away (mode %04o), the directory the agent's hooks start in: guard put its mode back (%04o)\n", d.path, st.Mode&0o7777, d.mode)
		n++
	}
	k.put += n
	return n
}

// restored reports how many modes were put back so far.
func (k *keptDirs) restored() int {
	if k == nil {
		return 0
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.put
}
