package hook

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Bounds of the walks that measure the depth a `**` may reach: levels, and
// entries read for the whole script.
const (
	maxGlobstarDepth   = 12
	maxGlobstarEntries = 20000
	maxGlobstarWords   = 64 // each is judged again D+1 times
)

// GlobstarReading returns script with each argument that holds a `**` path
// component followed by what that word names when `**` matches directories
// at any depth, as zsh's does (`**/x` is x, */x, */*/x...: no option needed)
// and bash's with globstar (set in start-up files, which Claude Code's
// shell reads; `dir/**` is then every name below dir), and zsh's `**x`
// with GLOB_STAR_SHORT (`**/*x`; bash and zsh without it read `*x`): the word again with
// the component as zero to D components `*` (one to D+1 at the end), D the
// depth of the directories below the literal directory before it (dir for a
// relative word, home for ~/). bash reads `**` as `*` and judged `cat
// **/notes.txt` as a read of */notes.txt, while zsh printed ./notes.txt.
// word is the first such word; why says why a word cannot be read so (more
// than one `**`, a pattern or expansion before it, a tree deeper or larger
// than the bounds): the caller asks then. Options (-x, --x=**/y) are left
// out, as GlobOptionReading does; loop words and the targets of input
// redirections are read so too.
func GlobstarReading(script, dir, home string) (reading, word, why string) {
	// One budget of entries for the script's walks, each tree walked once.
	t := &treeDepths{left: maxGlobstarEntries, seen: map[string]int{}}
	words := 0
	reading, word = insertInGlobbed(script, func(w *syntax.Word, add func(variants ...string)) {
		if why != "" {
			return
		}
		variants, bad := globstarVariants(w, dir, home, t)
		if bad != "" {
			why = "`" + script[w.Pos().Offset():w.End().Offset()] + "`: " + bad
			return
		}
		if len(variants) > 0 {
			if words++; words > maxGlobstarWords {
				why = "more than " + strconv.Itoa(maxGlobstarWords) + " words with `**`, which recurses in zsh and with bash's globstar"
				return
			}
			add(variants...)
		}
	})
	if why != "" {
		return "", "", why
	}
	return reading, word, ""
}

// globstarVariants returns the readings of w's `**` component, none when
// w has no unquoted one, or why w cannot be read so.
func globstarVariants(w *syntax.Word, dir, home string, t *treeDepths) (variants []string, why string) {
	unquoted := false
	for _, p := range w.Parts {
		if lit, ok := p.(*syntax.Lit); ok && strings.Contains(lit.Value, "**") {
			unquoted = true
		}
	}
	if !unquoted {
		return nil, ""
	}
	lit, ok := w.Parts[0].(*syntax.Lit)
	if len(w.Parts) != 1 || !ok || strings.Contains(lit.Value, `\`) {
		return nil, "a `**` beside quotes or expansions recurses in zsh and with bash's globstar"
	}
	parts := strings.Split(lit.Value, "/")
	for i := 0; i < len(parts); i++ {
		// zsh's GLOB_STAR_SHORT (a user's option, which the agents' shell
		// snapshots carry): a component **x is **/*x (`cat **.txt` reads
		// .txt files at any depth), ***x is ***/*x.
		p := parts[i]
		if n := len(p) - len(strings.TrimLeft(p, "*")); n >= 2 && p != "**" && p != "***" {
			short := min(n, 3)
			parts = slices.Concat(parts[:i], []string{p[:short], "*" + p[short:]}, parts[i+1:])
			i++
		}
	}
	at, follow := -1, false
	for i, p := range parts {
		if p == "**" || p == "***" {
			follow = p == "***" // zsh's ***/ goes through links too
			if at >= 0 {
				return nil, "more than one `**` recurses in zsh and with bash's globstar"
			}
			at = i
		}
	}
	if at < 0 {
		return nil, "" // a**b is * in both
	}
	prefix := strings.Join(parts[:at], "/")
	if strings.ContainsAny(prefix, "*?[{$`") {
		return nil, "a pattern before `**`, which recurses in zsh and with bash's globstar"
	}
	base := prefix
	switch {
	case at == 0:
		base = dir
	case prefix == "":
		base = "/"
	case prefix == "~" || strings.HasPrefix(prefix, "~/"):
		base = filepath.Join(home, strings.TrimPrefix(prefix, "~"))
	case strings.HasPrefix(prefix, "~"):
		return nil, "a `**` below another user's home recurses in zsh and with bash's globstar"
	case !filepath.IsAbs(prefix):
		base = filepath.Join(dir, prefix)
	}
	depth, ok := t.depth(base, follow)
	if !ok {
		return nil, "the tree below `**` is deeper or larger than guard reads, and `**` recurses in zsh and with bash's globstar"
	}
	// dir/**/x: x in dir and in each level of directories below it;
	// dir/**: every name in dir and below, one level further.
	last := at == len(parts)-1
	from, to := 0, depth
	if last {
		from, to = 1, depth+1
	}
	for k := from; k <= to; k++ {
		comps := append(append(append([]string(nil), parts[:at]...), repeat("*", k)...), parts[at+1:]...)
		v := strings.Join(comps, "/")
		if at == 0 && k == 0 && v == "" {
			continue
		}
		if v != "" {
			variants = append(variants, v)
		}
	}
	return variants, ""
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// treeDepths measures trees for one script: entries left of the budget,
// and the depth of each tree measured (-1: past the bounds).
type treeDepths struct {
	left int
	seen map[string]int
}

// depth returns how many levels of directories lie below dir (0: none;
// links are followed only with follow, as zsh's `***` does and neither
// shell's `**`), false past the bounds (a loop of links is). A directory
// that is not there, or cannot be read, adds none.
func (t *treeDepths) depth(dir string, follow bool) (int, bool) {
	key := dir
	if follow {
		key = "\x00" + dir
	}
	if d, ok := t.seen[key]; ok {
		return d, d >= 0
	}
	deepest := 0
	var walk func(d string, level int) bool
	walk = func(d string, level int) bool {
		list, err := os.ReadDir(d)
		if err != nil {
			return true
		}
		for _, e := range list {
			if t.left--; t.left < 0 {
				return false
			}
			isDir := e.IsDir()
			if !isDir && follow && e.Type()&os.ModeSymlink != 0 {
				fi, err := os.Stat(filepath.Join(d, e.Name()))
				isDir = err == nil && fi.IsDir()
			}
			if !isDir {
				continue
			}
			if level+1 > maxGlobstarDepth {
				return false
			}
			deepest = max(deepest, level+1)
			if !walk(filepath.Join(d, e.Name()), level+1) {
				return false
			}
		}
		return true
	}
	if !walk(dir, 0) {
		t.seen[key] = -1
		return 0, false
	}
	t.seen[key] = deepest
	return deepest, true
}
