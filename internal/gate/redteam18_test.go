package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
