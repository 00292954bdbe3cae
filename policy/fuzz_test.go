package policy

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"guard/policy/shell"
)

// forbiddenSeeds are argvs the default policy forbids; FuzzCheck mutates
// their options and checks none becomes safe.
var forbiddenSeeds = [][]string{
	{"rm", "-rf", "/"},
	{"rm", "-fr", "/"},
	{"rm", "-r", "-f", "/"},
	{"mkfs.ext4", "/dev/sda1"},
	{"dd", "if=/dev/zero", "of=/dev/sda"},
	{"shutdown", "now"},
	{"reboot"},
}

func defaultSet(t testing.TB) Set {
	t.Helper()
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return Set{p}
}

// FuzzCheck: Check never panics, is deterministic, and no option words
// added to a forbidden argv make it safe.
func FuzzCheck(f *testing.F) {
	for i, seed := range forbiddenSeeds {
		f.Add(strings.Join(seed, "\x00"), uint8(i), "-i")
	}
	// Every argv of the default's cases, so mutations start from real commands.
	if data, err := os.ReadFile("testdata/default_cases.txt"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			var argv []string
			if _, js, ok := strings.Cut(line, "\t"); ok && json.Unmarshal([]byte(js), &argv) == nil && len(argv) > 0 {
				f.Add(strings.Join(argv, "\x00"), uint8(len(argv)), "-v")
			}
		}
	}
	f.Add("ls\x00-la\x00/tmp", uint8(0), "--no-preserve-root")
	f.Add("git\x00status", uint8(3), "-v")
	f.Add("sed\x00-n\x001,5p\x00f", uint8(4), "--")
	set := defaultSet(f)
	f.Fuzz(func(t *testing.T, argvData string, which uint8, flags string) {
		argv := strings.Split(argvData, "\x00")
		a, b := set.Check(argv), set.Check(argv)
		if string(a.JSON()) != string(b.JSON()) {
			t.Fatalf("Check(%q) not deterministic:\n%s\n%s", argv, a.JSON(), b.JSON())
		}
		// The quick rejection never rejects a spec that matches.
		for _, p := range set {
			specs := p.programSpecs(argv[0])
			for i := range specs {
				if _, err := specs[i].match(argv[0], argv[1:]); err == nil && specs[i].cannotMatch(argv[1:]) {
					t.Fatalf("cannotMatch(%q) rejects %s, which matches", argv, specs[i].Pos)
				}
			}
		}
		seed := forbiddenSeeds[int(which)%len(forbiddenSeeds)]
		if r := set.Check(seed); r.Class != Forbidden {
			t.Fatalf("seed %q is %s, want forbidden", seed, r.Class)
		}
		// Insert every fuzzed word that looks like an option after the
		// program, one position further each time.
		mutated := append([]string(nil), seed...)
		pos := 1
		for _, w := range strings.Fields(flags) {
			if !strings.HasPrefix(w, "-") {
				w = "-" + w
			}
			if pos > len(mutated) {
				pos = len(mutated)
			}
			mutated = append(mutated[:pos], append([]string{w}, mutated[pos:]...)...)
			pos += 2
		}
		if r := set.Check(mutated); r.Class == Safe {
			t.Fatalf("Check(%q) = safe, mutated from forbidden %q", mutated, seed)
		}
	})
}

// FuzzJudge: judging a script never panics, and a script in which a parsed
// command is forbidden is judged forbidden.
func FuzzJudge(f *testing.F) {
	for _, s := range []string{
		"cd /tmp && ls -la | head",
		"echo $(rm -rf /)",
		"if true; then rm -rf /; fi",
		"bash -c 'rm -rf /'",
		"cat <<'EOF' > f.py\nprint(1)\nEOF",
		"timeout 5 rm -rf /",
		"ls > /etc/passwd",
		"ls )(",
	} {
		f.Add(s)
	}
	set := defaultSet(f)
	f.Fuzz(func(t *testing.T, src string) {
		v := set.Judge([]string{"bash", "-c", src}, "/work")
		script, err := shell.Parse(src, shell.Bash)
		if err != nil {
			return
		}
		for _, c := range script.Commands {
			if set.Check(c.Argv).Class == Forbidden && v.Class != Forbidden {
				t.Fatalf("Judge(%q) = %s, but it runs forbidden %q", src, v.Class, c.Argv)
			}
		}
	})
}

// FuzzFileContent: what the judge reads of a file in a tree (the configs
// that hold tokens, scripts, archives, ignore files), and the names it
// reads from one, never crash it: a file is the agent's to write. (A
// name ending in ".~" once did, through the protected list's backup names.)
func FuzzFileContent(f *testing.F) {
	for _, s := range []string{"[remote]\n\turl = https://x:ghp_abc@github.com\n", "//registry.npmjs.org/:_authToken=abc\n",
		"export TOKEN=abc\n", "-----BEGIN RSA PRIVATE KEY-----\nabc\n", "!.env\n", "\x1f\x8b\x08", "PK\x03\x04", "BZh91AY&SY", "notes.~"} {
		f.Add(s, 0)
	}
	dir := f.TempDir()
	names := []string{".npmrc", "config", ".gitconfig", "x.sh", ".bashrc", "a.gz", "a.zip", "a.bz2", ".gitignore", ".ignore",
		"x.b64", "x.txt", ".envrc", ".yarnrc.yml"}
	f.Fuzz(func(t *testing.T, s string, n int) {
		p := dir + "/" + names[(n%len(names)+len(names))%len(names)]
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		resetTokenBudget()
		contentSecret(p)
		tokenSecret(p)
		scriptSecret(p)
		exportedSecret(p)
		archiveFile(p)
		ignoreLines(p)
		whitelists(p)
		hiddenName(s)
		pathspecPath(s)
		globLiteral(s)
		shellPattern(s)
		secrets().Secret(dir+"/"+s, "/root")
	})
}
