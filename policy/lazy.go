package policy

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"sort"
	"sync"
)

// A cache entry is indexed by program name, so that checking one argv reads
// only what that argv needs: the cost of a policy file with 10,000
// remembered rules is a binary search, not decoding 10,000 rules.
//
//	"GUARDC3\n"
//	u32 length, then the header: format (u32), version and path (u32 length
//	    and bytes each), device, inode, size, modification and change time
//	    (u64 each)
//	u32 length, then JSON of the parts of the policy every argv needs (paths,
//	    host executables, regexes, substrings), or length 0 when it has none
//	    (a file of remembered rules): no reflection on Policy to open it
//	u32 N, u32 length of the names, u32 CRC-32 (IEEE) of the index and the names
//	N index entries sorted by name: name offset and length (into the
//	    names), chunk offset and length (into the chunks), u32 each
//	the names, then the chunks: per name, JSON of lazyChunk (the
//	    define_program specs and the prefix rules for that first word)
//
// Opening an entry checks the CRC (the index and names are as written, so
// sorted: a lookup that misses really misses) and every entry's bounds; a
// chunk that does not decode makes the policy evaluate its file again
// (fallback). A damaged entry never drops a rule.

const lazyMagic = "GUARDC3\n"

// The index's checksum is CRC-32 IEEE, whose tables cost about 20 us to
// make on first use; CRC-32C's cost 0.25 ms, paid by every run that opened
// an entry.

type lazyHeader struct {
	Format  int
	Version string
	Key     fileKey
	Policy  Policy // Programs and Prefixes left empty
}

type lazyChunk struct {
	S []cachedSpec `json:",omitempty"`
	P []PrefixRule `json:",omitempty"`
}

type lazyIndex struct{ nameOff, nameLen, off, n uint32 }

// lazyPolicy serves programSpecs and prefix rules from an indexed entry.
type lazyPolicy struct {
	index    []byte // N entries of 16 bytes
	names    []byte
	pool     []byte // the chunks
	n        int
	chunks   sync.Map // name -> *lazyChunk (decoded specs in spec form)
	fallback func() (*Policy, error)
	once     sync.Once
	full     *Policy
}

type decodedChunk struct {
	specs    []Spec
	prefixes []PrefixRule
}

func encodeLazy(h *lazyHeader, p *Policy) ([]byte, error) {
	names := map[string]*lazyChunk{}
	get := func(n string) *lazyChunk {
		if c := names[n]; c != nil {
			return c
		}
		c := &lazyChunk{}
		names[n] = c
		return c
	}
	for _, pr := range toCached(p).Programs {
		get(pr.Key).S = pr.Value
	}
	for _, pr := range p.Prefixes {
		get(pr.Key).P = pr.Value
	}
	hj := appendHeader(nil, h)
	var pj []byte
	if len(p.Paths) > 0 || len(p.HostExecutables) > 0 || len(p.ProgramRegexes) > 0 || len(p.Substrings) > 0 || len(p.NetworkRules) > 0 {
		var err error
		pj, err = json.Marshal(&Policy{Paths: p.Paths, HostExecutables: p.HostExecutables, ProgramRegexes: p.ProgramRegexes,
			Substrings: p.Substrings, NetworkRules: p.NetworkRules})
		if err != nil {
			return nil, err
		}
	}
	keys := sortedKeys(names)
	var nameBuf, pool bytes.Buffer
	idx := make([]byte, 16*len(keys))
	for i, k := range keys {
		cj, err := json.Marshal(names[k])
		if err != nil {
			return nil, err
		}
		e := idx[16*i:]
		binary.LittleEndian.PutUint32(e[0:], uint32(nameBuf.Len()))
		binary.LittleEndian.PutUint32(e[4:], uint32(len(k)))
		nameBuf.WriteString(k)
		binary.LittleEndian.PutUint32(e[8:], uint32(pool.Len()))
		binary.LittleEndian.PutUint32(e[12:], uint32(len(cj)))
		pool.Write(cj)
	}
	sum := crc32.Update(crc32.ChecksumIEEE(idx), crc32.IEEETable, nameBuf.Bytes())
	var b bytes.Buffer
	b.WriteString(lazyMagic)
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(hj))))
	b.Write(hj)
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(pj))))
	b.Write(pj)
	for _, v := range []uint32{uint32(len(keys)), uint32(nameBuf.Len()), sum} {
		b.Write(binary.LittleEndian.AppendUint32(nil, v))
	}
	b.Write(idx)
	b.Write(nameBuf.Bytes())
	b.Write(pool.Bytes())
	return b.Bytes(), nil
}

var errLazy = errors.New("damaged cache entry")

// decodeLazy opens an indexed entry; it checks every index entry's bounds.
func decodeLazy(data []byte) (*lazyHeader, *lazyPolicy, error) {
	if !bytes.HasPrefix(data, []byte(lazyMagic)) {
		return nil, nil, errLazy
	}
	rest := data[len(lazyMagic):]
	if len(rest) < 4 {
		return nil, nil, errLazy
	}
	hl := int(binary.LittleEndian.Uint32(rest))
	rest = rest[4:]
	if hl > len(rest) {
		return nil, nil, errLazy
	}
	var h lazyHeader
	if !readHeader(rest[:hl], &h) {
		return nil, nil, errLazy
	}
	rest = rest[hl:]
	if len(rest) < 4 {
		return nil, nil, errLazy
	}
	pl := int(binary.LittleEndian.Uint32(rest))
	rest = rest[4:]
	if pl > len(rest) {
		return nil, nil, errLazy
	}
	if pl > 0 {
		if err := json.Unmarshal(rest[:pl], &h.Policy); err != nil {
			return nil, nil, errLazy
		}
	}
	rest = rest[pl:]
	if len(rest) < 12 {
		return nil, nil, errLazy
	}
	n := uint64(binary.LittleEndian.Uint32(rest))
	nl := uint64(binary.LittleEndian.Uint32(rest[4:]))
	sum := binary.LittleEndian.Uint32(rest[8:])
	rest = rest[12:]
	if 16*n+nl > uint64(len(rest)) {
		return nil, nil, errLazy
	}
	lp := &lazyPolicy{index: rest[:16*n], names: rest[16*n : 16*n+nl], pool: rest[16*n+nl:], n: int(n)}
	if crc32.Update(crc32.ChecksumIEEE(lp.index), crc32.IEEETable, lp.names) != sum {
		return nil, nil, errLazy
	}
	for i := 0; i < lp.n; i++ {
		e := lp.entry(i)
		if uint64(e.nameOff)+uint64(e.nameLen) > nl || uint64(e.off)+uint64(e.n) > uint64(len(lp.pool)) {
			return nil, nil, errLazy
		}
	}
	return &h, lp, nil
}

// appendHeader appends h's format, version and key (see the layout above).
func appendHeader(b []byte, h *lazyHeader) []byte {
	le := binary.LittleEndian
	b = le.AppendUint32(b, uint32(h.Format))
	for _, s := range []string{h.Version, h.Key.Path} {
		b = le.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	for _, v := range []uint64{h.Key.Dev, h.Key.Ino, uint64(h.Key.Size), uint64(h.Key.Mtime), uint64(h.Key.Ctime)} {
		b = le.AppendUint64(b, v)
	}
	return b
}

// readHeader reads what appendHeader wrote, all of b and no more.
func readHeader(b []byte, h *lazyHeader) bool {
	le := binary.LittleEndian
	if len(b) < 4 {
		return false
	}
	h.Format, b = int(le.Uint32(b)), b[4:]
	for _, s := range []*string{&h.Version, &h.Key.Path} {
		if len(b) < 4 || uint64(le.Uint32(b)) > uint64(len(b)-4) {
			return false
		}
		n := int(le.Uint32(b))
		*s, b = string(b[4:4+n]), b[4+n:]
	}
	if len(b) != 5*8 {
		return false
	}
	h.Key.Dev, h.Key.Ino = le.Uint64(b), le.Uint64(b[8:])
	h.Key.Size, h.Key.Mtime, h.Key.Ctime = int64(le.Uint64(b[16:])), int64(le.Uint64(b[24:])), int64(le.Uint64(b[32:]))
	return true
}

func (lp *lazyPolicy) entry(i int) lazyIndex {
	e := lp.index[16*i:]
	return lazyIndex{binary.LittleEndian.Uint32(e[0:]), binary.LittleEndian.Uint32(e[4:]),
		binary.LittleEndian.Uint32(e[8:]), binary.LittleEndian.Uint32(e[12:])}
}

func (lp *lazyPolicy) nameBytes(i int) []byte {
	e := lp.entry(i)
	return lp.names[e.nameOff : e.nameOff+e.nameLen]
}

func (lp *lazyPolicy) name(i int) string { return string(lp.nameBytes(i)) }

// chunk returns the decoded rules for name (nil when there are none).
func (lp *lazyPolicy) chunk(name string) *decodedChunk {
	if c, ok := lp.chunks.Load(name); ok {
		return c.(*decodedChunk)
	}
	key := []byte(name)
	i := sort.Search(lp.n, func(i int) bool { return bytes.Compare(lp.nameBytes(i), key) >= 0 })
	var d *decodedChunk
	if i < lp.n && bytes.Equal(lp.nameBytes(i), key) {
		e := lp.entry(i)
		var c lazyChunk
		if err := json.Unmarshal(lp.pool[e.off:e.off+e.n], &c); err != nil {
			d = lp.fromFile(name)
		} else {
			d = &decodedChunk{prefixes: c.P}
			if len(c.S) > 0 {
				d.specs = fromCached(&cachedPolicy{Programs: Table[[]cachedSpec]{{name, c.S}}}).Programs[0].Value
			}
		}
	} else {
		d = &decodedChunk{}
	}
	c, _ := lp.chunks.LoadOrStore(name, d)
	return c.(*decodedChunk)
}

// fromFile is the fallback for a chunk that does not decode: the policy
// file evaluated again. If that fails too, the name gets a rule that
// matches nothing and a prefix rule that asks: a damaged entry fails
// closed.
func (lp *lazyPolicy) fromFile(name string) *decodedChunk {
	lp.once.Do(func() {
		if lp.fallback != nil {
			lp.full, _ = lp.fallback()
		}
	})
	if lp.full == nil {
		return &decodedChunk{prefixes: []PrefixRule{{Pattern: [][]string{{name}}, Decision: DecisionPrompt,
			Justification: "the policy cache entry for this program is damaged", Name: "damaged cache entry"}}}
	}
	return &decodedChunk{specs: lp.full.Programs.Get(name), prefixes: lp.full.Prefixes.Get(name)}
}

// all decodes every chunk, for listing.
func (lp *lazyPolicy) all() (Table[[]Spec], Table[[]PrefixRule]) {
	var specs Table[[]Spec]
	var prefixes Table[[]PrefixRule]
	for i := 0; i < lp.n; i++ {
		name := lp.name(i)
		c := lp.chunk(name)
		if len(c.specs) > 0 {
			specs = append(specs, Pair[[]Spec]{name, c.specs})
		}
		if len(c.prefixes) > 0 {
			prefixes = append(prefixes, Pair[[]PrefixRule]{name, c.prefixes})
		}
	}
	return specs, prefixes
}
