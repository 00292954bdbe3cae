package sandbox

import (
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"guard/sandbox/sandboxtest"
)

func init() {
	// Opening a device for reading is the breach: a disk's blocks, a console's
	// screen or input. O_NONBLOCK: a terminal with nothing typed does not hang.
	attacks["open-device"] = func(a []string) error {
		fd, err := unix.Open(a[0], unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		unix.Close(fd)
		return nil
	}
}

// sensitiveDevices are the device nodes of /dev that hold other people's
// data: every block device (the disk past the mounts that hide secrets, swap),
// the consoles' screens and input. Those the attack cannot open without the
// sandbox either (a container's device cgroup) skip.
func sensitiveDevices(t *testing.T) []string {
	ents, err := os.ReadDir("/dev")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		name := e.Name()
		switch {
		case e.Type()&os.ModeDevice != 0 && e.Type()&os.ModeCharDevice == 0 && (!strings.HasPrefix(name, "loop") || name == "loop0"):
			out = append(out, "/dev/"+name)
		case name == "vcs" || name == "vcsa" || name == "vcs1" || name == "console" || name == "tty1" || name == "ttyS0" ||
			name == "kmsg" || name == "mem" || name == "hwrng" || strings.HasPrefix(name, "hidraw"):
			out = append(out, "/dev/"+name)
		}
	}
	for _, d := range []string{"/dev/input", "/dev/snd"} {
		if m, _ := filepath.Glob(d + "/*"); len(m) > 0 {
			out = append(out, m[0])
		}
	}
	sort.Strings(out)
	// Only those this process can open outside the sandbox prove anything: a
	// VM's device cgroup refuses some (/dev/vda here) to everyone.
	open := out[:0]
	for _, d := range out {
		fd, err := unix.Open(d, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		if err == nil {
			unix.Close(fd)
			open = append(open, d)
		}
	}
	if len(open) == 0 {
		t.Skip("no disk, console or input device in /dev that root can open here")
	}
	return open
}

// TestAttackDevices: root keeps CAP_DAC_OVERRIDE, and Landlock's read rule on
// / covered /dev: root read the raw disk and the swap device (every secret
// the mounts hide is on them), the consoles' screens and what is typed there.
// They are not in root's /dev of its own (ENOENT), or, without one, refused
// by Landlock (EACCES).
func TestAttackDevices(t *testing.T) {
	requireRoot(t, "an ordinary user cannot open the disks and consoles (root:disk, root:tty, 0660)")
	var cases []attackCase
	for _, d := range sensitiveDevices(t) {
		cases = append(cases, attackCase{name: "open " + d, attack: "open-device",
			args: func(*testing.T, *fixture) []string { return []string{d} }, want: []unix.Errno{unix.EACCES, unix.EPERM, unix.ENOENT}})
	}
	runAttackCases(t, cases)
}

// TestDevicesInside: the devices programs use stay usable.
func TestDevicesInside(t *testing.T) {
	requireSandbox(t)
	p := newProject(t)
	out := p.sh(t, Profile{}, `
head -c 4 /dev/urandom | wc -c
head -c 4 /dev/zero | wc -c
head -c 4 /dev/random | wc -c
echo x > /dev/null && cat /dev/null && echo null
head -c 4 /dev/full | wc -c
ls /dev/pts >/dev/null && echo pts
echo x > /dev/shm/guard-dev-$$ && cat /dev/shm/guard-dev-$$ && rm /dev/shm/guard-dev-$$
`)
	if want := "4\n4\n4\nnull\n4\npts\nx\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
}

// TestDeviceRulesWithoutPrivateDev: where root gets no /dev of its own (a
// root in /dev, no devpts), Landlock's read rules keep the device nodes but
// deviceReadableNames out. Checked on a throwaway thread confined with the
// plan's /dev turned off.
func TestDeviceRulesWithoutPrivateDev(t *testing.T) {
	requireRoot(t, "an ordinary user cannot open the disks and consoles (root:disk, root:tty, 0660)")
	requireSandbox(t)
	var open []string
	for _, d := range sensitiveDevices(t) {
		fd, err := unix.Open(d, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		if err == nil {
			unix.Close(fd)
			open = append(open, d)
		}
	}
	if len(open) == 0 {
		sandboxtest.Skipf(t, "no sensitive device opens here without the sandbox either")
	}
	var applyErr error
	got := map[string]error{}
	onThrowawayThread(func() {
		c, err := newConfinement(Profile{WritableRoots: []string{t.TempDir()}}, io.Discard)
		if err != nil {
			applyErr = err
			return
		}
		defer c.release()
		c.devPlan = false
		if applyErr = c.apply(false); applyErr != nil {
			return
		}
		for _, d := range append(open, "/dev/null", "/dev/urandom") {
			fd, err := unix.Open(d, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
			if err == nil {
				unix.Close(fd)
			}
			got[d] = err
		}
	})
	if applyErr != nil {
		t.Fatal(applyErr)
	}
	for _, d := range open {
		if got[d] == nil {
			t.Errorf("%s opened inside", d)
		}
	}
	for _, d := range []string{"/dev/null", "/dev/urandom"} {
		if got[d] != nil {
			t.Errorf("%s: %v inside, want it readable", d, got[d])
		}
	}
}
