//go:build linux

package agenttest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"guard/sandbox/sandboxtest"
)

const (
	enableEnv = "GUARD_AGENT_TESTS"
	dirEnv    = "GUARD_AGENTS_DIR"
	netnsEnv  = "GUARD_AGENTTEST_IN_NETNS"
)

var (
	// notRun is why the tests cannot run here, "" when they can.
	notRun string
	// required: a reason in notRun fails the tests instead of skipping.
	required bool
	// guardBin is the guard binary built for the tests.
	guardBin string
	// agentsDir holds node_modules with the agent CLIs.
	agentsDir string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv(enableEnv) != "1" {
		notRun = "the real-agent tests run with `make test-agents` (" + enableEnv + "=1)"
		return m.Run()
	}
	required = sandboxtest.Required()
	if os.Getenv(netnsEnv) != "1" {
		code, err := reexecInNetns()
		if err == nil {
			return code
		}
		notRun = "cannot make a network namespace with only loopback (needs root): " + err.Error()
		return m.Run()
	}
	if err := loopbackOnly(); err != nil {
		notRun = err.Error()
		return m.Run()
	}
	tmp, err := os.MkdirTemp("", "guard-agenttest-")
	if err != nil {
		notRun = err.Error()
		return m.Run()
	}
	defer os.RemoveAll(tmp)
	if notRun = buildGuard(tmp); notRun != "" {
		return m.Run()
	}
	agentsDir = os.Getenv(dirEnv)
	if agentsDir == "" {
		root, _ := filepath.Abs("../..")
		agentsDir = filepath.Join(root, ".cache", "agents")
	}
	return m.Run()
}

// reexecInNetns runs this test binary again, with the same arguments, in a
// new network namespace, and returns its exit code.
func reexecInNetns() (int, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Env = append(os.Environ(), netnsEnv+"=1", "GOPROXY=off")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), nil
	}
	if err != nil {
		return 1, err
	}
	return 0, nil
}

// loopbackOnly brings lo up and checks that it is the only interface.
func loopbackOnly() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("SIOCGIFFLAGS lo: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("bring lo up: %w", err)
	}
	ifs, err := net.Interfaces()
	if err != nil {
		return err
	}
	for _, i := range ifs {
		if i.Name != "lo" {
			return fmt.Errorf("the test's network namespace has interface %s besides lo", i.Name)
		}
	}
	return nil
}

// buildGuard builds guard into dir; it returns why it could not.
func buildGuard(dir string) string {
	guardBin = filepath.Join(dir, "bin", "guard")
	cmd := exec.Command("go", "build", "-trimpath", "-o", guardBin, "guard/cmd/guard")
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Sprintf("go build guard: %v\n%s", err, out)
	}
	return ""
}

// need skips (or, in CI, fails) a test that cannot run here.
func need(t *testing.T) {
	t.Helper()
	if notRun == "" {
		return
	}
	if strings.HasPrefix(notRun, "the real-agent tests run with") {
		t.Skip(notRun)
	}
	if required {
		t.Fatalf("%s=1 but the agent tests cannot run: %s", sandboxtest.RequireEnv, notRun)
	}
	t.Skip(notRun)
}

// agentBin returns the path of an agent's executable under agentsDir, or
// skips (fails in CI) when it is not installed.
func agentBin(t *testing.T, rel string) string {
	t.Helper()
	need(t)
	p := filepath.Join(agentsDir, "node_modules", rel)
	if _, err := os.Stat(p); err != nil {
		msg := fmt.Sprintf("%s is not installed (make test-agents installs the pinned agents with npm): %v", rel, err)
		if required {
			t.Fatalf("%s=1: %s", sandboxtest.RequireEnv, msg)
		}
		t.Skip(msg)
	}
	if strings.HasSuffix(rel, ".js") {
		out, err := exec.Command("node", "--version").Output()
		v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
		major, _, _ := strings.Cut(v, ".")
		if n, _ := strconv.Atoi(major); err != nil || n < 20 {
			msg := fmt.Sprintf("%s needs Node.js 20 or later; node --version: %q %v", rel, out, err)
			if required {
				t.Fatalf("%s=1: %s", sandboxtest.RequireEnv, msg)
			}
			t.Skip(msg)
		}
	}
	return p
}
