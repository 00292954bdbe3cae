package policy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// editTree makes a project with a symlink to a directory outside it and
// one inside it, and returns the project, the outside directory and a home.
func editTree(t *testing.T) (project, outside, home string) {
	t.Helper()
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	project, outside, home = filepath.Join(base, "p"), filepath.Join(base, "out"), filepath.Join(base, "home")
	for _, d := range []string{project + "/src", project + "/.git/hooks", outside, home + "/.ssh"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		project + "/escape": outside,          // a symlinked directory out of the project
		project + "/inner":  project + "/src", // one that stays inside
		project + "/hooks":  ".git/hooks",     // one into git's hooks
		project + "/dangle": outside + "/new", // a dangling one: a write creates its target
	} {
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	return project, outside, home
}

func TestDecideEdit(t *testing.T) {
	project, outside, home := editTree(t)
	roots := []string{project}
	type want struct{ suggest, autoEdit, fullAuto policy.Action }
	inside := want{policy.Ask, policy.Run, policy.Run}
	out := want{policy.Ask, policy.Ask, policy.Refuse}
	for _, tt := range []struct {
		name  string
		paths []string
		want  want
	}{
		{"a file inside", []string{project + "/src/main.go"}, inside},
		{"a new directory inside", []string{project + "/new/dir/f"}, inside},
		{"through a symlink that stays inside", []string{project + "/inner/x.go"}, inside},
		{"dot-dot that stays inside", []string{project + "/src/../README.md"}, inside},
		{"dot-dot out of the project", []string{project + "/src/../../out/x"}, out},
		{"an absolute path outside", []string{"/etc/cron.d/x"}, out},
		{"through a symlinked directory out", []string{project + "/escape/x"}, out},
		{"dot-dot after a symlink", []string{project + "/inner/../../out/y"}, out},
		{"a dangling symlink out", []string{project + "/dangle"}, out},
		{"one of two outside", []string{project + "/a", outside + "/b"}, out},
		{"git hook", []string{project + "/.git/hooks/pre-commit"}, out},
		{"git hook through a symlink", []string{project + "/hooks/pre-commit"}, out},
		{"git config", []string{project + "/.git/config"}, out},
		{"envrc", []string{project + "/.envrc"}, out},
		{"vscode tasks", []string{project + "/.vscode/tasks.json"}, out},
		{"claude settings", []string{project + "/.claude/settings.json"}, out},
		{"shell start-up file in home", []string{home + "/.bashrc"}, out},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, m := range []struct {
				mode policy.Mode
				want policy.Action
			}{{policy.Suggest, tt.want.suggest}, {policy.AutoEdit, tt.want.autoEdit}, {policy.FullAuto, tt.want.fullAuto}} {
				d := policy.DecideEdit(tt.paths, m.mode, roots, nil, home)
				if d.Action != m.want {
					t.Errorf("DecideEdit(%q, %s) = %s (%s), want %s", tt.paths, m.mode, d.Action, d.Reason, m.want)
				}
				if m.want != policy.Run && d.Reason == "" {
					t.Errorf("DecideEdit(%q, %s) gives no reason", tt.paths, m.mode)
				}
			}
		})
	}
	// The reason names the entry of the protected list that matched.
	d := policy.DecideEdit([]string{project + "/.envrc"}, policy.AutoEdit, roots, nil, home)
	if !strings.Contains(d.Reason, "protected .envrc: ") {
		t.Errorf("reason %q does not name the entry", d.Reason)
	}
}

func TestDecideRead(t *testing.T) {
	project, _, home := editTree(t)
	if err := os.Symlink(home+"/.ssh/id_ed25519", project+"/key"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path   string
		secret bool
	}{
		{project + "/src/main.go", false},
		{project, false},
		{"/etc/passwd", false},
		{project + "/.env", true},
		{project + "/.env.local", true},
		{project + "/.env.example", false},
		{project + "/certs/server.key", true},
		{home + "/.ssh/id_ed25519", true},
		{home + "/.ssh", true}, // a search of the directory reads the keys
		{home, true},
		{"/etc/shadow", true},
		{"/proc/1/environ", true},
		{project + "/inner/../.env", true},
		{project + "/key", true}, // a symlink to the SSH key
	} {
		for _, m := range []struct {
			mode   policy.Mode
			secret policy.Action
		}{{policy.Suggest, policy.Ask}, {policy.AutoEdit, policy.Ask}, {policy.FullAuto, policy.Refuse}} {
			d, reads := policy.DecideRead([]string{tt.path}, m.mode, nil, home)
			want := policy.Run
			if tt.secret {
				want = m.secret
			}
			if d.Action != want {
				t.Errorf("DecideRead(%s, %s) = %s (%s), want %s", tt.path, m.mode, d.Action, d.Reason, want)
			}
			if tt.secret && (reads[0].Secret == "" || !strings.Contains(d.Reason, "secret ")) {
				t.Errorf("DecideRead(%s) reason %q, read %+v: no entry named", tt.path, d.Reason, reads[0])
			}
		}
	}
}

func TestJudgeApplyPatch(t *testing.T) {
	project, outside, _ := editTree(t)
	set := defaultSet(t)
	roots := []string{project}
	patchInside := "*** Begin Patch\n*** Add File: src/new.go\n+package src\n*** Update File: src/a.go\n*** Move to: inner/b.go\n@@\n-x\n+y\n*** End Patch\n"
	patchMoveOut := "*** Begin Patch\n*** Update File: src/a.go\n*** Move to: escape/a.go\n@@\n-x\n+y\n*** End Patch\n"
	patchHook := "*** Begin Patch\n*** Add File: .git/hooks/pre-commit\n+#!/bin/sh\n*** End Patch\n"
	for _, tt := range []struct {
		name   string
		argv   []string
		writes []string // resolved
		want   [3]policy.Action
	}{
		{"heredoc inside", []string{"bash", "-lc", "apply_patch <<'EOF'\n" + patchInside + "EOF\n"},
			[]string{project + "/src/new.go", project + "/src/a.go", project + "/src/b.go"},
			[3]policy.Action{policy.Ask, policy.Run, policy.RunSandboxed}},
		{"cd then heredoc", []string{"bash", "-lc", "cd src && applypatch <<'EOF'\n" + strings.ReplaceAll(patchInside, "src/", "") + "EOF"},
			[]string{project + "/src/new.go", project + "/src/a.go", project + "/src/inner/b.go"},
			[3]policy.Action{policy.Ask, policy.Run, policy.RunSandboxed}},
		{"argv form", []string{"apply_patch", patchInside},
			[]string{project + "/src/new.go", project + "/src/a.go", project + "/src/b.go"},
			[3]policy.Action{policy.Ask, policy.Run, policy.RunSandboxed}},
		{"move out of the roots", []string{"bash", "-c", "apply_patch <<'EOF'\n" + patchMoveOut + "EOF"},
			[]string{project + "/src/a.go", outside + "/a.go"},
			[3]policy.Action{policy.Ask, policy.Ask, policy.Refuse}},
		{"git hook", []string{"bash", "-c", "apply_patch <<'EOF'\n" + patchHook + "EOF"},
			[]string{project + "/.git/hooks/pre-commit"},
			[3]policy.Action{policy.Ask, policy.Ask, policy.Refuse}},
		{"malformed", []string{"bash", "-c", "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: a\nnot added\n*** End Patch\nEOF"},
			nil, [3]policy.Action{policy.Refuse, policy.Refuse, policy.Refuse}},
		{"among other commands", []string{"bash", "-c", "ls && apply_patch <<'EOF'\n" + patchHook + "EOF"},
			[]string{project + "/.git/hooks/pre-commit"},
			[3]policy.Action{policy.Ask, policy.Ask, policy.Refuse}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := set.Judge(tt.argv, project)
			for i, mode := range []policy.Mode{policy.Suggest, policy.AutoEdit, policy.FullAuto} {
				d := policy.Decide(&v, mode, roots)
				if d.Action != tt.want[i] {
					t.Errorf("%s: %s (%s), want %s", mode, d.Action, d.Reason, tt.want[i])
				}
			}
			var got []string
			for _, w := range v.Writes {
				got = append(got, policy.Resolve(w, "/"))
			}
			if strings.Join(got, " ") != strings.Join(tt.writes, " ") {
				t.Errorf("writes %q, want %q", got, tt.writes)
			}
		})
	}
	v := set.Judge([]string{"bash", "-c", "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: a\nnot added\n*** End Patch\nEOF"}, project)
	if !strings.Contains(v.Why(), `malformed patch: line 3: not a file header`) || !strings.Contains(v.Why(), `"not added"`) {
		t.Errorf("malformed patch: %q does not name the line", v.Why())
	}
}

// TestJudgeApplyPatchTargets: a patch path is also judged where Codex's
// apply_patch writes it: "~/" expanded, ".." cleaned before symlinks.
func TestJudgeApplyPatchTargets(t *testing.T) {
	project, _, home := editTree(t)
	t.Setenv("HOME", home)
	def, err := policy.Default()
	if err != nil {
		t.Fatal(err)
	}
	v := policy.Set{def}.Judge([]string{"bash", "-c", "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: ~/.bashrc\n+x\n*** Delete File: escape/../z\n*** End Patch\nEOF"}, project)
	var got []string
	for _, w := range v.Writes {
		got = append(got, policy.Resolve(w, "/"))
	}
	want := []string{project + "/~/.bashrc", home + "/.bashrc", filepath.Dir(project) + "/z", project + "/z"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("writes %q, want %q", got, want)
	}
}
