package shell

import (
	"path"
	"slices"
	"strings"
)

// dirState is the working directory at a point of the script: the
// directories it may be, likeliest first (the one where every cd
// succeeded). Its slices are never modified once built.
type dirState struct {
	dirs []string
	// why, when not empty, says why the directory cannot be known: dirs
	// then holds guesses.
	why string
	// never is set where control cannot arrive (after exit or exec).
	never bool
	// climbed lists the directories a cd reached through a .. after a
	// name (`cd link/../sub`, `cd ../x` from a cd'd directory), as
	// written (not cleaned). bash's logical cd goes to the cleaned path
	// when it exists, and else chdirs to the path as written, through
	// links (the parent of a link's target); a shell that resolves links
	// (bash's set -P, zsh's CHASE_LINKS or CHASE_DOTS) always does: the
	// judge checks both are the same directory.
	climbed []string
}

// maxClimbed bounds dirState.climbed.
const maxClimbed = 16

// maxDirs bounds how many possible directories are tracked.
const maxDirs = 8

// start is the directory a script starts in.
var start = dirState{dirs: []string{""}}

// outcome is the working directory after a statement succeeded (ok) and
// after it failed (fail).
type outcome struct{ ok, fail dirState }

func same(st dirState) outcome { return outcome{st, st} }

func (st dirState) equal(o dirState) bool {
	return st.why == o.why && st.never == o.never && slices.Equal(st.dirs, o.dirs) &&
		slices.Equal(st.climbed, o.climbed)
}

// unreachable returns st for code that control cannot reach.
func (st dirState) unreachable() dirState {
	st.never = true
	return st
}

// unknown returns st for a directory that cannot be known.
func (st dirState) unknown(why string) dirState {
	if st.why == "" {
		st.why = why
	}
	return st
}

// merge returns the directory at a point reached from a or from b.
func merge(a, b dirState) dirState {
	switch {
	case a.never:
		return b
	case b.never, a.equal(b):
		return a
	}
	m := dirState{why: a.why, dirs: slices.Clone(a.dirs), climbed: slices.Clone(a.climbed)}
	if m.why == "" {
		m.why = b.why
	}
	for _, d := range b.climbed {
		if !slices.Contains(m.climbed, d) {
			m.climbed = append(m.climbed, d)
		}
	}
	if len(m.climbed) > maxClimbed {
		m.climbed = m.climbed[:maxClimbed]
		m = m.unknown("too many directories reached through ..")
	}
	for _, d := range b.dirs {
		if !slices.Contains(m.dirs, d) {
			m.dirs = append(m.dirs, d)
		}
	}
	if len(m.dirs) > maxDirs {
		m.dirs = m.dirs[:maxDirs]
		m = m.unknown("too many possible directories")
	}
	return m
}

// maxDirLen bounds the directories tracked: `cd d; cd d; ...` would
// otherwise make every step longer than the last.
const maxDirLen = 4096

// cd returns st after a successful cd to the literal dir.
func (st dirState) cd(dir string) dirState {
	if len(dir) > maxDirLen {
		return st.unknown("cd to a path longer than 4096 bytes")
	}
	if path.IsAbs(dir) || dir == "~" || len(dir) > 1 && dir[:2] == "~/" {
		next := dirState{dirs: []string{path.Clean(dir)}, never: st.never}
		if climbs("", dir) {
			next.climbed = []string{dir}
		}
		return next
	}
	if st.why != "" && !st.never {
		return st // already unknown: the guesses are not refined
	}
	next := dirState{why: st.why, never: st.never, climbed: slices.Clone(st.climbed)}
	for _, d := range st.dirs {
		if len(d)+len(dir) >= maxDirLen {
			return st.unknown("a directory path longer than 4096 bytes")
		}
		up := climbs(d, dir)
		written := dir
		if d != "" {
			written = d + "/" + dir
		}
		d = path.Join(d, dir)
		if d == "." {
			d = ""
		}
		if !slices.Contains(next.dirs, d) {
			next.dirs = append(next.dirs, d)
		}
		if up && !slices.Contains(next.climbed, written) {
			next.climbed = append(next.climbed, written)
		}
	}
	if len(next.climbed) > maxClimbed {
		return st.unknown("too many directories reached through ..")
	}
	return next
}

// climbs reports whether cd dir from d goes up through a name with ..:
// a .. in dir after a name in it or in d (not the .. that start d, which
// stay in the path).
func climbs(d, dir string) bool {
	names := 0
	for _, c := range strings.Split(d, "/") {
		if c != "" && c != "." && c != ".." {
			names++
		}
	}
	for _, c := range strings.Split(dir, "/") {
		switch c {
		case "", ".":
		case "..":
			if names > 0 {
				return true
			}
		default:
			names++
		}
	}
	return false
}

// changed reports whether a statement walked at st may leave another
// directory behind.
func changed(st dirState, o outcome) bool {
	return (!o.ok.never && !o.ok.equal(st)) || (!o.fail.never && !o.fail.equal(st))
}
