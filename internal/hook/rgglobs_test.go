package hook

import (
	"slices"
	"testing"
)

// TestRgGlobs: Claude Code's Grep glob is several globs (split at
// JavaScript's white space, then at commas outside braces); a negated glob
// only leaves files out.
func TestRgGlobs(t *testing.T) {
	for _, tt := range []struct {
		in   string
		list bool
		want []string
	}{
		{"*.go .env", true, []string{"*.go", ".env"}},
		{"*.go,id_rsa", true, []string{"*.go", "id_rsa"}},
		{"*.{go,md} x", true, []string{"*.{go,md}", "x"}},
		{"*.go\u3000.npmrc\ufeff.netrc", true, []string{"*.go", ".npmrc", ".netrc"}},
		{"!*.go", true, nil},
		{"!*.go, *.md", true, []string{"*.md"}},
		{`\!x .\env`, true, []string{"!x", ".env"}},
		{"*.go .env", false, []string{"*.go .env"}},
		{"!*.go", false, nil},
	} {
		got := rgGlobs(tt.in, tt.list)
		if !slices.Equal(got, tt.want) {
			t.Errorf("rgGlobs(%q, %v) = %q, want %q", tt.in, tt.list, got, tt.want)
		}
	}
}
