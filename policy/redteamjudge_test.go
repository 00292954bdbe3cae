package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"guard/policy"
	"guard/sandbox/sandboxtest"
)

// The red-team pass on the judging boundary (redteam-judge.md), one test
// per class: the finding's own command, other spellings of its class, and
// the harmless commands next to them.

// A for loop's variable is a shell assignment: a loop over PATH, HOME,
// GIT_DIR, BASH_ENV (any exported name) hands the new value to the body's
// programs, so `for PATH in .; do ls; done` runs ./ls and `for HOME in .;
// do git diff; done` runs the diff.external of ./.gitconfig.
func TestRedTeamLoopEnvironment(t *testing.T) {
	set, _, proj := rtLab(t)
	rtNotSafe(t, set, proj,
		`for PATH in .; do ls; done`,
		`for PATH in /tmp:/usr/bin; do ls; done`,
		`for HOME in .; do git diff; done`,
		`for HOME in /tmp; do cat ~/a.txt; done`,
		`for GIT_DIR in x; do git log; done`,
		`for GIT_CONFIG_GLOBAL in ./c; do git status; done`,
		`for BASH_ENV in ./x; do bash -c true; done`,
		`for IFS in x; do echo a; done`,
		`for LD_PRELOAD in ./x.so; do ls; done`,
		`for Path in .; do ls; done`,
		`for https_proxy in http://x; do ls; done`,
		`for f in a.txt; do for PAGER in ./x; do git log; done; done`,
	)
	rtSafe(t, set, proj,
		`for f in a.txt b.txt; do cat "$f"; done`,
		`for file_1 in *.txt; do wc -l "$file_1"; done`,
		`for d in src; do ls "$d"; done`,
		`for path in *.txt; do wc -l "$path"; done`, // bash: path is an ordinary name
	)
	// zsh ties lower-case arrays to PATH, CDPATH, FPATH...: for path in DIR ran DIR/ls.
	for _, cmd := range []string{`for path in .; do ls; done`, `for cdpath in /; do cd etc; done`,
		`for fpath in .; do ls; done`, `for module_path in .; do ls; done`, `for argv in x; do ls; done`} {
		if v := set.Judge([]string{"zsh", "-c", cmd}, proj); v.Class == policy.Safe {
			t.Errorf("zsh -c %q: safe, want asked", cmd)
		}
	}
	if v := set.Judge([]string{"zsh", "-c", `for f in a.txt b.txt; do wc -l "$f"; done`}, proj); v.Class != policy.Safe {
		t.Errorf("zsh for f: %s (%s), want safe", v.Class, v.Why())
	}

	// What bash does with it: the loop's PATH finds the planted program.
	if _, err := exec.LookPath("bash"); err != nil {
		sandboxtest.Skipf(t, "bash not runnable: %v", err)
	}
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "ls"), "#!/bin/sh\necho planted\n")
	if err := os.Chmod(filepath.Join(dir, "ls"), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", "-c", `for PATH in `+dir+`; do ls; done`).Output()
	if err != nil || string(out) != "planted\n" {
		t.Errorf("bash: for PATH in DIR; do ls; done printed %q (%v), want the planted program's output", out, err)
	}
}

// guard's own --policy FILE reads FILE as Starlark, and the error quotes
// the first word it cannot read: `guard check --policy .env ls` printed
// "undefined: hunter2" while guard check was safe.
func TestRedTeamGuardPolicyFile(t *testing.T) {
	set, home, proj := rtLab(t)
	mustWrite(t, filepath.Join(proj, ".env"), "DB_PASSWORD=hunter2\n")
	rtNotSafe(t, set, proj,
		`guard check --policy .env ls`,
		`guard check --policy=.env -- ls`,
		`guard explain --policy `+home+`/.aws/credentials ls`,
		`guard which --policy ~/.ssh/id_ed25519 ls`,
		`guard policy list --policy .env`,
		`guard check --policy /dev/tty ls`,
		`/usr/local/bin/guard check --policy .env ls`,
	)
	rtSafe(t, set, proj, `guard check ls`, `guard explain rm -rf build`, `guard check --policy p.json ls`)
}

// Credentials live in files of every name (~/.config/stripe/config.toml, a
// service-account JSON, ~/.fly/config.yml, a tfstate): a file read whole
// whose content holds a private key block or a provider's token format is a
// secret read, whatever its name. Red-team: cat of each was safe.
func TestRedTeamTokenContent(t *testing.T) {
	set, home, proj := rtLab(t)
	for f, body := range map[string]string{
		home + "/.config/stripe/config.toml": "live_mode_api_key = \"rk_live_51HabcdefghijklmnopqrstuvwxYZ\"\n",
		home + "/.fly/config.yml":            "access_token: ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
		proj + "/service-account.json":       `{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\nMIIE\n"}`,
		proj + "/deploy/terraform.tfstate":   `{"outputs":{"k":{"value":"AKIAQWERTYUIOPASDFGH"}}}`,
		proj + "/notes.md":                   "key: sk-proj-abcdefghijklmnopqrstuvwxyz0123456789\n",
		proj + "/age.txt":                    "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n",
		proj + "/docs/aws.md":                "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
	} {
		mustWrite(t, f, body)
	}
	rtNotSafe(t, set, proj,
		`cat ~/.config/stripe/config.toml`,
		`head -5 ~/.fly/config.yml`,
		`cat service-account.json`,
		`grep value deploy/terraform.tfstate`,
		`tail notes.md`,
		`cat age.txt`,
		`for f in *.json; do cat "$f"; done`,
		`cat *.json`,
		`head deploy/*`,
	)
	rtSafe(t, set, proj, `cat a.txt`, `cat docs/aws.md`, `wc -l service-account.json`, `ls -la deploy`)
}

// A path through another process's /proc/PID/root, cwd or fd/N that the
// judge cannot read (another user's process, or one not started yet) leads
// somewhere unknown, while `sudo cat` reads through it: as nobody, `sudo
// cat /proc/PID/root/etc/shadow` (PID a root process) was safe, and root
// read /etc/shadow through it.
func TestRedTeamProcLinks(t *testing.T) {
	set, _, proj := rtLab(t)
	const gone = "/proc/2147483646" // no such process now; one may have it by the time the command runs
	rtNotSafe(t, set, proj,
		`sudo cat `+gone+`/root/etc/shadow`,
		`cat `+gone+`/root/etc/shadow`,
		`head `+gone+`/cwd/.config/x`,
		`sudo cat `+gone+`/fd/3`,
		`sudo cat `+gone+`/task/1/root/etc/shadow`,
		`sudo grep x `+gone+`/map_files/1-2`,
	)
	if os.Getuid() != 0 {
		rtNotSafe(t, set, proj, `sudo cat /proc/1/root/etc/shadow`)
	}
	rtSafe(t, set, proj, `cat /proc/self/status`, `cat /proc/cpuinfo`, `cat /proc/1/cmdline`, `ls /proc/self/fd`)
}

// A process's memory holds the keys it uses: `xxd -s ADDR -l N
// /proc/PID/mem` (ADDR from /proc/PID/maps) printed the API key a
// same-user process held, and was safe; so was /proc/kcore.
func TestRedTeamProcMemory(t *testing.T) {
	set, _, proj := rtLab(t)
	rtNotSafe(t, set, proj,
		`xxd -s 0x7f2e8231a000 -l 4096 /proc/1/mem`,
		`od -j 4096 -N 64 /proc/self/mem`,
		`hexdump -s 4096 -n 64 /proc/1/task/1/mem`,
		`strings /proc/1/mem`,
		`xxd -s 0x1000 -l 64 /proc/kcore`,
		`head -c 100 /proc/*/mem`,
	)
	rtSafe(t, set, proj, `cat /proc/meminfo`, `cat /proc/self/maps`, `head /proc/self/status`)
}

// With CDPATH in the environment (a user's .bashrc exports it; the agent's
// shell inherits it), `cd src` goes to the first CDPATH directory holding
// src, not to ./src: the judge judged the files of ./src while bash read
// another tree's.
func TestRedTeamCdpath(t *testing.T) {
	set, home, proj := rtLab(t)
	rtSafe(t, set, proj, `cd src && cat c.txt`)
	t.Setenv("CDPATH", home)
	mustWrite(t, filepath.Join(home, "src", "c.txt"), "elsewhere\n")
	rtNotSafe(t, set, proj, `cd src && cat c.txt`, `cd src; ls`, `pushd src && cat c.txt`)
	rtSafe(t, set, proj, `cd ./src && cat c.txt`, `cd `+proj+`/src && cat c.txt`, `cat src/c.txt`)
	if _, err := exec.LookPath("bash"); err != nil {
		sandboxtest.Skipf(t, "bash not runnable: %v", err)
	}
	cmd := exec.Command("bash", "-c", `cd src >/dev/null && cat c.txt`)
	cmd.Dir = proj
	if out, err := cmd.Output(); err != nil || string(out) != "elsewhere\n" {
		t.Errorf("bash with CDPATH=%s: cd src && cat c.txt printed %q (%v), want the CDPATH directory's file", home, out, err)
	}
}

// On a case-insensitive file system (macOS's default) `cat .ENV` reads
// .env and `cat ~/.AWS/credentials` reads ~/.aws/credentials; the secret
// names were matched case by case.
func TestRedTeamCaseFolded(t *testing.T) {
	set, _, proj := rtLab(t)
	rtNotSafe(t, set, proj,
		`cat .ENV`, `cat .Env.local`, `head ID_RSA`, `cat ~/.AWS/credentials`, `cat ~/.Aws/Credentials`,
		`cat Server.KEY`, `grep x ~/.SSH/ID_ED25519`, "cat ~/.\u017fsh/id_ed25519", "cat server.\u212aey",
	)
	rtSafe(t, set, proj, `cat README.md`, `cat Makefile`, `cat ID_RSA.pub`, `cat .Env.Example`, `cat A.TXT`)
}

// On a case-insensitive file system a write to .GIT/hooks/pre-commit or
// .VSCODE/tasks.json lands in .git/hooks and .vscode: auto-edit let an
// agent's Write and `echo x > .GIT/hooks/pre-commit` through as edits
// inside the project.
func TestRedTeamCaseFoldedWrites(t *testing.T) {
	set, home, proj := rtLab(t)
	for _, p := range []string{".GIT/hooks/pre-commit", ".Git/config", "sub/.GIT/HEAD", ".VSCODE/tasks.json",
		".Claude/settings.json", ".ENVRC", ".envrc", ".git/hooks/x"} {
		d := policy.DecideEdit([]string{filepath.Join(proj, p)}, policy.AutoEdit, []string{proj}, nil, home)
		if d.Action == policy.Run {
			t.Errorf("Write %s in auto-edit: %s, want asked", p, d.Action)
		}
	}
	for _, p := range []string{"src/Main.go", "SRC/x.go", "Gitignore.md", ".github/workflows/ci.yml"} {
		d := policy.DecideEdit([]string{filepath.Join(proj, p)}, policy.AutoEdit, []string{proj}, nil, home)
		if d.Action != policy.Run {
			t.Errorf("Write %s in auto-edit: %s (%s), want run", p, d.Action, d.Reason)
		}
	}
	for _, cmd := range []string{`echo x > .GIT/hooks/pre-commit`, `cp a.txt .Git/config`} {
		v := set.Judge([]string{"bash", "-c", cmd}, proj)
		if d := policy.Decide(&v, policy.AutoEdit, []string{proj}); d.Action == policy.Run || d.Action == policy.RunSandboxed {
			t.Errorf("%s in auto-edit: %s, want asked", cmd, d.Action)
		}
	}
}

// A variable holds a credential whatever its name: `echo $STRIPE_SK`
// (sk_live_...) and `echo $ELASTICSEARCH_URL` (a URL with a password)
// were safe, the names not being on the secret list; the value in guard's
// environment (a hook's is the agent's) is what the shell prints.
func TestRedTeamSecretValue(t *testing.T) {
	set, _, proj := rtLab(t)
	t.Setenv("STRIPE_SK", "sk_live_51Habcdefghijklmnopqrstuvwx")
	t.Setenv("ELASTICSEARCH_URL", "https://elastic:hunter2@es.local:9200")
	t.Setenv("APP_SIGNING", "-----BEGIN PRIVATE KEY-----\nMIIE\n")
	t.Setenv("SEARCH_HOST", "https://es.local:9200")
	rtNotSafe(t, set, proj, `echo $STRIPE_SK`, `echo "url: $ELASTICSEARCH_URL"`, `echo "${APP_SIGNING}"`,
		`for f in a.txt; do echo "$f $STRIPE_SK"; done`, `printenv ELASTICSEARCH_URL`, `printenv SEARCH_HOST STRIPE_SK`)
	rtSafe(t, set, proj, `echo $SEARCH_HOST`, `echo "$HOME"`, `echo done`, `printenv SEARCH_HOST`)
}

// Renaming a secret hides it from a later read: in auto-edit `mv .env
// notes.txt` ran (a rename inside the project), then `cat notes.txt` (an
// ordinary file) printed the key. A move that gives a secret a name the
// list does not know is a secret read now; a move that keeps it a secret
// (.env to .env.bak, into a directory) is not.
func TestRedTeamRenamedSecret(t *testing.T) {
	set, home, proj := rtLab(t)
	mustWrite(t, filepath.Join(proj, ".env"), "OPENAI_API_KEY=sk-x\n")
	mustWrite(t, filepath.Join(proj, "keys", "server.key"), "-----BEGIN PRIVATE KEY-----\n")
	rtNotSafe(t, set, proj,
		`mv .env notes.txt`, `mv -f .env src/config.txt`, `mv .env -T other`, `git mv .env config.txt`,
		`git -C src mv ../.env x.txt`, `mv ~/.aws aws2`, `mv `+home+`/.docker/config.json d.json`,
		`mv keys/server.key keys/readme.txt`, `mv -- .env notes.txt`,
	)
	for _, cmd := range []string{`mv .env .env.bak`, `mv .env src/`, `mv keys certs`, `mv a.txt b2.txt`, `git mv a.txt c.txt`} {
		v := set.Judge([]string{"bash", "-c", cmd}, proj)
		if d := policy.Decide(&v, policy.AutoEdit, []string{proj}); d.Action == policy.Ask && strings.Contains(d.Reason, "secret") {
			t.Errorf("%s: asked (%s), want an ordinary write", cmd, d.Reason)
		}
	}
}

// git names a file of the history in more forms than REV:PATH: the
// attached -L1,5:.env and -L:FUNC:.env, a merge stage :0:.env, pathspec
// magic after -- (:/.env, :(top,icase).ENV). Each printed the committed
// key while the plain forms asked.
func TestRedTeamGitPathForms(t *testing.T) {
	set, _, proj := rtLab(t)
	rtNotSafe(t, set, proj,
		`git log -L1,5:.env`, `git log -L:main:.env`, `git log -L '/KEY/,+1:.env' HEAD`, `git show :0:.env`,
		`git show :2:.env`, `git log -p -- ':/.env'`, `git log -p -- ':(top,icase).ENV'`, `git show HEAD:.ENV`,
	)
	rtSafe(t, set, proj, `git log -L1,5:a.txt`, `git show HEAD:a.txt`, `git diff -- ':!.env'`)
}

// sudo makes a file this user cannot read readable: as nobody, `sudo cat
// /etc/wireguard/wg0.conf` (root's 0600) was safe, the name being on no
// list. A file kept from this user is treated as a secret when sudo reads
// it; a readable one, and logs, stay as they are. Run as nobody (the test
// re-runs itself so when it runs as root, which reads everything).
func TestRedTeamSudoRootOnly(t *testing.T) {
	dir := os.Getenv("GUARD_TEST_ROOTONLY_DIR")
	if dir == "" {
		d, err := os.MkdirTemp("", "guard-rootonly-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(d) })
		if dir = d; os.Chmod(dir, 0o755) != nil {
			t.Fatal("chmod")
		}
		mustWrite(t, filepath.Join(dir, "wg0.conf"), "[Interface]\nPrivateKey = abc\n")
		mustWrite(t, filepath.Join(dir, "readme.txt"), "hello\n")
		mustWrite(t, filepath.Join(dir, "locked", "inner.txt"), "token\n")
		if err := os.Chmod(filepath.Join(dir, "locked"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(dir, "wg0.conf"), 0o000); err != nil {
			t.Fatal(err)
		}
		if os.Getuid() == 0 {
			// Root reads everything: re-run this test as nobody.
			bin := filepath.Join(dir, "policy.test")
			data, err := os.ReadFile(os.Args[0])
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(bin, data, 0o755); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "-test.run=^TestRedTeamSudoRootOnly$", "-test.count=1")
			cmd.Dir = dir
			cmd.Env = []string{"GUARD_TEST_ROOTONLY_DIR=" + dir, "HOME=" + dir, "PATH=/usr/bin:/bin"}
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
			out, err := cmd.CombinedOutput()
			if err != nil {
				if strings.Contains(err.Error(), "permission denied") || strings.Contains(err.Error(), "operation not permitted") {
					sandboxtest.Skipf(t, "cannot run the test as nobody: %v %s", err, out)
				}
				t.Fatalf("as nobody: %v\n%s", err, out)
			}
			return
		}
	}
	set, err := policy.Default()
	if err != nil {
		t.Fatal(err)
	}
	sets := policy.Set{set}
	rtNotSafe(t, sets, dir, `sudo cat `+dir+`/wg0.conf`, `sudo head wg0.conf`, `sudo -u root grep Key wg0.conf`,
		`sudo cat /proc/2147483646/root/etc/shadow`, `sudo grep -r Key .`, `sudo grep -r Key `+dir+`/locked`,
		`sudo find . -type f -exec cat {} +`, `sudo cat locked/inner.txt`)
	rtSafe(t, sets, dir, `sudo cat readme.txt`, `sudo ls -la`, `sudo tail /var/log/syslog`, `sudo ls locked`,
		`sudo find . -name x`, `sudo du -sh .`)
}

// zsh's glob qualifiers run code: `zsh -c 'ls *(e:"touch F":)'` was safe
// (judged as ls of a glob) and created F; nested in a bash script the
// zsh script's words were also expanded as bash globs.
func TestRedTeamZshGlobQualifiers(t *testing.T) {
	set, _, proj := rtLab(t)
	for _, argv := range [][]string{
		{"zsh", "-c", `ls *(e:"touch x":)`}, {"zsh", "-c", `ls *.txt(+f)`}, {"zsh", "-c", `cat **/*(.e:true:)`},
		{"zsh", "-c", `wc -l src/*(om[1])`}, {"zsh", "-c", `ls *(e^touch x^)`}, {"zsh", "-c", `head *.(txt|json)`},
		{"bash", "-c", `zsh -c 'ls *(e:"touch x":)'`}, {"bash", "-c", `cd src && zsh -c "cat *(e:'touch x':)"`},
	} {
		if v := set.Judge(argv, proj); v.Class == policy.Safe {
			t.Errorf("%q: safe, want asked", argv)
		}
	}
	for _, argv := range [][]string{{"zsh", "-c", `ls *.txt`}, {"zsh", "-c", `wc -l src/*`}, {"bash", "-c", `zsh -c 'ls *.txt'`}} {
		if v := set.Judge(argv, proj); v.Class != policy.Safe {
			t.Errorf("%q: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Log("zsh is not installed: the qualifier's run is not shown")
		return
	}
	cmd := exec.Command("zsh", "-f", "-c", `ls *(e:'touch ran':) >/dev/null`)
	cmd.Dir = proj
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(proj, "ran")); err != nil {
		t.Errorf("zsh did not run the qualifier's code: %v", err)
	}
}

// zsh runs $READNULLCMD (more) on a statement that is only an input
// redirection: `zsh -c '< .env'` was safe and printed the key. bash only
// opens the file. Opening a device acts in either shell.
func TestRedTeamZshNullCommand(t *testing.T) {
	set, _, proj := rtLab(t)
	mustWrite(t, filepath.Join(proj, ".env"), "OPENAI_API_KEY=sk-x\n")
	for _, argv := range [][]string{{"zsh", "-c", `< .env`}, {"zsh", "-c", `cd . && < .env`}, {"bash", "-c", `zsh -c '< .env'`},
		{"bash", "-c", `< /dev/tty`}, {"zsh", "-c", `< /dev/tty`}} {
		if v := set.Judge(argv, proj); v.Class == policy.Safe {
			t.Errorf("%q: safe, want asked", argv)
		}
	}
	// zsh -c '< a.txt' runs the pager found on PATH (a planted one ran:
	// judge-9 P6, TestRedTeam9ZshNullCommand): asked too; bash only opens it.
	for _, argv := range [][]string{{"bash", "-c", `< a.txt`}, {"zsh", "-c", `cat < a.txt`}} {
		if v := set.Judge(argv, proj); v.Class != policy.Safe {
			t.Errorf("%q: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Log("zsh is not installed: its null command is not shown")
		return
	}
	cmd := exec.Command("zsh", "-f", "-c", `< .env`)
	cmd.Dir = proj
	if out, err := cmd.Output(); err != nil || !strings.Contains(string(out), "sk-x") {
		t.Errorf("zsh -c '< .env' printed %q (%v), want the file", out, err)
	}
}
