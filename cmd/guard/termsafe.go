package main

import (
	"bytes"
	"io"

	"guard/internal/gate"
)

// termSafe writes to w with every character a terminal would act on, but
// the newline, shown as an escape (gate.Visible): for reports such as
// guard doctor's, whose lines hold names an agent chose (a project's MCP
// servers, the values its settings set, paths). Each Write is taken whole:
// callers write whole formatted strings, so a character is never split.
type termSafe struct{ w io.Writer }

func (t termSafe) Write(p []byte) (int, error) {
	lines := bytes.Split(p, []byte{'\n'})
	for i, l := range lines {
		lines[i] = []byte(gate.Visible(string(l)))
	}
	if _, err := t.w.Write(bytes.Join(lines, []byte{'\n'})); err != nil {
		return 0, err
	}
	return len(p), nil
}
