package policy

import (
	"sort"
	"strings"
)

// Entry is one rule of a policy, for listing.
type Entry struct {
	Kind string // "program", "prefix", "regex", "substrings", "network"
	Name string
	At   Pos
}

// Entries lists the policy's rules in file order.
func (p *Policy) Entries() []Entry {
	var out []Entry
	for _, e := range p.AllPrograms() {
		name := e.Key
		for _, s := range e.Value {
			kind := "program"
			if s.Forbidden {
				kind = "forbidden"
			}
			out = append(out, Entry{kind, name, s.Pos})
		}
	}
	seen := map[Pos]bool{}
	for _, e := range p.AllPrefixes() {
		for _, r := range e.Value {
			if !seen[r.Pos] {
				seen[r.Pos] = true
				words := make([]string, len(r.Pattern))
				for i, alts := range r.Pattern {
					words[i] = strings.Join(alts, "|")
				}
				out = append(out, Entry{"prefix:" + string(r.Decision), strings.Join(words, " "), r.Pos})
			}
		}
	}
	for _, r := range p.ProgramRegexes {
		out = append(out, Entry{"regex", r.Source, r.Pos})
	}
	for _, s := range p.Substrings {
		out = append(out, Entry{"substrings", strings.Join(s.Strings, " "), s.Pos})
	}
	for _, n := range p.NetworkRules {
		out = append(out, Entry{"network", "(not enforced)", n})
	}
	sortEntries(out)
	return out
}

func sortEntries(es []Entry) {
	sort.SliceStable(es, func(i, j int) bool { return es[i].At.Line < es[j].At.Line })
}

// Counts returns how many rules and examples the policy has.
func (p *Policy) Counts() (rules, examples int) {
	rules = len(p.Entries())
	for _, e := range p.AllPrograms() {
		for _, s := range e.Value {
			examples += len(s.ShouldMatch) + len(s.ShouldNotMatch)
		}
	}
	seen := map[Pos]bool{}
	for _, e := range p.AllPrefixes() {
		for _, r := range e.Value {
			if !seen[r.Pos] {
				seen[r.Pos] = true
				examples += len(r.Match) + len(r.NotMatch)
			}
		}
	}
	return rules, examples
}
