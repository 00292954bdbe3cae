package gate

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"guard/policy"
	"guard/policy/protect"
)

// TestEnvMovedProtected: the protected "~/" entries that an agent's or a
// shell's own variable moves elsewhere (CLAUDE_CONFIG_DIR, CODEX_HOME,
// GEMINI_CLI_HOME, XDG_CONFIG_HOME, ZDOTDIR, GIT_CONFIG_GLOBAL and _SYSTEM) are protected
// there too: with the directory inside a writable root, a command or an
// edit there would remove guard's hook or loosen the agent.
func TestEnvMovedProtected(t *testing.T) {
	base := t.TempDir()
	at := func(p string) string { return filepath.Join(base, p) }
	env := map[string]string{"HOME": at("home"), "CLAUDE_CONFIG_DIR": at("cc"), "CODEX_HOME": at("cx"),
		"GEMINI_CLI_HOME": at("gh"), "XDG_CONFIG_HOME": at("xdg"), "ZDOTDIR": at("zd"), "GIT_CONFIG_GLOBAL": at("gitconfig"),
		"GIT_CONFIG_SYSTEM": at("sysgitconfig"), "BASH_ENV": at("bashenv"), "GOENV": at("goenv"), "RUSTUP_HOME": at("rustup"),
		"CARGO_HOME": at("cargo"), "DOCKER_CONFIG": at("docker"), "XDG_CACHE_HOME": at("xcache"), "COREPACK_HOME": at("corepack"),
		"PRE_COMMIT_HOME": at("pc"), "PLAYWRIGHT_BROWSERS_PATH": at("pw"), "PUPPETEER_CACHE_DIR": at("pp"),
		"CYPRESS_CACHE_FOLDER": at("cy"), "SE_CACHE_PATH": at("se"), "GNUPGHOME": at("gpg"), "TF_CLI_CONFIG_FILE": at("tfrc"),
		"GRADLE_USER_HOME": at("gradle"), "CCACHE_CONFIGPATH": at("ccache.conf"),
		"CCACHE_DIR": at("ccachedir")}
	g := &Gate{Getenv: func(k string) string { return env[k] }, Mode: policy.AutoEdit, Roots: []string{base}, Home: env["HOME"]}
	for _, p := range []string{"cc/settings.json", "cc/.claude.json", "cc/agents/x.md", "cx/hooks.json", "cx/config.toml", "cx/rules/default.rules",
		"gh/.gemini/settings.json", "xdg/git/config", "xdg/systemd/user/x.service", "zd/.zshenv", "zd/.zshrc", "gitconfig", "sysgitconfig", "bashenv",
		"goenv", "rustup/settings.toml", "rustup/toolchains/x/bin/rustc", "cargo/config.toml", "cargo/bin/cargo",
		"docker/cli-plugins/docker-compose", "xcache/pre-commit/repo1/hook.py", "corepack/v1/pnpm/9.0.0/bin/pnpm.cjs",
		"pc/repo1/hook.py", "pw/chromium-1255/chrome-linux64/chrome", "pp/chrome/linux-131/chrome-linux64/chrome",
		"cy/13.0.0/Cypress/Cypress", "se/chromedriver/linux64/131/chromedriver", "xcache/ms-playwright/chromium-1/chrome",
		// seventeenth red team: zsh's logout file and compiled start-up
		// files, credential files that name a program to run.
		"zd/.zlogout", "zd/.zshenv.zwc", "zd/.zcompdump", "gpg/gpg-agent.conf", "tfrc", "gradle/gradle.properties",
		"docker/config.json", "xdg/user-tmpfiles.d/x.conf", "xdg/containers/containers.conf",
		// sandbox-19: ccache's config.
		"ccache.conf", "ccachedir/ccache.conf", "xdg/ccache/ccache.conf"} {
		v := policy.Verdict{Class: policy.Match, Writes: []string{at(p)}}
		d := g.decide(&v)
		// .gemini is protected by its name wherever it is.
		moved := strings.Contains(d.Reason, "moved there by the environment") || strings.Contains(p, ".gemini")
		if d.Action == policy.Run || !moved {
			t.Errorf("write to %s: %s (%s), want it asked as moved by the environment", p, d.Action, d.Reason)
		}
	}
	// Beside them, and with no variable set, nothing changes.
	for _, p := range []string{"zd/notes.txt", "home2/settings.json", "gh/notes.txt", "cargo/registry/x.rs", "docker/buildx/x",
		"ccachedir/a/b/result"} {
		v := policy.Verdict{Class: policy.Match, Writes: []string{at(p)}}
		if d := g.decide(&v); d.Action != policy.Run {
			t.Errorf("write to %s: %s (%s), want run", p, d.Action, d.Reason)
		}
	}
	env = map[string]string{"HOME": at("home"), "CODEX_HOME": "relative/cx"}
	g = &Gate{Getenv: func(k string) string { return env[k] }, Mode: policy.AutoEdit, Roots: []string{base}, Home: env["HOME"]}
	v := policy.Verdict{Class: policy.Match, Writes: []string{at("cx/hooks.json")}}
	if d := g.decide(&v); d.Action != policy.Run {
		t.Errorf("a relative CODEX_HOME counted: %s (%s)", d.Action, d.Reason)
	}
}

// TestEnvMovedSecrets: a credential file that its variable names elsewhere
// (XDG_CONFIG_HOME's gh/hosts.yml, KUBECONFIG) is a secret for the gate's
// list, which the hook's read tools use; one the list already names where it
// is, is not added again.
func TestEnvMovedSecrets(t *testing.T) {
	base := t.TempDir()
	home := filepath.Join(base, "home")
	env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(base, "xdg"), "KUBECONFIG": filepath.Join(base, "kube.yaml")}
	g := &Gate{Getenv: func(k string) string { return env[k] }, Mode: policy.Suggest, Roots: []string{base}, Home: home}
	l := g.ProtectList()
	for _, p := range []string{"xdg/gh/hosts.yml", "kube.yaml"} {
		if e := l.Secret(filepath.Join(base, p), home); e == nil {
			t.Errorf("%s: not a secret", p)
		}
	}
	env["XDG_CONFIG_HOME"] = filepath.Join(home, ".config")
	for _, p := range envMovedSecrets(protect.Default(), g.Getenv) {
		if strings.HasPrefix(p, env["XDG_CONFIG_HOME"]) {
			t.Errorf("XDG_CONFIG_HOME at its default place: %s added again", p)
		}
	}
}

// TestEnvMovedSecretsOnce: the moved credentials New finds are
// ProtectList's too, as envMovedSecrets finds them over the list
// ProtectList builds: with no configuration, and with one that adds a
// secret where a moved one is (then that one is named once, by the
// configuration) or drops one.
func TestEnvMovedSecretsOnce(t *testing.T) {
	for _, c := range []struct{ name, config string }{
		{"no configuration", ""},
		{"a secret added", "[protect]\nsecrets = [\"XDG/gh/hosts.yml\"]\n"},
		{"a secret dropped", "[protect]\nnot_secret = [\"~/.netrc\"]\n"},
		{"a protected path added", "[protect]\nprotected = [\"~/notes\"]\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			xdg := filepath.Join(dir, "xdg")
			if c.config != "" {
				if err := os.MkdirAll(filepath.Join(xdg, "guard"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(xdg, "guard", "config.toml"), []byte(strings.ReplaceAll(c.config, "XDG", xdg)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			g := newGate(t, dir, Options{Mode: "full-auto"}, "XDG_CONFIG_HOME="+xdg)
			l := g.ProtectList()
			hosts := filepath.Join(xdg, "gh", "hosts.yml")
			if l.Secret(hosts, g.Home) == nil {
				t.Fatalf("%s is not a secret of ProtectList", hosts)
			}
			// What ProtectList added, against a list built as it builds it.
			var got []string
			for _, e := range l.Entries {
				if e.Reason == whyEnvSecret {
					got = append(got, e.Pattern)
				}
			}
			fresh := protect.Default()
			cp := g.Config.Protect
			if err := fresh.Apply(protect.Adjust{Protected: cp.Protected, Unprotected: cp.Unprotected, Secrets: cp.Secrets,
				NotSecret: cp.NotSecret, SecretEnv: cp.SecretEnv, SecretEnvAllow: cp.SecretEnvAllow}); err != nil {
				t.Fatal(err)
			}
			want := envMovedSecrets(fresh, g.Getenv)
			if !slices.Equal(got, want) {
				t.Fatalf("ProtectList's moved secrets\n  %v\nwant\n  %v", got, want)
			}
			if c.name == "a secret added" && slices.Contains(got, hosts) {
				t.Fatalf("%s, named by the configuration, added again", hosts)
			}
		})
	}
}

// TestJudgeXDGMovedSecrets: with XDG_CONFIG_HOME elsewhere, the judge knows
// the list's secrets below it by every entry, those written with wildcards
// too (JetBrains' ~/.config/JetBrains/*/c.pwd, which a copy of the list's
// literal entries left out), and a glob that can name one.
func TestJudgeXDGMovedSecrets(t *testing.T) {
	dir := t.TempDir()
	xdg := filepath.Join(dir, "xdg")
	for _, p := range []string{"gh/hosts.yml", "JetBrains/IU2024/c.pwd", "notes.txt"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(xdg, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(xdg, p), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	g := newGate(t, dir, Options{Mode: "suggest"}, "XDG_CONFIG_HOME="+xdg)
	for _, argv := range [][]string{
		{"cat", filepath.Join(xdg, "gh", "hosts.yml")},
		{"cat", filepath.Join(xdg, "JetBrains", "IU2024", "c.pwd")},
		{"sh", "-c", "cat xdg/JetBrains/*/c.pwd"},
		{"grep", "-r", "x", "xdg"},
	} {
		if _, d := g.Judge(argv); d.Action == policy.Run {
			t.Errorf("%q runs unasked: %s", argv, d.Reason)
		}
	}
	if _, d := g.Judge([]string{"cat", filepath.Join(xdg, "notes.txt")}); d.Action != policy.Run {
		t.Errorf("cat of a file that is no secret below XDG_CONFIG_HOME: %s (%s)", d.Action, d.Reason)
	}
}
