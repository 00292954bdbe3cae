package protect

import (
	"path"
	"path/filepath"
	"strings"
)

// Move says that the environment put a part of the home elsewhere: what the
// list's "~/" entries name below From (a directory written with a final
// "/", "~/.config/") lies at the same names below To, an absolute directory
// ($XDG_CONFIG_HOME). Match then takes a path below To for the same path
// below From, so that every entry there, patterns with wildcards too, holds
// where the variable points without a copy of the list's entries for it.
type Move struct {
	From, To string
	// By names what moved it (XDG_CONFIG_HOME), for the reason Match gives.
	By string
}

// Moved adds moves to the list. Those whose To is not absolute are left
// out, as is one that moves a part of the home onto itself. A To reached
// through a symbolic link is moved where the link leads too: Match is
// given resolved paths.
func (l *List) Moved(moves ...Move) {
	for _, m := range moves {
		if !filepath.IsAbs(m.To) || !strings.HasPrefix(m.From, "~/") || !strings.HasSuffix(m.From, "/") {
			continue
		}
		m.To = filepath.Clean(m.To)
		l.moves = append(l.moves, m)
		if real, err := filepath.EvalSymlinks(m.To); err == nil && real != m.To {
			m.To = real
			l.moves = append(l.moves, m)
		}
	}
}

// homePath returns the path below the home that p, below m.To, stands for
// (home + m.From + the rest), false when p is not below m.To or home is not
// absolute or is m.To's own place.
func (m Move) homePath(p, home string) (string, bool) {
	if !strings.HasPrefix(home, "/") {
		return "", false
	}
	rest, ok := strings.CutPrefix(p, m.To)
	if !ok || rest != "" && rest[0] != '/' && m.To != "/" {
		return "", false
	}
	q := path.Join(home, m.From[2:], rest)
	if q == p {
		return "", false
	}
	return q, true
}

// EnvSecretMoves returns the moves the XDG variables make of the list's
// secrets below "~/.config/", "~/.local/share/" and "~/.cache/" (gh keeps
// its token in $XDG_CONFIG_HOME/gh/hosts.yml): for List.Moved.
func EnvSecretMoves(getenv func(string) string) []Move {
	var out []Move
	for _, x := range envSecretDirs {
		if dir := getenv(x.env); filepath.IsAbs(dir) {
			out = append(out, Move{From: x.under, To: dir, By: x.env})
		}
	}
	return out
}

// movedEntry is e as matched through m: its reason says where the
// variable put it.
func (m Move) movedEntry(e *Entry) *Entry {
	by := m.By
	if by == "" {
		by = "the environment"
	}
	return &Entry{Pattern: e.Pattern, Kind: e.Kind, Except: e.Except,
		Reason: e.Reason + " (" + m.From + " moved to " + m.To + " by " + by + ")"}
}
