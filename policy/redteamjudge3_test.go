package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"guard/policy"
)

// The third red-team of the judge (redteam-judge3.md), one test per class:
// each finding's own command and other spellings of its class are asked
// about, and the harmless commands next to them still run.

// rtRun runs script in bash in dir and returns what it printed.
func rtRun(t *testing.T, dir, script string) string {
	t.Helper()
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = dir
	out, _ := cmd.CombinedOutput()
	return string(out)
}

// The recursive readers' check took grep's and rg's words apart with a
// parser of its own that knew a few options' values: `grep -r
// --after-context 1 KEY` took 1 for the pattern and KEY for the tree (none
// such: nothing found), `rg --hidden --encoding utf8 KEY` the same; and rg
// leaves hidden files out, but a glob or type that selects files overrides
// that for the files it names: `rg -g '*' KEY`, `rg --glob='*' KEY`, `rg -g
// 'sub/**' KEY`, `rg --type-add 'e:*.env' -t e KEY` printed .env.
func TestRedTeamJudge3SearchWords(t *testing.T) {
	set, _, proj := rtLab(t)
	rtWrite(t, map[string]string{
		filepath.Join(proj, ".env"):     "OPENAI_API_KEY=sk-proj-abc\n",
		filepath.Join(proj, "sub/.env"): "OPENAI_API_KEY=sk-proj-abc\n",
	})
	leaks := []string{
		"rg -g '*' OPENAI", "rg -g '.*' OPENAI", "rg --glob='*' OPENAI", "rg '-g*' OPENAI", "rg -g 'sub/**' OPENAI",
		"rg --iglob '*' OPENAI", "rg -ig '*' openai", "rg --type-add 'e:*.env' -t e OPENAI", "rg --type-add 'x:*' -tx OPENAI",
		"rg --hidden --encoding utf8 OPENAI", "rg -uu --engine default OPENAI", "rg --hidden --max-filesize 1M OPENAI",
		"rg --hidden --context-separator x OPENAI", "rg -. --path-separator / OPENAI",
		"grep -r --after-context 1 OPENAI", "grep -r --before-context 1 OPENAI", "grep -r --devices skip OPENAI",
		"grep -r --exclude-from a.txt OPENAI", "grep -rA 1 OPENAI", "grep -d recurse OPENAI",
	}
	rtNotSafe(t, set, proj, leaks...)
	rtSafe(t, set, proj, "rg OPENAI", "rg -g '*.md' OPENAI", "rg -g '!*.md' OPENAI", "rg -t py OPENAI", "rg -l -g '*' OPENAI",
		"grep -rn foo src", "grep -r --after-context 1 foo src", "grep -rl OPENAI .", "rg --max-columns 80 foo src")

	if _, err := exec.LookPath("rg"); err == nil {
		for _, c := range []string{"rg -g '*' OPENAI", "rg --type-add 'e:*.env' -t e OPENAI", "rg -g 'sub/**' OPENAI"} {
			if out := rtRun(t, proj, c); !strings.Contains(out, "sk-proj-abc") {
				t.Errorf("%s printed %q, not .env (the class's premise)", c, out)
			}
		}
		if out := rtRun(t, proj, "rg OPENAI"); strings.Contains(out, "sk-proj-abc") {
			t.Errorf("rg OPENAI printed .env: %q", out)
		}
	}
	if out := rtRun(t, proj, "grep -r --after-context 1 OPENAI"); !strings.Contains(out, "sk-proj-abc") {
		t.Errorf("grep -r --after-context 1 OPENAI printed %q, not .env (the class's premise)", out)
	}
}

// uv learns an environment's packages by running its interpreter: a .venv
// in the project (or VIRTUAL_ENV, or a python that uv.toml, pyproject's
// [tool.uv] or .python-version names) is run by `uv pip list`; with
// .venv/bin/python a script the agent wrote (an edit inside the project,
// allowed in auto-edit), the next `uv pip list` ran it unconfined.
func TestRedTeamJudge3UvInterpreter(t *testing.T) {
	set, _, proj := rtLab(t)
	for _, v := range []string{"UV_PYTHON", "VIRTUAL_ENV", "CONDA_PREFIX"} {
		t.Setenv(v, "")
	}
	uv := []string{"uv pip list", "uv pip freeze | head", "uv pip show httpx", "uv pip tree", "uv python list"}
	rtSafe(t, set, proj, append(uv, "uv --version")...)
	for name, body := range map[string]string{
		".venv/bin/python": "#!/bin/sh\ntouch /tmp/pwned\n",
		"uv.toml":          "python-preference = \"only-system\"\n",
		"pyproject.toml":   "[project]\nname = \"x\"\n[tool.uv.pip]\npython = \"./evil\"\n",
		".python-version":  "./evil/python\n",
	} {
		sub := filepath.Join(proj, "case-"+strings.Trim(strings.ReplaceAll(name, "/", "-"), "."))
		rtWrite(t, map[string]string{filepath.Join(sub, name): body, filepath.Join(sub, "deeper", "x"): ""})
		rtNotSafe(t, set, sub, uv...)
		rtNotSafe(t, set, filepath.Join(sub, "deeper"), "uv pip list")
		rtSafe(t, set, sub, "uv --version")
	}
	rtWrite(t, map[string]string{filepath.Join(proj, "plain", "pyproject.toml"): "[project]\nname = \"x\"\n", filepath.Join(proj, "plain", ".python-version"): "3.12\n"})
	rtSafe(t, set, filepath.Join(proj, "plain"), "uv pip list")
	t.Setenv("VIRTUAL_ENV", filepath.Join(proj, ".venv"))
	rtNotSafe(t, set, proj, "uv pip list")
}

// diff DIR FILE (and FILE DIR, --from-file/--to-file DIR, git diff
// --no-index DIR FILE) compares FILE with DIR/ and FILE's base name: `diff
// ~/.aws credentials` with a harmless ./credentials printed the AWS key.
func TestRedTeamJudge3DiffDirOperand(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(proj, "credentials"): "x\n", filepath.Join(proj, "sub", "config"): "y\n"})
	rtNotSafe(t, set, proj, "diff ~/.aws credentials", "diff credentials ~/.aws", "diff -u "+filepath.Join(home, ".aws")+" credentials",
		"diff --from-file=$HOME/.aws credentials a.txt", "diff --to-file ~/.aws credentials", "diff ~/.kube sub/config",
		"git diff --no-index ~/.aws credentials", "git diff --no-index credentials ~/.aws")
	rtSafe(t, set, proj, "diff a.txt credentials", "diff src a.txt", "diff src/c.txt src", "git diff --no-index a.txt b.txt")
	if out := rtRun(t, proj, "diff ~/.aws credentials"); !strings.Contains(out, "aws_secret_access_key") {
		t.Errorf("diff ~/.aws credentials printed %q (the class's premise)", out)
	}
}

// docker compose config --profiles was safe as printing "only names", but
// profiles are values and compose interpolates values before it prints
// them: `profiles: ["${OPENAI_API_KEY}"]` (the variable from the
// environment or the project's .env) prints the key. (compose is not
// installed here: the judge's verdicts only.)
func TestRedTeamJudge3ComposeProfiles(t *testing.T) {
	set, _, proj := rtLab(t)
	t.Setenv("COMPOSE_FILE", "")
	rtWrite(t, map[string]string{filepath.Join(proj, "compose.yaml"): "services:\n  web:\n    image: nginx\n    profiles: [debug]\n"})
	rtSafe(t, set, proj, "docker compose config --profiles", "docker compose config --services", "podman compose config --profiles")
	for name, body := range map[string]string{
		"compose.yaml":         "services:\n  web:\n    image: nginx\n    profiles: [\"${OPENAI_API_KEY}\"]\n",
		"docker-compose.yml":   "services:\n  web:\n    image: nginx\n    profiles: [\"$OPENAI_API_KEY\"]\n",
		"compose.override.yml": "include:\n  - other.yml\n",
	} {
		sub := filepath.Join(proj, "c-"+strings.ReplaceAll(name, ".", "-"))
		rtWrite(t, map[string]string{filepath.Join(sub, name): body, filepath.Join(sub, "x.yml"): body})
		rtNotSafe(t, set, sub, "docker compose config --profiles", "podman compose config --profiles",
			"docker compose -f x.yml config --profiles", "docker compose --file=x.yml config --profiles")
		rtSafe(t, set, sub, "docker compose config --services")
	}
	sub := filepath.Join(proj, "c-env")
	rtWrite(t, map[string]string{filepath.Join(sub, ".env"): "COMPOSE_FILE=evil.yml\n", filepath.Join(sub, "compose.yaml"): "services: {}\n"})
	rtNotSafe(t, set, sub, "docker compose config --profiles")
}

// A glob's bracket expression was read with Go's filepath.Match, where
// [!.] means "! or ." and [[:alpha:]] is an error (no match): `cat .[!.]*`,
// `cat .[[:alpha:]]nv`, `cat .e[!x]v`, `cat .[]e]nv` were judged as naming
// no file and printed .env.
func TestRedTeamJudge3GlobBrackets(t *testing.T) {
	set, _, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(proj, ".env"): "OPENAI_API_KEY=sk-proj-abc\n"})
	leaks := []string{"cat .[!.]*", "cat .[[:alpha:]]nv", "cat .[[:lower:]]*", "cat .e[!x]v", "cat .[]e]nv", "head .[^.]*",
		"cat .[e-f]nv", "tail -n 5 .[!a]nv", "grep -h . .[[:alnum:]]*", "cat .[[=e=]]nv"}
	rtNotSafe(t, set, proj, leaks...)
	rtSafe(t, set, proj, "cat a.tx[t]", "cat [ab].txt", "cat [[:alpha:]].txt", "ls .[!.]*", "cat src/[!x]*.txt")
	for _, c := range leaks[:5] {
		if out := rtRun(t, proj, c); !strings.Contains(out, "sk-proj-abc") {
			t.Errorf("%s printed %q, not .env (the class's premise)", c, out)
		}
	}
}

// flake8 reads setup.cfg, tox.ini or .flake8 (in the directory or the
// nearest above with one) and imports the local plugins they name before
// it parses its options: `flake8 --version` and `flake8 --help` (safe as
// version and help queries) ran ./evilplug.py.
func TestRedTeamJudge3Flake8LocalPlugins(t *testing.T) {
	set, _, proj := rtLab(t)
	rtSafe(t, set, proj, "flake8 --version", "flake8 --help")
	marker := filepath.Join(t.TempDir(), "ran")
	for _, name := range []string{"setup.cfg", "tox.ini", ".flake8"} {
		dir := filepath.Join(proj, "p-"+strings.TrimPrefix(name, "."))
		section := "[flake8:local-plugins]\nextension =\n    X1 = evilplug:Plugin\npaths = .\n"
		rtWrite(t, map[string]string{
			filepath.Join(dir, name):             section,
			filepath.Join(dir, "evilplug.py"):    "open(" + strconv.Quote(marker) + ", 'w').write('ran')\nclass Plugin:\n    name = 'evil'\n    version = '1'\n    def __init__(self, tree): pass\n    def run(self): return iter(())\n",
			filepath.Join(dir, "deeper", "x.py"): "",
		})
		rtNotSafe(t, set, dir, "flake8 --version", "flake8 --help", "flake8 -v")
		rtNotSafe(t, set, filepath.Join(dir, "deeper"), "flake8 --version")
		if _, err := exec.LookPath("flake8"); err == nil && name == "setup.cfg" {
			rtRun(t, dir, "flake8 --version")
			if _, err := os.Stat(marker); err != nil {
				t.Errorf("flake8 --version did not import the local plugin (the class's premise)")
			}
		}
	}
}

// Command-line tools keep logins in files the secret list did not name,
// with tokens of no format the content scan knows (random hex): `cat
// ~/.databrickscfg`, `cat ~/.config/netlify/config.json`, `cat
// ~/.wrangler/config/default.toml`, `cat ~/.viminfo` were safe.
func TestRedTeamJudge3ToolLogins(t *testing.T) {
	set, home, proj := rtLab(t)
	files := []string{".databrickscfg", ".sbt/credentials", ".ngrok2/ngrok.yml", ".config/ngrok/ngrok.yml", ".sentryclirc",
		".circleci/cli.yml", ".dockercfg", ".config/sops/age/keys.txt", ".config/stripe/config.toml", ".config/glab-cli/config.yml",
		".jfrog/jfrog-cli.conf.v6", ".nuget/NuGet/NuGet.Config", ".mc/config.json", ".config/netlify/config.json",
		".config/configstore/firebase-tools.json", ".wrangler/config/default.toml", ".supabase/access-token",
		".aliyun/config.json", ".bundle/config", ".Xauthority", ".config/atuin/key", ".continue/config.json", ".aider.conf.yml",
		".viminfo", ".lesshst", ".local/share/atuin/history.db", "snap/firefox/common/.mozilla/firefox/p/logins.json",
		".var/app/org.mozilla.firefox/.mozilla/firefox/p/key4.db", "Library/Keychains/login.keychain-db",
		"Library/Cookies/Cookies.binarycookies", ".dbt/profiles.yml", ".snowsql/config", ".odbc.ini", ".passwd-s3fs",
		".smbcredentials", ".msmtprc", ".fetchmailrc", ".config/Bitwarden CLI/data.json", ".cassandra/cqlshrc"}
	var cmds []string
	for _, f := range files {
		rtWrite(t, map[string]string{filepath.Join(home, f): "token = 8f14e45fceea167a5a36dedd4bea2543\n"})
		cmds = append(cmds, "cat ~/'"+f+"'")
	}
	rtNotSafe(t, set, proj, append(cmds, "cat /etc/security/opasswd")...)
	rtWrite(t, map[string]string{filepath.Join(home, ".ssh/known_hosts"): "host ssh-ed25519 AAAA\n", filepath.Join(home, ".config/gh/config.yml"): "editor: vim\n"})
	rtSafe(t, set, proj, "cat ~/.ssh/known_hosts", "cat ~/.config/gh/config.yml", "ls ~/.config")
}

// rg puts the words of the file RIPGREP_CONFIG_PATH names before the
// command's own: a user's `--hidden` there (a common setting) made `rg KEY`
// print .env while the judge left hidden files out, and `--pre=PROG` ran
// PROG for every file of a safe `rg x`.
func TestRedTeamJudge3RipgrepConfig(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(proj, ".env"): "OPENAI_API_KEY=sk-proj-abc\n"})
	cfg := filepath.Join(home, ".ripgreprc")
	t.Setenv("RIPGREP_CONFIG_PATH", cfg)
	rtSafe(t, set, proj, "rg OPENAI") // no file: no words
	rtWrite(t, map[string]string{cfg: "# mine\n--smart-case\n--max-columns=150\n"})
	rtSafe(t, set, proj, "rg OPENAI", "rg -n foo src")
	for _, body := range []string{"--hidden\n", "--glob=!.git\n--hidden\n", "-uu\n", "--glob=*\n", "-.\n"} {
		rtWrite(t, map[string]string{cfg: body})
		rtNotSafe(t, set, proj, "rg OPENAI", "rg -n OPENAI .")
		rtSafe(t, set, proj, "rg --no-config OPENAI", "rg -l OPENAI")
	}
	marker := filepath.Join(t.TempDir(), "ran")
	pre := filepath.Join(home, "pre.sh")
	rtWrite(t, map[string]string{pre: "#!/bin/sh\ntouch " + marker + "\ncat \"$1\"\n"})
	if err := os.Chmod(pre, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"--pre=" + pre + "\n", "--pre\n" + pre + "\n", "--hostname-bin=" + pre + "\n", "-z\n", "--search-zip\n"} {
		rtWrite(t, map[string]string{cfg: body})
		rtNotSafe(t, set, proj, "rg foo src", "rg -l foo")
	}
	if _, err := exec.LookPath("rg"); err == nil {
		rtWrite(t, map[string]string{cfg: "--hidden\n"})
		if out := rtRun(t, proj, "rg OPENAI"); !strings.Contains(out, "sk-proj-abc") {
			t.Errorf("rg OPENAI with --hidden in the config printed %q (the class's premise)", out)
		}
		rtWrite(t, map[string]string{cfg: "--pre=" + pre + "\n"})
		rtRun(t, proj, "rg hello a.txt")
		if _, err := os.Stat(marker); err != nil {
			t.Errorf("rg with --pre in its config did not run it (the class's premise)")
		}
	}
}

// cp -r of a tree puts each secret below it at a new place, where a name
// anchored at its directory (.aws/credentials, ~/.databrickscfg) no longer
// matches: `cp -a ~/.aws awscopy` ran (auto-edit: a copy into the
// project), then `cat awscopy/credentials` printed the key. As for mv.
func TestRedTeamJudge3CopiedTree(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(home, ".databrickscfg"): "token = dapi0\n", filepath.Join(proj, "sub/.env"): "K=1\n"})
	for _, c := range []string{"cp -a ~/.aws awscopy", "cp -r ~/.aws/ x", "cp -R " + filepath.Join(home, ".aws") + " y",
		"cp --recursive ~ homecopy", "cp -r ~/.kube k"} {
		v := set.Judge([]string{"bash", "-c", c}, proj)
		if d := policy.Decide(&v, policy.AutoEdit, []string{proj}); d.Action == policy.Run || v.Secret == "" {
			t.Errorf("%q: %s, auto-edit %s, secret %q; want a secret read", c, v.Class, d.Action, v.Secret)
		}
	}
	for _, c := range []string{"cp -r src srccopy", "cp -r sub subcopy", "cp -r ~/.aws src/", "cp a.txt b.txt"} {
		v := set.Judge([]string{"bash", "-c", c}, proj)
		if d := policy.Decide(&v, policy.AutoEdit, []string{proj}); d.Action != policy.Run || v.Secret != "" {
			t.Errorf("%q: %s, auto-edit %s (%s); want run", c, v.Class, d.Action, d.Reason)
		}
	}
}

// guard running as root (an agent in a container, CI) reads every file:
// the sudo check (a file this user cannot read is a secret) said nothing,
// and `cat /etc/mysql/debian.cnf`, `cat /etc/gitlab-runner/config.toml`,
// `grep -r password /etc` printed what the system keeps from its other
// users. A file others may not read (no o+r), outside the home and the
// temporary directories, is a secret for root too.
func TestRedTeamJudge3KeptFromOthers(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("guard runs as root only where the test does: this user is not root")
	}
	set, _, proj := rtLab(t)
	// A system directory, outside HOME, /tmp and TMPDIR wherever the
	// checkout is (a clone in /tmp is in a temporary directory).
	sys, err := os.MkdirTemp("/opt", ".guard-kept-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sys) })
	rtWrite(t, map[string]string{filepath.Join(sys, "etc/mysql/debian.cnf"): "password = s3cr3t\n",
		filepath.Join(sys, "etc/os-release"): "ID=debian\n"})
	if err := os.Chmod(filepath.Join(sys, "etc/mysql/debian.cnf"), 0o600); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(sys, "etc/mysql/debian.cnf")
	rtNotSafe(t, set, proj, "cat "+secret, "head -5 "+secret, "grep -r password "+filepath.Join(sys, "etc"),
		"sudo cat "+secret, "cd /etc && cat "+secret, "sed -n 1p "+secret)
	rtSafe(t, set, proj, "cat "+filepath.Join(sys, "etc/os-release"), "ls -la "+filepath.Join(sys, "etc/mysql"),
		"stat "+secret, "df -h "+sys, "cat a.txt")
	// The home and the temporary directories are the user's own: a 0600
	// file there is judged by the list (and by its content), as before.
	tmp := filepath.Join(t.TempDir(), "notes.txt")
	rtWrite(t, map[string]string{tmp: "x\n"})
	if err := os.Chmod(tmp, 0o600); err != nil {
		t.Fatal(err)
	}
	rtSafe(t, set, proj, "cat "+tmp)
	// A project of the user's own (made under umask 077) is no system
	// directory: its files are read as before. It lies outside the system
	// and temporary directories: the checkout, unless that is in /tmp.
	base, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(base, "/tmp/") || strings.HasPrefix(base, "/var/tmp/") {
		base = "/home"
	}
	ownDir, err := os.MkdirTemp(base, ".guard-own-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(ownDir) })
	own := filepath.Join(ownDir, "work", "app")
	rtWrite(t, map[string]string{filepath.Join(own, "main.go"): "package main\n"})
	if err := os.Chmod(filepath.Join(own, "main.go"), 0o600); err != nil {
		t.Fatal(err)
	}
	rtSafe(t, set, own, "cat main.go", "grep -rn main .")
	rtNotSafe(t, set, own, "cat "+secret)
}

// The agents' read tools (Claude Code's Read) as root: a file in a system
// directory that other users may not read is a secret there too.
func TestRedTeamJudge3KeptFromOthersRead(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("guard runs as root only where the test does: this user is not root")
	}
	dir, err := os.MkdirTemp("/opt", ".guard-kept-") // a system directory
	if err != nil {
		t.Skip("cannot make a directory in /opt: ", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	secret, open := filepath.Join(dir, "app.cnf"), filepath.Join(dir, "README")
	rtWrite(t, map[string]string{secret: "password = s3cr3t\n", open: "hello\n"})
	if err := os.Chmod(secret, 0o640); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	if d, _ := policy.DecideRead([]string{secret}, policy.Suggest, nil, home); d.Action == policy.Run {
		t.Errorf("Read %s (0640, root): %s, want asked", secret, d.Action)
	}
	if d, _ := policy.DecideRead([]string{open}, policy.Suggest, nil, home); d.Action != policy.Run {
		t.Errorf("Read %s (0644): %s (%s), want run", open, d.Action, d.Reason)
	}
}

// A tar archive holds its members as they are: `cat backup.tar`, `strings
// backup.tar` printed the .env and the AWS key it held, and zcat, bzcat and
// zgrep print a compressed one's (a gzip of one file names it in its
// header). The listers (tar -t, gzip -l) print names only.
func TestRedTeamJudge3ArchiveMembers(t *testing.T) {
	if _, err := exec.LookPath("tar"); err != nil {
		t.Skip("tar is not installed")
	}
	set, home, proj := rtLab(t)
	src := filepath.Join(t.TempDir(), "src")
	rtWrite(t, map[string]string{filepath.Join(src, ".env"): "DB_PASSWORD=hunter2\n", filepath.Join(src, "readme"): "hi\n"})
	rtRun(t, proj, "tar -cf backup.tar -C "+src+" . && tar -czf backup.tar.gz -C "+src+" . && tar -cjf backup.tar.bz2 -C "+src+
		" . && gzip -c "+filepath.Join(src, ".env")+" > envcopy.gz && tar -cf clean.tar -C "+src+" readme && gzip -c "+
		filepath.Join(src, "readme")+" > r.gz && tar -cf aws.tar -C "+home+" .aws")
	if out := rtRun(t, proj, "cat backup.tar"); !strings.Contains(out, "hunter2") {
		t.Fatalf("cat backup.tar did not print the member (the class's premise): %q", out)
	}
	rtNotSafe(t, set, proj, "cat backup.tar", "strings backup.tar", "head -c 4000 backup.tar", "xxd backup.tar", "cat *.tar",
		"zcat backup.tar.gz", "zgrep -a x backup.tar.gz", "bzcat backup.tar.bz2", "zcat envcopy.gz", "cat aws.tar")
	rtSafe(t, set, proj, "cat clean.tar", "zcat r.gz", "tar -tf backup.tar", "tar -tzf backup.tar.gz", "tar tvf backup.tar",
		"gzip -l envcopy.gz", "ls -la backup.tar")
	if _, err := exec.LookPath("zip"); err == nil {
		rtRun(t, src, "zip -q -0 "+filepath.Join(proj, "stored.zip")+" .env readme && zip -q "+filepath.Join(proj, "clean.zip")+" readme")
		rtNotSafe(t, set, proj, "cat stored.zip", "strings stored.zip")
		rtSafe(t, set, proj, "cat clean.zip", "unzip -l stored.zip", "zipinfo stored.zip")
	}
	if d, _ := policy.DecideRead([]string{filepath.Join(proj, "backup.tar")}, policy.Suggest, nil, home); d.Action == policy.Run {
		t.Errorf("Read backup.tar: %s, want asked", d.Action)
	}
}

// Environment files named for their use (prod.env, Compose's env_file,
// praDeep.env in the shared corpus) and files named for what they hold
// (secrets.txt, passwords.txt, db.secret) were read unasked.
func TestRedTeamJudge3SecretNames(t *testing.T) {
	set, _, proj := rtLab(t)
	var cmds []string
	for _, f := range []string{"prod.env", "app.env", "config/staging.env", "secrets.txt", ".secrets", "passwords.txt", "db.secret"} {
		rtWrite(t, map[string]string{filepath.Join(proj, f): "DB_PASSWORD=hunter2\n"})
		cmds = append(cmds, "cat "+f, "head -n 20 "+f)
	}
	rtNotSafe(t, set, proj, cmds...)
	rtWrite(t, map[string]string{filepath.Join(proj, "example.env"): "DB_PASSWORD=\n", filepath.Join(proj, "x.sample.env"): "A=\n"})
	rtSafe(t, set, proj, "cat example.env", "cat x.sample.env", "git diff -- ':!.env'", "ls *.env")
}
