package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"
)

func init() {
	// chmod a[0] open (its owner may), then read a[1].
	attacks["chmod-read"] = func(a []string) error {
		if err := unix.Chmod(a[0], 0o755); err != nil {
			return err
		}
		b, err := os.ReadFile(a[1])
		if err == nil && len(b) == 0 {
			return unix.Errno(0)
		}
		return err
	}
}

// closedSecret lays out, in the root, a secret that its owner closed
// (mode: of the file itself, or of the directory dir holding it), owned by
// the root's owner, and returns the attack's arguments: what to chmod, what
// to read.
func closedSecret(dir, name string, mode os.FileMode) func(*testing.T, *fixture) []string {
	return func(t *testing.T, f *fixture) []string {
		var st unix.Stat_t
		if err := unix.Stat(f.root, &st); err != nil {
			t.Fatal(err)
		}
		d := filepath.Join(f.root, dir)
		p := filepath.Join(d, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("API_KEY=sk-closed\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, x := range []string{d, p} {
			if err := os.Lchown(x, int(st.Uid), int(st.Gid)); err != nil {
				t.Fatal(err)
			}
		}
		closed := d
		if dir == "." {
			closed = p
		}
		if err := os.Chmod(closed, mode); err != nil {
			t.Fatal(err)
		}
		return []string{closed, p}
	}
}

// envSecret is a credential file at file (below the fixture's outside
// directory) that the variable name points to with value (also below it).
func envSecret(name, value, file string) attackCase {
	return attackCase{name: "credentials named by " + name, attack: "read", want: unreadable,
		args: func(t *testing.T, f *fixture) []string {
			p := filepath.Join(f.outside, file)
			writeWorld(p, "token: sk-env\n")
			return []string{p}
		},
		profile: func(p *Profile) {
			old, had := os.LookupEnv(name)
			os.Setenv(name, filepath.Join(filepath.Dir(p.WritableRoots[0]), "outside", value))
			defer func() {
				if had {
					os.Setenv(name, old)
				} else {
					os.Unsetenv(name)
				}
			}()
			Protect(p, protect.Default(), "")
		}}
}

// failOpenAttacks: what the caller's environment or the tree's own
// permissions made guard miss at start.
func failOpenAttacks(t *testing.T) []attackCase {
	home := ""
	scanAsUser := func(c *child) { c.protectHome = &home }
	return []attackCase{
		// Unreadable at start to the user guard runs as, so the scan or the
		// sandbox skipped it, but the program, its owner, chmods it open.
		{name: "secret file of mode 000", attack: "chmod-read", args: closedSecret(".", "closed.pem", 0), child: scanAsUser,
			profile: func(*Profile) {}, want: append([]unix.Errno{unix.EROFS}, unreadable...)},
		{name: "secret in a directory that cannot be searched (0400)", attack: "chmod-read", args: closedSecret("noexec", ".env", 0o400),
			child: scanAsUser, profile: func(*Profile) {}, want: append([]unix.Errno{unix.EROFS}, unreadable...)},
		{name: "secret in a directory that cannot be listed (000)", attack: "chmod-read", args: closedSecret("locked", ".env", 0),
			child: scanAsUser, profile: func(*Profile) {}, want: append([]unix.Errno{unix.EROFS}, unreadable...)},
		// Many secrets in a root: the user-namespace child's list of calls
		// passed 127, and its op indexes (int8) wrapped: it panicked.
		{name: "200 secrets in the root", attack: "read", want: unreadable, child: scanAsUser, profile: func(*Profile) {},
			args: func(t *testing.T, f *fixture) []string {
				var st unix.Stat_t
				if err := unix.Stat(f.root, &st); err != nil {
					t.Fatal(err)
				}
				var last string
				for i := range 200 {
					last = filepath.Join(f.root, fmt.Sprintf("k%03d.pem", i))
					if err := os.WriteFile(last, []byte("-----BEGIN PRIVATE KEY-----\n"), 0o644); err != nil {
						t.Fatal(err)
					}
					os.Lchown(last, int(st.Uid), int(st.Gid))
				}
				return []string{last}
			}},
		// Credentials where the environment says they are, not where the
		// list names them.
		envSecret("KUBECONFIG", "kube.yaml", "kube.yaml"),
		envSecret("GOOGLE_APPLICATION_CREDENTIALS", "sa.json", "sa.json"),
		envSecret("XDG_CONFIG_HOME", "xdg", "xdg/gh/hosts.yml"),
		envSecret("DOCKER_CONFIG", "docker", "docker/config.json"),
		// TMPDIR=$PWD made the project a temporary directory, which the
		// scan for .env and *.pem skipped.
		{name: "TMPDIR names the root", attack: "read", args: inRoot(".env"), want: unreadable,
			profile: func(p *Profile) {
				home := protectFixture(t, p.WritableRoots[0])
				old, had := os.LookupEnv("TMPDIR")
				os.Setenv("TMPDIR", p.WritableRoots[0])
				defer func() {
					if had {
						os.Setenv("TMPDIR", old)
					} else {
						os.Unsetenv("TMPDIR")
					}
				}()
				Protect(p, protect.Default(), home)
			}},
	}
}

func TestAttackFailOpen(t *testing.T) {
	runAttackCases(t, failOpenAttacks(t))
}

func TestAttackFailOpenUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root (run as one, TestAttackFailOpen is this test)")
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, failOpenAttacks(t))
}

// TestProtectEnvTooWide: a credential variable that names / or a directory
// holding the home or a root is not taken as a secret's place: it would
// hide the command's whole world.
func TestProtectEnvTooWide(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"/", filepath.Dir(root), root} {
		t.Setenv("GNUPGHOME", v)
		p := Profile{WritableRoots: []string{root}}
		Protect(&p, protect.Default(), "")
		for _, u := range p.Unreadable {
			if within(root, u) {
				t.Errorf("GNUPGHOME=%s: %s made unreadable, which holds the root", v, u)
			}
		}
	}
}

// TestAttackOtherHomes: another account's credentials, in its home under
// /home, which only names in the user's own home covered: root read
// /home/alice/.ssh/id_ed25519 and .aws/credentials, and so did an ordinary
// user where the permissions left them open.
func TestAttackOtherHomes(t *testing.T) {
	requireRoot(t, "making an account's home in /home needs root")
	other, err := os.MkdirTemp("/home", "guardtest")
	if err != nil {
		sandboxtest.Skipf(t, "cannot make a home in /home: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(other) })
	os.Chmod(other, 0o755)
	for _, name := range []string{".ssh/id_ed25519", ".aws/credentials"} {
		writeWorld(filepath.Join(other, name), "PRIVATE-"+name+"\n")
	}
	cases := func() []attackCase {
		var out []attackCase
		for _, name := range []string{".ssh/id_ed25519", ".aws/credentials"} {
			out = append(out, attackCase{name: "read another account's ~/" + name, attack: "read", want: unreadable,
				args:    func(*testing.T, *fixture) []string { return []string{filepath.Join(other, name)} },
				profile: func(p *Profile) { Protect(p, protect.Default(), "") }})
		}
		return out
	}
	t.Run("root", func(t *testing.T) { runAttackCases(t, cases()) })
	t.Run("nobody", func(t *testing.T) {
		runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, cases())
	})
}

// TestOtherHomeInUse: another account's home that holds a writable root is
// not hidden whole; its credentials are, by the list's "~/" entries.
func TestOtherHomeInUse(t *testing.T) {
	requireRoot(t, "making an account's home in /home needs root")
	other, err := os.MkdirTemp("/home", "guardtest")
	if err != nil {
		sandboxtest.Skipf(t, "cannot make a home in /home: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(other) })
	writeWorld(filepath.Join(other, ".ssh/id_ed25519"), "k")
	writeWorld(filepath.Join(other, "proj/main.go"), "package main\n")
	// A git run later with that home takes its hooks from where its
	// .gitconfig says, inside the root.
	writeWorld(filepath.Join(other, "proj/.git/HEAD"), "ref: refs/heads/main\n")
	writeWorld(filepath.Join(other, ".gitconfig"), "[core]\n\thooksPath = "+filepath.Join(other, "proj/hooks")+"\n")
	writeWorld(filepath.Join(other, "proj/hooks/pre-commit"), "#!/bin/sh\n")
	p := Profile{WritableRoots: []string{filepath.Join(other, "proj")}}
	Protect(&p, protect.Default(), "")
	if slices.Contains(p.Unreadable, other) || !slices.Contains(p.Unreadable, filepath.Join(other, ".ssh/id_ed25519")) {
		t.Errorf("unreadable %v: want %s/.ssh/id_ed25519, not the home whole", p.Unreadable, other)
	}
	if !slices.Contains(p.ReadOnly, filepath.Join(other, "proj/hooks")) {
		t.Errorf("read-only %v: want the hooks path of that home's .gitconfig", p.ReadOnly)
	}
	// The absolute entries (/etc/shadow...) are the same for every home:
	// looked at once.
	seen := map[string]bool{}
	for _, u := range p.Unreadable {
		if seen[u] {
			t.Errorf("%s listed twice in %v", u, p.Unreadable)
		}
		seen[u] = true
	}
}
