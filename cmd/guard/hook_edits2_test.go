package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestHookGeminiPercentPath (edits-2): Gemini CLI 0.61.0 percent-decodes a
// file tool's path once it has made it absolute (resolveToRealPath calls
// decodeURIComponent), so write_file of %2Eenvrc wrote .envrc and
// read_file of server%2Ekey sent server.key to the model (shown with the
// real Gemini CLI: internal/agenttest). guard judged the literal names,
// plain files that do not exist, and allowed them in auto-edit. Both
// readings are judged now; an escape Gemini CLI does not decode (%zz), or
// a name without one, is judged as written, and %00 (a NUL once decoded)
// is refused.
func TestHookGeminiPercentPath(t *testing.T) {
	guard := hookGuard(t)
	base, _ := filepath.EvalSymlinks(t.TempDir())
	project := filepath.Join(base, "project")
	os.MkdirAll(filepath.Join(project, "src"), 0o755)
	os.WriteFile(filepath.Join(project, "server.key"), []byte("-----BEGIN PRIVATE KEY-----\n"), 0o600)
	env := hookEnv(t, base)
	outside := hookOutsideDir(t)
	up := strings.Repeat("..%2F", strings.Count(project, "/")+1)
	for _, tt := range []struct {
		tool, path string
		want       [3]string // suggest, auto-edit, full-auto, as Gemini CLI reads the answer
	}{
		{"write_file", "%2Eenvrc", [3]string{"deny", "deny", "deny"}},
		{"write_file", "%2evscode%2Ftasks.json", [3]string{"deny", "deny", "deny"}},
		{"replace", project + "/%2Egemini/settings.json", [3]string{"deny", "deny", "deny"}},
		{"write_file", "src%2F" + up + strings.TrimPrefix(outside, "/") + "/x", [3]string{"deny", "deny", "deny"}},
		{"read_file", "server%2Ekey", [3]string{"deny", "deny", "deny"}},
		{"grep_search", "%2E%2E", [3]string{"deny", "deny", "deny"}}, // the project's parent, which holds the home's keys
		{"write_file", "%00.txt", [3]string{"deny", "deny", "deny"}},
		{"write_file", "ok%20file.txt", [3]string{"deny", "allow", "allow"}},
		{"write_file", "src/%zz.go", [3]string{"deny", "allow", "allow"}},
	} {
		for i, mode := range editModes {
			input := map[string]any{"file_path": tt.path, "content": "x"}
			if tt.tool == "grep_search" {
				input = map[string]any{"pattern": "x", "dir_path": tt.path}
			}
			ans := hookAsk(t, guard, "gemini", project, hookWith(env, "GUARD_MODE="+mode), fileRequest("gemini", project, tt.tool, input))
			want := tt.want[i]
			if tt.tool == "read_file" || tt.tool == "grep_search" {
				if want == "allow" {
					want = "pass"
				}
			}
			if got := hookOutcome(ans); got != want && !(want == "pass" && got == "allow") {
				t.Errorf("%s %s %q: %s, want %s: %v", mode, tt.tool, tt.path, got, want, ans)
			}
		}
	}
}

// TestHookEditFoldedNames (edits-2): on a case-insensitive file system the
// agent's write of .ENV is the .env Gemini CLI loads into its own
// environment, and a write into work/XBIN one into the directory work/xbin
// on PATH; both were compared letter for letter and allowed in auto-edit.
func TestHookEditFoldedNames(t *testing.T) {
	guard := hookGuard(t)
	base, _ := filepath.EvalSymlinks(t.TempDir())
	home := filepath.Join(base, "home")
	env := hookEnv(t, base)
	bin := filepath.Join(home, "work", "xbin")
	os.MkdirAll(bin, 0o755)
	for i, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			env[i] = "PATH=" + bin + ":" + os.Getenv("PATH")
		}
	}
	// The home is the project: the PATH directory lies in the root.
	for _, tt := range []struct {
		agent, path string
	}{
		{"gemini", "sub/.ENV"},
		{"gemini", "sub/.Env"},
		{"claude-code", "work/XBIN/git"},
		{"claude-code", "Work/xbin/ls"},
	} {
		tool := map[string]string{"gemini": "write_file", "claude-code": "Write"}[tt.agent]
		ans := hookAsk(t, guard, tt.agent, home, hookWith(env, "GUARD_MODE=auto-edit"), fileRequest(tt.agent, home, tool, map[string]any{"file_path": tt.path, "content": "x"}))
		if got := hookOutcome(ans); got == "allow" || got == "pass" {
			t.Errorf("auto-edit %s write of %s: %s: %v", tt.agent, tt.path, got, ans)
		}
	}
	ans := hookAsk(t, guard, "claude-code", home, hookWith(env, "GUARD_MODE=auto-edit"), fileRequest("claude-code", home, "Write", map[string]any{"file_path": "src/binary.go", "content": "x"}))
	if got := hookOutcome(ans); got != "allow" {
		t.Errorf("auto-edit write of src/binary.go: %s: %v", got, ans)
	}
}

// TestHookEditWhileRunCanMoveRoot (edits-2): the record of a run in flight
// left out the shared temporary directories, where the sandbox makes no
// link. But a root inside one (a project in /tmp or $TMPDIR) may be
// renamed there, within its directory, with the links the run made in it:
// a sandboxed run made run.sh -> a file outside and renamed the project
// to notes, and the agent's Write of notes/run.sh, allowed by the hook
// just before, went to the file outside. While such a run lasts, an edit
// anywhere in that shared directory is asked; after it ends, allowed.
func TestHookEditWhileRunCanMoveRoot(t *testing.T) {
	guard := hookGuard(t)
	base, _ := filepath.EvalSymlinks(t.TempDir())
	env := hookWith(hookEnv(t, base), "TMPDIR="+base)
	hookRequireSandbox(t, guard, env)
	outside := hookOutsideDir(t)
	target := filepath.Join(outside, "bashrc")
	os.WriteFile(target, []byte("# the user's\n"), 0o644)
	project, notes := filepath.Join(base, "project"), filepath.Join(base, "notes")
	os.MkdirAll(project, 0o755)
	// The link's target is read at run time, so that the judge does not
	// see it (a sandboxed run may link anywhere).
	os.WriteFile(filepath.Join(project, "target.txt"), []byte(target), 0o644)
	script := `touch started; while [ ! -e go ]; do sleep 0.05; done; ln -s "$(cat target.txt)" run.sh && mv "$PWD" ../notes; echo $? > ../mv-status; sleep 30`
	r := startRun(t, guard, project, env, "--mode", "full-auto", "--", "bash", "-c", script)
	defer r.stop()
	if err := r.waitFor(filepath.Join(project, "started")); err != nil {
		t.Fatal(err)
	}
	edit := func(mode, dir, path string) map[string]any {
		req := fileRequest("claude-code", dir, "Write", map[string]any{"file_path": path, "content": "x"})
		return hookAsk(t, guard, "claude-code", dir, hookWith(env, "GUARD_MODE="+mode, "CLAUDE_PROJECT_DIR="+dir), req)
	}
	for _, mode := range []string{"auto-edit", "full-auto"} {
		for _, p := range []string{filepath.Join(notes, "run.sh"), filepath.Join(base, "elsewhere", "x")} {
			if ans := edit(mode, project, p); hookOutcome(ans) != "ask" || !strings.Contains(hookReason(ans), "still running") {
				t.Errorf("%s: Write %s while a run in %s can rename its root there: %s (%s); want ask", mode, p, base, hookOutcome(ans), hookReason(ans))
			}
		}
	}
	// What the run does next, and where the agent's write would land
	// where nothing pins the project (TestSharedRootPinned: with user
	// namespaces, and as root, the rename fails).
	os.WriteFile(filepath.Join(project, "go"), nil, 0o644)
	if err := r.waitFor(filepath.Join(base, "mv-status")); err != nil {
		t.Fatal(err)
	}
	after := project
	if _, err := os.Stat(notes); err == nil {
		after = notes
		if err := os.WriteFile(filepath.Join(notes, "run.sh"), []byte("planted\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(target); string(b) != "planted\n" {
			t.Fatalf("premise: the write of notes/run.sh did not land in %s (%q)", target, b)
		}
	}
	r.stop()
	if ans := edit("auto-edit", after, filepath.Join(base, "elsewhere", "x")); hookOutcome(ans) != "allow" {
		t.Errorf("auto-edit: Write elsewhere/x after the run ended: %s (%s); want allow", hookOutcome(ans), hookReason(ans))
	}
}

// TestHookEditThroughBindMount (edits-2): a directory of the home
// bind-mounted inside the project (a container's volume, `mount --bind`)
// shows the home's files under a second path, inside the roots, where the
// protected list, anchored at the home, did not name them: an Edit of
// project/hm/.profile (~/.profile) and of project/hm/.config/guard/config.toml
// (guard's own config) were allowed in auto-edit, and wrote the home's.
// A file is judged at the other paths the mount table gives it too; the
// mount's unprotected files are the project's, as for the sandbox.
func TestHookEditThroughBindMount(t *testing.T) {
	guard := hookGuard(t)
	if os.Geteuid() != 0 {
		t.Skip("making a bind mount needs root")
	}
	base, _ := filepath.EvalSymlinks(t.TempDir())
	env := hookEnv(t, base)
	home := filepath.Join(base, "home") // hookEnv's HOME, outside the project
	os.MkdirAll(filepath.Join(home, ".config", "guard"), 0o755)
	os.WriteFile(filepath.Join(home, ".profile"), []byte("# the user's\n"), 0o644)
	project := filepath.Join(base, "project")
	hm := filepath.Join(project, "hm")
	os.MkdirAll(hm, 0o755)
	if err := syscall.Mount(home, hm, "", syscall.MS_BIND, ""); err != nil {
		t.Skipf("bind mount: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(hm, syscall.MNT_DETACH) })
	for _, tt := range []struct {
		path, want string
	}{
		{"hm/.profile", "ask"},
		{"hm/.config/guard/config.toml", "ask"},
		{hm + "/.bashrc", "ask"},
		{"hm/notes.txt", "allow"},
		{"src/main.go", "allow"},
	} {
		req := fileRequest("claude-code", project, "Write", map[string]any{"file_path": tt.path, "content": "x"})
		ans := hookAsk(t, guard, "claude-code", project, hookWith(env, "GUARD_MODE=auto-edit", "CLAUDE_PROJECT_DIR="+project), req)
		if got := hookOutcome(ans); got != tt.want {
			t.Errorf("auto-edit Write %s: %s (%s); want %s", tt.path, got, hookReason(ans), tt.want)
		}
	}
}

// TestSharedRootPinned (edits-2): a project in a shared temporary
// directory (/tmp, $TMPDIR) that holds no protected path was not pinned,
// and a sandboxed or confined command could rename it there (`mv "$PWD"
// "$PWD.x"`, a rename within one directory of the shared root): the
// agent's hooks then started in a directory that was gone, and Codex
// applied the next patch unjudged. The project and the directories between
// it and the shared root are pinned now: the rename fails (EBUSY), and
// writing inside works as before.
func TestSharedRootPinned(t *testing.T) {
	guard := hookGuard(t)
	base, _ := filepath.EvalSymlinks(t.TempDir())
	env := hookWith(hookEnv(t, base), "TMPDIR="+base)
	hookRequireSandbox(t, guard, env)
	for _, mode := range []string{"full-auto", "auto-edit"} {
		project := filepath.Join(base, "p-"+mode, "project")
		os.MkdirAll(project, 0o755)
		script := `mv "$PWD" "$PWD.moved"; mv "${PWD%/*}" "${PWD%/*}.moved"; echo inside > kept.txt`
		if mode == "auto-edit" {
			script = `mv ` + project + ` ` + project + `.moved; echo inside > kept.txt`
		}
		r := hookRun(t, project, env, "", guard, "--mode", mode, "--", "bash", "-c", script)
		if _, err := os.Stat(filepath.Join(project, "kept.txt")); err != nil {
			t.Errorf("%s: the project was renamed (or the write inside failed): %v; exit %d, stderr %s", mode, err, r.code, r.stderr)
		}
		if _, err := os.Stat(project + ".moved"); err == nil {
			t.Errorf("%s: %s.moved exists: the command renamed its project", mode, project)
		}
	}
}
