package sandbox

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"guard/sandbox/sandboxtest"
)

// The fifth red-team pass on the sandbox (docs/redteam/sandbox-5.md).

func init() {
	// Open a device node for writing, and write nothing: the open is the
	// breach (a disk's blocks, the kernel log), and the test must not harm
	// the machine.
	attacks["open-device-write"] = func(a []string) error {
		fd, err := unix.Open(a[0], unix.O_WRONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		unix.Close(fd)
		return nil
	}
}

// copyDevice makes a node at path with the device number and type of dev.
func copyDevice(t *testing.T, dev, path string, mode uint32) {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(dev, &st); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mknod(path, st.Mode&unix.S_IFMT|mode, int(st.Rdev)); err != nil {
		sandboxtest.Skipf(t, "mknod %s: %v", path, err)
	}
	if err := unix.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

// deviceOutsideDevCases are the attacks of TestAttackDeviceNodesOutsideDev:
// a copy of a sensitive node of /dev made in the writable root (a project's
// rootfs/dev) and one outside the roots, opened for reading and writing.
func deviceOutsideDevCases(t *testing.T, devices []string, mode uint32, profile func(*Profile), prefix string) []attackCase {
	var cases []attackCase
	for _, d := range devices {
		attacks := []string{"open-device"}
		if fd, err := unix.Open(d, unix.O_WRONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0); err == nil {
			unix.Close(fd)
			attacks = append(attacks, "open-device-write") // some (hwrng) are read-only
		}
		for _, where := range []string{"root", "outside"} {
			for _, attack := range attacks {
				cases = append(cases, attackCase{
					name: prefix + attack + " a copy of " + d + " in the " + where, attack: attack, profile: profile,
					args: func(t *testing.T, f *fixture) []string {
						dir := f.root
						if where == "outside" {
							dir = f.outside
						}
						p := filepath.Join(dir, "rootfs-"+filepath.Base(d))
						copyDevice(t, d, p, mode)
						return []string{p}
					},
					want: []unix.Errno{unix.EACCES},
				})
			}
		}
	}
	return cases
}

// TestAttackDeviceNodesOutsideDev: root's /dev of its own (and the device
// filter's Landlock rules) cover /dev only, and a read-only mount does not
// stop writing to a device. A node elsewhere, in a writable root above all
// (a debootstrap or image build leaves rootfs/dev/* in the project), let a
// root program in full-auto read a console's screen and write the kernel log;
// a block node there is the raw disk on a host without a device cgroup. Every
// mount but /dev and /dev/pts is nodev now: EACCES, in full-auto and in
// auto-edit's files-only runs.
func TestAttackDeviceNodesOutsideDev(t *testing.T) {
	requireRoot(t, "making device nodes (and opening the sensitive ones) needs root")
	devs := sensitiveDevices(t)
	if len(devs) > 2 {
		devs = devs[:2]
	}
	cases := deviceOutsideDevCases(t, devs, 0o600, nil, "")
	cases = append(cases, deviceOutsideDevCases(t, devs, 0o600, func(p *Profile) { p.FilesOnly = true }, "files-only: ")...)
	runAttackCases(t, cases)
}

// TestAttackDeviceNodesOutsideDevUnprivileged: the same for an ordinary user,
// with a node whose mode lets anyone open it (root made it earlier, or a
// tarball's owner did): the user-namespace child makes the mounts nodev too.
func TestAttackDeviceNodesOutsideDevUnprivileged(t *testing.T) {
	requireRoot(t, "making device nodes and switching to an ordinary user need root")
	requireUserNS(t)
	devs := sensitiveDevices(t)
	if len(devs) > 2 {
		devs = devs[:2]
	}
	cases := deviceOutsideDevCases(t, devs, 0o666, nil, "")
	cases = append(cases, deviceOutsideDevCases(t, devs, 0o666, func(p *Profile) { p.FilesOnly = true }, "files-only: ")...)
	runAttackCasesAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, cases)
}

// TestDevicesInsideNoDev: with every other mount nodev, the devices programs
// use stay usable, the terminal reached through /proc/self/fd included, as
// root and as an ordinary user.
func TestDevicesInsideNoDev(t *testing.T) {
	requireSandbox(t)
	master, slave, err := openPTY()
	if err != nil {
		sandboxtest.Skipf(t, "no pty here: %v", err)
	}
	defer master.Close()
	defer slave.Close()
	base := t.TempDir()
	var creds = []*syscall.Credential{nil}
	if os.Geteuid() == 0 {
		creds = append(creds, &syscall.Credential{Uid: 65534, Gid: 65534})
	}
	for _, cred := range creds {
		exe := ""
		if cred != nil {
			exe = shareWith(t, base, cred)
		}
		f := newFixture(t, base)
		chownFixture(t, f, cred)
		if err := os.Chmod(slave.Name(), 0o666); err != nil {
			t.Fatal(err)
		}
		script := `exec 2>&1
echo x > /dev/null && echo null
head -c 4 /dev/urandom | wc -c
head -c 4 /dev/zero | wc -c
test -c /proc/self/fd/0 && head -c 0 /proc/self/fd/0 && echo stdin-reopened
python3 -c 'import os,pty; m,s=pty.openpty(); os.write(s,b"p"); print(os.read(m,1).decode())' 2>/dev/null || echo p`
		for _, filesOnly := range []bool{false, true} {
			o := child{profile: &Profile{WritableRoots: []string{f.root}, FilesOnly: filesOnly}, path: "/bin/sh",
				argv: []string{"sh", "-c", script}, dir: f.root, exe: exe, cred: cred, stdin: slave}.run(t)
			if want := "null\n4\n4\nstdin-reopened\np\n"; o.stdout != want {
				t.Errorf("as %v, files-only %v: output %q, want %q\n%s", cred, filesOnly, o.stdout, want, o.stderr)
			}
		}
	}
}
