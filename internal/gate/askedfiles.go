package gate

import (
	"os"
	"path/filepath"
	"syscall"

	"guard/policy"
)

// shownFile is one file a question named, as it was when the question was
// put: its identity and its last change.
type shownFile struct {
	path         string
	dev, ino     uint64
	size         int64
	mtime, ctime int64 // nanoseconds; ctime 0 where the system gives none (statChangeTime)
}

// filesShown returns the files inside the writable roots that a question
// about argv names, as they are now: the program guard would run (program,
// when known) and each word of the commands judged that names an existing
// regular file (./run.sh, a script given to an interpreter). The agent
// can rewrite them while a person reads the question and looks at them;
// changedSince then tells. Called only when a person is asked.
func (g *Gate) filesShown(program string, argv []string, v *policy.Verdict) []shownFile {
	roots := g.resolvedRoots()
	var out []shownFile
	seen := map[string]bool{}
	add := func(word string) {
		if word == "" || len(word) > 4096 {
			return
		}
		p := word
		if !filepath.IsAbs(p) {
			p = filepath.Join(g.Cwd, p)
		}
		if seen[p] {
			return
		}
		seen[p] = true
		f, ok := statShown(p)
		if !ok {
			return
		}
		r := policy.Resolve(p, "/")
		for _, root := range roots {
			if policy.Inside(r, root) {
				out = append(out, f)
				return
			}
		}
	}
	add(program)
	for _, w := range argv {
		add(w)
	}
	for _, c := range v.Commands {
		for _, w := range c {
			add(w)
		}
	}
	return out
}

// statShown returns what p (a link followed) is now, when a regular file.
func statShown(p string) (shownFile, bool) {
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return shownFile{}, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return shownFile{}, false
	}
	return shownFile{path: p, dev: uint64(st.Dev), ino: st.Ino, size: st.Size, mtime: fi.ModTime().UnixNano(), ctime: statChangeTime(st)}, true
}

// changedSince returns the first of the files that is no longer what it
// was (rewritten, replaced, removed), or "".
func changedSince(files []shownFile) string {
	for _, f := range files {
		if now, ok := statShown(f.path); !ok || now != f {
			return f.path
		}
	}
	return ""
}
