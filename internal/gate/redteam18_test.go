package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"guard/policy"
)

// TestRedTeam18InheritedFunctions: bash defines a function for each
// BASH_FUNC_NAME%% variable of its environment before it reads the script,
// and a function comes before the program or builtin of its name. With
// BASH_FUNC_cat%% inherited, `bash -c 'cat a.txt'` (safe) ran the
// function's body, which printed .env; guard judged the program cat. A
// verdict that runs bash (or sh, bash on some systems) is unverified when
// an inherited function has the name of a command it judged, of a builtin
// the parser follows (cd), or is command_not_found_handle; other inherited
// functions, and commands with no shell, stay as they were.
func TestRedTeam18InheritedFunctions(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	bash := mustLook(t, "bash")
	for name, body := range map[string]string{".env": "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD\n",
		"a.txt": "a\n", "sub/b.txt": "b\n"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fn := func(name string) string { return "BASH_FUNC_" + name + "%%=() { /bin/cat .env; }" }
	cmd := exec.Command(bash, "-c", "cat a.txt")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", fn("cat")}
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "sk-proj-abcdef") {
		t.Fatalf("bash did not run the inherited function cat (%q): the premise does not hold here", out)
	}
	judge := func(argv []string, env ...string) policy.Class {
		g := newGate(t, dir, Options{}, env...)
		v, _ := g.Judge(argv)
		return v.Class
	}
	bashC := func(s string) []string { return []string{"bash", "-c", s} }
	for _, c := range []struct {
		argv []string
		env  string
	}{
		{bashC("cat a.txt"), fn("cat")},
		{bashC("cat a.txt"), "BASH_FUNC_cat()=() { /bin/cat .env; }"},
		{bashC("ls && cat a.txt"), fn("cat")},
		{bashC("sh -c 'cat a.txt'"), fn("cat")},
		{[]string{"sh", "-c", "cat a.txt"}, fn("cat")},
		{bashC("nohup cat a.txt > /dev/null"), fn("nohup")},
		{bashC("timeout 5 head -1 a.txt"), fn("timeout")},
		{bashC("cd sub && cat b.txt"), fn("cd")},
		{bashC("echo hi"), fn("echo")},
		{bashC("[ -f a.txt ] && cat a.txt"), fn("[")},
		{bashC("cat a.txt"), fn("command_not_found_handle")},
		{bashC("git status"), fn("git")},
	} {
		if got := judge(c.argv, c.env); got == policy.Safe || got == policy.Match {
			t.Errorf("%q with %s = %s, want unverified", c.argv, c.env, got)
		}
	}
	for _, c := range []struct {
		argv []string
		env  string
	}{
		{bashC("cat a.txt"), fn("which")},
		{bashC("cat a.txt"), fn("module")},
		{bashC("cat a.txt"), "BASH_FUNC_cat=() { /bin/cat .env; }"}, // not a name bash imports
		{bashC("/bin/cat a.txt"), fn("cat")},                        // a path: no function
		{[]string{"cat", "a.txt"}, fn("cat")},                       // no shell
		{bashC("cat a.txt"), "CAT=() { x; }"},
	} {
		if got := judge(c.argv, c.env); got != policy.Safe {
			t.Errorf("%q with %s = %s, want safe", c.argv, c.env, got)
		}
	}
}

// TestRedTeam18BashRcNotInteractive: a non-interactive `bash -c` sources
// the system's bashrc and ~/.bashrc when it believes sshd or rshd started
// it (SSH_CLIENT set, or its input a socket, as node gives its children)
// and SHLVL is unset. With `shopt -s dotglob` in ~/.bashrc, `bash -c 'head
// -3 ?env'` printed .env, judged safe (guard's globs leave hidden files
// out). Such a verdict is unverified unless each bashrc returns first when
// the shell is not interactive, SHLVL says bash is nested, or neither
// trigger holds.
func TestRedTeam18BashRcNotInteractive(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	bash := mustLook(t, "bash")
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".env", "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD\n")
	write("a.txt", "a\n")
	write(".bashrc", "# mine\nshopt -s dotglob\n")
	ssh := "SSH_CLIENT=10.0.0.2 50000 22"
	cmd := exec.Command(bash, "-c", "head -3 ?env")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir, ssh}
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "sk-proj-abcdef") {
		t.Fatalf("bash -c with SSH_CLIENT and no SHLVL did not source ~/.bashrc (%q): the premise does not hold here", out)
	}
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	sock, peer := os.NewFile(uintptr(fds[0]), "sock"), os.NewFile(uintptr(fds[1]), "peer")
	defer sock.Close()
	defer peer.Close()
	cmd = exec.Command(bash, "-c", "head -3 ?env")
	cmd.Dir, cmd.Stdin = dir, sock
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir}
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "sk-proj-abcdef") {
		t.Fatalf("bash -c with a socket for input and no SHLVL did not source ~/.bashrc (%q): the premise does not hold here", out)
	}
	if !inputIsSocket(sock) {
		t.Errorf("inputIsSocket(a socket) = false")
	}
	if r, w, err := os.Pipe(); err == nil {
		if inputIsSocket(r) {
			t.Errorf("inputIsSocket(a pipe) = true")
		}
		r.Close()
		w.Close()
	}

	judge := func(argv []string, env ...string) policy.Class {
		g := newGate(t, dir, Options{}, env...)
		v, _ := g.Judge(argv)
		return v.Class
	}
	for _, argv := range [][]string{{"bash", "-c", "head -3 ?env"}, {"bash", "-c", "cat a.txt"},
		{"sh", "-c", "bash -c 'cat a.txt'"}, {"bash", "-c", "ls"}} {
		for _, env := range [][]string{{ssh}, {ssh, "SHLVL=0"}, {"SSH2_CLIENT=x"}, {ssh, "SHLVL=x"}} {
			if c := judge(argv, env...); c == policy.Safe || c == policy.Match {
				t.Errorf("%q with %v and a ~/.bashrc = %s, want unverified", argv, env, c)
			}
		}
	}
	script := []string{"bash", "-c", "head -3 ?env"}
	if c := judge(script, ssh, "SHLVL=1"); c != policy.Safe {
		t.Errorf("%q with SHLVL=1 = %s, want safe (a nested bash reads no bashrc)", script, c)
	}
	if c := judge([]string{"cat", "a.txt"}, ssh); c != policy.Safe {
		t.Errorf("cat a.txt (no shell) with SSH_CLIENT = %s, want safe", c)
	}
	if !inputIsSocket(os.Stdin) {
		if c := judge(script); c != policy.Safe {
			t.Errorf("%q with no SSH_CLIENT = %s, want safe", script, c)
		}
	}
	for _, rc := range []string{
		"# ~/.bashrc\n\n# If not running interactively, don't do anything\ncase $- in\n    *i*) ;;\n      *) return;;\nesac\nshopt -s dotglob\n",
		"[ -z \"$PS1\" ] && return\nshopt -s dotglob\n",
		"[[ $- != *i* ]] && return\n\nshopt -s dotglob\n",
		"# nothing here\n",
	} {
		write(".bashrc", rc)
		if c := judge(script, ssh); c != policy.Safe {
			t.Errorf("%q with SSH_CLIENT and a ~/.bashrc that returns when not interactive (%q) = %s, want safe", script, rc, c)
		}
	}
	for _, rc := range []string{
		"[ -z \"$PS1\" ] && return || shopt -s dotglob\n",
		"shopt -s dotglob\ncase $- in *i*) ;; *) return;; esac\n",
		"[ -z \"$PS1\" ] && returned\n",
	} {
		write(".bashrc", rc)
		if c := judge(script, ssh); c == policy.Safe {
			t.Errorf("%q with SSH_CLIENT and ~/.bashrc %q = safe, want unverified", script, rc)
		}
	}
}

// TestRedTeam18ZshEnv: every zsh, a `zsh -c` too, sources the system's
// zshenv and $ZDOTDIR/.zshenv (else ~/.zshenv) first, and expands aliases
// in scripts. With `setopt globdots` in ~/.zshenv, `zsh -c 'head -3 ?env'`
// printed .env, judged safe. A verdict that runs zsh is unverified when such
// a file sets an option, an alias or a function, changes directory or runs
// other code; one that only sets variables (PATH) leaves it as it was.
func TestRedTeam18ZshEnv(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	zsh := mustLook(t, "zsh")
	write := func(name, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".env", "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD\n")
	write("a.txt", "a\n")
	write(".zshenv", "# mine\nsetopt globdots\n")
	cmd := exec.Command(zsh, "-c", "head -3 ?env")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir}
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "sk-proj-abcdef") {
		t.Fatalf("zsh -c did not take globdots from ~/.zshenv (%q): the premise does not hold here", out)
	}
	judge := func(argv []string, env ...string) policy.Class {
		g := newGate(t, dir, Options{}, env...)
		v, _ := g.Judge(argv)
		return v.Class
	}
	script := []string{"zsh", "-c", "head -3 ?env"}
	for _, rc := range []string{"setopt globdots\n", "unsetopt nomatch\n", "alias head='cat .env #'\n",
		"head() { cat .env }\n", "function ls { cat .env }\n", "source ~/.zshenv.local\n", ". \"$HOME/.cargo/env\"\n",
		"cd /tmp\n", "emulate sh\n", "options[globdots]=on\n", "[[ -n $X ]] && setopt extendedglob\n"} {
		write(".zshenv", rc)
		for _, argv := range [][]string{script, {"zsh", "-c", "cat a.txt"}, {"bash", "-c", "zsh -c 'cat a.txt'"}} {
			if c := judge(argv); c == policy.Safe || c == policy.Match {
				t.Errorf("%q with ~/.zshenv %q = %s, want unverified", argv, rc, c)
			}
		}
	}
	write(".zshenv", "# nothing\n")
	write("zd/.zshenv", "setopt globdots\n")
	if c := judge(script, "ZDOTDIR="+filepath.Join(dir, "zd")); c == policy.Safe || c == policy.Match {
		t.Errorf("%q with ZDOTDIR's .zshenv setting globdots = %s, want unverified", script, c)
	}
	for _, rc := range []string{"# nothing\n", "export PATH=\"$HOME/bin:$PATH\"\n",
		"if [[ -z \"$PATH\" || \"$PATH\" == \"/bin:/usr/bin\" ]]\nthen\n\texport PATH=\"/usr/local/bin:/usr/bin:/bin\"\nfi\n",
		"export EDITOR=vim # set the editor\n"} {
		write(".zshenv", rc)
		if c := judge(script); c != policy.Safe {
			t.Errorf("%q with ~/.zshenv %q = %s, want safe", script, rc, c)
		}
	}
	write(".zshenv", "setopt globdots\n")
	if c := judge([]string{"bash", "-c", "head -3 ?env"}); c != policy.Safe {
		t.Errorf("bash -c 'head -3 ?env' with a ~/.zshenv = %s, want safe (bash does not read it)", c)
	}
}

// TestRedTeam18PipRunsPlantedGit: pip runs git (hg, svn, bzr) by name,
// through PATH, to describe an editable install from a checkout: `pip
// freeze` ran a planted node_modules/.bin/git, for the user's own `pip
// install -e .` or for a dist-info the agent writes and names with --path
// (`git config --get-regexp remote\..*\.url` in the directory it names).
// pip's version control programs are now helpers looked up through PATH
// like tar's decompressors.
func TestRedTeam18PipRunsPlantedGit(t *testing.T) {
	pip := "/usr/bin/pip"
	if _, err := os.Stat(pip); err != nil {
		t.Skip("no system pip at /usr/bin/pip")
	}
	mustLook(t, "git")
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	marker := filepath.Join(dir, "GIT_RAN")
	bin := filepath.Join(dir, "node_modules", ".bin")
	for name, body := range map[string]string{
		"node_modules/.bin/git":                  "#!/bin/sh\ntouch " + marker + "\nexec /usr/bin/git \"$@\"\n",
		"site/foo-1.0.dist-info/METADATA":        "Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n",
		"site/foo-1.0.dist-info/RECORD":          "foo-1.0.dist-info/METADATA,,\n",
		"site/foo-1.0.dist-info/INSTALLER":       "pip\n",
		"site/foo-1.0.dist-info/direct_url.json": `{"url": "file://` + dir + `", "dir_info": {"editable": true}}`,
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	path := "PATH=" + bin + ":/usr/bin:/bin"
	run := exec.Command(pip, "freeze", "--path", "site")
	run.Dir, run.Env = dir, []string{path, "HOME=" + dir, "PIP_DISABLE_PIP_VERSION_CHECK=1"}
	_ = run.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("pip freeze --path site did not run the planted git (%v): the premise does not hold here", err)
	}
	judge := func(env string, argv ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, env)
		v, _ := g.Judge(argv)
		return v
	}
	for _, argv := range [][]string{{"pip", "freeze", "--path", "site"}, {"pip", "freeze"}, {"pip3", "list"},
		{"bash", "-c", "pip freeze | grep foo"}} {
		if v := judge(path, argv...); v.Class == policy.Safe {
			t.Errorf("%v with a planted git on PATH: safe, want asked", argv)
		}
		if v := judge("PATH=/usr/bin:/bin", argv...); v.Class != policy.Safe {
			t.Errorf("%v with nothing planted: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
	if v := judge(path, "ls"); v.Class != policy.Safe {
		t.Errorf("ls with a planted git on PATH: %s (%s), want safe", v.Class, v.Why())
	}
}
