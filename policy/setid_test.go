package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestModeSetsID(t *testing.T) {
	for mode, want := range map[string]bool{
		"4755": true, "2755": true, "6755": true, "04755": true, "02775": true, "7777": true, "4000": true,
		"755": false, "0755": false, "1777": false, "644": false, "0": false, "8755": false,
		"u+s": true, "g+s": true, "+s": true, "ug+s": true, "a=rwxs": true, "=s": true, "u=rwxs,go=rx": true,
		"go-w,u+s": true, "o+s": true, "u+x,g+rs": true,
		"u-s": false, "-s": false, "a-st": false, "u+x": false, "go-w": false, "+t": false, "u+rwX,go-w": false,
		"g=u": false, "": false, "file.txt": false, "sbin": false, "us": false,
	} {
		if got := modeSetsID(mode); got != want {
			t.Errorf("modeSetsID(%q) = %v, want %v", mode, got, want)
		}
	}
}

// TestSetIDModeJudged: a command that sets a set-id mode is unverified, with
// the reason, never a plain write inside the roots; the same command without
// the bits is a match.
func TestSetIDModeJudged(t *testing.T) {
	set := defaultSet(t)
	dir := t.TempDir()
	suid := filepath.Join(dir, "suid")
	if err := os.WriteFile(suid, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Chmod(suid, 0o4755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "plain"), []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		script string
		setID  bool
	}{
		{"chmod 4755 f", true},
		{"chmod u+s f", true},
		{"chmod -R g+s d", true},
		{"chmod a=rwxs f", true},
		{"/bin/chmod 6755 f", true},
		{"cp /bin/sh ./rootsh && chmod 4755 ./rootsh", true},
		{"cp -p suid copy", true},
		{"cp -a suid copy", true},
		{"cp -rp suid copy", true},
		{"chmod 755 f", false},
		{"chmod -R u+rwX,go-w .", false},
		{"chmod u-s f", false},
		{"cp suid copy", false},
		{"cp -p plain copy", false},
	} {
		v := set.Judge([]string{"bash", "-c", tt.script}, dir)
		d := Decide(&v, AutoEdit, []string{dir})
		if tt.setID {
			if v.Class != Unverified || !strings.Contains(d.Reason, "set-user-ID or set-group-ID") || d.Action == Run {
				t.Errorf("%q: class %s, %s (%s); want unverified, asked, naming the set-id mode", tt.script, v.Class, d.Action, d.Reason)
			}
		} else if v.Class != Match || d.Action != Run {
			t.Errorf("%q: class %s, %s (%s); want match, run", tt.script, v.Class, d.Action, d.Reason)
		}
	}
	// The shapes install, mknod and mkdir take a mode in (whatever the
	// policy's rules say of these programs).
	for _, argv := range [][]string{
		{"install", "-m", "4755", "a", "b"}, {"install", "-Dm4755", "a", "b"}, {"install", "-Dm", "2755", "a", "b"},
		{"install", "--mode=u+s", "a", "b"}, {"install", "--mode", "6755", "a", "b"}, {"mknod", "-m", "4666", "p", "p"},
		{"mkdir", "-m", "2775", "shared"}, {"cp", "--preserve=mode", "suid", "c"}, {"cp", "--archive", "suid", "c"},
	} {
		if setIDMode(argv, dir) == "" {
			t.Errorf("setIDMode(%q) = \"\", want a reason", argv)
		}
	}
	for _, argv := range [][]string{
		{"install", "-m", "755", "a", "b"}, {"install", "-D", "a", "b"}, {"mkdir", "-p", "a/m"}, {"install", "--", "-m4755", "b"},
	} {
		if why := setIDMode(argv, dir); why != "" {
			t.Errorf("setIDMode(%q) = %q, want none", argv, why)
		}
	}
}
