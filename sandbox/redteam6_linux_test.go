package sandbox

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"

	"golang.org/x/sys/unix"
)

// Sixth red-team pass (docs/redteam/sandbox-6.md).

func init() {
	// A directory made where links may be made, a link put in it, and the
	// directory moved into the shared directory, at the name of one a
	// program outside writes into (Gemini CLI's gemini-shell-*/bgpids.tmp):
	// Landlock checks the right to make a link only where the link is made,
	// and a directory moved carries what it holds.
	attacks["dir-link-move"] = func(a []string) error {
		if err := os.Mkdir(a[1], 0o755); err != nil {
			return err
		}
		if err := unix.Symlink(a[0], filepath.Join(a[1], "bgpids.tmp")); err != nil {
			return err
		}
		return unix.Rename(a[1], a[2])
	}
	// A credential anywhere in the environment, by its value (given in
	// two parts: the attack's own arguments reach it through the
	// environment).
	attacks["env-holds"] = func(a []string) error {
		for _, kv := range os.Environ() {
			if strings.Contains(kv, a[0]+a[1]) {
				return nil
			}
		}
		return errors.New(a[0] + a[1] + " not in the environment")
	}
}

// authHeaderCases: an HTTP credential header in variables no name pattern
// catches: git's config passed on by `git -c http.extraheader=...` or a CI
// runner, and a header kept whole.
func authHeaderCases(t *testing.T) []attackCase {
	prot := withProtection(t)
	var cases []attackCase
	for _, env := range [][]string{
		{`GIT_CONFIG_PARAMETERS='http.extraheader'='Authorization: Bearer sk-lab6'`},
		{"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=http.extraheader", "GIT_CONFIG_VALUE_0=Authorization: basic sk-lab6"},
		{"AUTH_HEADER=Bearer sk-lab6"},
		{"CI_HEADERS=PRIVATE-TOKEN: sk-lab6"},
	} {
		cases = append(cases, attackCase{name: "credential header in " + env[len(env)-1][:strings.IndexByte(env[len(env)-1], '=')],
			attack: "env-holds", profile: prot,
			args:  func(*testing.T, *fixture) []string { return []string{"sk-", "lab6"} },
			child: func(c *child) { c.env = append(c.env, env...) }})
	}
	return cases
}

func TestAttackAuthHeaderEnv(t *testing.T) {
	runAttackCases(t, authHeaderCases(t))
}

func TestAttackAuthHeaderEnvUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, authHeaderCases(t))
}

// sharedMoveCases: a directory holding a link moved into a shared root,
// from a root beside it and from a project inside it.
func sharedMoveCases(more func(p *Profile), prefix string) []attackCase {
	return []attackCase{
		{name: prefix + "a directory holding a link, moved from the root into the shared directory", attack: "dir-link-move",
			profile: func(p *Profile) {
				withShared(p)
				if more != nil {
					more(p)
				}
			},
			args: func(t *testing.T, f *fixture) []string {
				return []string{f.file, filepath.Join(f.root, "d"), filepath.Join(sharedDir(t, f), "gemini-shell-x")}
			},
			want: []unix.Errno{unix.EACCES, unix.EXDEV}},
		{name: prefix + "a directory holding a link, moved from a project inside the shared directory to its top", attack: "dir-link-move",
			profile: func(p *Profile) {
				d := filepath.Dir(p.WritableRoots[0])
				p.WritableRoots = append(p.WritableRoots, d)
				p.SharedRoots = append(p.SharedRoots, d)
				if more != nil {
					more(p)
				}
			},
			args: func(t *testing.T, f *fixture) []string {
				return []string{f.file, filepath.Join(f.root, "d"), filepath.Join(filepath.Dir(f.root), "gemini-shell-x")}
			},
			want: []unix.Errno{unix.EACCES, unix.EXDEV}},
	}
}

// TestAttackSharedTempMove, as root: the roots are mounts of their own, so
// the move fails with EXDEV; Landlock refuses it as well.
func TestAttackSharedTempMove(t *testing.T) {
	runAttackCases(t, sharedMoveCases(nil, ""))
}

// TestAttackSharedTempMoveUnprivileged: as an ordinary user, with the
// user-namespace child and where user namespaces are forbidden (Landlock
// alone: the move worked until shared roots lost LANDLOCK_ACCESS_FS_REFER).
func TestAttackSharedTempMoveUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	cases := sharedMoveCases(nil, "")
	for _, c := range sharedMoveCases(func(p *Profile) { p.BestEffort = true }, "user namespaces forbidden: ") {
		c.child = func(c *child) { c.noUserNS = true }
		cases = append(cases, c)
	}
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, cases)
}

// vcsConfigCases: Mercurial's and Jujutsu's repository config, which run
// code at the next hg or jj command outside ([hooks] pre-status, fix
// tools), were writable in every root.
func vcsConfigCases(t *testing.T) []attackCase {
	// plant lays the file out in root, before the profile is resolved.
	plant := func(root, rel string) string {
		path := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("[ui]\n"), 0o666); err != nil {
			t.Fatal(err)
		}
		for d := filepath.Dir(path); d != root; d = filepath.Dir(d) {
			os.Chmod(d, 0o777)
		}
		os.Chmod(path, 0o666)
		return path
	}
	var cases []attackCase
	for _, rel := range []string{".hg/hgrc", ".hg/sharedpath", ".jj/repo/config.toml"} {
		cases = append(cases, attackCase{name: "append " + rel, attack: "append",
			profile: func(p *Profile) {
				plant(p.WritableRoots[0], rel)
				withProtection(t)(p)
			},
			args: func(t *testing.T, f *fixture) []string { return []string{plant(f.root, rel)} },
			want: []unix.Errno{unix.EROFS, unix.EACCES}})
	}
	return cases
}

func TestAttackVCSConfig(t *testing.T) {
	runAttackCases(t, vcsConfigCases(t))
}

// TestAttackVCSConfigUnprivileged, with the user-namespace child (where user
// namespaces are forbidden, a protected file inside a root is
// TestUserNSForbidden's documented limit: Landlock cannot take back below a
// root what the root grants).
func TestAttackVCSConfigUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, vcsConfigCases(t))
}

// TestAttackDebconfPasswords: root read debconf's stored passwords.
func TestAttackDebconfPasswords(t *testing.T) {
	requireRoot(t, "the file is root's, mode 0600")
	path := "/var/cache/debconf/passwords.dat"
	runAttackCases(t, []attackCase{{name: "read " + path, attack: "read", want: unreadable,
		args: func(t *testing.T, _ *fixture) []string {
			plantSystemFile(t, path)
			// An empty one (no password question answered yet) gets a
			// well-formed entry for the test, removed after it.
			if b, err := os.ReadFile(path); err == nil && len(b) == 0 {
				entry := "Name: guard-test/password\nTemplate: guard-test/password\nValue: guard-test-secret\nOwners: guard-test\n\n"
				if err := os.WriteFile(path, []byte(entry), 0o600); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.WriteFile(path, nil, 0o600) })
			}
			return []string{path}
		},
		profile: func(p *Profile) { Protect(p, protect.Default(), t.TempDir()) }}})
}

// envGitConfigCases: a git config named by the environment
// ($XDG_CONFIG_HOME/git/config, $GIT_CONFIG_GLOBAL) or the system's
// (/etc/gitconfig, here $GIT_CONFIG_SYSTEM) sets core.hooksPath or
// init.templateDir inside a root: only ~/.gitconfig and ~/.config/git/config
// were read for them, and a hook planted there ran at the next commit or
// clone anywhere.
func envGitConfigCases(t *testing.T, more func(p *Profile), prefix string) []attackCase {
	var cases []attackCase
	for _, c := range []struct{ variable, file, key, dir, hook string }{
		{"XDG_CONFIG_HOME", "xdg/git/config", "core.hooksPath", "hooks-xdg", "pre-commit"},
		{"GIT_CONFIG_GLOBAL", "cfg/gitconfig", "core.hooksPath", "hooks-global", "pre-commit"},
		{"GIT_CONFIG_GLOBAL", "cfg/gitconfig", "init.templateDir", "templates", "hooks/post-checkout"},
		{"GIT_CONFIG_SYSTEM", "etc/gitconfig", "core.hooksPath", "hooks-system", "pre-commit"},
	} {
		layout := func(t *testing.T, home string) string {
			section, key, _ := strings.Cut(c.key, ".")
			writeWorld(filepath.Join(home, c.file), "["+section+"]\n\t"+key+" = "+filepath.Join(home, c.dir)+"\n")
			d := filepath.Dir(filepath.Join(home, c.dir, c.hook))
			if err := os.MkdirAll(d, 0o777); err != nil {
				t.Fatal(err)
			}
			for ; d != home; d = filepath.Dir(d) {
				os.Chmod(d, 0o777)
			}
			value := filepath.Join(home, c.file)
			if c.variable == "XDG_CONFIG_HOME" {
				value = filepath.Join(home, "xdg")
			}
			return value
		}
		cases = append(cases, attackCase{name: prefix + "plant a hook in the " + c.key + " of $" + c.variable + "'s git config", attack: "create",
			args: func(t *testing.T, f *fixture) []string {
				layout(t, f.root)
				return []string{filepath.Join(f.root, c.dir, c.hook)}
			},
			profile: func(p *Profile) {
				home := p.WritableRoots[0]
				value := layout(t, home)
				old, had := os.LookupEnv(c.variable)
				os.Setenv(c.variable, value)
				Protect(p, protect.Default(), home)
				if had {
					os.Setenv(c.variable, old)
				} else {
					os.Unsetenv(c.variable)
				}
				if more != nil {
					more(p)
				}
			},
			want: denied})
	}
	return cases
}

func TestAttackEnvGitConfig(t *testing.T) {
	runAttackCases(t, envGitConfigCases(t, nil, ""))
}

// TestAttackEnvGitConfigUnprivileged: as an ordinary user through the child
// (where user namespaces are forbidden a protected directory inside a root
// is the documented limit).
func TestAttackEnvGitConfigUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, envGitConfigCases(t, nil, ""))
}

// separateGitDirCases: a working directory (a root) inside the hooks of a
// git directory kept apart from its work tree (`git init
// --separate-git-dir`): no .git above it and not named .git, so nothing
// there was protected, and a hook planted ran at the next commit in the
// work tree.
func separateGitDirCases(t *testing.T, more func(p *Profile), prefix string) []attackCase {
	layout := func(t *testing.T, base string) (hooks string) {
		store := filepath.Join(base, "store", "x.git")
		if _, err := os.Stat(store); err != nil {
			os.MkdirAll(filepath.Dir(store), 0o777)
			out, err := exec.Command("git", "init", "-q", "--separate-git-dir", store, filepath.Join(base, "wt")).CombinedOutput()
			if err != nil {
				t.Fatalf("git init --separate-git-dir: %v %s", err, out)
			}
		}
		hooks = filepath.Join(store, "hooks")
		os.MkdirAll(hooks, 0o777)
		filepath.Walk(filepath.Join(base, "store"), func(p string, _ os.FileInfo, _ error) error {
			os.Chmod(p, 0o777)
			return nil
		})
		return hooks
	}
	return []attackCase{{name: prefix + "plant a hook with a separate git directory's hooks as the working directory", attack: "create",
		args: func(t *testing.T, f *fixture) []string {
			return []string{filepath.Join(layout(t, f.root), "pre-commit")}
		},
		profile: func(p *Profile) {
			hooks := layout(t, p.WritableRoots[0])
			p.WritableRoots = []string{hooks}
			Protect(p, protect.Default(), t.TempDir())
			if more != nil {
				more(p)
			}
		},
		want: denied}}
}

func TestAttackSeparateGitDir(t *testing.T) {
	requireGit(t)
	runAttackCases(t, separateGitDirCases(t, nil, ""))
}

// TestAttackSeparateGitDirUnprivileged: as an ordinary user, with the child
// and where user namespaces are forbidden (Landlock alone: the root is
// dropped).
func TestAttackSeparateGitDirUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireGit(t)
	cases := separateGitDirCases(t, nil, "")
	for _, c := range separateGitDirCases(t, func(p *Profile) { p.BestEffort = true }, "user namespaces forbidden: ") {
		c.child = func(c *child) { c.noUserNS = true }
		cases = append(cases, c)
	}
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, cases)
}

func requireGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		sandboxtest.Skip(t, "git not on PATH")
	}
}
