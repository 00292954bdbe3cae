package policy

import "testing"

// TestPackageStore: the trees a walk's content check leaves out
// (TestWalkContentSkipsPackageStores judges commands over them).
func TestPackageStore(t *testing.T) {
	for p, want := range map[string]bool{"/usr/include/stdio.h": true, "/usr/lib/python3/x.py": true, "/usr/local/lib/python3.11/site-packages/a.py": true,
		"/usr/local/go/src/net/http/a.go": true, "/usr/local/bin/backup.sh": false, "/usr/local/etc/app.conf": false, "/usr/local/sbin/x": false,
		"/opt/app/config.yml": false, "/home/u/svc/notes.txt": false, "/usr": false} {
		if got := packageStore(p); got != want {
			t.Errorf("packageStore(%s) = %v, want %v", p, got, want)
		}
	}
}
