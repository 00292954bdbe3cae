package gate

import (
	"slices"
	"strings"
	"testing"
	"time"

	"guard/policy"
)

// "Always this exact command" remembers that argv and no other: not the
// command without one of its words (a dry run's -n, --dry-run, a
// no-clobber or interactive flag), not its words in another order (gcc -o
// out a.c and gcc out -o a.c write different files), not with a word
// repeated or added. Every such neighbour of each command is checked.
func TestExactRuleIsExact(t *testing.T) {
	for _, line := range []string{
		"make -n deploy",
		"git push --dry-run origin main",
		"gcc -o out a.c",
		"rsync -a -n --delete src/ dst/",
		"kubectl apply --dry-run=client -f x.yaml",
		"head -5 notes.txt",
		"terraform plan -out=tfplan",
		"/usr/bin/make -n install",
		"ansible-playbook --check site.yml",
		"cp -n -i a b",
		"echo - -- x",
	} {
		argv := strings.Fields(line)
		rule, err := ExactRule(argv, time.Unix(0, 0))
		if strings.Contains(line, " -- ") {
			if err == nil {
				t.Errorf("%s: remembered, want refused (a -- is not remembered)", line)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", line, err)
			continue
		}
		p, err := policy.Load("user.policy", []byte(rule))
		if err != nil {
			t.Errorf("%s: the rule does not load: %v\n%s", line, err, rule)
			continue
		}
		set := policy.Set{p}
		if r := set.Check(argv); r.Class != policy.Safe {
			t.Errorf("%s: %s (%s) under its own rule, want safe\n%s", line, r.Class, r.Why(), rule)
		}
		for _, n := range neighbours(argv) {
			if slices.Equal(n, argv) {
				continue
			}
			if r := set.Check(n); r.Class == policy.Safe {
				t.Errorf("exact rule of %q admits %q\n%s", line, strings.Join(n, " "), rule)
			}
		}
	}
}

// neighbours returns the argvs one edit away from argv: a word left out,
// two words swapped, a word repeated, a word added at the end.
func neighbours(argv []string) [][]string {
	var out [][]string
	for i := 1; i < len(argv); i++ {
		out = append(out, slices.Concat(argv[:i], argv[i+1:]))
		out = append(out, slices.Concat(argv[:i+1], argv[i:]))
		for j := i + 1; j < len(argv); j++ {
			s := slices.Clone(argv)
			s[i], s[j] = s[j], s[i]
			out = append(out, s)
		}
	}
	return append(out, append(slices.Clone(argv), "x"), append(slices.Clone(argv), "--force"))
}
