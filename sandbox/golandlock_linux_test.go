package sandbox

import (
	"errors"
	"testing"

	llsyscall "github.com/landlock-lsm/go-landlock/landlock/syscall"
	"golang.org/x/sys/unix"
)

// TestLandlockABIAgreesWithGoLandlock checks the ABI guard reads with its own
// raw system call against go-landlock's reading of it. guard does not use
// go-landlock at run time: its syscall package restricts every thread
// through psx, which needs cgo and costs about a millisecond per command,
// while guard restricts only the thread that execs.
func TestLandlockABIAgreesWithGoLandlock(t *testing.T) {
	ours, err := landlockABI()
	if err != nil && !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EOPNOTSUPP) {
		t.Fatalf("landlockABI: %v", err)
	}
	theirs, err := llsyscall.LandlockGetABIVersion()
	if err != nil {
		theirs = 0
	}
	if ours != theirs {
		t.Errorf("landlockABI() = %d, go-landlock says %d", ours, theirs)
	}
}
