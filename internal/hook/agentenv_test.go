package hook_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"guard/internal/hook"
)

// TestStrippedGuardVars: a variable guard reads that the agent was started
// with and that its hook's environment lacks is found, through the hook's
// shell; none when the hook's environment has it, or when guard's parent
// is not a shell (a test, a program running guard hook itself). The agent
// here is timeout(1), which starts sh and waits, as an agent does.
func TestStrippedGuardVars(t *testing.T) {
	if os.Getenv("STRIPPED_HELPER") != "" {
		os.Stdout.WriteString("STRIPPED=" + strings.Join(hook.StrippedGuardVars(os.Getenv), ",") + "\n")
		return
	}
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("no /proc: nothing to compare")
	}
	self := os.Args[0] + " -test.run=^TestStrippedGuardVars$"
	for _, c := range []struct {
		argv []string
		want string
	}{
		{[]string{"timeout", "60", "sh", "-c", "env -u GUARD_MODE -u XDG_STATE_HOME " + self}, "GUARD_MODE,XDG_STATE_HOME"},
		{[]string{"timeout", "60", "sh", "-c", "env XDG_STATE_HOME= " + self}, "XDG_STATE_HOME"},
		{[]string{"timeout", "60", "bash", "-c", "env -u OTHER " + self + "; true"}, ""},
		{[]string{"timeout", "60", "sh", "-c", self + " || exit 2"}, ""},
		{[]string{"timeout", "60", "env", "-u", "GUARD_MODE", os.Args[0], "-test.run=^TestStrippedGuardVars$"}, ""},
	} {
		cmd := exec.Command(c.argv[0], c.argv[1:]...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "STRIPPED_HELPER=1", "GUARD_MODE=suggest", "XDG_STATE_HOME=/tmp/state", "OTHER=1"}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v", c.argv, err)
		}
		got := ""
		for _, l := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(l, "STRIPPED="); ok {
				got = v
			}
		}
		if got != c.want {
			t.Errorf("%v: stripped %q, want %q", c.argv, got, c.want)
		}
	}
}
