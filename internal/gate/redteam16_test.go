package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestRedTeam16BzipOptionsInherited: bzip2 puts the words of BZIP2 and
// BZIP, inherited from guard's environment, before its own, and a word that
// is not an option is a file to work on: `BZIP2='-f CREDS' bzcat new.bz2`
// printed CREDS (the real bzcat does first), and bzip2 compressing in
// place would take a file the rule never named. Such words make the
// command unverified now, for bzcat, bunzip2, bzip2 and tar (which runs
// bzip2); block sizes, --small and verbosity stay safe.
func TestRedTeam16BzipOptionsInherited(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	bzcat := mustLook(t, "bzcat")
	secret := filepath.Join(dir, "creds")
	if err := os.WriteFile(secret, []byte("aws_secret_access_key = wJalrXUtnFEMI\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bzcat, "new.bz2")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "BZIP2=-f "+secret)
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "wJalr") {
		t.Fatalf("BZIP2='-f FILE' did not make bzcat print FILE (%q): the premise does not hold here", out)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	scripts := []string{"bzcat new.bz2", "bunzip2 -k new.bz2", "tar -tjf new.tar.bz2", "bzip2 -k a.txt"}
	for _, script := range scripts {
		g := newGate(t, dir, Options{Mode: "auto-edit"}, "BZIP2=-9")
		if v, _ := g.Judge([]string{"bash", "-c", script}); v.Class != policy.Safe && v.Class != policy.Match {
			t.Errorf("%s with BZIP2=-9 = %s (%s), want safe or match", script, v.Class, v.Why())
		}
	}
	for _, env := range []string{"BZIP2=-f " + secret, "BZIP=-f " + secret, "BZIP2=" + secret, "BZIP2=-c", "BZIP2=-", "BZIP2=--force"} {
		for _, script := range scripts {
			g := newGate(t, dir, Options{Mode: "auto-edit"}, env)
			if v, _ := g.Judge([]string{"bash", "-c", script}); v.Class == policy.Safe || v.Class == policy.Match {
				t.Errorf("%s with %s = %s, want unverified", script, env, v.Class)
			}
		}
	}
	for _, env := range []string{"BZIP2=-9", "BZIP2=-s -v", "BZIP=--small --best", "BZIP2=-9ks"} {
		g := newGate(t, dir, Options{}, env)
		if v, _ := g.Judge([]string{"bash", "-c", "bzcat new.bz2"}); v.Class != policy.Safe {
			t.Errorf("bzcat new.bz2 with %s = %s (%s), want safe", env, v.Class, v.Why())
		}
	}
}

// TestRedTeam16GzipNameInherited: gzip lets -N through GZIP (pigz takes
// any option from PIGZ, and GZIP too), and -N restores the name a .gz's
// header stores: `GZIP=-N gunzip notes.gz`, an edit of notes that
// auto-edit runs, created .envrc (the real gunzip does first), where
// `touch .envrc` is asked. Such variables make gzip and pigz commands
// unverified now; levels, -n, -q and pigz's threads stay as before.
func TestRedTeam16GzipNameInherited(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	gzip := mustLook(t, "gzip")
	env := filepath.Join(dir, ".envrc")
	if err := os.WriteFile(env, []byte("echo pwn\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(gzip, "-N", "-c", env).Output()
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(env)
	for _, name := range []string{"notes.gz", "n2.gz"} {
		if err := os.WriteFile(filepath.Join(dir, name), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(gzip, "-d", "notes.gz")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GZIP=-N")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GZIP=-N gzip -d: %v %s", err, out)
	}
	if _, err := os.Stat(env); err != nil {
		t.Fatalf("GZIP=-N gzip -d notes.gz did not create .envrc (%v): the premise does not hold here", err)
	}
	os.Remove(env)
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tar := exec.Command(mustLook(t, "tar"), "-czf", "a.tgz", "a.txt")
	tar.Dir = dir
	if out, err := tar.CombinedOutput(); err != nil {
		t.Fatalf("tar: %v %s", err, out)
	}
	scripts := []string{"gunzip n2.gz", "gzip -d n2.gz", "gzip -k a.txt", "unpigz n2.gz", "zcat n2.gz", "tar -xzf a.tgz"}
	for _, script := range scripts {
		g := newGate(t, dir, Options{Mode: "auto-edit"}, "GZIP=-9", "PIGZ=-p 4")
		if v, _ := g.Judge([]string{"bash", "-c", script}); v.Class != policy.Safe && v.Class != policy.Match {
			t.Errorf("%s with GZIP=-9 PIGZ='-p 4' = %s (%s), want safe or match", script, v.Class, v.Why())
		}
	}
	for _, env := range []string{"GZIP=-N", "GZIP=--name", "GZIP=-9N", "PIGZ=-N", "PIGZ=-S .sh", "PIGZ=-c"} {
		for _, script := range scripts {
			if strings.HasPrefix(env, "PIGZ") && !strings.Contains(script, "pigz") {
				continue
			}
			g := newGate(t, dir, Options{Mode: "auto-edit"}, env)
			if v, _ := g.Judge([]string{"bash", "-c", script}); v.Class == policy.Safe || v.Class == policy.Match {
				t.Errorf("%s with %s = %s, want unverified", script, env, v.Class)
			}
		}
	}
}

// TestRedTeam16InheritedShellOptions: bash turns on the options SHELLOPTS
// and BASHOPTS list, inherited from guard's environment, before it reads
// its script: with BASHOPTS=dotglob, `bash -c 'head -3 ?env'` printed .env
// (the real bash does first), where guard's globs leave hidden files out
// and judged the word as a missing file. Options that change globs, cd or
// words make a bash script unverified now; errexit, pipefail and the
// defaults bash lists stay safe, and a command that runs no shell is not
// touched.
func TestRedTeam16InheritedShellOptions(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	bash := mustLook(t, "bash")
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, "-c", "head -3 ?env")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "BASHOPTS=dotglob"}
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "sk-proj-abcdef") {
		t.Fatalf("BASHOPTS=dotglob did not make bash's ?env match .env (%q): the premise does not hold here", out)
	}
	judge := func(argv []string, env ...string) policy.Class {
		g := newGate(t, dir, Options{}, env...)
		v, _ := g.Judge(argv)
		return v.Class
	}
	script := []string{"bash", "-c", "head -3 ?env"}
	if c := judge(script); c != policy.Safe {
		t.Fatalf("bash -c 'head -3 ?env' with no inherited options = %s, want safe (the case below would prove nothing)", c)
	}
	for _, env := range [][]string{{"BASHOPTS=dotglob"}, {"BASHOPTS=checkwinsize:dotglob"}, {"BASHOPTS=nocaseglob"},
		{"BASHOPTS=extglob"}, {"BASHOPTS=globstar"}, {"BASHOPTS=nullglob"}, {"BASHOPTS=lastpipe"},
		{"SHELLOPTS=noglob"}, {"SHELLOPTS=physical"}, {"SHELLOPTS=keyword"}, {"SHELLOPTS=posix"},
		{"SHELLOPTS=braceexpand:allexport"}, {"SHELLOPTS=xtrace", "PS4=$(touch x)"}} {
		for _, argv := range [][]string{script, {"bash", "-c", "cat a.txt"}, {"bash", "-c", "sh -c 'cat a.txt'"}} {
			if c := judge(argv, env...); c == policy.Safe || c == policy.Match {
				t.Errorf("%q with %v = %s, want unverified", argv, env, c)
			}
		}
	}
	for _, env := range [][]string{{"SHELLOPTS=braceexpand:hashall:interactive-comments:errexit:pipefail"},
		{"BASHOPTS=checkwinsize:cmdhist:complete_fullquote:extquote:force_fignore:globasciiranges:hostcomplete:interactive_comments:progcomp:promptvars:sourcepath"},
		{"SHELLOPTS=xtrace"}} {
		if c := judge(script, env...); c != policy.Safe {
			t.Errorf("%q with %v = %s, want safe", script, env, c)
		}
	}
	if c := judge([]string{"head", "-3", "a.txt"}, "BASHOPTS=dotglob"); c != policy.Safe {
		t.Errorf("head -3 a.txt (no shell) with BASHOPTS=dotglob = %s, want safe", c)
	}
}

// TestRedTeam16BackupSuffix: cp and mv with -b, --backup, -S or --suffix
// rename the file they replace to its name and the suffix first: `cp -b -S
// rc a.txt .env` (the real cp does first) made .envrc, a protected file
// direnv runs, holding what .env held, where the judge saw a write of .env
// only and auto-edit ran it. The backups are written paths now, also with
// the inherited SIMPLE_BACKUP_SUFFIX and into a directory; other suffixes
// and copies without a backup still run.
func TestRedTeam16BackupSuffix(t *testing.T) {
	cp, err := exec.LookPath("cp")
	if err != nil {
		t.Skip("no cp")
	}
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	for name, body := range map[string]string{"a.txt": "hi\n", ".env": "echo pwned\n", "d/.env": "x\n"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	premise := exec.Command(cp, "-b", "-S", "rc", "a.txt", ".env")
	premise.Dir = dir
	if out, err := premise.CombinedOutput(); err != nil {
		t.Fatalf("cp -b: %v %s", err, out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, ".envrc")); err != nil || string(b) != "echo pwned\n" {
		t.Fatalf("cp -b -S rc did not rename .env to .envrc (%q, %v): the premise does not hold here", b, err)
	}
	os.Remove(filepath.Join(dir, ".envrc"))
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("echo pwned\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := "SIMPLE_BACKUP_SUFFIX="
	runs := func(c string) bool {
		g := newGate(t, dir, Options{Mode: "auto-edit"}, env)
		_, d := g.Judge([]string{"bash", "-c", c})
		return d.Action == policy.Run || d.Action == policy.RunSandboxed
	}
	for _, c := range []string{"cp -b -S rc a.txt .env", "cp -bSrc a.txt .env", "cp --suffix=rc a.txt .env",
		"cp -S rc a.txt .env", "mv -b -S rc a.txt .env", "mv --backup --suffix rc a.txt .env", "cp -b -S rc d/.env ."} {
		if runs(c) {
			t.Errorf("%q runs unasked in auto-edit", c)
		}
	}
	for _, c := range []string{"cp -b a.txt .env", "cp -b -S .bak a.txt b.txt", "cp a.txt b.txt", "mv -b a.txt c.txt"} {
		if !runs(c) {
			t.Errorf("%q asked in auto-edit", c)
		}
	}
	t.Setenv("SIMPLE_BACKUP_SUFFIX", "rc") // the judge reads guard's own environment
	env = "SIMPLE_BACKUP_SUFFIX=rc"
	if runs("cp -b a.txt .env") {
		t.Errorf("cp -b a.txt .env with SIMPLE_BACKUP_SUFFIX=rc runs unasked in auto-edit")
	}
}
