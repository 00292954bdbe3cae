// Package jsonw writes JSON objects without reflection, for the lines guard
// writes on every command (the audit log entry, a hook's answer): the first
// use of encoding/json's reflection on a type costs a run about as much as
// the rest of the decision.
//
// Strings are written as encoding/json writes them with HTML escaping off:
// quotes, backslashes and control characters escaped, invalid UTF-8 replaced
// by U+FFFD, U+2028 and U+2029 escaped. Limits: keys are written as given
// (the caller's constants), objects keep the order of the calls, and Raw
// copies what it is given after compacting it; it does not check that the
// caller's keys are unique.
package jsonw

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// Object appends one JSON object to B, a field at a time.
type Object struct {
	B []byte
	n int
}

// Open starts an object on b.
func Open(b []byte) *Object { return &Object{B: append(b, '{')} }

// Close ends the object and returns the buffer.
func (o *Object) Close() []byte { return append(o.B, '}') }

func (o *Object) key(k string) {
	if o.n > 0 {
		o.B = append(o.B, ',')
	}
	o.n++
	o.B = AppendString(o.B, k)
	o.B = append(o.B, ':')
}

// String writes a string field.
func (o *Object) String(k, v string) {
	o.key(k)
	o.B = AppendString(o.B, v)
}

// OmitEmpty writes a string field unless v is empty.
func (o *Object) OmitEmpty(k, v string) {
	if v != "" {
		o.String(k, v)
	}
}

// Int writes a number field.
func (o *Object) Int(k string, v int) {
	o.key(k)
	o.B = strconv.AppendInt(o.B, int64(v), 10)
}

// Time writes a time as encoding/json does (RFC 3339 with nanoseconds).
func (o *Object) Time(k string, t time.Time) {
	o.key(k)
	o.B = append(o.B, '"')
	o.B = t.AppendFormat(o.B, time.RFC3339Nano)
	o.B = append(o.B, '"')
}

// Strings writes an array of strings, null for a nil slice.
func (o *Object) Strings(k string, vs []string) {
	o.key(k)
	if vs == nil {
		o.B = append(o.B, "null"...)
		return
	}
	o.B = append(o.B, '[')
	for i, v := range vs {
		if i > 0 {
			o.B = append(o.B, ',')
		}
		o.B = AppendString(o.B, v)
	}
	o.B = append(o.B, ']')
}

// Raw writes a field whose value is already JSON, compacted; an empty raw
// is null (as encoding/json writes a nil json.RawMessage). It fails,
// writing nothing, when raw is not valid JSON.
func (o *Object) Raw(k string, raw []byte) error {
	if len(raw) == 0 {
		raw = []byte("null")
	}
	var c bytes.Buffer
	if err := json.Compact(&c, raw); err != nil {
		return err
	}
	o.key(k)
	o.B = append(o.B, c.Bytes()...)
	return nil
}

// Object writes a field whose value is an object, filled by f.
func (o *Object) Object(k string, f func(*Object) error) error {
	o.key(k)
	in := Open(o.B)
	err := f(in)
	o.B = in.Close()
	return err
}

const hex = "0123456789abcdef"

// AppendString appends s as a JSON string.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
