package policy_test

import (
	"slices"
	"testing"

	"guard/policy"
)

// TestVerdictDirs: every directory a script's cd or pushd leads a command
// into is in Verdict.Dirs (the gate asks git's config there), whatever the
// spelling; a script that cannot be followed is unverified instead.
func TestVerdictDirs(t *testing.T) {
	set := defaultSet(t)
	for _, cmd := range []string{"cd docs && git status", "cd docs; git status", "pushd docs && git status",
		"(cd docs && git status)", "cd docs && { git status; }", "if cd docs; then git status; fi", "cd ./docs/ && git status",
		"cd /testbed/docs && git log", "pushd docs >/dev/null; git diff; popd", "cd src/../docs && git status",
		"timeout 5 bash -c 'cd docs && git status'"} {
		v := set.Judge([]string{"bash", "-c", cmd}, corpusCwd)
		if v.Class == policy.Safe && !slices.Contains(v.Dirs, "/testbed/docs") {
			t.Errorf("%q: safe with directories %q, want /testbed/docs among them", cmd, v.Dirs)
		}
	}
	for _, cmd := range []string{"cd \"$D\" && git status", "cd $(cat dir) && git status"} {
		if v := set.Judge([]string{"bash", "-c", cmd}, corpusCwd); v.Class == policy.Safe {
			t.Errorf("%q: safe, want unverified (the directory is known only at run time)", cmd)
		}
	}
}
