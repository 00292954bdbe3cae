package hook

import (
	"encoding/json"
	"errors"
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

// decodeString decodes a JSON string: directly when it holds no escape, no
// control character and only valid UTF-8, else through encoding/json.
func decodeString(raw []byte) (string, error) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		plain := utf8.Valid(raw)
		for _, c := range raw[1 : len(raw)-1] {
			if c == '\\' || c == '"' || c < 0x20 {
				plain = false
				break
			}
		}
		if plain {
			return string(raw[1 : len(raw)-1]), nil
		}
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
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
