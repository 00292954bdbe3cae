package shell

import (
	"fmt"
	"os"
	"testing"
)

func TestTry(t *testing.T) {
	src := os.Getenv("TRY")
	if src == "" {
		t.Skip("TRY not set")
	}
	d := Bash
	if v := os.Getenv("TRYD"); v != "" {
		d, _ = DialectFor(v)
	}
	s, err := Parse(src, d)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, c := range s.Commands {
		fmt.Printf("%q dir=%q w=%q r=%q env=%q wrap=%q dyn=%q\n", c.Argv, c.Dir, c.Writes, c.Reads, c.Env, c.Wrapper, c.Dynamic)
	}
	fmt.Printf("unverified: %q\n", s.Unverified)
}
