package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// allowRm is a remembered rule that would let `rm` run unasked: what
// another account writes into guard's configuration to loosen it.
const allowRm = "prefix_rule(pattern=[\"rm\"], decision=\"allow\")\n"

// TestConfigOfAnotherAccountRefused: guard run as root with another
// account's HOME (sudo -E, su -m) read that account's config.toml,
// policies, user.policy and trusted.json, which that account could loosen
// for root's commands: with its user.policy allowing rm, root's `guard --
// rm -rf DIR` ran unasked in suggest mode. The same for any of guard's own
// files or directories that another account may write (mode 0666, a
// directory 0777 without the sticky bit, one writable by a group with
// other members) or that a link leads to. Such a file is refused, one line,
// 125, nothing run; what is root's or this account's, a directory writable
// by all with the sticky bit (/tmp) and a group of one (umask 002) still
// load.
func TestConfigOfAnotherAccountRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the files belong to another account")
	}
	const other = 12345
	cases := []struct {
		name  string
		setup func(w *world) // w's configuration directory holds user.policy = allowRm
		runs  bool           // the rule is this account's: rm runs
	}{
		{"the home is another account's", func(w *world) { chownTree(t, w.home, other, other) }, false},
		{"user.policy is another account's", func(w *world) {
			os.Lchown(filepath.Join(w.configDir(), "user.policy"), other, other)
		}, false},
		{"a policy layer is writable by all", func(w *world) {
			os.Rename(filepath.Join(w.configDir(), "user.policy"), filepath.Join(w.configDir(), "team.policy"))
			os.Chmod(filepath.Join(w.configDir(), "team.policy"), 0o666)
		}, false},
		{"the configuration directory is writable by all", func(w *world) { os.Chmod(w.configDir(), 0o777) }, false},
		{"a directory above it is writable by a group with others in it", func(w *world) {
			os.Lchown(filepath.Join(w.home, ".config"), 0, other)
			os.Chmod(filepath.Join(w.home, ".config"), 0o775)
		}, false},
		{"the configuration directory is a link to another account's", func(w *world) {
			elsewhere := filepath.Join(w.root, "elsewhere")
			os.Rename(w.configDir(), elsewhere)
			os.Symlink(elsewhere, w.configDir())
			chownTree(t, elsewhere, other, other)
		}, false},
		{"a configured policy file is another account's", func(w *world) {
			p := filepath.Join(w.root, "team", "team.policy")
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.Rename(filepath.Join(w.configDir(), "user.policy"), p)
			os.Lchown(p, other, other)
			w.write(filepath.Join(w.configDir(), "config.toml"), "policies = [\""+p+"\"]\n", 0o644)
		}, false},
		{"config.toml is another account's", func(w *world) {
			p := filepath.Join(w.root, "team.policy") // root's own
			os.Rename(filepath.Join(w.configDir(), "user.policy"), p)
			w.write(filepath.Join(w.configDir(), "config.toml"), "policies = [\""+p+"\"]\n", 0o644)
			os.Lchown(filepath.Join(w.configDir(), "config.toml"), other, other)
		}, false},
		{"this account's, a group of one may write", func(w *world) {
			os.Lchown(w.configDir(), 0, 0) // root's group has root alone here
			os.Chmod(w.configDir(), 0o775)
		}, true},
		{"this account's", func(w *world) {}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			os.Chmod(w.root, 0o755)
			victim := filepath.Join(w.root, "victim")
			w.write(filepath.Join(victim, "precious"), "x", 0o644)
			w.write(filepath.Join(w.configDir(), "user.policy"), allowRm, 0o644)
			os.Chmod(filepath.Join(w.configDir(), "user.policy"), 0o644)
			c.setup(w)
			cmd := w.guardCmd("--", "rm", "-rf", victim)
			cmd.Stdin = nil
			r := execute(t, cmd)
			_, err := os.Stat(victim)
			if c.runs {
				if r.code != 0 || err == nil {
					t.Errorf("guard -- rm -rf victim with this account's rule: %s; want it run", r)
				}
				return
			}
			if err != nil {
				t.Errorf("guard -- rm -rf victim ran (%s): another account's file loosened guard", r)
			}
			line := strings.TrimSuffix(r.stderr, "\n")
			if r.code != 125 || strings.Contains(line, "\n") || !strings.Contains(line, "another account could change it") || !strings.Contains(line, "to allow it: ") {
				t.Errorf("guard -- rm -rf victim: %s; want 125 and one line saying whose file it is and what would allow it", r)
			}
		})
	}
}

// TestTrustRecordOfAnotherAccountRefused: trusted.json decides which
// project's .guard applies; one another account owns is refused as the
// rest of guard's configuration is, and the project's roots do not apply.
func TestTrustRecordOfAnotherAccountRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the file belongs to another account")
	}
	w := newWorld(t)
	victim := filepath.Join(w.root, "victim")
	w.write(filepath.Join(victim, "precious"), "x", 0o644)
	cfg := "mode = \"auto-edit\"\nwritable_roots = [\"" + victim + "\"]\n"
	w.write(filepath.Join(w.work, ".guard", "config.toml"), cfg, 0o644)
	sum := sha256.Sum256([]byte(cfg))
	rec, _ := json.Marshal([]map[string]any{{"project": w.work, "time": time.Now(),
		"files": []map[string]string{{"name": "config.toml", "sha256": hex.EncodeToString(sum[:])}}}})
	trusted := w.write(filepath.Join(w.configDir(), "trusted.json"), string(rec), 0o644)
	os.Lchown(trusted, 12345, 12345)
	r := execute(t, w.guardCmd("--mode", "auto-edit", "--", "touch", filepath.Join(victim, "made")))
	if _, err := os.Stat(filepath.Join(victim, "made")); err == nil || r.code != 125 || !strings.Contains(r.stderr, "another account could change it") {
		t.Errorf("guard -- touch in a root another account's trusted.json adds: %s; want 125, nothing made", r)
	}
}

// TestAuditLogInTempKeptFromSandbox: an audit log in $TMPDIR or /tmp
// (README's example of a moved log) stayed readable and writable inside
// full-auto's sandbox, for the guards run there through shims: a program
// guard ran sandboxed, unasked, read the tokens of earlier commands from it,
// truncated it (its own entry among those gone), wrote forged entries that
// `guard log` showed, and renamed it away. It is now guard's state there
// too: unreadable, read-only, not to be moved.
func TestAuditLogInTempKeptFromSandbox(t *testing.T) {
	w := newWorld(t)
	needSandbox(t, w, "full-auto")
	log := filepath.Join(w.root, "tmp", "audit.jsonl") // in $TMPDIR, a shared root
	w.setenv("GUARD_AUDIT_LOG", log)
	if r := execute(t, w.guardCmd("--", "echo", "sk-earlier-token-123")); r.code != 0 {
		t.Fatalf("guard -- echo: %s", r)
	}
	w.write(filepath.Join(w.work, "w.sh"), `#!/bin/sh
log=$(ls "$TMPDIR"/audit.*)
cat "$log" > leak.txt
printf '{"time":"2020-01-01T00:00:00Z","argv":["forged"],"decision":"run"}\n' > "$log"
mv "$log" "$log.gone"
exit 0
`, 0o755)
	if r := execute(t, w.guardCmd("--mode", "full-auto", "--", "./w.sh")); r.code != 0 {
		t.Fatalf("guard --mode full-auto -- ./w.sh: %s", r)
	}
	if b, _ := os.ReadFile(filepath.Join(w.work, "leak.txt")); strings.Contains(string(b), "sk-earlier-token-123") {
		t.Errorf("a sandboxed program read the audit log in $TMPDIR: the token of an earlier command")
	}
	b, err := os.ReadFile(log)
	if err != nil || strings.Contains(string(b), "forged") || !strings.Contains(string(b), "sk-earlier-token-123") || !strings.Contains(string(b), "w.sh") {
		t.Errorf("the audit log in $TMPDIR after a sandboxed program: %q, %v; want its entries, none forged", b, err)
	}
}

// chownTree gives dir and everything in it to uid:gid.
func chownTree(t *testing.T, dir string, uid, gid int) {
	t.Helper()
	filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err == nil {
			os.Lchown(p, uid, gid)
		}
		return nil
	})
}

// TestApprovedFileUnchanged: a person asked about `./run.sh` (or `sh
// run.sh`) reads run.sh before answering; the agent, working on in the
// background, rewrote it while the question was on the screen, and guard
// ran the new text on the "once" answer. A file inside the roots that the
// question names must be what it was when the question was put, or the
// answer is refused (126) and nothing runs.
func TestApprovedFileUnchanged(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		argv    []string
		replace bool // a new file renamed over it, else rewritten in place
	}{
		{[]string{"./run.sh"}, true},
		{[]string{"./run.sh"}, false},
		{[]string{"sh", "run.sh"}, true},
		{[]string{"sh", "-c", "./run.sh"}, false},
	} {
		w := newWorld(t)
		os.Remove(filepath.Join(w.configDir(), "e2e.policy")) // its sh -c rule is safe
		script := w.write("work/run.sh", "#!/bin/sh\necho REVIEWED\n", 0o755)
		t.Logf("%q", c.argv)
		tm := openTerminal(t)
		cmd := w.guardCmd(append([]string{"--mode", "suggest", "--"}, c.argv...)...)
		tm.start(cmd)
		tm.waitFor(promptText)
		if c.replace {
			w.write("work/run.sh.new", "#!/bin/sh\necho SWAPPED\n", 0o755)
			if err := os.Rename(script+".new", script); err != nil {
				t.Fatal(err)
			}
		} else if err := os.WriteFile(script, []byte("#!/bin/sh\necho SWAPPED\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		tm.typeIn("o\n")
		r := waitExit(t, cmd)
		if out := tm.drain(); r.code != 126 || strings.Contains(out, "SWAPPED") || !strings.Contains(out, "changed while the question was on the screen") {
			t.Errorf("%q, run.sh rewritten (renamed over: %v) at the prompt, answered o: %s; terminal %q; want 126, nothing run",
				c.argv, c.replace, r, out)
		}
	}
}

// TestApprovedFileUnchangedRuns: a file the question names that stays as
// it was runs on the answer.
func TestApprovedFileUnchangedRuns(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.write("work/run.sh", "#!/bin/sh\necho REVIEWED\n", 0o755)
	tm := openTerminal(t)
	cmd := w.guardCmd("--mode", "suggest", "--", "./run.sh")
	tm.start(cmd)
	tm.waitFor(promptText)
	tm.typeIn("o\n")
	if r := waitExit(t, cmd); r.code != 0 || !strings.Contains(tm.drain(), "REVIEWED") {
		t.Errorf("./run.sh unchanged, answered o: %s; terminal %q", r, tm.text())
	}
}
