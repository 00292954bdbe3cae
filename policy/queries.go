package policy

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"guard/internal/safefile"
)

// queryWhy is the judge's check of the ninth round's program queries, by
// program: Rust's (rustWhy: a rust-toolchain file picks the binary),
// javap's (javapWhy: a class named by URL is fetched), cmake -N's
// (cmakeWhy: the cache it prints) and ninja's tools' (ninjaWhy: the
// manifests they load and print). It says why a command a rule matched is
// not the harmless query it looks like, or "".
func queryWhy(argv []string, cwd string) string {
	if len(argv) == 0 {
		return ""
	}
	switch filepath.Base(argv[0]) {
	case "cargo", "rustc", "rustup", "rustfmt":
		return rustWhy(argv, cwd)
	case "javap":
		return javapWhy(argv)
	case "cmake":
		return cmakeWhy(argv, cwd)
	case "ninja":
		return ninjaWhy(argv, cwd)
	}
	return ""
}

// maxNinjaFiles bounds the manifests ninjaWhy reads for one command.
const maxNinjaFiles = 64

// ninjaWhy: ninja's tools print the manifest they load, build.ninja (-f
// FILE) in the directory -C names, and every file it includes or
// subninjas: target names, commands, variables, and the line a file fails
// to parse at (`include ~/.aws/credentials` printed the key's line). Each
// of those files is judged as cat's read of it; an include whose path
// holds a variable, a manifest that cannot be read whole, or more than
// maxNinjaFiles of them, is unverified.
func ninjaWhy(argv []string, cwd string) string {
	dir, file := cwd, "build.ninja"
	for i := 1; i+1 < len(argv) && argv[i] != "-t"; i++ {
		switch argv[i] {
		case "-C":
			dir = absolute(argv[i+1], dir)
		case "-f":
			file = argv[i+1]
		}
	}
	queue, seen := []string{file}, map[string]bool{}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		abs := absolute(f, dir)
		if seen[abs] {
			continue
		}
		if seen[abs] = true; len(seen) > maxNinjaFiles {
			return "ninja loads more than " + strconv.Itoa(maxNinjaFiles) + " manifests, too many to check"
		}
		if why := secretPath(f, dir); why != "" {
			return "ninja prints the manifests it loads: " + why
		}
		b, err := safefile.Read(abs, maxContent)
		if errors.Is(err, fs.ErrNotExist) {
			continue // ninja stops there: nothing printed
		} else if err != nil {
			return "ninja loads " + f + ", which cannot be checked (" + err.Error() + ")"
		}
		text := strings.ReplaceAll(string(b), "$\n", " ") // a line continued
		for _, line := range strings.Split(text, "\n") {
			kw, path, ok := strings.Cut(strings.TrimSpace(line), " ")
			if !ok || kw != "include" && kw != "subninja" {
				continue
			}
			if path = strings.TrimSpace(path); strings.Contains(path, "$") {
				return "ninja " + kw + "s " + path + ", a path made from variables the judge does not expand"
			}
			queue = append(queue, path)
		}
	}
	return ""
}

// cmakeWhy: cmake -N -L prints the entries of the cache it loads, the
// build directory's CMakeCache.txt, or the working directory's when the
// directory given is a source tree without one; a credential passed with
// -D is printed as `cat` of the file would print it. Each is judged as
// that read (by name, link and content).
func cmakeWhy(argv []string, cwd string) string {
	if !slices.Contains(argv, "-N") {
		return ""
	}
	dir := argv[len(argv)-1]
	for _, cache := range []string{filepath.Join(dir, "CMakeCache.txt"), "CMakeCache.txt"} {
		if why := secretPath(cache, cwd); why != "" {
			return "cmake -N prints the cache it loads: " + why
		}
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
