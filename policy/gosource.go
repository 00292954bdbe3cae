package policy

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"guard/internal/safefile"
)

// Go tools that parse the .go files below a directory and print only
// names still quote the files they cannot parse: `gofmt -l src` printed
// `src/e.go:1:1: expected 'package', found OPENAI_API_KEY`, and with -e
// every error (`expected ';', found "sk-proj-..."`); `go list ./...` prints
// the first error of a package's file (judge-23 J23-1). A .go name that is
// a link to .env, or a Go-named file holding a token, is therefore a secret
// read unless the Go parser accepts it (then only its name is printed).
//
// Limits: the walk follows gofmt's (every directory, .go names not starting
// with a dot), a superset of go list's; a walk of more than maxGofmtFiles
// entries, or a file larger than maxGoParse, is asked about when a secret
// is among them.

// maxGoParse bounds the size of a file goParses reads.
const maxGoParse = 4 << 20

// goSourceSecret says why tool, walking each of dirs (recursively or not)
// for .go files, prints a credential, or "". printed is set when the tool
// prints the source itself (gofmt without -l, or -d): any secret file is one.
func goSourceSecret(tool string, dirs []string, recursive, printed bool) string {
	return goSourceWalk(tool, dirs, recursive, printed, false)
}

// goSourceWalk is goSourceSecret; with packages, the walk is the go
// command's over package directories: not into a directory whose name
// starts with . or _, nor testdata, nor another module (a go.mod below the
// top), whose files go list never parses (.git is never walked).
func goSourceWalk(tool string, dirs []string, recursive, printed, packages bool) string {
	why, n := "", 0
	for _, d := range dirs {
		_ = filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil || why != "" {
				return nil
			}
			if n++; n > maxGofmtFiles {
				why = tool + " walks more than " + strconv.Itoa(maxGofmtFiles) + " entries below " + d + ", too many to check for credentials"
				return filepath.SkipAll
			}
			if e.IsDir() {
				if p == d {
					return nil
				}
				if !recursive {
					return filepath.SkipDir
				}
				if packages {
					if n := e.Name(); strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") || n == "testdata" {
						return filepath.SkipDir
					}
					if _, err := os.Lstat(filepath.Join(p, "go.mod")); err == nil {
						return filepath.SkipDir
					}
				}
				return nil
			}
			if strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), ".go") {
				return nil
			}
			w := secretPath(p, "/")
			switch {
			case w == "":
			case printed:
				why = tool + " prints the Go files below " + d + " and " + w
			case !goParses(p):
				why = tool + " quotes the lines of a Go file it cannot parse, and " + p + " does not parse: " + w
			}
			if why != "" {
				return filepath.SkipAll
			}
			return nil
		})
		if why != "" {
			return why
		}
	}
	return ""
}

// goParses reports whether the Go parser accepts the file at p (read
// through a link, as the tools do).
func goParses(p string) bool {
	src, err := safefile.Read(p, maxGoParse)
	if err != nil {
		return false
	}
	_, err = parser.ParseFile(token.NewFileSet(), p, src, parser.SkipObjectResolution)
	return err == nil
}

// goListSources says why `go list ARGS` run in cwd prints a credential, or
// "": without -m it parses the .go files of the packages its patterns name
// (a relative or absolute pattern: that directory, all below it with /...;
// an import path, all or std: the main module's tree; none: cwd).
func goListSources(args []string, cwd string) string {
	var dirs []string
	recursive, module := false, false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-m":
			return ""
		case a == "-f" || a == "-tags":
			i++ // the option's value
		case strings.HasPrefix(a, "-"):
		case strings.HasPrefix(a, ".") || strings.HasPrefix(a, "/"):
			d, deep := strings.CutSuffix(a, "/...")
			recursive = recursive || deep || strings.Contains(d, "...")
			d, _, _ = strings.Cut(d, "...")
			dirs = append(dirs, absolute(d, cwd))
		default:
			module = true
		}
	}
	if module {
		root := cwd
		if f := upwards(cwd, "go.mod"); f != "" {
			root = filepath.Dir(f)
		}
		dirs, recursive = []string{root}, true
	}
	if len(dirs) == 0 {
		dirs = []string{cwd}
	}
	var walk []string
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			walk = append(walk, d)
		}
	}
	if why := goSourceWalk("go list", walk, recursive, false, true); why != "" {
		return why
	}
	// The packages' imports are loaded too: a module replaced by a
	// directory, or used by the workspace, is parsed where it is.
	var local []string
	for _, f := range goModFiles(cwd) {
		local = append(local, goLocalModules(f)...)
	}
	return goSourceWalk("go list", local, true, false, true)
}

// goLocalModules returns the directories a go.mod or go.work names for its
// modules: `use DIR` (go.work) and `replace M => DIR` with a local path.
func goLocalModules(file string) []string {
	b, err := safefile.Read(file, maxContent)
	if err != nil {
		return nil
	}
	var out []string
	block := ""
	for _, line := range strings.Split(string(b), "\n") {
		line, _, _ = strings.Cut(line, "//")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		directive := block
		switch {
		case block != "" && f[0] == ")":
			block = ""
			continue
		case block == "" && len(f) == 2 && f[1] == "(":
			block = f[0]
			continue
		case block == "":
			directive, f = f[0], f[1:]
		}
		var dir string
		switch i := slices.Index(f, "=>"); {
		case directive == "use" && len(f) > 0:
			dir = f[0]
		case directive == "replace" && i >= 0 && i+1 < len(f):
			dir = f[i+1]
		}
		dir = strings.Trim(dir, "\"`")
		if dir == "." || dir == ".." || strings.HasPrefix(dir, "./") || strings.HasPrefix(dir, "../") || filepath.IsAbs(dir) {
			d := absolute(dir, filepath.Dir(file))
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				out = append(out, d)
			}
		}
	}
	return out
}
