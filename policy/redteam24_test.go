package policy_test

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRedTeam24PidWords: $$ is judged as guard's own process id, and the
// shell that runs the script has another (a hook's answer runs in the
// agent's shell, started after the hook). A word is judged so only where
// any number names the same: /proc/$$ paths and $$ alone where no name of
// digits only is there. A glob around $$, or a file named by it, matches at
// run time what the shell's pid names (links x1000.log -> .env to
// x99999.log planted, the one guard's own pid names left out).
func TestRedTeam24PidWords(t *testing.T) {
	set := defaultSet(t)
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	clean, planted := filepath.Join(root, "clean"), filepath.Join(root, "planted")
	for _, d := range []string{clean, planted} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, ".env"), []byte("API_KEY=PID-SECRET\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(".env", filepath.Join(planted, "12345")); err != nil {
		t.Fatal(err)
	}
	judgeRuns(t, set, clean, map[string]bool{
		`cat $$*`:             false,
		`head -3 $$?`:         false,
		`cat x$$[0-9]`:        false,
		`head -3 x$$.log`:     false,
		`cat "$$".txt`:        false,
		`ls /proc/$$/fd/*`:    false,
		`cat ./$$`:            false,
		`ps -p $$ -o comm=`:   true,
		`cat /proc/$$/status`: true,
		`ls /proc/$$/fd`:      true,
		`echo "pid $$"`:       true,
		`cat $$`:              true,
	})
	judgeRuns(t, set, planted, map[string]bool{
		`cat $$`:              false,
		`head -3 $$`:          false,
		`ps -p $$`:            false,
		`cat /proc/$$/status`: true,
	})
}
