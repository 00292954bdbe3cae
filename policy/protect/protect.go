// Package protect is guard's one list of protected paths and secrets, used
// by the decision (a write to a protected path counts as outside the
// writable roots), by the judgement of edits, and by the sandbox (protected
// paths read-only, secrets unreadable, secret-looking environment variables
// removed).
//
// Patterns are slash-separated globs, one path.Match pattern a component,
// with "**" for any number of components:
//   - "~/..." is under the user's home directory;
//   - "/..." is absolute;
//   - anything else matches at any depth (".git/hooks" matches
//     /p/.git/hooks and /p/sub/.git/hooks).
//
// A pattern covers the path it names and everything below it.
//
// Resolve applies the list to writable roots as they are at start, for the
// sandbox: the protected paths that exist inside the roots (with a
// repository's resolved git directory and commondir, core.hooksPath, and
// embedded bare repositories found by the scan), the secrets that exist
// anywhere. Apply changes the list as the configuration's [protect] table
// says; ScrubEnv removes the secret variables from an environment.
//
// Limits: matching is by name, on paths already resolved through symlinks
// (the caller resolves). What a list cannot name it cannot protect: a file
// that will become dangerous only by its content (a new bare repository
// created inside a root, a script a user later runs by hand) is not on it.
// Resolve sees what exists when it runs, looks for names at any depth only
// within ScanDepth levels of the roots it is asked to scan (and, for
// secrets, among the names of the home's directories it lists anyway: the
// home's top, ~/.config) and ScanDirs
// directories in all (skipping node_modules, vendor and the like), follows
// git config includes (include.path, includeIf.*.path: every condition
// taken as true) 16 files deep, and skips /proc patterns
// (the sandbox's ptrace rules cover other processes' environ). Guard's own
// state is added by the caller (the gate's ProtectList).
package protect

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"
)

// Kind says what an entry guards against.
type Kind string

const (
	// Protected paths run code later, outside the sandbox: they stay
	// read-only inside the writable roots.
	Protected Kind = "protected"
	// Secret paths hold credentials: unreadable in full-auto, never safe
	// to print.
	Secret Kind = "secret"
)

// Entry is one pattern of the list and why it is there.
type Entry struct {
	Pattern string `json:"pattern"`
	Kind    Kind   `json:"kind"`
	Reason  string `json:"reason"`
	// Except are patterns that the entry does not cover (".env.example"
	// is not a secret).
	Except []string `json:"except,omitempty"`
}

// List is the protected paths, the secrets and the secret environment
// variable names.
type List struct {
	Entries []Entry
	// SecretEnv are glob patterns on environment variable names, matched
	// case-insensitively; SecretEnvAllow are names kept all the same.
	SecretEnv      []string
	SecretEnvAllow []string

	// The compiled patterns, per kind (see compile; static for Default).
	// Change the entries only through the methods, which drop them.
	mu    sync.Mutex
	cache [2][]*compiledList // Protected, Secret (see compile)
	// added is set, per kind, when Add appended entries since cache was
	// made; addedFrom is the first of them.
	added     [2]bool
	addedFrom [2]int
	// SecretEnv and SecretEnvAllow compiled, and their lengths then.
	env     *envMatcher
	envLens [2]int
	// static: Entries are Default's, shared (see own).
	static bool
	// moves: parts of the home the environment put elsewhere (Move).
	moves []Move
}

const (
	whyGit      = "git runs its config and hooks later, outside the sandbox"
	whyEditor   = "an editor or agent runs what this file says when the project is opened"
	whyShell    = "a shell runs it at start-up"
	whyGuard    = "guard's own state: a command guard runs may not loosen guard"
	whySSHKey   = "an SSH private key"
	whyCloud    = "cloud or registry credentials"
	whyAgent    = "an agent's credentials"
	whyEnvFile  = "environment files hold API keys and passwords"
	whyKeyFile  = "a private key or certificate bundle"
	whyBrowser  = "browser profiles hold session cookies"
	whyToken    = "a token or password file"
	whyProcEnv  = "another process's environment holds its secrets"
	whyPassword = "the system's password hashes or host keys"
)

// defaultList is guard's built-in list, in order (the first entry that
// covers a path gives the reason): static data, so that building a List
// from it costs one allocation.
var defaultList = [...]struct {
	kind     Kind
	why      string
	except   []string // the SSH keys' public halves, example env files
	patterns []string
}{
	{Protected, whyGit, nil, []string{".git/hooks", ".git/config", ".git/config.worktree", ".git/modules/*/hooks",
		".git/modules/*/config", ".git/worktrees/*/config.worktree", ".gitmodules",
		// A nested submodule's git directory.
		".git/modules/*/modules/*/hooks", ".git/modules/*/modules/*/config"}},
	// A git directory's commondir names the directory whose config and hooks
	// git uses: rewritten (a linked worktree's ../..) or created, it points
	// git at a config of the program's choosing.
	{Protected, "git reads its config and hooks from the directory it names", nil, []string{".git/commondir",
		".git/worktrees/*/commondir", ".git/modules/*/commondir"}},
	{Protected, "direnv or mise runs it when a shell enters the directory", nil, []string{".envrc", "mise.toml",
		".mise.toml", "mise.local.toml", ".mise.local.toml", ".config/mise",
		// mise's other config places: its per-environment files
		// (mise.development.toml), a .mise or mise directory, and rtx's
		// (mise's former name) files.
		"mise.*.toml", ".mise.*.toml", ".mise", "mise/config.toml", ".config/mise.toml", ".rtx.toml",
		".rtx.local.toml"}},
	// rustup's toolchain file names a toolchain by path too ([toolchain]
	// path = "/dir"): every cargo and rustc started there, a prompt's
	// `rustc --version` and an editor's `cargo metadata` included, runs
	// DIR/bin's (eleventh red team).
	//
	// The rbenv family's version files are .TOOL-version, read from the
	// working directory up, the version a directory name under the
	// manager's root: where the manager does not refuse "..", a version of
	// ../../../proj/tools/jdk runs the project's tools/jdk/bin/java at the
	// next `java` the user types there (jenv: fifth red team of the
	// edits). The convention is matched whole (.go-version, .php-version,
	// a manager the list does not know); the usual ones are named too, so
	// that one a sandboxed command makes is moved aside. SDKMAN's
	// .sdkmanrc is the same with sdkman_auto_env, applied at every cd.
	{Protected, "a version manager's shim runs the binary a version file names by path, and yarn the yarnPath it names",
		nil, []string{".tool-versions", ".python-version", ".node-version", ".ruby-version", ".yarnrc.yml", ".yarnrc",
			"rust-toolchain.toml", "rust-toolchain"}},
	{Protected, "a version manager runs the tool from the directory this file names as a version, a project's directory too (../..)",
		nil, []string{".java-version", ".go-version", ".perl-version", ".php-version", ".lua-version", ".swift-version",
			".crystal-version", ".scala-version", ".sbt-version", ".elixir-version", ".terraform-version", ".sdkmanrc",
			".*-version"}},
	// lefthook reads its config in every format and place it supports
	// (yaml, toml, json; at the top, dotted or in .config), and runs the
	// scripts of .lefthook/HOOK and .lefthook-local/HOOK as husky runs
	// .husky's: a script there rewritten from inside ran at the next git
	// commit outside (nineteenth red team of the sandbox).
	{Protected, "a git hook manager runs what these name at the next commit", nil, []string{".husky",
		".pre-commit-config.yaml", "lefthook.yml", ".lefthook.yml", "lefthook-local.yml", ".overcommit.yml",
		".lefthook", ".lefthook-local", "lefthook.yaml", ".lefthook.yaml", "lefthook.toml", ".lefthook.toml",
		"lefthook.json", ".lefthook.json", "lefthook.jsonc", ".lefthook.jsonc", ".config/lefthook.yml",
		".config/lefthook.yaml", ".config/lefthook.toml", ".config/lefthook.json", "lefthook-local.yaml",
		"lefthook-local.toml", "lefthook-local.json", ".lefthook-local.yml", ".lefthook-local.yaml",
		".lefthook-local.toml", ".lefthook-local.json", ".config/lefthook-local.yml", ".config/lefthook-local.yaml"}},
	{Protected, "an editor runs it when it opens the directory", nil, []string{".exrc", ".nvimrc", ".nvim.lua",
		".zed",
		// vim's 'exrc' reads these in the directory it starts in; lazy.nvim
		// a .lazy.lua; Emacs evaluates a directory's local variables
		// (eval: forms); Helix starts the language servers a workspace's
		// .helix/languages.toml names.
		".vimrc", "_vimrc", ".gvimrc", "_exrc", ".lazy.lua", ".dir-locals.el", ".dir-locals-2.el", ".helix"}},
	{Protected, whyEditor, nil, []string{".vscode", ".idea", ".devcontainer", ".claude", ".codex", ".gemini",
		".cursor", ".windsurf", ".continue", ".mcp.json", ".guard", ".aider.conf.yml", "opencode.json", ".opencode",
		".kiro", ".roo", ".amazonq",
		// Dev Containers' other place (its initializeCommand runs on the
		// host), a VS Code workspace file (tasks run at folderOpen), and
		// more agents' project settings, MCP servers and hooks: OpenCode's
		// JSONC, Crush, Qwen Code, Kilo Code, Cline's hooks.
		".devcontainer.json", "*.code-workspace", "opencode.jsonc", "crush.json", ".crush.json", ".qwen",
		".kilocode", ".clinerules",
		// Hooks and MCP servers of agents the list lacked (twentieth red
		// team of the sandbox): Windsurf's legacy .devin/hooks.json, Kimi's
		// .kimi (config.toml's [[hooks]]) and .kimi-code (mcp.json, started
		// with the session), Auggie's .augment.
		".devin", ".kimi", ".kimi-code", ".augment"}},
	{Protected, whyShell, nil, []string{"~/.bashrc", "~/.bash_profile", "~/.bash_login", "~/.bash_logout",
		"~/.profile", "~/.zshrc", "~/.zshenv", "~/.zprofile", "~/.zlogin", "~/.config/fish", "~/.inputrc",
		"~/.bash_aliases", "~/.config/direnv"}},
	// Every shell's start-up and logout files, not bash's and zsh's first
	// ones only (seventeenth red team): zsh reads .zlogout when a login
	// shell ends, and runs FILE.zwc, the compiled form zcompile writes, in
	// place of each start-up FILE when it is newer (a ~/.zshenv.zwc made
	// inside ran at the next `zsh -c` outside, the protected ~/.zshenv
	// untouched); compinit sources its dump; ZDOTDIR's usual XDG place;
	// ksh's and mksh's ENV files, csh's and tcsh's start-up, login, logout
	// and saved-directory files, yash's, elvish's and Oils' start-up code.
	{Protected, whyShell, nil, []string{"~/.zlogout", "~/.zshenv.zwc", "~/.zprofile.zwc", "~/.zshrc.zwc",
		"~/.zlogin.zwc", "~/.zlogout.zwc", "~/.zcompdump", "~/.zcompdump.zwc", "~/.zcompdump-*", "~/.config/zsh",
		"~/.kshrc", "~/.mkshrc", "~/.cshrc", "~/.tcshrc", "~/.login", "~/.logout", "~/.cshdirs", "~/.yashrc",
		"~/.yash_profile", "~/.config/yash", "~/.config/elvish", "~/.elvish", "~/.config/oils", "~/.config/oil"}},
	// ~/.ssh whole: sshd also reads authorized_keys2 (Debian's default) and
	// ssh the files its config Includes (config.d/*), names a missing file
	// cannot be protected by (seventh red team).
	{Protected, "ssh and git run what these files name", nil, []string{"~/.ssh/config", "~/.ssh/authorized_keys",
		"~/.ssh/rc", "~/.ssh/environment", "~/.ssh", "~/.gitconfig", "~/.config/git", "~/.hgrc"}},
	// The other login services' lists of who may log in as the user
	// (Kerberos's, rsh's), and the programs mail delivery runs when mail
	// arrives (a .forward's |command, procmail's and maildrop's recipes,
	// qmail's): each acts later, outside the sandbox, as the user.
	{Protected, "a login service admits whom these name, or mail delivery runs the programs they name", nil,
		[]string{"~/.k5login", "~/.k5users", "~/.rhosts", "~/.shosts", "~/.forward", "~/.procmailrc", "~/.mailfilter",
			"~/.qmail", "~/.qmail-*"}},
	{Protected, "a build tool, debugger or interpreter runs what these name whenever it starts", nil, []string{
		"~/.mavenrc", "~/.gradle/init.gradle", "~/.gradle/init.gradle.kts", "~/.gradle/init.d", "~/.cargo/config.toml",
		"~/.cargo/config", "~/.gdbinit", "~/.config/gdb", "~/.ipython/profile_default/startup",
		"~/.local/lib/python*/site-packages"}},
	{Protected, "the session starts what these name", nil, []string{"~/.config/autostart", "~/.config/systemd",
		"~/.config/environment.d", "~/.pam_environment", "~/.xprofile", "~/.xsession", "~/.xsessionrc",
		"~/.xinitrc"}},
	// What the session runs at the next login besides (seventeenth red
	// team): systemd-tmpfiles --user makes, writes and links the files its
	// lines name, anywhere the user can (a line planted inside wrote a file
	// outside every root at the next `systemd-tmpfiles --user --create`);
	// PipeWire's context.exec, WirePlumber's Lua scripts, GNOME Shell's
	// extensions (JavaScript), LXDE's autostart; window managers, bars,
	// hotkey and notification daemons and launchers that run the programs
	// their configs name (river's init, qtile's Python, bspwmrc...).
	{Protected, "the session starts what these name", nil, []string{"~/.config/user-tmpfiles.d",
		"~/.local/share/user-tmpfiles.d", "~/.config/pipewire", "~/.config/wireplumber",
		"~/.local/share/gnome-shell/extensions", "~/.config/lxsession", "~/.config/river", "~/.config/qtile",
		"~/.config/bspwm", "~/.config/sxhkd", "~/.config/herbstluftwm", "~/.config/wayfire.ini", "~/.config/polybar",
		"~/.config/waybar", "~/.config/dunst", "~/.config/mako", "~/.config/i3blocks", "~/.config/swayidle",
		"~/.config/kanshi", "~/.config/rofi",
		// File managers' scripts and actions, run from their menus.
		"~/.local/share/nautilus/scripts", "~/.local/share/nemo/actions", "~/.local/share/kio/servicemenus",
		"~/.local/share/kservices5/ServiceMenus", "~/.config/Thunar/uca.xml"}},
	// Tools' per-user files that are code or name a program, each run at
	// the tool's next use (seventeenth red team): npm init's init module
	// (ran at the next `npm init -y` outside), podman's containers.conf
	// (the runtime, conmon, hooks_dir) and storage.conf (mount_program),
	// the directories node's require and RubyGems fall back to (a module
	// or gem planted there loads where a project lacks it; RubyGems runs
	// plugins from there at every `gem`), micro's and kakoune's init code,
	// bat's pager, radare2's rc, Taskwarrior's hooks.
	{Protected, "a tool loads it as code, or runs the program it names, at its next use", nil, []string{
		"~/.npm-init.js", "~/.config/containers/containers.conf", "~/.config/containers/containers.conf.d",
		"~/.config/containers/storage.conf", "~/.node_modules", "~/.node_libraries", "~/.gem", "~/.local/share/gem",
		"~/.config/micro", "~/.config/kak", "~/.config/bat/config", "~/.radare2rc", "~/.config/radare2",
		// Taskwarrior runs its hooks at every task command.
		"~/.task/hooks"}},
	// Credentials' files that also name a program to run (seventeenth red
	// team): they are secrets (hidden), but one missing at start was no
	// protected name, so a command could make it and it ran at the tool's
	// next use outside: a kubeconfig's exec credential plugin (kubectl get
	// ran it), docker's cliPluginsExtraDirs (any docker command lists
	// plugins by running them) and credsStore, gpg-agent.conf's
	// pinentry-program (the next gpg that asked for a passphrase ran it),
	// terraform's dev_overrides and credentials helper, Gradle's
	// org.gradle.jvmargs (-javaagent:), mail clients' password commands
	// (msmtp's passwordeval, isync's PassCmd, offlineimap's pythonfile,
	// fetchmail's mda, mutt's backticks, aerc's and himalaya's), s3cmd's
	// gpg_command. Protected as well: made, they are moved aside.
	{Protected, "a tool runs the program or code this credential file names", nil, []string{"~/.kube", "~/.gnupg",
		"~/.docker/config.json", "~/.terraformrc", "~/.gradle/gradle.properties", "~/.msmtprc", "~/.mbsyncrc",
		"~/.config/isyncrc", "~/.offlineimaprc", "~/.fetchmailrc", "~/.muttrc", "~/.mutt", "~/.config/mutt",
		"~/.config/neomutt", "~/.config/aerc/accounts.conf", "~/.config/himalaya/config.toml", "~/.s3cfg"}},
	{Protected, "an editor or terminal multiplexer runs what it says at start-up", nil, []string{"~/.vimrc",
		"~/.config/nvim", "~/.tmux.conf", "~/.config/tmux", "~/.emacs", "~/.emacs.d",
		// Emacs's other init file names (it loads the first of ~/.emacs.elc,
		// ~/.emacs.el, ~/.emacs), and tmux's plugins (tpm runs them at
		// tmux's start: seventeenth red team).
		"~/.emacs.el", "~/.emacs.elc", "~/.tmux"}},
	{Protected, "an agent starts the MCP servers and hooks it lists", nil, []string{"~/.claude.json", "~/.claude",
		"~/.codex/config.toml", "~/.codex/hooks.json", "~/.gemini/settings.json",
		// Windsurf's user hooks and MCP servers (each channel's, and its
		// JetBrains plugin's hooks), LM Studio's MCP servers.
		"~/.codeium/windsurf", "~/.codeium/windsurf-next", "~/.codeium/windsurf-insiders", "~/.codeium/hooks.json",
		"~/.lmstudio/mcp.json"}},
	{Protected, "npm runs the script-shell and node-options it names", nil, []string{".npmrc"}},
	{Protected, "programs there come first on PATH", nil, []string{"~/.local/bin", "~/bin"}},
	// REPLs and tools that run their start-up file's code or commands: R's,
	// irb's, pry's and ghci's also from the directory they start in (R
	// started in the project runs its .Rprofile); psql's \!, sqlite's
	// .shell, lldb's platform shell, screen's exec, lesskey's LESSOPEN (git's
	// pager) from the home (seventh red team). The perl debugger's .perldb,
	// IEx's .iex.exs, OCaml's toplevel's .ocamlinit and Octave's .octaverc
	// are read from the directory they start in too, before the home's
	// (`perl -d script` in the project ran a .perldb an edit tool wrote:
	// trust-1).
	// R reads .Renviron from the directory it starts in (else the home's)
	// before its profile: an R_PROFILE_USER=tools/x.R line there made
	// every R and Rscript started in the project run x.R (twenty-first red
	// team of the sandbox), as .Rprofile would.
	{Protected, "a REPL or tool runs the code or commands it holds when it starts", nil, []string{".Rprofile", ".Renviron",
		".irbrc", ".pryrc", ".ghci", ".perldb", ".iex.exs", ".ocamlinit", ".octaverc", "~/.psqlrc", "~/.sqliterc",
		"~/.lldbinit", "~/.screenrc", "~/.lesskey", "~/.config/lesskey", "~/.julia/config/startup.jl", "~/.mailcap",
		"~/.bunfig.toml"}},
	// What tools source or run from the home at their start, found left
	// (eighteenth red team of the sandbox): Debian's sensible-editor
	// sources ~/.selected_editor whenever VISUAL is unset (crontab -e, and
	// whatever runs `editor` through it); less reads the compiled lesskey
	// file ~/.less (its #env LESSOPEN runs a command for every file, git's
	// pager included), beside the source files already listed; Bun's XDG
	// global config (preload); pnpm's global rc (script-shell, like
	// ~/.npmrc); Ansible's user config (vault_password_file run when
	// executable, plugin paths) and its default plugin directories, loaded
	// at every playbook; the zellij and Ghostty terminals' configs (the
	// shell or command they start), as alacritty's, kitty's and wezterm's.
	{Protected, "a tool sources or runs what this file names when it starts", nil, []string{"~/.selected_editor",
		"~/.less", "~/.config/.bunfig.toml", "~/.config/pnpm/rc", "~/.ansible.cfg", "~/.ansible/plugins",
		"~/.config/zellij", "~/.config/ghostty"}},
	// Trust stores: what they list runs without the tool asking. direnv
	// loads an .envrc it has an allow entry for (its hash) at the next cd
	// into the directory; `direnv allow work` run inside, with the home a
	// root, made an .envrc the user had never allowed (a cloned project's)
	// run outside (eighteenth red team of the sandbox). mise's trusted
	// configs and Neovim's trust database (exrc files) are the same.
	{Protected, "a tool runs what its trust store lists without asking", nil, []string{"~/.local/share/direnv",
		"~/.local/state/mise/trusted-configs", "~/.local/state/nvim/trust"}},
	// More start-up files run as code (twelfth red team): mongosh's
	// JavaScript, IEx's Elixir, the Erlang shell's .erlang, OCaml's toplevel,
	// SBCL's, Guile's and Racket's REPLs, the perl debugger's .perldb,
	// ptpython's config.py; and the extensions VS Code's remote server runs.
	{Protected, "a REPL or editor server runs the code it holds when it starts", nil, []string{"~/.mongoshrc.js",
		"~/.erlang", "~/.config/erlang/.erlang", "~/.config/ocaml/init.ml",
		"~/.sbclrc", "~/.guile", "~/.racketrc", "~/.config/ptpython/config.py",
		"~/.vscode-server/extensions", "~/.vscode-server/data/Machine/settings.json"}},
	// What ~/.local/bin's links lead to: pipx's and uv's tool environments
	// (a .pth file or a rewritten script there runs at the tool's next start,
	// black, ruff, httpie...), and cargo's installed programs, which rustup's
	// ~/.cargo/env puts on PATH (seventh red team).
	{Protected, "the tools on PATH run from these environments", nil, []string{"~/.local/share/pipx/venvs",
		"~/.local/pipx/venvs", "~/.local/share/uv/tools", "~/.cargo/bin"}},
	// Version managers' shims, installed runtimes and global packages, and
	// the install directories of go, bun, deno and npm's usual prefix: on
	// PATH before the system's, as ~/.local/bin is, and a runtime's own
	// site-packages or node_modules runs at its next start (a pyenv shim
	// rewritten from inside, with the home a root, ran at the next python3
	// outside: eleventh red team).
	{Protected, "a version manager's shims and runtimes, or a tool's install directory, on PATH", nil, []string{
		"~/.pyenv", "~/.rbenv", "~/.nodenv", "~/.goenv", "~/.jenv", "~/.plenv", "~/.asdf", "~/.local/share/mise",
		"~/.nvm", "~/.volta", "~/.local/share/fnm", "~/.fnm", "~/.sdkman", "~/.local/share/pnpm", "~/.npm-global",
		"~/.bun/bin", "~/.deno/bin", "~/go/bin"}},
	{Secret, whySSHKey, []string{"*.pub"}, []string{"~/.ssh/id_*", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519",
		"id_rsa.*", "id_dsa.*", "id_ecdsa.*", "id_ed25519.*"}},
	{Secret, whyCloud, nil, []string{"~/.aws/credentials", "~/.aws/sso/cache", "~/.aws/cli/cache", "~/.config/gcloud",
		"~/.azure", "~/.kube", "~/.docker/config.json", "~/.config/gh/hosts.yml", "~/.config/hub", "~/.netrc",
		"~/.git-credentials", "~/.gcm/store", "~/.pypirc", "~/.npmrc", "~/.cargo/credentials", "~/.cargo/credentials.toml",
		"~/.gem/credentials", "~/.terraform.d/credentials.tfrc.json", "~/.terraformrc", "~/.config/doctl",
		"~/.vault-token", "~/.pgpass", "~/.my.cnf", "~/.oci", "~/.s3cfg", "~/.boto", "~/.config/rclone/rclone.conf",
		"~/.config/hcloud", "~/.yarnrc.yml", "~/.m2/settings.xml", "~/.gradle/gradle.properties", ".netrc",
		".git-credentials", ".pypirc"}},
	{Secret, whyAgent, nil, []string{"~/.codex/auth.json", "~/.claude/.credentials.json", "~/.gemini/oauth_creds.json",
		"~/.config/github-copilot", "auth.json", "credentials.json", ".credentials.json"}},
	{Secret, "a keyring or password store", nil, []string{"~/.gnupg", "~/.password-store", "~/.local/share/keyrings",
		"~/.config/op"}},
	// Another account's credentials (a home that is not $HOME: /root, /home/*,
	// a second checkout of a dotfiles repository) by the same names.
	{Secret, whySSHKey, []string{"*.pub"}, []string{".ssh/id_*"}},
	{Secret, whyCloud, nil, []string{".aws/credentials", ".aws/sso/cache", ".docker/config.json", ".kube/config",
		".config/gh/hosts.yml", ".config/git/credentials", ".config/gcloud/credentials.db", ".config/gcloud/legacy_credentials",
		".config/gcloud/application_default_credentials.json", ".azure/accessTokens.json", ".azure/msal_token_cache.json",
		".cargo/credentials", ".cargo/credentials.toml", ".pgpass", ".my.cnf", ".s3cfg", ".vault-token"}},
	{Secret, "a package index or model hub token", nil, []string{"~/.config/pip/pip.conf", "~/.pip/pip.conf",
		"~/.cache/huggingface/token", "~/.huggingface/token", "~/.kaggle/kaggle.json", ".kaggle/kaggle.json",
		"huggingface/token"}},
	{Secret, "a service account token, cluster credentials or a system service's password", nil,
		[]string{"/var/run/secrets", "/run/secrets", "/etc/kubernetes/admin.conf", "/etc/kubernetes/super-admin.conf",
			"/etc/kubernetes/controller-manager.conf", "/etc/kubernetes/scheduler.conf", "/etc/kubernetes/kubelet.conf",
			"/etc/rancher/k3s/k3s.yaml", "/etc/rancher/rke2/rke2.yaml", "/etc/NetworkManager/system-connections",
			"wpa_supplicant.conf", "/etc/ipsec.secrets", "/etc/postfix/sasl_passwd", "/etc/ppp/chap-secrets",
			"/etc/ppp/pap-secrets", "/etc/ssl/private"}},
	{Secret, whyBrowser, nil, []string{"~/.mozilla", "~/.config/google-chrome", "~/.config/chromium",
		"~/.config/BraveSoftware"}},
	// The same profiles where snap and flatpak keep them, and macOS's.
	{Secret, whyBrowser, nil, []string{".mozilla/firefox", "~/snap/chromium/common/chromium",
		"~/.var/app/com.google.Chrome/config/google-chrome", "~/.var/app/org.chromium.Chromium/config/chromium",
		"~/Library/Application Support/Google/Chrome", "~/Library/Application Support/Firefox",
		"~/Library/Application Support/BraveSoftware", "~/Library/Cookies", "~/Library/Keychains"}},
	// The same profiles where snap and flatpak keep a sandboxed app's data:
	// the app's whole per-user directory is its profile (Ubuntu's Firefox
	// is a snap: ~/snap/firefox/common/.mozilla/firefox's cookies and
	// logins were read from inside, seventeenth red team), for the
	// browsers, mail and chat clients and password managers the list hides
	// where they are installed natively.
	{Secret, "a sandboxed app's data: its browser, mail or chat profile, or its password vault", nil, []string{
		"~/snap/firefox", "~/snap/thunderbird", "~/snap/chromium", "~/snap/brave", "~/snap/opera", "~/snap/vivaldi",
		"~/snap/slack", "~/snap/discord", "~/snap/signal-desktop", "~/snap/telegram-desktop", "~/snap/element-desktop",
		"~/snap/teams-for-linux", "~/snap/bitwarden", "~/snap/keepassxc", "~/snap/mailspring",
		"~/.var/app/org.mozilla.firefox", "~/.var/app/org.mozilla.Thunderbird", "~/.var/app/com.google.Chrome",
		"~/.var/app/org.chromium.Chromium", "~/.var/app/io.github.ungoogled_software.ungoogled_chromium",
		"~/.var/app/com.brave.Browser", "~/.var/app/com.microsoft.Edge", "~/.var/app/com.vivaldi.Vivaldi",
		"~/.var/app/com.opera.Opera", "~/.var/app/io.gitlab.librewolf-community", "~/.var/app/one.ablaze.floorp",
		"~/.var/app/app.zen_browser.zen", "~/.var/app/net.waterfox.waterfox", "~/.var/app/org.gnome.Epiphany",
		"~/.var/app/org.kde.falkon", "~/.var/app/com.slack.Slack", "~/.var/app/com.discordapp.Discord",
		"~/.var/app/org.signal.Signal", "~/.var/app/org.telegram.desktop", "~/.var/app/im.riot.Riot",
		"~/.var/app/com.github.IsmaelMartinez.teams_for_linux", "~/.var/app/com.bitwarden.desktop",
		"~/.var/app/org.keepassxc.KeePassXC", "~/.var/app/org.gnome.Evolution", "~/.var/app/com.getmailspring.Mailspring"}},
	{Secret, whyEnvFile, nil, []string{".env"}},
	// The stand-ins' names for one environment too (.env.test.example,
	// .env.production.sample: eighteenth held-out batch); their content is
	// still scanned for tokens and passwords as any file read.
	{Secret, whyEnvFile, []string{".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults",
		".env.*.example", ".env.*.sample", ".env.*.template", ".env.*.dist"}, []string{".env.*"}},
	// env_file names Compose and systemd users give them (prod.env), and
	// files named for what they hold.
	{Secret, whyEnvFile, []string{"example.env", "sample.env", "template.env", "defaults.env", "default.env", "*.example.env",
		"*.sample.env", "*.template.env", ":*"}, []string{"?*.env"}},
	{Secret, whyToken, nil, []string{".secrets", "secrets.txt", "*.secret", "*.secrets", "passwords.txt", "password.txt",
		".passwords"}},
	{Secret, whyKeyFile, nil, []string{"*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.ppk", "*.keytab"}},
	{Secret, "a password database, or infrastructure state holding the resources' passwords", nil, []string{"*.kdbx",
		".htpasswd", "*.tfstate", "*.tfstate.backup", "client_secret*.json"}},
	// Terraform's variable files are where its secrets are set (the usual
	// ignore files leave them out for that); a cloud service account's key
	// file by the names its consoles and guides give it.
	{Secret, "infrastructure variables or a service account's key", nil, []string{"*.tfvars", "*.tfvars.json",
		"service-account*.json", "serviceaccount*.json"}},
	{Secret, whyToken, nil, []string{".vault-token", "*.token", "token.json", "secrets.yml", "secrets.yaml",
		"secrets.json",
		// Streamlit's .streamlit/secrets.toml, Cloudflare Workers' local
		// secrets, Ansible Vault's password files, cookiecutter-django's
		// env files (.envs/.production/.postgres).
		"secrets.toml", ".dev.vars", ".vault_pass", ".vault_pass.txt", "vault_pass.txt", ".vault-pass",
		".vault_password", ".vault-password", "vault_password", "vault-password.txt", ".envs"}},
	// Cloudflare Workers' local secrets for one environment
	// (.dev.vars.staging); not their stand-ins, whose content is scanned
	// as any file's (`cat .dev.vars.example`: the twentieth held-out batch).
	{Secret, whyToken, []string{".dev.vars.example", ".dev.vars.sample", ".dev.vars.template", ".dev.vars.dist"},
		[]string{".dev.vars.*"}},
	// A cluster's credentials kept beside a project (kind, k3d and
	// cluster-api write them there: `kind get kubeconfig > kubeconfig`).
	{Secret, whyCloud, nil, []string{"kubeconfig", ".kubeconfig", "*.kubeconfig", "kubeconfig.yaml", "kubeconfig.yml",
		"kubeconfig-*", "*-kubeconfig", "*-kubeconfig.yaml"}},
	// The files frameworks keep their passwords in, by the names their
	// guides give them: Android and Flutter release signing (storePassword,
	// keyPassword), Google's secrets plugin, Phoenix's *.secret.exs,
	// WordPress's database password and salts (fifth held-out batch);
	// Symfony's secrets vault decryption key (its guide: the prod one is
	// never committed), the header Arduino's Secret tab and the firmware
	// guides keep Wi-Fi and API passwords in (fifteenth held-out batch).
	{Secret, "a framework's password or signing-key settings", nil, []string{"keystore.properties", "key.properties",
		"signing.properties", "secrets.properties", "*.secret.exs", "wp-config.php", "*.decrypt.private.php",
		"secrets.h", "arduino_secrets.h"}},
	// The stores of the data and package tools' logins whose values have
	// no form of their own: DVC's local and global config (`dvc remote
	// modify --local` puts a remote's keys and passwords there, out of
	// git), MLflow's tracking password, Hex's API key (thirteenth held-out
	// batch); rebar3's Hex keys (`rebar3 hex user auth`) and Semgrep's
	// login token (`semgrep login`), fifteenth held-out batch. The
	// sixteenth's: the Open Build Service client's password (osc keeps it
	// in oscrc as written), Copr's API token (the file its web page hands
	// out), Julia's package servers' tokens, itch.io butler's API key.
	{Secret, "a data or package tool's stored credentials", nil, []string{".dvc/config.local", "~/.config/dvc/config",
		"~/.mlflow/credentials", "~/.hex/hex.config", "~/.config/rebar3/hex.config", "~/.semgrep/settings.yml",
		"~/.config/osc/oscrc", "~/.oscrc", "~/.config/copr", "~/.julia/servers/*/auth.toml", "~/.config/itch/butler_creds"}},
	{Secret, whyProcEnv, nil, []string{"/proc/*/environ", "/proc/*/task/*/environ"}},
	{Secret, whyPassword, nil, []string{"/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-",
		"/etc/ssh/ssh_host_*_key", "/etc/sudoers", "/etc/security/opasswd", "/etc/master.passwd", "/etc/spwd.db"}},
	{Secret, "shell and REPL histories hold the commands typed, tokens and passwords in them included", nil,
		[]string{".bash_history", ".zsh_history", ".sh_history", ".ash_history", ".histfile", ".python_history",
			".node_repl_history", ".psql_history", ".mysql_history", ".sqlite_history", ".rediscli_history",
			".irb_history", "~/.local/share/fish/fish_history",
			// More database clients' and REPLs' histories (the statements
			// typed, passwords in them: CREATE USER ... PASSWORD, auth()),
			// and macOS's per-session shell histories.
			".duckdb_history", ".mycli-history", "~/.config/pgcli/history", ".clickhouse-client-history",
			".usql_history", ".dbshell", "~/.mongodb/mongosh", "~/.ipython/profile_*/history.sqlite",
			"~/.julia/logs/repl_history.jl", ".Rhistory", ".pry_history", "~/.local/share/pry/pry_history",
			"~/.ghc/ghci_history", ".scala_history", ".ts_node_repl_history", "~/.bash_sessions", "~/.zsh_sessions",
			// PowerShell's (PSReadLine's) history on Linux.
			"~/.local/share/powershell/PSReadLine"}},
	// The stores of more command-line tools' logins, whose tokens have no
	// format the content scan knows (random hex or base64): `cat
	// ~/.databrickscfg` and the like were safe (third red-team of the judge).
	{Secret, "a command-line tool's stored login or key", nil, []string{"~/.databrickscfg", "~/.sbt/credentials",
		"~/.ngrok2", "~/.config/ngrok", "~/.sentryclirc", "~/.circleci/cli.yml", "~/.dockercfg", "~/.config/sops/age",
		"~/.config/stripe", "~/.travis/config.yml", "~/.config/glab-cli", "~/.config/lab", "~/.config/tea", "~/.jfrog",
		"~/.config/cachix", "~/.nuget/NuGet/NuGet.Config", "~/.config/NuGet/NuGet.Config", "~/.mc/config.json",
		"~/.config/netlify", "~/.config/configstore/firebase-tools.json", "~/.wrangler", "~/.config/.wrangler",
		"~/.supabase", "~/.aliyun", "~/.bundle/config", "~/.Xauthority", "~/.config/atuin/key", "~/.continue",
		"~/.aider.conf.yml", "~/.config/Bitwarden CLI", "~/.linode-cli", "~/.config/linode-cli", "~/.config/scw",
		"~/.railway", "~/.snowsql/config", "~/.dbt/profiles.yml", "~/.odbc.ini", "~/.influxdbv2/configs",
		"~/.cassandra/cqlshrc", "~/.passwd-s3fs", "~/.smbcredentials", "~/.msmtprc", "~/.fetchmailrc",
		"~/.expo/state.json", "~/Library/Preferences/.wrangler",
		// LuaRocks' upload key (`luarocks upload --api-key` saves it as
		// key = "..."), eighteenth held-out batch
		"~/.luarocks/upload_config.lua",
		// flyctl's token, Maven's master password, Ivy's and sbt's
		// credentials, Helm's chart repositories' passwords, the Cloud
		// Foundry and IBM Cloud CLIs' tokens, Twilio's keys, mail and chat
		// clients' stored passwords.
		"~/.fly/config.yml", "~/.m2/settings-security.xml", "~/.ivy2/.credentials",
		"~/.config/helm/repositories.yaml", "~/.cf/config.json", "~/.bluemix/config.json", "~/.twilio-cli",
		"~/.thunderbird", "~/.purple/accounts.xml", "~/.irssi/config", "~/.weechat/sec.conf",
		"~/.config/weechat/sec.conf"}},
	// Agents keep every session's conversation, tool output included (a
	// .env read once, a token pasted): another session's transcript printed
	// is its secrets printed. Claude Code's ~/.claude.json holds its MCP
	// servers' env (API keys) and the prompts typed per project; Cursor
	// keeps its login token in its global state database.
	{Secret, "an agent's transcripts and histories hold earlier sessions' conversations, the secrets read or typed in them included",
		nil, []string{"~/.claude/projects", "~/.claude/history.jsonl", "~/.claude/shell-snapshots", "~/.claude/file-history",
			"~/.claude.json", "~/.claude.json.backup", "~/.codex/sessions", "~/.codex/archived_sessions",
			"~/.codex/history.jsonl", "~/.codex/log", "~/.gemini/tmp", "~/.qwen/tmp", "~/.local/share/opencode",
			"~/.config/Cursor/User/globalStorage/state.vscdb",
			"~/Library/Application Support/Cursor/User/globalStorage/state.vscdb", ".aider.chat.history.md",
			".aider.input.history", ".aider.llm.history", ".crush"}},
	{Secret, "editor and pager histories hold what was typed and yanked", nil, []string{"~/.viminfo", "~/.lesshst",
		"~/.local/state/nvim/shada", "~/.local/share/nvim/shada", "~/.local/share/atuin"}},
	// What root reads on a server besides: TLS and VPN private keys, a
	// cluster's certificate authority, a tailnet node's key, a database's
	// maintenance password, a CI runner's token, a host's Kerberos keys.
	{Secret, "a service's private key, certificate authority or machine credential", nil,
		[]string{"/etc/letsencrypt", "/etc/pki/tls/private", "/etc/wireguard", "/etc/openvpn", "/etc/kubernetes/pki",
			"/var/lib/kubelet/pki", "/var/lib/rancher/k3s/server/token", "/var/lib/rancher/k3s/server/tls",
			"/var/lib/tailscale", "/etc/mysql/debian.cnf", "/etc/gitlab-runner/config.toml", "/etc/krb5.keytab",
			"/etc/docker/key.json", "/etc/ceph/ceph.client.admin.keyring",
			// systemd's service credentials, containers' settings (their
			// environment), a CI server's and a forge's own keys
			"/run/credentials", "/etc/credstore", "/etc/credstore.encrypted", "/var/lib/docker/containers",
			"/etc/sssd/sssd.conf", "/var/lib/jenkins/secrets", "/var/lib/jenkins/secret.key",
			"/var/lib/jenkins/credentials.xml", "/etc/gitlab/gitlab-secrets.json", "/etc/gitlab/initial_root_password",
			// Slurm's accounting daemon's database password (StoragePass),
			// on a cluster's controller (eighteenth held-out batch)
			"/etc/slurm/slurmdbd.conf", "/etc/slurm-llnl/slurmdbd.conf"}},
	// Emacs keeps name~ on the first save and #name# while editing (vim's
	// .env.swp is a .env.* already).
	{Secret, "an editor's backup or auto-save of a secret holds what it held", nil, []string{".env~", "#.env#",
		"?*.env~", "*.pem~", "*.key~", "id_rsa~", "id_ed25519~", "id_ecdsa~", "id_dsa~"}},
	// Mercurial's and Jujutsu's repository config ([hooks] pre-<command>
	// runs at any hg command, [extensions] loads Python by path; jj's
	// aliases and fix tools), and what points hg at another repository's
	// (a share's sharedpath) (sixth red team of the sandbox).
	{Protected, "Mercurial and Jujutsu run the hooks, extensions and programs their config names", nil, []string{
		".hg/hgrc", ".hg/hgrc-not-shared", ".hg/sharedpath", ".jj/repo/config.toml", "~/.config/hg", "~/.config/jj",
		"~/.jjconfig.toml", "~/.mercurial.ini"}},
	// debconf's answers to password questions (a database's root password
	// given at install). Not the kernel's trace buffer (/sys/kernel/tracing):
	// a watched path on tracefs keeps the sandbox's plan cache from ever
	// holding (measured: twice the time with 300 roots).
	{Secret, "debconf's stored passwords", nil, []string{"/var/cache/debconf/passwords.dat",
		"/var/cache/debconf/passwords.dat-old"}},
	// What agents keep of their sessions: transcripts (every command's
	// output, a .env printed by a command run outside the sandbox, a token
	// pasted in a prompt), prompt histories, the copies of the files they
	// edited, and the lock files holding the token of an IDE's connection;
	// Jupyter's runtime files hold the key that runs code in a live kernel
	// (seventh red team of the sandbox). Not Claude Code's shell snapshots,
	// which its commands source.
	{Secret, "an agent's transcripts, prompt history or copies of edited files, or a live session's key", nil, []string{
		"~/.claude/projects", "~/.claude/history.jsonl", "~/.claude/file-history", "~/.claude/ide", "~/.codex/sessions",
		"~/.codex/archived_sessions", "~/.codex/history.jsonl", "~/.codex/log", "~/.gemini/tmp", "~/.gemini/history",
		"~/.local/share/opencode", ".aider.chat.history.md", ".aider.input.history", ".aider.llm.history",
		"~/.local/share/jupyter/runtime", "~/.ipython/profile_*/security"}},
	// Agents' and editors' MCP configurations: the servers' tokens sit in
	// their env entries (GITHUB_PERSONAL_ACCESS_TOKEN...), and ~/.claude.json
	// keeps each project's prompt history too. Protected as well (above):
	// hidden and read-only both (seventh red team).
	{Secret, "an agent's MCP configuration holds its servers' tokens", nil, []string{"~/.claude.json",
		"~/.codex/config.toml", "~/.gemini/settings.json", "~/.cursor/mcp.json", "~/.codeium/windsurf/mcp_config.json",
		"~/.config/Claude/claude_desktop_config.json"}},
	// Editors keep every saved version of every file (a .env edited once
	// stays there after the secret is rotated out of the project), and more
	// REPLs and shells keep what was typed (seventh red team).
	{Secret, "an editor's local history or a REPL's history holds what was saved or typed", nil, []string{
		"~/.config/Code/User/History", "~/.config/Cursor/User/History", "~/.config/VSCodium/User/History",
		"~/.config/Windsurf/User/History", "~/.local/share/code-server/User/History", "~/.cache/JetBrains/*/LocalHistory",
		"~/.ipython/profile_*/history.sqlite", "~/.julia/logs/repl_history.jl", "~/.mongodb/mongosh/mongosh_repl_history",
		"~/.config/nushell/history.txt", "~/.config/nushell/history.sqlite3", ".zhistory", ".Rhistory", ".scala_history",
		".duckdb_history", ".clickhouse-client-history", ".usql_history", ".pry_history", ".octave_hist",
		"ghci_history"}},
	// More of what root reads on a server: systemd's key for encrypted
	// credentials, cloud-init's user data (bootstrap tokens, keys) and its
	// sensitive instance data, libvirt's and Samba's secrets, LDAP bind
	// passwords, Erlang's cookie (whoever has it runs code on the node:
	// RabbitMQ, CouchDB), Puppet's and Salt's private keys (seventh red team).
	{Secret, "a server's key, bootstrap data or service password", nil, []string{"/var/lib/systemd/credential.secret",
		"/var/lib/cloud/instance/user-data.txt", "/var/lib/cloud/instance/user-data.txt.i",
		"/var/lib/cloud/instances/*/user-data.txt", "/var/lib/cloud/instances/*/user-data.txt.i",
		"/run/cloud-init/instance-data-sensitive.json", "/etc/libvirt/secrets", "/var/lib/samba/private", "/etc/ldap.secret",
		"/etc/pam_ldap.secret", "/etc/libnss-ldap.secret", "/etc/nslcd.conf", ".erlang.cookie",
		"/var/lib/rabbitmq/.erlang.cookie", "/var/lib/couchdb/.erlang.cookie", "/etc/puppetlabs/puppet/ssl/private_keys",
		"/etc/salt/pki"}},
	// What runs later, outside, that the list missed (eighth red team):
	// vim's and Neovim's plugin directories (every file in a plugin/ there
	// is sourced at start) and XDG init places, Emacs's XDG and Doom's and
	// Spacemacs's init, AWS's config (credential_process runs at the next
	// aws or SDK call), sbt's and Leiningen's global plugins and profiles,
	// pdb's start-up commands (also the .pdbrc of the directory it starts
	// in), a prompt's custom commands (starship runs them at every prompt),
	// terminals' config (WezTerm's is Lua; kitty's and Alacritty's name
	// programs), the user settings, tasks and MCP servers of VS Code and its
	// forks, and more agents' global and project MCP servers, plugins and
	// hooks (OpenCode's plugins, Goose's extensions, Copilot CLI's, Factory's,
	// Amp's, Amazon Q's, Junie's).
	{Protected, "a tool run later loads it as code or runs the commands it names", nil, []string{"~/.vim",
		"~/.config/vim", "~/.config/emacs", "~/.doom.d", "~/.config/doom", "~/.spacemacs", "~/.spacemacs.d",
		"~/.local/share/nvim/site", "~/.local/share/nvim/lazy", "~/.aws/config", "~/.sbt/1.0", "~/.sbt/0.13",
		"~/.lein/profiles.clj", "~/.lein/profiles.d", ".pdbrc", "~/.config/starship.toml", "~/.wezterm.lua",
		"~/.config/wezterm", "~/.config/kitty", "~/.config/alacritty", "~/.alacritty.toml", "~/.config/Code/User",
		"~/.config/Code - Insiders/User", "~/.config/Cursor/User", "~/.config/VSCodium/User", "~/.config/Windsurf/User",
		"~/.config/opencode", "~/.config/goose", "~/.copilot", ".factory", "~/.config/amp", ".amp", "~/.aws/amazonq",
		".junie",
		// Shells' and shell frameworks' code run at every start (nushell,
		// PowerShell, xonsh; oh-my-zsh, zinit, prezto, bash-it: their
		// plugin clones and custom/*.zsh, sourced by a loop the start-up
		// file reading does not follow), direnv's legacy ~/.direnvrc (sourced
		// before every .envrc), IPython's and Jupyter's Python config, gh's
		// extensions (programs) and aliases (shell commands), file managers'
		// start-up code, Zed's and Helix's language servers and tasks,
		// Hammerspoon's Lua.
		"~/.config/nushell/config.nu", "~/.config/nushell/env.nu", "~/.config/nushell/login.nu",
		"~/.config/nushell/autoload", "~/.local/share/nushell/vendor/autoload", "~/.config/powershell", "~/.xonshrc",
		"~/.config/xonsh", "~/.oh-my-zsh", "~/.zinit", "~/.local/share/zinit", "~/.zprezto", "~/.zplug", "~/.antigen",
		"~/.bash_it", "~/.oh-my-bash", "~/.zshrc.local", "~/.direnvrc", "~/.ipython/profile_*/ipython_config.py",
		"~/.ipython/profile_*/ipython_kernel_config.py", "~/.ipython/extensions", "~/.jupyter", "~/.config/gh/config.yml",
		"~/.local/share/gh/extensions", "~/.config/lf", "~/.config/yazi", "~/.config/ranger", "~/.config/zed",
		"~/.config/helix", "~/.hammerspoon"}},
	// Credentials in common setups the list missed (eighth red team):
	// Chromium-based browsers' and Electron chat apps' profiles (session
	// cookies, saved passwords, a Slack or Discord token), Firefox forks',
	// KWallet's files, NSS's client keys, MySQL's login paths, PostgreSQL's
	// service file, Pulumi's, OpenStack's and Talos's credentials, age
	// identities (chezmoi's, passage's, gopass's), LastPass's, Bitwarden's
	// and 1Password's local data, borg's repository keys, the llm CLI's and
	// WakaTime's API keys, VS Code's secret storage, DBeaver's saved
	// passwords. Not ~/.config/*/credentials*: with 80 directories in
	// ~/.config, every run then made 1175 system calls instead of 902 (186
	// getdents64), measured with strace.
	{Secret, "a browser or chat app's profile, a password manager's data, or a tool's stored login or key", nil,
		[]string{"~/.config/microsoft-edge", "~/.config/microsoft-edge-beta", "~/.config/microsoft-edge-dev",
			"~/.config/vivaldi", "~/.config/opera", "~/.config/google-chrome-beta", "~/.config/google-chrome-unstable",
			"~/.librewolf", "~/.waterfox", "~/.floorp", "~/.zen", "~/.config/Slack", "~/.config/discord",
			"~/.config/Signal", "~/.config/Element", "~/.config/Microsoft/Microsoft Teams", "~/.config/teams-for-linux",
			"~/.local/share/kwalletd", "~/.kde/share/apps/kwallet", "~/.kde4/share/apps/kwallet", "~/.pki/nssdb",
			"~/.mylogin.cnf", "~/.pg_service.conf", "~/.pulumi/credentials.json", "~/.config/openstack/clouds.yaml",
			"~/.config/openstack/secure.yaml", "/etc/openstack/clouds.yaml", "~/.talos/config",
			"~/.config/chezmoi/key.txt", "~/.config/age", "~/.passage", "~/.config/gopass", "~/.local/share/gopass",
			"~/.local/share/lpass", "~/.lpass", "~/.config/lpass", "~/.config/Bitwarden", "~/.config/1Password",
			"~/.local/share/rbw", "~/.config/borg/keys", "~/.config/io.datasette.llm/keys.json", "~/.wakatime.cfg",
			"~/.config/Code/User/globalStorage/state.vscdb", "~/.config/VSCodium/User/globalStorage/state.vscdb",
			"~/.config/Windsurf/User/globalStorage/state.vscdb", "credentials-config.json",
			"~/.local/share/DBeaverData/workspace6/*/.dbeaver/credentials-config.json"}},
	// Logins kept outside the home (ninth red team): podman's, buildah's and
	// skopeo's registry logins (`podman login` writes the runtime
	// directory's containers/auth.json, root's in /run/containers/0), and the
	// display's authorization cookies in the runtime directory (GDM's, GNOME
	// Xwayland's, SDDM's and LightDM's), which let whoever reaches the
	// display type into every window (the sandbox also hides the files
	// XAUTHORITY and XDG_RUNTIME_DIR name).
	{Secret, "a container registry login, or a display's authorization cookie", nil, []string{
		"~/.config/containers/auth.json", "/run/containers/*/auth.json", "/run/user/*/containers/auth.json",
		"/run/user/*/gdm/Xauthority", "/run/user/*/.mutter-Xwaylandauth.*", "/run/user/*/xauth_*", "/run/sddm",
		"/run/lightdm/root"}},
	// Stored logins the earlier lists missed (eleventh red team): FileZilla's
	// sites (base64 passwords), Remmina's connections with the key that
	// decrypts their passwords, HexChat's server and NickServ passwords,
	// wget's and curl's start-up files (password=, user = name:pass), lftp's
	// bookmarks, Composer's GitHub tokens and HTTP passwords, Vercel's and
	// legacy Netlify's tokens, Cloudflare Tunnel's origin certificate and
	// tunnel credentials, MinIO's mcli, uv's and Poetry's index passwords
	// (plain files when no keyring), OVH's, Vultr's, Snyk's, Twilio's,
	// MongoDB Atlas's and Doppler's API keys, Teleport's keys and
	// certificates, python keyring's plaintext and encrypted files,
	// Telegram Desktop's session (whoever has tdata is logged in).
	// Command-line AI and service clients' stored API keys (twenty-first
	// red team of the sandbox: each read from inside, the project beside
	// the home): shell_gpt's .sgptrc, fabric's and aichat's .env and
	// aichat's config (its clients' api_key), gptme's [env], the Neon,
	// PlanetScale and Turso CLIs' tokens, Codeium's and Tabby's editor
	// agents' keys, todoist's, spotify-tui's and the Twitch CLI's.
	{Secret, "a client's stored password, token, key or session", nil, []string{"~/.config/shell_gpt/.sgptrc",
		"~/.config/fabric/.env", "~/.config/aichat/.env", "~/.config/aichat/config.yaml", "~/.config/gptme/config.toml",
		"~/.config/neonctl/credentials.json", "~/.config/planetscale/access-token", "~/.planetscale",
		"~/.config/turso/settings.json", "~/.codeium/config.json", "~/.tabby-client/agent/config.toml",
		"~/.config/todoist/config.json", "~/.config/spotify-tui/client.yml", "~/.config/twitch-cli/.twitch-cli.env"}},
	{Secret, "a client's stored password, token, key or session", nil, []string{"~/.config/filezilla",
		"~/.filezilla", "~/.config/remmina", "~/.local/share/remmina", "~/.remmina", "~/.config/hexchat/servlist.conf",
		"~/.wgetrc", "~/.curlrc", "~/.local/share/lftp/bookmarks", "~/.lftp/bookmarks", "~/.config/composer/auth.json",
		"~/.composer/auth.json", "~/.local/share/com.vercel.cli/auth.json", "~/.netlify/config.json", "~/.cloudflared",
		"~/.mcli/config.json", "~/.local/share/uv/credentials", "~/.config/pypoetry/auth.toml", "~/.ovh.conf",
		"~/.vultr-cli.yaml", "~/.config/vultr-cli.yaml", "~/.config/configstore/snyk.json",
		"~/.config/twilio-cli/config.json", "~/.config/atlascli/config.toml", "~/.doppler", "~/.config/doppler",
		"~/.tsh", "~/.local/share/python_keyring", "~/.local/share/TelegramDesktop/tdata"}},
	// Stored logins still readable after the eleventh pass (twelfth red
	// team): git credential-store's XDG file (plain URLs with passwords),
	// stores locked by a master password or a fixed key, open to guessing
	// or decryption offline (rbw's vault cache, pgAdmin 4's saved server
	// passwords, JetBrains IDEs' KeePass store with c.pwd, which holds its
	// key, GitKraken's profiles), API clients' data whose collections and
	// environments keep keys as plain values (Postman, Insomnia),
	// Infisical's login, helm's registry login, Ollama's signing key,
	// Kaggle's XDG key file, GitLab Runner's runner tokens, Snowflake's
	// connections, ClickHouse client's and Argo CD's and Rancher's logins,
	// the mail clients' passwords (mutt, neomutt, mbsync, OfflineIMAP, aerc,
	// himalaya), Transifex's and sourcehut's tokens.
	{Secret, "a stored login, or a password store locked by a key kept next to it", nil, []string{
		"~/.config/git/credentials", "~/.cache/rbw", "~/.pgadmin", "~/.config/JetBrains/*/c.pwd",
		"~/.config/JetBrains/*/c.kdbx", "~/.gitkraken", "~/.config/Postman", "~/.config/Insomnia", "~/.infisical",
		"~/.config/helm/registry/config.json", "~/.ollama/id_ed25519", "~/.config/kaggle/kaggle.json",
		"~/.gitlab-runner/config.toml", "~/.snowflake", "~/.clickhouse-client/config.xml", "~/.config/argocd/config",
		"~/.argocd/config", "~/.rancher/cli2.json", "~/.muttrc", "~/.mutt", "~/.config/mutt", "~/.config/neomutt",
		"~/.mbsyncrc", "~/.config/isyncrc", "~/.offlineimaprc", "~/.config/aerc/accounts.conf",
		"~/.config/himalaya/config.toml", "~/.transifexrc", "~/.config/hut/config"}},
	// Stored logins and keys still readable (eighteenth red team of the
	// sandbox), each at the place its tool documents: Emacs's auth-source
	// files (plain passwords), cryptocurrency wallets and keystores
	// (Solana's default keypair is the private key in plain JSON; geth's,
	// Foundry's, NEAR's, Sui's keystores; Bitcoin Core's and Electrum's
	// wallets), the Tencent Cloud, Yandex Cloud, Exoscale, Render and
	// Vercel (its older places) CLIs' logins, Datadog's dogshell keys,
	// minikube's certificate authorities and client keys (the cluster's
	// admin), Ansible Galaxy's token, Chef's credentials and client keys,
	// Puppet's agent keys, Vagrant Cloud's token, NetworkManager's VPN
	// certificates and keys, VNC's password, sbt's and Hex's publishing
	// credentials, HTTPie's sessions (auth headers and cookies), OBS's
	// stream key, GNOME's older keyring directory. A *.pem or *.key below
	// the home is matched at the home's top only, so each place is named.
	{Secret, "a stored login, key or wallet", nil, []string{"~/.authinfo", "~/.authinfo.gpg",
		"~/.config/solana/id.json", "~/.ethereum/keystore", "~/.foundry/keystores", "~/.near-credentials",
		"~/.sui/sui_config/sui.keystore", "~/.bitcoin/wallets", "~/.bitcoin/wallet.dat", "~/.electrum/wallets",
		"~/.tccli", "~/.config/yandex-cloud", "~/.config/exoscale", "~/.render/cli.yaml", "~/.vercel/auth.json",
		"~/.now/auth.json", "~/.dogrc", "~/.minikube/ca.key", "~/.minikube/proxy-client-ca.key",
		"~/.minikube/certs/ca-key.pem", "~/.minikube/profiles/*/client.key", "~/.minikube/profiles/*/apiserver.key",
		"~/.ansible/galaxy_token", "~/.chef/credentials", "~/.chef/*.pem", "~/.puppetlabs/etc/puppet/ssl/private_keys",
		"~/.vagrant.d/data/vagrant_login_token", "~/.cert", "~/.vnc/passwd", "~/.sbt/.credentials", "~/.hex/hex.config",
		"~/.config/httpie/sessions", "~/.config/obs-studio/basic/profiles/*/service.json", "~/.gnome2/keyrings"}},
	// More agents' logins, MCP servers' OAuth tokens and session records
	// (ninth red team): Qwen Code's OAuth credentials and settings (MCP
	// servers' env), Gemini CLI's and Qwen Code's MCP OAuth tokens, Amp's,
	// Goose's (keyring off), Auggie's, Cline CLI's, Crush's and Copilot CLI's
	// stored keys; Goose's, Copilot CLI's, Factory's and cursor-agent's
	// sessions. By the tools' documented places (none runs here).
	{Secret, "an agent's credentials, MCP OAuth tokens or session records", nil, []string{"~/.qwen/oauth_creds.json",
		"~/.qwen/settings.json", "~/.qwen/mcp-oauth-tokens.json", "~/.gemini/mcp-oauth-tokens.json",
		"~/.local/share/amp/secrets.json", "~/.config/goose/secrets.yaml", "~/.augment/session.json",
		"~/.cline/data/secrets.json", "~/.local/share/crush/crush.json", "~/.copilot/config.json",
		"~/.local/share/goose/sessions", "~/.copilot/session-state", "~/.copilot/history-session-state",
		"~/.factory/sessions", "~/.cursor/chats"}},
	// What the desktop session, the session's bus and the window manager
	// start later, besides ~/.config/autostart and ~/.config/systemd (ninth
	// red team): user units in the data directory, D-Bus services started
	// when a program asks for their name (a notification daemon's), desktop
	// entries (one named like an installed application's replaces it; a
	// MIME handler runs when a file or link is opened) and the default
	// handlers list, KDE's login and shutdown scripts, window managers' and
	// compositors' config (exec lines), Jupyter's kernel specs (the argv a
	// kernel starts with).
	{Protected, "the desktop session, its bus or window manager starts what these name", nil, []string{
		"~/.local/share/systemd/user", "~/.local/share/dbus-1/services", "~/.local/share/applications",
		"~/.config/mimeapps.list", "~/.config/plasma-workspace/env", "~/.config/plasma-workspace/shutdown",
		"~/.config/autostart-scripts", "~/.config/i3", "~/.i3", "~/.config/sway", "~/.config/hypr",
		"~/.config/niri", "~/.config/labwc", "~/.config/openbox", "~/.config/awesome", "~/.xmonad",
		"~/.config/xmonad", "~/.xbindkeysrc", "~/.local/share/jupyter/kernels"}},
	// Editors' swap, persistent-undo and backup files hold the text of what
	// was edited: a .env while it is open (Neovim's swap, on by default), and
	// its old lines after a secret was rotated out (undo files, which vim
	// and Neovim keep when undofile is set), outside the project where no
	// name matches (thirteenth red team). Neovim's state directories (and
	// the data directory of versions before 0.8), the places dotfiles
	// usually give vim's, Emacs's backup directories.
	{Secret, "an editor's swap, undo or backup files hold the text of the files it edited", nil, []string{
		"~/.local/state/nvim/swap", "~/.local/state/nvim/undo", "~/.local/state/nvim/backup",
		"~/.local/share/nvim/swap", "~/.local/share/nvim/undo", "~/.local/share/nvim/backup",
		"~/.vim/undo", "~/.vim/undodir", "~/.vim/swap", "~/.vim/swapfiles", "~/.vim/backup", "~/.vim/backups",
		"~/.cache/vim/undo", "~/.cache/vim/swap", "~/.cache/vim/backup", "~/.emacs.d/backups", "~/.emacs.d/backup",
		"~/.config/emacs/backups"}},
	// What root reads that the system keeps beside the listed secrets
	// (thirteenth red team): Debian's daily copies of the password hashes
	// (the passwd package's cron job), apt's repository logins (Ubuntu Pro's
	// token among them) and Ubuntu Pro's machine token, Wi-Fi passwords
	// (netplan's files, iwd's, Bluetooth link keys), and the mail relay and
	// WebDAV passwords of exim, ssmtp, msmtp and davfs2, Proxmox's keys.
	{Secret, "a copy of the password hashes, or a stored system login or network key", nil, []string{
		"/var/backups/shadow.bak", "/var/backups/gshadow.bak", "/etc/apt/auth.conf", "/etc/apt/auth.conf.d",
		"/var/lib/ubuntu-advantage/private", "/etc/netplan", "/var/lib/iwd", "/var/lib/bluetooth",
		"/etc/exim4/passwd.client", "/etc/ssmtp", "/etc/msmtprc", "/etc/davfs2/secrets", "/etc/pve/priv",
		// wpa_supplicant's and hostapd's Wi-Fi passphrases (the name
		// wpa_supplicant.conf above matches in the roots only), Docker
		// Swarm's node keys and raft store, SSSD's cached password hashes
		// and secrets, cloudflared's tunnel credentials, ZeroTier's node key
		// and local API token (twentieth red team of the sandbox).
		"/etc/wpa_supplicant", "/etc/hostapd", "/var/lib/docker/swarm", "/var/lib/sss/db", "/var/lib/sss/secrets",
		"/etc/cloudflared", "/var/lib/zerotier-one/identity.secret", "/var/lib/zerotier-one/authtoken.secret"}},
	// Names tools look for in the directory they run in and in every one
	// above it, at the top of the home (a home that is a root): every
	// project below the home without one of its own takes the home's. go
	// reads a go.work above the module (a `replace` there swapped a
	// dependency of ~/proj for code of the program's at the next `go run`
	// outside: fifteenth red team), pytest imports the conftest.py of every
	// directory above the tests, git takes a directory holding HEAD,
	// objects and refs for a bare repository, ESLint and Prettier load the
	// nearest config above (JavaScript, or plugins it names by path) when
	// an editor lints or formats on save. Sandbox-9 keeps these names at
	// the top of /tmp; a project's own are the project's.
	{Protected, "tools look for it in every directory above the one they run in, and run what it says", nil, []string{
		"~/go.work", "~/conftest.py", "~/HEAD", "~/eslint.config.js", "~/eslint.config.mjs", "~/eslint.config.cjs",
		"~/eslint.config.ts", "~/eslint.config.mts", "~/eslint.config.cts", "~/prettier.config.js",
		"~/prettier.config.mjs", "~/prettier.config.cjs", "~/prettier.config.ts", "~/.prettierrc", "~/.prettierrc.json",
		"~/.prettierrc.json5", "~/.prettierrc.yaml", "~/.prettierrc.yml", "~/.prettierrc.toml", "~/.prettierrc.js",
		"~/.prettierrc.mjs", "~/.prettierrc.cjs", "~/.prettierrc.ts"}},
	// Tool settings in the home that name a command or code to load, and
	// the programs and plugins tools run from there, that the list missed
	// (fifteenth red team): go's env file (`go env -w
	// GOFLAGS=-toolexec=...` ran a program at every later go build), docker's
	// CLI plugins (~/.docker/cli-plugins/docker-compose shadows the system's
	// at `docker compose`), rustup's toolchains and settings (a default
	// toolchain of the program's ran at the next rustc), bash-completion's
	// user file and completions (sourced by every interactive bash),
	// pylint's init-hook and mypy's plugins by path, the extensions and
	// plugins of VS Code Insiders, VSCodium, code-server, Sublime Text,
	// JetBrains IDEs (and their vmoptions' -javaagent), coc.nvim and the
	// language servers mason.nvim installs, vim-plug's Neovim plugins,
	// lazygit's pager and custom commands, the Python installs uv manages
	// (every uv venv runs their interpreter), conda's base installs (`conda
	// init` runs bin/conda at every shell start), kubectl's krew plugins,
	// helm's plugins, terraform's local provider mirror.
	{Protected, "a tool run later loads the code or runs the programs these hold or name", nil, []string{
		"~/.config/go/env", "~/.docker/cli-plugins", "~/.rustup", "~/.bash_completion", "~/.local/share/bash-completion",
		"~/.pylintrc", "~/.config/pylintrc", "~/.mypy.ini", "~/.config/mypy", "~/.vscode-insiders", "~/.vscode-oss",
		"~/.local/share/code-server", "~/.config/sublime-text", "~/.config/sublime-text-3", "~/.config/JetBrains",
		"~/.local/share/JetBrains", "~/.config/coc", "~/.local/share/nvim/mason", "~/.local/share/nvim/plugged",
		"~/.config/lazygit", "~/.local/share/uv/python", "~/miniconda3", "~/anaconda3", "~/miniforge3", "~/mambaforge",
		"~/.krew", "~/.local/share/helm/plugins", "~/.terraform.d/plugins",
		// Code tools download once and run from their cache at every later
		// call: corepack's package managers (the pnpm and yarn shims run
		// ~/.cache/node/corepack/v1/pnpm/X/bin/pnpm.cjs: a line appended from
		// inside ran at the next `corepack pnpm` outside), pre-commit's hook
		// repositories and environments (every commit of every repository
		// using them), npx's packages. Filling them needs the network, which
		// full-auto has not by default. The browsers and drivers test tools
		// download the same way and start at every test run: Playwright's
		// (~/.cache/ms-playwright/chromium-N/chrome-linux64/chrome: a script
		// written there from inside ran at the next launch outside, sixteenth
		// red team, S16-4), Puppeteer's, Cypress's, Selenium Manager's.
		"~/.cache/node/corepack", "~/.cache/pre-commit", "~/.npm/_npx",
		"~/.cache/ms-playwright", "~/.cache/puppeteer", "~/.cache/Cypress", "~/.cache/selenium"}},
	// Build tools' per-user files that name a program or code to load
	// (nineteenth red team of the sandbox): ccache runs its config's
	// prefix_command before every compiler call it wraps (Debian's
	// /usr/lib/ccache stands for gcc and cc on PATH; ~/.ccache/ccache.conf is
	// its config where ~/.ccache exists), and CMake's user package registry
	// names the directory whose FooConfig.cmake find_package(Foo) runs, for
	// a package found nowhere before it: either made from inside, with the
	// home a root, ran at the next compile or cmake configure outside.
	{Protected, "a build tool runs the program this config names, or loads the code this registry points to", nil,
		[]string{"~/.config/ccache", "~/.ccache/ccache.conf", "~/.cmake/packages"}},
	// What the system keeps of crashed processes (fifteenth red team):
	// apport's reports (/var/crash: the environment, command line and core
	// of the process), the cores systemd-coredump, apport and ABRT keep, and
	// kdump's vmcores (/var/crash on Red Hat's systems: all of memory). A
	// crashed agent's core holds its API key and what it read; root reads
	// every process's, a user their own (systemd-coredump grants it).
	{Secret, "a crashed process's core or crash report holds its memory and environment", nil, []string{"/var/crash",
		"/var/lib/systemd/coredump", "/var/lib/apport/coredump", "/var/spool/abrt"}},
	// Snapshots of the system that backup tools keep as plain files: every
	// listed secret again under another path (/etc/shadow, the host keys,
	// root's ~/.ssh, Wi-Fi passwords), read by root (fifteenth red team;
	// sandbox-14 left btrfs's). Timeshift's rsync snapshots on the root file
	// system (Linux Mint's default) and the backup device it mounts,
	// snapper's, rsnapshot's default root.
	{Secret, "a backup snapshot of the system holds a copy of every secret in it", nil, []string{"/timeshift",
		"/run/timeshift", "/.snapshots", "/var/cache/rsnapshot"}},
	// The desktop's trash keeps what was deleted, under its own name and
	// deeper than the home's top that the secret names are matched at: a
	// .env or a key deleted with a file manager or trash-put (a .env with a
	// rotated key read there from inside: fifteenth red team).
	{Secret, "the trash keeps deleted files, secrets among them", nil, []string{"~/.local/share/Trash"}},
}

// Default returns guard's built-in list. Each call returns a new List the
// caller may change.
func Default() *List {
	// The entries and their index are static data (default_index.go) until
	// the list changes (Add, Remove, Apply): no run builds them.
	l := &List{Entries: defaultEntries[:len(defaultEntries):len(defaultEntries)], static: true}
	l.cache = [2][]*compiledList{{&defaultIndex[0]}, {&defaultIndex[1]}}
	l.SecretEnv = []string{"*KEY*", "*SECRET*", "*TOKEN*", "*PASSWORD*", "*PASSWD*", "*_PWD", "*CREDENTIAL*", "*_PAT",
		"*COOKIE*", "*OAUTH*", "*_AUTH", "*AUTHORIZATION*", "*JWT*", "*DSN*", "DATABASE_URL", "*_DATABASE_URL", "SSH_AUTH_SOCK", "PAT", "AUTH", "*BEARER*", "*AUTH_CONFIG*",
		// passwords and URLs that carry them
		"*_PASS", "*_PASS_*", "*PASSPHRASE*", "*WEBHOOK*", "*_URI", "REDIS_URL", "*_REDIS_URL", "MONGO*_URL",
		"AMQP_URL", "*RABBITMQ_URL", "*CONNECTION_STRING*", "*_CONN_STR*", "*PRIVATE*", "POSTGRES*_URL", "PG_URL",
		"MYSQL*_URL", "MARIADB*_URL", "*BROKER_URL", "DB_URL", "*_DB_URL", "*CREDS*", "*_SALT",
		// sshpass -e's password; the session keys that unlock Bitwarden's and
		// 1Password's command-line vaults (bw, op: every password in them)
		"SSHPASS", "BW_SESSION", "OP_SESSION_*",
		// a key or client certificate by its container's name, a cluster's
		// kubeconfig as data (CI), fastlane's Apple ID session cookie,
		// SonarQube's token under its old name, yarn's user:password
		// (ninth red team of the sandbox)
		"*_PEM", "*_P12", "*_PFX", "KUBE_CONFIG*", "*KUBECONFIG_DATA*", "FASTLANE_SESSION", "SONAR_LOGIN", "*AUTH_IDENT*",
		// Passwords by their short names (DB_PW, LDAP_BIND_PW, DBPASS,
		// SMTPPASS), session cookies and ids (APP_SESSION, SESSION_ID), a
		// wallet's seed words, an Azure shared access signature, a
		// connection string under its short name (seventeenth red team:
		// each reached the program).
		"*_PW", "*_PW_*", "*PASS", "*_SESSION", "*SESSION_ID", "*MNEMONIC*", "*SEED_PHRASE*", "*_SAS", "*_SAS_*",
		"*CONNSTR*",
		// One-time-password seeds (a TOTP secret makes every later code)
		// and credentials under the short name CRED.
		"*TOTP*", "*HOTP*", "OTP_*", "*_OTP", "*_OTP_*", "*_OTP_SEED*", "CRED", "*_CRED", "*_CRED_*", "CRED_*"}
	// GIT_CONFIG_KEY_n holds config names (guard's own git pins among
	// them), never secrets; the values are GIT_CONFIG_VALUE_n.
	l.SecretEnvAllow = []string{"*KEYBOARD*", "*KEYMAP*", "KEYTIMEOUT", "GPG_TTY", "GIT_CONFIG_KEY_*", "XAUTHORITY",
		// not passwords: a bypass switch, the program that asks for one, the
		// desktop's session name, the login session's and the terminal's ids
		"*BYPASS", "*ASKPASS", "DESKTOP_SESSION", "XDG_SESSION_ID", "TERM_SESSION_ID"}
	return l
}

// builtEntries is defaultList as entries, from which default_index.go's
// defaultEntries is generated.
func builtEntries() []Entry {
	var out []Entry
	for _, g := range defaultList {
		for _, p := range g.patterns {
			out = append(out, Entry{Pattern: p, Kind: g.kind, Reason: g.why, Except: slices.Clip(g.except)})
		}
	}
	return out
}

// own gives l entries of its own before they are changed in place: those
// of Default are shared static data.
func (l *List) own() {
	if l.static {
		l.Entries, l.static = slices.Clone(l.Entries), false
	}
}

// Add appends entries of one kind, for config additions and the dynamic
// entries (guard's state, a repository's hooks path).
func (l *List) Add(kind Kind, reason string, patterns ...string) {
	if len(patterns) == 0 {
		return
	}
	from := len(l.Entries)
	for _, p := range patterns {
		l.Entries = append(l.Entries, Entry{Pattern: p, Kind: kind, Reason: reason})
	}
	l.appended(from, kind)
}

// AddEntries appends entries whole, each with its own kind, reason and
// exceptions: many at once (the "~/" entries again below another home)
// without a call of Add, and its lock, for each.
func (l *List) AddEntries(entries ...Entry) {
	from := len(l.Entries)
	l.Entries = append(l.Entries, entries...)
	for _, kind := range []Kind{Protected, Secret} {
		if slices.ContainsFunc(entries, func(e Entry) bool { return e.Kind == kind }) {
			l.appended(from, kind)
		}
	}
}

// appended notes that entries of kind were appended from index from on:
// the indexes made so far still hold (the other kind's whole); the new
// entries get one of their own when next used.
func (l *List) appended(from int, kind Kind) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if k := kindIndex(kind); l.cache[k] != nil && !l.added[k] {
		l.added[k], l.addedFrom[k] = true, from
	}
}

// Remove drops the entries whose pattern is one of patterns, for config
// removals (a user who wants .git/hooks writable). It reports the patterns
// that named no entry, so that a typo is an error, not a silent no-op.
func (l *List) Remove(patterns ...string) (unknown []string) {
	l.forget()
	l.own()
	for _, p := range patterns {
		found := false
		kept := l.Entries[:0]
		for _, e := range l.Entries {
			if e.Pattern == p {
				found = true
				continue
			}
			kept = append(kept, e)
		}
		l.Entries = kept
		if !found {
			unknown = append(unknown, p)
		}
	}
	return unknown
}

// Literal returns the entries of kind that match at any depth and whose
// components are all literal names (.envrc, .vscode, .husky/_), with no
// exceptions: the paths a directory can be checked for by name, where no
// pattern needs matching (the sandbox's look for protected names a command
// made, newnames_linux.go).
func (l *List) Literal(kind Kind) []Entry {
	out := make([]Entry, 0, 128)
	for _, e := range l.Entries {
		if e.Kind == kind && len(e.Except) == 0 && e.Pattern != "" && e.Pattern[0] != '/' && e.Pattern[0] != '~' &&
			!strings.ContainsAny(e.Pattern, "*?[\\") && cleanRelative(e.Pattern) {
			out = append(out, e)
		}
	}
	return out
}

// Protected is Match(Protected, ...).
func (l *List) Protected(p, home string) *Entry { return l.Match(Protected, p, home) }

// Secret is Match(Secret, ...).
func (l *List) Secret(p, home string) *Entry { return l.Match(Secret, p, home) }

// SecretEnv reports whether an environment variable of this name is
// removed in full-auto.
func (l *List) SecretEnvName(name string) bool {
	return l.envMatcher().secret(name)
}

// envMatcher returns SecretEnv and SecretEnvAllow compiled, kept until
// either changes length (they are only ever appended to) or forget runs.
func (l *List) envMatcher() *envMatcher {
	l.mu.Lock()
	defer l.mu.Unlock()
	lens := [2]int{len(l.SecretEnv), len(l.SecretEnvAllow)}
	if l.env == nil || l.envLens != lens {
		m := newEnvMatcher(l)
		l.env, l.envLens = &m, lens
	}
	return l.env
}

// envMatcher is SecretEnv and SecretEnvAllow upper-cased and compiled once:
// most patterns are "*WORD*", "*_SUFFIX", "PREFIX_*" or a literal name, which
// need no path.Match (ScrubEnv runs before every sandboxed command, over the
// whole environment).
type envMatcher struct {
	secrets, allow []envPattern
}

type envPattern struct {
	kind partKind // literal, prefix, suffix, glob; contains: anyDepth
	s    string   // the part to compare
	pat  string   // the whole pattern, upper-cased
	// A glob with one star and no other metacharacter (MONGO*_URL): the
	// name starts with s and ends with suf, no path.Match needed.
	split bool
	suf   string
}

func newEnvMatcher(l *List) envMatcher {
	compile := func(pats []string) []envPattern {
		out := make([]envPattern, 0, len(pats))
		for _, p := range pats {
			p = strings.ToUpper(p)
			const meta = `*?[\`
			e := envPattern{kind: glob, s: p, pat: p}
			switch {
			case !strings.ContainsAny(p, meta):
				e.kind = literal
			case len(p) >= 2 && p[0] == '*' && p[len(p)-1] == '*' && !strings.ContainsAny(p[1:len(p)-1], meta):
				e.kind, e.s = anyDepth, p[1:len(p)-1]
			case p[0] == '*' && !strings.ContainsAny(p[1:], meta):
				e.kind, e.s = suffix, p[1:]
			case p[len(p)-1] == '*' && !strings.ContainsAny(p[:len(p)-1], meta):
				e.kind, e.s = prefix, p[:len(p)-1]
			case strings.Count(p, "*") == 1 && !strings.ContainsAny(p, `?[\`):
				i := strings.IndexByte(p, '*')
				e.split, e.s, e.suf = true, p[:i], p[i+1:]
			}
			out = append(out, e)
		}
		return out
	}
	return envMatcher{secrets: compile(l.SecretEnv), allow: compile(l.SecretEnvAllow)}
}

// match is path.Match(e's pattern, up), up upper-cased, but that a slash is
// a character like any other: an environment variable's name is not a path
// (npm reads npm_config_//registry.npmjs.org/:_authToken, which *TOKEN*
// missed when * stopped at the slash).
func (e envPattern) match(up string) bool {
	switch e.kind {
	case literal:
		return up == e.s
	case prefix:
		return strings.HasPrefix(up, e.s)
	case suffix:
		return strings.HasSuffix(up, e.s)
	case anyDepth:
		return strings.Contains(up, e.s)
	}
	if e.split {
		return len(up) >= len(e.s)+len(e.suf) && strings.HasPrefix(up, e.s) && strings.HasSuffix(up, e.suf)
	}
	pat := e.pat
	if strings.IndexByte(up, '/') >= 0 || strings.IndexByte(pat, '/') >= 0 {
		up, pat = strings.ReplaceAll(up, "/", "\x01"), strings.ReplaceAll(pat, "/", "\x01")
	}
	ok, _ := path.Match(pat, up)
	return ok
}

func matchAny(ps []envPattern, up string) bool {
	for _, p := range ps {
		if p.match(up) {
			return true
		}
	}
	return false
}

// secret is SecretEnvName.
func (m envMatcher) secret(name string) bool {
	up := strings.ToUpper(name)
	return !matchAny(m.allow, up) && matchAny(m.secrets, up)
}

// Anchored reports whether a pattern names absolute paths (after ~
// expansion) rather than a name at any depth, and returns that path's
// pattern. The sandbox uses it to find what to deny before the command
// runs.
func Anchored(pattern, home string) (string, bool) {
	switch {
	case strings.HasPrefix(pattern, "~/"):
		if home == "" {
			return "", false
		}
		// Most patterns and homes are clean already: joined without Clean.
		if rest := pattern[2:]; cleanRelative(rest) && len(home) > 1 && home[0] == '/' && cleanRelative(home[1:]) {
			return home + "/" + rest, true
		}
		return path.Join(home, pattern[2:]), true
	case strings.HasPrefix(pattern, "/"):
		return path.Clean(pattern), true
	}
	return "", false
}

// cleanRelative reports whether p is a clean relative path: not empty, no
// empty, "." or ".." component, no slash at either end.
func cleanRelative(p string) bool {
	if p == "" || p[0] == '/' || p[len(p)-1] == '/' {
		return false
	}
	for p != "" {
		var c string
		c, p, _ = strings.Cut(p, "/")
		if c == "" || c == "." || c == ".." {
			return false
		}
	}
	return true
}

// compiled is one entry's pattern, split and with each component's kind
// decided once: most are literals, "*.ext" suffixes or "name*" prefixes,
// which need no path.Match.
type compiled struct {
	entry    int
	key      int    // anchored: how many components the index key holds
	keyText  string // anchored: the index key
	anchored bool   // from the first component only
	home     bool   // anchored at the home directory: pat and keyText relative to it
	never    bool   // "~/" with no home
	pat      []part
	except   []compiled
}

type partKind uint8

const (
	literal  partKind = iota
	suffix            // *lit
	prefix            // lit*
	glob              // anything else path.Match reads
	anyDepth          // **
)

type part struct {
	kind partKind
	s    string
	pre  string // glob: the literal text before the first metacharacter
	suf  string // glob: the literal text after the last * or ? ("" when a bracket or escape follows it)
}

func (x part) match(c string) bool {
	switch x.kind {
	case literal:
		return c == x.s
	case suffix:
		return strings.HasSuffix(c, x.s)
	case prefix:
		return strings.HasPrefix(c, x.s)
	}
	if !strings.HasPrefix(c, x.pre) || !strings.HasSuffix(c, x.suf) {
		return false // most names, before path.Match: ?*.env is tried on every name a walk meets
	}
	ok, _ := path.Match(x.s, c)
	return ok
}

func compilePattern(pattern, home string) compiled {
	return compileInto(nil, pattern, home)
}

// compileInto compiles pattern with its components appended to parts (one
// backing array for a whole list).
func compileInto(parts *[]part, pattern, home string) compiled {
	c := compiled{}
	if abs, ok := Anchored(pattern, home); ok {
		c.anchored = true
		pattern = abs
	} else if strings.HasPrefix(pattern, "~/") {
		c.never = true
		return c
	}
	var own []part
	if parts == nil {
		parts = &own
	}
	start := len(*parts)
	for rest := pattern; rest != ""; {
		var s string
		s, rest, _ = strings.Cut(rest, "/")
		if s == "" || s == "." {
			continue
		}
		p := part{kind: glob, s: s}
		meta := strings.ContainsAny(s, `*?[\`)
		if meta {
			p.pre = s[:strings.IndexAny(s, `*?[\`)]
			if tail := s[strings.LastIndexAny(s, "*?")+1:]; !strings.ContainsAny(tail, `[]\`) {
				p.suf = tail
			}
		}
		switch {
		case s == "**":
			p.kind = anyDepth
		case !meta:
			p.kind = literal
		case s[0] == '*' && !strings.ContainsAny(s[1:], `*?[\`):
			p = part{kind: suffix, s: s[1:]}
		case s[len(s)-1] == '*' && !strings.ContainsAny(s[:len(s)-1], `*?[\`):
			p = part{kind: prefix, s: s[:len(s)-1]}
		}
		*parts = append(*parts, p)
	}
	c.pat = (*parts)[start:len(*parts):len(*parts)]
	if c.anchored {
		// The index key: "/" and the leading literal components, up to
		// anchorDepth, a prefix of the clean absolute pattern.
		end := 0
		for _, x := range c.pat {
			if x.kind != literal || c.key == anchorDepth {
				break
			}
			end += 1 + len(x.s)
			c.key++
		}
		c.keyText = pattern[:end]
	}
	return c
}

// forget drops the compiled patterns of kinds (of both when none is named)
// after a change of the entries.
func (l *List) forget(kinds ...Kind) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(kinds) == 0 {
		l.cache, l.env, l.added = [2][]*compiledList{}, nil, [2]bool{}
		return
	}
	for _, k := range kinds {
		l.cache[kindIndex(k)], l.added[kindIndex(k)] = nil, false
	}
}

func (c *compiled) excepted(comps []string) bool { return c.exceptedAt(target{comps, -1, 0}) }

// covers reports whether the pattern names comps or one of its ancestors.
func (c *compiled) covers(comps []string) bool { return c.coversAt(target{comps, -1, 0}) }

// target is a path as Match checks it: its components, where those
// below the home directory start (-1 when it is not below it), and where
// the entries that match at any depth may start (MatchBelow: the first
// component below an agent's checkout's top; 0 elsewhere).
type target struct {
	comps  []string
	homeAt int
	from   int
}

func (c *compiled) exceptedAt(t target) bool {
	for i := range c.except {
		if c.except[i].coversAt(t) {
			return true
		}
	}
	return false
}

func (c *compiled) coversAt(t target) bool {
	switch {
	case c.never:
		return false
	case c.home:
		return t.homeAt >= 0 && prefixMatch(c.pat, t.comps[t.homeAt:])
	case c.anchored:
		return prefixMatch(c.pat, t.comps)
	}
	for i := t.from; i < len(t.comps); i++ {
		if prefixMatch(c.pat, t.comps[i:]) {
			return true
		}
	}
	return false
}

// prefixMatch reports whether the pattern components match a leading run
// of comps ("**" matches any number of components).
func prefixMatch(pat []part, comps []string) bool {
	for len(pat) > 0 {
		if pat[0].kind == anyDepth {
			for i := 0; i <= len(comps); i++ {
				if prefixMatch(pat[1:], comps[i:]) {
					return true
				}
			}
			return false
		}
		if len(comps) == 0 || !pat[0].match(comps[0]) {
			return false
		}
		pat, comps = pat[1:], comps[1:]
	}
	return true
}

func split(p string) []string { return splitInto(nil, p) }

// splitInto appends p's components to out, leaving out "" and ".".
func splitInto(out []string, p string) []string {
	for p != "" {
		var c string
		c, p, _ = strings.Cut(p, "/")
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

// Adjust is what a configuration file changes in the list.
type Adjust struct {
	Protected      []string // patterns added as protected paths
	Unprotected    []string // protected entries removed, or exceptions to them
	Secrets        []string // patterns added as secrets
	NotSecret      []string // secret entries removed, or exceptions to them
	SecretEnv      []string // name patterns added to the secret environment variables
	SecretEnvAllow []string // name patterns kept all the same
}

// Apply changes the list as a configuration says. A pattern of Unprotected or
// NotSecret that is an entry's pattern removes that entry; any other one
// becomes an exception to every entry of the kind ("~/work/test.pem" keeps
// that one file readable). An empty or malformed pattern is an error.
func (l *List) Apply(a Adjust) error {
	for _, group := range [][]string{a.Protected, a.Unprotected, a.Secrets, a.NotSecret, a.SecretEnv, a.SecretEnvAllow} {
		for _, p := range group {
			if err := ValidPattern(p); err != nil {
				return err
			}
		}
	}
	l.Add(Protected, "added by the configuration", a.Protected...)
	l.Add(Secret, "added by the configuration", a.Secrets...)
	except := func(kind Kind, patterns []string) {
		if len(patterns) == 0 {
			return // the static entries stay shared, not copied
		}
		l.own()
		for _, p := range patterns {
			found := false
			kept := l.Entries[:0]
			for _, e := range l.Entries {
				if e.Kind == kind && e.Pattern == p {
					found = true
					continue
				}
				kept = append(kept, e)
			}
			l.Entries = kept
			if found {
				l.forget() // the entries after it moved
				continue
			}
			l.forget(kind)
			for i := range l.Entries {
				if l.Entries[i].Kind == kind {
					l.Entries[i].Except = append(slices.Clip(l.Entries[i].Except), p)
				}
			}
		}
	}
	except(Protected, a.Unprotected)
	except(Secret, a.NotSecret)
	l.SecretEnv = append(l.SecretEnv, a.SecretEnv...)
	l.SecretEnvAllow = append(l.SecretEnvAllow, a.SecretEnvAllow...)
	return nil
}

// ValidPattern returns an error for a pattern Apply refuses: empty, or with
// a part path.Match cannot compile ("[abc").
func ValidPattern(p string) error {
	if strings.TrimSpace(p) == "" {
		return errors.New("empty pattern")
	}
	for _, c := range split(p) {
		if c == "**" {
			continue
		}
		if _, err := path.Match(c, ""); err != nil {
			return fmt.Errorf("pattern %q: %v", p, err)
		}
	}
	return nil
}

// CredentialValue reports whether an environment variable's value is a
// credential by its form, whatever the variable is called: what ScrubEnv
// removes by value (a token, a URL or data source name with a password, a
// connection string's password, a webhook or signed URL, an HTTP
// authorization header).
func CredentialValue(value string) bool {
	return hasURLPassword(value) || tokenValue(value) || credentialInValue(value) || hasAuthHeader(value)
}

// ScrubEnv returns env without the variables SecretEnvName names.
func (l *List) ScrubEnv(env []string) []string {
	m := l.envMatcher()
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		if matchAny(m.allow, strings.ToUpper(name)) {
			out = append(out, kv)
			continue
		}
		if m.secret(name) || hasURLPassword(value) || tokenValue(value) || credentialInValue(value) {
			continue
		}
		if hasAuthHeader(value) {
			// git's config from the environment (`git -c
			// http.extraheader=...` passes it to sub-gits, CI sets it):
			// the rest of it stays, guard's own pins among it; a
			// GIT_CONFIG_VALUE_n is emptied, not removed, since git
			// refuses a GIT_CONFIG_COUNT with a value missing.
			switch {
			case name == "GIT_CONFIG_PARAMETERS":
				if rest, ok := dropGitParams(value); ok {
					out = append(out, name+"="+rest)
				}
			case strings.HasPrefix(name, "GIT_CONFIG_VALUE_"):
				out = append(out, name+"=")
			}
			continue
		}
		out = append(out, kv)
	}
	return out
}

// tokenPrefixes start the tokens providers issue, each followed by at least
// minTokenBody token characters and nothing else: GitHub's, GitLab's,
// Slack's, Anthropic's and OpenAI's, Stripe's, npm's, PyPI's, Hugging
// Face's, Google's API keys and OAuth access tokens, Shopify's,
// DigitalOcean's, SendGrid's; and (twenty-first red team of the sandbox)
// those whose body is too short, in one case only, or follows no
// separator for prefixedToken to take: GitLab's runner and CI tokens,
// Square's, Supabase's, Pulumi's, Perplexity's, Databricks', Atlassian's,
// NuGet's, Slack's refresh tokens, Stripe's test and webhook secrets,
// Sentry's, Doppler's, 1Password's service accounts'.
var tokenPrefixes = []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "glptt-", "gldt-",
	"xoxb-", "xoxp-", "xoxa-", "xoxs-", "xapp-", "sk-ant-", "sk-proj-", "sk_live_", "rk_live_", "npm_", "pypi-",
	"hf_", "AIza", "ya29.", "shpat_", "dop_v1_", "SG.",
	"glrt-", "glcbt-", "glsoat-", "gloas-", "glffct-", "sq0atp-", "sq0csp-", "sbp_", "pul-", "pplx-", "dapi",
	"ATATT", "oy2", "xoxe-", "xoxe.", "whsec_", "sk_test_", "rk_test_", "sntrys_", "sntryu_", "dp.st.", "dp.pt.",
	"dp.sa.", "ops_"}

// minPrefixedBody is the shortest random body prefixedToken takes: longer
// than the identifiers services issue with a prefix and keep in
// configuration (OpenAI's org- and proj_ ids, Stripe's price_ ids: 24).
const minPrefixedBody = 30

// prefixedToken reports whether v has the shape every issuer's token has,
// listed or not (tskey-auth-..., lin_api_..., hvs...., gsk_...): one to
// three short lower-case words each ended by "_", "-" or ".", naming the
// issuer and the kind, then a random body of at least minPrefixedBody
// token characters that mixes upper and lower case letters and digits,
// which host names, pod names and UUIDs (one case) and version strings
// (short) do not.
func prefixedToken(v string) bool {
	i := 0
	for range 3 {
		j := i
		for j < len(v) && j-i < 12 && (v[j] >= 'a' && v[j] <= 'z' || v[j] >= '0' && v[j] <= '9') {
			j++
		}
		if j == i || j >= len(v) || v[j] != '_' && v[j] != '-' && v[j] != '.' {
			return false
		}
		i = j + 1
		if randomBody(v[i:]) {
			return true
		}
	}
	return false
}

// randomBody reports whether s is a token body of at least
// minPrefixedBody characters holding an upper case letter, a lower case
// letter and a digit.
func randomBody(s string) bool {
	if !tokenBody(s, minPrefixedBody) {
		return false
	}
	var upper, lower, digit bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		upper = upper || c >= 'A' && c <= 'Z'
		lower = lower || c >= 'a' && c <= 'z'
		digit = digit || c >= '0' && c <= '9'
	}
	return upper && lower && digit
}

// minTokenBody is the shortest body tokenValue takes after a prefix (the
// issued tokens run 20 to 200 characters; a word like "hf_cache" is no
// token).
const minTokenBody = 16

// tokenValue reports whether value is a credential by its form, whatever
// the variable is called (MYVAR=ghp_..., DEPLOY='-----BEGIN OPENSSH
// PRIVATE KEY-----...', a service account's JSON): a private key block, an
// age identity, a JSON private_key, one of tokenPrefixes' tokens, an
// OpenAI-style sk- key, an AWS access key id (ninth red team of the
// sandbox: each reached the program).
func tokenValue(value string) bool {
	if strings.Contains(value, "PRIVATE KEY-----") || strings.Contains(value, "AGE-SECRET-KEY-1") ||
		strings.Contains(value, `"private_key"`) {
		return true
	}
	v := strings.Trim(value, "\"' \t\n")
	for _, p := range tokenPrefixes {
		if strings.HasPrefix(v, p) && tokenBody(v[len(p):], minTokenBody) {
			return true
		}
	}
	if strings.HasPrefix(v, "sk-") && tokenBody(v[3:], 32) || prefixedToken(v) {
		return true
	}
	if len(v) == 20 && (strings.HasPrefix(v, "AKIA") || strings.HasPrefix(v, "ASIA")) {
		for i := 4; i < 20; i++ {
			if c := v[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return false
			}
		}
		return true
	}
	return false
}

// tokenBody reports whether s is at least min characters of a token's
// alphabet (letters, digits, _ - .) and nothing else.
func tokenBody(s string, min int) bool {
	if len(s) < min {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// authHeaders are HTTP headers that carry a credential, lower case.
var authHeaders = []string{"authorization", "proxy-authorization", "private-token", "job-token", "deploy-token",
	"x-api-key", "api-key", "x-auth-token", "cookie"}

// hasAuthHeader reports whether value holds an HTTP header that carries a
// credential ("Authorization: Bearer ...", "PRIVATE-TOKEN: ...") or is a
// header's value alone ("Bearer ...", "Basic ..."), whatever the variable is
// called (AUTH_HEADER, http.extraheader in GIT_CONFIG_PARAMETERS).
func hasAuthHeader(value string) bool {
	for _, p := range []string{"bearer ", "basic "} {
		if len(value) > len(p) && strings.EqualFold(value[:len(p)], p) {
			return true
		}
	}
	for i := 0; i < len(value); i++ {
		if value[i] != ':' {
			continue
		}
		start := i
		for start > 0 && isHeaderByte(value[start-1]) {
			start--
		}
		word := value[start:i]
		for _, h := range authHeaders {
			if strings.EqualFold(word, h) {
				return true
			}
		}
	}
	return false
}

func isHeaderByte(b byte) bool {
	return b == '-' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// dropGitParams returns GIT_CONFIG_PARAMETERS (git's `'key'='value'`
// words, quoted as a shell quotes them) without the entries that carry a
// credential header, and false when nothing is left or the value cannot be
// parsed (then all of it goes).
func dropGitParams(value string) (string, bool) {
	var kept []string
	var raw, text strings.Builder
	quoted := false
	flush := func() {
		if raw.Len() > 0 && !hasAuthHeader(text.String()) {
			kept = append(kept, raw.String())
		}
		raw.Reset()
		text.Reset()
	}
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case c == '\'':
			quoted = !quoted
			raw.WriteByte(c)
			continue
		case quoted:
		case c == '\\' && i+1 < len(value):
			raw.WriteByte(c)
			i++
			c = value[i]
		case c == ' ':
			flush()
			continue
		}
		raw.WriteByte(c)
		text.WriteByte(c)
	}
	if quoted {
		return "", false
	}
	flush()
	return strings.Join(kept, " "), len(kept) > 0
}

// hasURLPassword reports whether value holds a URL with a password in it
// (scheme://user:password@host), as REDIS_URL, HTTPS_PROXY or a
// connection string do, whatever the variable is called; or starts with
// user:password@ and no scheme, as Go's MySQL driver writes its data
// source name (user:pw@tcp(db:3306)/app; judge-22).
func hasURLPassword(value string) bool {
	if at := strings.IndexByte(value, '@'); at > 0 && at+1 < len(value) && !strings.Contains(value, "://") {
		if user := value[:at]; strings.IndexByte(user, ':') > 0 && !strings.ContainsAny(user, "/ \t\n=;") {
			return true
		}
	}
	for {
		i := strings.Index(value, "://")
		if i < 0 {
			return false
		}
		value = value[i+3:]
		end := strings.IndexAny(value, "/?# \t")
		if end < 0 {
			end = len(value)
		}
		if at := strings.LastIndexByte(value[:end], '@'); at > 0 && strings.IndexByte(value[:at], ':') >= 0 {
			return true
		}
	}
}

// connectionKeys are the keys of a connection string's key=value pairs
// that hold a credential (ADO.NET's and ODBC's Password and Pwd, Azure
// Storage's AccountKey, Service Bus's SharedAccessKey and signature),
// lower case.
var connectionKeys = []string{"password=", "pwd=", "accountkey=", "sharedaccesskey=", "sharedaccesssignature="}

// urlCredentialParams are query parameters that carry a credential in a
// URL (an Azure SAS's sig, a presigned S3 or GCS URL's signature, a token
// or key passed in the query), lower case.
var urlCredentialParams = []string{"sig", "signature", "x-amz-signature", "x-goog-signature", "token", "access_token",
	"api_key", "apikey", "api-key", "password", "passwd", "secret", "client_secret"}

// webhookURLs are URLs that are themselves the credential (whoever has
// one posts as the owner): Slack's, Discord's and Microsoft Teams'
// incoming webhooks, a Telegram bot's API URL (the token in its path).
var webhookURLs = []string{"hooks.slack.com/services/", "hooks.slack.com/workflows/", "hooks.slack.com/triggers/",
	"discord.com/api/webhooks/", "discordapp.com/api/webhooks/", ".webhook.office.com/", "outlook.office.com/webhook",
	"api.telegram.org/bot"}

// credentialInValue reports whether value carries a credential by its
// shape, whatever the variable is called (seventeenth red team: each of
// these reached the program under a name no pattern catches, NOTIFY_URL,
// STORAGE, SQLSERVER): a connection string with a password or key, a URL
// with a credential in its query, a webhook URL.
func credentialInValue(value string) bool {
	if !strings.ContainsAny(value, "=/") {
		return false
	}
	lower := strings.ToLower(value)
	for _, k := range connectionKeys {
		for at := 0; ; {
			i := strings.Index(lower[at:], k)
			if i < 0 {
				break
			}
			i += at
			at = i + len(k)
			if (i == 0 || strings.IndexByte("; \t\"-", lower[i-1]) >= 0) && at < len(lower) &&
				strings.IndexByte("; \"", lower[at]) < 0 {
				return true
			}
		}
	}
	for _, w := range webhookURLs {
		if strings.Contains(lower, w) {
			return true
		}
	}
	// A query string alone (an Azure SAS token: sv=...&sig=...).
	if !strings.ContainsAny(lower, " \t") && !strings.Contains(lower, "://") && strings.Contains(lower, "&") &&
		queryCredential(strings.TrimPrefix(lower, "?")) {
		return true
	}
	for rest := lower; ; {
		i := strings.Index(rest, "://")
		if i < 0 {
			return false
		}
		rest = rest[i+3:]
		end := strings.IndexAny(rest, " \t#")
		if end < 0 {
			end = len(rest)
		}
		if _, query, ok := strings.Cut(rest[:end], "?"); ok && queryCredential(query) {
			return true
		}
	}
}

// queryCredential reports whether a URL's query (lower case) has one of
// urlCredentialParams with a value.
func queryCredential(query string) bool {
	for _, kv := range strings.Split(query, "&") {
		if k, v, _ := strings.Cut(kv, "="); v != "" && slices.Contains(urlCredentialParams, k) {
			return true
		}
	}
	return false
}
