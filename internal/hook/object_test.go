package hook

import (
	"bytes"
	"encoding/json"
	"testing"
)

// objectFields reads what json.Unmarshal into a map of raw messages reads.
func checkObjectFields(t *testing.T, in string) {
	var want map[string]json.RawMessage
	werr := json.Unmarshal([]byte(in), &want)
	got, err := objectFields([]byte(in))
	if (err != nil) != (werr != nil) {
		t.Fatalf("objectFields(%q): error %v, json.Unmarshal %v", in, err, werr)
	}
	if err != nil {
		return
	}
	if (got == nil) != (want == nil) || len(got) != len(want) {
		t.Fatalf("objectFields(%q) = %q, json.Unmarshal %q", in, got, want)
	}
	for k, v := range want {
		if !bytes.Equal(got[k], v) {
			t.Fatalf("objectFields(%q)[%q] = %q, json.Unmarshal %q", in, k, got[k], v)
		}
	}
	for k, v := range got {
		var ws, gs string
		if json.Unmarshal(v, &ws) == nil {
			if gs, err = decodeString(v); err != nil || gs != ws {
				t.Fatalf("decodeString(%q) = %q, %v; json.Unmarshal %q", v, gs, err, ws)
			}
		} else if _, err := decodeString(v); err == nil {
			t.Fatalf("decodeString(%q) (key %q) accepted what json.Unmarshal refuses", v, k)
		}
	}
}

var objectCases = []string{
	`{}`, ` { } `, `null`, ` null `, `[]`, `"x"`, `1`, `{"a":1}`, `{"a":1,"a":2}`, `{"a\u0062":"x","ab":"y"}`,
	`{"tool_input":{"command":"ls \"}{\" ]","n":[1,{"x":"]"}]}, "cwd":"/p"}`, `{"a":"\u00e9\ud83d\ude00\\n"}`,
	`{"a":tru}`, `{"a":1,}`, `{"a" 1}`, `{"a":"x` + "\x01" + `"}`, "{\"a\":\"\xff\"}", "{\"\xff\":1}",
	`{"a":  [ 1 , 2 ] , "b" : { } }`, `{"a":-1.5e3,"b":true,"c":false,"d":null}`, `{"a":"\/"}`, "\t{\"a\":\n1\r}\n",
}

func TestObjectFieldsAsEncodingJSON(t *testing.T) {
	for _, in := range objectCases {
		checkObjectFields(t, in)
	}
}

func FuzzObjectFields(f *testing.F) {
	for _, in := range objectCases {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) { checkObjectFields(t, in) })
}

func TestArrayElemsAsEncodingJSON(t *testing.T) {
	for _, in := range []string{`[]`, ` [ ] `, `null`, `[1,"a",{"b":[2]},[3],null,true]`, `["x\"]",  "y" ]`, `{}`, `"s"`, `[1,]`, `[`} {
		var want []json.RawMessage
		werr := json.Unmarshal([]byte(in), &want)
		got, err := arrayElems([]byte(in))
		if (err != nil) != (werr != nil) || len(got) != len(want) {
			t.Fatalf("arrayElems(%q) = %q, %v; json.Unmarshal %q, %v", in, got, err, want, werr)
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("arrayElems(%q)[%d] = %q, json.Unmarshal %q", in, i, got[i], want[i])
			}
		}
	}
}

func TestClaudePermissions(t *testing.T) {
	deny, ask, err := claudePermissions([]byte(`{"permissions":{"allow":["Bash(ls)"],"deny":["Bash(curl:*)",7],"ask":["Bash(git push:*)"]},"hooks":{}}`))
	if err != nil || len(deny) != 2 || len(ask) != 1 || string(ask[0]) != `"Bash(git push:*)"` {
		t.Errorf("got deny %q ask %q err %v", deny, ask, err)
	}
	for _, bad := range []string{`{"permissions":"x"}`, `{"permissions":{"deny":"Bash"}}`, `{"permissions":{"ask":{}}}`, `[]`, `{`} {
		if _, _, err := claudePermissions([]byte(bad)); err == nil {
			t.Errorf("claudePermissions(%s) accepted", bad)
		}
	}
	if d, a, err := claudePermissions([]byte(`{"model":"x"}`)); err != nil || d != nil || a != nil {
		t.Errorf("no permissions: %q %q %v", d, a, err)
	}
}

var stringCases = []string{`""`, `"x"`, `"a\"b"`, `"\\\/\b\f\n\r\t"`, `"\u00e9\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`,
	`"\ude00\ud83d"`, `"\ud83d\u0041"`, `"\ud83d\ud83d\ude00"`, `"\u0000"`, `"\uZZZZ"`, `"\u12"`, `"\x"`, `"a\"`, `"a"b"`,
	"\"\xff\xfe\"", "\"a\xc3\"", "\"\x01\"", `"`, `x`, ` "a"`, `"\uD83D\uDE00"`, `"\uDBFF\uDFFF\uD800"`, `"é\n"`}

// TestDecodeStringAsEncodingJSON holds decodeString to json.Unmarshal into
// a string: the same text, an error for the same tokens.
func TestDecodeStringAsEncodingJSON(t *testing.T) {
	for _, in := range stringCases {
		checkDecodeString(t, in)
	}
}

func FuzzDecodeString(f *testing.F) {
	for _, in := range stringCases {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) { checkDecodeString(t, in) })
}

func checkDecodeString(t *testing.T, in string) {
	t.Helper()
	var want string
	werr := json.Unmarshal([]byte(in), &want)
	got, err := decodeString([]byte(in))
	if (err != nil) != (werr != nil) || werr == nil && got != want {
		t.Fatalf("decodeString(%q) = %q, %v; json.Unmarshal %q, %v", in, got, err, want, werr)
	}
}
