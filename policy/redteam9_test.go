package policy_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
	"guard/policy/protect"
)

// The ninth red team of the judge (docs/redteam/judge-9.md): one test per
// class, each failing on the code before its fix.

// rt9Runs reports whether cmd (a bash script run in dir) runs unasked in
// mode with dir as the one writable root.
func rt9Runs(set policy.Set, dir, cmd string, mode policy.Mode) (bool, string) {
	v := set.Judge([]string{"bash", "-c", cmd}, dir)
	d := policy.Decide(&v, mode, []string{dir})
	return d.Action == policy.Run, string(v.Class) + ", " + string(d.Action) + " (" + d.Reason + ")"
}

// P1: opening /dev/stdin, /dev/stdout or /dev/stderr opens the file on that
// descriptor anew (/proc/self/fd/N), with the redirection's own access: a
// write to it after an input redirection writes the file the script opened
// for reading. The parser left those names out of the writes (they are the
// caller's streams), so `{ printf '[core]\n\tfsmonitor = ...' >> /dev/stdin;
// } < .git/config` was safe in suggest mode, and the next git status ran the
// program it planted; `echo x 2< ~/.bashrc > /dev/stderr` wrote ~/.bashrc.
func TestRedTeam9ReopenedDescriptor(t *testing.T) {
	set, home, proj := rtLab(t)
	victim := filepath.Join(home, ".bashrc")
	mustWrite(t, victim, "# rc\n")
	// The control: bash writes the file the descriptor was opened on.
	rtRun(t, proj, "{ echo PLANTED >> /dev/stdin; } < "+victim)
	if b, _ := os.ReadFile(victim); !strings.Contains(string(b), "PLANTED") {
		t.Fatalf("bash did not write through /dev/stdin (%q): the premise does not hold here", b)
	}
	for _, c := range []string{
		"{ echo x >> /dev/stdin; } < " + victim,
		"{ echo x > /dev/stdout; } 1< " + victim,
		"{ echo x > /dev/stderr; } 2< " + victim,
		"echo x 2< " + victim + " > /dev/stderr",
		"cat a.txt 0< " + victim + " 1> /dev/stdin",
		"( echo x > /dev/stdin ) < " + victim,
		"if true; then echo x > /dev/stdin; fi < " + victim,
		"for i in 1 2; do echo x >> /dev/stdin; done < " + victim,
		"bash -c 'echo x >> /dev/stdin' < " + victim,
		"sh -c 'echo x >> /dev/stdin' < " + victim,
		"{ { echo x >> /dev/stdin; } 2>/dev/null; } < " + victim,
		"{ echo x > /dev/stdout; } 3< " + victim + " 1<&3",
		"{ echo x > /dev/stderr; } < " + victim + " 2<&0",
		"{ sed -n p a.txt > /dev/stderr; } 2< .git/config",
		"{ echo x >> /dev/stdin; } < .git/config",
		"{ cd src && echo x >> /dev/stdin; } < ../.git/config",
		"{ echo x >> /dev/stdin; } < $F",
	} {
		for _, mode := range []policy.Mode{policy.Suggest, policy.AutoEdit} {
			if runs, why := rt9Runs(set, proj, c, mode); runs {
				t.Errorf("%q in %s: %s; want asked (the write reopens the file read on that descriptor)", c, mode, why)
			}
		}
	}
	// The same reopening reads a file a write left open without emptying
	// it (>>, <>): `cat 2>> .env < /dev/stderr` printed .env in auto-edit (a
	// write inside the project, confined; the read was not seen).
	mustWrite(t, filepath.Join(proj, ".env"), "OPENAI_API_KEY=sk-proj-abcdefghijklmnop1234567890\n")
	if out := rtRun(t, proj, "cat 2>> .env < /dev/stderr"); !strings.Contains(out, "sk-proj-") {
		t.Fatalf("bash did not print .env through /dev/stderr (%q): the premise does not hold here", out)
	}
	for _, c := range []string{
		"cat 2>> .env < /dev/stderr",
		"{ cat < /dev/stderr; } 2>> .env",
		"{ cat < /dev/stdout 1>&2; } 1>> .env",
		"{ { cat < /dev/stdin >&2; } 0<&3; } 3>> .env",
		"bash -c 'cat < /dev/stderr' 2>> .env",
		"{ cd src && cat < /dev/stderr; } 2>> ../.env",
		"{ head -c 99 < /dev/stderr; } &>> .env",
	} {
		for _, mode := range []policy.Mode{policy.Suggest, policy.AutoEdit} {
			if runs, why := rt9Runs(set, proj, c, mode); runs {
				t.Errorf("%q in %s: %s; want asked (the read reopens .env, left whole on that descriptor)", c, mode, why)
			}
		}
	}
	for _, c := range []string{"{ cat < /dev/stderr; } 2> .env", "{ cat < /dev/stderr; } 2>> notes.txt"} {
		if runs, why := rt9Runs(set, proj, c, policy.AutoEdit); !runs {
			t.Errorf("%q in auto-edit: %s; want run (an emptied file, or no secret)", c, why)
		}
	}
	// The caller's streams, a pipe and a file the script writes anyway stay
	// as they were.
	rtSafe(t, set, proj,
		"echo x > /dev/stderr",
		"cat a.txt > /dev/stdout",
		"{ cat; } < a.txt",
		"cat < a.txt > /dev/stderr",
		"echo x | { cat > /dev/stdout; }",
		"{ echo x > /dev/stderr; } 2>/dev/null",
		"{ echo x > /dev/stdin; } <<'EOF'\nhi\nEOF",
		"{ echo x 1>&2; } < a.txt",
	)
	if runs, why := rt9Runs(set, proj, "{ echo x > /dev/stdout; } > out.txt", policy.AutoEdit); !runs {
		t.Errorf("a write into the project through /dev/stdout: %s; want run in auto-edit", why)
	}
}

// P2: a block's redirections are opened where the block starts, before a cd
// inside it runs, but each command inside carried them as paths relative to
// its own directory: `{ cd sub && cat; } < ../home/tok.txt` was judged a read
// of sub/../home/tok.txt (nothing there) and printed the token from
// ../home/tok.txt; `bash -c 'cd sub && ls' > ../x` wrote outside the roots
// judged as a write inside them.
func TestRedTeam9BlockRedirectionBeforeCd(t *testing.T) {
	set, home, proj := rtLab(t)
	tok := filepath.Join(home, "notes", "tok.txt")
	mustWrite(t, tok, "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n")
	rel, err := filepath.Rel(proj, tok) // ../home/notes/tok.txt
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(proj, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The control: bash opens the file from where the block starts.
	if out := rtRun(t, proj, "{ cd sub && cat; } < "+rel); !strings.Contains(out, "ghp_") {
		t.Fatalf("bash did not print the token (%q): the premise does not hold here", out)
	}
	rtNotSafe(t, set, proj,
		"{ cd sub && cat; } < "+rel,
		"{ cd sub; cat; } < "+rel,
		"( cd sub && head -1 ) < "+rel,
		"if cd sub; then cat; fi < "+rel,
		"for d in sub; do cd $d && cat; done < "+rel,
		"bash -c 'cd sub && cat' < "+rel,
		"timeout 5 bash -c 'cd sub && cat' < "+rel,
		"sh -c 'cd sub && cat' < "+rel,
		"{ cd src && { cd .. && cd sub && cat; }; } < "+rel,
	)
	outside := "../" + filepath.Base(home) + "/out.txt"
	for _, c := range []string{
		"{ cd sub && ls; } > " + outside,
		"{ cd sub && ls; } >> " + outside,
		"if cd sub; then ls; fi > " + outside,
		"bash -c 'cd sub && ls' > " + outside,
		"( cd sub && ls ) 2> " + outside,
	} {
		if runs, why := rt9Runs(set, proj, c, policy.AutoEdit); runs {
			t.Errorf("%q in auto-edit: %s; want asked (the file is opened before the cd, outside the project)", c, why)
		}
	}
	rtSafe(t, set, proj, "{ cd src && cat c.txt; } < a.txt", "( cd src && ls ) 2>/dev/null", "bash -c 'cd src && cat' < a.txt")
	for _, c := range []string{"{ cd src && ls; } > out.txt", "bash -c 'cd src && ls' > out.txt", "( cd src && ls ) > ../" + filepath.Base(proj) + "/o.txt"} {
		if runs, why := rt9Runs(set, proj, c, policy.AutoEdit); !runs {
			t.Errorf("%q in auto-edit: %s; want run (a write into the project)", c, why)
		}
	}
}

// P3: a regular file with more than one name (a hard link) is one file under
// each: written in place through its name inside the project (`>`, `>>`,
// cp onto it, an edit tool), it changes under its other names too, which the
// write's path does not show: a link in the project to ~/.bashrc or to
// .git/config was written in auto-edit (confined, which the path passes),
// and pnpm's node_modules and uv's virtual environments are hard links into a
// store every project shares.
func TestRedTeam9HardLinkWrite(t *testing.T) {
	set, home, proj := rtLab(t)
	rc := filepath.Join(home, ".bashrc")
	mustWrite(t, rc, "# rc\n")
	mustWrite(t, filepath.Join(proj, ".git", "config"), "[core]\n")
	for link, target := range map[string]string{"hl": rc, "gcfg": filepath.Join(proj, ".git", "config"), "d/a.txt": rc} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(proj, link)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Link(target, filepath.Join(proj, link)); err != nil {
			t.Skipf("no hard links here: %v", err)
		}
	}
	// The control: a write through the link changes ~/.bashrc.
	rtRun(t, proj, "echo PLANTED >> hl")
	if b, _ := os.ReadFile(rc); !strings.Contains(string(b), "PLANTED") {
		t.Fatalf("the write through the link did not reach ~/.bashrc (%q)", b)
	}
	for _, c := range []string{
		"echo x >> hl", "echo x > hl", "printf '[core]\\n\\tfsmonitor = x\\n' >> gcfg", "cp a.txt hl", "tee -a hl < a.txt",
		"truncate -s 0 hl", "cp a.txt d/", "cp a.txt d", "cp -t d a.txt", "sed -i s/a/b/ hl",
	} {
		for _, mode := range []policy.Mode{policy.AutoEdit, policy.FullAuto} {
			v := set.Judge([]string{"bash", "-c", c}, proj)
			d := policy.Decide(&v, mode, []string{proj})
			if d.Action == policy.Run || d.Action == policy.RunSandboxed {
				t.Errorf("%q in %s: %s (%s); want asked or refused (a file with other names)", c, mode, d.Action, d.Reason)
			}
		}
	}
	// An agent's edit tool writes the same way.
	if d := policy.DecideEdit([]string{filepath.Join(proj, "hl")}, policy.AutoEdit, []string{proj}, nil, home); d.Action == policy.Run {
		t.Errorf("an edit of a hard-linked file: %s; want asked", d.Action)
	}
	for _, c := range []string{"echo x >> a.txt", "cp a.txt b.txt", "cp a.txt src/", "echo x > /dev/null"} {
		if runs, why := rt9Runs(set, proj, c, policy.AutoEdit); !runs {
			t.Errorf("%q in auto-edit: %s; want run", c, why)
		}
	}
	// A copy into a directory writes through a symlink the directory holds.
	mustLink(t, rc, filepath.Join(proj, "e", "a.txt"))
	if runs, why := rt9Runs(set, proj, "cp a.txt e/", policy.AutoEdit); runs {
		t.Errorf("cp a.txt e/ with e/a.txt a link to ~/.bashrc: %s; want asked", why)
	}
}

// P4: the list names secrets by their own names, and a copy kept beside one
// under a backup name holds the same: `cat ~/.aws/credentials.bak`, `cat
// ~/.netrc.bak`, `cat ~/.git-credentials.old` (a URL with a password) ran
// and printed them; so did editors' swap and autosave files and rotated or
// dated copies.
func TestRedTeam9SecretBackups(t *testing.T) {
	set, home, proj := rtLab(t)
	for _, f := range []string{
		".aws/credentials.bak", ".netrc.bak", ".pypirc.orig", ".git-credentials.old", ".pgpass~", ".my.cnf.save",
		".docker/config.json.1", "prod.env.bak", "secrets.yml.20240101", ".ssh.bak/id_ed25519", ".aws.old/credentials",
		".gnupg.bak/pubring.kbx", "#.netrc#", ".credentials.json.swp", "auth.json.~2~", "credentials.json-old",
		".kube.orig/config", ".config/gh/hosts.yml.dpkg-old", ".npmrc.BAK", "service-account.json.tmp",
		".aws/credentials.gz", ".pgpass.bak.xz",
	} {
		mustWrite(t, filepath.Join(home, f), "user = bob\nsecret = hunter2hunter2\n")
		rtNotSafe(t, set, proj, "cat "+filepath.Join(home, f), "head -3 "+filepath.Join(home, f))
	}
	rtNotSafe(t, set, proj, "cat ~/.netrc*", "cat ~/.aws/credentials.b?k", "grep -r bob ~/.aws.old")
	for _, f := range []string{"notes.txt.bak", "README.md.orig", "app.log.1", "main.go~", "build-2024", "app.log.gz"} {
		mustWrite(t, filepath.Join(proj, f), "hello\n")
	}
	rtSafe(t, set, proj, "cat notes.txt.bak", "cat README.md.orig", "tail app.log.1", "cat main.go~", "ls build-2024", "zcat app.log.gz")
}

// P5: files that an editor, an agent or a version manager runs when the
// project is opened or entered were missing from the protected list, so
// auto-edit wrote them: Helix's workspace .helix/languages.toml (the
// language servers it starts), vim's exrc files, Emacs's .dir-locals.el,
// Dev Containers' .devcontainer.json (initializeCommand runs on the host), a
// VS Code .code-workspace (tasks at folderOpen), Crush's crush.json, OpenCode's
// opencode.jsonc, Qwen Code's .qwen, Kilo Code's .kilocode, Cline's
// .clinerules/hooks, mise's per-environment and directory config files.
func TestRedTeam9ProtectedStartupConfigs(t *testing.T) {
	set, home, proj := rtLab(t)
	list := protect.Default()
	for _, f := range []string{
		".helix/languages.toml", ".helix/config.toml", ".vimrc", ".gvimrc", ".lazy.lua", ".dir-locals.el",
		".devcontainer.json", "app.code-workspace", "crush.json", ".crush.json", "opencode.jsonc",
		".qwen/settings.json", ".kilocode/mcp.json", ".clinerules/hooks/PreToolUse", "mise.development.toml",
		".mise.prod.toml", ".mise/config.toml", "mise/config.toml", ".config/mise.toml", ".rtx.toml", "sub/.helix/languages.toml",
	} {
		if d := policy.DecideEdit([]string{filepath.Join(proj, f)}, policy.AutoEdit, []string{proj}, list, home); d.Action == policy.Run {
			t.Errorf("an edit of %s in auto-edit: %s; want asked (it runs code when the project is opened)", f, d.Action)
		}
		c := "mkdir -p " + filepath.Dir(f) + " && echo x > " + f
		v := set.Judge([]string{"bash", "-c", c}, proj)
		if d := policy.DecideProtected(&v, policy.AutoEdit, []string{proj}, list, home); d.Action == policy.Run {
			t.Errorf("%q in auto-edit: %s; want asked", c, d.Action)
		}
	}
	for _, f := range []string{"src/helix.go", "mise.md", "notes.toml", "docs/vimrc.md", "crush.go", "workspace.json"} {
		if d := policy.DecideEdit([]string{filepath.Join(proj, f)}, policy.AutoEdit, []string{proj}, list, home); d.Action != policy.Run {
			t.Errorf("an edit of %s in auto-edit: %s (%s); want run", f, d.Action, d.Reason)
		}
	}
}

// P6: a statement with only redirections runs nothing in bash and sh, but
// zsh runs $NULLCMD (cat) for it, or $READNULLCMD (a pager: more, or
// Debian's pager) for a single input redirection, found on PATH: `zsh -c '<
// a.txt'` was safe, and ran a pager planted in a PATH directory of the
// project (and a real pager takes `!cmd` at a terminal).
func TestRedTeam9ZshNullCommand(t *testing.T) {
	set, _, proj := rtLab(t)
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		if os.Getenv("GUARD_REQUIRE_SANDBOX") == "1" {
			t.Fatal("zsh is not installed")
		}
		t.Skip("zsh is not installed")
	}
	bin := filepath.Join(proj, "bin")
	marker := filepath.Join(t.TempDir(), "RAN")
	for _, p := range []string{"cat", "more", "pager", "less"} {
		mustWrite(t, filepath.Join(bin, p), "#!/bin/sh\n: > "+marker+"\nexec /bin/cat\n")
		if err := os.Chmod(filepath.Join(bin, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The control: zsh runs a program from PATH for `< a.txt`.
	cmd := exec.Command(zsh, "-f", "-c", "< a.txt")
	cmd.Dir, cmd.Env = proj, append(os.Environ(), "PATH="+bin+":/usr/bin:/bin")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("zsh: %v %s", err, out)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("zsh ran no program for `< a.txt` (%v): the premise does not hold here", err)
	}
	for _, c := range []string{"< a.txt", "ls; < a.txt", "> out.txt", "< a.txt > out.txt", "{ ls } ; <<< hi", "if true; then < a.txt; fi"} {
		v := set.Judge([]string{"zsh", "-c", c}, proj)
		for _, mode := range []policy.Mode{policy.Suggest, policy.AutoEdit} {
			if d := policy.Decide(&v, mode, []string{proj}); d.Action == policy.Run {
				t.Errorf("zsh -c %q in %s: %s, run; want asked (zsh runs cat or a pager for it)", c, mode, v.Class)
			}
		}
	}
	// bash and sh run nothing for it; an assignment is no null command.
	for _, argv := range [][]string{{"bash", "-c", "< a.txt"}, {"sh", "-c", "< a.txt"}} {
		if v := set.Judge(argv, proj); v.Class != policy.Safe {
			t.Errorf("%q: %s; want safe", argv, v.Class)
		}
	}
	if v := set.Judge([]string{"zsh", "-c", "cat < a.txt"}, proj); v.Class != policy.Safe {
		t.Errorf("zsh -c 'cat < a.txt': %s (%s); want safe", v.Class, v.Why())
	}
}

// P8: project files that hold secrets under names the list did not know,
// with values no token shape matches: Streamlit's .streamlit/secrets.toml,
// Cloudflare Workers' .dev.vars, Ansible Vault's password files, a
// kubeconfig kept beside the project (kind get kubeconfig > kubeconfig),
// cookiecutter-django's .envs/.production/.postgres; each was printed by cat.
func TestRedTeam9ProjectSecretFiles(t *testing.T) {
	set, _, proj := rtLab(t)
	for _, f := range []string{".streamlit/secrets.toml", ".dev.vars", ".dev.vars.staging", ".vault_pass", "vault_pass.txt",
		".vault-password", "kubeconfig", "admin.kubeconfig", "kubeconfig.yaml", "kind-kubeconfig", ".envs/.production/.postgres"} {
		mustWrite(t, filepath.Join(proj, f), "password = hunter2hunter2\n")
		rtNotSafe(t, set, proj, "cat "+f, "head "+f)
	}
	rtNotSafe(t, set, proj, "grep -r hunter .envs", "cat .envs/*/.postgres")
	for _, f := range []string{"secrets.md", "vault.md", "kube.yaml", "src/env.ts"} {
		mustWrite(t, filepath.Join(proj, f), "hello\n")
	}
	rtSafe(t, set, proj, "cat secrets.md", "cat vault.md", "cat kube.yaml", "cat src/env.ts", "ls .envs")
}

// P9: the content scan read only a file's first 256 KiB, so a token past it
// was printed by the commands that read the rest: `cat app.log`, `grep
// DEBUG app.log` and `tail app.log` with a log's newest line holding an
// Authorization token 860 KB in, all safe.
func TestRedTeam9TokenPastScanHead(t *testing.T) {
	set, _, proj := rtLab(t)
	var b strings.Builder
	for i := 0; b.Len() < 700<<10; i++ {
		fmt.Fprintf(&b, "2026-12-06 INFO request ok path=/api/items id=%d\n", i)
	}
	body := b.String()
	mustWrite(t, filepath.Join(proj, "app.log"), body+"DEBUG auth token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"+body[:4096])
	// Larger than the whole-file bound: its newest MiB is scanned still.
	big := strings.Repeat(body, 8)
	mustWrite(t, filepath.Join(proj, "big.log"), big+"DEBUG auth token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n")
	rtNotSafe(t, set, proj, "cat app.log", "tail -n 100 app.log", "grep DEBUG app.log", "tail -5 big.log", "cat *.log")
	mustWrite(t, filepath.Join(proj, "clean.log"), big)
	rtSafe(t, set, proj, "tail -n 100 clean.log", "grep ERROR clean.log")
}

// P10: agents keep every session's conversation, tool output included (a
// .env read once, a token a person pasted), and Claude Code's ~/.claude.json
// holds its MCP servers' env and the prompts typed per project: `cat
// ~/.claude/projects/P/S.jsonl`, `grep -r KEY ~/.claude/projects`, `cat
// ~/.codex/history.jsonl`, `cat .aider.chat.history.md` printed another
// session's secrets.
func TestRedTeam9AgentTranscripts(t *testing.T) {
	set, home, proj := rtLab(t)
	for _, f := range []string{".claude/projects/-home-u-app/s1.jsonl", ".claude/history.jsonl",
		".claude/shell-snapshots/snapshot-bash-1.sh", ".claude.json", ".codex/sessions/2026/12/06/r.jsonl",
		".codex/history.jsonl", ".gemini/tmp/abc/logs.json", ".local/share/opencode/storage/session/x.json"} {
		mustWrite(t, filepath.Join(home, f), `{"content":"the key is hunter2hunter2"}`+"\n")
		rtNotSafe(t, set, proj, "cat "+filepath.Join(home, f))
	}
	rtNotSafe(t, set, proj, "grep -r hunter2 ~/.claude/projects", "grep -r hunter2 ~/.codex", "cat ~/.claude/projects/*/*.jsonl")
	for _, f := range []string{".aider.chat.history.md", ".aider.input.history", ".crush/crush.db"} {
		mustWrite(t, filepath.Join(proj, f), "hunter2hunter2\n")
		rtNotSafe(t, set, proj, "cat "+f)
	}
	rtSafe(t, set, proj, "ls ~/.claude/projects", "ls -la ~/.codex/sessions")
	// The same class beside the shells' histories: database clients' and
	// REPLs' histories, and command-line tools' stored logins.
	for _, f := range []string{".duckdb_history", ".mycli-history", ".config/pgcli/history", ".dbshell",
		".mongodb/mongosh/x_history", ".ipython/profile_default/history.sqlite", ".julia/logs/repl_history.jl",
		".zsh_sessions/A.history", ".fly/config.yml", ".m2/settings-security.xml", ".config/helm/repositories.yaml",
		".cf/config.json", ".thunderbird/p/logins.json"} {
		mustWrite(t, filepath.Join(home, f), "hunter2hunter2\n")
		rtNotSafe(t, set, proj, "cat "+filepath.Join(home, f))
	}
}

// P11: a shell script that sets a secret to a literal value (a deploy
// script's `export AWS_SECRET_ACCESS_KEY=...`, `DB_PASSWORD="..."`): cat
// printed it, the value being in no token shape. Startup files and .envrc
// were scanned for this; scripts by their name (.sh, .bash, .zsh, .ksh)
// are now too, with a stricter reading (names that say password, secret,
// token or key; literal values of 8 bytes or more, no expansion, number or
// path).
func TestRedTeam9ScriptSetsSecret(t *testing.T) {
	set, _, proj := rtLab(t)
	for f, body := range map[string]string{
		"scripts/deploy.sh": "#!/bin/bash\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYzzKEY1\naws s3 ls\n",
		"db.bash":           "DB_PASSWORD=\"hunter2hunter2\"\n",
		"run.zsh":           "  readonly STRIPE_API_KEY='rk_test_abcdefgh' # test\n",
		"ci/env.SH":         "export REGISTRY_PASS=s3cr3tpass; docker login\n",
	} {
		mustWrite(t, filepath.Join(proj, f), body)
		rtNotSafe(t, set, proj, "cat "+f, "head -n 3 "+f)
	}
	mustWrite(t, filepath.Join(proj, "ok.sh"), "#!/bin/bash\nMAX_TOKENS=4096\nTOKEN_FILE=/run/secrets/t\nAPI_KEY=\"$1\"\n"+
		"export GITHUB_TOKEN=${GITHUB_TOKEN:-}\nDB_PASSWORD=$(cat /run/pw)\nSECRET_NAME=my-app-secret\nPASSWORD=x\n")
	mustWrite(t, filepath.Join(proj, "notes.txt"), "DB_PASSWORD=hunter2hunter2\n") // not a script: judged as before
	rtSafe(t, set, proj, "cat ok.sh", "cat notes.txt")
}

// P12: `git tag -a NAME` with no message matched the tag rule (a write of
// the repository, run in auto-edit) and git opened the user's editor on
// .git/TAG_EDITMSG: in the agent's shell, or hung with no terminal. The
// README's rule is that what opens an editor stays asked.
func TestRedTeam9GitTagEditor(t *testing.T) {
	set, _, proj := rtLab(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	marker := filepath.Join(t.TempDir(), "EDITOR_RAN")
	editor := filepath.Join(t.TempDir(), "ed.sh")
	mustWrite(t, editor, "#!/bin/sh\n: > "+marker+"\necho msg > \"$1\"\n")
	if err := os.Chmod(editor, 0o755); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = proj
		cmd.Env = append(os.Environ(), "GIT_EDITOR="+editor, "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@b",
			"GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@b", "GIT_CONFIG_NOSYSTEM=1", "HOME="+proj)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	git("init", "-q", ".")
	git("add", "a.txt")
	git("commit", "-qm", "x")
	git("tag", "-a", "v0")
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("git tag -a ran no editor (%v): the premise does not hold here", err)
	}
	for _, c := range []string{"git tag -a v1", "git tag --annotate v1 HEAD", "git tag -a v1 -e -m x"} {
		for _, mode := range []policy.Mode{policy.Suggest, policy.AutoEdit} {
			if runs, why := rt9Runs(set, proj, c, mode); runs {
				t.Errorf("%q in %s: %s; want asked (git opens an editor)", c, mode, why)
			}
		}
	}
	for _, c := range []string{"git tag -a v1 -m Release", "git tag v1", "git tag -a -mRelease v1"} {
		if runs, why := rt9Runs(set, proj, c, policy.AutoEdit); !runs {
			t.Errorf("%q in auto-edit: %s; want run", c, why)
		}
	}
}
