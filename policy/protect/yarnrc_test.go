package protect

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestResolveYarnRuns: the release a protected .yarnrc.yml names by
// yarnPath and its plugins' paths, and yarn 1's yarn-path in a .yarnrc, are
// protected where they lie in a root (yarn runs them at its next command);
// a missing one is looked for; the rest of .yarn is not protected.
func TestResolveYarnRuns(t *testing.T) {
	proj := t.TempDir()
	write := func(p, s string) { writeIn(t, proj, p, s) }
	write(".yarnrc.yml", "nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-4.5.0.cjs\nplugins:\n"+
		"  - checksum: 0123\n    path: .yarn/plugins/@yarnpkg/plugin-a.cjs\n    spec: \"@yarnpkg/plugin-a\"\n"+
		"  - path: \".yarn/plugins/plugin-b.cjs\"\n  - path: .yarn/plugins/plugin-missing.cjs\n")
	write(".yarn/releases/yarn-4.5.0.cjs", "// yarn\n")
	write(".yarn/plugins/@yarnpkg/plugin-a.cjs", "// a\n")
	write(".yarn/plugins/plugin-b.cjs", "// b\n")
	write(".yarn/install-state.gz", "x")
	write("old/.yarnrc", "yarn-path \"./yarn-1.22.19.js\"\n")
	write("old/yarn-1.22.19.js", "// yarn 1\n")
	paths, missing := resolvedIn(proj)
	for _, want := range []string{".yarn/releases/yarn-4.5.0.cjs", ".yarn/plugins/@yarnpkg/plugin-a.cjs",
		".yarn/plugins/plugin-b.cjs", "old/yarn-1.22.19.js"} {
		if !slices.Contains(paths, filepath.Join(proj, want)) {
			t.Errorf("%s not protected (yarn runs it); protected: %q", want, paths)
		}
	}
	if p := filepath.Join(proj, ".yarn/plugins/plugin-missing.cjs"); !slices.Contains(missing, p) {
		t.Errorf("%s not looked for (missing: %q)", p, missing)
	}
	if p := filepath.Join(proj, ".yarn/install-state.gz"); slices.Contains(paths, p) {
		t.Errorf("%s protected: yarn runs nothing from it", p)
	}
}
