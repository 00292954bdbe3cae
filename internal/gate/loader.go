package gate

import (
	"fmt"
	"path/filepath"
	"strings"

	"guard/policy"
)

// loaderVars are the variables of the environment guard inherits that make
// every dynamically linked program load code from where they say (judge-7
// L1): the dynamic loader's library path, preloads and audit libraries, and
// glibc's iconv module path (iconv, and any program converting text). An
// empty entry of LD_LIBRARY_PATH (`export LD_LIBRARY_PATH=$LD_LIBRARY_PATH:
// /opt/x` with the variable unset gives ":/opt/x") or a relative one is
// taken from the working directory: `ls` in the project then loads the
// project's libselinux.so.1, which a write in auto-edit (or the repository
// itself) put there. The judge refuses them as a command's own assignment;
// this is for the inherited environment, as loadPathVars are for the
// interpreters.
var loaderVars = []struct {
	name string
	sep  string
}{
	{"LD_LIBRARY_PATH", ":;"}, {"LD_PRELOAD", ": "}, {"LD_AUDIT", ":"}, {"GCONV_PATH", ":"},
}

// loaderReach says which loader variable names a library or a directory
// inside a writable root, or one found from the directory a command runs in
// (an empty or relative entry, tried from each of dirs), or "". A preload
// or audit name without a slash is searched in the library path, which the
// LD_LIBRARY_PATH check covers. Nothing is read while none is set.
func (g *Gate) loaderReach(dirs []string) string {
	for _, v := range loaderVars {
		val, set := g.lookupEnv(v.name)
		if !set {
			continue
		}
		if val == "" {
			continue // the loader takes an empty variable for an unset one
		}
		entries := strings.FieldsFunc(val, func(r rune) bool { return strings.ContainsRune(v.sep, r) })
		if v.name == "LD_LIBRARY_PATH" || v.name == "GCONV_PATH" {
			entries = splitKeepEmpty(val, v.sep) // an empty entry is the working directory
		}
		for _, e := range entries {
			if (v.name == "LD_PRELOAD" || v.name == "LD_AUDIT") && !strings.Contains(e, "/") {
				continue
			}
			if strings.Contains(e, "$") {
				// The loader expands $ORIGIN, $LIB and $PLATFORM: where
				// that lands depends on the program.
				return fmt.Sprintf("%s=%s holds %s, which the loader expands for each program", v.name, val, e)
			}
			if e == "" || !filepath.IsAbs(e) {
				return fmt.Sprintf("%s=%s has the entry %q, which the loader takes from the directory a program runs in: "+
					"a library written there runs in every program", v.name, val, e)
			}
			real := policy.Resolve(e, "/")
			for _, rr := range g.resolvedRoots() {
				if policy.Inside(real, rr) {
					return fmt.Sprintf("%s=%s names %s, inside the writable root %s: a library written there runs in every program",
						v.name, val, e, rr)
				}
			}
		}
	}
	return ""
}

// splitKeepEmpty splits s at any rune of seps, keeping empty fields.
func splitKeepEmpty(s, seps string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune(seps, r) {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// lookupEnv returns the value of name in guard's environment and whether it
// is set.
func (g *Gate) lookupEnv(name string) (string, bool) {
	for i := len(g.Env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(g.Env[i], "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}
