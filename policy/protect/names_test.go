package protect

import (
	"strings"
	"testing"
)

// A file's name reaches the list from the file system (a tree walk, an
// argument): no name may crash it. `notes.~` (a name ending in ".~" with no
// number) sliced past its end in backupOf and crashed guard on `cat notes.~`
// and on every grep -r of a tree holding one.
func TestBackupNames(t *testing.T) {
	for name, want := range map[string]string{
		"notes.~": "notes.", ".~": "", "a.~~": "a.~", "ab~": "ab", "a.~1~": "a", "x.~12~": "x", "a~": "", "#a#": "a",
		"id_rsa.BAK": "id_rsa", ".env.Swp": ".env", "credentials.1": "credentials", "x.tar.GZ": "x.tar",
		"c COPY": "c", "b.Dpkg-Old": "b", "main.go": "", "README.md": "", "x.z": "x",
	} {
		if got := backupOf(name); got != want {
			t.Errorf("backupOf(%q) = %q, want %q", name, got, want)
		}
	}
	l := Default()
	for _, name := range []string{"notes.~", ".~", "a.~~", "~", ".", ".."} {
		l.Secret("/p/"+name, "/root")
		l.Protected("/p/"+name, "/root")
		l.MayEndWith(Secret, name, "/root")
	}
	if l.Secret("/p/.env.~3~", "/root") == nil {
		t.Error(".env.~3~ (cp --backup of .env) is not a secret")
	}
}

// FuzzNames: any path, any name, through the list's matching; none may
// panic, and a backup's stem is a prefix of the name.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"notes.~", "a.~1~", "#a#", ".x.swp", "id_rsa.old", "x.tar.gz", "c copy", "/home/u/.ssh/id_rsa.~2~"} {
		f.Add(s)
	}
	l := Default()
	f.Fuzz(func(t *testing.T, s string) {
		if o := backupOf(s); o != "" && !strings.HasPrefix(s, o) && !(strings.HasPrefix(s, "#") && strings.HasPrefix(s[1:], o)) {
			t.Fatalf("backupOf(%q) = %q", s, o)
		}
		l.MayEndWith(Secret, s, "/root")
		l.Secret("/p/"+s, "/root")
		l.Protected("/p/"+s, "/root")
	})
}
