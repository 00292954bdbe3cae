package policy_test

import (
	"os"
	"path/filepath"
	"testing"

	"guard/policy"
)

// TestEighthBatchClasses: the forms added after the eighth held-out batch
// (git's local history writers, compressing and packing into the
// project, the writers' output options, printf's dash words, blame -C,
// check-ignore, the system queries) run as their class says in suggest
// and auto-edit mode, and their near misses (an editor, a program run, a
// remote archive, a secret packed or compressed, a write outside the
// roots) do not. Each command is judged as `bash -c CMD` in a small
// repository with a temporary HOME.
func TestEighthBatchClasses(t *testing.T) {
	set := defaultSet(t)
	home, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	proj := filepath.Join(home, "proj")
	for name, content := range map[string]string{
		"src/a.ts": "export {}\n", "dist/app.js": "x\n", "data/big.csv": "a,b\n", "notes.txt": "n\n",
		"pom.xml": "<a/>\n", "in.txt": "a\na\n", "conf/server.key": "k\n", ".git/HEAD": "ref: refs/heads/main\n",
		"tok.txt": "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789abcd\n", "withsecret/.env": "X=1\n",
		"app.properties": "db.password=hunter2\n",
	} {
		p := filepath.Join(proj, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		cmd               string
		suggest, autoEdit bool
	}{
		// git's history writers, run in auto-edit like commit.
		{"git merge feat/search", false, true}, {"git merge --no-ff -m 'Merge x' feat/search", false, true},
		{"git merge --ff-only origin/main", false, true}, {"git rebase main", false, true},
		{"git rebase --onto main v1 topic", false, true}, {"git cherry-pick -x abc1234", false, true},
		{"git revert --no-edit HEAD", false, true}, {"git notes add -m reviewed HEAD", false, true},
		{"git merge -e feat/x", false, false}, {"git merge -s ours feat/x", false, false}, {"git merge --abort", false, false},
		{"git rebase -i HEAD~3", false, false}, {"git rebase --exec 'make test' main", false, false},
		{"git rebase -x id main", false, false}, {"git rebase --continue", false, false}, {"git cherry-pick -e abc", false, false},
		{"git revert -S HEAD", false, false}, {"git -C /tmp merge x", false, false}, {"git notes add -f -m x", false, false},
		// Compressing in place: the inputs are reads (secrets), the outputs beside them.
		{"gzip -k data/big.csv", false, true}, {"gzip -9 notes.txt", false, true}, {"xz -k data/big.csv", false, true},
		{"bzip2 -k notes.txt", false, true}, {"gzip conf/server.key", false, false}, {"gzip -k tok.txt", false, false},
		{"gzip -d data/big.csv.gz", false, false}, {"gzip -f notes.txt", false, false}, {"gzip -S .sh notes.txt", false, false},
		{"gzip ../x", false, false}, {"gzip -r src", false, false},
		// Packing: the archive written, the sources read; a secret in them is a secret read.
		{"tar -czf backup.tar.gz src/", false, true}, {"tar czf b.tgz src dist", false, true},
		{"tar -cJf a.tar.xz --exclude='*.log' dist", false, true}, {"zip -r dist.zip dist/", false, true},
		{"zip -rq src.zip src notes.txt", false, true},
		{"tar -czf b.tgz .", false, false}, {"tar -czf b.tgz withsecret", false, false}, {"zip -r c.zip conf", false, false},
		{"tar -czf b.tgz tok.txt", false, false}, {"tar -czf host:b.tgz src", false, false},
		{"tar -czf b.tgz --remove-files src", false, false}, {"tar -czf b.tgz -h src", false, false},
		{"tar -I sh -cf b.tar src", false, false}, {"tar -cf b.tar --checkpoint-action=exec=id src", false, false},
		{"zip -r x.zip src -TT sh -T", false, false}, {"zip -m x.zip notes.txt", false, false},
		{"tar -czf ../b.tgz src", false, false}, {"tar -xzf b.tgz", false, false},
		// Writers' output options.
		{"uniq in.txt out.txt", false, true}, {"uniq -c in.txt ../out.txt", false, false},
		{"xmllint --format --output pom.formatted.xml pom.xml", false, true},
		{"xmllint --noent --output x.xml pom.xml", false, false},
		{"git diff --output=changes.patch", false, true}, {"git diff --output=/etc/x.patch", false, false},
		{"git diff --output=x --ext-diff", false, false},
		// printf: a dash word after the format is printed; -v assigns.
		{`printf '%s\n' "--- Summary ---"`, true, true}, {"printf -v PATH /tmp", false, false},
		{"printf -vPATH /tmp; ls", false, false}, {"printf '%s' -v PATH", false, false},
		// Reads: blame -C, check-ignore of a secret's name, system queries, versions.
		{"git blame -w -C src/a.ts | head -60", true, true}, {"git blame -C -C -L 1,5 src/a.ts", true, true},
		{"git blame -C .env", false, false}, {"git -c core.pager=sh blame -C src/a.ts", false, false},
		{"git check-ignore .env && echo ignored", true, true}, {"git check-ignore -v dist/app.js src/a.ts", true, true},
		{"blkid", true, true}, {"blkid -s UUID -o value /dev/sda1", true, true}, {"blkid -c /tmp/c", false, false},
		{"logrotate -d /etc/logrotate.d/nginx", true, true}, {"logrotate -d .env", false, false},
		{"logrotate -f /etc/logrotate.d/nginx", false, false}, {"logrotate -d -s /tmp/s x", false, false},
		{"apk info", true, true}, {"apk info -L nginx", true, true}, {"apk list --installed", true, true},
		{"apk info -U", false, false}, {"apk add curl", false, false}, {"apk list -X http://x y", false, false},
		{"tmux -V", true, true}, {"fzf --version", true, true}, {"tmux -V new", false, false},
		// A search on the right of a pipe is a search of the left command's files.
		{"cat app.properties | grep -i password", false, false}, {"cat app.properties | sort | grep -i password", false, false},
		{"head -5 app.properties | sed -n '/password/p'", false, false}, {"cat notes.txt | grep -E 'OPENAI_API_KEY'", false, false},
		{"cat app.properties | grep -v password", true, true}, {"cat notes.txt | grep -i port", true, true},
		{"git log | grep -i password", true, true},
	} {
		v := set.Judge([]string{"bash", "-c", c.cmd}, proj)
		if got := policy.Decide(&v, policy.Suggest, []string{proj}).Action == policy.Run; got != c.suggest {
			t.Errorf("%q in suggest mode: run=%v, want %v (%s: %s)", c.cmd, got, c.suggest, v.Class, v.Why())
		}
		if got := policy.Decide(&v, policy.AutoEdit, []string{proj}).Action == policy.Run; got != c.autoEdit {
			t.Errorf("%q in auto-edit mode: run=%v, want %v (%s: %s)", c.cmd, got, c.autoEdit, v.Class, v.Why())
		}
	}
}
