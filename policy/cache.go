package policy

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// A Cache keeps evaluated policy files as JSON, so that a policy file is
// evaluated once per change rather than once per command. An entry
// is used only while the file's device, inode, size, modification time and
// change time are those it was made from (the change time cannot be set
// back by a program), and only by the guard version that wrote it.
//
// The cache is as trusted as the policy files themselves: keep it where the
// configuration is, outside the writable roots.
type Cache struct {
	Dir     string // $XDG_CACHE_HOME/guard/policies
	Version string // guard's version: entries of another version are ignored
}

// cacheFormat changes whenever Policy's shape does. Format 2 is indexed by
// program name (lazy.go); format 3 reads a header without reflection on
// Policy when the file has no paths, regexes or substrings.
const cacheFormat = 3

// cachedPolicy is a Policy whose matchers are stored as they are: Matcher's
// own JSON is the check output's, by name, which does not read back.
type cachedPolicy struct {
	Policy
	Programs Table[[]cachedSpec]
}

type cachedSpec struct {
	Spec
	Options []cachedOption
	Args    []plainMatcher
}

type cachedOption struct {
	Option
	Value plainMatcher
}

type plainMatcher struct {
	Kind    MatcherKind
	Literal string
}

func toCached(p *Policy) *cachedPolicy {
	c := &cachedPolicy{Policy: Policy{Paths: p.Paths, Prefixes: p.Prefixes, HostExecutables: p.HostExecutables,
		ProgramRegexes: p.ProgramRegexes, Substrings: p.Substrings, NetworkRules: p.NetworkRules, File: p.File}}
	for _, pr := range p.AllPrograms() {
		specs := make([]cachedSpec, len(pr.Value))
		for i, s := range pr.Value {
			specs[i] = cachedSpec{Spec: s}
			for _, o := range s.Options {
				specs[i].Options = append(specs[i].Options, cachedOption{o, plainMatcher(o.Value)})
			}
			for _, m := range s.Args {
				specs[i].Args = append(specs[i].Args, plainMatcher(m))
			}
		}
		c.Programs = append(c.Programs, Pair[[]cachedSpec]{pr.Key, specs})
	}
	return c
}

func fromCached(c *cachedPolicy) *Policy {
	p := &Policy{Paths: c.Paths, Prefixes: c.Prefixes, HostExecutables: c.HostExecutables,
		ProgramRegexes: c.ProgramRegexes, Substrings: c.Substrings, NetworkRules: c.NetworkRules, File: c.File}
	for _, pr := range c.Programs {
		specs := make([]Spec, len(pr.Value))
		for i, cs := range pr.Value {
			s := cs.Spec
			s.Options, s.Args = nil, nil
			for _, o := range cs.Options {
				o.Option.Value = Matcher(o.Value)
				s.Options = append(s.Options, o.Option)
			}
			for _, m := range cs.Args {
				s.Args = append(s.Args, Matcher(m))
			}
			specs[i] = s
		}
		p.Programs = append(p.Programs, Pair[[]Spec]{pr.Key, specs})
	}
	return p
}

type fileKey struct {
	Path               string
	Dev, Ino           uint64
	Size, Mtime, Ctime int64 // times in nanoseconds
}

func keyOf(path string) (fileKey, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileKey{}, false
	}
	k := fileKey{Path: path, Size: fi.Size(), Mtime: fi.ModTime().UnixNano()}
	k.Dev, k.Ino, k.Ctime = fileIdentity(fi)
	return k, true
}

var entryEscaper = sync.OnceValue(func() *strings.Replacer { return strings.NewReplacer("%", "%25", "/", "%2F") })

// entry is the cache file of a policy path: the path with its slashes
// escaped, so that no two paths share a file.
func (c Cache) entry(path string) string {
	name := entryEscaper().Replace(path)
	return filepath.Join(c.Dir, name+".json")
}

// LoadFile returns the policy at path from the cache when the entry is
// current, else loads it (see LoadFile) and, when that works, stores it.
// An absent or unwritable cache only costs the evaluation.
func (c Cache) LoadFile(path string) (*Policy, error) {
	if c.Dir == "" {
		return LoadFile(path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return LoadFile(path)
	}
	key, ok := keyOf(abs)
	if ok {
		if p := c.read(abs, key); p != nil {
			return p, nil
		}
	}
	p, err := LoadFile(path)
	if err == nil && ok {
		c.write(abs, key, p)
	}
	return p, err
}

func (c Cache) read(path string, key fileKey) *Policy {
	b, err := mapFile(c.entry(path))
	if err != nil {
		return nil
	}
	h, lp, err := decodeLazy(b)
	if err != nil || h.Format != cacheFormat || h.Version != c.Version || h.Key != key {
		return nil
	}
	lp.fallback = func() (*Policy, error) { return LoadFile(path) }
	hp := &h.Policy
	return &Policy{Paths: hp.Paths, HostExecutables: hp.HostExecutables, ProgramRegexes: hp.ProgramRegexes,
		Substrings: hp.Substrings, NetworkRules: hp.NetworkRules, File: path, lazy: lp}
}

// write stores an entry atomically (a temporary file renamed into place),
// so that a reader sees a whole entry or none.
func (c Cache) write(path string, key fileKey, p *Policy) {
	data, err := encodeLazy(&lazyHeader{Format: cacheFormat, Version: c.Version, Key: key}, p)
	if err != nil {
		return
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return
	}
	f, err := os.CreateTemp(c.Dir, ".entry-*")
	if err != nil {
		return
	}
	_, werr := f.Write(data)
	if cerr := f.Close(); werr != nil || cerr != nil || os.Rename(f.Name(), c.entry(path)) != nil {
		os.Remove(f.Name())
	}
}
