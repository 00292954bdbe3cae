package policy

import (
	"os"
	"path/filepath"
)

// manifestFiles are the project files a package tool parses at start and
// quotes in its errors when they do not parse: bun prints the offending
// line of a package.json or bunfig.toml under its message, uv a
// pyproject.toml's or uv.toml's (and pipenv may a Pipfile's), and npm before
// release 9 quoted the text near a JSON error ("while parsing near
// 'OPENAI_API_KEY=sk-...'"; npm 10 does not). A manifest that is a secret
// by name or content, or a link to one (`package.json -> .env`), would be
// printed into the agent's context. go's go.mod and go.work are judged in
// gotool.go.
var manifestFiles = map[string][]string{
	"bun": {"package.json", "bunfig.toml"},
	"npm": {"package.json"},
	// uv's TOML errors show the line and a caret under the column.
	"uv":     {"pyproject.toml", "uv.toml"},
	"pipenv": {"Pipfile"},
}

// manifestSecret says why prog run in cwd parses a manifest that is a
// secret, or "": each named file from cwd up to the root is judged as cat's
// would be (the tools look upwards for a workspace root).
//
// Limits: .npmrc files are not judged here (npm masks the tokens they hold
// and does not quote their lines), nor ~/.bunfig.toml.
func manifestSecret(prog, cwd string) string {
	names := manifestFiles[prog]
	if len(names) == 0 || !filepath.IsAbs(cwd) {
		return ""
	}
	for d := filepath.Clean(cwd); ; d = filepath.Dir(d) {
		for _, n := range names {
			p := filepath.Join(d, n)
			if _, err := os.Lstat(p); err != nil {
				continue
			}
			if why := secretPath(p, "/"); why != "" {
				return "secret: " + prog + " parses " + p + " and prints a line it cannot parse: " + why
			}
		}
		if d == filepath.Dir(d) {
			return ""
		}
	}
}
