package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// R2 (judge-11): `git range-diff` prints the two ranges' patches diffed,
// a token line of a commit rebased or rewritten among them, but the
// history check ran its ranges as plain `git log A..B` (no patch): the
// patch scan saw only headers, and a token committed in cfg.py (a name no
// list knows) was printed in suggest mode, where `git log -p` asks.
func TestGitRangeDiffToken(t *testing.T) {
	dir, run, write := gitLab(t)
	run("init", "-q", "-b", "main", ".")
	write("main.go", "package main\n")
	run("add", "main.go")
	run("commit", "-qm", "init")
	run("checkout", "-q", "-b", "b1")
	write("cfg.py", "API = \"ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5\"\n")
	run("add", "cfg.py")
	run("commit", "-qm", "config")
	run("checkout", "-q", "-b", "b2", "main")
	write("cfg.py", "API = \"ghp_zZ3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zQQ\"\n")
	run("add", "cfg.py")
	run("commit", "-qm", "config")
	run("checkout", "-q", "main")
	if out := run("range-diff", "--creation-factor=100", "main..b1", "main..b2"); !strings.Contains(out, "ghp_zZ3") {
		t.Fatalf("git range-diff printed %q, without the token (the premise)", out)
	}
	g := newGate(t, dir, Options{})
	for _, c := range []string{
		"git range-diff --creation-factor=100 main..b1 main..b2", "git range-diff --creation-factor=100 b1...b2",
		"git range-diff --creation-factor=100 main b1 b2", "git range-diff --no-color --creation-factor=100 main..b1 main..b2 -- cfg.py",
	} {
		v, _ := g.Judge([]string{"bash", "-c", c})
		if v.Class == policy.Safe || v.Class == policy.Match {
			t.Errorf("%s = %s, want unverified (it prints the committed token)", c, v.Class)
		}
	}
	for _, c := range []string{"git range-diff b1...b2 -- main.go", "git log --oneline b1...b2"} {
		if v, _ := g.Judge([]string{"bash", "-c", c}); v.Class != policy.Safe {
			t.Errorf("%s = %s (%s), want safe", c, v.Class, v.Why())
		}
	}
}

// R3 (judge-11): the docker CLI runs docker-NAME from
// $DOCKER_CONFIG/cli-plugins (and config.json's cliPluginsExtraDirs) for
// `docker buildx ls` and `docker compose ps`, which the rules call safe: a
// DOCKER_CONFIG inside the project ran a program written there.
func TestDockerPluginInWritableRoot(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	other, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dir, "PLUGIN_RAN")
	plugin := "#!/bin/sh\necho \"$@\" >> " + marker + "\n" +
		"[ \"$1\" = docker-cli-plugin-metadata ] && echo '{\"SchemaVersion\":\"0.1.0\",\"Vendor\":\"x\",\"Version\":\"v1\"}'\nexit 0\n"
	for _, p := range []string{"dc/cli-plugins/docker-buildx", "xp/docker-compose"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(plugin), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cfgHome := filepath.Join(other, ".docker")
	if err := os.MkdirAll(cfgHome, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfgHome, "config.json"), []byte(`{"cliPluginsExtraDirs":["`+filepath.Join(dir, "xp")+`"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if docker, err := exec.LookPath("docker"); err == nil {
		// The premise: docker runs the plugin DOCKER_CONFIG's directory holds.
		cmd := exec.Command(docker, "buildx", "ls")
		cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+filepath.Join(dir, "dc"))
		_ = cmd.Run()
		if b, _ := os.ReadFile(marker); !strings.Contains(string(b), "buildx ls") {
			t.Fatalf("docker buildx ls did not run $DOCKER_CONFIG/cli-plugins/docker-buildx (%q): the premise does not hold here", b)
		}
	}
	cases := map[string][]string{
		"docker buildx ls":                 {"DOCKER_CONFIG=" + filepath.Join(dir, "dc")},
		"docker compose ps":                {"DOCKER_CONFIG=dc"},
		"docker ps":                        {"DOCKER_CONFIG=" + filepath.Join(dir, "nothing-yet")},
		"docker compose config --services": {"HOME=" + other},
	}
	for c, env := range cases {
		g := newGate(t, dir, Options{}, env...)
		if v, _ := g.Judge([]string{"bash", "-c", c}); v.Class == policy.Safe || v.Class == policy.Match {
			t.Errorf("%s with %v = %s, want unverified (docker runs a plugin from the writable root)", c, env, v.Class)
		}
	}
	// Plugins outside the roots: unchanged.
	g := newGate(t, dir, Options{}, "DOCKER_CONFIG=/nonexistent/guard-test-docker")
	if v, _ := g.Judge([]string{"bash", "-c", "docker buildx ls"}); v.Class != policy.Safe {
		t.Errorf("docker buildx ls with DOCKER_CONFIG outside the roots = %s (%s), want safe", v.Class, v.Why())
	}
}

// R4 (judge-11): javac reads JDK_JAVAC_OPTIONS as it reads its command
// line: an @FILE there is read and its words taken for options (`javac
// -version` printed "invalid flag: [default]" for a file holding AWS
// credentials). The JVM's variables were option variables (judge-7 L2);
// javac's was not.
func TestJavacOptionsVar(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	args := filepath.Join(dir, "javac.args")
	if err := os.WriteFile(args, []byte("[default]\naws_secret_access_key=abc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if javac, err := exec.LookPath("javac"); err == nil {
		cmd := exec.Command(javac, "-version")
		cmd.Env = append(os.Environ(), "JDK_JAVAC_OPTIONS=@"+args)
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "[default]") {
			t.Fatalf("javac -version with JDK_JAVAC_OPTIONS=@FILE printed %q, not the file's first word: the premise does not hold here", out)
		}
	}
	for _, val := range []string{"@" + args, "@javac.args"} {
		g := newGate(t, dir, Options{}, "JDK_JAVAC_OPTIONS="+val)
		if v, _ := g.Judge([]string{"javac", "-version"}); v.Class == policy.Safe || v.Class == policy.Match {
			t.Errorf("javac -version with JDK_JAVAC_OPTIONS=%s = %s, want unverified", val, v.Class)
		}
	}
	g := newGate(t, dir, Options{}, "JDK_JAVAC_OPTIONS=-Xlint:all")
	if v, _ := g.Judge([]string{"javac", "-version"}); v.Class != policy.Safe {
		t.Errorf("javac -version with JDK_JAVAC_OPTIONS=-Xlint:all = %s (%s), want safe", v.Class, v.Why())
	}
}

// R5 (judge-11): `go env GOGCCFLAGS` (safe) runs $CC to learn its flags,
// and CC (CXX, PKG_CONFIG) may come from the environment or the go env
// file: a CC naming a program in the project, or a relative one, ran it.
func TestGoRunsCompilerVariable(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dir, "CC_RAN")
	cc := filepath.Join(dir, "tools", "cc")
	if err := os.MkdirAll(filepath.Dir(cc), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cc, []byte("#!/bin/sh\n: > "+marker+"\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	goenv := filepath.Join(dir, "goenv")
	if err := os.WriteFile(goenv, []byte("CC="+cc+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if goBin, err := exec.LookPath("go"); err == nil {
		cmd := exec.Command(goBin, "env", "GOGCCFLAGS")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "CC="+cc, "CGO_ENABLED=1")
		_ = cmd.Run()
		if _, err := os.Stat(marker); err != nil {
			t.Fatalf("go env GOGCCFLAGS did not run $CC (%v): the premise does not hold here", err)
		}
	}
	goPath := "PATH=" + filepath.Dir(mustLook(t, "go")) + ":/usr/bin:/bin"
	for _, env := range [][]string{
		{"CC=" + cc}, {"CC=./tools/cc -m64"}, {"CXX=" + cc}, {"PKG_CONFIG=" + cc}, {"GOENV=" + goenv},
	} {
		g := newGate(t, dir, Options{}, append(env, goPath)...)
		for _, c := range []string{"go env GOGCCFLAGS", "go version"} {
			if v, _ := g.Judge([]string{"bash", "-c", c}); v.Class == policy.Safe || v.Class == policy.Match {
				t.Errorf("%s with %v = %s, want unverified (go runs that compiler)", c, env, v.Class)
			}
		}
	}
	g := newGate(t, dir, Options{}, "CC=gcc", goPath)
	if v, _ := g.Judge([]string{"bash", "-c", "go env GOGCCFLAGS"}); v.Class != policy.Safe {
		t.Errorf("go env GOGCCFLAGS with CC=gcc = %s (%s), want safe", v.Class, v.Why())
	}
}

func mustLook(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skip(name + " is not installed")
	}
	return p
}

// R7 (judge-11): GNU tar reads TAR_OPTIONS from the environment before its
// own words: an inherited `--use-compress-program=./zp` (or -I, or
// --checkpoint-action=exec=) made `tar -tf a.tar`, which the rules call
// safe, run a program. Assignments were asked; the inherited variable was
// not looked at.
func TestTarOptionsInherited(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tarBin := mustLook(t, "tar")
	marker := filepath.Join(dir, "ZP_RAN")
	zp := filepath.Join(dir, "zp")
	if err := os.WriteFile(zp, []byte("#!/bin/sh\n: > "+marker+"\ncat\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mk := exec.Command(tarBin, "-cf", "a.tar", "a.txt")
	mk.Dir = dir
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("tar -cf: %v %s", err, out)
	}
	ls := exec.Command(tarBin, "-tf", "a.tar")
	ls.Dir = dir
	ls.Env = append(os.Environ(), "TAR_OPTIONS=--use-compress-program="+zp)
	_ = ls.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("tar -tf with TAR_OPTIONS=--use-compress-program did not run it (%v): the premise does not hold here", err)
	}
	for _, val := range []string{"--use-compress-program=" + zp, "-I ./zp", "--checkpoint=1 --checkpoint-action=exec=id",
		"--to-command=id", "--index-file=/x"} {
		g := newGate(t, dir, Options{}, "TAR_OPTIONS="+val)
		for _, c := range []string{"tar -tf a.tar", "tar tvf a.tar"} {
			if v, _ := g.Judge([]string{"bash", "-c", c}); v.Class == policy.Safe || v.Class == policy.Match {
				t.Errorf("%s with TAR_OPTIONS=%s = %s, want unverified", c, val, v.Class)
			}
		}
	}
	g := newGate(t, dir, Options{}, "TAR_OPTIONS=--no-same-owner --warning=no-timestamp")
	if v, _ := g.Judge([]string{"bash", "-c", "tar -tf a.tar"}); v.Class != policy.Safe {
		t.Errorf("tar -tf a.tar with a harmless TAR_OPTIONS = %s (%s), want safe", v.Class, v.Why())
	}
}

// R7 (judge-11), Info-ZIP's variables: `UNZIP=-c unzip -l y.zip` prints
// the members, a .env's password among them, where the rule allows a
// listing.
func TestZipOptionsInherited(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	zipBin, unzipBin := mustLook(t, "zip"), mustLook(t, "unzip")
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("DB_PASSWORD=hunter2hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mk := exec.Command(zipBin, "-q", "y.zip", ".env")
	mk.Dir = dir
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("zip: %v %s", err, out)
	}
	if err := os.Remove(filepath.Join(dir, ".env")); err != nil {
		t.Fatal(err)
	}
	ls := exec.Command(unzipBin, "-l", "y.zip")
	ls.Dir = dir
	ls.Env = append(os.Environ(), "UNZIP=-c")
	if out, _ := ls.CombinedOutput(); !strings.Contains(string(out), "hunter2") {
		t.Fatalf("UNZIP=-c unzip -l printed %q, not the member: the premise does not hold here", out)
	}
	for _, env := range []string{"UNZIP=-c", "UNZIPOPT=-p", "UNZIP=-qq -d /x", "UNZIP=-M"} {
		g := newGate(t, dir, Options{}, env)
		if v, _ := g.Judge([]string{"bash", "-c", "unzip -l y.zip"}); v.Class == policy.Safe || v.Class == policy.Match {
			t.Errorf("unzip -l y.zip with %s = %s, want unverified", env, v.Class)
		}
	}
	g := newGate(t, dir, Options{}, "UNZIP=-qq")
	if v, _ := g.Judge([]string{"bash", "-c", "unzip -l y.zip"}); v.Class != policy.Safe {
		t.Errorf("unzip -l y.zip with UNZIP=-qq = %s (%s), want safe", v.Class, v.Why())
	}
}
