package gate

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestPHPIniVarsReachRoot (judge-10 Q3): an inherited PHPRC or
// PHP_INI_SCAN_DIR naming an ini file or directory in a writable root (or
// a relative one) makes every php run load what its extension= lines name:
// `php -l a.php` and `php --version` (safe) ran a shared object the agent
// wrote. The class of judge-7 L2 and judge-8 J2; PHP's variables were not
// on the lists.
func TestPHPIniVarsReachRoot(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php is not installed")
	}
	dir := t.TempDir()
	ini := filepath.Join(dir, "phpd")
	if err := os.MkdirAll(ini, 0o755); err != nil {
		t.Fatal(err)
	}
	// An extension line naming a missing module is enough for php to try
	// to load it (it warns): the control that the variable is read.
	if err := os.WriteFile(filepath.Join(ini, "php.ini"), []byte("extension="+dir+"/evil.so\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.php"), []byte("<?php echo 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(php, "-l", "a.php")
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "PHPRC="+ini)
	out, _ := cmd.CombinedOutput()
	if !strings.Contains(string(out), "evil.so") {
		t.Fatalf("php -l did not read PHPRC's ini (%q): the premise does not hold here", out)
	}
	judge := func(argv []string, env ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, append([]string{"HOME=" + dir, "PATH=" + filepath.Dir(php) + ":/usr/bin:/bin"}, env...)...)
		v, _ := g.Judge(argv)
		return v
	}
	for _, argv := range [][]string{{"php", "-l", "a.php"}, {"php", "--version"}, {"php", "-m"}} {
		for _, e := range []string{"PHPRC=" + ini, "PHPRC=" + ini + "/php.ini", "PHP_INI_SCAN_DIR=:" + ini, "PHP_INI_SCAN_DIR=phpd",
			"PHPRC=."} {
			if v := judge(argv, e); v.Class == policy.Safe {
				t.Errorf("%s: %v safe, want asked", e, argv)
			}
		}
		for _, e := range []string{"PHPRC=/etc/php", "PHP_INI_SCAN_DIR=", "NODE_OPTIONS=--require ./x.js"} {
			if v := judge(argv, e); v.Class != policy.Safe && v.Class != "" {
				t.Errorf("%s: %v %s (%s), want safe", e, argv, v.Class, v.Why())
			}
		}
	}
	if v := judge([]string{"ls"}, "PHPRC="+ini); v.Class != policy.Safe {
		t.Errorf("PHPRC: ls %s (%s), want safe (only php reads it)", v.Class, v.Why())
	}
}

// TestGoRunsPlantedCompiler (judge-10 Q4): the go command runs the C
// compiler by name through PATH ($CC, gcc by default) for `go env`, `go env
// CGO_CFLAGS` and `go list -json` of a cgo package, all safe: with PATH
// reaching a writable root (a venv's bin, node_modules/.bin) a planted gcc
// ran. The class of judge-5 L6 and judge-6 M16; go's helpers were its
// version control programs only.
func TestGoRunsPlantedCompiler(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not installed")
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc is not installed")
	}
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	marker := filepath.Join(dir, "CC_RAN")
	bin := filepath.Join(dir, ".venv", "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "gcc"), []byte("#!/bin/sh\ntouch "+marker+"\nexec /usr/bin/gcc \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for f, body := range map[string]string{"go.mod": "module x\n\ngo 1.21\n", "x.go": "package x\n"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goTelemetryOff(t, dir)
	path := "PATH=" + bin + ":" + filepath.Dir(goBin) + ":/usr/bin:/bin"
	// The control: go env runs the planted gcc.
	run := exec.Command(goBin, "env", "CGO_CFLAGS")
	run.Dir, run.Env = dir, append(os.Environ(), path, "HOME="+dir, "GOFLAGS=", "CC=", "GOTOOLCHAIN=local")
	_ = run.Run()
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("go env CGO_CFLAGS did not run the planted gcc (%v): the premise does not hold here", err)
	}
	judge := func(env []string, argv ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, append([]string{"HOME=" + dir}, env...)...)
		v, _ := g.Judge(argv)
		return v
	}
	for _, argv := range [][]string{{"go", "env", "CGO_CFLAGS"}, {"go", "env", "GOGCCFLAGS"}, {"go", "list", "-json", "./..."},
		{"go", "version"}} {
		if v := judge([]string{path}, argv...); v.Class == policy.Safe {
			t.Errorf("%v with a planted gcc on PATH: safe, want asked", argv)
		}
		if v := judge([]string{"PATH=" + filepath.Dir(goBin) + ":/usr/bin:/bin"}, argv...); v.Class != policy.Safe {
			t.Errorf("%v with nothing planted: %s (%s), want safe", argv, v.Class, v.Why())
		}
	}
}

// TestGitBlobTransformedToken (judge-10 Q2, for blobs): a committed
// gzip, base64 or UTF-16 file holding a token: `git show HEAD:app.log.gz |
// zcat`, `git cat-file -p HEAD:creds.b64 | base64 -d` and `git show
// HEAD:export16.txt` printed it; the blob scan (judge-6 M5) read the stored
// bytes only.
func TestGitBlobTransformedToken(t *testing.T) {
	dir, run, write := gitLab(t)
	token := "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB"
	var gz bytes.Buffer
	z := gzip.NewWriter(&gz)
	z.Write([]byte("INFO start\nDEBUG token=" + token + "\n"))
	z.Close()
	write("app.log.gz", gz.String())
	write("creds.b64", base64.StdEncoding.EncodeToString([]byte("token: "+token+"\n"))+"\n")
	var wide []byte
	for _, c := range []byte("token=" + token + "\r\n") {
		wide = append(wide, c, 0)
	}
	write("export16.txt", "\xff\xfe"+string(wide))
	var ok bytes.Buffer
	z = gzip.NewWriter(&ok)
	z.Write([]byte("nothing here\n"))
	z.Close()
	write("ok.gz", ok.String())
	run("init", "-q", ".")
	run("add", "-A")
	run("commit", "-qm", "x")
	if out := run("show", "HEAD:creds.b64"); strings.Contains(out, "ghp_") {
		t.Fatal("the blob shows the token as stored")
	}
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	judge := func(argv ...string) policy.Verdict {
		g := newGate(t, dir, Options{}, env...)
		v, _ := g.Judge(argv)
		return v
	}
	for _, argv := range [][]string{
		{"bash", "-c", "git show HEAD:app.log.gz | zcat"},
		{"bash", "-c", "git cat-file -p HEAD:creds.b64 | base64 -d"},
		{"git", "show", "HEAD:export16.txt"},
		{"git", "cat-file", "blob", "HEAD:app.log.gz"},
	} {
		if v := judge(argv...); v.Class == policy.Safe {
			t.Errorf("%v: safe, want asked (the blob holds a token once decoded)", argv)
		}
	}
	if v := judge("bash", "-c", "git show HEAD:ok.gz | zcat"); v.Class != policy.Safe {
		t.Errorf("git show HEAD:ok.gz | zcat: %s (%s), want safe", v.Class, v.Why())
	}
}
