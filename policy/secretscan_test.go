package policy_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"guard/policy"
)

// TestSecretReadersNeverSafe: the red-team pass's secret readers, one group
// per class, in a real project tree that holds a .env, a git config with a
// token in a remote URL and an .npmrc with an auth token: none is safe, and
// each says why. The same commands in a tree without secrets stay as they
// were (the controls).
func TestSecretReadersNeverSafe(t *testing.T) {
	set := defaultSet(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	proj := filepath.Join(t.TempDir(), "proj")
	clean := filepath.Join(t.TempDir(), "clean")
	for _, f := range []struct{ path, body string }{
		{proj + "/.env", "OPENAI_API_KEY=sk-x\n"},
		{proj + "/src/app.py", "print(1)\n"},
		{proj + "/.npmrc", "//registry.npmjs.org/:_authToken=npm_x\n"},
		{proj + "/.git/config", "[remote \"origin\"]\n\turl = https://ghp_abc@github.com/o/r.git\n"},
		{proj + "/deploy/id_rsa", "KEY\n"},
		{home + "/.bash_history", "export TOKEN=x\n"},
		{clean + "/src/app.py", "print(1)\n"},
		{clean + "/.npmrc", "legacy-peer-deps=true\n"},
		{clean + "/.git/config", "[remote \"origin\"]\n\turl = https://github.com/o/r.git\n"},
	} {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.path, []byte(f.body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	classes := map[string][]string{
		"ps with BSD e": {"ps auxe", "ps axe", "ps e", "ps eww", "ps aux e", "ps -o pid e"},
		"recursive readers over a tree with a secret": {"grep -r OPENAI", "grep -r . --include=.env", "grep -rn foo .",
			"grep -R x", "grep -ri password src/..", "rg -uu KEY", "rg --hidden KEY", "rg -. x .", "rg KEY deploy",
			"git grep --no-index KEY", "git grep --untracked KEY", "grep -r foo ~/"},
		"find -exec reader": {"find . -name .env -exec grep KEY {} +", "find . -name .env -exec cat {} \\;",
			"find . -type f -exec head -5 {} +", "find deploy -exec cat {} +"},
		"xargs reader": {"find . -name .env | xargs cat", "ls -a | xargs grep KEY", "git ls-files | xargs head"},
		"git config with a token": {"cat .git/config", "git config --list", "git config -l", "git config --get-regexp credential",
			"git config --get remote.origin.url", "git remote -v", "git remote get-url origin", "head .git/config",
			"cd src && git remote -v"},
		"histories": {"cat ~/.bash_history", "tail -50 ~/.bash_history", "grep token ~/.bash_history"},
		"docker inspect": {"docker inspect web", "docker container inspect web", "podman inspect db", "docker image inspect app",
			"docker inspect --format '{{json .Config}}' web", "docker inspect -f '{{.Config.Env}}' web"},
		"npmrc with a token": {"cat .npmrc", "head -3 .npmrc"},
	}
	for class, cmds := range classes {
		for _, cmd := range cmds {
			v := set.Judge([]string{"bash", "-c", cmd}, proj)
			if v.Class == policy.Safe || v.Secret == "" && !strings.Contains(v.Why(), "secret") {
				t.Errorf("%s: %q: %s, secret %q (%s), want a secret read", class, cmd, v.Class, v.Secret, v.Why())
			}
		}
	}
	// Controls: the same readers where no secret is, and what never prints one.
	for _, cmd := range []string{"grep -rn foo .", "grep -r foo src", "rg foo", "rg -uu foo", "git config --list",
		"git remote -v", "cat .npmrc", "cat .git/config", "ps aux", "ps -ef", "find . -name '*.py' -exec grep x {} +",
		"ls | xargs grep x"} {
		v := set.Judge([]string{"bash", "-c", cmd}, clean)
		if v.Secret != "" {
			t.Errorf("control %q in a tree without secrets: secret %q, want none", cmd, v.Secret)
		}
	}
	for _, cmd := range []string{"grep -rn foo src", "rg foo src", "rg -uu foo src", "grep -r x --include=*.py .", "git config user.name", "grep -rl OPENAI .", "rg --files", "rg -l foo", "grep -rc x .", "grep -ril password src/..",
		"git config --get user.email", "git config core.editor vim",
		"find . -name '*.py' -exec grep x {} +", "docker inspect -f '{{.State.Status}}' web", "ps aux", "ps -C node", "ps U steve", "ps axo pid,etime"} {
		v := set.Judge([]string{"bash", "-c", cmd}, proj)
		if v.Secret != "" {
			t.Errorf("%q: secret %q, want none (it cannot reach a secret)", cmd, v.Secret)
		}
	}
}

// The walk of a searched tree finds a secret file at any depth, under
// directories of any name, and a tree past the walk's bound is not safe.
func TestSecretWalk(t *testing.T) {
	set := defaultSet(t)
	t.Setenv("HOME", t.TempDir())
	for _, secret := range []string{"a/b/c/d/server.pem", "x/credentials.json", "deep/er/.env.local", "k/id_ed25519", "t/u/v/w/x/y/deploy.token"} {
		proj := t.TempDir()
		for _, f := range []string{"src/main.go", "src/a/b.go", secret} {
			p := filepath.Join(proj, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("x\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		cmd := "grep -rn foo ."
		if strings.Contains(secret, "/.") {
			cmd = "rg --hidden foo"
		}
		if v := set.Judge([]string{"bash", "-c", cmd}, proj); v.Class == policy.Safe || v.Secret == "" {
			t.Errorf("%s with %s in the tree: %s, secret %q", cmd, secret, v.Class, v.Secret)
		}
	}
}

// A recursive grep is one whatever bundle spells it: flags up to the first
// letter that takes a value (-rm9, -Rm1, -rC0, -rA0 -B1, -ire X).
func TestGrepBundlesRecursive(t *testing.T) {
	set := defaultSet(t)
	proj := projectWithEnv(t)
	for _, cmd := range []string{"grep -rm9 . .", "grep -Rm1 . .", "grep -rC0 x .", "grep -rA0 x", "grep -rB1 x .", "grep -ire K .",
		"grep -rnm 3 K .", "grep -nrdskip K .", "grep -d recurse K .", "grep -hrm9 --include=.env . ."} {
		if v := set.Judge([]string{"bash", "-c", cmd}, proj); v.Class == policy.Safe {
			t.Errorf("%q over a tree with .env: safe", cmd)
		}
	}
	for _, cmd := range []string{"grep -m9r x f.txt", "grep -nm3 x f.txt"} {
		if v := set.Judge([]string{"bash", "-c", cmd}, proj); v.Secret != "" {
			t.Errorf("%q reads no tree: secret %q", cmd, v.Secret)
		}
	}
}

// A search narrowed by --include globs that Go's matcher reads otherwise
// than grep's fnmatch (bracket expressions, case) still counts the secret.
func TestIncludeGlobsAsFnmatch(t *testing.T) {
	set := defaultSet(t)
	proj := projectWithEnv(t)
	for _, cmd := range []string{"grep -r --include='.e[!x]v' . .", "grep -r --include='.en[[:alpha:]]' K .", "grep -r --include='.EN?' K .",
		"grep -r --include='[.]env' K ."} {
		if v := set.Judge([]string{"bash", "-c", cmd}, proj); v.Class == policy.Safe {
			t.Errorf("%q over a tree with .env: safe", cmd)
		}
	}
	if v := set.Judge([]string{"bash", "-c", "grep -r --include='*.go' K ."}, proj); v.Secret != "" {
		t.Errorf("--include=*.go excludes .env: secret %q", v.Secret)
	}
}

// grep -r reads .git too (but for its object store): a secret planted there,
// as a file or a link, is in what it prints; rg skips .git.
func TestSecretWalkEntersGit(t *testing.T) {
	set := defaultSet(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	key := filepath.Join(home, ".ssh", "id_ed25519")
	proj := t.TempDir()
	for _, d := range []string{filepath.Dir(key), filepath.Join(proj, "docs", ".git", "objects", "ab"), filepath.Join(proj, "src")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{key, filepath.Join(proj, "src", "a.go"), filepath.Join(proj, "docs", ".git", "objects", "ab", "cdef")} {
		if err := os.WriteFile(f, []byte("x\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if v := set.Judge([]string{"bash", "-c", "grep -rn foo ."}, proj); v.Secret != "" {
		t.Fatalf("a repository without secrets: secret %q", v.Secret)
	}
	if err := os.Symlink(key, filepath.Join(proj, "docs", ".git", "notes")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, "docs", ".git", "deploy.pem"), []byte("k\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	policy.UseSecrets(nil) // forget the walk made before the plant (one process judges once)
	for _, cmd := range []string{"grep -rn foo .", "grep -R x docs", "grep -r x docs/.git"} {
		if v := set.Judge([]string{"bash", "-c", cmd}, proj); v.Class == policy.Safe {
			t.Errorf("%q with a key linked and a .pem inside .git: safe", cmd)
		}
	}
}

// cd, pushd and popd print a missing directory's name: a directory from a
// variable is judged as an argument (cd "$API_KEY" printed the key).
func TestCdVariablePrinted(t *testing.T) {
	set := defaultSet(t)
	dir := t.TempDir()
	for _, cmd := range []string{`cd "$OPENAI_API_KEY"`, `pushd "$X"`, `cd ~/$TOKEN`, `cd -P "$DB_PASS"`, `cd x || cd "$SECRET"`} {
		if v := set.Judge([]string{"bash", "-c", cmd}, dir); v.Class == policy.Safe {
			t.Errorf("%s: safe", cmd)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"cd src && ls", "cd ~ && ls", `cd "$HOME" && ls`} {
		if v := set.Judge([]string{"bash", "-c", cmd}, dir); v.Class != policy.Safe {
			t.Errorf("%s: %s (%s), want safe", cmd, v.Class, v.Why())
		}
	}
}

// xargs removes quotes and backslashes from its input and echo -e decodes
// escapes: echo's words are not the names xargs passes on.
func TestXargsDecodedWords(t *testing.T) {
	set := defaultSet(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte("k\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{`echo '` + home + `/.a\ws/credentials' | xargs cat`, `echo "` + home + `/.aws/credential's'" | xargs cat`,
		`echo -e '` + home + `/.aws/credential\x73' | xargs cat`, `echo -ne '` + home + `/.aws/credential\x73' | xargs head`} {
		if v := set.Judge([]string{"bash", "-c", cmd}, t.TempDir()); v.Class == policy.Safe {
			t.Errorf("%s: safe", cmd)
		}
	}
}

// A find test after -exec does not narrow what -exec already read, and the
// -exec command's own words are not find's tests.
func TestFindTestsAfterExec(t *testing.T) {
	set := defaultSet(t)
	proj := projectWithEnv(t)
	for _, cmd := range []string{"find . -maxdepth 1 -type f -exec cat {} + -name zz", "find . -type f -exec grep -H . {} \\; -name zz",
		"find . -type f -exec head -n 5 {} + -name '*.go'"} {
		if v := set.Judge([]string{"bash", "-c", cmd}, proj); v.Class == policy.Safe {
			t.Errorf("%s over a tree with .env: safe", cmd)
		}
	}
	if v := set.Judge([]string{"bash", "-c", "find . -name '*.go' -exec cat {} +"}, proj); v.Secret != "" {
		t.Errorf("-name *.go before -exec narrows: secret %q", v.Secret)
	}
}

// npm reads a project's .npmrc as its ini reader does: lines end at \r too,
// and ${NAME} is expanded (and sent to the registry the file names).
func TestNpmrcAsNpmReadsIt(t *testing.T) {
	set := defaultSet(t)
	t.Setenv("HOME", t.TempDir())
	for _, rc := range []string{"registry=https://registry.npmjs.org/\rlogs-dir=/tmp/elsewhere\r",
		"registry=http://127.0.0.1:18099/${OPENAI_API_KEY}/\n", "//127.0.0.1:18099/:_authToken=${DB_PASS}\n"} {
		proj := t.TempDir()
		if err := os.WriteFile(filepath.Join(proj, ".npmrc"), []byte(rc), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"npm config list", "npm view react version"} {
			if v := set.Judge([]string{"bash", "-c", cmd}, proj); v.Class == policy.Safe {
				t.Errorf("%s with .npmrc %q: safe", cmd, rc)
			}
		}
	}
}

// defaultSet is the built-in policy.
func defaultSet(t *testing.T) policy.Set {
	t.Helper()
	def, err := policy.Default()
	if err != nil {
		t.Fatal(err)
	}
	return policy.Set{def}
}

// projectWithEnv is a project holding a .env, with an empty home.
func projectWithEnv(t *testing.T) string {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	proj := t.TempDir()
	if err := os.WriteFile(filepath.Join(proj, ".env"), []byte("K=v\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return proj
}

// git prints a file as the history holds it: REV:PATH and the paths after
// -- are judged like a read of that path (a committed .env stays a secret).
func TestGitHistorySecrets(t *testing.T) {
	set := defaultSet(t)
	t.Setenv("HOME", t.TempDir())
	dir := t.TempDir()
	for _, cmd := range []string{"git show HEAD:.env", "git show main:config/.env.production", "git cat-file -p HEAD:deploy/id_rsa",
		"git show HEAD~3:./.env", "git -C sub show HEAD:.npmrc.pem", "git log -p -- .env"} {
		if v := set.Judge([]string{"bash", "-c", cmd}, dir); v.Class == policy.Safe {
			t.Errorf("%s: safe", cmd)
		}
	}
	for _, cmd := range []string{"git show HEAD:src/main.go", "git show HEAD", "git log --oneline -5", "git diff HEAD~1 -- src/a.go"} {
		if v := set.Judge([]string{"bash", "-c", cmd}, dir); v.Secret != "" {
			t.Errorf("%s: secret %q", cmd, v.Secret)
		}
	}
}

// A device reached through a glob or the tree walk (a link to /dev/tty) is
// not a file: cat * and grep -R read the terminal's keystrokes.
func TestDeviceThroughGlobAndWalk(t *testing.T) {
	set := defaultSet(t)
	t.Setenv("HOME", t.TempDir())
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/tty", filepath.Join(dir, "t")); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"cat *", "grep -R . .", "find . -exec cat {} +", "head -1 *"} {
		if v := set.Judge([]string{"bash", "-c", cmd}, dir); v.Class == policy.Safe {
			t.Errorf("%s with a link to /dev/tty: safe", cmd)
		}
	}
}

// Files read for their content (.npmrc, a git config, a start-up file) that
// are FIFOs never block the judge: nobody writes to them here.
func TestContentReadsDoNotBlock(t *testing.T) {
	set := defaultSet(t)
	proj := projectWithEnv(t)
	for _, name := range []string{".npmrc", ".yarnrc.yml"} {
		if err := syscall.Mkfifo(filepath.Join(proj, name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(proj, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(proj, ".git", "config"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, cmd := range []string{"npm ls", "grep -rn foo .", "git remote -v", "cat .npm*"} {
			set.Judge([]string{"bash", "-c", cmd}, proj)
		}
	}()
	select {
	case <-done:
	case <-time.After(time.Minute): // a hang, not a speed check
		t.Fatal("the judge blocked on a FIFO")
	}
}
