package protect

import (
	"path"
	"slices"
	"strings"
)

// compiledList is the patterns of one kind compiled, indexed by the
// component a match must start with, so that Match looks at the few
// patterns that can cover a path instead of the whole list (a tree walk
// checks every file it sees). It does not depend on the home directory:
// "~/" patterns are kept relative to it. Each index holds the first pattern
// of a chain (in list order; next links the rest). The built-in list's is
// static data (default_index.go), so that a run pays nothing to build it.
type compiledList struct {
	pats []compiled
	next []int32
	// root: patterns from the root whose first component is a literal, by
	// "/" and their leading literal components (up to anchorDepth); home: the
	// same for "~/" patterns, relative to the home directory; first: patterns
	// at any depth whose first component is a literal, by it; ext:
	// one-component patterns "*.ext" at any depth, by ".ext".
	root, home, first, ext strIndex
	// other: the patterns checked in full; homeJoin: "~/" patterns that climb
	// out of the home directory (~/../x), compiled for the home when used.
	other, homeJoin []int32
	// The patterns' last components (see MayEndWith): literals and ".ext"
	// suffixes (sorted), the rest; anyLast when a pattern ends in "**" or is
	// empty.
	lastLit, lastExt []string
	lastOther        []part
	anyLast          bool
}

// strIndex maps sorted keys to the heads of their chains.
type strIndex struct {
	keys  []string
	heads []int32
}

func (x *strIndex) get(k string) int32 {
	if i, ok := slices.BinarySearch(x.keys, k); ok {
		return x.heads[i]
	}
	return -1
}

// anchorDepth is how many leading literal components of an anchored
// pattern its index key holds ("~/.aws/credentials": /.aws/credentials).
const anchorDepth = 3

// compile returns the list's patterns of kind compiled, kept until a
// method changes the entries of that kind: one index of the whole list, or
// the built-in list's static one followed by one for each Add since (an
// entry added costs its own compilation, not the whole list's again).
func (l *List) compile(kind Kind) []*compiledList {
	k := kindIndex(kind)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.cache[k] == nil:
		l.cache[k] = []*compiledList{compileKind(l.Entries, kind, 0)}
	case l.added[k]:
		l.cache[k] = append(slices.Clip(l.cache[k]), compileKind(l.Entries, kind, l.addedFrom[k]))
	}
	l.added[k] = false
	return l.cache[k]
}

// kindIndex is kind's place in List.cache.
func kindIndex(kind Kind) int {
	if kind == Secret {
		return 1
	}
	return 0
}

// compileKind compiles and indexes the entries of kind from entries[from]
// on (their indexes stay those of entries).
func compileKind(entries []Entry, kind Kind, from int) *compiledList {
	n := 0
	for i := from; i < len(entries); i++ {
		if entries[i].Kind == kind {
			n++
		}
	}
	out := &compiledList{pats: make([]compiled, 0, n), next: make([]int32, 0, n)}
	root, home, first, ext := map[string]int32{}, map[string]int32{}, map[string]int32{}, map[string]int32{}
	lastLit, lastExt := map[string]bool{}, map[string]bool{}
	parts := make([]part, 0, 3*n)
	for i := from; i < len(entries); i++ {
		e := &entries[i]
		if e.Kind != kind {
			continue
		}
		c := compileRel(&parts, e.Pattern)
		c.entry = i
		for _, x := range e.Except {
			xc := compileRel(&parts, x)
			c.never = c.never || xc.never // an exception that climbs out of home too
			c.except = append(c.except, xc)
		}
		at := int32(len(out.pats))
		out.pats = append(out.pats, c)
		out.next = append(out.next, -1)
		if c.never { // climbs out of home
			out.homeJoin = append(out.homeJoin, at)
			out.anyLast = true
			continue
		}
		addLast(c.pat, lastLit, lastExt, out)
		var m map[string]int32
		key := ""
		switch {
		case !c.anchored && len(c.pat) == 1 && c.pat[0].kind == suffix && strings.LastIndexByte(c.pat[0].s, '.') == 0:
			m, key = ext, c.pat[0].s
		case len(c.pat) == 0 || c.pat[0].kind != literal:
			out.other = append(out.other, at)
			continue
		case c.home:
			m, key = home, c.keyText
		case c.anchored:
			m, key = root, c.keyText
		default:
			m, key = first, c.pat[0].s
		}
		if head, ok := m[key]; ok {
			j := head
			for out.next[j] >= 0 {
				j = out.next[j]
			}
			out.next[j] = at
		} else {
			m[key] = at
		}
	}
	out.root, out.home, out.first, out.ext = sortedIndex(root), sortedIndex(home), sortedIndex(first), sortedIndex(ext)
	out.lastLit, out.lastExt = sortedKeys(lastLit), sortedKeys(lastExt)
	return out
}

// compileRel compiles pattern without a home directory: a "~/" pattern is
// kept relative to it (home set), unless it climbs out of it (never set:
// Match compiles it for the home then).
func compileRel(parts *[]part, pattern string) compiled {
	rest, ok := strings.CutPrefix(pattern, "~/")
	if !ok {
		return compileInto(parts, pattern, "")
	}
	if rel := path.Clean(rest); rel == ".." || strings.HasPrefix(rel, "../") {
		return compiled{never: true}
	}
	c := compileInto(parts, path.Clean("/"+rest), "")
	c.home = true
	return c
}

func addLast(pat []part, lit, ext map[string]bool, ix *compiledList) {
	if len(pat) == 0 {
		ix.anyLast = true
		return
	}
	switch x := pat[len(pat)-1]; {
	case x.kind == anyDepth:
		ix.anyLast = true
	case x.kind == literal:
		lit[x.s] = true
	case x.kind == suffix && strings.LastIndexByte(x.s, '.') == 0:
		ext[x.s] = true
	default:
		ix.lastOther = append(ix.lastOther, x)
	}
}

func sortedIndex(m map[string]int32) strIndex {
	x := strIndex{keys: sortedKeys(m)}
	if len(x.keys) == 0 {
		return strIndex{}
	}
	x.heads = make([]int32, len(x.keys))
	for i, k := range x.keys {
		x.heads[i] = m[k]
	}
	return x
}

func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Match returns the first entry of kind that covers p (absolute, clean,
// resolved through symlinks), or nil. home is the user's home directory
// ("" or a relative path when unknown: "~/" entries then match nothing).
func (l *List) Match(kind Kind, p, home string) *Entry {
	return l.MatchBelow(kind, p, home, "")
}

// MatchBelow is Match for a path inside top, an agent's checkout
// (CheckoutTop; "" for none): the entries that match at any depth are
// matched from top down, as in a project of its own, so that the
// directory holding the checkout (the parent project's .claude) does not
// cover it while its own .claude, .git and .envrc are covered. Anchored
// entries match the whole path. A p not below top is matched as Match
// does.
func (l *List) MatchBelow(kind Kind, p, home, top string) *Entry {
	if !strings.HasPrefix(p, "/") || kind != Protected && kind != Secret {
		return nil
	}
	p = path.Clean(p) // no copy when it is clean already
	from := 0
	if top != "" && top != "/" && strings.HasPrefix(p, top+"/") {
		from = strings.Count(top, "/")
	}
	if e := l.matchHere(kind, p, home, from); e != nil || len(l.moves) == 0 {
		return e
	}
	// One step only: a path a move gives is not moved again (a move into
	// the home's own part would otherwise go on for ever).
	for _, m := range l.moves {
		if q, ok := m.homePath(p, home); ok {
			if e := l.matchHere(kind, q, home, 0); e != nil {
				return m.movedEntry(e)
			}
		}
	}
	return nil
}

// matchHere is Match for the clean absolute path p where it is, without
// the moves.
func (l *List) matchHere(kind Kind, p, home string, from int) *Entry {
	var buf [32]string
	t := target{comps: splitInto(buf[:0], p), homeAt: -1, from: from}
	rel := "" // p below the home directory, from its "/"
	if strings.HasPrefix(home, "/") {
		switch h := path.Clean(home); {
		case h == "/":
			t.homeAt, rel = 0, p
		case p == h || strings.HasPrefix(p, h+"/"):
			t.homeAt, rel = strings.Count(h, "/"), p[len(h):] // a clean path: one slash a component
		}
	}
	// The first entry in list order wins, as a scan of the whole list
	// would find it.
	best := -1
	for _, ix := range l.compile(kind) {
		best = ix.match(l, t, p, rel, home, best)
	}
	if best < 0 {
		if kind == Secret {
			// A backup, old copy or editor's swap file of a secret holds
			// what the secret held: ~/.aws/credentials.bak,
			// .git-credentials.old, ~/.ssh.bak/id_rsa, #.netrc#.
			if orig := unbackupPath(p); orig != p {
				return l.matchHere(kind, path.Clean(orig), home, 0)
			}
		}
		return nil
	}
	return &l.Entries[best]
}

// unbackupPath returns p with each component that names a backup copy
// (backupOf) replaced by the name it was made from, or p.
func unbackupPath(p string) string {
	found := false
	for rest := p; rest != "" && !found; {
		c := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			c, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		found = backupOf(c) != ""
	}
	if !found {
		return p
	}
	comps := strings.Split(p, "/")
	changed := false
	for i, c := range comps {
		for n := 0; n < 3; n++ { // credentials.bak.old
			o := backupOf(c)
			if o == "" {
				break
			}
			c, changed = o, true
		}
		comps[i] = c
	}
	if !changed {
		return p
	}
	return strings.Join(comps, "/")
}

// backupSuffixes end the names people, editors and package managers give a
// copy of a file they keep: cp --backup, editors, dpkg, rpm, ucf, and the
// compressors'.
var backupSuffixes = []string{".bak", ".backup", ".bk", ".bkp", ".bck", ".old", ".orig", ".original", ".save", ".saved",
	".sav", ".swp", ".swo", ".tmp", ".temp", ".copy", ".prev", ".previous", ".last", ".keep", ".dpkg-old", ".dpkg-dist",
	".dpkg-bak", ".dpkg-new", ".rpmsave", ".rpmnew", ".ucf-old", ".ucf-dist", "-backup", "_backup", "-bak", "_bak",
	"-old", "_old", "-orig", "-copy", "_copy", " copy", "~",
	// A compressed copy prints as the file did (zcat, xzcat, zstdcat).
	".gz", ".bz2", ".xz", ".zst", ".lz4", ".lzma", ".lz", ".z", ".br"}

// backupOf returns the name that name, a backup copy of a file, was made
// from, or "": NAME.bak and the other backupSuffixes (any ASCII case), NAME~ and
// NAME.~N~ (cp --backup), #NAME# (emacs), .NAME.swp (vim's swap of NAME
// or .NAME), NAME.N and NAME.YYYYMMDD (rotated or dated copies).
func backupOf(name string) string {
	if len(name) < 3 {
		return ""
	}
	if name[0] == '#' && name[len(name)-1] == '#' {
		return name[1 : len(name)-1]
	}
	if strings.HasSuffix(name, "~") {
		// NAME.~12~
		if i := strings.LastIndex(name, ".~"); i > 0 && i+2 <= len(name)-1 && allDigits(name[i+2:len(name)-1]) {
			return name[:i]
		}
	}
	if name[0] == '.' && (hasSuffixFold(name, ".swp") || hasSuffixFold(name, ".swo") || hasSuffixFold(name, ".swn")) {
		// vim's swap of NAME is .NAME.swp; of .NAME, .NAME.swp too.
		return name[:len(name)-4]
	}
	for _, suf := range backupSuffixes {
		if len(name) > len(suf) && hasSuffixFold(name, suf) {
			return name[:len(name)-len(suf)]
		}
	}
	if i := strings.LastIndexAny(name, ".-_"); i > 0 && i < len(name)-1 && allDigits(name[i+1:]) {
		return name[:i] // credentials.1, id_rsa-20240101
	}
	return ""
}

// hasSuffixFold reports whether s ends with suf, a lower-case ASCII
// suffix, in any ASCII case. It compares from the end, so that most names
// a tree walk meets are told apart by their last byte (strings.ToLower of
// each name and a HasSuffix per suffix were half of a walk's time).
func hasSuffixFold(s, suf string) bool {
	if len(s) < len(suf) {
		return false
	}
	t := s[len(s)-len(suf):]
	for i := len(suf) - 1; i >= 0; i-- {
		c := t[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != suf[i] {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// match is Match in one index: the first entry (in list order, best if it
// comes first) that covers t (p, and rel below the home directory).
func (ix *compiledList) match(l *List, t target, p, rel, home string, best int) int {
	comps := t.comps
	end := 0
	for d := 1; d <= anchorDepth && d <= len(comps); d++ {
		end += 1 + len(comps[d-1])
		best = ix.chain(ix.root.get(p[:end]), t, 0, best)
	}
	if t.homeAt >= 0 {
		end = 0
		for d := 1; d <= anchorDepth && t.homeAt+d <= len(comps); d++ {
			end += 1 + len(comps[t.homeAt+d-1])
			best = ix.chain(ix.home.get(rel[:end]), t, t.homeAt, best)
		}
	}
	for i := t.from; i < len(comps); i++ {
		c := comps[i]
		best = ix.chain(ix.first.get(c), t, i, best)
		if j := strings.LastIndexByte(c, '.'); j >= 0 {
			best = ix.chain(ix.ext.get(c[j:]), t, i, best)
		}
	}
	for _, i := range ix.other {
		c := &ix.pats[i]
		if (best < 0 || c.entry < best) && c.coversAt(t) && !c.exceptedAt(t) {
			best = c.entry
		}
	}
	for _, i := range ix.homeJoin {
		e := &l.Entries[ix.pats[i].entry]
		if best >= 0 && ix.pats[i].entry >= best {
			continue
		}
		c := compilePattern(e.Pattern, home)
		for _, x := range e.Except {
			c.except = append(c.except, compilePattern(x, home))
		}
		if c.covers(comps) && !c.excepted(comps) {
			best = ix.pats[i].entry
		}
	}
	return best
}

// chain returns the first entry (in list order, best if it comes first) of
// the patterns from i on its chain that match t's components from at on.
func (ix *compiledList) chain(i int32, t target, at, best int) int {
	for ; i >= 0; i = ix.next[i] {
		c := &ix.pats[i]
		if (best < 0 || c.entry < best) && prefixMatch(c.pat, t.comps[at:]) && !c.exceptedAt(t) {
			best = c.entry
		}
	}
	return best
}

// MayEndWith reports whether a pattern of kind can match a path that ends
// in name where it did not match the path's parent: a walk that has found
// a directory covered by no entry needs Match only for the entries below it
// for which this is true (a match that ends above the last component
// covers the parent too). It may say true when Match finds nothing, never
// false when Match would find an entry.
func (l *List) MayEndWith(kind Kind, name, home string) bool {
	if kind != Protected && kind != Secret {
		return false
	}
	for _, ix := range l.compile(kind) {
		if ix.mayEndWith(name) {
			return true
		}
	}
	if kind == Secret {
		if o := backupOf(name); o != "" {
			return l.MayEndWith(kind, o, home)
		}
	}
	return false
}

func (ix *compiledList) mayEndWith(name string) bool {
	if ix.anyLast {
		return true
	}
	if _, ok := slices.BinarySearch(ix.lastLit, name); ok {
		return true
	}
	if j := strings.LastIndexByte(name, '.'); j >= 0 {
		if _, ok := slices.BinarySearch(ix.lastExt, name[j:]); ok {
			return true
		}
	}
	for _, x := range ix.lastOther {
		if x.match(name) {
			return true
		}
	}
	return false
}
