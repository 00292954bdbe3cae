package jsonw

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// stdString is encoding/json's encoding of s with HTML escaping off.
func stdString(t testing.TB, s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

func TestStringAsEncodingJSON(t *testing.T) {
	cases := []string{"", "plain", `"q" \ b`, "\x00\x01\x1f\x7f", "\b\f\n\r\t", "<&>", "é€😀", "\xff\xfe", "a\xc3", "\u2028\u2029x",
		"\xed\xa0\x80", "tab\there"}
	rnd := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "\"", "\\", "\x00", "\n", "\x1b", "é", "\u2028", "\xff", "\xc3", "😀", "<", " "}
	for i := 0; i < 5000; i++ {
		var s string
		for j := rnd.IntN(12); j > 0; j-- {
			s += alphabet[rnd.IntN(len(alphabet))]
		}
		cases = append(cases, s)
	}
	for _, s := range cases {
		if got, want := string(AppendString(nil, s)), stdString(t, s); got != want {
			t.Fatalf("AppendString(%q) = %s, encoding/json writes %s", s, got, want)
		}
	}
}

func FuzzString(f *testing.F) {
	f.Add("a\"\\\x00\xff\u2028")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendString(nil, s)), stdString(t, s); got != want {
			t.Fatalf("AppendString(%q) = %s, encoding/json writes %s", s, got, want)
		}
	})
}

func TestObject(t *testing.T) {
	o := Open(nil)
	o.String("a", "x")
	o.OmitEmpty("skip", "")
	o.Int("n", -3)
	o.Strings("nil", nil)
	o.Strings("l", []string{"1", "\n"})
	if err := o.Object("in", func(in *Object) error { return in.Raw("r", []byte(" { \"k\" : [1, 2] } ")) }); err != nil {
		t.Fatal(err)
	}
	if err := o.Raw("bad", []byte("{")); err == nil {
		t.Error("Raw accepted invalid JSON")
	}
	got := string(o.Close())
	want := `{"a":"x","n":-3,"nil":null,"l":["1","\n"],"in":{"r":{"k":[1,2]}}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if !json.Valid([]byte(got)) {
		t.Error("not valid JSON")
	}
}
