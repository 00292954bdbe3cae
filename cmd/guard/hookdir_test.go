package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The directory an agent starts its hooks in (its project) is kept where it
// is and searchable by the commands guard runs (docs/redteam/hooks-20.md): a
// hook that cannot start there is a go-ahead to Codex.

// TestProjectPinnedInRoot: a project inside a writable root of guard's
// configuration outside /tmp (~/src with the project ~/src/proj) cannot be
// renamed by a sandboxed command, from the project or from the root above
// it with --project naming the project (Codex's workdir). Before, only a
// project inside a shared temporary root was pinned, and only the root
// holding the working directory.
func TestProjectPinnedInRoot(t *testing.T) {
	guard := hookGuard(t)
	top, err := os.MkdirTemp("/var/tmp", "guard-hookdir-")
	if err != nil {
		t.Skip("no /var/tmp:", err)
	}
	t.Cleanup(func() { os.RemoveAll(top) })
	top, _ = filepath.EvalSymlinks(top)
	env := hookEnv(t, top)
	hookRequireSandbox(t, guard, env)
	src := filepath.Join(top, "src")
	config := filepath.Join(top, "home", ".config", "guard", "config.toml")
	if err := os.MkdirAll(filepath.Dir(config), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, []byte("writable_roots = ["+hookQuoteTOML(src)+"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"full-auto", "auto-edit"} {
		for _, from := range []string{"project", "root"} {
			project := filepath.Join(src, mode+"-"+from)
			if err := os.MkdirAll(project, 0o755); err != nil {
				t.Fatal(err)
			}
			dir, script := project, `mv "$PWD" "$PWD.moved"`
			if from == "root" {
				dir, script = src, "mv "+filepath.Base(project)+" "+filepath.Base(project)+".moved"
			}
			if mode == "auto-edit" {
				// auto-edit runs confined what it sees write inside the roots.
				script = "mv " + project + " " + project + ".moved"
			}
			r := hookRun(t, dir, env, "", guard, "--mode", mode, "--project", project, "--", "bash", "-c", script)
			if _, err := os.Stat(project + ".moved"); err == nil {
				t.Errorf("%s, run from the %s: the command renamed the project (exit %d, %s)", mode, from, r.code, r.stderr)
			}
		}
	}
}

func hookQuoteTOML(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// TestProjectRightsKept: an ordinary user's sandboxed command that takes its
// own read or search right on the project away (chmod 000 "$PWD", which
// Landlock does not check) has the mode put back and is ended; a chmod of
// the project that keeps those rights, and of files and directories inside,
// is left as it is. Before, the project stayed 000 and Codex's next hook
// could not start there.
func TestProjectRightsKept(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: it runs guard as nobody in a project nobody owns")
	}
	const nobody = 65534
	guard := hookGuard(t)
	top, err := os.MkdirTemp("/var/tmp", "guard-hookdir-")
	if err != nil {
		t.Skip("no /var/tmp:", err)
	}
	t.Cleanup(func() {
		filepath.Walk(top, func(p string, fi os.FileInfo, err error) error {
			if err == nil && fi.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
		os.RemoveAll(top)
	})
	os.Chmod(top, 0o755)
	bin := filepath.Join(top, "guard")
	data, err := os.ReadFile(guard)
	if err != nil || os.WriteFile(bin, data, 0o755) != nil {
		t.Fatal("copy guard", err)
	}
	home := filepath.Join(top, "home")
	env := hookEnv(t, home)
	filepath.Walk(home, func(p string, _ os.FileInfo, _ error) error { return os.Lchown(p, nobody, nobody) })
	asNobody := func(project string, script string) (hookResult, time.Duration) {
		cmd := exec.Command(bin, "--mode", "full-auto", "--project", project, "--", "bash", "-c", script)
		cmd.Dir, cmd.Env = project, env
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		start := time.Now()
		r := hookWait(t, cmd)
		return r, time.Since(start)
	}
	mkProject := func(name string) string {
		p := filepath.Join(home, name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		os.Lchown(p, nobody, nobody)
		return p
	}
	probe := mkProject("probe")
	if r, _ := asNobody(probe, "true"); r.code != 0 {
		t.Skipf("full-auto cannot sandbox nobody here (exit %d): %s", r.code, r.stderr)
	}
	mode := func(p string) os.FileMode {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return st.Mode().Perm()
	}
	for _, c := range []struct{ name, script string }{
		{"chmod 000", `chmod 000 "$PWD"; echo done`},
		{"chmod 644, then running on", `chmod 644 "$PWD"; sleep 5; echo survived`},
		{"chmod u-r", `chmod u-r .; sleep 5; echo survived`},
	} {
		p := mkProject(strings.ReplaceAll(c.name, " ", "-"))
		r, took := asNobody(p, c.script)
		if m := mode(p); m != 0o755 {
			t.Errorf("%s: the project's mode is %v after the run (exit %d, %s)", c.name, m, r.code, r.stderr)
		}
		if r.code == 0 || !strings.Contains(r.stderr, "the directory the agent's hooks start in") {
			t.Errorf("%s: exit %d, stderr %q: want a failure that names the project", c.name, r.code, r.stderr)
		}
		if strings.Contains(r.stdout, "survived") || took > 4*time.Second {
			t.Errorf("%s: the command ran on (%v): %q", c.name, took, r.stdout)
		}
	}
	// What a build does: modes inside, and the project's own that keep
	// the owner's rights.
	p := mkProject("build")
	r, _ := asNobody(p, `mkdir d && touch f && chmod 000 d f && chmod 700 . && chmod -x f && echo ok`)
	if r.code != 0 || !strings.Contains(r.stdout, "ok") || mode(p) != 0o700 {
		t.Errorf("a build's chmods: exit %d, mode %v, %q %q", r.code, mode(p), r.stdout, r.stderr)
	}
}
