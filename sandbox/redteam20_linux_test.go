package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"guard/policy/protect"
	"guard/sandbox/sandboxtest"
)

// Red team of the sandbox, twentieth pass (docs/redteam/sandbox-20.md).

// TestAttackAgentConfigPrograms: an agent's or editor's protected config
// names scripts of the project that it runs outside any sandbox (Claude
// Code's hooks after every tool call, an MCP server at the session's start,
// a VS Code task, an apiKeyHelper); the scripts themselves were writable: a
// hook script rewritten from inside ran at the agent's next tool call.
// Shown by running the hooks' commands as the agent does (sh -c at the
// project's top) without the sandbox first; inside, the scripts are
// read-only and a missing one a config names is moved aside once made,
// status 126 (root, nobody; with user namespaces forbidden the made name
// only: the best-effort profile keeps no path read-only inside a root).
func TestAttackAgentConfigPrograms(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		proj := f.root
		ran := filepath.Join(base, "ran")
		os.Chmod(base, 0o777)
		writeWorld(filepath.Join(proj, ".claude", "settings.json"), `{"hooks": {"PostToolUse": [
  {"matcher": "Edit|Write", "hooks": [{"type": "command", "command": "\"$CLAUDE_PROJECT_DIR\"/scripts/format.sh"}]},
  {"matcher": "Bash", "hooks": [{"type": "command", "command": "bash scripts/lint.sh"}]}]},
  "apiKeyHelper": "./scripts/key.sh"}`)
		writeWorld(filepath.Join(proj, ".mcp.json"), `{"mcpServers": {"a": {"command": "./tools/mcp.sh"}, "b": {"command": "python3", "args": ["tools/server.py"]}}}`)
		writeWorld(filepath.Join(proj, ".vscode", "tasks.json"), `{"tasks": [{"label": "t", "command": "${workspaceFolder}/tools/task.sh", "runOptions": {"runOn": "folderOpen"}}]}`)
		scripts := []string{"scripts/format.sh", "scripts/lint.sh", "tools/mcp.sh", "tools/task.sh"}
		for _, s := range scripts {
			writeWorld(filepath.Join(proj, s), ": ok\n")
			os.Chmod(filepath.Join(proj, s), 0o755)
		}
		writeWorld(filepath.Join(proj, "tools", "server.py"), "pass\n")
		chownFixture(t, f, cred)
		plant := ""
		for _, s := range scripts {
			plant += "echo 'echo RAN " + s + " >> " + ran + "' >> " + s + "\n"
		}
		plant += "printf '%s\\n' 'open(\"" + ran + "\", \"a\").write(\" RAN server.py \")' >> tools/server.py\n" +
			"printf '#!/bin/sh\\necho RAN key.sh >> " + ran + "\\n' > scripts/key.sh; chmod +x scripts/key.sh\n"
		// What the agent and the editor run later, outside: each command as
		// its config gives it, with sh -c at the project's top.
		later := func() string {
			os.Remove(ran)
			for _, c := range []string{`"$CLAUDE_PROJECT_DIR"/scripts/format.sh`, "bash scripts/lint.sh", "./scripts/key.sh",
				"./tools/mcp.sh", "python3 tools/server.py", proj + "/tools/task.sh"} {
				cmd := exec.Command("/bin/sh", "-c", c)
				cmd.Dir, cmd.Env = proj, []string{"CLAUDE_PROJECT_DIR=" + proj, "PATH=/usr/bin:/bin"}
				cmd.Run()
			}
			return readString(ran)
		}
		env := []string{"HOME=" + filepath.Join(base, "nohome")}
		plantUnconfined(t, "", plant, proj, exe, cred, env)
		if got := later(); strings.Count(got, "RAN") != 6 {
			t.Fatalf("without the sandbox, the commands outside ran %q, want the six plants", got)
		}
		for _, s := range scripts {
			writeWorld(filepath.Join(proj, s), ": ok\n")
			os.Chmod(filepath.Join(proj, s), 0o755)
		}
		writeWorld(filepath.Join(proj, "tools", "server.py"), "pass\n")
		os.Remove(filepath.Join(proj, "scripts", "key.sh"))
		chownFixture(t, f, cred)

		o := plantInside(t, proj, plant, base, exe, cred, forbidden)
		if exists(filepath.Join(proj, "scripts", "key.sh")) {
			t.Errorf("scripts/key.sh, which .claude/settings.json names, made inside, is still there\nstderr: %s", o.stderr)
		}
		if forbidden {
			return
		}
		for _, s := range append(scripts, "tools/server.py") {
			if strings.Contains(readString(filepath.Join(proj, s)), "RAN") {
				t.Errorf("%s, which a protected config runs, was appended to inside\nstderr: %s", s, o.stderr)
			}
		}
		if got := later(); got != "" {
			t.Errorf("the commands outside ran %q", got)
		}
	})
}

// TestAgentHookNamesInHome: in a home that is the root, the user-level
// hooks and MCP server lists of Windsurf (each channel's, its JetBrains
// plugin's), Auggie, Kimi and LM Studio, and a project's .devin, .kimi,
// .kimi-code and .augment, made from inside, are moved aside (each agent
// runs them outside at its next start or tool call), and those there at
// start are read-only (root, nobody); a directory beside them stays
// writable.
func TestAgentHookNamesInHome(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	testHomeNamesAs(t, []string{".codeium/windsurf/hooks.json", ".augment/settings.json", ".lmstudio/mcp.json"},
		[]string{".codeium/windsurf/mcp_config.json", ".codeium/windsurf-next/hooks.json", ".codeium/hooks.json",
			".kimi/config.toml", ".kimi-code/mcp.json", "work/.devin/hooks.json", "work/.kimi/config.toml",
			"work/.augment/settings.json"},
		[]string{".codeium/other/x", ".lmstudio/models/x"})
}

// TestAttackOtherHomeInUseSecrets: another account's home that holds the
// writable root (root working in /home/alice/proj) is not hidden whole, and
// only the list's "~/" entries were applied to it: the secrets the list
// matches at any depth, at its top (a .env, a key,
// shell and REPL histories, a client secret), which the user's own home
// has hidden, were readable. Now hidden (root, nobody, nobody with user
// namespaces forbidden); an ordinary file there stays readable.
func TestAttackOtherHomeInUseSecrets(t *testing.T) {
	requireRoot(t, "making an account's home in /home needs root")
	requireSandbox(t)
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		other, err := os.MkdirTemp("/home", "guardtest")
		if err != nil {
			sandboxtest.Skipf(t, "cannot make a home in /home: %v", err)
		}
		t.Cleanup(func() { os.RemoveAll(other) })
		os.Chmod(other, 0o755)
		secrets := []string{".env", "server.pem", ".bash_history", ".zsh_history", ".python_history", ".psql_history",
			"client_secret_1.json"}
		for _, n := range secrets {
			writeWorld(filepath.Join(other, n), "SECRET-"+n+"\n")
		}
		writeWorld(filepath.Join(other, "notes.txt"), "PLAIN\n")
		proj := filepath.Join(other, "proj")
		writeWorld(filepath.Join(proj, "main.go"), "package main\n")
		if cred != nil {
			os.Chown(proj, int(cred.Uid), int(cred.Gid))
		}
		script := "cat " + filepath.Join(other, "notes.txt")
		for _, n := range secrets {
			script += " " + filepath.Join(other, n)
		}
		if o := (child{path: "/bin/sh", argv: []string{"sh", "-c", script}, dir: proj, exe: exe, cred: cred}).run(t); strings.Count(o.stdout, "SECRET-") != len(secrets) {
			t.Fatalf("without the sandbox: %s\n%s", o.stdout, o.stderr)
		}
		p := Profile{WritableRoots: []string{proj}, BestEffort: forbidden}
		Protect(&p, protect.Default(), filepath.Join(base, "nohome"))
		o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", script + "; true"}, dir: proj, exe: exe, cred: cred,
			noUserNS: forbidden}.run(t)
		for _, n := range secrets {
			if strings.Contains(o.stdout, "SECRET-"+n+"\n") {
				t.Errorf("another account's ~/%s, its home holding the root, was read inside", n)
			}
		}
		if !strings.Contains(o.stdout, "PLAIN") {
			t.Errorf("an ordinary file of that home is unreadable: %s\nstderr: %s", o.stdout, o.stderr)
		}
	})
}

// TestAttackSystemServiceKeys: root read the Wi-Fi passphrases of
// wpa_supplicant (the list's name for its config matched inside the roots
// only) and hostapd, Docker Swarm's node key, SSSD's cached password
// hashes, cloudflared's tunnel credentials and ZeroTier's node key and API
// token. Each planted (root's, 0600) where missing, removed after.
func TestAttackSystemServiceKeys(t *testing.T) {
	requireRoot(t, "the files are root's, mode 0600")
	runAttackCases(t, systemFileCases(t, "/etc/wpa_supplicant/wpa_supplicant.conf",
		"/etc/wpa_supplicant/wpa_supplicant-wlan0.conf", "/etc/hostapd/hostapd.conf",
		"/var/lib/docker/swarm/certificates/swarm-node.key", "/var/lib/sss/db/cache_example.ldb",
		"/var/lib/sss/secrets/secrets.ldb", "/etc/cloudflared/cert.pem", "/var/lib/zerotier-one/identity.secret",
		"/var/lib/zerotier-one/authtoken.secret"))
}

// TestAttackHookScriptsRun: a repository's pre-commit hook (protected)
// runs ./scripts/check.sh, and a core.hooksPath hook `bash
// scripts/msg.sh`; the scripts themselves were writable inside: appended
// to from inside, the next git commit outside ran them (shown with the
// real git first). Inside they are read-only, and a script the hook names
// that is missing at start is moved aside once made, status 126 (root,
// nobody; with user namespaces forbidden the made one only).
func TestAttackHookScriptsRun(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		proj := f.root
		ran := filepath.Join(base, "ran")
		os.Chmod(base, 0o777)
		gitEnv := []string{"HOME=" + filepath.Join(base, "nohome"), "PATH=/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=safe.directory", "GIT_CONFIG_VALUE_0=*"}
		git := func(args ...string) {
			cmd := exec.Command("git", args...)
			cmd.Dir, cmd.Env = proj, gitEnv
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
		git("init", "-q")
		git("config", "core.hooksPath", ".githooks")
		writeWorld(filepath.Join(proj, ".githooks", "pre-commit"), "#!/bin/sh\n./scripts/check.sh && ./scripts/late.sh\n")
		writeWorld(filepath.Join(proj, ".githooks", "commit-msg"), "#!/bin/sh\nexec bash scripts/msg.sh \"$1\"\n")
		writeWorld(filepath.Join(proj, "scripts", "check.sh"), "#!/bin/sh\ntrue\n")
		writeWorld(filepath.Join(proj, "scripts", "msg.sh"), "true\n")
		for _, s := range []string{".githooks/pre-commit", ".githooks/commit-msg", "scripts/check.sh"} {
			os.Chmod(filepath.Join(proj, s), 0o755)
		}
		chownFixture(t, f, cred)
		plant := "echo 'echo RAN check >> " + ran + "' >> scripts/check.sh\n" +
			"echo 'echo RAN msg >> " + ran + "' >> scripts/msg.sh\n" +
			"printf '#!/bin/sh\\necho RAN late >> " + ran + "\\n' > scripts/late.sh; chmod +x scripts/late.sh\n"
		n := 0
		commit := func() string {
			os.Remove(ran)
			n++
			writeWorld(filepath.Join(proj, "f.txt"), strconv.Itoa(n))
			git("add", "f.txt")
			cmd := exec.Command("git", "-c", "user.name=u", "-c", "user.email=u@x", "commit", "-qm", "c")
			cmd.Dir, cmd.Env = proj, gitEnv
			cmd.Run()
			return readString(ran)
		}
		env := []string{"HOME=" + filepath.Join(base, "nohome")}
		plantUnconfined(t, "", plant, proj, exe, cred, env)
		if got := commit(); strings.Count(got, "RAN") != 3 {
			t.Fatalf("without the sandbox, git commit ran %q, want the three plants", got)
		}
		writeWorld(filepath.Join(proj, "scripts", "check.sh"), "#!/bin/sh\ntrue\n")
		os.Chmod(filepath.Join(proj, "scripts", "check.sh"), 0o755)
		writeWorld(filepath.Join(proj, "scripts", "msg.sh"), "true\n")
		os.Remove(filepath.Join(proj, "scripts", "late.sh"))
		chownFixture(t, f, cred)

		o := plantInside(t, proj, plant, base, exe, cred, forbidden)
		if exists(filepath.Join(proj, "scripts", "late.sh")) {
			t.Errorf("scripts/late.sh, which the pre-commit hook runs, made inside, is still there\nstderr: %s", o.stderr)
		}
		if forbidden {
			return
		}
		if got := commit(); got != "" {
			t.Errorf("git commit outside ran %q\nstderr: %s", got, o.stderr)
		}
	})
}

// plantInside runs plant with sh -c in proj, a writable root with the
// default list protected, as cred (user namespaces forbidden or not), and
// wants status 126: the command made a protected name.
func plantInside(t *testing.T, proj, plant, base, exe string, cred *syscall.Credential, forbidden bool) outcome {
	t.Helper()
	p := Profile{WritableRoots: []string{proj}, BestEffort: forbidden}
	Protect(&p, protect.Default(), filepath.Join(base, "nohome"))
	o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: proj, exe: exe, cred: cred,
		env: []string{"HOME=" + filepath.Join(base, "nohome")}, noUserNS: forbidden}.run(t)
	if o.ok || !strings.Contains(o.msg, "126") {
		t.Errorf("planting inside: %s, want status 126\nstderr: %s", o.msg, o.stderr)
	}
	return o
}
