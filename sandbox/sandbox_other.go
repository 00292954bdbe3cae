//go:build !linux

package sandbox

import (
	"fmt"
	"io"
	"runtime"
)

// Exec refuses: there is no sandbox for this system.
func Exec(p Profile, path string, argv, env []string, warn io.Writer) error {
	return fmt.Errorf("%w (%s): Landlock and seccomp are Linux features", ErrUnsupported, runtime.GOOS)
}

// Probe reports that nothing is enforced on this system.
func Probe() []Feature {
	return []Feature{{Name: "sandbox", Enforced: false, Detail: fmt.Sprintf("%v (%s)", ErrUnsupported, runtime.GOOS)}}
}

// mountTable is Linux's (aliases_linux.go).
type mountTable struct{}

func loadMountTable() *mountTable { return nil }

func homeVia(*mountTable, string, *Profile) []string { return nil }

func rootVia(*mountTable, *Profile) (others, inside []string) { return nil, nil }

// OtherPaths finds no other path of a file: the mount table is Linux's.
func OtherPaths([]string) []string { return nil }
