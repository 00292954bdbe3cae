package gitconfig

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseAsGit compares Parse with `git config --list` (the real git)
// on the forms a line-by-line reader gets wrong: a key on its section's
// header line, continued values, quotes around part of a value, a comment
// after a quoted value, escapes, the older [section.sub] form, CRLF.
func TestParseAsGit(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git to compare with")
	}
	for _, text := range []string{
		"[core] hooksPath = .githooks\n",
		"[core]\n\thooksPath = .git\\\nhooks\n",
		"[core]\n\thooksPath = \".git\"hooks\n",
		"[core]\n\thooksPath = \".githooks\" ; team hooks\n",
		"[core]\thooksPath=.githooks\n[alias]\n\tlg = \"!sh tools/lg.sh\" # log\n",
		"[core]\n\tfsmonitor = bash \\\n tools/fsm.sh\n",
		"[diff.X]\n\ttextconv = sh tools/conv.sh\n",
		"[includeIf \"gitdir:/a\\\"b/\"] path = ../team.cfg\n",
		"[Core \"Sub\"]\n  KEY = a  b\t c   \n",
		"[core]\r\n\teditor = vim\r\n[x]\n\tflag\n",
		"[a]\n\tv = \"x;y#z\" ;c\n\tw = \\t\\\\\\\"q\n",
		"; top\n# x\n[s]k=v",
	} {
		dir := t.TempDir()
		f := filepath.Join(dir, "config")
		os.WriteFile(f, []byte(text), 0o644)
		cmd := exec.Command(git, "config", "--file", f, "--list", "-z")
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git config --list of %q: %v", text, err)
		}
		var want []string
		for _, e := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
			if e != "" {
				want = append(want, e)
			}
		}
		var got []string
		ok := Parse([]byte(text), func(v Var) bool {
			name := v.Section
			if v.Subsection != "" {
				name += "." + v.Subsection
			}
			name += "." + v.Key
			if v.NoValue {
				got = append(got, name)
			} else {
				got = append(got, name+"\n"+v.Value)
			}
			return true
		})
		if !ok || strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("Parse(%q): ok %v\n got %q\nwant %q", text, ok, got, want)
		}
	}
}

// TestParseRefuses: what git refuses, Parse reports (an unclosed quote, a
// bad escape, a key outside any section, a header without its "]").
func TestParseRefuses(t *testing.T) {
	for _, text := range []string{"[core]\n\tx = \"a\n", "[core]\n\tx = a\\q\n", "k = v\n", "[core\n\tx = 1\n", "[core]\n\t1x = 2\n"} {
		if Parse([]byte(text), func(Var) bool { return true }) {
			t.Errorf("Parse(%q) = ok, want refused", text)
		}
	}
}
