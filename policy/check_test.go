package policy

import (
	"bufio"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp/syntax"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files and default_gen.go")

// TestCheckData runs testdata/check/*.txtar. Each archive holds a policy
// (one or more "*.policy" files, layered in order) and a "cases" file of
// "$ argv words" lines, each followed by the JSON guard check prints, or
// "load error" lines ("! message") when the policy must not load.
func TestCheckData(t *testing.T) {
	files, _ := filepath.Glob("testdata/check/*.txtar")
	if len(files) == 0 {
		t.Fatal("no test data")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var set Set
			var loadErr error
			var cases string
			for _, f := range ar.Files {
				switch {
				case strings.HasSuffix(f.Name, ".policy"):
					p, err := Load(f.Name, f.Data)
					if err != nil {
						loadErr = err
						continue
					}
					set = append(set, p)
				case f.Name == "cases":
					cases = string(f.Data)
				}
			}
			got := runCases(t, set, loadErr, cases)
			if *update && got != cases {
				for i := range ar.Files {
					if ar.Files[i].Name == "cases" {
						ar.Files[i].Data = []byte(got)
					}
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// runCases checks the cases and returns them as they would be with the
// current output (for -update).
func runCases(t *testing.T, set Set, loadErr error, cases string) string {
	t.Helper()
	var out strings.Builder
	sc := bufio.NewScanner(strings.NewReader(cases))
	var argv []string
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "! "):
			want := strings.TrimPrefix(line, "! ")
			if loadErr == nil {
				t.Errorf("policy loaded, want error %q", want)
			} else if loadErr.Error() != want {
				t.Errorf("load error:\n got %s\nwant %s", loadErr, want)
			}
		case strings.HasPrefix(line, "$ "):
			argv = words(strings.TrimPrefix(line, "$ "))
		default:
			if loadErr != nil {
				t.Fatalf("policy does not load: %v", loadErr)
			}
			r := set.Check(argv)
			got := string(r.JSON())
			if *update {
				s := out.String()
				out.Reset()
				out.WriteString(s[:len(s)-len(line)-1] + got + "\n")
			} else if got != line {
				t.Errorf("Check(%q):\n got %s\nwant %s", argv, got, line)
			}
		}
	}
	return out.String()
}

// words splits a case line: a JSON array, or words separated by spaces.
func words(s string) []string {
	if strings.HasPrefix(s, "[") {
		var w []string
		if err := json.Unmarshal([]byte(s), &w); err == nil {
			return w
		}
	}
	return strings.Fields(s)
}

// TestGeneratedDefault keeps default_gen.go equal to default.policy
// compiled now. Run `make generate` (go test -run TestGeneratedDefault
// -update) after editing default.policy.
func TestGeneratedDefault(t *testing.T) {
	p, err := Load(DefaultFile, []byte(defaultSource))
	if err != nil {
		t.Fatalf("default.policy does not load: %v", err)
	}
	src, err := goSource(p)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("default_gen.go", src, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile("default_gen.go")
	if err != nil || string(old) != string(src) {
		t.Fatal("default_gen.go is stale: run `make generate`")
	}
}

// TestDefaultCases runs testdata/default_cases.txt: one argv per line with
// the class the default policy must give it ("CLASS<TAB>JSON argv").
func TestDefaultCases(t *testing.T) {
	data, err := os.ReadFile("testdata/default_cases.txt")
	if err != nil {
		t.Fatal(err)
	}
	set := defaultSet(t)
	n := 0
	for i, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		class, argvJSON, ok := strings.Cut(line, "\t")
		var argv []string
		if !ok || json.Unmarshal([]byte(argvJSON), &argv) != nil {
			t.Fatalf("default_cases.txt:%d: want CLASS<TAB>[\"argv\",...], got %q", i+1, line)
		}
		if r := set.Check(argv); string(r.Class) != class {
			t.Errorf("default_cases.txt:%d: Check(%q) = %s, want %s (%s)", i+1, argv, r.Class, class, r.Why())
		}
		n++
	}
	if n < 100 {
		t.Errorf("only %d cases", n)
	}
}

func TestNeedles(t *testing.T) {
	for _, tt := range []struct {
		re, yes, no string
	}{
		{`(^|/)(shutdown|reboot)$`, "/sbin/reboot", "ls"},
		{`^mkfs`, "mkfs.ext4", "mk"},
		{`(?i)rm`, "RM", ""},
		{`.*`, "anything", ""},
	} {
		r := ProgramRegex{Source: tt.re}
		tree, _ := syntax.Parse(tt.re, syntax.Perl)
		r.Needles = needles(tree.Simplify())
		if !r.mayMatch(tt.yes) {
			t.Errorf("needles(%s) = %q: rule out %q, which matches", tt.re, r.Needles, tt.yes)
		}
		if tt.no != "" && r.mayMatch(tt.no) {
			t.Errorf("needles(%s) = %q: keep %q", tt.re, r.Needles, tt.no)
		}
	}
}

// TestPackedDefault checks that the compiled default unpacks to exactly the
// specs default.policy loads to (examples aside, which are not compiled).
func TestPackedDefault(t *testing.T) {
	loaded, err := Load(DefaultFile, []byte(defaultSource))
	if err != nil {
		t.Fatal(err)
	}
	if compiledDefault == nil {
		t.Fatal("no compiled default: run make generate")
	}
	got := compiledDefault.AllPrograms()
	if len(got) != len(loaded.Programs) {
		t.Fatalf("compiled default has %d programs, default.policy %d", len(got), len(loaded.Programs))
	}
	for i, e := range loaded.Programs {
		want := make([]Spec, len(e.Value))
		copy(want, e.Value)
		for j := range want {
			want[j].ShouldMatch, want[j].ShouldNotMatch = nil, nil
			if len(want[j].SystemPath) == 0 {
				want[j].SystemPath = nil // [] and nil are the same rule
			}
		}
		if got[i].Key != e.Key || !reflect.DeepEqual(got[i].Value, want) {
			t.Errorf("compiled specs for %q differ from default.policy's", e.Key)
		}
	}
	for _, e := range loaded.Paths {
		if got := compiledDefault.pathPrograms(e.Key); !reflect.DeepEqual(got, e.Value) {
			t.Errorf("pathPrograms(%q) = %q, want %q", e.Key, got, e.Value)
		}
	}
}
