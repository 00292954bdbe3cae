package policy_test

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"guard/policy"
	"guard/policy/protect"
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
		{"gzip -d data/big.csv.gz", false, true}, {"gunzip -k logs/app.log.1.gz", false, true}, {"gunzip notes.txt", false, false},
		{"gzip -d -N x.gz", false, false}, {"gunzip ../x.gz", false, false}, {"gzip -f notes.txt", false, false}, {"gzip -S .sh notes.txt", false, false},
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
		{"tar -czf ../b.tgz src", false, false},
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
		// logrotate -d quotes the first word of each line it cannot parse,
		// and a configuration can include any file: left asked.
		{"logrotate -d /etc/logrotate.d/nginx", false, false}, {"logrotate -f /etc/logrotate.d/nginx", false, false},
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

// TestUnpackMembers: tar -x and unzip into the project are judged by the
// members they write (extract.go): a plain archive runs in auto-edit, one
// whose member is a protected path or lands outside the roots is asked,
// and one holding a link, an absolute name or a name through "..", one
// that is missing or that guard cannot list (xz) is unverified. The
// archives are made here with Go's writers.
func TestUnpackMembers(t *testing.T) {
	set := defaultSet(t)
	home, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	proj := filepath.Join(home, "proj")
	if err := os.MkdirAll(filepath.Join(proj, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	type member struct {
		name string
		typ  byte
	}
	writeTar := func(name string, ms []member) {
		f, err := os.Create(filepath.Join(proj, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		gz := gzip.NewWriter(f)
		tw := tar.NewWriter(gz)
		for _, m := range ms {
			h := &tar.Header{Name: m.name, Typeflag: m.typ, Mode: 0o644, Format: tar.FormatPAX}
			if m.typ == tar.TypeSymlink {
				h.Linkname = "/etc/passwd"
			}
			if m.typ == tar.TypeReg {
				h.Size = 2
			}
			if err := tw.WriteHeader(h); err != nil {
				t.Fatal(err)
			}
			if m.typ == tar.TypeReg {
				tw.Write([]byte("x\n"))
			}
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := gz.Close(); err != nil {
			t.Fatal(err)
		}
	}
	writeZip := func(name string, names []string, link bool) {
		f, err := os.Create(filepath.Join(proj, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		zw := zip.NewWriter(f)
		for _, n := range names {
			h := &zip.FileHeader{Name: n}
			if link {
				h.SetMode(os.ModeSymlink | 0o777)
			}
			w, err := zw.CreateHeader(h)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte("x"))
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	writeTar("ok.tgz", []member{{"src/", tar.TypeDir}, {"src/a.ts", tar.TypeReg}, {"README.md", tar.TypeReg}})
	writeTar("envrc.tgz", []member{{"src/a.ts", tar.TypeReg}, {".envrc", tar.TypeReg}})
	writeTar("hook.tgz", []member{{".git/hooks/pre-commit", tar.TypeReg}})
	writeTar("link.tgz", []member{{"src/", tar.TypeDir}, {"src/p", tar.TypeSymlink}})
	writeTar("dotdot.tgz", []member{{"a/../../x", tar.TypeReg}})
	writeTar("abs.tgz", []member{{"/tmp/x", tar.TypeReg}})
	writeZip("ok.zip", []string{"assets/logo.svg", "assets/app.css"}, false)
	writeZip("vscode.zip", []string{".vscode/tasks.json"}, false)
	writeZip("link.zip", []string{"p"}, true)
	writeZip("dotdot.zip", []string{"../x"}, false)
	if err := os.WriteFile(filepath.Join(proj, "a.tar.xz"), []byte("\xfd7zXZ\x00\x00junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		cmd      string
		autoEdit bool
	}{
		{"tar -xzf ok.tgz", true}, {"tar xzf ok.tgz -C out", true}, {"tar -xzvf ok.tgz -C tests/fixtures", true},
		{"unzip -o ok.zip -d public", true}, {"unzip -q ok.zip", true}, {"cd out && tar -xzf ../ok.tgz", true},
		{"tar -xzf envrc.tgz", false}, {"tar -xzf hook.tgz", false}, {"tar -xzf link.tgz", false},
		{"tar -xzf dotdot.tgz", false}, {"tar -xzf abs.tgz", false}, {"tar -xzf ok.tgz -C ..", false},
		{"tar -xzf ok.tgz -C /etc", false}, {"tar -xzf missing.tgz", false}, {"tar -xJf a.tar.xz", false},
		{"tar -xf a.tar.xz", false}, {"tar -xzf ok.tgz -P", false}, {"tar -xzf ok.tgz --strip-components=1", false},
		{"tar -xzf ok.tgz --to-command=sh", false}, {"unzip vscode.zip", false}, {"unzip link.zip", false},
		{"unzip dotdot.zip", false}, {"unzip -j ok.zip", false}, {"unzip ok.zip -d ~/apps", false},
		{"cp ok.tgz x.tgz && tar -xzf x.tgz", false},
	} {
		v := set.Judge([]string{"bash", "-c", c.cmd}, proj)
		if d := policy.Decide(&v, policy.Suggest, []string{proj}); d.Action == policy.Run {
			t.Errorf("%q runs unasked in suggest mode (%s)", c.cmd, v.Class)
		}
		d := policy.DecideProtected(&v, policy.AutoEdit, []string{proj}, protect.Default(), home)
		if got := d.Action == policy.Run; got != c.autoEdit {
			t.Errorf("%q in auto-edit mode: run=%v, want %v (%s: %s)", c.cmd, got, c.autoEdit, v.Class, d.Reason)
		}
	}
}

// TestGitCheckoutBranch: `git checkout NAME` runs in auto-edit only when
// NAME is a local branch (loose or packed) of the repository and no file
// in the working directory bears it; a path, a commit, a remote branch, a
// name that is also a file, and the forms that discard changes are asked.
// The repository is made with the real git.
func TestGitCheckoutBranch(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed: the repository is made with it")
	}
	set := defaultSet(t)
	home, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	repo := filepath.Join(home, "repo")
	if err := os.MkdirAll(filepath.Join(repo, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "--allow-empty", "-m", "x"},
		{"branch", "feat/search"}, {"branch", "dup"}, {"pack-refs", "--all"}, {"branch", "loose"}} {
		cmd := exec.Command(gitBin, args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
	}
	for _, f := range []string{"dup", "src/a.ts"} {
		if err := os.WriteFile(filepath.Join(repo, f), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		at, cmd string
		run     bool
	}{
		{"", "git checkout main", true}, {"", "git checkout feat/search", true}, {"", "git checkout -q loose", true},
		{"src", "git checkout main", true},
		{"", "git checkout dup", false}, {"", "git checkout src/a.ts", false}, {"", "git checkout nosuch", false},
		{"", "git checkout HEAD~1", false}, {"", "git checkout origin/main", false}, {"", "git checkout -f main", false},
		{"", "git checkout -- main", false}, {"", "git checkout main src/a.ts", false}, {"", "git checkout .", false},
		{"", "git checkout -m main", false}, {"", "git -C /tmp checkout main", false}, {"", "cd .. && git checkout main", false},
		{"", "git checkout /etc/passwd", false}, {"", "git checkout feat/../main", false},
	} {
		dir := filepath.Join(repo, c.at)
		v := set.Judge([]string{"bash", "-c", c.cmd}, dir)
		if d := policy.Decide(&v, policy.Suggest, []string{repo}); d.Action == policy.Run {
			t.Errorf("%q runs unasked in suggest mode", c.cmd)
		}
		if got := policy.Decide(&v, policy.AutoEdit, []string{repo}).Action == policy.Run; got != c.run {
			t.Errorf("%q in %s: auto-edit run=%v, want %v (%s: %s)", c.cmd, c.at, got, c.run, v.Class, v.Why())
		}
	}
}

// TestSafePerlScript: perl one-liners run only when every script word is
// substitutions or transliterations whose interpolation can run no code;
// the forms that do (an e flag, `@{[ ]}`, `${\ }`, a subscript after $1,
// a `(?{ })` pattern, another statement) are refused, in the checker and
// through the rules.
func TestSafePerlScript(t *testing.T) {
	for script, want := range map[string]bool{
		"s/foo/bar/g": true, `s/\bcolour\b/color/g`: true, "s#/api/v1#/api/v2#g": true, `s/(\w+)=(\d+)/$2=$1/g`: true,
		"s/a$//": true, "s/(a|b$)/x/": true, "s/x/$&$&/": true, `s/\$HOME/~/g`: true, "tr/a-z/A-Z/": true, "y/abc/xyz/": true,
		"s/a/b/; s/c/d/g;": true, "s/\\t/    /g": true, `s/\@/ at /g`: true,
		"s/x/`id`/e": false, "s/a/b/ee": false, `s/x/@{[system("id")]}/`: false, `s/x/${\ system("id")}/`: false,
		`s/(?{system("id")})//`: false, `s/(??{"x"})//`: false, `s/a/b/;system("id")`: false, `s/a/$1{system("id")}/`: false,
		`s/a/$1[system("id")]/`: false, `s/a/$1->[0]/`: false, `s/a/$ENV{HOME}/`: false, "s/$x/y/": false, "s/@a/y/": false,
		"s{a}{b}": false, "s'a'b'": false, "s/a/b/r": false, "print": false, "": false, "s/a/b/ if 1": false, "sort": false,
		"s /a/b/": false, "tr/a/b/e": false, "s/a/b\nsystem 1/": false, "BEGIN{system 1}": false,
	} {
		if got := policy.SafePerlScript(script); got != want {
			t.Errorf("SafePerlScript(%q) = %v, want %v", script, got, want)
		}
	}
	set := defaultSet(t)
	home, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	proj := filepath.Join(home, "proj")
	for _, f := range []string{"src/app.ts", "LICENSE", ".env", "odd/a.txt", "odd/touch pwned|"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(proj, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(proj, f), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		cmd               string
		suggest, autoEdit bool
	}{
		{"perl -pi -e 's/foo/bar/g' src/app.ts", false, true}, {"perl -i -pe 's/2024/2025/' LICENSE", false, true},
		{"perl -0pi -e 's/a\\n\\n+/a\\n/g' src/app.ts", false, true}, {"perl -pi.bak -e 's/a/b/' LICENSE src/app.ts", false, true},
		{"perl -pe 's/a/b/' LICENSE | head", true, true},
		{"perl -pi -e 's/x/`id`/e' LICENSE", false, false}, {`perl -pi -e 's/x/@{[system("id")]}/' LICENSE`, false, false},
		{"perl -pie 's/a/b/' LICENSE", false, false}, {"perl -pi -e 's/a/b/' .env", false, false},
		{"perl -pe 's/a/b/' .env", false, false}, {"perl -pi -e 's/a/b/' ~/.bashrc", false, false},
		{"perl -ne 'print if /x/' LICENSE", false, false}, {"perl -pi -Mstrict -e 's/a/b/' LICENSE", false, false},
		{"perl -pi -e 's/a/b/' -e 'system 1' LICENSE", false, false}, {"perl -e 'system(1)'", false, false},
		// -p reads its files with two-argument open: a name can be a command.
		{"perl -pe 's/a/b/' 'id|'", false, false}, {"perl -pi -e 's/a/b/' 'touch x|'", false, false},
		{"perl -pe 's/a/b/' '>x'", false, false}, {"perl -pe 's/a/b/' ' <LICENSE'", false, false},
		{"perl -pe 's/a/b/' '+<LICENSE'", false, false}, {"perl -pe 's/a/b/' '&=0'", false, false},
		{"perl -pe 's/a/b/' src/*.ts", true, true}, {"perl -pi -e 's/a/b/' src/*", false, true},
		{"perl -pe 's/a/b/' odd/*", false, false}, {"perl -pi -e 's/a/b/' odd/*.txt odd/*", false, false},
		{"cd odd && perl -pe 's/a/b/' *", false, false}, {`for f in odd/*; do perl -pe 's/a/b/' "$f"; done`, false, false},
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
