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
