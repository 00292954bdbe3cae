package policy_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"guard/policy"
)

func TestZZ(t *testing.T) {
	def, _ := policy.Default()
	set := policy.Set{def}
	for _, cmd := range strings.Split(os.Getenv("CMDS"), "\n") {
		if cmd == "" {
			continue
		}
		v := set.Judge([]string{"bash", "-c", cmd}, corpusCwd)
		s := policy.Decide(&v, policy.Suggest, corpusRoots)
		f := policy.Decide(&v, policy.FullAuto, corpusRoots)
		fmt.Printf("%-45q %-10s sug=%-7s full=%-7s prompt=%q why=%s\n", cmd, v.Class, s.Action, f.Action, v.Prompt, v.Why())
	}
}
