package sandbox

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"
)

// Red team of the sandbox, twenty-first pass (docs/redteam/sandbox-21.md).

// TestBindMountInProjectInSharedRoot (S21-1): a project inside a shared root
// (/tmp, $TMPDIR) holding a bind mount of the home (`mount --bind ~
// /tmp/proj/hm`, a container's volume): rootVia took every path below a
// shared root for shared and left the mount out, so a command wrote
// ~/.profile and guard's own config.toml through project/hm (the test takes
// ~/.gitconfig for the latter: guard adds its own state to the list). Now the
// deepest root decides: the mount is the project's, the list is resolved
// through it, what is there at start is read-only and a name made is moved
// aside (status 126). With user namespaces forbidden, the made name only
// (the best-effort profile keeps no path read-only inside a root).
func TestBindMountInProjectInSharedRoot(t *testing.T) {
	requireRoot(t, "a bind mount needs root")
	requireSandbox(t)
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		shared := filepath.Join(filepath.Dir(f.root), "tmp")
		proj := filepath.Join(shared, "proj")
		home := filepath.Join(filepath.Dir(f.root), "home")
		at := map[string]string{".profile": "# profile\n", ".gitconfig": "[user]\n\tname = lab21\n"}
		reset := func() {
			for name, content := range at {
				writeWorld(filepath.Join(home, name), content)
			}
			os.Remove(filepath.Join(home, ".bash_login"))
		}
		reset()
		os.MkdirAll(filepath.Join(proj, "hm"), 0o777)
		os.Chmod(shared, 0o1777)
		chownFixture(t, f, cred)
		if err := unix.Mount(home, filepath.Join(proj, "hm"), "", unix.MS_BIND, ""); err != nil {
			sandboxtest.Skipf(t, "bind mount %s: %v", home, err)
		}
		t.Cleanup(func() { unix.Unmount(filepath.Join(proj, "hm"), unix.MNT_DETACH) })
		plant := `h=$(echo hm); echo PLANT >> $h/.profile; echo PLANT >> $h/.gitconfig; echo PLANT > $h/.bash_login`
		env := []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
		changed := func() []string {
			var out []string
			for name, content := range at {
				if readString(filepath.Join(home, name)) != content {
					out = append(out, name)
				}
			}
			if exists(filepath.Join(home, ".bash_login")) {
				out = append(out, ".bash_login")
			}
			return out
		}
		plantUnconfined(t, "", plant, proj, exe, cred, env)
		if got := changed(); len(got) != 3 {
			t.Fatalf("without the sandbox the plant changed %v, want all three", got)
		}
		reset()
		p := Profile{WritableRoots: []string{proj, shared}, SharedRoots: []string{shared}, BestEffort: forbidden}
		Protect(&p, protect.Default(), home)
		o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: proj, exe: exe, cred: cred, env: env,
			noUserNS: forbidden}.run(t)
		got := changed()
		if forbidden {
			got = slices.DeleteFunc(got, func(n string) bool { return n != ".bash_login" })
		}
		if len(got) > 0 {
			t.Errorf("the home's %v changed through the project's bind mount (%s)\n%s", got, o.msg, o.stderr)
		}
		if o.ok || !strings.Contains(o.msg, "126") {
			t.Errorf("want exit status 126 (.bash_login made and moved aside), got %s\n%s", o.msg, o.stderr)
		}
	})
}
