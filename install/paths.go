package install

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DefaultDir returns where shims go by default: $XDG_DATA_HOME/guard/shims,
// else $HOME/.local/share/guard/shims. A relative XDG_DATA_HOME is ignored, as
// the XDG base directory specification says. getenv is os.Getenv in guard.
func DefaultDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "guard", "shims"), nil
	}
	home := getenv("HOME")
	if !filepath.IsAbs(home) {
		return "", errors.New("shim directory: neither XDG_DATA_HOME nor HOME is an absolute path; use --dir")
	}
	return filepath.Join(home, ".local", "share", "guard", "shims"), nil
}

// commonDangerous are shimmed whatever the policy names: programs that delete,
// overwrite, change permissions, reach the network, gain privileges, kill, or
// run arbitrary code. Shells are left out on purpose: a shim for sh or bash
// would sit under every script that finds its shell through PATH. Build tools
// (go, cargo, make) are left to the policy: they run on nearly every turn.
var commonDangerous = []string{
	// files
	"rm", "rmdir", "unlink", "mv", "cp", "ln", "install", "dd", "truncate", "shred",
	"chmod", "chown", "chgrp", "chattr", "setfacl", "tee", "sed", "find", "xargs",
	"tar", "unzip", "rsync",
	// disks
	"mkfs", "mke2fs", "mkfs.ext4", "mkfs.xfs", "mkfs.btrfs", "mkfs.vfat", "mkswap", "wipefs",
	"fdisk", "sfdisk", "parted", "mount", "umount",
	// network
	"curl", "wget", "ssh", "scp", "sftp", "nc", "ncat", "socat",
	// privileges, processes, system
	"sudo", "su", "doas", "pkexec", "kill", "pkill", "killall", "crontab",
	"systemctl", "shutdown", "reboot", "poweroff", "halt",
	// version control and package managers, interpreters
	"git", "python", "python3", "pip", "pip3", "npm", "npx", "pnpm", "yarn", "node",
	"perl", "ruby", "gem", "docker", "podman", "kubectl",
}

// CommonDangerous returns the program names always shimmed, sorted; the slice
// is the caller's.
func CommonDangerous() []string {
	out := slices.Clone(commonDangerous)
	slices.Sort(out)
	return slices.Compact(out)
}

// PathLine returns the shell line that puts dir first on PATH:
//
//	export PATH="DIR:$PATH"
//
// with DIR escaped for double quotes.
func PathLine(dir string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "`", "\\`")
	return `export PATH="` + r.Replace(dir) + `:$PATH"`
}

// PathAdvice returns the text that tells where to put [PathLine]: it must run
// in login shells too, after anything else that prepends to PATH, because
// agents often run commands through a login shell (bash -lc).
func PathAdvice(dir string) string {
	return "Put this line at the end of ~/.profile (login shells) and of ~/.bashrc or ~/.zshrc:\n" +
		"\n    " + PathLine(dir) + "\n\n" +
		"It must come after every other line that prepends to PATH. Check what an agent's shell finds with:\n" +
		"\n    bash -lc 'command -v rm'\n"
}

// PathIndex returns the index in pathEnv (a PATH value) of the first entry
// that is the directory dir, compared as files (so "DIR/", "DIR//." and a
// symlink to DIR all match), or -1 when dir is not on PATH. Empty and
// relative entries never match.
func PathIndex(dir, pathEnv string) int {
	want, err := os.Stat(dir)
	if err != nil {
		return -1
	}
	for i, e := range filepath.SplitList(pathEnv) {
		if !filepath.IsAbs(e) {
			continue
		}
		if fi, err := os.Stat(e); err == nil && os.SameFile(fi, want) {
			return i
		}
	}
	return -1
}
