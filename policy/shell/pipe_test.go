package shell

import (
	"slices"
	"testing"
)

// TestPipeFrom: a command on the right of a pipe names the simple command
// whose output it reads (1 + its index), or -1 when that is not a simple
// command; other commands have 0.
func TestPipeFrom(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want []int
	}{
		{"ls", []int{0}},
		{"find . | xargs cat", []int{0, 1}},
		{"find . | grep x | xargs cat", []int{0, 1, 2}},
		{"ls; find . | xargs cat", []int{0, 0, 2}},
		{"cat a && find x | xargs cat", []int{0, 0, 2}},
		{"{ ls; find x; } | xargs cat", []int{0, 0, -1}},
		{"(find x) | xargs cat", []int{0, -1}},
		{"for f in a; do echo $f; done | xargs cat", []int{0, -1}},
		{"find . | timeout 5 xargs cat", []int{0, 1}},
		{"ls $(find /) | xargs cat", []int{0, 0, 2}},
		{"echo x | bash -c 'find / | xargs cat'", []int{0, 0, 2}},
		{"echo x | bash -c 'ls; xargs cat'", []int{0, 0, 1}},
	} {
		s, err := Parse(tt.src, Bash)
		if err != nil {
			t.Fatalf("%q: %v", tt.src, err)
		}
		var got []int
		for _, c := range s.Commands {
			got = append(got, c.PipeFrom)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: PipeFrom %v, want %v (%v)", tt.src, got, tt.want, s)
		}
	}
}
