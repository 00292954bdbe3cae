package shell

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpusPath is the agent command corpus, kept in the shared/ directory that
// sits beside the repository checkout.
var corpusPath = filepath.Join("..", "..", "..", "shared", "corpus", "agent-commands.jsonl")

func readCorpus(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open(corpusPath)
	if os.IsNotExist(err) {
		tb.Skipf("corpus not found at %s: shared/ is not beside the checkout", corpusPath)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var cmds []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			Cmd string `json:"cmd"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			tb.Fatalf("%s: %v", corpusPath, err)
		}
		cmds = append(cmds, line.Cmd)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return cmds
}

// TestCorpus parses every command of the agent corpus as bash, the shell
// the agents' harnesses run. Run with -v for the counts.
func TestCorpus(t *testing.T) {
	cmds := readCorpus(t)
	var parseErrors, unverified, dynamic, dynScripts, otherDirs, static int
	reasons := map[string]int{}
	dynReasons := map[string]int{}
	for _, src := range cmds {
		s, err := Parse(src, Bash)
		if err != nil {
			parseErrors++
			if testing.Verbose() && os.Getenv("CORPUS_SHOW") == "errors" {
				t.Logf("%v\n%s", err, src)
			}
			continue
		}
		again, _ := Parse(src, Bash)
		if fmt.Sprint(again) != fmt.Sprint(s) {
			t.Errorf("Parse(%q) is not deterministic", src)
		}
		if s.Unverified != "" {
			unverified++
			seen := map[string]bool{}
			for _, r := range strings.Split(s.Unverified, "; ") {
				r, _, _ = strings.Cut(r, ":")
				if !seen[r] {
					seen[r] = true
					reasons[r]++
				}
			}
		}
		hasDyn, hasOther := false, false
		for _, c := range s.Commands {
			hasOther = hasOther || c.OtherDirs != nil
			if c.Dynamic != "" {
				dynamic++
				hasDyn = true
				for _, r := range strings.Split(c.Dynamic, "; ") {
					kind := r
					for _, k := range []string{"parameter expansion", "command substitution", "glob", "tilde", "brace expansion", "arithmetic expansion", "process substitution", "extended glob", "array"} {
						if strings.HasPrefix(r, k) {
							kind = k
						}
					}
					if _, where, ok := strings.Cut(r, " in "); ok && !strings.HasPrefix(where, "argument") && !strings.HasPrefix(where, "the command") {
						kind += " in " + where
					}
					dynReasons[kind]++
				}
			}
		}
		if s.Unverified == "" && !hasDyn {
			static++
		}
		if hasDyn {
			dynScripts++
		}
		if hasOther {
			otherDirs++
		}
		if testing.Verbose() && os.Getenv("CORPUS_SHOW") == "unverified" && s.Unverified != "" {
			t.Logf("%s\n  => %s", src, s.Unverified)
		}
	}
	t.Logf("%d scripts: %d parse errors, %d unverified, %d with Dynamic commands (%d commands), %d fully static; %d with a command that may run in another directory",
		len(cmds), parseErrors, unverified, dynScripts, dynamic, static, otherDirs)
	t.Logf("unverified reasons:\n%s", top(reasons, 15))
	t.Logf("dynamic reasons:\n%s", top(dynReasons, 15))
}

func top(m map[string]int, n int) string {
	type kv struct {
		k string
		v int
	}
	var list []kv
	for k, v := range m {
		list = append(list, kv{k, v})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].v != list[j].v {
			return list[i].v > list[j].v
		}
		return list[i].k < list[j].k
	})
	var b strings.Builder
	for i, e := range list {
		if i == n {
			break
		}
		fmt.Fprintf(&b, "  %5d  %s\n", e.v, e.k)
	}
	return b.String()
}
