package sandbox

import (
	"path/filepath"
	"testing"

	"guard/policy/protect"
)

// Eighth red-team pass (docs/redteam/sandbox-8.md).

// laterCodeFiles are files, in a home that is a root (an agent started in
// ~, a dotfiles checkout), that a tool the user or the agent runs later
// loads as code or as a command to run, outside the sandbox: editors'
// plugin and XDG init directories, AWS's credential_process, sbt's and
// Leiningen's global plugins, pdb's start-up commands, a prompt's custom
// commands, a terminal's Lua config, the user-level settings, tasks and MCP
// servers of VS Code and its forks, and more agents' global MCP servers,
// plugins and hooks; shells' and shell frameworks' start-up code, direnv's
// ~/.direnvrc, IPython's and Jupyter's config, gh's extensions and aliases,
// file managers', Zed's and Helix's config.
var laterCodeFiles = []string{".vim/plugin/aa.vim", ".config/vim/vimrc", ".config/emacs/init.el", ".doom.d/config.el",
	".local/share/nvim/site/plugin/aa.lua", ".local/share/nvim/lazy/plenary.nvim/plugin/plenary.vim",
	".aws/config", ".sbt/1.0/global.sbt", ".sbt/1.0/plugins/plugins.sbt", ".lein/profiles.clj", ".pdbrc",
	".config/starship.toml", ".wezterm.lua", ".config/wezterm/wezterm.lua", ".config/kitty/kitty.conf",
	".config/Code/User/settings.json", ".config/Code/User/tasks.json", ".config/Code/User/mcp.json",
	".config/Cursor/User/settings.json", ".config/VSCodium/User/tasks.json",
	".config/opencode/plugin/aa.js", ".config/goose/config.yaml", ".copilot/mcp-config.json", ".factory/mcp.json",
	".config/amp/settings.json", ".aws/amazonq/mcp.json", ".junie/mcp/mcp.json",
	".config/nushell/config.nu", ".config/powershell/Microsoft.PowerShell_profile.ps1", ".xonshrc",
	".oh-my-zsh/custom/aa.zsh", ".local/share/zinit/plugins/zsh-users---zsh-autosuggestions/init.zsh", ".direnvrc",
	".ipython/profile_default/ipython_config.py", ".jupyter/jupyter_server_config.py", ".config/gh/config.yml",
	".local/share/gh/extensions/gh-dash/gh-dash", ".config/ranger/commands.py", ".config/yazi/init.lua",
	".config/zed/settings.json", ".config/helix/languages.toml"}

// laterCodeCases: each of laterCodeFiles appended to from inside, with the
// home as the root; a project's .pdbrc (pdb reads the one of the directory
// it starts in) and the project-level agent settings (Junie's and Factory's
// MCP servers, Factory's hooks) with the project as the root.
func laterCodeCases() []attackCase {
	cases := homeCodeCases(laterCodeFiles)
	// The project's own, with another home.
	for _, n := range []string{"sub/.pdbrc", ".junie/mcp/mcp.json", ".factory/settings.json", ".amp/settings.json"} {
		cases = append(cases, attackCase{name: "append to " + n + " in the project", attack: "append", want: denied,
			profile: func(p *Profile) {
				writeWorld(filepath.Join(p.WritableRoots[0], n), "# start-up\n")
				Protect(p, protect.Default(), filepath.Join(filepath.Dir(p.WritableRoots[0]), "home"))
			},
			args: func(t *testing.T, f *fixture) []string {
				writeWorld(filepath.Join(f.root, n), "# start-up\n")
				return []string{filepath.Join(f.root, n)}
			}})
	}
	return cases
}

// TestAttackLaterCode: a line or file written from inside ran at the tool's
// next start, outside the sandbox.
func TestAttackLaterCode(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackLaterCodeUnprivileged is this test")
	runAttackCases(t, laterCodeCases())
}

func TestAttackLaterCodeUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, laterCodeCases())
}

// moreHomeSecrets are credentials in common setups that the list missed:
// Chromium-based browsers and Electron chat apps' profiles (session
// cookies, saved passwords, a Slack or Discord token), KWallet's files,
// NSS's client keys, MySQL's login paths and PostgreSQL's service file,
// Pulumi's, OpenStack's and Talos's credentials, age identities of chezmoi,
// passage and gopass, LastPass's and Bitwarden's and 1Password's local
// data, borg's repository keys, API keys of the llm CLI and WakaTime,
// VS Code's secret storage (its GitHub session), DBeaver's saved
// connections' passwords.
var moreHomeSecrets = []string{".config/microsoft-edge/Default/Cookies", ".config/vivaldi/Default/Login Data",
	".config/opera/Cookies", ".config/google-chrome-beta/Default/Cookies", ".librewolf/ab.default/logins.json",
	".config/Slack/Cookies", ".config/discord/Local Storage/leveldb/000003.log", ".config/Signal/config.json",
	".local/share/kwalletd/kdewallet.kwl", ".pki/nssdb/key4.db", ".mylogin.cnf", ".pg_service.conf",
	".pulumi/credentials.json", ".config/openstack/clouds.yaml", ".talos/config", ".config/chezmoi/key.txt",
	".passage/identities", ".config/gopass/age/identities", ".local/share/lpass/session_uid",
	".config/Bitwarden/data.json", ".config/1Password/1password.sqlite", ".config/borg/keys/repo_x",
	".config/io.datasette.llm/keys.json", ".wakatime.cfg", ".config/Code/User/globalStorage/state.vscdb",
	".local/share/DBeaverData/workspace6/General/.dbeaver/credentials-config.json"}

func moreHomeSecretCases(forbidden bool) []attackCase {
	return homeSecretCases(moreHomeSecrets, "password=sk-lab8-home\n", forbidden)
}

func TestAttackMoreHomeSecrets(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackMoreHomeSecretsUnprivileged is this test")
	runAttackCases(t, moreHomeSecretCases(false))
}

func TestAttackMoreHomeSecretsUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, moreHomeSecretCases)
}
