package policy_test

import (
	"testing"

	"guard/policy"
)

// undoable are commands that destroy uncommitted work or history inside the
// project, one group per variant class: each must be asked about in every
// mode, full-auto included (issue 16, point 4).
var undoable = map[string][]string{
	"git reset --hard": {
		"git reset --hard", "git reset --hard HEAD~1", "git reset HEAD~3 --hard", "git reset -q --hard origin/main",
		"git -C repo reset --hard", "git --no-pager reset --hard", "git -c core.x=y reset --hard",
	},
	"git clean": {"git clean -f", "git clean -fd", "git clean -fdx", "git clean -xdf", "git clean -dfx",
		"git clean -ffdx", "git clean --force -d", "git clean -f -d -x", "git clean -fd src/"},
	"git checkout discarding": {"git checkout -- .", "git checkout -- a.py b.py", "git checkout HEAD -- a.py",
		"git checkout HEAD~2 -- src", "git checkout .", "git checkout -f", "git checkout --force main",
		"git checkout -f main", "git checkout HEAD .", "git checkout main -- ."},
	"git restore (work tree)": {"git restore .", "git restore a.py", "git restore -- a.py",
		"git restore --source=HEAD~1 a.py", "git restore --staged --worktree a.py", "git restore -W .",
		"git restore -SW ."},
	"git reflog expire/delete": {"git reflog expire --expire=now --all", "git reflog delete HEAD@{1}"},
	"git stash drop/clear":     {"git stash drop", "git stash drop stash@{1}", "git stash clear"},
	"git branch -D":            {"git branch -D x", "git branch -d -f x", "git branch --delete --force x", "git branch -df x"},
	"git push --force":         {"git push --force", "git push -f origin main", "git push origin main --force"},
	"rm everything": {"rm -rf *", "rm -rf ./*", "rm -rf .*", "rm -rf ./.*", "rm -rf .", "rm -rf ./", "rm -rf .git",
		"rm -rf ./.git", "rm -fr .git/", "rm -r -f *", "rm *", "rm -rf * .git", "rm -rf build *",
		"rm -rf \"$PWD\"/*", "rm -rf $(pwd)/*", "rm -rf .[^.]*", "rm -r -f .", "rm -rf \"./\""},
	"quoting": {"'git' 'reset' '--hard'", "git reset \"--hard\"", "\"rm\" -rf '.git'", "rm -rf \\.git"},
	"wrappers": {"command rm -rf -- *", "\\rm -rf *", "timeout 5 git reset --hard", "nice -n 5 git clean -fdx",
		"env GIT_TRACE=0 git reset --hard", "nohup git checkout -- . &", "bash -c 'git reset --hard'",
		"sh -c \"rm -rf .git\"", "time git stash clear", "exec git reset --hard", "echo | xargs git reset --hard",
		"sudo git clean -fdx", "stdbuf -oL git reset --hard"},
	"paths": {"/usr/bin/git reset --hard", "/bin/rm -rf .git", "/usr/bin/rm -rf *"},
	"in a script": {"cd /testbed && git reset --hard", "git status; git reset --hard", "ls && rm -rf .git && echo done",
		"git stash && git stash drop", "for f in a b; do git checkout -- \"$f\"; done"},
}

// notUndoable build outputs and reversible git commands: never asked about
// because of a prompt rule (they are decided as before).
var notUndoable = []string{
	"rm -rf build", "rm -rf node_modules dist", "rm -rf .pytest_cache __pycache__", "rm -f a.pyc",
	"git reset", "git reset HEAD a.py", "git reset --soft HEAD~1", "git clean -n", "git clean -fdn",
	"git checkout main", "git checkout -b feature", "git restore --staged a.py", "git stash", "git stash pop",
	"git stash list", "git branch -d merged", "git push", "git push origin main", "git diff HEAD~1 -- a.ts",
	"rm -rf ./build", "rm -rf src/*.pyc",
}

func TestUndoableAskedInEveryMode(t *testing.T) {
	set := defaultSet(t)
	for class, cmds := range undoable {
		for _, cmd := range cmds {
			v := set.Judge([]string{"bash", "-c", cmd}, corpusCwd)
			if v.Prompt == "" {
				t.Errorf("%s: %q: no prompt rule matched (%s: %s)", class, cmd, v.Class, v.Why())
				continue
			}
			for _, mode := range []policy.Mode{policy.Suggest, policy.AutoEdit, policy.FullAuto} {
				if d := policy.Decide(&v, mode, corpusRoots); d.Action != policy.Ask && d.Action != policy.Refuse {
					t.Errorf("%s: %q in %s: %s, want ask", class, cmd, mode, d.Action)
				}
			}
		}
	}
	for _, cmd := range notUndoable {
		v := set.Judge([]string{"bash", "-c", cmd}, corpusCwd)
		if v.Prompt != "" {
			t.Errorf("%q: prompt rule %q matched, want none", cmd, v.Prompt)
		}
	}
}

// A prompt rule in the default beats an "always" allow in a later layer: the
// person is asked each time.
func TestPromptBeatsAllow(t *testing.T) {
	def, err := policy.Default()
	if err != nil {
		t.Fatal(err)
	}
	user, err := policy.Load("user.policy", []byte(`prefix_rule(pattern = ["git", "reset"], decision = "allow")`))
	if err != nil {
		t.Fatal(err)
	}
	set := policy.Set{def, user}
	v := set.Judge([]string{"git", "reset", "--hard"}, corpusCwd)
	if d := policy.Decide(&v, policy.FullAuto, corpusRoots); d.Action != policy.Ask {
		t.Errorf("git reset --hard with a user allow, full-auto: %s (%s), want ask", d.Action, d.Reason)
	}
	v = set.Judge([]string{"git", "reset", "HEAD", "x"}, corpusCwd)
	if d := policy.Decide(&v, policy.Suggest, corpusRoots); d.Action != policy.Run {
		t.Errorf("git reset HEAD x with a user allow: %s, want run", d.Action)
	}
}
