package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// forgedEntry is a log line a program writes to make `guard log` show a
// command that never ran.
const forgedEntry = `{"time":"2026-01-01T00:00:00Z","cwd":"/","argv":["forged-entry"],"mode":"suggest","class":"safe","decision":"run","pid":1}` + "\n"

// TestRotatedLogIsGuardState: with the audit log moved into a writable root
// ($TMPDIR here; /tmp is the README's own example), its rotated PATH.1,
// which `guard log` reads as the older history, was no state of guard's:
// `cp forged LOG.1` ran unasked in auto-edit, an agent's edit tool could
// write it, and a full-auto program the judge cannot see through made it
// when none was there yet. Now each is refused or kept from the sandbox,
// and `guard log` shows no forged entry.
func TestRotatedLogIsGuardState(t *testing.T) {
	for _, mode := range []string{"auto-edit", "full-auto"} {
		w := newWorld(t)
		needSandbox(t, w, "full-auto")
		log := filepath.Join(w.root, "tmp", "audit.jsonl")
		w.setenv("GUARD_AUDIT_LOG", log)
		forged := w.write("work/forged.jsonl", forgedEntry, 0o644)
		if r := execute(t, w.guardCmd("--", "echo", "first")); r.code != 0 {
			t.Fatalf("guard -- echo first: %s", r)
		}
		if mode == "full-auto" {
			// A name the judge cannot see: the program computes it.
			w.write("work/w.sh", "#!/bin/sh\nlog=$(ls \"$TMPDIR\"/audit.*)\ncat forged.jsonl > \"$log.1\"\nexit 0\n", 0o755)
			if r := execute(t, w.guardCmd("--mode", mode, "--", "./w.sh")); r.code != 0 {
				t.Errorf("guard --mode full-auto -- ./w.sh: %s", r)
			}
			if r := execute(t, w.guardCmd("log", "--json")); strings.Contains(r.stdout, "forged-entry") {
				t.Errorf("guard log after a sandboxed program wrote LOG.1 (none was there): %s; want no forged entry", r)
			}
		}
		if r := execute(t, w.guardCmd("--mode", mode, "--", "cp", forged, log+".1")); r.code != 126 {
			t.Errorf("%s: guard -- cp forged LOG.1: %s; want 126, guard's state", mode, r)
		}
		if r := execute(t, w.guardCmd("explain", "--mode", mode, "--edit", log+".1")); !strings.Contains(r.stdout, "guard's own state") {
			t.Errorf("%s: guard explain --edit LOG.1: %s; want asked, guard's own state", mode, r)
		}
		r := execute(t, w.guardCmd("log", "--json"))
		if strings.Contains(r.stdout, "forged-entry") || !strings.Contains(r.stdout, "first") {
			t.Errorf("%s: guard log after the attempts: %s; want no forged entry", mode, r)
		}
	}
}

// TestRootLogNotInAnotherAccountsHome: root run with another account's
// HOME (sudo -E, su -m) and no configuration of guard's there wrote its
// audit log in that account's state directory, handed to that account,
// which could then read every command's arguments and erase or rewrite
// what root ran. Root's log now goes to root's own home (from the password
// file, which the test replaces in a mount namespace of its own so that
// the machine's root home is not written), and `guard log` reads it there.
func TestRootLogNotInAnotherAccountsHome(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the home belongs to another account")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("needs unshare(1) to give guard a password file of the test's")
	}
	top := t.TempDir()
	if err := os.Chmod(top, 0o755); err != nil {
		t.Fatal(err)
	}
	alice, rootHome := filepath.Join(top, "alice"), filepath.Join(top, "root")
	for _, d := range []string{alice, rootHome} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	chownTree(t, alice, 12345, 12345)
	passwd := filepath.Join(top, "passwd")
	if err := os.WriteFile(passwd, []byte("root:x:0:0:root:"+rootHome+":/bin/sh\nalice:x:12345:12345::"+alice+":/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	guard := guardBinary(t)
	asRoot := func(args ...string) (int, string, string) {
		t.Helper()
		script := `mount --bind "$0" /etc/passwd && exec "$@"`
		code, out, se := run3(t, unshare, []string{"PATH=/usr/bin:/bin", "HOME=" + alice}, top,
			append([]string{"-m", "sh", "-c", script, passwd, guard}, args...)...)
		if strings.Contains(se, "mount:") {
			t.Skipf("cannot bind a password file in a mount namespace here: %s", se)
		}
		return code, out, se
	}
	if code, out, se := asRoot("--", "echo", "sk-root-token-1"); code != 0 || out != "sk-root-token-1\n" || se != "" {
		t.Fatalf("guard -- echo as root with another account's HOME: exit %d, stdout %q, stderr %q", code, out, se)
	}
	filepath.Walk(alice, func(p string, fi os.FileInfo, err error) error {
		if err == nil && p != alice {
			t.Errorf("root's guard made %s in another account's home", p)
		}
		return nil
	})
	if b := readOr(t, filepath.Join(rootHome, ".local", "state", "guard", "audit.jsonl")); !strings.Contains(b, "sk-root-token-1") {
		t.Errorf("root's own log: %q; want the command's entry", b)
	}
	if code, out, _ := asRoot("log", "--json"); code != 0 || !strings.Contains(out, "sk-root-token-1") {
		t.Errorf("guard log as root with another account's HOME: exit %d, %q; want root's own log", code, out)
	}
}

// TestQuestionShowsBlankLetters: the question a person answers named a
// program "git" followed by a Hangul filler (U+3164, a letter that shows as
// blank) as 'gitㅤ', which reads as git; the Braille blank and the
// halfwidth filler the same, and a right-to-left letter turns the words
// around it on a terminal that lays out bidirectional text. Each is
// escaped, in the question and in guard log.
func TestQuestionShowsBlankLetters(t *testing.T) {
	w := newWorld(t)
	for _, r := range []rune{0x3164, 0x2800, 0xffa0, 0x05d0} {
		name := "git" + string(r)
		w.write(filepath.Join("work", name), "#!/bin/sh\necho RAN\n", 0o755)
		tm := openTerminal(t)
		cmd := w.guardCmd("--mode", "suggest", "--", "./"+name, "status")
		tm.start(cmd)
		tm.waitFor(promptText)
		tm.typeIn("n\n")
		waitExit(t, cmd)
		out := tm.drain()
		if strings.ContainsRune(out, r) || !strings.Contains(out, fmt.Sprintf(`\u%04x`, r)) {
			t.Errorf("the question for ./git%U: %q; want the character escaped", r, out)
		}
	}
	if r := execute(t, w.guardCmd("log")); strings.ContainsAny(r.stdout, "\u3164\u2800\uffa0\u05d0") {
		t.Errorf("guard log shows the blank letters as they are: %s", r)
	}
}

// TestNewcomerRootsAndPolicyDirs: a newcomer's configuration that names a
// file as a writable root, or a directory where guard reads policy files
// (team.policy, user.policy made with mkdir), was taken without a word: the
// root did nothing and the directory was skipped. Each is now one line and
// 125 with nothing run. A root that does not exist (mistyped, or a build
// directory not made yet) is dropped with one warning: writes there are
// asked about, where they ran confined and failed with "Read-only file
// system".
func TestNewcomerRootsAndPolicyDirs(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(w *world) []string // the arguments before "--"
	}{
		{"a file as a configured root", func(w *world) []string {
			w.write(filepath.Join(w.configDir(), "config.toml"), "writable_roots = [\""+w.write("afile", "x\n", 0o644)+"\"]\n", 0o644)
			return nil
		}},
		{"a file as --writable-root", func(w *world) []string {
			return []string{"--writable-root", w.write("afile", "x\n", 0o644)}
		}},
		{"a directory named team.policy", func(w *world) []string {
			os.Mkdir(filepath.Join(w.configDir(), "team.policy"), 0o755)
			return nil
		}},
		{"a directory named user.policy", func(w *world) []string {
			os.Mkdir(filepath.Join(w.configDir(), "user.policy"), 0o755)
			return nil
		}},
	} {
		w := newWorld(t)
		args := append(c.setup(w), "--", "echo", "RAN")
		r := execute(t, w.guardCmd(args...))
		if r.code != 125 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: guard %q: %s; want 125, one line, nothing run", c.name, args, r)
		}
	}
	w := newWorld(t)
	outside, err := os.MkdirTemp("/var/tmp", "guard-trust4-") // not below /tmp, a root of its own
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(outside) })
	missing := filepath.Join(outside, "scrach")
	w.write(filepath.Join(w.configDir(), "config.toml"), "writable_roots = [\""+missing+"\"]\n", 0o644)
	r := execute(t, w.guardCmd("--mode", "auto-edit", "--", "mkdir", "-p", filepath.Join(missing, "sub")))
	if r.code != 126 || !strings.Contains(r.stderr, "is no root") || strings.Contains(r.stderr, "Read-only") {
		t.Errorf("a missing configured root, guard -- mkdir -p ROOT/sub in auto-edit: %s; want a warning, then 126 (asked)", r)
	}
}
