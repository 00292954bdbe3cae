//go:build !unix

package inflight

// Run is a guard run in flight.
type Run struct {
	Pid   int
	Roots []string
}

// Hold records nothing here: guard confines nothing on this system.
func Hold(dir string, roots []string) error { return nil }

// Live finds none.
func Live(dir string) ([]Run, error) { return nil, nil }
