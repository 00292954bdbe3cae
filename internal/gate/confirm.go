package gate

import (
	"errors"
	"fmt"
)

// ErrNoPerson is returned by Confirm when no one is at a terminal to answer.
var ErrNoPerson = errors.New("no one is at a terminal to confirm (run it yourself in a terminal)")

// Confirm shows text to a person at the terminal (see ask for what counts as
// one) and asks a yes/no question; anything but y or yes is no.
func Confirm(text, question string) (bool, error) {
	tty, why := openTerminal()
	if tty == nil {
		if why != "" {
			return false, fmt.Errorf("%w: %s", ErrNoPerson, why)
		}
		return false, ErrNoPerson
	}
	defer tty.Close()
	fmt.Fprint(tty, text)
	fmt.Fprintf(tty, "guard: %s [y/N]: ", question)
	switch readAnswer(tty) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}
