package hook

import (
	"encoding/json"
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// objectFields splits a JSON object into its members' raw values, as
// json.Unmarshal into a map[string]json.RawMessage does (the last of two
// equal keys wins, keys unescaped, "null" a nil map), without the
// reflection that costs a hook's first decode more than the rest of it.
// Anything but valid JSON, or JSON that is neither an object nor null,
// gets json.Unmarshal's own error.
func objectFields(data []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if !json.Valid(data) {
		return nil, json.Unmarshal(data, &m)
	}
	i := skipSpace(data, 0)
	switch {
	case string(data[i:skipValue(data, i)]) == "null":
		return nil, nil
	case data[i] != '{':
		return nil, json.Unmarshal(data, &m)
	}
	m = map[string]json.RawMessage{}
	i = skipSpace(data, i+1)
	for data[i] != '}' {
		end := skipValue(data, i) // the key, a string
		key, err := decodeString(data[i:end])
		if err != nil {
			return nil, err
		}
		i = skipSpace(data, skipSpace(data, end)+1) // past ':'
		end = skipValue(data, i)
		m[key] = data[i:end:end]
		i = skipSpace(data, end)
		if data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return m, nil
}

// errNotArray is arrayElems' error for a value that is not an array.
var errNotArray = errors.New("not a JSON array")

// arrayElems splits a JSON array into its elements' raw values; "null" is
// no elements. Anything else (or invalid JSON) is an error.
func arrayElems(data []byte) ([]json.RawMessage, error) {
	if !json.Valid(data) {
		var v []json.RawMessage
		return nil, json.Unmarshal(data, &v)
	}
	i := skipSpace(data, 0)
	switch {
	case string(data[i:skipValue(data, i)]) == "null":
		return nil, nil
	case data[i] != '[':
		return nil, errNotArray
	}
	out := []json.RawMessage{}
	for i = skipSpace(data, i+1); data[i] != ']'; {
		end := skipValue(data, i)
		out = append(out, data[i:end:end])
		if i = skipSpace(data, end); data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return out, nil
}

// orNull is raw, or null when it is missing.
func orNull(raw json.RawMessage) []byte {
	if raw == nil {
		return []byte("null")
	}
	return raw
}

// decodeString decodes a JSON string as json.Unmarshal does: escapes
// undone, a lone surrogate and each byte of invalid UTF-8 read as U+FFFD.
// A token that is not a well-formed JSON string gets json.Unmarshal's own
// error (its first use costs a hook call a reflection walk of the type).
func decodeString(raw []byte) (string, error) {
	if s, ok := jsonUnquote(raw); ok {
		return s, nil
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

// jsonUnquote undoes a JSON string's quotes and escapes; ok is false for
// anything but a well-formed string token.
func jsonUnquote(raw []byte) (s string, ok bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	plain := utf8.Valid(body)
	for _, c := range body {
		if c == '\\' || c == '"' || c < 0x20 {
			plain = false
			break
		}
	}
	if plain {
		return string(body), true
	}
	out := make([]byte, 0, len(body)+8)
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case c == '"' || c < 0x20:
			return "", false
		case c == '\\':
			if i+1 >= len(body) {
				return "", false
			}
			switch e := body[i+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := hex4(body[i+2:])
				if !ok {
					return "", false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					// A pair only when a low surrogate follows as an escape;
					// else U+FFFD, and what follows is read on its own.
					if len(body) >= i+2 && body[i] == '\\' && body[i+1] == 'u' {
						if r2, ok := hex4(body[i+2:]); ok {
							if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
								out = utf8.AppendRune(out, d)
								i += 6
								continue
							}
						}
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
				continue
			default:
				return "", false
			}
			i += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(body[i:])
			out = utf8.AppendRune(out, r) // RuneError for a byte of invalid UTF-8
			i += size
		}
	}
	return string(out), true
}

// hex4 reads the four hexadecimal digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func skipSpace(d []byte, i int) int {
	for i < len(d) && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the value starting at d[i], in valid JSON.
func skipValue(d []byte, i int) int {
	switch d[i] {
	case '"':
		for i++; d[i] != '"'; i++ {
			if d[i] == '\\' {
				i++
			}
		}
		return i + 1
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch d[i] {
			case '"':
				i = skipValue(d, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	}
	for i < len(d) && d[i] != ',' && d[i] != '}' && d[i] != ']' && d[i] != ' ' && d[i] != '\t' && d[i] != '\n' && d[i] != '\r' {
		i++
	}
	return i
}
