package gate

import (
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
