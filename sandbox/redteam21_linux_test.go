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

// TestProjectStaysEnterable (S21-2, S21-3): what keeps the agent's next
// hook from starting in its project. An ordinary user's command took the
// owner's permissions from the project (`chmod 000 "$PWD"`), from the home
// given as a root that holds it, or, where no user namespace makes the
// rest read-only, from a directory above both; and renamed the project
// inside the enclosing root (mv "$PWD" "$PWD.x"). Codex runs the next
// command unjudged when its hook does not start. Shown first without the
// sandbox (a hook, started in the project as the agent starts it, fails);
// inside, the modes' owner bits are given back after the run (status 126)
// and the rename fails (EBUSY: the project is pinned). Root's hooks need no
// mode: for root the rename only. With user namespaces forbidden nothing is
// pinned (the documented limit): the modes only.
func TestProjectStaysEnterable(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		above := filepath.Dir(f.root) // the user's, outside the roots
		home := filepath.Join(above, "home")
		proj := filepath.Join(home, "proj")
		os.MkdirAll(filepath.Join(proj, "src"), 0o755)
		chownFixture(t, f, cred)
		env := []string{"HOME=" + home, "PATH=/usr/bin:/bin", "ABOVE=" + above}
		// The agent starts a hook in the project, as the user.
		hookStarts := func() bool {
			cmd := exec.Command("/bin/sh", "-c", "ls >/dev/null")
			cmd.Dir, cmd.Env = proj, env
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
			return cmd.Run() == nil
		}
		reset := func() {
			os.Rename(proj+".x", proj)
			for _, d := range []string{above, home, proj} {
				os.Chmod(d, 0o755)
			}
		}
		plants := []struct{ name, plant string }{
			{"rename", `mv "$PWD" "$PWD.x"`},
			{"chmod", `chmod 000 "$ABOVE"; chmod 0600 "$HOME"; chmod 000 "$PWD"; true`},
		}
		for _, pl := range plants {
			if pl.name == "chmod" && cred == nil || pl.name == "rename" && forbidden {
				continue
			}
			plantUnconfined(t, pl.name, pl.plant, proj, exe, cred, env)
			if hookStarts() {
				t.Fatalf("%s: without the sandbox, a hook still started in the project", pl.name)
			}
			reset()
			p := Profile{WritableRoots: []string{proj, home}, BestEffort: forbidden}
			Protect(&p, protect.Default(), home)
			o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", pl.plant}, dir: proj, exe: exe, cred: cred, env: env,
				noUserNS: forbidden}.run(t)
			if !hookStarts() {
				t.Errorf("%s: after the sandboxed command (%s) a hook could not start in the project\n%s", pl.name, o.msg, o.stderr)
			}
			if pl.name == "chmod" && (o.ok || !strings.Contains(o.msg, "126") || !strings.Contains(o.stderr, "gave them back")) {
				t.Errorf("%s: want exit status 126 and the modes given back, got %s\n%s", pl.name, o.msg, o.stderr)
			}
			reset()
		}
		// Where no user namespace is made the user's own files outside the
		// roots are the program's to chmod too: guard's own executable
		// (every hook then fails to start) and the agent's settings that
		// register guard's hooks.
		if forbidden {
			settings := filepath.Join(home, ".claude", "settings.json")
			moved := filepath.Join(above, "claude-config", "settings.json") // CLAUDE_CONFIG_DIR's
			for _, f := range []string{settings, moved} {
				writeWorld(f, `{"hooks": {}}`)
				os.Chown(filepath.Dir(f), int(cred.Uid), int(cred.Gid))
				os.Chown(f, int(cred.Uid), int(cred.Gid))
				os.Chmod(f, 0o644)
			}
			os.Chown(exe, int(cred.Uid), int(cred.Gid))
			plant := `chmod 000 "$EXE" "$SETTINGS" "$CLAUDE_CONFIG_DIR/settings.json"`
			envx := append(env, "EXE="+exe, "SETTINGS="+settings, "CLAUDE_CONFIG_DIR="+filepath.Dir(moved))
			needed := func() bool {
				a, errA := os.Stat(exe)
				b, errB := os.Stat(settings)
				c, errC := os.Stat(moved)
				return errA == nil && errB == nil && errC == nil && a.Mode()&0o100 != 0 && b.Mode()&0o400 != 0 && c.Mode()&0o400 != 0
			}
			cmd := exec.Command("/bin/sh", "-c", plant)
			cmd.Env = envx
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
			if err := cmd.Run(); err != nil || needed() {
				t.Fatalf("without the sandbox the plant did not take guard's executable and the settings (%v)", err)
			}
			os.Chmod(exe, 0o755)
			os.Chmod(settings, 0o644)
			os.Chmod(moved, 0o644)
			p := Profile{WritableRoots: []string{proj, home}, BestEffort: true}
			Protect(&p, protect.Default(), home)
			o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: proj, exe: exe, cred: cred, env: envx,
				noUserNS: true}.run(t)
			if !needed() || o.ok || !strings.Contains(o.msg, "126") {
				t.Errorf("guard's executable or the agent's settings kept unusable after the run (%s)\n%s", o.msg, o.stderr)
			}
			os.Chmod(exe, 0o755)
		}

		// What stays: a mode the project's owner keeps (chmod 700 .), and
		// a rename inside the project.
		p := Profile{WritableRoots: []string{proj, home}, BestEffort: forbidden}
		Protect(&p, protect.Default(), home)
		o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", "chmod 700 . && mv src lib"}, dir: proj, exe: exe, cred: cred,
			env: env, noUserNS: forbidden}.run(t)
		if !o.ok {
			t.Errorf("chmod 700 . and a rename inside the project: %s\n%s", o.msg, o.stderr)
		}
	})
}

// TestAttackRenvironRuns (S21-4): R reads .Renviron from the directory it
// starts in before its profile, and an R_PROFILE_USER line there names a
// file of R code it then runs: every R and Rscript started in the project
// ran it, outside, as a .Rprofile (protected) would. Now .Renviron is
// protected as .Rprofile is: read-only where there at start, moved aside
// once made. With the real Rscript where installed, shown to run the plant
// without the sandbox first. With user namespaces forbidden,
// the made name only.
func TestAttackRenvironRuns(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	rscript, _ := exec.LookPath("Rscript")
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		made, old := filepath.Join(f.root, "made"), filepath.Join(f.root, "old")
		ran := filepath.Join(base, "ran")
		os.Chmod(base, 0o777)
		writeWorld(filepath.Join(old, ".Renviron"), "LANG=C\n")
		writeWorld(filepath.Join(f.root, "tools", "x.R"), `cat("RAN\n", file = "`+ran+`", append = TRUE)`+"\n")
		os.MkdirAll(made, 0o755)
		chownFixture(t, f, cred)
		line := "R_PROFILE_USER=" + filepath.Join(f.root, "tools", "x.R")
		plant := "echo '" + line + "' > made/.Renviron; echo '" + line + "' >> old/.Renviron"
		env := []string{"HOME=" + base, "PATH=/usr/bin:/bin"}
		later := func() string {
			os.Remove(ran)
			for _, d := range []string{made, old} {
				if rscript != "" {
					cmd := exec.Command(rscript, "-e", "invisible(1)")
					cmd.Dir, cmd.Env = d, env
					cmd.Run()
				}
			}
			return readString(ran)
		}
		plantUnconfined(t, "", plant, f.root, exe, cred, env)
		if rscript != "" && strings.Count(later(), "RAN") != 2 {
			t.Fatalf("without the sandbox, Rscript in each directory did not run the planted profile: %q", readString(ran))
		}
		os.Remove(filepath.Join(made, ".Renviron"))
		writeWorld(filepath.Join(old, ".Renviron"), "LANG=C\n")
		chownFixture(t, f, cred)
		p := Profile{WritableRoots: []string{f.root}, BestEffort: forbidden}
		Protect(&p, protect.Default(), base)
		o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: f.root, exe: exe, cred: cred, env: env,
			noUserNS: forbidden}.run(t)
		if exists(filepath.Join(made, ".Renviron")) || o.ok || !strings.Contains(o.stderr, "guard moved it to") {
			t.Errorf("a .Renviron made inside: kept, or not said (%s)\n%s", o.msg, o.stderr)
		}
		if !forbidden && readString(filepath.Join(old, ".Renviron")) != "LANG=C\n" {
			t.Errorf("the .Renviron there at start was appended to\n%s", o.stderr)
		}
	})
}

// cliKeyCases (S21-7): command-line AI and service clients' stored API
// keys, in their documented places, were readable from inside.
func cliKeyCases(forbidden bool) []attackCase {
	return homeSecretCases([]string{".config/shell_gpt/.sgptrc", ".config/fabric/.env", ".config/aichat/config.yaml",
		".config/gptme/config.toml", ".config/neonctl/credentials.json", ".config/planetscale/access-token",
		".config/turso/settings.json", ".codeium/config.json", ".tabby-client/agent/config.toml",
		".config/todoist/config.json", ".config/spotify-tui/client.yml", ".config/twitch-cli/.twitch-cli.env"},
		"OPENAI_API_KEY=sk-lab21\n", forbidden)
}

func TestAttackCLIKeys(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackCLIKeysUnprivileged is this test")
	runAttackCases(t, cliKeyCases(false))
}

func TestAttackCLIKeysUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, cliKeyCases)
}
