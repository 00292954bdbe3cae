package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
)

// Ninth red-team pass (docs/redteam/sandbox-9.md).

func init() {
	// reopen-append: chmod a[0] open again (0755), then append to a[1]: an
	// ordinary user's directory made unsearchable by an earlier command.
	attacks["reopen-append"] = func(a []string) error {
		if err := unix.Chmod(a[0], 0o755); err != nil {
			return err
		}
		return writeTo(a[1], unix.O_WRONLY|unix.O_APPEND)
	}
}

// gitInit makes dir a repository as cred's user (nil: the test's).
func gitInit(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command("git", "init", "-q", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
}

// TestAttackUnsearchableGitDir: an ordinary user's command made the
// repository's .git unsearchable (chmod 000, which Landlock does not check);
// the next command's plan, made as that user, could not look below it, so
// .git/config and .git/hooks were left off it: that command opened .git again
// and wrote core.fsmonitor into the config, which git runs later outside.
// Now the directory that blocks the look is hidden whole (read-only), and
// where user namespaces are forbidden strict full-auto refuses (protected
// paths in the roots), as it does with .git open.
func TestAttackUnsearchableGitDir(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	for _, tc := range []struct {
		name      string
		cred      *syscall.Credential
		forbidden bool
	}{
		{"root", nil, false},
		{"nobody, child", nobody, false},
		{"nobody, user namespaces forbidden", nobody, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cred != nil && !tc.forbidden {
				requireUserNS(t)
			}
			base := t.TempDir()
			exe := ""
			if tc.cred != nil {
				exe = shareWith(t, base, tc.cred)
			}
			setup := func() (*fixture, []string) {
				f := newFixture(t, base)
				gitInit(t, f.root)
				chownFixture(t, f, tc.cred)
				dotgit := filepath.Join(f.root, ".git")
				if err := os.Chmod(dotgit, 0); err != nil {
					t.Fatal(err)
				}
				return f, []string{dotgit, filepath.Join(dotgit, "config")}
			}
			planted := func(f *fixture) bool {
				b, _ := os.ReadFile(filepath.Join(f.root, ".git", "config"))
				return strings.Contains(string(b), "pwned")
			}
			// Unconfined: the owner reopens it and writes the config.
			f, args := setup()
			o := child{attack: &attackSpec{Name: "reopen-append", Args: args}, dir: f.root, exe: exe, cred: tc.cred}.run(t)
			if !o.ok || !planted(f) {
				t.Fatalf("without the sandbox the attack must work: %s", o)
			}
			// Confined, the plan made as the program's user.
			f, args = setup()
			home := filepath.Join(base, "home")
			p := Profile{WritableRoots: []string{f.root}}
			c := child{attack: &attackSpec{Name: "reopen-append", Args: args}, dir: f.root, profile: &p, exe: exe,
				cred: tc.cred, protectHome: &home, noUserNS: tc.forbidden}
			if tc.forbidden {
				// Strict refuses (ErrNotEnforced), as with .git searchable.
				self := exe
				if self == "" {
					self, _ = os.Executable()
				}
				spec := helperSpec{Profile: p, Path: self, Argv: []string{self}, ProtectHome: &home, NoUserNS: true}
				cmd := exec.Command(self)
				cmd.Dir = f.root
				cmd.Env = append(os.Environ(), envHelper+"="+mustJSON(spec),
					envAttack+"="+mustJSON(attackSpec{Name: "reopen-append", Args: args}))
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: tc.cred}
				out, _ := cmd.CombinedOutput()
				if planted(f) || !strings.Contains(string(out), notEnforcedMarker) {
					t.Fatalf("user namespaces forbidden: want a refusal and the config unchanged, got:\n%s", out)
				}
				return
			}
			o = c.run(t)
			if o.ok || planted(f) {
				t.Fatalf("inside: the unsearchable .git was opened and its config written (%s)", o)
			}
			if o.errno != unix.EROFS && o.errno != unix.EACCES && o.errno != unix.EPERM {
				t.Errorf("inside: %s, want EROFS, EACCES or EPERM", o)
			}
		})
	}
}

// TestAttackTempUpward: names tools look for in every directory above the
// one they run in, planted at the top of a shared temporary directory (/tmp,
// $TMPDIR), ran later, outside the sandbox, for any directory below it: a
// .git whose core.fsmonitor `git status` in tmp/x ran (git init of the
// shared root itself, real git), a bare repository's HEAD beside its config,
// cargo's .cargo/config.toml (rustc-wrapper), go's go.work. Each is now an
// empty read-only directory there (as root, and in an ordinary user's child);
// where user namespaces are forbidden nothing is mounted (the documented
// limit), and the placeholders are no reason to refuse.
func TestAttackTempUpward(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	for _, tc := range []struct {
		name      string
		cred      *syscall.Credential
		forbidden bool
	}{
		{"root", nil, false},
		{"nobody, child", nobody, false},
		{"nobody, user namespaces forbidden", nobody, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cred != nil && !tc.forbidden {
				requireUserNS(t)
			}
			base := t.TempDir()
			exe := ""
			if tc.cred != nil {
				exe = shareWith(t, base, tc.cred)
			}
			// A fresh project and shared temporary directory (mode 1777, as /tmp).
			setup := func() (f *fixture, tmp string) {
				f = newFixture(t, base)
				chownFixture(t, f, tc.cred)
				tmp = filepath.Join(filepath.Dir(f.root), "tmp")
				if err := os.Mkdir(tmp, 0o777); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(tmp, 0o1777); err != nil {
					t.Fatal(err)
				}
				// The user's own $TMPDIR: git refuses a repository whose work
				// tree another user owns (/tmp, root's, for an ordinary user),
				// cargo and go do not.
				if tc.cred != nil {
					if err := os.Chown(tmp, int(tc.cred.Uid), int(tc.cred.Gid)); err != nil {
						t.Fatal(err)
					}
				}
				return f, tmp
			}
			home := filepath.Join(base, "home")
			env := []string{"HOME=" + home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"}
			// The real attack: git init of the shared root and a core.fsmonitor,
			// then `git status` in a directory below it, outside any sandbox.
			plant := func(tmp, mark string) []string {
				// A placeholder in the way is removed first (where it is not
				// pinned, it can be).
				return []string{"sh", "-c", "rm -f " + tmp + "/.git; " + git + " init -q " + tmp + " && " + git + " -C " + tmp +
					" config core.fsmonitor 'touch " + mark + "; false'"}
			}
			ranLater := func(tmp, mark string) bool {
				x := filepath.Join(tmp, "x")
				os.MkdirAll(x, 0o777)
				cmd := exec.Command(git, "status")
				cmd.Dir = x
				cmd.Env = append(os.Environ(), env...)
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: tc.cred}
				cmd.Run()
				return exists(mark)
			}
			type plan struct {
				name string
				file string // written below the shared root, its directories made
			}
			files := []plan{{"bare HEAD", "HEAD"}, {"hg config", ".hg/hgrc"}, {"cargo config", ".cargo/config.toml"},
				{"cargo workspace", "Cargo.toml"}, {"go.work", "go.work"}, {"pytest conftest.py", "conftest.py"}}

			// Unconfined: each works.
			f, tmp := setup()
			mark := filepath.Join(f.outside, "PWNED")
			if o := (child{path: "/bin/sh", argv: plant(tmp, mark), dir: f.root, env: env, exe: exe, cred: tc.cred}).run(t); !o.ok {
				t.Fatalf("without the sandbox, git init of the shared directory failed: %s\n%s", o, o.stderr)
			}
			if !ranLater(tmp, mark) {
				t.Fatal("without the sandbox, the planted core.fsmonitor did not run")
			}
			for _, pl := range files {
				_, tmp := setup()
				o := child{attack: &attackSpec{Name: "mkdir-p-write", Args: []string{filepath.Join(tmp, pl.file)}}, dir: f.root, exe: exe, cred: tc.cred}.run(t)
				if !o.ok {
					t.Fatalf("without the sandbox, %s: %s", pl.name, o)
				}
			}

			// Confined, the plan made as the program's user.
			f, tmp = setup()
			mark = filepath.Join(f.outside, "PWNED")
			profile := func() *Profile {
				return &Profile{WritableRoots: []string{f.root, tmp}, SharedRoots: []string{tmp}}
			}
			o := child{path: "/bin/sh", argv: plant(tmp, mark), dir: f.root, env: env, exe: exe, cred: tc.cred,
				profile: profile(), protectHome: &home, noUserNS: tc.forbidden}.run(t)
			for _, n := range []string{".git", "HEAD", ".hg", ".cargo", "Cargo.toml", "go.work", "conftest.py"} {
				if _, err := os.Lstat(filepath.Join(tmp, n)); err != nil {
					t.Errorf("no placeholder %s made: %v", n, err)
				}
			}
			if tc.forbidden {
				// Not refused (run() fails the test at a refusal); the limit.
				if !o.ok || !ranLater(tmp, mark) {
					t.Errorf("user namespaces forbidden: the placeholders are not kept read-only there (the documented limit); the run should have gone on: %s\n%s", o, o.stderr)
				}
				return
			}
			if ran := ranLater(tmp, mark); o.ok || ran {
				t.Errorf("inside: git init of the shared directory %s; its core.fsmonitor ran later: %v", o, ran)
			}
			for _, pl := range files {
				f, tmp = setup()
				o := child{attack: &attackSpec{Name: "mkdir-p-write", Args: []string{filepath.Join(tmp, pl.file)}}, dir: f.root,
					profile: profile(), protectHome: &home, exe: exe, cred: tc.cred}.run(t)
				if o.ok {
					t.Errorf("inside: %s written at the top of the shared directory", pl.name)
				} else if !errnoIn(o.errno, []unix.Errno{unix.EROFS, unix.EEXIST, unix.ENOTDIR, unix.EACCES}) {
					t.Errorf("inside: %s: %s, want EROFS, EEXIST, ENOTDIR or EACCES", pl.name, o)
				}
			}
		})
	}
}

func init() {
	// mkdir-p-write: make a[0]'s directories, then create and write a[0].
	attacks["mkdir-p-write"] = func(a []string) error {
		if err := os.MkdirAll(filepath.Dir(a[0]), 0o755); err != nil {
			return err
		}
		return writeTo(a[0], unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC)
	}
}

// runtimeSecretCases: logins the environment places outside the home, read
// from inside: the display's cookie XAUTHORITY names (SDDM's /tmp/xauth_*,
// GDM's in the runtime directory), ICEAUTHORITY's, and podman's registry
// login in $XDG_RUNTIME_DIR/containers/auth.json; and podman's fallback in
// the home, ~/.config/containers/auth.json.
func runtimeSecretCases(forbidden bool) []attackCase {
	var cases []attackCase
	for _, v := range [][3]string{{"XAUTHORITY", "xauth_Ab12cd", "xauth_Ab12cd"},
		{"ICEAUTHORITY", "ICEauthority", "ICEauthority"}, {"XDG_RUNTIME_DIR", "run", "run/containers/auth.json"},
		{"XDG_RUNTIME_DIR", "run", "run/gdm/Xauthority"}} {
		c := envSecret(v[0], v[1], v[2])
		c.name = "read " + v[2] + " named by " + v[0]
		cases = append(cases, c)
	}
	home := func(root string) string {
		h := filepath.Join(filepath.Dir(root), "home")
		writeWorld(filepath.Join(h, ".config/containers/auth.json"), `{"auths":{"quay.io":{"auth":"c2s="}}}`)
		return h
	}
	cases = append(cases, attackCase{name: "read ~/.config/containers/auth.json", attack: "read", want: unreadable,
		profile: func(p *Profile) { Protect(p, protect.Default(), home(p.WritableRoots[0])) },
		args: func(t *testing.T, f *fixture) []string {
			return []string{filepath.Join(home(f.root), ".config/containers/auth.json")}
		}})
	for i := range cases {
		cases[i].child = func(c *child) { c.noUserNS = forbidden }
	}
	return cases
}

func TestAttackRuntimeSecrets(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackRuntimeSecretsUnprivileged is this test")
	runAttackCases(t, runtimeSecretCases(false))
}

func TestAttackRuntimeSecretsUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, runtimeSecretCases)
}

// moreAgentSecrets: more agents' logins, MCP OAuth tokens and sessions.
var moreAgentSecrets = []string{".qwen/oauth_creds.json", ".qwen/settings.json", ".gemini/mcp-oauth-tokens.json",
	".local/share/amp/secrets.json", ".config/goose/secrets.yaml", ".augment/session.json", ".cline/data/secrets.json",
	".local/share/crush/crush.json", ".copilot/config.json", ".local/share/goose/sessions/s1.jsonl",
	".copilot/session-state/s1.json", ".factory/sessions/s1.jsonl", ".cursor/chats/c1/store.db"}

func moreAgentSecretCases(forbidden bool) []attackCase {
	return homeSecretCases(moreAgentSecrets, "token=sk-lab9-agent\n", forbidden)
}

func TestAttackMoreAgentSecrets(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackMoreAgentSecretsUnprivileged is this test")
	runAttackCases(t, moreAgentSecretCases(false))
}

func TestAttackMoreAgentSecretsUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, moreAgentSecretCases)
}

// tokenEnv are credentials under names no pattern matched, found by their
// form (a private key block, a service account's JSON, the tokens GitHub,
// GitLab, Slack, Anthropic, OpenAI, AWS, npm and Hugging Face issue), and by
// names the list lacked (a PEM or P12 by its container's name, a CI's
// kubeconfig as data, fastlane's session cookie, SonarQube's and yarn's).
var tokenEnv = []string{"DEPLOY=-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
	`GCP_SA={"type": "service_account", "private_key": "x"}`, "MYVAR=ghp_0123456789abcdefghijABCDEFGHIJ012345",
	"CI_PUSH=glpat-abcdefghij0123456789", "SLACK_HOOKS_BOT=xoxb-1234567890-0987654321-abcdefghijKLMNOP",
	"CLAUDE=sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789", "OPENAI=sk-proj-abcdefghijklmnopqrstuvwxyz0123",
	"AWS_ID=AKIA2OGYBAH6STMMNXNN", "NPMRC_VALUE=npm_abcdefghijklmnopqrstuvwxyz0123456789",
	"HUB=hf_abcdefghijklmnopqrstuvwxyzABCDEFGH", "GITHUB_APP_PEM=-----BEGIN RSA PRIVATE KEY-----",
	"CERTIFICATE_P12=MIIKdAIBAzCCCjoGCSqGSIb3DQEHAaCCCisEggonMIIKIzCCBV8GCSqGSIb3", "KUBE_CONFIG_DATA=YXBpVmVyc2lvbjogdjEK",
	"FASTLANE_SESSION=---\n- !ruby/object:HTTP::Cookie\n  name: myacinfo", "SONAR_LOGIN=squ_0123456789abcdef",
	"YARN_NPM_AUTH_IDENT=dXNlcjpwYXNzd29yZA=="}

func tokenEnvCases(forbidden bool) []attackCase {
	var cases []attackCase
	for _, kv := range tokenEnv {
		name, _, _ := strings.Cut(kv, "=")
		cases = append(cases, attackCase{name: "variable " + name, attack: "env",
			profile: func(p *Profile) { Protect(p, protect.Default(), "") },
			args:    func(*testing.T, *fixture) []string { return []string{name} },
			child:   func(c *child) { c.env = append(c.env, kv); c.noUserNS = forbidden }})
	}
	return cases
}

// TestAttackTokenEnv: a credential in the environment under a name no
// pattern matched reached the program.
func TestAttackTokenEnv(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackTokenEnvUnprivileged is this test")
	runAttackCases(t, tokenEnvCases(false))
}

func TestAttackTokenEnvUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, tokenEnvCases)
}

// TestTempPlaceholdersNotInHome: a shared root that is the home (TMPDIR=$HOME)
// gets no placeholders: that is the user's own tree (~/.cargo).
func TestTempPlaceholdersNotInHome(t *testing.T) {
	home := t.TempDir()
	p := Profile{WritableRoots: []string{home}, SharedRoots: []string{home}}
	Protect(&p, protect.Default(), home)
	for _, n := range upwardNames {
		if _, err := os.Lstat(filepath.Join(home, n)); err == nil {
			t.Errorf("%s made in the home", n)
		}
	}
	tmp := t.TempDir()
	p = Profile{WritableRoots: []string{tmp}, SharedRoots: []string{tmp}}
	Protect(&p, protect.Default(), home)
	for _, n := range upwardNames {
		if l, err := os.Readlink(filepath.Join(tmp, n)); err != nil || l != protect.Placeholder {
			t.Errorf("%s: %q, %v; want a link to %s", n, l, err, protect.Placeholder)
		}
	}
}

// sessionFiles are what the desktop session, its bus and the window manager
// start later, in a home that is a root.
var sessionFiles = []string{".local/share/systemd/user/evil.service", ".local/share/dbus-1/services/org.freedesktop.Notifications.service",
	".local/share/applications/firefox.desktop", ".config/mimeapps.list", ".config/plasma-workspace/env/path.sh",
	".config/i3/config", ".config/sway/config", ".config/hypr/hyprland.conf", ".config/awesome/rc.lua",
	".xmonad/xmonad.hs", ".xbindkeysrc", ".local/share/jupyter/kernels/python3/kernel.json"}

func sessionCases() []attackCase { return homeCodeCases(sessionFiles) }

// TestAttackSessionStart: a line written from inside, with the home as the
// root, ran at the next login, bus activation, window manager start or
// kernel start, outside the sandbox.
func TestAttackSessionStart(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackSessionStartUnprivileged is this test")
	runAttackCases(t, sessionCases())
}

func TestAttackSessionStartUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, sessionCases())
}

// TestAttackTempCaches: caches tools keep at the top of a shared temporary
// directory and run later without a check: tsx's transpiled file (a line
// prepended to its "code" ran at the next `tsx app.ts` outside, shown in the
// lab) and node's compile cache. Kept read-only inside (root, the child);
// where user namespaces are forbidden, the limit.
func TestAttackTempCaches(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	for _, tc := range []struct {
		name      string
		cred      *syscall.Credential
		forbidden bool
	}{
		{"root", nil, false},
		{"nobody, child", nobody, false},
		{"nobody, user namespaces forbidden", nobody, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cred != nil && !tc.forbidden {
				requireUserNS(t)
			}
			base := t.TempDir()
			exe := ""
			uid := 0
			if tc.cred != nil {
				exe = shareWith(t, base, tc.cred)
				uid = int(tc.cred.Uid)
			}
			tsx := "tsx-" + strconv.Itoa(uid)
			for _, target := range []struct{ name, attack, file string }{
				{"a tsx cache entry rewritten", "append", tsx + "/9999-0123abcd"},
				{"a node compile cache entry planted", "mkdir-p-write", "node-compile-cache/v22.12.0-x64-abcd/1234"},
			} {
				setup := func() (*fixture, string) {
					f := newFixture(t, base)
					tmp := filepath.Join(filepath.Dir(f.root), "tmp")
					os.MkdirAll(filepath.Join(tmp, tsx), 0o700)
					os.WriteFile(filepath.Join(tmp, tsx, "9999-0123abcd"), []byte(`{"code":"console.log(1)"}`), 0o600)
					os.Chmod(tmp, 0o1777)
					chownFixture(t, f, tc.cred)
					return f, tmp
				}
				f, tmp := setup()
				args := []string{filepath.Join(tmp, target.file)}
				if o := (child{attack: &attackSpec{Name: target.attack, Args: args}, dir: f.root, exe: exe, cred: tc.cred}).run(t); !o.ok {
					t.Fatalf("%s: without the sandbox: %s", target.name, o)
				}
				f, tmp = setup()
				args = []string{filepath.Join(tmp, target.file)}
				home := filepath.Join(base, "home")
				p := Profile{WritableRoots: []string{f.root, tmp}, SharedRoots: []string{tmp}}
				o := child{attack: &attackSpec{Name: target.attack, Args: args}, dir: f.root, exe: exe, cred: tc.cred,
					profile: &p, protectHome: &home, noUserNS: tc.forbidden}.run(t)
				if tc.forbidden {
					if !o.ok {
						t.Errorf("%s, user namespaces forbidden: %s; the limit (not pinned there) is gone: update the docs", target.name, o)
					}
					continue
				}
				if o.ok {
					t.Errorf("%s inside", target.name)
				} else if !errnoIn(o.errno, []unix.Errno{unix.EROFS, unix.EACCES}) {
					t.Errorf("%s: %s, want EROFS or EACCES", target.name, o)
				}
			}
		})
	}
}

// TestAttackOtherKerberosCaches: root in full-auto read another person's
// Kerberos ticket cache in /tmp (/tmp/krb5cc_1000): only its own was hidden.
func TestAttackOtherKerberosCaches(t *testing.T) {
	requireRoot(t, "root reads every user's /tmp/krb5cc_UID; an ordinary user reads none but its own")
	uid := ""
	if b, err := os.ReadFile("/etc/passwd"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.SplitN(line, ":", 4); len(f) >= 3 {
				if n, err := strconv.Atoi(f[2]); err == nil && n >= 1000 && n < 65534 {
					uid = f[2]
					break
				}
			}
		}
	}
	if uid == "" {
		t.Skip("no account from uid 1000 up in /etc/passwd to take the cache of")
	}
	cache := "/tmp/krb5cc_" + uid
	runAttackCases(t, []attackCase{{name: "read " + cache, attack: "read", want: unreadable,
		args: func(t *testing.T, _ *fixture) []string {
			plantSystemFile(t, cache)
			return []string{cache}
		},
		profile: func(p *Profile) { Protect(p, protect.Default(), t.TempDir()) }}})
}
