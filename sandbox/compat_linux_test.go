package sandbox

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"
)

// Real tools, run inside the sandbox in a temporary project. Each script runs
// under /bin/sh -c with the project and its own TMPDIR as the writable roots and
// HOME inside the project.

type project struct {
	dir, tmp, home string
	roots          []string
	env            []string
}

func newProject(t *testing.T) *project {
	t.Helper()
	base := t.TempDir()
	p := &project{dir: filepath.Join(base, "proj"), tmp: filepath.Join(base, "tmp")}
	p.home = filepath.Join(p.dir, ".home")
	for _, d := range []string{p.dir, p.tmp, p.home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	p.roots = []string{p.dir, p.tmp}
	p.env = []string{"HOME=" + p.home, "TMPDIR=" + p.tmp, "LC_ALL=C", "PATH=" + os.Getenv("PATH"),
		"GIT_CONFIG_NOSYSTEM=1", "PYENV_ROOT=" + os.Getenv("PYENV_ROOT")}
	return p
}

// sh runs script confined, and returns its combined output, failing the test
// when it exits non-zero.
func (p *project) sh(t *testing.T, prof Profile, script string) string {
	t.Helper()
	out, err := p.run(t, prof, script)
	if err != nil {
		t.Fatalf("inside the sandbox, the script failed: %v\n--- script\n%s\n--- output\n%s", err, script, out)
	}
	t.Logf("output:\n%s", out)
	return out
}

func (p *project) run(t *testing.T, prof Profile, script string) (string, error) {
	t.Helper()
	requireSandbox(t)
	prof.WritableRoots = append(prof.WritableRoots, p.roots...)
	// The default protected paths and secrets, as guard runs full-auto.
	Protect(&prof, protect.Default(), p.home)
	exe, _ := os.Executable()
	spec := helperSpec{Profile: prof, Path: "/bin/sh", Argv: []string{"sh", "-c", script}, Env: p.env}
	cmd := exec.Command(exe)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), envHelper+"="+mustJSON(spec))
	done := make(chan struct{})
	var out []byte
	var err error
	go func() {
		out, err = cmd.CombinedOutput()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(90 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("the script timed out:\n%s", out)
	}
	if strings.Contains(string(out), notEnforcedMarker) {
		sandboxtest.Skipf(t, "this machine cannot enforce the profile: %s", out)
	}
	return string(out), err
}

func needTool(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			sandboxtest.Skipf(t, "%s not on PATH: cannot check that it works inside the sandbox", n)
		}
	}
}

func (p *project) write(t *testing.T, name, content string) {
	t.Helper()
	path := filepath.Join(p.dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestToolGit(t *testing.T) {
	needTool(t, "git")
	p := newProject(t)
	p.write(t, "README", "hello\n")
	out := p.sh(t, Profile{}, `
set -e
git init -q
git add README
git -c user.name=guard -c user.email=guard@example.com commit -qm "first commit"
echo more >> README
git status --short
git -c user.name=guard -c user.email=guard@example.com commit -qam second
git log --oneline
git mv README README.md && git -c user.name=g -c user.email=g@e commit -qm rename && git gc -q
`)
	for _, want := range []string{" M README", "first commit", "second"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestToolGitProtected: in a repository made before the sandbox, whose hooks
// and config are read-only inside, the everyday commands keep working: the
// index, objects, refs and logs stay writable.
func TestToolGitProtected(t *testing.T) {
	needTool(t, "git")
	p := newProject(t)
	p.write(t, "README", "hello\n")
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", p.dir}, args...)...)
		cmd.Env = append(p.env, "GIT_AUTHOR_NAME=g", "GIT_AUTHOR_EMAIL=g@e", "GIT_COMMITTER_NAME=g", "GIT_COMMITTER_EMAIL=g@e")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", "README")
	git("commit", "-qm", "first")
	out := p.sh(t, Profile{}, `
set -e
export GIT_AUTHOR_NAME=g GIT_AUTHOR_EMAIL=g@e GIT_COMMITTER_NAME=g GIT_COMMITTER_EMAIL=g@e
git status --short
echo more >> README && git add README && git commit -qm second
git log --oneline
git checkout -q -b feature
echo f > f.txt && git add f.txt && git commit -qm feature
echo wip >> README && git stash -q && git stash pop -q && git checkout -q README
git checkout -q main && echo m > m.txt && git add m.txt && git commit -qm main2
git checkout -q feature && git rebase -q main && git log --oneline | head -5
git branch
if echo '#!/bin/sh' > .git/hooks/pre-commit 2>/dev/null; then echo HOOK-PLANTED; fi
if git config core.fsmonitor /tmp/x 2>/dev/null; then echo CONFIG-CHANGED; fi
`)
	for _, want := range []string{"second", "feature", "main2", "* feature"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"HOOK-PLANTED", "CONFIG-CHANGED"} {
		if strings.Contains(out, bad) && os.Geteuid() == 0 {
			t.Errorf("%s inside the sandbox:\n%s", bad, out)
		}
	}
}

func TestToolGo(t *testing.T) {
	needTool(t, "go")
	cache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	p := newProject(t)
	p.write(t, "go.mod", "module example.com/m\n\ngo 1.21\n")
	p.write(t, "main.go", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(greet()) }\n\nfunc greet() string { return \"hello from go\" }\n")
	p.write(t, "main_test.go", "package main\n\nimport \"testing\"\n\nfunc TestGreet(t *testing.T) {\n\tif greet() == \"\" {\n\t\tt.Fatal(\"empty\")\n\t}\n}\n")
	// The user's build cache is a writable root, as a guard user would configure
	// it; the module cache and GOPATH live in the project.
	gocache := strings.TrimSpace(string(cache))
	if err := os.MkdirAll(gocache, 0o755); err != nil {
		t.Fatal(err)
	}
	p.env = append(p.env, "GOCACHE="+gocache, "GOPATH="+filepath.Join(p.dir, ".gopath"), "GOFLAGS=-mod=mod",
		"GOTOOLCHAIN=local", "GOPROXY=off", "CGO_ENABLED=0")
	out := p.sh(t, Profile{WritableRoots: []string{gocache}}, `
set -e
go build -o bin/m .
./bin/m
go vet ./...
go test -count=1 ./...
`)
	for _, want := range []string{"hello from go", "ok  \texample.com/m"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

const pythonScript = `
import asyncio, multiprocessing as mp, os, pty, sys, tempfile

def square(x):
    return x * x

async def main():
    proc = await asyncio.create_subprocess_exec("true")
    await proc.wait()
    r, w = os.pipe()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(r, "rb"))
    os.write(w, b"piped\n")
    line = await reader.readline()
    await asyncio.sleep(0.01)
    return proc.returncode, line.decode().strip()

if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    with mp.Pool(2) as pool:
        print("pool", sum(pool.map(square, range(10))))
    q = mp.Queue()
    p = mp.Process(target=q.put, args=("queued",))
    p.start(); print(q.get()); p.join()
    lock = mp.Lock()
    with lock:
        print("locked")
    print("asyncio", asyncio.run(main()))
    m, s = pty.openpty()
    os.write(s, b"tty\n")
    print("pty", os.read(m, 16).decode().strip())
    with tempfile.NamedTemporaryFile() as f:
        f.write(b"x")
    print("done")
`

func TestToolPython(t *testing.T) {
	needTool(t, "python3")
	p := newProject(t)
	p.write(t, "prog.py", pythonScript)
	out := p.sh(t, Profile{}, "python3 prog.py fork")
	for _, want := range []string{"pool 285", "queued", "locked", "asyncio (0, 'piped')", "pty tty", "done"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestToolPythonForkserver documents the cost of refusing socket(AF_UNIX):
// multiprocessing's forkserver (the default from Python 3.14) listens on a
// pathname Unix socket. It needs AllowUnixSockets.
func TestToolPythonForkserver(t *testing.T) {
	needTool(t, "python3")
	p := newProject(t)
	p.write(t, "prog.py", pythonScript)
	out, err := p.run(t, Profile{}, "python3 prog.py forkserver")
	if err == nil || !strings.Contains(out, "PermissionError") {
		t.Errorf("forkserver without Unix sockets: %v, want a PermissionError saying why:\n%s", err, out)
	}
	out = p.sh(t, Profile{AllowUnixSockets: true}, "python3 prog.py forkserver")
	if !strings.Contains(out, "pool 285") {
		t.Errorf("forkserver with Unix sockets allowed:\n%s", out)
	}
}

func TestToolMake(t *testing.T) {
	needTool(t, "make")
	p := newProject(t)
	p.write(t, "Makefile", "all: a b\n\tcat a b > all\n\na:\n\tsleep 0.2; echo a > a\n\nb:\n\tsleep 0.2; echo b > b\n\nclean:\n\trm -f a b all\n")
	out := p.sh(t, Profile{}, "make -j2 && cat all && make clean && make -j2 -s")
	if !strings.Contains(out, "a\nb\n") {
		t.Errorf("output lacks the built file:\n%s", out)
	}
}

func TestToolShell(t *testing.T) {
	p := newProject(t)
	out := p.sh(t, Profile{}, `
set -e
echo one > f
echo two >> f
cat f > g
exec 3> h
echo three >&3
exec 3>&-
mkdir -p d/e
mv f d/e/
ln -s d/e/f sym
cat sym
rm g
chmod 600 h
touch -d @0 h
mkfifo fifo
(echo through > fifo &) ; cat fifo
echo discarded > /dev/null
cat /dev/null
echo err 2>/dev/null >&2
sleep 10 & kill $!; wait $! || echo killed-child
echo x > /dev/shm/guard-test-$$ && rm /dev/shm/guard-test-$$ && echo shm
`)
	for _, want := range []string{"one\ntwo", "through", "killed-child", "shm"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestToolTar(t *testing.T) {
	needTool(t, "tar", "gzip")
	p := newProject(t)
	p.write(t, "src/a", "alpha\n")
	p.write(t, "src/sub/b", "beta\n")
	out := p.sh(t, Profile{}, `
set -e
tar cf a.tar src
tar czf a.tgz src
mkdir out
tar xf a.tar -C out
tar xzf a.tgz -C "$TMPDIR"
cat out/src/sub/b "$TMPDIR/src/a"
tar tzf a.tgz
`)
	for _, want := range []string{"beta\nalpha", "src/sub/b"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestToolSortMktemp(t *testing.T) {
	needTool(t, "sort", "seq", "mktemp")
	p := newProject(t)
	// A small buffer makes sort spill to temporary files in TMPDIR.
	out := p.sh(t, Profile{}, `
set -e
seq 1 200000 | sort -rn -S 64K --parallel=2 > sorted
head -1 sorted
f=$(mktemp); d=$(mktemp -d)
echo x > "$f"; touch "$d/y"
echo "$f $d" | grep -q "^$TMPDIR" && echo mktemp-in-tmpdir
`)
	for _, want := range []string{"200000", "mktemp-in-tmpdir"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestToolNode(t *testing.T) {
	needTool(t, "node")
	p := newProject(t)
	p.write(t, "prog.js", `
const fs = require("fs"), cp = require("child_process"), { Worker } = require("worker_threads");
fs.writeFileSync("out.txt", "written");
cp.execSync("true");
const w = new Worker("require('worker_threads').parentPort.postMessage(6*7)", { eval: true });
w.on("message", (m) => { console.log("worker", m, fs.readFileSync("out.txt", "utf8")); });
`)
	out := p.sh(t, Profile{}, "node prog.js")
	if !strings.Contains(out, "worker 42 written") {
		t.Errorf("output lacks the worker's answer:\n%s", out)
	}
}

func TestToolProcSelf(t *testing.T) {
	p := newProject(t)
	out := p.sh(t, Profile{}, `
set -e
grep -c . /proc/self/status
ls /proc/self/fd > /dev/null
readlink /proc/self/exe
head -1 /proc/self/mountinfo > /dev/null
cat /proc/self/cmdline | tr '\0' ' '
`)
	if !strings.Contains(out, "/proc/self/cmdline") {
		t.Errorf("output lacks cat's own command line:\n%s", out)
	}
}

// TestPrivateSharedMemory: as root, /dev/shm inside is a private tmpfs.
func TestPrivateSharedMemory(t *testing.T) {
	requireRoot(t, "the private /dev/shm comes with the mount namespace, which needs CAP_SYS_ADMIN")
	name := fmt.Sprintf("/dev/shm/guard-test-%d", os.Getpid())
	if err := os.WriteFile(name, []byte("host"), 0o600); err != nil {
		sandboxtest.Skipf(t, "no writable /dev/shm here: %v", err)
	}
	defer os.Remove(name)
	p := newProject(t)
	out := p.sh(t, Profile{}, "ls "+name+" 2>&1 || echo absent; echo x > /dev/shm/inside && echo made")
	if !strings.Contains(out, "absent") || !strings.Contains(out, "made") {
		t.Errorf("inside, /dev/shm is not private and writable:\n%s", out)
	}
	if exists("/dev/shm/inside") {
		os.Remove("/dev/shm/inside")
		t.Error("a file made in /dev/shm inside the sandbox appeared outside")
	}
}

// TestInsideIPC: what the sandboxed program does with itself keeps working.
func TestInsideIPC(t *testing.T) {
	requireSandbox(t)
	abstract := fmt.Sprintf("guard-test-inside-%d", os.Getpid())
	for _, tt := range []struct {
		name    string
		attack  string
		args    []string
		profile Profile
	}{
		{"socketpair", "socketpair", nil, Profile{}},
		{"abstract socket made inside", "abstract-listen-connect", []string{abstract}, Profile{AllowUnixSockets: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			prof := tt.profile
			prof.WritableRoots = []string{t.TempDir()}
			o := child{attack: &attackSpec{Name: tt.attack, Args: tt.args}, profile: &prof}.run(t)
			if !o.ok {
				t.Errorf("%s inside the sandbox: %s", tt.attack, o)
			}
		})
	}
}

// TestAllowNetwork: with AllowNetwork the program reaches a loopback listener,
// and with AllowUnixSockets a pathname socket.
func TestAllowNetwork(t *testing.T) {
	requireSandbox(t)
	tcp := listenTCP(t, "tcp4", "127.0.0.1:0")
	sock := filepath.Join(t.TempDir(), "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go acceptAndClose(l)
	for _, tt := range []struct {
		attack  string
		arg     string
		profile Profile
	}{
		{"tcp-connect", tcp, Profile{AllowNetwork: true}},
		{"tcp-connect", tcp, Profile{AllowNetwork: true, AllowUnixSockets: true}},
		{"unix-connect", sock, Profile{AllowUnixSockets: true}},
		{"unix-connect", sock, Profile{AllowNetwork: true, AllowUnixSockets: true}},
	} {
		prof := tt.profile
		prof.WritableRoots = []string{t.TempDir()}
		o := child{attack: &attackSpec{Name: tt.attack, Args: []string{tt.arg}}, profile: &prof}.run(t)
		if !o.ok {
			t.Errorf("%s with %+v: %s", tt.attack, tt.profile, o)
		}
	}
	// AllowNetwork alone does not open pathname Unix sockets.
	prof := Profile{AllowNetwork: true, WritableRoots: []string{t.TempDir()}}
	if o := (child{attack: &attackSpec{Name: "unix-connect", Args: []string{sock}}, profile: &prof}).run(t); o.ok || o.errno != unix.EPERM {
		t.Errorf("unix-connect with AllowNetwork only: %s, want EPERM", o)
	}
}

// TestLimitUnprivilegedMetadata pins a documented limit: for an ordinary user
// where user namespaces are forbidden there is no read-only mount namespace,
// and Landlock does not check chmod, utime or xattrs, so the user's own files
// outside the roots can still change mode. Where they are allowed, full-auto's
// child in a user namespace makes the mounts read-only: EROFS.
func TestLimitUnprivilegedMetadata(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	cred := &syscall.Credential{Uid: 65534, Gid: 65534}
	base := t.TempDir()
	exe := shareWith(t, base, cred)
	for _, forbidden := range []bool{false, true} {
		f := newFixture(t, base)
		chownFixture(t, f, cred)
		o := child{attack: &attackSpec{Name: "chmod", Args: []string{f.file}}, profile: &Profile{WritableRoots: []string{f.root}},
			exe: exe, cred: cred, noUserNS: forbidden}.run(t)
		switch {
		case forbidden && !o.ok:
			t.Fatalf("chmod of the user's own file outside the roots, user namespaces forbidden: %s; the limit in doc.go is gone: update it", o)
		case !forbidden && (o.ok || o.errno != unix.EROFS):
			if ok, why := userNSAllowed(); !ok {
				t.Logf("user namespaces forbidden here (%s): the limit applies", why)
				continue
			}
			t.Fatalf("chmod of the user's own file outside the roots, in the child: %s, want EROFS", o)
		}
	}
	t.Log("documented limit: without a user namespace, an ordinary user's own files outside the roots can change mode")
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestToolVenvNpm: a Python virtual environment running multiprocessing, and an
// npm script, with the default protected paths and secrets.
func TestToolVenvNpm(t *testing.T) {
	needTool(t, "python3", "npm")
	p := newProject(t)
	p.write(t, "mp.py", "import multiprocessing as m\nif __name__ == '__main__':\n    m.set_start_method('fork')\n    with m.Pool(2) as p: print('venv pool', sum(p.map(abs, [-1, -2, 3])))\n")
	p.write(t, "package.json", `{"name": "t", "version": "1.0.0", "scripts": {"hello": "node -e \"console.log('npm script', 6*7)\""}}`)
	out := p.sh(t, Profile{}, `
set -e
python3 -m venv --without-pip venv
venv/bin/python mp.py
npm run --silent hello
`)
	for _, want := range []string{"venv pool 6", "npm script 42"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
