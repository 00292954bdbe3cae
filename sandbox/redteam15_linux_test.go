package sandbox

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"guard/policy/protect"
)

// Fifteenth red-team pass (docs/redteam/sandbox-15.md).

// homeUpwardFiles are names tools look for in every directory above the
// one they run in, at the top of a home that is a root: go's workspace
// file (a replace there swapped ~/proj's dependency at the next go run
// outside), pytest's conftest.py, a bare repository's HEAD, ESLint's and
// Prettier's configs (JavaScript, or plugins named by path).
var homeUpwardFiles = []string{"go.work", "conftest.py", "HEAD", "eslint.config.js", "eslint.config.mjs",
	"prettier.config.js", ".prettierrc", ".prettierrc.json", ".prettierrc.yaml", ".prettierrc.js", ".prettierrc.cjs"}

// homeToolCodeFiles are tool settings in a home that is a root naming a
// command or code to load, and programs and plugins tools run from there:
// go's env file (GOFLAGS=-toolexec ran a program at the next go build
// outside), docker's CLI plugins (docker compose ran the planted one),
// rustup's settings and toolchains (the next rustc ran the program's),
// bash-completion's files, pylint's and mypy's user config, editors' and
// IDEs' extensions and plugins, mason's language servers, lazygit's
// config, uv's Python installs, conda's base install, krew's and helm's
// plugins, terraform's local providers, and the caches corepack,
// pre-commit and npx run code from (a line appended to corepack's pnpm ran
// at the next `corepack pnpm` outside).
var homeToolCodeFiles = []string{".config/go/env", ".docker/cli-plugins/docker-compose", ".rustup/settings.toml",
	".rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/rustc", ".bash_completion",
	".local/share/bash-completion/completions/git", ".pylintrc", ".config/pylintrc", ".mypy.ini", ".config/mypy/config",
	".vscode-insiders/extensions/x/extension.js", ".vscode-oss/extensions/x/extension.js",
	".local/share/code-server/extensions/x/extension.js", ".local/share/code-server/User/settings.json",
	".config/sublime-text/Packages/User/x.py", ".config/sublime-text-3/Packages/User/x.py",
	".config/JetBrains/IntelliJIdea2024.1/idea64.vmoptions", ".local/share/JetBrains/IntelliJIdea2024.1/x/lib/x.jar",
	".config/coc/extensions/node_modules/coc-x/index.js", ".local/share/nvim/mason/bin/gopls",
	".local/share/nvim/plugged/x/plugin/x.vim", ".config/lazygit/config.yml",
	".local/share/uv/python/cpython-3.12.4-linux-x86_64-gnu/lib/python3.12/site.py", "miniconda3/bin/conda",
	"anaconda3/etc/profile.d/conda.sh", "miniforge3/bin/conda", ".krew/bin/kubectl-x",
	".local/share/helm/plugins/x/plugin.yaml", ".terraform.d/plugins/registry.terraform.io/x/y/1.0.0/linux_amd64/p",
	".cache/node/corepack/v1/pnpm/9.0.0/bin/pnpm.cjs", ".cache/pre-commit/repoabc123/hooks.py",
	".npm/_npx/0123abcd/node_modules/prettier/index.cjs"}

// homeCodeCases: each of names, there at start in a home that is the root,
// appended to from inside (sandbox-8's, -9's and -11's cases too).
func homeCodeCases(names []string) []attackCase {
	plant := func(root string) {
		for _, n := range names {
			writeWorld(filepath.Join(root, n), "# start-up\n")
		}
	}
	var cases []attackCase
	for _, n := range names {
		cases = append(cases, attackCase{name: "append to ~/" + n, attack: "append", want: denied,
			profile: func(p *Profile) {
				plant(p.WritableRoots[0])
				Protect(p, protect.Default(), p.WritableRoots[0]) // the home is the root
			},
			args: func(t *testing.T, f *fixture) []string {
				plant(f.root)
				return []string{filepath.Join(f.root, n)}
			}})
	}
	return cases
}

// TestAttackHomeCode: a name tools look for above them written at the top
// of a home that is the root (S15-1), or a tool setting or a program a tool
// runs there (S15-2), ran code at the tool's next use outside.
func TestAttackHomeCode(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackHomeCodeUnprivileged is this test")
	runAttackCases(t, homeCodeCases(slices.Concat(homeUpwardFiles, homeToolCodeFiles)))
}

func TestAttackHomeCodeUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, homeCodeCases(slices.Concat(homeUpwardFiles, homeToolCodeFiles)))
}

// TestNewHomeToolNamesMovedAside: the same names absent at start and made
// by the command (`go env -w`, a go.work, a docker plugin, a rustup
// toolchain) are moved aside once it ends, status 126.
func TestNewHomeToolNamesMovedAside(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	testHomeNamesAs(t, nil, []string{"go.work", "conftest.py", "HEAD", "eslint.config.js", ".prettierrc.js",
		".config/go/env", ".docker/cli-plugins/docker-compose", ".rustup/settings.toml", ".bash_completion",
		".pylintrc", ".config/JetBrains/IntelliJIdea2024.1/idea64.vmoptions", ".local/share/nvim/mason/bin/gopls",
		"miniconda3/bin/conda"}, nil)
}

// TestNewNamesOnTheWayKept: directories a tool makes on the way to a
// protected path, but none itself, stay, and the status with them: `go mod
// tidy` in a fresh home that is a root made ~/go/pkg/mod (on the way to
// ~/go/bin) and go's telemetry ~/.config/go/telemetry (on the way to
// ~/.config/go/env); both were moved aside, status 126.
func TestNewNamesOnTheWayKept(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	testHomeNamesAs(t, nil, nil, []string{"go/pkg/mod/cache/lock", ".config/go/telemetry/local/weekends",
		".local/share/nvim/shada/main.shada", ".docker/buildx/current"})
}

// crashDumps are what the system keeps of crashed processes: apport's
// reports (the environment and core of the process), systemd-coredump's,
// apport's and ABRT's cores. Planted where missing (removed after), each
// readable by the user, as systemd-coredump's ACL makes a user's own core.
var crashDumps = []string{"/var/crash/_usr_bin_node.1000.crash", "/var/lib/systemd/coredump/core.node.1000.lab15.zst",
	"/var/lib/apport/coredump/core._usr_bin_node.1000.lab15", "/var/spool/abrt/ccpp-2026-12-06-lab15/environ"}

func crashDumpCases(forbidden bool) []attackCase {
	return plantedCases(crashDumps, "ProcEnviron:\n ANTHROPIC_API_KEY=sk-ant-lab15-crash\n", forbidden)
}

// TestAttackCrashDumps: a crashed process's report or core (its memory and
// environment: an agent's API key) read from inside.
func TestAttackCrashDumps(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackCrashDumpsUnprivileged is this test")
	runAttackCases(t, crashDumpCases(false))
}

func TestAttackCrashDumpsUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, crashDumpCases)
}

// TestAttackEnvToolConfig: a tool's config file or a program that a
// variable of guard's environment names, in the root, written from inside:
// ripgrep's flags file (a --pre program appended ran at the next rg
// outside, the agent's own grep tool's included), AWS's config
// (credential_process), pylint's (init-hook), cargo's wrapper, the C
// compiler, less's input filter, npm's script shell.
func TestAttackEnvToolConfig(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackEnvToolConfigUnprivileged is this test")
	runAttackCases(t, envToolConfigCases())
}

func TestAttackEnvToolConfigUnprivileged(t *testing.T) {
	requireChild(t)
	runAttackCasesAs(t, nobody, envToolConfigCases())
}

func envToolConfigCases() []attackCase {
	return envCodeCasesFor([]envCodeVar{
		{"RIPGREP_CONFIG_PATH", "%s", ".ripgreprc"},
		{"AWS_CONFIG_FILE", "%s", ".aws-config"},
		{"PYLINTRC", "%s", "tools/pylintrc"},
		{"RUSTC_WRAPPER", "%s", "tools/rustc-wrap"},
		{"CC", "ccache %s", "toolchain/bin/cc"},
		{"LESSOPEN", "|%s %%s", "tools/lesspipe"},
		{"npm_config_script_shell", "%s", "tools/sh"},
	})
}

// systemSnapshots are copies of /etc/shadow in the backup snapshots tools
// keep as plain files: Timeshift's rsync snapshots, snapper's, rsnapshot's.
var systemSnapshots = []string{"/timeshift/snapshots/2026-12-06_00-00-01/localhost/etc/shadow",
	"/.snapshots/1/snapshot/etc/shadow", "/var/cache/rsnapshot/daily.0/localhost/etc/shadow"}

// plantedCases: each of files, planted with content where missing (the
// directories made for it removed after), read from inside.
func plantedCases(files []string, content string, forbidden bool) []attackCase {
	var cases []attackCase
	for _, name := range files {
		// The directories missing now are made 0755 for the case and
		// removed after it, deepest first.
		var made []string
		for d := filepath.Dir(name); !exists(d); d = filepath.Dir(d) {
			made = append(made, d)
		}
		plant := func() {
			for i := len(made) - 1; i >= 0; i-- {
				os.Mkdir(made[i], 0o755)
			}
			os.WriteFile(name, []byte(content), 0o644)
			os.Chmod(name, 0o644)
		}
		remove := func() {
			os.Remove(name)
			for _, d := range made {
				os.Remove(d)
			}
		}
		cases = append(cases, attackCase{name: "read " + name, attack: "read", want: unreadable,
			root:  "planting outside the home needs root",
			child: func(c *child) { c.noUserNS = forbidden },
			profile: func(p *Profile) {
				plant()
				Protect(p, protect.Default(), filepath.Join(filepath.Dir(p.WritableRoots[0]), "home"))
			},
			args: func(t *testing.T, f *fixture) []string {
				plant()
				t.Cleanup(remove)
				return []string{name}
			}})
	}
	return cases
}

// TestAttackSystemSnapshots: the password hashes read from a backup
// snapshot's copy of /etc as root.
func TestAttackSystemSnapshots(t *testing.T) {
	requireRoot(t, "the snapshots are root's")
	runAttackCases(t, plantedCases(systemSnapshots, "root:$6$lab15$hash:20000:0:99999:7:::\n", false))
}

// trashed are secrets deleted to the desktop's trash (a file manager's
// delete, trash-put), kept under their names below ~/.local/share/Trash.
var trashed = []string{".local/share/Trash/files/.env", ".local/share/Trash/files/id_ed25519",
	".local/share/Trash/expunged/1/.env"}

func trashCases(forbidden bool) []attackCase {
	return homeSecretCases(trashed, "STRIPE_KEY=sk_live_lab15trash\n", forbidden)
}

// TestAttackTrash: a deleted .env or key read from the trash.
func TestAttackTrash(t *testing.T) {
	requireRoot(t, "as an ordinary user, TestAttackTrashUnprivileged is this test")
	runAttackCases(t, trashCases(false))
}

func TestAttackTrashUnprivileged(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	runAsNobody(t, trashCases)
}
