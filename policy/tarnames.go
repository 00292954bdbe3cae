package policy

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
)

// tarNames reads a tar stream's member names, one header at a time: the
// ustar name and prefix, a GNU long name ('L') and a pax "path" record
// ('x', GNU.sparse.name included) for the member that follows. It reads only names, never contents
// (they are skipped), and stops at the end-of-archive block or at the first
// header whose checksum is wrong, as tar does.
//
// guard reads tar headers itself rather than with archive/tar because that
// package imports os/user, which links the C library into the whole binary
// when cgo is on (a dynamic binary: about 0.3 ms and 2 MB more on every
// run of guard). TestTarNamesAsArchiveTar compares the two.
type tarNames struct {
	r   io.Reader
	buf [512]byte
}

var errTarHeader = errors.New("not a tar header")

// next returns the next member's name, or an error at the end of the
// archive (io.EOF) or at a header tar would not read either.
func (t *tarNames) next() (string, error) {
	var long, pax string
	for {
		if _, err := io.ReadFull(t.r, t.buf[:]); err != nil {
			return "", io.EOF
		}
		h := t.buf[:]
		if allZero(h) {
			return "", io.EOF
		}
		if !tarChecksumOK(h) {
			return "", errTarHeader
		}
		size, ok := tarNumber(h[124:136])
		if !ok || size < 0 {
			return "", errTarHeader
		}
		typ := h[156]
		switch typ {
		case 'L', 'x':
			if size > 1<<20 {
				return "", errTarHeader
			}
			data := make([]byte, size)
			if _, err := io.ReadFull(t.r, data); err != nil {
				return "", io.EOF
			}
			if err := t.skip(tarPad(size)); err != nil {
				return "", err
			}
			if typ == 'L' {
				long = string(bytes.TrimRight(data, "\x00"))
			} else if p, ok := paxPath(data); ok {
				pax = p
			}
			continue
		case 'g', 'K':
			if err := t.skip(size + tarPad(size)); err != nil {
				return "", err
			}
			continue
		}
		name := cString(h[0:100])
		if bytes.Equal(h[257:263], []byte("ustar\x00")) { // POSIX: a prefix; GNU's "ustar  " has none here
			if prefix := cString(h[345:500]); prefix != "" {
				name = prefix + "/" + name
			}
		}
		if long != "" {
			name = long
		}
		if pax != "" {
			name = pax
		}
		if typ == 'S' && h[482] != 0 { // GNU sparse: more blocks of the sparse map follow
			for {
				if _, err := io.ReadFull(t.r, t.buf[:]); err != nil {
					return "", io.EOF
				}
				if t.buf[504] == 0 {
					break
				}
			}
		}
		if !strings.ContainsRune("123456", rune(typ)) { // links, devices, directories and FIFOs carry no data
			if err := t.skip(size + tarPad(size)); err != nil {
				return "", err
			}
		}
		return name, nil
	}
}

func (t *tarNames) skip(n int64) error {
	if _, err := io.CopyN(io.Discard, t.r, n); err != nil {
		return io.EOF
	}
	return nil
}

func tarPad(size int64) int64 { return (512 - size%512) % 512 }

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// tarChecksumOK checks a header's checksum, summed as unsigned bytes or, as
// some old tars wrote it, signed ones.
func tarChecksumOK(h []byte) bool {
	want, ok := tarNumber(h[148:156])
	if !ok {
		return false
	}
	var unsigned, signed int64
	for i, c := range h {
		if i >= 148 && i < 156 {
			c = ' '
		}
		unsigned += int64(c)
		signed += int64(int8(c))
	}
	return want == unsigned || want == signed
}

// tarNumber reads a header's numeric field: octal text, or GNU's base-256
// form (the first byte's high bit set).
func tarNumber(b []byte) (int64, bool) {
	if len(b) > 0 && b[0]&0x80 != 0 {
		if b[0]&0x40 != 0 {
			return 0, false // negative
		}
		var n int64
		for i, c := range b {
			if i == 0 {
				c &= 0x7f
			}
			if n > (1<<55)-1 {
				return 0, false
			}
			n = n<<8 | int64(c)
		}
		return n, true
	}
	s := strings.Trim(cString(b), " ")
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 8, 64)
	return n, err == nil
}

// paxPath returns the member's name from a pax extended header's data: its
// "path" record, or the real name GNU tar's sparse format 1.0 keeps in
// "GNU.sparse.name" (the header then names GNUSparseFile.N/NAME).
func paxPath(data []byte) (string, bool) {
	path, found, sparse := "", false, ""
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		if sp <= 0 {
			break
		}
		n, err := strconv.Atoi(string(data[:sp]))
		if err != nil || n <= sp || n > len(data) {
			break
		}
		rec := data[sp+1 : n]
		data = data[n:]
		rec = bytes.TrimSuffix(rec, []byte("\n"))
		k, v, ok := bytes.Cut(rec, []byte("="))
		switch {
		case ok && string(k) == "path":
			path, found = string(v), true
		case ok && string(k) == "GNU.sparse.name":
			sparse = string(v)
		}
	}
	if sparse != "" {
		return sparse, true
	}
	return path, found
}
