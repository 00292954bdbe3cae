package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestEditVersionFiles (edits-5 E2): the rbenv family's version managers
// read .TOOL-version from the working directory up and run the tool from
// ROOT/versions/VERSION/bin; jenv takes a version of ../../../proj/tools/jdk
// as it is, so the `java` the user types in the project runs the project's
// tools/jdk/bin/java (shown with the real jenv when GUARD_TEST_JENV names a
// checkout of it). .python-version and .ruby-version were protected for
// this; .java-version was not, nor the other managers' files, nor SDKMAN's
// .sdkmanrc (applied at every cd with sdkman_auto_env). The version files
// of tools that take a version number only (.nvmrc) and the project's own
// build files stay writable.
func TestEditVersionFiles(t *testing.T) {
	proj, _ := filepath.EvalSymlinks(t.TempDir())
	home, _ := filepath.EvalSymlinks(t.TempDir())
	if jenv := os.Getenv("GUARD_TEST_JENV"); jenv != "" {
		root := filepath.Join(home, ".jenv")
		jdk := filepath.Join(proj, "tools", "jdk", "bin")
		os.MkdirAll(filepath.Join(root, "versions", "fake", "bin"), 0o755)
		os.MkdirAll(jdk, 0o755)
		os.WriteFile(filepath.Join(root, "versions", "fake", "bin", "java"), []byte("#!/bin/sh\necho fake\n"), 0o755)
		os.WriteFile(filepath.Join(jdk, "java"), []byte("#!/bin/sh\necho project-java\n"), 0o755)
		rel, _ := filepath.Rel(filepath.Join(root, "versions"), filepath.Join(proj, "tools", "jdk"))
		os.WriteFile(filepath.Join(proj, ".java-version"), []byte(rel+"\n"), 0o644)
		env := append(os.Environ(), "HOME="+home, "JENV_ROOT="+root, "PATH="+filepath.Join(jenv, "bin")+":"+filepath.Join(root, "shims")+":"+os.Getenv("PATH"))
		for _, args := range [][]string{{"jenv", "rehash"}, {"jenv", "global", "fake"}, {"java", "-version"}} {
			cmd := exec.Command(filepath.Join(jenv, "bin", "jenv"), args[1:]...)
			if args[0] == "java" {
				cmd = exec.Command(filepath.Join(root, "shims", "java"), args[1:]...)
			}
			cmd.Dir, cmd.Env = proj, env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %v\n%s", args, err, out)
			}
			if args[0] == "java" && !strings.Contains(string(out), "project-java") {
				t.Fatalf("premise: jenv's java shim did not run the project's java: %s", out)
			}
		}
	}
	wantProtectedEdits(t, proj, home, "version manager", map[string]bool{
		".java-version": true, "sub/.go-version": true, ".perl-version": true, ".php-version": true,
		".terraform-version": true, ".sdkmanrc": true, "svc/.lua-version": true, ".zig-version": true,
		".nvmrc": false, "pom.xml": false, "go.mod": false, "version.txt": false, "docs/.version": false, "src/version.go": false,
	})
}

// wantProtectedEdits checks the edit of each path (relative to proj, the
// root) in auto-edit and full-auto: asked and refused, with a reason that
// says why, where protected; run where not.
func wantProtectedEdits(t *testing.T, proj, home, why string, cases map[string]bool) {
	t.Helper()
	for rel, protected := range cases {
		p := filepath.Join(proj, rel)
		for mode, want := range map[policy.Mode]policy.Action{policy.AutoEdit: policy.Ask, policy.FullAuto: policy.Refuse} {
			if !protected {
				want = policy.Run
			}
			d := policy.DecideEdit([]string{p}, mode, []string{proj}, nil, home)
			if d.Action != want || protected && !strings.Contains(d.Reason, why) {
				t.Errorf("%s in %s: %v (%s), want %v", rel, mode, d.Action, d.Reason, want)
			}
		}
	}
}
