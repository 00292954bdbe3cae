package policy

import "testing"

// TestShellEndOfOptions: `--` and `-` end a shell's options (bash, dash and
// zsh alike), and after -c the next word is the script the shell runs. It
// was read as the script itself ("--"), so `bash -c -- ls` was asked about
// with a reason that named a program "--".
func TestShellEndOfOptions(t *testing.T) {
	set := defaultSet(t)
	for _, tt := range []struct {
		argv []string
		want Class
	}{
		{[]string{"bash", "-c", "--", "ls"}, Safe},
		{[]string{"sh", "-c", "-", "ls", "name"}, Safe},
		{[]string{"zsh", "-ec", "--", "pwd"}, Safe},
		{[]string{"bash", "-c", "--", "rm -rf ~"}, Forbidden},
		{[]string{"bash", "-c", "-", "touch x"}, Match},
		{[]string{"dash", "-c", "--", "ls; touch x"}, Match},
		{[]string{"bash", "--", "-c", "ls"}, Unverified}, // -c is a script file's name there
		{[]string{"bash", "-c", "--"}, Unverified},
	} {
		v := set.Judge(tt.argv, "/work")
		if v.Class != tt.want {
			t.Errorf("Judge(%q) = %s (%s), want %s", tt.argv, v.Class, v.Why(), tt.want)
		}
	}
}
