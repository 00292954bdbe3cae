package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"
)

// TestNewProtectedNamesMovedAside: as root (a confined thread of guard's
// starts the program) and as an ordinary user (the child in a user
// namespace), guard its parent either way, protected names that did not
// exist when the command started and that it made, at the top of the root
// and on the way to the working directory, are moved aside once it has
// ended, kept, said on stderr, and the status 0 becomes 126. Ordinary
// files it made stay; a failing command keeps its status; a protected name
// that existed stays read-only as before; a directory on the way replaced
// by a link to one outside does not send the move there.
func TestNewProtectedNamesMovedAside(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	t.Run("root", func(t *testing.T) { testNewNames(t, nil) })
	t.Run("nobody", func(t *testing.T) {
		if ok, why := userNSAllowed(); !ok {
			sandboxtest.Skipf(t, "an ordinary user cannot make a user namespace here: %s", why)
		}
		testNewNames(t, &syscall.Credential{Uid: 65534, Gid: 65534})
	})
}

func testNewNames(t *testing.T, cred *syscall.Credential) {
	base := t.TempDir()
	exe := shareWith(t, base, cred)
	f := newFixture(t, base)
	proj := f.root
	app := filepath.Join(proj, "src", "app")
	home := filepath.Join(filepath.Dir(proj), "home")
	for _, d := range []string{app, home, filepath.Join(proj, ".idea"), filepath.Join(proj, ".git")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Outside the root, a directory the command links src to.
	if err := os.WriteFile(filepath.Join(f.outside, ".envrc"), []byte("outside\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	chownFixture(t, f, cred)
	p := Profile{WritableRoots: []string{proj}}
	Protect(&p, protect.Default(), home)
	// The directories' change times older than ctimeRacy: the first command
	// is looked after through them (a changed one is listed again), the
	// later ones, right after changes, by listing each.
	time.Sleep(ctimeRacy + 200*time.Millisecond)

	run := func(script string) outcome {
		return child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", script}, dir: app, exe: exe, cred: cred,
			env: []string{"HOME=" + home}}.run(t)
	}

	made := map[string]string{
		filepath.Join(proj, ".envrc"):                          "export PATH=/evil:$PATH\n",
		filepath.Join(proj, ".vscode", "tasks.json"):           `{"tasks":[{"runOptions":{"runOn":"folderOpen"}}]}`,
		filepath.Join(proj, ".claude", "settings.local.json"):  `{"hooks":{}}`,
		filepath.Join(proj, ".git", "commondir"):               "../../outside\n",
		filepath.Join(app, ".envrc"):                           "echo app\n",
		filepath.Join(proj, "src", ".tool-versions"):           "python path:/evil\n",
		filepath.Join(proj, "main.go"):                         "package main\n",
		filepath.Join(app, "notes.txt"):                        "notes\n",
		filepath.Join(proj, "src", "lib", ".envrc"):            "deeper than the way to the working directory\n",
		filepath.Join(proj, ".idea", "workspace.xml"):          "read-only: .idea existed\n",
		filepath.Join(proj, "src", "app", "sub", "x", "a.txt"): "x\n",
	}
	var script strings.Builder
	for path, content := range made {
		script.WriteString("mkdir -p '" + filepath.Dir(path) + "' && printf '%s' '" + content + "' > '" + path + "' || echo REFUSED " + path + "\n")
	}
	o := run(script.String())
	if o.ok || !strings.Contains(o.msg, "126") {
		t.Errorf("a command that made protected paths: %s, want exit status 126\nstdout: %s\nstderr: %s", o.msg, o.stdout, o.stderr)
	}
	// src/lib/.envrc: below the tops and the working directory's way, in a
	// directory made in one the scan listed (sixteenth red team).
	for _, moved := range []string{".envrc", ".vscode", ".claude", ".git/commondir", "src/app/.envrc", "src/.tool-versions", "src/lib/.envrc"} {
		path := filepath.Join(proj, moved)
		if exists(path) {
			t.Errorf("%s, made by the command, is still there", moved)
		}
		aside, _ := filepath.Glob(path + ".guard-blocked-*")
		if len(aside) != 1 {
			t.Errorf("%s: want one copy moved aside, found %v", moved, aside)
		}
		if !strings.Contains(o.stderr, path) || !strings.Contains(o.stderr, "guard moved it to "+path+".guard-blocked-") {
			t.Errorf("stderr does not say that %s was moved aside:\n%s", path, o.stderr)
		}
	}
	// Kept whole: the file's content, under the new name.
	if aside, _ := filepath.Glob(filepath.Join(proj, ".claude.guard-blocked-*", "settings.local.json")); len(aside) != 1 || readString(aside[0]) != `{"hooks":{}}` {
		t.Errorf(".claude's content was not kept: %v", aside)
	}
	for _, kept := range []string{"main.go", "src/app/notes.txt", "src/app/sub/x/a.txt"} {
		if !exists(filepath.Join(proj, kept)) {
			t.Errorf("%s, an ordinary file, was moved or not made", kept)
		}
	}
	if !strings.Contains(o.stdout, "REFUSED "+filepath.Join(proj, ".idea", "workspace.xml")) {
		t.Errorf(".idea existed at start: writing in it should have failed\nstdout: %s", o.stdout)
	}

	// Nothing protected made: the status stays the program's.
	if o := run("echo fine > more.txt"); !o.ok {
		t.Errorf("a command that made nothing protected: %s\n%s", o.msg, o.stderr)
	}
	if o := run("exit 3"); o.ok || !strings.Contains(o.msg, "exit status 3") {
		t.Errorf("a failing command: %s, want its own status 3", o.msg)
	}
	// A failing command that made one: moved aside, its status kept.
	if o := run("echo x > " + filepath.Join(proj, ".npmrc") + "; exit 4"); o.ok || !strings.Contains(o.msg, "exit status 4") || exists(filepath.Join(proj, ".npmrc")) {
		t.Errorf("a failing command that made .npmrc: %s, want status 4 and .npmrc moved aside\n%s", o.msg, o.stderr)
	}

	// The directory made unwritable after the name was made: guard, as the
	// same user, still moves it, and gives the owner's bits back, since
	// the agent works there next (modes_linux.go; root keeps the mode the
	// command left, which it overrides).
	if o := run("echo x > " + filepath.Join(proj, ".mcp.json") + " && chmod a-w " + proj); exists(filepath.Join(proj, ".mcp.json")) {
		t.Errorf(".mcp.json made, then the root made unwritable: still there\n%s", o.stderr)
	}
	if st, err := os.Stat(proj); err != nil || st.Mode().Perm() != afterMode(cred, 0o555, 0o755) {
		t.Errorf("the root's mode after the move: %v %v, want %04o", st.Mode(), err, afterMode(cred, 0o555, 0o755))
	}
	if err := os.Chmod(proj, 0o755); err != nil {
		t.Fatal(err)
	}

	// The command ends guard before its look: kill -9 $PPID, its process
	// group, every thread of it. Guard is out of the program's reach (as
	// root, a Landlock layer of the program's own; as an ordinary user, a
	// PID namespace), so the look happens and the name goes.
	o = run("echo x > " + filepath.Join(proj, ".envrc") + "; kill -9 $PPID; for t in /proc/$PPID/task/*; do kill -9 ${t##*/}; done; kill -9 0; echo after")
	if exists(filepath.Join(proj, ".envrc")) {
		t.Errorf(".envrc, made by a command that then killed guard, is still there: %s\n%s", o.msg, o.stderr)
	}
	if aside, _ := filepath.Glob(filepath.Join(proj, ".envrc.guard-blocked-*")); len(aside) != 2 {
		t.Errorf("want .envrc moved aside a second time, found %v", aside)
	}
	if o.ok {
		t.Errorf("a command that made .envrc and signalled guard: %s, want 126 or its signal", o.msg)
	}

	// The program dies of a signal the Go runtime keeps a handler for
	// (SIGSEGV: dash's stack overflow, a real fault, which PID 1 in a PID
	// namespace takes too): guard dies of the same signal, no traceback of
	// its own, and still looks first.
	o = run("echo x > " + filepath.Join(proj, ".envrc") + "; ulimit -s 256; f() { f; }; f")
	if o.killed != syscall.SIGSEGV || strings.Contains(o.stderr, "goroutine") {
		t.Errorf("a program killed by SIGSEGV: guard %s (killed by %v), want killed by SIGSEGV\n%.300s", o.msg, o.killed, o.stderr)
	}
	if exists(filepath.Join(proj, ".envrc")) {
		t.Errorf(".envrc, made by a program that then died of SIGSEGV, is still there\n%s", o.stderr)
	}

	// The directory made unsearchable and unreadable (chmod 000) after the
	// name was made, the root and a directory put in the place of one on
	// the way: guard, as the same user, still looks in them and moves it,
	// and gives the owner's bits back (the working directory's way).
	o = run("cd '" + proj + "' && mv src src.locked && mkdir -p src/app && echo x > src/app/.envrc && echo x > .envrc && chmod 000 src/app src . && echo made")
	for _, d := range []string{proj, filepath.Join(proj, "src"), app} {
		if st, err := os.Lstat(d); err != nil || st.Mode().Perm() != afterMode(cred, 0, 0o755) {
			t.Errorf("%s's mode after the move: %v %v, want %04o", d, st.Mode(), err, afterMode(cred, 0, 0o755))
		}
	}
	for _, d := range []string{proj, filepath.Join(proj, "src"), app} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(o.stdout, "made") {
		t.Fatalf("the command did not run to its end: %s\n%s", o.msg, o.stderr)
	}
	for _, moved := range []string{".envrc", "src/app/.envrc"} {
		if exists(filepath.Join(proj, moved)) {
			t.Errorf("%s, made, then its directories made unsearchable, is still there\n%s", moved, o.stderr)
		}
	}
	if err := os.RemoveAll(filepath.Join(proj, "src")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(proj, "src.locked"), filepath.Join(proj, "src")); err != nil {
		t.Fatal(err)
	}

	// The directories on the way put elsewhere and made again: the new ones
	// are looked in, whole.
	o = run("cd '" + proj + "' && mv src src.swapped && mkdir -p src/app && echo x > src/app/.envrc && echo y > src/.mcp.json && echo z > src/app/ok.txt")
	for _, moved := range []string{"src/app/.envrc", "src/.mcp.json"} {
		if exists(filepath.Join(proj, moved)) {
			t.Errorf("%s, made in a directory put in the old one's place, is still there\n%s", moved, o.stderr)
		}
	}
	if !exists(filepath.Join(proj, "src", "app", "ok.txt")) {
		t.Errorf("src/app/ok.txt, an ordinary file, was moved\n%s", o.stderr)
	}

	// The directory on the way replaced by a link to one outside holding
	// the name: the look stays in the directory that was there.
	o = run("cd '" + proj + "' && mv src src.old && ln -s '" + f.outside + "' src && echo x > src.old/app/.envrc")
	if readString(filepath.Join(f.outside, ".envrc")) != "outside\n" {
		t.Errorf("the move followed a link out of the root: %s's .envrc is gone\n%s", f.outside, o.stderr)
	}
	if exists(filepath.Join(proj, "src.old", "app", ".envrc")) {
		t.Errorf("src/app/.envrc, made in the renamed directory, is still there\n%s", o.stderr)
	}
}

// afterMode is the mode guard leaves on a directory of the working
// directory's way that the command changed from start to left: an
// ordinary user gets the owner's bits of start back, root keeps left.
func afterMode(cred *syscall.Credential, left, start os.FileMode) os.FileMode {
	if cred == nil || cred.Uid == 0 {
		return left
	}
	return left | start&0o700
}
