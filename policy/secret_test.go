package policy_test

import (
	"strings"
	"testing"

	"guard/policy"
)

// TestSecretsNeverSafe: reads of secret files and environment dumps are
// unverified, with a reason that says so; reading what a file is (ls, stat)
// and printing one harmless variable stay safe (issue 16, point 2).
func TestSecretsNeverSafe(t *testing.T) {
	set := defaultSet(t)
	t.Setenv("HOME", "/home/agent")
	for _, cmd := range []string{
		"cat .env", "cat .env.local", "cat config/.env.production", "grep -n KEY .env", "head -3 .env",
		"cat < .env", "cat server.pem", "cat tls/private.key", "cat ~/.ssh/id_rsa", "cat $HOME/.aws/credentials",
		"cat /home/agent/.codex/auth.json", "cat auth.json", "tail -n 5 secrets.yml", "cat /proc/1/environ",
		"cat /proc/self/environ", "sed -n 1p .env", "diff .env .env.local", "jq . credentials.json",
		"env", "env | grep GITHUB", "printenv", "printenv | sort", "printenv OPENAI_API_KEY", "export -p",
		"declare -p", "declare -x", "set", "cd /testbed && env", "cat /etc/shadow", "cd ~ && cat .ssh/id_rsa",
		"cd \"$HOME/.aws\" && cat credentials", "cat .env*", "head -n 3 config/*.pem", "cat ~/.ssh/id_*",
		`grep -E "OPENAI_API_KEY|ANTHROPIC_API_KEY" config.yaml`, "rg -n GITHUB_TOKEN .", "git grep AWS_SECRET_ACCESS_KEY",
		"echo $OPENAI_API_KEY", `echo "token: ${GITHUB_TOKEN}"`,
	} {
		v := set.Judge([]string{"bash", "-c", cmd}, corpusCwd)
		d := policy.Decide(&v, policy.Suggest, corpusRoots)
		if v.Class == policy.Safe || d.Action == policy.Run {
			t.Errorf("%q: %s, %s; want unverified, asked", cmd, v.Class, d.Action)
			continue
		}
		if !strings.Contains(d.Reason, "secret") && !strings.Contains(d.Reason, "environment") {
			t.Errorf("%q: reason %q does not say it is a secret", cmd, d.Reason)
		}
	}
	for _, cmd := range []string{
		"printenv HOME", "printenv PATH", "cat .env.example", "cat .env.sample", "ls -la .env", "stat .env",
		"cat README.md", "grep -rn TODO src", "echo $HOME", "ls ~/x", "cat ~/notes.txt", "wc -l .env",
		"cat docs/*.md", "grep -n x src/*.py", "ls .env*", "grep -rn api_key src", "git log --grep=TOKEN_FIX",
		"grep -n KEYBOARD_LAYOUT x", "echo $PATH", `echo "shell: $SHELL"`,
	} {
		v := set.Judge([]string{"bash", "-c", cmd}, corpusCwd)
		if v.Secret != "" {
			t.Errorf("%q: secret %q, want none", cmd, v.Secret)
		}
	}
}
