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
