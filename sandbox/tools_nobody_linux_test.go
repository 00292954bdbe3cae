package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"guard/sandbox/sandboxtest"
)

// TestToolsUnprivileged runs real tools confined as an ordinary user (nobody),
// where no mount or IPC namespace is made and seccomp refuses System V IPC and
// datagram socketpairs: git, python3 (multiprocessing with POSIX semaphores,
// asyncio, a pty), make -j, tar and script keep working.
func TestToolsUnprivileged(t *testing.T) {
	requireSandbox(t)
	requireRoot(t, "switching to an ordinary user needs root (as one, the other tool tests are this test)")
	for _, tool := range []string{"git", "python3", "make", "tar", "script"} {
		if _, err := exec.LookPath(tool); err != nil {
			sandboxtest.Skipf(t, "%s not on PATH", tool)
		}
	}
	cred := &syscall.Credential{Uid: 65534, Gid: 65534}
	base := t.TempDir()
	exe := shareWith(t, base, cred)
	f := newFixture(t, base)
	for name, content := range map[string]string{
		"prog.py":  pythonScript,
		"Makefile": "all: a b\n\tcat a b > all\n\na:\n\techo a > a\n\nb:\n\techo b > b\n",
		"README":   "hello\n",
	} {
		if err := os.WriteFile(filepath.Join(f.root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{".home", "tmp"} {
		if err := os.Mkdir(filepath.Join(f.root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	chownFixture(t, f, cred)
	script := `set -e
git init -q && git add README && git -c user.name=g -c user.email=g@e commit -qm first && git log --oneline
python3 prog.py fork
make -j2 -s && cat all
tar cf r.tar README && tar xOf r.tar
script -qec 'echo pty-ok' /dev/null
`
	o := child{profile: &Profile{WritableRoots: []string{f.root}}, path: "/bin/sh", argv: []string{"sh", "-c", script},
		cred: cred, exe: exe, dir: f.root,
		env: []string{"HOME=" + filepath.Join(f.root, ".home"), "TMPDIR=" + filepath.Join(f.root, "tmp"), "LC_ALL=C", "GIT_CONFIG_NOSYSTEM=1"}}.run(t)
	for _, want := range []string{"first", "pool 285", "locked", "asyncio (0, 'piped')", "pty tty", "a\nb\n", "hello", "pty-ok"} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("as nobody, inside: output lacks %q (%s)\nstdout:\n%s\nstderr:\n%s", want, o, o.stdout, o.stderr)
		}
	}
}
