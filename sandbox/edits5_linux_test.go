package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"guard/policy/protect"
)

// TestSubmoduleGitDirsReadOnly (edits-5 E1): git keeps a submodule's git
// directory at .git/modules/NAME, and NAME is its path by default, slashes
// and all (.git/modules/zz/deep/foo). The list's .git/modules/*/config
// reaches one level only, so where the scan's budget was spent before it
// found the submodule's work tree, its config was writable (a core.fsmonitor
// appended ran at the next git status at the top, outside), and a commondir
// made in a submodule's git directory (which points git at a config and
// hooks of the command's choosing) was kept even where the scan found it.
func TestSubmoduleGitDirsReadOnly(t *testing.T) {
	requireSandbox(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	asRootAndNobody(t, func(t *testing.T, cred *syscall.Credential, base, exe string, f *fixture) {
		up := filepath.Join(base, "up")
		gitIn(t, base, "init", "-q", up)
		gitIn(t, up, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "init")
		proj := f.root
		gitIn(t, proj, "init", "-q")
		// More directories than the scan lists (protect.ScanDirs) before zz.
		for i := range 40 {
			os.MkdirAll(filepath.Join(proj, fmt.Sprintf("a%02d", i), "src"), 0o755)
		}
		for _, path := range []string{"libs/foo", "zz/deep/foo"} {
			gitIn(t, proj, "-c", "protocol.file.allow=always", "submodule", "add", "-q", up, path)
		}
		deep := filepath.Join(proj, ".git", "modules", "zz", "deep", "foo")
		config := readString(filepath.Join(deep, "config"))
		chownFixture(t, f, cred)
		p := Profile{WritableRoots: []string{proj}}
		Protect(&p, protect.Default(), filepath.Join(base, "home"))
		script := `m=.git/modules
echo PLANT >> $m/zz/deep/foo/config; echo PLANT > $m/zz/deep/foo/hooks/post-checkout
echo ../../../zz/deep/foo > $m/libs/foo/commondir; echo x > $m/zz/deep/foo/commondir
echo made > a00/src/x.txt; true`
		o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", script}, dir: proj, exe: exe, cred: cred}.run(t)
		if got := readString(filepath.Join(deep, "config")); got != config {
			t.Errorf("the deep submodule's config written: %q (%s)\n%s", got, o.msg, o.stderr)
		}
		for _, rel := range []string{"zz/deep/foo/hooks/post-checkout", "libs/foo/commondir", "zz/deep/foo/commondir"} {
			if exists(filepath.Join(proj, ".git", "modules", rel)) {
				t.Errorf(".git/modules/%s made and kept (%s)\n%s", rel, o.msg, o.stderr)
			}
		}
		if readString(filepath.Join(proj, "a00", "src", "x.txt")) != "made\n" {
			t.Errorf("the project's own file was not written (%s)\n%s", o.msg, o.stderr)
		}
	})
}

// TestVersionFilesReadOnly (edits-5 E2): a version manager's version file
// (.java-version: jenv runs ROOT/versions/VERSION/bin/java, and a version
// of ../../../proj/tools/jdk leads into the project) is read-only to a
// sandboxed command where it exists, one named by the convention
// (.TOOL-version) too, and the usual ones made by the command are moved
// aside; the project's own files stay writable.
func TestVersionFilesReadOnly(t *testing.T) {
	requireSandbox(t)
	asRootAndNobody(t, func(t *testing.T, cred *syscall.Credential, base, exe string, f *fixture) {
		writeWorld(filepath.Join(f.root, ".java-version"), "17\n")
		writeWorld(filepath.Join(f.root, ".zig-version"), "0.13\n")
		writeWorld(filepath.Join(f.root, "pom.xml"), "<project/>\n")
		os.MkdirAll(filepath.Join(f.root, "svc"), 0o755)
		chownFixture(t, f, cred)
		p := Profile{WritableRoots: []string{f.root}}
		Protect(&p, protect.Default(), filepath.Join(base, "home"))
		script := `echo ../../x >> .java-version; echo ../../x >> .zig-version; echo ../x > svc/.go-version
echo java=../../x > svc/.sdkmanrc; echo '<!-- -->' >> pom.xml; true`
		o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", script}, dir: f.root, exe: exe, cred: cred}.run(t)
		for rel, want := range map[string]string{".java-version": "17\n", ".zig-version": "0.13\n", "pom.xml": "<project/>\n<!-- -->\n"} {
			if got := readString(filepath.Join(f.root, rel)); got != want {
				t.Errorf("%s: %q, want %q (%s)\n%s", rel, got, want, o.msg, o.stderr)
			}
		}
		for _, rel := range []string{"svc/.go-version", "svc/.sdkmanrc"} {
			if exists(filepath.Join(f.root, rel)) {
				t.Errorf("%s made and kept (%s)\n%s", rel, o.msg, o.stderr)
			}
		}
	})
}
