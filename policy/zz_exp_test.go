package policy

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZExp(t *testing.T) {
	b, _ := os.ReadFile("/tmp/aexp/in")
	def, _ := Default()
	set := Set{def}
	for _, s := range strings.Split(string(b), "\n----\n") {
		v := set.Judge([]string{"bash", "-c", s}, "/tmp/x")
		d := Decide(&v, Suggest, []string{"/tmp/x"})
		fmt.Printf("%q => %s %s %q writes=%q reason=%q\n", s, v.Class, d.Action, v.Argv, v.Writes, v.Reason)
	}
}
