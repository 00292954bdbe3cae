package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"
)

// Seventh red-team pass (docs/redteam/sandbox-7.md).

var nobody = &syscall.Credential{Uid: 65534, Gid: 65534}

// requireChild skips unless the test runs as root (to switch to nobody) and
// an ordinary user may make a user namespace here (the child is what these
// tests are about).
func requireChild(t *testing.T) {
	t.Helper()
	requireRoot(t, "switching to an ordinary user needs root")
	requireUserNS(t)
}

// startOutside starts a process outside any sandbox, as cred's user (nil:
// the test's), whose argv holds a secret, and returns its pid.
func startOutside(t *testing.T, cred *syscall.Credential, argv0 string) string {
	t.Helper()
	v := exec.Command("sleep", "300")
	v.Args[0] = argv0
	v.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if err := v.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Process.Kill(); v.Wait() })
	return strconv.Itoa(v.Process.Pid)
}

// TestAttackProcCmdlineUnprivileged: another process's argv (a token given
// on a command line: `curl -H "Authorization: ..."`, `mysql -pPW`), read by
// an ordinary user from /proc/PID/cmdline, which needs no ptrace access.
// Root's fresh /proc hid it since the first pass; the ordinary user's child
// now has a PID namespace of its own and a procfs of that namespace, where
// processes outside are not there. The user's own processes and root's.
func TestAttackProcCmdlineUnprivileged(t *testing.T) {
	requireChild(t)
	own := startOutside(t, nobody, "sk-own-lab7")
	roots := startOutside(t, nil, "sk-root-lab7")
	var cases []attackCase
	for name, pid := range map[string]string{"the user's own process": own, "root's process": roots} {
		for _, file := range []string{"cmdline", "comm", "stat"} {
			cases = append(cases, attackCase{name: file + " of " + name, attack: "read",
				args: func(*testing.T, *fixture) []string { return []string{"/proc/" + pid + "/" + file} },
				want: []unix.Errno{unix.ENOENT}})
		}
	}
	runAttackCasesAs(t, nobody, cases)
}

// TestLeftoverEnds: a process the command leaves behind in a session of
// its own (setsid, a double fork) outlived the command, confined but free
// to act later: write into the roots after the agent looked (a protected
// name created once the command's check is past), read the terminal the
// command was given (what is typed afterwards), hold locks. In the ordinary
// user's child it is in the program's PID namespace, which the kernel
// empties when the program, its first process, exits; as root (and as an
// ordinary user where user namespaces are forbidden, best-effort) guard is
// the child subreaper and ends what is left (leftovers_linux.go): by the time
// guard returns, nothing the command started is left, a process that
// hops from parent to parent (fork and exit, again and again) included.
func TestLeftoverEnds(t *testing.T) {
	requireChild(t)
	requireSandbox(t)
	for _, who := range []struct {
		name     string
		cred     *syscall.Credential
		noUserNS bool // best-effort, as where user namespaces are forbidden: no PID namespace
	}{{"root", nil, false}, {"nobody", nobody, false}, {"nobody, user namespaces forbidden", nobody, true}} {
		t.Run(who.name, func(t *testing.T) {
			if !who.noUserNS && who.cred != nil {
				requireUserNS(t)
			}
			if who.cred == nil && os.Getuid() != 0 {
				sandboxtest.Skip(t, "the root case needs root")
			}
			base := t.TempDir()
			exe := shareWith(t, base, who.cred)
			for _, confined := range []bool{false, true} {
				f := newFixture(t, base)
				chownFixture(t, f, who.cred)
				// A name no other process has: the leftover is found by its argv.
				mark := "guard-leftover-" + strconv.Itoa(os.Getpid()) + "-" + strings.NewReplacer(" ", "-", ",", "").Replace(who.name) + "-" + strconv.FormatBool(confined)
				// A leftover in a session of its own, and two that hop:
				// each forks the next and exits, so that the one alive
				// when the command ends has a parent that is gone soon
				// (a shell's, and python's as fast as it forks).
				script := `setsid bash -c 'exec -a ` + mark + ` sleep 300' </dev/null >/dev/null 2>&1 &
hop() { [ "$1" -gt 0 ] && (sleep 0.01; hop $(($1 - 1)); exec -a ` + mark + ` sleep 0.05) & }; hop 60
(exec -a ` + mark + ` python3 -c 'import os
os.setsid()
for _ in range(1000):
    if os.fork(): os._exit(0)' &)
sleep 0.2`
				c := child{path: "/bin/bash", argv: []string{"bash", "-c", script}, dir: f.root, cred: who.cred, exe: exe}
				if confined {
					c.profile = &Profile{WritableRoots: []string{f.root}, BestEffort: who.noUserNS}
					c.noUserNS = who.noUserNS
				}
				o := c.run(t)
				if !o.ok {
					t.Fatalf("confined=%v: bash: %s\n%s", confined, o, o.stderr)
				}
				pids := findByArgv0(mark)
				// Twice: a hopper alive now is found by a later look too.
				time.Sleep(100 * time.Millisecond)
				pids = append(pids, findByArgv0(mark)...)
				endHoppers(mark)
				switch {
				case !confined && len(pids) == 0:
					sandboxtest.Skipf(t, "the leftover did not outlive the command without the sandbox either: the test proves nothing here")
				case confined && len(pids) > 0:
					t.Errorf("a setsid leftover outlived the confined command (pids %v)", pids)
				}
			}
		})
	}
}

// endHoppers kills the processes named mark until none is left: the
// unconfined run's hopper makes new ones until its count runs out.
func endHoppers(mark string) {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		pids := findByArgv0(mark)
		for _, pid := range pids {
			unix.Kill(pid, unix.SIGKILL)
		}
		time.Sleep(50 * time.Millisecond)
		if len(pids) == 0 && len(findByArgv0(mark)) == 0 {
			return
		}
	}
}

// findByArgv0 returns the processes whose argv[0] is name.
func findByArgv0(name string) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if a0, _, _ := strings.Cut(string(b), "\x00"); a0 == name {
			out = append(out, pid)
		}
	}
	return out
}

// TestSignalsReachUnprivileged: with the program first in a PID namespace,
// the kernel drops a signal sent to it from outside unless it handles that
// signal. guard forwards SIGTERM, SIGHUP, SIGINT and SIGQUIT all the same: a
// program that handles one gets it, one that ignores it keeps running, and
// any other dies and is reported as killed by that very signal, as it was
// before and is for root (guard, the program's parent, forwards it).
func TestSignalsReachUnprivileged(t *testing.T) {
	requireChild(t)
	requireSandbox(t)
	base := t.TempDir()
	exe := shareWith(t, base, nobody)
	f := newFixture(t, base)
	chownFixture(t, f, nobody)
	for _, tt := range []struct {
		name   string
		script string
		sig    syscall.Signal
		killed syscall.Signal // want killed by this signal, or
		code   int            // exited with this status
	}{
		// Each script makes the file named by $0 when it is about ready for
		// the signal, the trap set first; each its own file (the handled
		// SIGTERM found the default one's and was signalled before its trap).
		{"default SIGTERM", `touch "$0"; exec sleep 30`, unix.SIGTERM, unix.SIGTERM, 0},
		{"default SIGHUP", `touch "$0"; exec sleep 30`, unix.SIGHUP, unix.SIGHUP, 0},
		{"default SIGINT", `touch "$0"; exec sleep 30`, unix.SIGINT, unix.SIGINT, 0},
		{"handled SIGTERM", `trap 'exit 7' TERM; touch "$0"; while :; do sleep 0.05; done`, unix.SIGTERM, 0, 7},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ready := filepath.Join(f.root, "ready-"+strings.ReplaceAll(tt.name, " ", "-"))
			argv := []string{"sh", "-c", tt.script, ready}
			spec, _ := json.Marshal(helperSpec{Profile: Profile{WritableRoots: []string{f.root}}, Path: "/bin/sh", Argv: argv})
			cmd := exec.Command(exe)
			cmd.Env = append(os.Environ(), envHelper+"="+string(spec))
			cmd.Dir = f.root
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: nobody}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for {
				if _, err := os.Stat(ready); err == nil {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("the program never started: %s", stderr.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(100 * time.Millisecond) // sleep exec'd
			cmd.Process.Signal(tt.sig)
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("%v did not end the program (stderr %q)", tt.sig, stderr.String())
			}
			ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
			switch {
			case tt.killed != 0 && (!ws.Signaled() || ws.Signal() != tt.killed):
				t.Errorf("wait status %v (exit %d), want killed by %v; stderr %q", ws, ws.ExitStatus(), tt.killed, stderr.String())
			case tt.killed == 0 && (ws.Signaled() || ws.ExitStatus() != tt.code):
				t.Errorf("wait status %v (exit %d), want exit %d; stderr %q", ws, ws.ExitStatus(), tt.code, stderr.String())
			}
		})
	}
}

// agentSessionFiles are what agents keep of their sessions in the home
// (transcripts, prompt histories, copies of edited files, an IDE
// connection's token) and Jupyter's kernel keys, with a secret in each.
var agentSessionFiles = []string{".claude/projects/-work-p/0b1c.jsonl", ".claude/history.jsonl",
	".claude/file-history/0b1c/9f8e@v2", ".claude/ide/41234.lock", ".codex/sessions/2026/12/06/rollout-1.jsonl",
	".codex/history.jsonl", ".codex/log/codex-tui.log", ".gemini/tmp/5d2a/chats/session-1.json",
	".gemini/history/5d2a/.env", ".local/share/opencode/storage/session/s1.json",
	".local/share/jupyter/runtime/kernel-4242.json", ".ipython/profile_default/security/ipcontroller-client.json",
	".config/Code/User/History/-5a1b/AbCd.env", ".cache/JetBrains/IntelliJIdea2025.3/LocalHistory/changes.storageData",
	".ipython/profile_default/history.sqlite", ".zhistory", ".config/nushell/history.txt",
	".claude.json", ".codex/config.toml", ".gemini/settings.json", ".cursor/mcp.json"}

// agentSessionCases: each of agentSessionFiles, and aider's histories in the
// root, read from inside (TestAttackAgentSessions*). Before the pass every
// one printed its secret in full-auto, as root and as nobody.
func agentSessionCases(t *testing.T, forbidden bool) []attackCase {
	inRoot := []string{".aider.chat.history.md", ".aider.input.history", "sub/.aider.llm.history", "analysis/.Rhistory"}
	if forbidden {
		// Strict refuses a profile with secrets in a root that only the
		// child's mounts could hide (a documented limit): the home's only.
		inRoot = nil
	}
	// sessionFixture writes every file, before the profile is filled (Protect sees
	// what exists) and again for the attack's arguments.
	sessionFixture := func(t *testing.T, root string) (home string) {
		t.Helper()
		home = filepath.Join(filepath.Dir(root), "home")
		var paths []string
		for _, n := range agentSessionFiles {
			paths = append(paths, filepath.Join(home, n))
		}
		for _, n := range inRoot {
			paths = append(paths, filepath.Join(root, n))
		}
		for _, p := range paths {
			if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(`{"text":"export OPENAI_API_KEY=sk-lab7"}`+"\n"), 0o666); err != nil {
				t.Fatal(err)
			}
			for d := filepath.Dir(p); d != home && d != root && len(d) > 1; d = filepath.Dir(d) {
				os.Chmod(d, 0o777)
			}
		}
		return home
	}
	prot := func(p *Profile) { Protect(p, protect.Default(), sessionFixture(t, p.WritableRoots[0])) }
	child := func(c *child) { c.noUserNS = forbidden }
	var cases []attackCase
	for _, name := range agentSessionFiles {
		cases = append(cases, attackCase{name: "read ~/" + name, attack: "read", profile: prot, want: unreadable, child: child,
			args: func(t *testing.T, f *fixture) []string {
				return []string{filepath.Join(sessionFixture(t, f.root), name)}
			}})
	}
	for _, name := range inRoot {
		cases = append(cases, attackCase{name: "read " + name + " in the root", attack: "read", profile: prot, want: unreadable, child: child,
			args: func(t *testing.T, f *fixture) []string {
				sessionFixture(t, f.root)
				return []string{filepath.Join(f.root, name)}
			}})
	}
	return cases
}

// TestAttackAgentSessions: an agent's own record of its sessions holds what
// passed through it, secrets included; the kernel keys let a program with
// the network run code in a live Jupyter kernel outside the sandbox.
func TestAttackAgentSessions(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackAgentSessionsUnprivileged is this test")
	runAttackCases(t, agentSessionCases(t, false))
}

func TestAttackAgentSessionsUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	t.Run("child", func(t *testing.T) {
		requireUserNS(t)
		runAttackCasesAs(t, nobody, agentSessionCases(t, false))
	})
	t.Run("user namespaces forbidden", func(t *testing.T) { runAttackCasesAs(t, nobody, agentSessionCases(t, true)) })
}

// secretEnvFileCases: a credential file that a secret variable names, by
// a name no list knows (Ansible's vault password, sops' age key, Docker's
// *_FILE convention, a key path): the variable was scrubbed, the file it
// names stayed readable.
func secretEnvFileCases(forbidden bool) []attackCase {
	var cases []attackCase
	for _, c := range []attackCase{
		envSecret("ANSIBLE_VAULT_PASSWORD_FILE", "vault_pass.txt", "vault_pass.txt"),
		envSecret("SOPS_AGE_KEY_FILE", "age/keys.txt", "age/keys.txt"),
		envSecret("POSTGRES_PASSWORD_FILE", "pg-password", "pg-password"),
		envSecret("APP_JWT_PRIVATE_KEY_PATH", "jwt/signing", "jwt/signing"),
	} {
		c.child = func(c *child) { c.noUserNS = forbidden }
		cases = append(cases, c)
	}
	return cases
}

func TestAttackSecretEnvFiles(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackSecretEnvFilesUnprivileged is this test")
	runAttackCases(t, secretEnvFileCases(false))
}

func TestAttackSecretEnvFilesUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, secretEnvFileCases)
}

func init() {
	// Standard input reopened for writing through /proc/self/fd/0.
	attacks["stdin-reopen-write"] = func(a []string) error {
		fd, err := unix.Open("/proc/self/fd/0", unix.O_WRONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		_, err = unix.Write(fd, []byte(a[0]))
		return err
	}
}

// TestLimitPipeReopen documents a limit (doc.go): the read end of a pipe
// given as standard input is reopened as a write end, and what the program
// writes is read after it by whoever reads that pipe next (a persistent
// shell reading the agent's commands from it). Landlock does not look at
// pipes, and the kernel checks only the pipe's owner and mode.
func TestLimitPipeReopen(t *testing.T) {
	requireSandbox(t)
	f := newFixture(t, t.TempDir())
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	o := child{attack: &attackSpec{Name: "stdin-reopen-write", Args: []string{"touch PWNED\n"}},
		profile: &Profile{WritableRoots: []string{f.root}}, stdin: r}.run(t)
	w.Close()
	b := make([]byte, 64)
	n, _ := r.Read(b)
	if !o.ok || !strings.Contains(string(b[:n]), "touch PWNED") {
		t.Fatalf("stdin reopened for writing: %s, the reader got %q; the limit in doc.go is gone: update it", o, b[:n])
	}
	t.Log("documented limit: a pipe given as standard input can be written through /proc/self/fd/0")
}

// homeSecretCases: each of names, a file holding content in the home
// beside the root (outside it), read from inside: unreadable, as root, as
// an ordinary user through the child, and with user namespaces forbidden.
func homeSecretCases(names []string, content string, forbidden bool) []attackCase {
	homeFixture := func(root string) string {
		home := filepath.Join(filepath.Dir(root), "home")
		for _, n := range names {
			writeWorld(filepath.Join(home, n), content)
		}
		return home
	}
	var cases []attackCase
	for _, name := range names {
		cases = append(cases, attackCase{name: "read ~/" + name, attack: "read", want: unreadable,
			child:   func(c *child) { c.noUserNS = forbidden },
			profile: func(p *Profile) { Protect(p, protect.Default(), homeFixture(p.WritableRoots[0])) },
			args: func(t *testing.T, f *fixture) []string {
				return []string{filepath.Join(homeFixture(f.root), name)}
			}})
	}
	return cases
}

// runAsNobody runs the cases as nobody, through the user-namespace child
// and with user namespaces forbidden.
func runAsNobody(t *testing.T, cases func(forbidden bool) []attackCase) {
	t.Run("child", func(t *testing.T) {
		requireUserNS(t)
		runAttackCasesAs(t, nobody, cases(false))
	})
	t.Run("user namespaces forbidden", func(t *testing.T) { runAttackCasesAs(t, nobody, cases(true)) })
}

// homeTopSecretCases: secrets by name (.env, *.pem, *.key, *.kdbx,
// client_secret*.json) at the home's top and in ~/.config, outside the
// roots: names that match at any depth were looked for in the roots only.
func homeTopSecretCases(forbidden bool) []attackCase {
	names := []string{".env", "deploy.pem", "server.key", "client_secret_42.apps.googleusercontent.com.json", "prod.env",
		"vault.kdbx", ".config/.env.production"}
	return homeSecretCases(names, "API_KEY=sk-lab7-home\n", forbidden)
}

func TestAttackHomeTopSecrets(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackHomeTopSecretsUnprivileged is this test")
	runAttackCases(t, homeTopSecretCases(false))
}

func TestAttackHomeTopSecretsUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, homeTopSecretCases)
}

// shellSourcedCases: a file the user's shell start-up files source, in the
// root (a dotfiles repository, or the home itself, as the working
// directory): a line appended there ran at the user's next shell, outside
// the sandbox. Sourced as installers and dotfile managers write it.
func shellSourcedCases() []attackCase {
	rc := map[string]string{
		".bashrc":  ". ~/dotfiles/aliases.sh\nexport NVM_DIR=\"$HOME/dotfiles/nvm\"\n[ -s \"$NVM_DIR/nvm.sh\" ] && \\. \"$NVM_DIR/nvm.sh\"\n",
		".profile": "if [ -f \"$HOME/dotfiles/cargo-env\" ]; then . \"$HOME/dotfiles/cargo-env\"; fi\n",
		".zshrc":   "ZSH=${HOME}/dotfiles/omz; source $ZSH/oh-my-zsh.sh\n",
	}
	targets := []string{"aliases.sh", "nvm/nvm.sh", "cargo-env", "omz/oh-my-zsh.sh"}
	// The root is the dotfiles directory inside a home beside it.
	homeOf := func(root string) string {
		home := filepath.Join(filepath.Dir(root), "home")
		for n, s := range rc {
			writeWorld(filepath.Join(home, n), s)
		}
		for _, n := range targets {
			writeWorld(filepath.Join(home, "dotfiles", n), "alias ll='ls -l'\n")
		}
		return home
	}
	var cases []attackCase
	for _, n := range targets {
		cases = append(cases, attackCase{name: "append to ~/dotfiles/" + n, attack: "append", want: denied,
			profile: func(p *Profile) {
				home := homeOf(p.WritableRoots[0])
				p.WritableRoots[0] = filepath.Join(home, "dotfiles")
				Protect(p, protect.Default(), home)
			},
			args: func(t *testing.T, f *fixture) []string {
				return []string{filepath.Join(homeOf(f.root), "dotfiles", n)}
			},
			child: func(c *child) { c.dir = "" }})
	}
	return cases
}

func TestAttackShellSourced(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackShellSourcedUnprivileged is this test")
	runAttackCases(t, shellSourcedCases())
}

func TestAttackShellSourcedUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, shellSourcedCases())
}

// TestGuardKilledEndsSandboxUnprivileged: an agent that gives up on a
// command kills guard, the process it started; the program and what it
// started went on running with no one waiting for them. The child, first in
// its PID namespace, dies with guard (PR_SET_PDEATHSIG), and the kernel
// ends the rest of the namespace.
func TestGuardKilledEndsSandboxUnprivileged(t *testing.T) {
	requireChild(t)
	requireSandbox(t)
	base := t.TempDir()
	exe := shareWith(t, base, nobody)
	f := newFixture(t, base)
	chownFixture(t, f, nobody)
	mark := "guard-orphan-" + strconv.Itoa(os.Getpid())
	argv := []string{"bash", "-c", "(exec -a " + mark + "-bg sleep 300) & exec -a " + mark + " sleep 300"}
	spec, _ := json.Marshal(helperSpec{Profile: Profile{WritableRoots: []string{f.root}}, Path: "/bin/bash", Argv: argv})
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envHelper+"="+string(spec))
	cmd.Dir = f.root
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: nobody}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, pid := range append(findByArgv0(mark), findByArgv0(mark+"-bg")...) {
			unix.Kill(pid, unix.SIGKILL)
		}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for len(findByArgv0(mark)) == 0 || len(findByArgv0(mark+"-bg")) == 0 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("the program never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill() // guard, as an agent's timeout does
	cmd.Wait()
	// The kernel's work, not a timer's: wait until it is done, or long
	// past any reason for it.
	deadline = time.Now().Add(10 * time.Second)
	for len(findByArgv0(mark))+len(findByArgv0(mark+"-bg")) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if left := append(findByArgv0(mark), findByArgv0(mark+"-bg")...); len(left) > 0 {
		t.Errorf("guard killed, the sandbox's processes %v run on", left)
	}
}

// TestAttackServerSecretsMore: more of a server's secrets that root read in
// full-auto (sandbox-4's TestAttackServerSecrets is the first batch).
func TestAttackServerSecretsMore(t *testing.T) {
	requireRoot(t, "the files are root's, mode 0600")
	var cases []attackCase
	for _, path := range []string{"/var/lib/systemd/credential.secret", "/var/lib/cloud/instances/guardtest/user-data.txt",
		"/run/cloud-init/instance-data-sensitive.json", "/etc/libvirt/secrets/guard-test.base64", "/etc/ldap.secret",
		"/var/lib/rabbitmq/.erlang.cookie", "/var/lib/samba/private/secrets.tdb", "/etc/salt/pki/master/master.pem"} {
		cases = append(cases, attackCase{name: "read " + path, attack: "read", want: unreadable,
			args: func(t *testing.T, _ *fixture) []string {
				plantSystemFile(t, path)
				return []string{path}
			},
			profile: func(p *Profile) { Protect(p, protect.Default(), t.TempDir()) }})
	}
	runAttackCases(t, cases)
}

// envrcSourcedCases: what a project's .envrc sources (direnv allows an
// .envrc by its own content's hash: the files it sources run, changed, at
// the next cd into the project, outside the sandbox).
func envrcSourcedCases() []attackCase {
	files := map[string]string{
		".envrc":             "source_env_if_exists .envrc.local\nsource ./scripts/dev-env.sh\nsource_env sub\n",
		".envrc.local":       "export A=1\n",
		"scripts/dev-env.sh": "export B=2\n",
		"sub/.envrc":         ". \"$PWD/more-env.sh\"\n",
		"sub/more-env.sh":    "export C=3\n",
	}
	envrcFixture := func(root string) {
		for n, c := range files {
			writeWorld(filepath.Join(root, n), c)
		}
	}
	var cases []attackCase
	for _, n := range []string{".envrc.local", "scripts/dev-env.sh", "sub/more-env.sh"} {
		cases = append(cases, attackCase{name: "append to " + n, attack: "append", want: denied,
			profile: func(p *Profile) { envrcFixture(p.WritableRoots[0]); Protect(p, protect.Default(), "") },
			args: func(t *testing.T, f *fixture) []string {
				envrcFixture(f.root)
				return []string{filepath.Join(f.root, n)}
			}})
	}
	return cases
}

func TestAttackEnvrcSourced(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackEnvrcSourcedUnprivileged is this test")
	runAttackCases(t, envrcSourcedCases())
}

func TestAttackEnvrcSourcedUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, envrcSourcedCases())
}

// envCodeCases: a file in the root that a variable of guard's environment
// tells programs started later to load or run: the agent and what it runs
// after the command (its hooks, its own git) share that environment,
// outside the sandbox. BASH_ENV is sourced by every bash script.
func envCodeCases() []attackCase {
	return envCodeCasesFor([]envCodeVar{
		{"BASH_ENV", "%s", "ci/bash_env.sh"},
		{"PYTHONSTARTUP", "%s", ".pythonstartup.py"},
		{"NODE_OPTIONS", "--max-old-space-size=4096 --require %s", "tools/preload.js"},
		{"JAVA_TOOL_OPTIONS", "-Xmx1g -javaagent:%s=debug", "tools/agent.jar"},
		{"GIT_SSH_COMMAND", "%s -o StrictHostKeyChecking=no", "bin/ssh-wrap"},
		{"LD_PRELOAD", "%s", "lib/libhook.so"},
	})
}

// envCodeVar is a variable, its value (%s the file's path) and the file in
// the root it names.
type envCodeVar struct{ name, value, file string }

func envCodeCasesFor(vars []envCodeVar) []attackCase {
	var cases []attackCase
	for _, c := range vars {
		cases = append(cases, attackCase{name: "append to the file " + c.name + " names", attack: "append", want: denied,
			args: func(t *testing.T, f *fixture) []string {
				p := filepath.Join(f.root, c.file)
				writeWorld(p, "# loaded later\n")
				return []string{p}
			},
			profile: func(p *Profile) {
				file := filepath.Join(p.WritableRoots[0], c.file)
				writeWorld(file, "# loaded later\n")
				old, had := os.LookupEnv(c.name)
				os.Setenv(c.name, fmt.Sprintf(c.value, file))
				defer func() {
					if had {
						os.Setenv(c.name, old)
					} else {
						os.Unsetenv(c.name)
					}
				}()
				Protect(p, protect.Default(), "")
			}})
	}
	return cases
}

func TestAttackEnvCode(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackEnvCodeUnprivileged is this test")
	runAttackCases(t, envCodeCases())
}

func TestAttackEnvCodeUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, envCodeCases())
}

// sshDirCases: with the home as a root (an agent started in ~), a login key
// planted as ~/.ssh/authorized_keys2 (which Debian's sshd reads too) or a
// host block in a file ~/.ssh/config Includes (ProxyCommand: a command at
// the next ssh) was made; only named files of ~/.ssh were protected.
func sshDirCases() []attackCase {
	homeRoot := func(p *Profile) {
		home := p.WritableRoots[0]
		writeWorld(filepath.Join(home, ".ssh", "config"), "Include config.d/*\n")
		writeWorld(filepath.Join(home, ".ssh", "config.d", "work"), "Host work\n  HostName w.example\n")
		Protect(p, protect.Default(), home)
	}
	in := func(name string) func(*testing.T, *fixture) []string {
		return func(t *testing.T, f *fixture) []string {
			writeWorld(filepath.Join(f.root, ".ssh", "config"), "Include config.d/*\n")
			writeWorld(filepath.Join(f.root, ".ssh", "config.d", "work"), "Host work\n  HostName w.example\n")
			return []string{filepath.Join(f.root, name)}
		}
	}
	return []attackCase{
		{name: "create ~/.ssh/authorized_keys2", attack: "create", args: in(".ssh/authorized_keys2"), profile: homeRoot, want: denied},
		{name: "create ~/.ssh/config.d/evil", attack: "create", args: in(".ssh/config.d/evil"), profile: homeRoot, want: denied},
		{name: "append to ~/.ssh/config.d/work", attack: "append", args: in(".ssh/config.d/work"), profile: homeRoot, want: denied},
	}
}

func TestAttackSSHDir(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackSSHDirUnprivileged is this test")
	runAttackCases(t, sshDirCases())
}

func TestAttackSSHDirUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, sshDirCases())
}

// sshIncludeCases: what ~/.ssh/config includes from a root (a dotfiles
// repository as the working directory): a ProxyCommand added there, or in
// a new file a glob Include reads, runs at the next ssh, outside.
func sshIncludeCases() []attackCase {
	sshFixture := func(root string) string {
		home := filepath.Join(filepath.Dir(root), "home")
		writeWorld(filepath.Join(home, ".ssh", "config"), "Include "+root+"/ssh/hosts\nInclude "+root+"/ssh/conf.d/*.conf\n")
		writeWorld(filepath.Join(root, "ssh", "hosts"), "Host a\n  HostName a.example\n")
		writeWorld(filepath.Join(root, "ssh", "conf.d", "b.conf"), "Host b\n  HostName b.example\n")
		return home
	}
	prot := func(p *Profile) { Protect(p, protect.Default(), sshFixture(p.WritableRoots[0])) }
	in := func(name string) func(*testing.T, *fixture) []string {
		return func(t *testing.T, f *fixture) []string {
			sshFixture(f.root)
			return []string{filepath.Join(f.root, name)}
		}
	}
	return []attackCase{
		{name: "append to an included file", attack: "append", args: in("ssh/hosts"), profile: prot, want: denied},
		{name: "append to a file a glob Include reads", attack: "append", args: in("ssh/conf.d/b.conf"), profile: prot, want: denied},
		{name: "create a file a glob Include reads", attack: "create", args: in("ssh/conf.d/evil.conf"), profile: prot, want: denied},
	}
}

func TestAttackSSHInclude(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackSSHIncludeUnprivileged is this test")
	runAttackCases(t, sshIncludeCases())
}

func TestAttackSSHIncludeUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, sshIncludeCases())
}

// shellPathCases: a directory the shell's start-up files put first on PATH,
// in a root (a dotfiles repository's bin): a `git` planted there runs as
// the user's git in every later shell.
func shellPathCases() []attackCase {
	pathFixture := func(root string) string {
		home := filepath.Join(filepath.Dir(root), "home")
		writeWorld(filepath.Join(home, ".bashrc"), "export PATH=\"$HOME/dotfiles/bin:$PATH\"\n")
		writeWorld(filepath.Join(home, ".config", "fish", "config.fish"), "fish_add_path ~/dotfiles/fishbin\n")
		writeWorld(filepath.Join(home, "dotfiles", "bin", "mytool"), "#!/bin/sh\n")
		writeWorld(filepath.Join(home, "dotfiles", "fishbin", "other"), "#!/bin/sh\n")
		return home
	}
	prot := func(p *Profile) {
		home := pathFixture(p.WritableRoots[0])
		p.WritableRoots[0] = filepath.Join(home, "dotfiles")
		Protect(p, protect.Default(), home)
	}
	in := func(name string) func(*testing.T, *fixture) []string {
		return func(t *testing.T, f *fixture) []string {
			return []string{filepath.Join(pathFixture(f.root), "dotfiles", name)}
		}
	}
	return []attackCase{
		{name: "plant git in a PATH directory from ~/.bashrc", attack: "create", args: in("bin/git"), profile: prot, want: denied},
		{name: "plant git in a PATH directory from fish_add_path", attack: "create", args: in("fishbin/git"), profile: prot, want: denied},
	}
}

func TestAttackShellPath(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackShellPathUnprivileged is this test")
	runAttackCases(t, shellPathCases())
}

func TestAttackShellPathUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, shellPathCases())
}

// toolEnvCases: with the home as a root, the environments that the tools
// linked from ~/.local/bin run from (pipx's, uv's) and cargo's programs: a
// .pth file there ran at the tool's next start, outside.
func toolEnvCases() []attackCase {
	homeRoot := func(p *Profile) {
		home := p.WritableRoots[0]
		toolFixture(home)
		Protect(p, protect.Default(), home)
	}
	in := func(name string) func(*testing.T, *fixture) []string {
		return func(t *testing.T, f *fixture) []string {
			toolFixture(f.root)
			return []string{filepath.Join(f.root, name)}
		}
	}
	return []attackCase{
		{name: "a .pth in a pipx tool's environment", attack: "create", profile: homeRoot, want: denied,
			args: in(".local/share/pipx/venvs/black/lib/python3.11/site-packages/zz.pth")},
		{name: "rewrite a uv tool's script", attack: "append", profile: homeRoot, want: denied,
			args: in(".local/share/uv/tools/ruff/bin/ruff")},
		{name: "a program in ~/.cargo/bin", attack: "create", profile: homeRoot, want: denied, args: in(".cargo/bin/git")},
	}
}

func toolFixture(home string) {
	writeWorld(filepath.Join(home, ".local/share/pipx/venvs/black/lib/python3.11/site-packages/black.py"), "#\n")
	writeWorld(filepath.Join(home, ".local/share/uv/tools/ruff/bin/ruff"), "#!/bin/sh\n")
	writeWorld(filepath.Join(home, ".cargo/bin/cargo"), "#!/bin/sh\n")
}

func TestAttackToolEnvs(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackToolEnvsUnprivileged is this test")
	runAttackCases(t, toolEnvCases())
}

func TestAttackToolEnvsUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, toolEnvCases())
}

// replStartupCases: files a REPL or tool runs at start: in the project (R,
// irb, pry and ghci read them from the directory they start in) and, with
// the home as a root, in the home (psql's \!, sqlite's .shell, lesskey's
// LESSOPEN behind git's pager).
func replStartupCases() []attackCase {
	files := []string{".Rprofile", "analysis/.Rprofile", ".irbrc", ".pryrc", ".ghci", ".psqlrc", ".sqliterc",
		".config/lesskey", ".julia/config/startup.jl"}
	replFixture := func(root string) {
		for _, n := range files {
			writeWorld(filepath.Join(root, n), "# start-up\n")
		}
	}
	var cases []attackCase
	for _, n := range files {
		cases = append(cases, attackCase{name: "append to " + n, attack: "append", want: denied,
			profile: func(p *Profile) {
				replFixture(p.WritableRoots[0])
				Protect(p, protect.Default(), p.WritableRoots[0]) // the home is the root
			},
			args: func(t *testing.T, f *fixture) []string {
				replFixture(f.root)
				return []string{filepath.Join(f.root, n)}
			}})
	}
	return cases
}

func TestAttackReplStartup(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackReplStartupUnprivileged is this test")
	runAttackCases(t, replStartupCases())
}

func TestAttackReplStartupUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, replStartupCases())
}
