package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
)

// TestRootSwappedForLink (S22-1): a root replaced by a symbolic link after
// guard resolved it. The gate resolves the roots and the list is resolved
// for what they are then; the sandbox opened each root again by path,
// following links, for its Landlock rule and (root, the ordinary user's
// child) for its writable copy. A command running beside (a background
// command of the same agent, or another session's, whose root holds this
// one) that swaps the project's directory for a link to the home in a loop
// (renameat2 RENAME_EXCHANGE) won about one start in four: the next command's
// root became the home, with none of the home's protected names resolved,
// and it appended to ~/.bashrc with status 0. Here the swap is made between
// the resolution and the start, as the race leaves it; inside, the link
// grants nothing. The shared variant is a project inside /tmp, whose own
// Landlock rule gives what /tmp's lacks: followed, it granted the home too,
// which where user namespaces are forbidden no mount kept read-only (no
// sandboxed command can make the link in /tmp itself). Auto-edit's confined runs open their roots the same
// way.
func TestRootSwappedForLink(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		above := filepath.Dir(f.root)
		home := filepath.Join(above, "home")
		rc := filepath.Join(home, ".bashrc")
		for _, tc := range []struct {
			name              string
			shared, filesOnly bool
		}{
			{"a root inside another session's project", false, false},
			{"a project inside a shared root", true, false},
			{"auto-edit's confined write", false, true},
		} {
			outer := filepath.Join(above, "outer")
			if tc.shared {
				outer = filepath.Join(above, "tmp")
			}
			shared := tc.shared
			t.Run(tc.name, func(t *testing.T) {
				proj := filepath.Join(outer, "proj")
				writeWorld(rc, "# rc\n")
				writeWorld(filepath.Join(proj, "main.go"), "package main\n")
				os.Chmod(outer, 0o1777)
				chownFixture(t, f, cred)
				plant := `echo PLANT >> "$H/.bashrc"; echo PLANT > "$H/made.txt"`
				env := []string{"H=" + home, "HOME=" + home, "PATH=/usr/bin:/bin"}
				plantUnconfined(t, "", plant, outer, exe, cred, env)
				if readString(rc) == "# rc\n" || !exists(filepath.Join(home, "made.txt")) {
					t.Fatal("without the sandbox the plant did not reach the home")
				}
				writeWorld(rc, "# rc\n")
				os.Remove(filepath.Join(home, "made.txt"))

				p := Profile{WritableRoots: []string{proj}, BestEffort: forbidden, FilesOnly: tc.filesOnly}
				if shared {
					p.WritableRoots = append(p.WritableRoots, outer)
					p.SharedRoots = []string{outer}
				}
				Protect(&p, protect.Default(), home)
				// The swap, after the resolution and before the start.
				if err := os.Rename(proj, proj+".real"); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(home, proj); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Remove(proj); os.Rename(proj+".real", proj) })
				o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: proj + ".real",
					exe: exe, cred: cred, env: env, noUserNS: forbidden}.run(t)
				if got := readString(rc); got != "# rc\n" {
					t.Errorf("~/.bashrc written through the swapped root: %q (%s)\n%s", got, o.msg, o.stderr)
				}
				if exists(filepath.Join(home, "made.txt")) {
					t.Errorf("a file made in the home through the swapped root (%s)\n%s", o.msg, o.stderr)
				}
				if strings.Contains(o.stderr, "PLANT") {
					t.Errorf("unexpected output: %s", o.stderr)
				}
			})
		}
	})
}

// TestOpenRootFollowsNoLink: openRoot, and openRootByName where openat2 is
// refused (a guard inside a sandbox), open a root's own path and refuse one
// with a link at its end or on its way (ELOOP: the root gets nothing).
func TestOpenRootFollowsNoLink(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "dir")
	if err := os.MkdirAll(filepath.Join(dir, "proj"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Symlink(dir, filepath.Join(base, "link"))
	for name, open := range map[string]func(string) (int, error){"openRoot": openRoot, "openRootByName": openRootByName} {
		for _, tc := range []struct {
			path string
			ok   bool
		}{
			{filepath.Join(dir, "proj"), true},
			{dir, true},
			{filepath.Join(base, "link"), false},
			{filepath.Join(base, "link", "proj"), false},
		} {
			fd, err := open(tc.path)
			if err == nil {
				syscall.Close(fd)
			}
			if tc.ok && err != nil {
				t.Errorf("%s(%s): %v, want a descriptor", name, tc.path, err)
			}
			if !tc.ok && err != syscall.ELOOP {
				t.Errorf("%s(%s): %v, want ELOOP", name, tc.path, err)
			}
		}
	}
}

// TestSecretsThroughFUSEView (S22-2): a FUSE file system that passes a
// directory through (bindfs here; mergerfs, rclone given a local path) shows
// the home's files at another path, on a device of its own. The secrets were
// hidden where the mount table gives the same file system again (a bind
// mount, an overlay's layers), not there: a bindfs view of the home, made
// before guard, read ~/.ssh/id_ed25519 and ~/.aws/credentials inside, as
// root and as an ordinary user. Now a FUSE mount whose source is a local
// directory counts as a view of it (fuseLayers): the secrets read empty or
// EACCES there too. Needs bindfs (apt-get install bindfs).
func TestSecretsThroughFUSEView(t *testing.T) {
	requireRoot(t, "a FUSE mount needs root here")
	requireSandbox(t)
	bindfs, err := exec.LookPath("bindfs")
	if err != nil {
		t.Skip("bindfs is not installed: no FUSE file system to mount")
	}
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		// Not below the test's directory: bindfs gives a mount source with a
		// comma in it (the subtest's name) as "bindfs", which names no
		// directory (the documented limit).
		above, err := os.MkdirTemp("", "lab22fuse")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(above) })
		os.Chmod(above, 0o755)
		home, view, proj := filepath.Join(above, "home"), filepath.Join(above, "view"), filepath.Join(above, "proj")
		secrets := map[string]string{".ssh/id_ed25519": "KEY-lab22-fuse\n", ".aws/credentials": "aws_secret_access_key=lab22fuse\n"}
		for name, content := range secrets {
			writeWorld(filepath.Join(home, name), content)
		}
		os.MkdirAll(proj, 0o777)
		os.MkdirAll(view, 0o777)
		chownTree(t, above, cred)
		// As root, allow_other by default: the user's processes may read it.
		if out, err := exec.Command(bindfs, home, view).CombinedOutput(); err != nil {
			t.Skipf("bindfs %s: %v: %s", home, err, out)
		}
		t.Cleanup(func() { unix.Unmount(view, unix.MNT_DETACH) })
		read := `for f in .ssh/id_ed25519 .aws/credentials; do cat "$V/$f"; done`
		env := []string{"V=" + view, "HOME=" + home, "PATH=/usr/bin:/bin"}
		plain := child{path: "/bin/sh", argv: []string{"sh", "-c", read}, dir: proj, exe: exe, cred: cred, env: env}.run(t)
		if !strings.Contains(plain.stdout, "KEY-lab22-fuse") {
			t.Fatalf("without the sandbox the view did not show the key: %s\n%s%s", plain, plain.stdout, plain.stderr)
		}
		p := Profile{WritableRoots: []string{proj}, BestEffort: forbidden}
		o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", read}, dir: proj, exe: exe, cred: cred, env: env,
			protectHome: &home, noUserNS: forbidden}.run(t)
		for name, content := range secrets {
			if strings.Contains(o.stdout, strings.TrimSpace(content)) {
				t.Errorf("~/%s read through the FUSE view %s (%s)\n%s", name, view, o, o.stdout)
			}
		}
		if forbidden {
			return // the protected paths in a root stay writable there (best-effort)
		}
		// The view inside the project: a root, which writes through to the
		// home; ~/.bashrc there at start stays read-only.
		inside := filepath.Join(proj, "hm")
		os.MkdirAll(inside, 0o777)
		if cred != nil {
			os.Lchown(inside, int(cred.Uid), int(cred.Gid))
		}
		writeWorld(filepath.Join(home, ".bashrc"), "# rc\n")
		if out, err := exec.Command(bindfs, home, inside).CombinedOutput(); err != nil {
			t.Skipf("bindfs %s: %v: %s", home, err, out)
		}
		t.Cleanup(func() { unix.Unmount(inside, unix.MNT_DETACH) })
		plant := `h=$(echo hm); echo PLANT >> $h/.bashrc`
		o = child{profile: &Profile{WritableRoots: []string{proj}}, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: proj,
			exe: exe, cred: cred, env: env, protectHome: &home}.run(t)
		if got := readString(filepath.Join(home, ".bashrc")); got != "# rc\n" {
			t.Errorf("~/.bashrc written through the FUSE view in the project: %q (%s)\n%s", got, o, o.stderr)
		}
	})
}

// TestFuseLayers: the directories a FUSE mount's source names (mountinfo's
// field, escapes undone), none for a remote or a program's name.
func TestFuseLayers(t *testing.T) {
	for src, want := range map[string][]string{
		"/home/alice":             {"/home/alice"},
		`/home/a\040b/`:           {"/home/a b"},
		"/srv/disk1:/srv/disk2":   {"/srv/disk1", "/srv/disk2"},
		"alice@host:/home/alice":  nil,
		"bindfs":                  nil,
		"remote:bucket/home":      nil,
		"/dev/fuse-not-a-dir:rel": {"/dev/fuse-not-a-dir"},
	} {
		if got := fuseLayers(src); !slices.Equal(got, want) {
			t.Errorf("fuseLayers(%q) = %q, want %q", src, got, want)
		}
	}
}
