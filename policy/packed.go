package policy

import (
	"sort"
	"sync"
)

// packed is a policy's define_program specs in a form without pointers:
// every string is a slice of one pool, every list a span of one array. The
// compiled default (default_gen.go) is kept this way because Go data with
// pointers costs every process start-up time (the runtime builds a pointer
// mask over it), while pointer-free arrays cost nothing until read. Specs
// are unpacked per program on first use and kept.
type packed struct {
	pool     string
	strs     []pstr
	options  []poption
	matchers []pmatcher
	index    []uint16
	specs    []pspec
	programs []pprogram // sorted by name
	paths    []ppath    // sorted by path

	unpacked sync.Map   // program name -> []Spec
	mu       sync.Mutex // guards lists
	lists    map[pspan][]Option
}

type pstr struct{ off, n uint32 }

type pspan struct{ lo, hi uint32 }

type pmatcher struct {
	kind MatcherKind
	lit  pstr
}

type poption struct {
	name                     pstr
	flag, required, attached bool
	value                    pmatcher
}

type pspec struct {
	program, reason, lead             pstr
	systemPath, options, args, byName pspan
	forbidden, bundling, combined     bool
	prompt, doubleDash, dashArgs      bool
	writesRepo                        bool
	minPos, maxPos                    int32
	line, col                         uint32
}

type pprogram struct {
	name  pstr
	specs pspan
}

type ppath struct {
	path     pstr
	programs pspan // into strs
}

func (pk *packed) str(s pstr) string { return pk.pool[s.off : s.off+s.n] }

func (pk *packed) strList(sp pspan) []string {
	if sp.lo == sp.hi {
		return nil
	}
	out := make([]string, 0, sp.hi-sp.lo)
	for _, s := range pk.strs[sp.lo:sp.hi] {
		out = append(out, pk.str(s))
	}
	return out
}

func (pk *packed) matcher(m pmatcher) Matcher {
	return Matcher{Kind: m.kind, Literal: pk.str(m.lit)}
}

// lookup finds name among n sorted entries whose names key gives.
func (pk *packed) lookup(n int, key func(int) pstr, name string) (int, bool) {
	i := sort.Search(n, func(i int) bool { return pk.str(key(i)) >= name })
	return i, i < n && pk.str(key(i)) == name
}

// Specs returns the specs for program, unpacking them once.
func (pk *packed) Specs(program string, file string) []Spec {
	if s, ok := pk.unpacked.Load(program); ok {
		return s.([]Spec)
	}
	i, ok := pk.lookup(len(pk.programs), func(i int) pstr { return pk.programs[i].name }, program)
	if !ok {
		return nil
	}
	pk.mu.Lock()
	defer pk.mu.Unlock()
	sp := pk.programs[i].specs
	specs := make([]Spec, 0, sp.hi-sp.lo)
	for _, ps := range pk.specs[sp.lo:sp.hi] {
		specs = append(specs, pk.spec(ps, file))
	}
	s, _ := pk.unpacked.LoadOrStore(program, specs)
	return s.([]Spec)
}

// spec unpacks one spec; pk.mu is held.
func (pk *packed) spec(ps pspec, file string) Spec {
	s := Spec{
		Program:         pk.str(ps.program),
		SystemPath:      pk.strList(ps.systemPath),
		Options:         pk.optionList(ps.options),
		Forbidden:       ps.forbidden,
		Prompt:          ps.prompt,
		DoubleDash:      ps.doubleDash,
		DashArgs:        ps.dashArgs,
		WritesRepo:      ps.writesRepo,
		ForbiddenReason: pk.str(ps.reason),
		OptionBundling:  ps.bundling,
		CombinedFormat:  ps.combined,
		Pos:             Pos{File: file, Line: int(ps.line), Col: int(ps.col)},
		Lead:            pk.str(ps.lead),
		MinPos:          int(ps.minPos),
		MaxPos:          int(ps.maxPos),
	}
	if ps.args.lo != ps.args.hi {
		s.Args = make([]Matcher, 0, ps.args.hi-ps.args.lo)
		for _, m := range pk.matchers[ps.args.lo:ps.args.hi] {
			s.Args = append(s.Args, pk.matcher(m))
		}
	}
	s.ByName = pk.index[ps.byName.lo:ps.byName.hi:ps.byName.hi]
	return s
}

// optionList unpacks an option list once: specs share them; pk.mu is held.
func (pk *packed) optionList(sp pspan) []Option {
	if sp.lo == sp.hi {
		return nil
	}
	if l, ok := pk.lists[sp]; ok {
		return l
	}
	l := make([]Option, 0, sp.hi-sp.lo)
	for _, o := range pk.options[sp.lo:sp.hi] {
		l = append(l, Option{Name: pk.str(o.name), Flag: o.flag, Required: o.required, Attached: o.attached, Value: pk.matcher(o.value)})
	}
	if pk.lists == nil {
		pk.lists = map[pspan][]Option{}
	}
	pk.lists[sp] = l
	return l
}

// PathPrograms returns the programs whose specs list path in system_path.
func (pk *packed) PathPrograms(path string) []string {
	i, ok := pk.lookup(len(pk.paths), func(i int) pstr { return pk.paths[i].path }, path)
	if !ok {
		return nil
	}
	return pk.strList(pk.paths[i].programs)
}

// Names returns every program name, sorted.
func (pk *packed) Names() []string {
	out := make([]string, len(pk.programs))
	for i, p := range pk.programs {
		out[i] = pk.str(p.name)
	}
	return out
}
