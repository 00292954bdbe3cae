package policy_test

import (
	"os"
	"testing"

	"guard/policy"
)

// destructiveVariants are the red-team pass's classes of commands that
// destroy work inside the roots and that no prompt rule of the policy
// names: each must be asked about in every mode, full-auto included.
var destructiveVariants = map[string][]string{
	"rm -r of every entry (glob, brace)": {"rm -rf {*,.*}", "rm -rf {.*,*}", "rm -r -f {*,.[!.]*}", "rm -rf ./{*,.*}",
		"rm -rf .??*", "rm -Rf ?*"},
	"rm -r reaching a parent": {"cd src && rm -rf ../*", "cd src; rm -rf ../.*", "rm -rf ../proj", "rm -rf ../",
		"rm -rf src/../..", "cd a/b && rm -rf ../../*"},
	"rm -r of a run-time path": {"rm -rf ~+", "rm -rf ~+/*", "rm -rf \"$(git rev-parse --show-toplevel)\"",
		"rm -rf `pwd`", "rm -rf \"$DIR\"", "rm -rf ${OUT:-.}", "sudo rm -rf \"$X\"", "timeout 5 rm -rf $(pwd)"},
	"find deleting": {"find . -delete", "find . -type f -delete", "find . -type f -exec rm {} +",
		"find . -name '*.py' -exec rm -f {} \\;", "find src -execdir rm {} +", "find . -exec /bin/rm -rf {} +",
		"find . -ok rm {} \\;", "find . -exec shred -u {} +", "find . -exec truncate -s0 {} +"},
	"xargs feeding a remover or git": {"ls | xargs rm -rf", "find . | xargs rm", "git ls-files | xargs git rm -f",
		"echo x | xargs -0 rm -f", "ls | xargs -I{} rm -rf {}", "ls | xargs -n1 git checkout --", "ls | xargs unlink"},
	"git switch/checkout discarding": {"git switch -f main", "git switch --discard-changes main",
		"git switch --force main", "git -C . switch -f x", "git checkout --force"},
	"git rm -f": {"git rm -rf .", "git rm -f a.py", "git rm -r --force src"},
	"git read-tree/update-ref": {"git read-tree -u --reset HEAD", "git read-tree -m -u HEAD", "git read-tree --reset HEAD",
		"git update-ref -d refs/heads/main", "git update-ref refs/heads/main HEAD~3", "git update-ref --stdin"},
	"git push refspecs": {"git push origin +main", "git push origin :main", "git push --mirror", "git push origin --delete main",
		"git push -d origin x", "git push --prune origin", "git push origin +HEAD:main", "git push --force-with-lease --force"},
	"git resetting a branch": {"git switch -C main origin/main", "git checkout -B main", "git branch -f main HEAD~3",
		"git branch --force x y", "git checkout-index -f -a", "git worktree remove --force ../wt"},
	"rm of every file (no -r)": {"cd src && rm -f ../*", "rm -f {*,.*}", "rm ../.*", "shred -u *", "truncate -s 0 ./*"},
	"more spellings": {"rm -rf -- {*,.*}", "rm -rf \"../proj\"", "rm -rf \"$OLDPWD\"", "rm -r -f $(ls)", "ls | xargs -n1 rm -rf",
		"git ls-files -z | xargs -0 rm -f", "find . -maxdepth 1 ! -name . -exec rm -rf {} +",
		"find . -type f -print0 | xargs -0 shred -u", "git switch --discard-changes -", "git checkout --force .",
		"git update-ref -d HEAD", "git push origin :refs/heads/main", "git push origin '+refs/heads/*:refs/heads/*'",
		"git read-tree --reset -u HEAD", "git rm -r -f --quiet ."},
	"a shell run by find or xargs": {"find . -name '*.py' -exec sh -c 'rm \"$1\"' _ {} \\;",
		"ls | xargs -I{} bash -c 'rm -rf {}'", "find . -exec bash -c 'git checkout -- \"$0\"' {} \\;"},
	"git alias on the command line": {"git -c alias.x='reset --hard' x", "git -c 'alias.n=!rm -rf .' n",
		"git --config-env=alias.y=CMD y", "git -c Alias.z=clean\\ -fdx z"},
	"git history": {"git gc --prune=now", "git prune", "git filter-branch --tree-filter x HEAD", "git branch -M x main"},
	"git stash drop in wrappers": {"timeout 5 env A=1 git stash drop", "nice git -C . stash drop", "sudo git stash clear",
		"command git stash drop", "bash -c 'git stash drop'", "git --no-pager stash drop -q"},
}

// ordinaryRemovals are writes of a project's own outputs: never asked
// about because of the destructive classes.
var ordinaryRemovals = []string{
	"rm -rf build", "rm -rf node_modules dist", "rm -rf ./tmp/*", "rm -rf src/*.pyc", "rm -f *.o", "rm -rf tmp/*",
	"find . -name '*.pyc'", "find . -type f -name x", "ls | xargs grep x", "git switch main", "git switch -c x",
	"git rm --cached -r .", "git rm a.py", "git push origin main", "git push -u origin feature", "git gc",
	"git read-tree HEAD", "git stash list", "git stash pop",
}

func TestDestructiveAskedInEveryMode(t *testing.T) {
	set := defaultSet(t)
	for class, cmds := range destructiveVariants {
		for _, cmd := range cmds {
			v := set.Judge([]string{"bash", "-c", cmd}, corpusCwd)
			if v.Class == policy.Forbidden {
				continue
			}
			for _, mode := range []policy.Mode{policy.Suggest, policy.AutoEdit, policy.FullAuto} {
				if d := policy.Decide(&v, mode, corpusRoots); d.Action != policy.Ask {
					t.Errorf("%s: %q in %s: %s (%s: %s), want ask", class, cmd, mode, d.Action, v.Class, v.Why())
				}
			}
		}
	}
	for _, cmd := range ordinaryRemovals {
		v := set.Judge([]string{"bash", "-c", cmd}, corpusCwd)
		if v.Prompt != "" {
			t.Errorf("%q: asked in every mode (%s), want an ordinary command", cmd, v.Prompt)
		}
		if d := policy.Decide(&v, policy.FullAuto, corpusRoots); d.Action == policy.Ask {
			t.Errorf("%q: full-auto asks (%s)", cmd, d.Reason)
		}
	}
}

// A recursive rm whose target is the project itself, an ancestor of it or
// another repository's work tree is asked about in every mode, however it
// is spelled: a literal absolute path, a cd first, a parent.
func TestRemovesProjectAsked(t *testing.T) {
	set := defaultSet(t)
	base := t.TempDir()
	proj := base + "/proj"
	for _, d := range []string{proj + "/.git", proj + "/src", proj + "/build", proj + "/vendor/lib/.git"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	roots := []string{proj}
	ask := map[string][]string{
		proj: {"cd .. && rm -rf proj", "cd ..; rm -rf proj/", "rm -rf " + proj, "rm -rf " + base, "rm -r -f -- " + proj + "/",
			"rm -rf vendor/lib", "cd vendor && rm -rf lib", "/bin/rm -rf " + proj},
		proj + "/src": {"rm -rf ..", "rm -rf ../*", "cd .. && rm -rf .", "rm -rf " + proj},
	}
	for cwd, cmds := range ask {
		for _, cmd := range cmds {
			v := set.Judge([]string{"bash", "-c", cmd}, cwd)
			if v.Class == policy.Forbidden {
				continue
			}
			if d := policy.Decide(&v, policy.FullAuto, roots); d.Action != policy.Ask {
				t.Errorf("in %s: %q in full-auto: %s (%s), want ask", cwd, cmd, d.Action, d.Reason)
			}
		}
	}
	// A shell expanded `rm -rf *` before guard saw it (a shim, guard -- rm):
	// every entry named one by one.
	for _, argv := range [][]string{{"rm", "-rf", "build", "src", "vendor"}, {"/bin/rm", "-r", "-f", proj + "/build", proj + "/src", proj + "/vendor"}} {
		v := set.Judge(argv, proj)
		if d := policy.Decide(&v, policy.FullAuto, roots); d.Action != policy.Ask {
			t.Errorf("%q in full-auto: %s (%s), want ask", argv, d.Action, d.Reason)
		}
	}
	for _, cmd := range []string{"rm -rf build", "rm -rf src/x", "cd src && rm -rf gen", "rm -rf build/*", "rm -rf build src"} {
		v := set.Judge([]string{"bash", "-c", cmd}, proj)
		if d := policy.Decide(&v, policy.FullAuto, roots); d.Action != policy.RunSandboxed {
			t.Errorf("%q in full-auto: %s (%s), want sandbox", cmd, d.Action, d.Reason)
		}
	}
}
