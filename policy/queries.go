package policy

import (
	"path/filepath"
	"strings"
)

// queryWhy is the judge's check of the ninth round's program queries, by
// program: Rust's (rustWhy: a rust-toolchain file picks the binary) and
// javap's (javapWhy: a class named by URL is fetched). It says why a
// command a rule matched is not the harmless query it looks like, or "".
func queryWhy(argv []string, cwd string) string {
	if len(argv) == 0 {
		return ""
	}
	switch filepath.Base(argv[0]) {
	case "cargo", "rustc", "rustup", "rustfmt":
		return rustWhy(argv, cwd)
	case "javap":
		return javapWhy(argv)
	}
	return ""
}

// javapWhy: javap prints the classes it is given, by name from its class
// path or by file; a word with a URL scheme (`http://host/X.class`,
// `jar:file:...!/X.class`) is fetched, over the network too. Any word
// with a colon is taken for one (a class name has none; a file name that
// has one is asked about). -J words and @FILE are hiddenInputsWhy's.
func javapWhy(argv []string) string {
	for i, a := range argv[1:] {
		switch argv[i] { // the word before a
		case "-cp", "-classpath", "--class-path":
			continue // a class path: directories and jars, separated by colons
		}
		if !strings.HasPrefix(a, "-") && strings.Contains(a, ":") {
			return "javap fetches a class named by URL (" + a + "), over the network too"
		}
	}
	return ""
}
