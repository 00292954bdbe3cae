package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoopLines: a loop over a command's lines (`SRC | while read -r f`,
// `while read -r f; ... done < FILE`, `for f in $(SRC)`), and a command
// substitution that is a whole argument (`CMD $(SRC)`), read what `SRC |
// xargs -I{} CMD {}` reads. Harmless ones run unasked: the source's names
// are followed as xargs's are (a find narrowed by -name, ls, git ls-files,
// echo's words). Every way of reaching a secret through the loop's
// variable is asked: a list file naming a key, a find over the home, a
// name split or globbed into .env, a name read as an option, the variable
// used as a command or inside a path, a body that writes or links, lines
// of a secret file on the loop's input. The attacks are run in the real
// bash first: each prints the secret.
func TestLoopLines(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		".ssh/id_rsa":      "-----BEGIN OPENSSH PRIVATE KEY-----\nKEY-SECRET\n",
		".aws/credentials": "[default]\naws_secret_access_key = AWS-SECRET\n",
		"proj/.env":        "API_KEY=ENV-SECRET\n",
		"proj/src/a.go":    "package a\n",
		"proj/src/b.go":    "package a\n",
		"proj/README.md":   "# proj\n",
		"proj/files.txt":   "README.md\nsrc/a.go\n",
		"proj/list.txt":    filepath.Join(home, ".ssh/id_rsa") + "\n.env\n",
		"proj/odd/a .env":  "x\n", // split by the shell: a, then .env
		"proj/glob/.e*":    "x\n", // globbed by the shell: .env
		"proj/opt/-n":      "x\n", // read as an option
		"proj/keys/k.pem":  "-----BEGIN PRIVATE KEY-----\nPEM-SECRET\n",
		"proj/docs/x.md":   "# x\n",
		"proj/docs/y.md":   "# y\n",
	})
	if err := os.Symlink(filepath.Join(home, ".ssh/id_rsa"), filepath.Join(proj, "docs", "z.md")); err != nil {
		t.Fatal(err)
	}
	// Attacks, each a secret printed by the real bash.
	attacks := map[string]string{
		`while read f; do cat "$f"; done < list.txt`:                                  "KEY-SECRET",
		`cat list.txt | while read -r f; do head -5 "$f"; done`:                       "KEY-SECRET",
		`while IFS= read -r f; do cat "$f"; done < list.txt`:                          "ENV-SECRET",
		`for f in $(cat list.txt); do cat "$f"; done`:                                 "KEY-SECRET",
		`for f in $(find ~ -name '*.pem' 2>/dev/null); do cat "$f"; done`:             "PEM-SECRET",
		`find ~/.aws -type f | while read f; do cat "$f"; done`:                       "AWS-SECRET",
		`find ~/.aws -type f -print0 | while IFS= read -r -d '' f; do cat "$f"; done`: "AWS-SECRET",
		`ls ~/.ssh | while read k; do cat ~/.ssh/$k; done`:                            "KEY-SECRET",
		`ls ~/.ssh | while read -r k; do cat "$HOME/.ssh/$k"; done`:                   "KEY-SECRET",
		`for f in $(ls odd); do cat $f; done`:                                         "ENV-SECRET",
		`for f in $(ls -A glob); do cat $f; done`:                                     "ENV-SECRET",
		`ls odd | while read f; do cat $f; done`:                                      "ENV-SECRET",
		`echo .env | while read f; do cat "$f"; done`:                                 "ENV-SECRET",
		`for f in $(echo ~/.ssh/id_rsa); do head "$f"; done`:                          "KEY-SECRET",
		`ls | while read f; do echo "$f"; done < .env`:                                "ENV-SECRET",
		`while read -r line; do echo "$line"; done < .env`:                            "ENV-SECRET",
		`while IFS== read -r k v; do echo "$v"; done < .env`:                          "ENV-SECRET",
		`printf '%s\n' .env | while read f; do grep -h . "$f"; done`:                  "ENV-SECRET",
		`for f in $(find docs -name '*.md'); do cat "$f"; done`:                       "KEY-SECRET",
		`ls docs | while read f; do cat "docs/$f"; done`:                              "KEY-SECRET",
		`find . -type f | while read -r f; do cat "$f"; done`:                         "ENV-SECRET",
		`for f in $(git ls-files 2>/dev/null; ls -a); do cat "$f"; done`:              "ENV-SECRET",
		// The same words as a whole argument: `CMD $(SRC)`.
		`cat $(find ~/.ssh -type f)`:          "KEY-SECRET",
		`head -3 $(cat list.txt)`:             "KEY-SECRET",
		`cat $(ls -A glob)`:                   "ENV-SECRET",
		`cat $(ls odd)`:                       "ENV-SECRET",
		`cat $(echo .env)`:                    "ENV-SECRET",
		`grep -h . $(find docs -name '*.md')`: "KEY-SECRET",
	}
	cases := bashPrints(t, proj, attacks)
	for cmd, want := range map[string]bool{
		// The variable as a command, or in a word the shell splits.
		`ls | while read f; do "$f"; done`:                 false,
		`ls | while read f; do $f --help; done`:            false,
		`for f in $(ls src); do ./$f; done`:                false,
		`for f in $(ls src); do "$f"; done`:                false,
		`ls src | while read f; do bash -c "cat $f"; done`: false,
		// Bodies that write, link or change directory.
		`ls src | while read f; do cp "$f" /tmp/; done`:                                    false,
		`while read f; do echo x > "$f"; done < files.txt`:                                 false,
		`find src -name '*.go' | while read f; do sed -i s/a/b/ "$f"; done`:                false,
		`ls src | while read f; do cat "src/$f"; ln -sf ~/.ssh/id_rsa x; done`:             false,
		`ls src | while read f; do wc -l "src/$f"; bash -c 'ln -s ~/.ssh/id_rsa zz'; done`: false,
		`ls src | while read f; do cd src; cat "$f"; done`:                                 false,
		`ls src | while read f; do rm -rf "$f"; done`:                                      false,
		// A shell or environment variable bound by the loop.
		`for PATH in $(echo /tmp); do ls; done`:     false,
		`ls | while read HOME; do ls ~; done`:       false,
		`ls | while read -d x f; do cat "$f"; done`: false,
		// Harmless: names from a source whose every file is known.
		`find src -name '*.go' | while read -r f; do wc -l "$f"; done`:                    true,
		`find src -name '*.go' -print0 | while IFS= read -r -d '' f; do wc -l "$f"; done`: true,
		`for f in $(find src -name '*.go'); do echo "== $f"; head -3 "$f"; done`:          true,
		`ls src | while read f; do echo "file: $f"; done`:                                 true,
		`for f in $(ls src); do echo "$f"; done`:                                          true,
		`for f in $(find src docs -name '*.go'); do head -1 "$f"; done`:                   true,
		// The tree holds odd names (glob/.e*): the check for them is not
		// narrowed by -name.
		`for f in $(find . -name '*.go'); do head -1 "$f"; done`:                       false,
		`echo README.md | while read f; do cat "$f"; done`:                             true,
		`while read -r line; do echo "${line}"; done < files.txt`:                      true,
		`for f in $(find src -name '*.go'); do echo "$f: $(grep -c package $f)"; done`: true,
		`wc -l $(find src -name '*.go')`:                                               true,
		`head -3 $(find src -name '*.go' | head -1)`:                                   true,
		`grep -c package $(find src -type f)`:                                          true,
		`cat $(ls ~/.ssh | head -1)`:                                                   false, // names ls prints for ~/.ssh, read here
		`cat $(cd ~/.ssh \&\& ls)`:                                                     false,
		`ls -la $(which bash)`:                                                         true,
		`wc $(ls opt)`:                                                                 false, // -n: an option
		`cat "$(find src -name a.go)"`:                                                 false, // quoted: not followed
		`diff $(find src -name a.go) $(find src -name b.go)`:                           false,
	} {
		cases[cmd] = want
	}
	judgeRuns(t, set, proj, cases)
}

// TestSourceOutputOnly (judge-22): the names a loop, a substitution or
// xargs follows are the output of the source command alone. Its standard
// error sent down the pipe (2>&1, |&, 2>/dev/stdout, an enclosing one's)
// adds an error message's words, each a name in the working directory
// (such, file, directory), which the judge never walked; a shell run as
// the source (`bash -c 'echo .env; find src'`) writes every command's
// output there, not only its last one's. The attacks are run in the real
// bash first (C locale: the messages' words are known): each prints the
// secret.
func TestSourceOutputOnly(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		".ssh/id_rsa":   "-----BEGIN OPENSSH PRIVATE KEY-----\nKEY-SECRET\n",
		"proj/.env":     "API_KEY=ENV-SECRET\n",
		"proj/src/a.go": "package a\n",
		"proj/src/b.go": "package a\n",
		// A file secret by its content, above the directory a command
		// runs in, and a plain one of the same name there.
		"proj/notes.txt":     "token=ghp_0123456789abcdefghij0123456789abcdef\n",
		"proj/sub/notes.txt": "plain\n",
	})
	// A link a repository can hold, named as a word of find's message.
	if err := os.Symlink(filepath.Join(home, ".ssh/id_rsa"), filepath.Join(proj, "such")); err != nil {
		t.Fatal(err)
	}
	attacks := map[string]string{
		`cat $(find src -name '*.go' -newer nosuch 2>&1)`:                                 "KEY-SECRET",
		`find src -name '*.go' -newer nosuch 2>&1 | xargs cat`:                            "KEY-SECRET",
		`find src -name '*.go' -newer nosuch |& xargs cat`:                                "KEY-SECRET",
		`find src -name '*.go' -newer nosuch 2>/dev/stdout | xargs cat`:                   "KEY-SECRET",
		`for f in $(find src -name '*.go' -newer nosuch 2>&1); do cat "$f"; done`:         "KEY-SECRET",
		`bash -c "find src -name '*.go' -newer nosuch" 2>&1 | xargs cat`:                  "KEY-SECRET",
		`bash -c 'echo .env; find src -name "*.go"' | xargs cat`:                          "ENV-SECRET",
		`cat $(sh -c 'echo .env; find src -name "*.go"')`:                                 "ENV-SECRET",
		`for f in $(bash -c 'echo .env; find src -name "*.go"'); do cat "$f"; done`:       "ENV-SECRET",
		`bash -c 'echo .env; find src -name "*.go"' | while read -r f; do cat "$f"; done`: "ENV-SECRET",
	}
	for cmd, secret := range attacks {
		if _, err := exec.LookPath("bash"); err == nil {
			c := exec.Command("bash", "-c", cmd)
			c.Dir = proj
			c.Env = append(os.Environ(), "LC_ALL=C")
			out, _ := c.CombinedOutput()
			if !strings.Contains(string(out), secret) {
				t.Errorf("bash did not print %s for %q: %s", secret, cmd, out)
			}
		}
	}
	cases := map[string]bool{}
	for cmd := range attacks {
		cases[cmd] = false
	}
	for cmd, want := range map[string]bool{
		`cat $(find src -name '*.go' 2>/dev/null)`:                                        true,
		`find src -name '*.go' 2>/dev/null | xargs wc -l`:                                 true,
		`find src -name '*.go' 2>/dev/null | while read -r f; do wc -l "$f"; done`:        true,
		`bash -c 'find src -name "*.go"' | xargs wc -l`:                                   true,
		`for f in $(sh -c 'find src -name "*.go"'); do head -1 "$f"; done`:                true,
		`find src -name '*.go' | sort | xargs cat`:                                        true,
		`find src -name '*.go' 2>err.txt | xargs cat`:                                     false, // err.txt may be a link to /dev/stdout
		`find src -name '*.go' -newer nosuch 2>&1 | grep -v x | xargs cat`:                false,
		`cat $(bash -c 'find src -name "*.go"; echo .env')`:                               false,
		`cat $(bash -c 'find src -name "*.go" -newer nosuch' 2>&1)`:                       false,
		`{ find src -name '*.go' -newer nosuch; } 2>&1 | while read f; do cat "$f"; done`: false,
	} {
		cases[cmd] = want
	}
	judgeRuns(t, set, proj, cases)
	// $(SRC) drops the NUL bytes of SRC's output, joining the names: `find
	// . ./notes.txt -maxdepth 0 -print0` gives ../notes.txt, the file above.
	sub := filepath.Join(proj, "sub")
	nul := []string{
		`cat $(find . ./notes.txt -maxdepth 0 -print0)`,
		`for f in $(find . ./notes.txt -maxdepth 0 -print0); do cat "$f"; done`,
		`for f in $(find . ./notes.txt -maxdepth 0 -print0 | sort -z); do head "$f"; done`,
	}
	cases = map[string]bool{
		`find . -name '*.txt' -print0 | while IFS= read -r -d '' f; do wc -l "$f"; done`: true,
		`find . -name '*.txt' -print0 | xargs -0 wc -l`:                                  true,
		`for f in $(find . -name '*.txt'); do wc -l "$f"; done`:                          true,
	}
	for _, cmd := range nul {
		c := exec.Command("bash", "-c", cmd)
		c.Dir = sub
		if out, _ := c.CombinedOutput(); !strings.Contains(string(out), "ghp_") {
			t.Errorf("bash did not print the token for %q: %s", cmd, out)
		}
		cases[cmd] = false
	}
	judgeRuns(t, set, sub, cases)

	// A filter that numbers, counts or cuts its lines (cat -n, uniq -c,
	// grep -c/-n/-o, head -c) prints words that are no name SRC listed: a
	// count 1 names ./1, a link here; grep -o's a.go is ./a.go.
	if err := os.Symlink(filepath.Join(home, ".ssh/id_rsa"), filepath.Join(proj, "1")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(home, ".ssh/id_rsa"), filepath.Join(proj, "a.go")); err != nil {
		t.Fatal(err)
	}
	changed := []string{
		`cat $(find src -name a.go | cat -n)`,
		`cat $(find src -name a.go | uniq -c)`,
		`cat $(find src -name a.go | grep -c .)`,
		`cat $(find src -name a.go | grep -o '[^/]*$')`,
		`find src -name a.go | grep -n . | cut -d: -f1 | xargs cat`,
		`for f in $(find src -name a.go | sort | uniq --count); do cat "$f"; done`,
	}
	cases = map[string]bool{
		`cat $(find src -name '*.go' | sort | uniq | head -5)`:                               true,
		`find src -name '*.go' | grep -v b | xargs wc -l`:                                    true,
		`find src -name '*.go' | sort -r | head -n 1 | while read -r f; do wc -l "$f"; done`: true,
	}
	for _, cmd := range changed {
		c := exec.Command("bash", "-c", cmd)
		c.Dir = proj
		if out, _ := c.CombinedOutput(); !strings.Contains(string(out), "KEY-SECRET") {
			t.Errorf("bash did not print the key for %q: %s", cmd, out)
		}
		cases[cmd] = false
	}
	judgeRuns(t, set, proj, cases)
}
