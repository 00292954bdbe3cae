package protect

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"

	"guard/internal/safefile"
)

// followYarnrcs reads each .yarnrc.yml and .yarnrc the resolution protected
// for the files they name that yarn runs: yarnPath (yarn-path in yarn 1's
// .yarnrc), the release every yarn command in the project hands over to,
// the global yarn 1 included, and the plugins' paths, loaded at every yarn
// command. A release rewritten from inside ran at the next `yarn --version`
// outside (nineteenth red team of the sandbox), the .yarnrc.yml naming it
// protected. They are protected where they reach a root, and looked for
// after the command where missing. A path is the rc file's directory's
// when relative; lines are read as yarn writes them (`key: value`, a
// plugin's `- path: value`), not as YAML in full.
func (r *resolver) followYarnrcs() {
	for _, f := range r.prot {
		base := filepath.Base(f.Path)
		if f.Missing || base != ".yarnrc.yml" && base != ".yarnrc" {
			continue
		}
		r.w.Add(f.Path)
		for _, p := range yarnRuns(f.Path) {
			if !filepath.IsAbs(p) {
				p = filepath.Join(filepath.Dir(f.Path), p)
			}
			p, _ = r.realPath(p)
			r.w.AddEntry(p)
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				r.addGit(p, "yarn runs it: "+f.Path+" names it")
			} else if err != nil {
				r.addMissing(p, "yarn runs it once it exists: "+f.Path+" names it")
			}
		}
	}
}

// yarnRuns returns the paths f, a .yarnrc.yml or .yarnrc, names for yarn
// to run: yarnPath and plugins' path in the first, yarn-path in the second
// (`yarn-path "x"` or `yarn-path x`). Unreadable or missing: none.
func yarnRuns(f string) []string {
	fh, _, err := safefile.Open(f) // a FIFO is not waited on
	if err != nil {
		return nil
	}
	defer fh.Close()
	var out []string
	classic := filepath.Base(f) == ".yarnrc"
	sc := bufio.NewScanner(fh)
	for n := 0; sc.Scan() && n < 2000; n++ {
		line := strings.TrimSpace(sc.Text())
		var v string
		switch {
		case classic:
			if rest, ok := strings.CutPrefix(line, "yarn-path"); ok && (strings.HasPrefix(rest, " ") || strings.HasPrefix(rest, "\t")) {
				v = rest
			}
		case strings.HasPrefix(line, "yarnPath:"):
			v = strings.TrimPrefix(line, "yarnPath:")
		case strings.HasPrefix(line, "- path:"):
			v = strings.TrimPrefix(line, "- path:")
		case strings.HasPrefix(line, "path:"):
			v = strings.TrimPrefix(line, "path:")
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		if v != "" && !strings.HasPrefix(v, "#") {
			out = append(out, v)
		}
	}
	return out
}
