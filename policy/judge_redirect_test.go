package policy

import "testing"

// TestJudgeRedirectionOnly: a statement of redirections alone runs no
// program but opens its files: it is a match wherever it stands in the
// script, and unverified when its target is only known at run time. (`ls |
// > $X` was judged safe, `> $HOME/.bashrc` a write inside the project.)
func TestJudgeRedirectionOnly(t *testing.T) {
	set := defaultSet(t)
	for _, tt := range []struct {
		script string
		want   Class
	}{
		{"> x", Match},
		{"ls | > /tmp/elsewhere", Match},
		{"ls && > x", Match},
		{"> $HOME/.bashrc", Unverified},
		{"ls | > $X", Unverified},
		{"ls; > *.txt", Unverified},
		{"> x\\", Unverified},
		{"> ~/.profile", Unverified},
	} {
		v := set.Judge([]string{"bash", "-c", tt.script}, "/work")
		if v.Class != tt.want {
			t.Errorf("Judge(bash -c %q) = %s (%s), want %s", tt.script, v.Class, v.Why(), tt.want)
		}
		if d := Decide(&v, Suggest, []string{"/work"}); d.Action == Run {
			t.Errorf("Judge(bash -c %q) runs in suggest mode", tt.script)
		}
	}
}
