package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestConfigInOtherAccountsHome: sudo, su -m and runuser -m keep the
// caller's HOME, often root's (0700). guard cannot read the configuration
// there, so it runs nothing (whether a mode in it bounds this account is
// unknown), and it said only "open /root/.config/guard/config.toml:
// permission denied". The line now says what would fix it.
func TestConfigInOtherAccountsHome(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to run guard as another account")
	}
	dir, bin := guardForOthers(t, "guard-otherhome-")
	home := filepath.Join(dir, "roothome")
	os.MkdirAll(filepath.Join(home, ".config", "guard"), 0o700)
	os.Chmod(home, 0o700)
	os.WriteFile(filepath.Join(home, ".config", "guard", "config.toml"), []byte("mode = \"suggest\"\n"), 0o600)

	r := trueAsOther(t, bin, dir, home)
	if r.code != 125 || !strings.Contains(r.stderr, "permission denied (uid 12345 cannot read it: when HOME="+home+" is another account's home, as sudo or su -m leave it, run guard with this account's own: sudo -H, su -, runuser -l, or set XDG_CONFIG_HOME)") {
		t.Errorf("guard -- true as uid 12345 with HOME=%s (root's, 0700): %s, want 125 and what would fix it", home, r)
	}
}

// guardForOthers makes a directory below /var/tmp that every account can
// enter, with a copy of the real guard binary in it (the build directory
// is root's, 0700), for tests that run guard as another account.
func guardForOthers(t *testing.T, prefix string) (dir, bin string) {
	t.Helper()
	guard := guardBinary(t)
	dir, err := os.MkdirTemp("/var/tmp", prefix)
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	bin = filepath.Join(dir, "guard")
	in, err := os.Open(guard)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(out, in)
	in.Close()
	out.Close()
	return dir, bin
}

// trueAsOther runs `bin -- true` in dir as uid 12345 with HOME=home.
func trueAsOther(t *testing.T, bin, dir, home string) outcome {
	t.Helper()
	w := &world{t: t}
	cmd := w.command(bin, "--", "true")
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + home, "PATH=" + systemPath}
	cmd.SysProcAttr.Credential = &syscall.Credential{Uid: 12345, Gid: 12345}
	return execute(t, cmd)
}
