package main

import (
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tree lists every path below root.
func tree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		out = append(out, p)
		return nil
	})
	return out
}

// TestHelpDoesNothing: -h and --help on every subcommand print its usage on
// stdout, exit 0 and do nothing else: no shims made or removed, no file
// written, nothing judged or run.
func TestHelpDoesNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	shims := filepath.Join(w.root, "shims")
	w.install(shims, "rm")
	for _, sub := range [][]string{
		{}, {"check"}, {"check-json"}, {"explain"}, {"policy"}, {"policy", "test"}, {"policy", "list"},
		{"install"}, {"install", "--dir", shims}, {"install", "rm"}, {"uninstall"}, {"uninstall", "--dir", shims},
		{"which"}, {"which", "rm"}, {"doctor"}, {"hook"}, {"hook", "claude-code"}, {"hook", "codex"}, {"sh"},
		{"log"}, {"trust"}, {"completion"}, {"man"},
	} {
		for _, h := range []string{"--help", "-h"} {
			before := tree(t, w.root)
			args := append(slices.Clone(sub), h)
			r := execute(t, w.guardCmd(args...))
			name := "guard " + strings.Join(args, " ")
			if r.code != 0 || !strings.HasPrefix(r.stdout, "usage: ") || r.stderr != "" {
				t.Errorf("%s: %s, want exit 0, the usage on stdout, nothing on stderr", name, r)
			}
			if after := tree(t, w.root); !slices.Equal(before, after) {
				t.Errorf("%s changed files: before %d paths, after %d", name, len(before), len(after))
			}
		}
	}
	// The program's own --help passes through.
	if r := execute(t, w.guardCmd("explain", "--", "ls", "--help")); !strings.Contains(r.stdout, "command:  ls --help") {
		t.Errorf("guard explain -- ls --help: %s, want ls --help explained", r)
	}
}
