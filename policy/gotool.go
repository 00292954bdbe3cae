package policy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"guard/internal/safefile"
)

// go's queries (fourth held-out batch): the policy declares `go version`,
// `go env NAME...`, `go list`, `go doc`, `go help`, `go mod graph/why/verify`
// without the options that build, write go.mod or run a program. What the
// go command runs is not fixed by its argv: with GOTOOLCHAIN=auto (Go's
// default) a go.mod or go.work that asks for a newer Go (its go or
// toolchain line) makes go fetch that toolchain and run it, or run a
// binary of that name found on PATH. goWhy, for every go command a rule
// matched, makes it unverified unless the toolchain that runs is the local
// one:
//
//   - the go on PATH has a GOROOT whose VERSION file says its version;
//   - GOTOOLCHAIN (the environment, then the user's go env file, then
//     GOROOT/go.env) is local, auto or path (or VERSION+auto/path with a
//     version not newer than the local one);
//   - the go.work and go.mod that apply (found upwards from the working
//     directory, GOWORK honoured) ask for no newer Go;
//   - GOFLAGS sets no -mod or -modfile (-mod=mod lets a query rewrite go.mod),
//     and no -overlay, -pgo, -toolexec or -exec (files read, programs run);
//   - `go env NAME` names no setting that can hold a password or a command
//     (GOPROXY, GOAUTH, GOSUMDB, GOFLAGS) and no secret-looking variable;
//   - the go.mod and go.work that apply are no secret by name or content,
//     nor links to one: go prints the lines it cannot parse (sixth held-out
//     batch's review, go mod edit -json and go list alike).
//
// Limits: the module downloads a query may make (`go list -m all` fetches
// go.mod files into the module cache) are taken as a cache, as npm view's;
// a file that cannot be read or a version that cannot be parsed asks.
func goWhy(argv []string, cwd string) string {
	if len(argv) < 2 || filepath.Base(argv[0]) != "go" {
		return ""
	}
	if argv[1] == "env" {
		for _, name := range argv[2:] {
			switch {
			case name == "GOPROXY" || name == "GOAUTH" || name == "GOSUMDB" || name == "GOFLAGS":
				return "go env " + name + " can print a password or a command (a proxy's URL, an auth command)"
			case !strings.HasPrefix(name, "-") && secrets().SecretEnvName(name):
				return "go env " + name + " prints a secret-looking variable"
			}
		}
	}
	// go prints the lines of a go.mod or go.work it cannot parse ("go.mod:1:
	// unknown directive: OPENAI_API_KEY=sk-..."): one that is a secret by
	// name or content, or a link to one, is a secret read.
	for _, f := range goModFiles(cwd) {
		if why := secretPath(f, "/"); why != "" {
			return "secret: go prints the lines of " + filepath.Base(f) + " it cannot parse: " + why
		}
	}
	// go list (and go mod why, which loads the packages) quotes a .go file
	// it cannot parse: a secret below is printed (judge-23 J23-1).
	switch {
	case argv[1] == "list":
		if why := goListSources(argv[2:], cwd); why != "" {
			return "secret: " + why
		}
	case argv[1] == "mod" && len(argv) > 2 && argv[2] == "why":
		if why := goListSources([]string{"all"}, cwd); why != "" {
			return "secret: " + why
		}
	}
	local, goroot := localGo()
	if local == "" {
		return "the go on PATH or its version cannot be found: a go.mod may have it run another toolchain"
	}
	cfg := goSettings(goroot)
	if flags := cfg["GOFLAGS"]; strings.Contains(flags, "-mod") {
		return "GOFLAGS=" + flags + " can let go rewrite go.mod or read another"
	} else if why := goFlagsFileWhy(flags); why != "" {
		return why
	}
	tc := cfg["GOTOOLCHAIN"]
	if tc == "" {
		tc = "auto"
	}
	min, mode, plus := strings.Cut(tc, "+")
	if !plus {
		min, mode = "", tc
	}
	switch mode {
	case "local":
		return ""
	case "auto", "path":
	default:
		return "GOTOOLCHAIN=" + tc + " has go run another toolchain"
	}
	if min != "" && goNewer(strings.TrimPrefix(min, "go"), local) {
		return "GOTOOLCHAIN=" + tc + " asks for a Go newer than the local " + local + ": go would fetch and run it"
	}
	for _, f := range goModFiles(cwd) {
		req, ok := goRequired(f)
		if !ok {
			return f + " cannot be checked for the Go version it asks for"
		}
		if req != "" && goNewer(req, local) {
			return f + " asks for go " + req + ", newer than the local go " + local + ": go would fetch and run that toolchain"
		}
	}
	return ""
}

// goFlagsFileWhy says why a GOFLAGS word names a file a query reads or a
// program it runs, or "": -overlay maps any file go reads to another, and
// go prints the lines of a go.mod it cannot parse, so `GOFLAGS=-overlay=J
// go list ./...` printed a .env's KEY=token line when J mapped go.mod to
// it (judge-16); -pgo names a profile, -toolexec and -exec programs.
func goFlagsFileWhy(flags string) string {
	for _, w := range strings.Fields(flags) {
		name, _, _ := strings.Cut(strings.TrimLeft(w, "-"), "=")
		switch name {
		case "overlay", "pgo", "toolexec", "exec", "C":
			return "GOFLAGS=" + flags + " gives go " + w + ", which names a file it reads or a program it runs"
		}
	}
	return ""
}

// localGo returns the version of the go on PATH (without "go") and its
// GOROOT, or "".
func localGo() (version, goroot string) {
	p, err := exec.LookPath("go")
	if err != nil || !filepath.IsAbs(p) {
		return "", ""
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	goroot = os.Getenv("GOROOT")
	if goroot == "" {
		goroot = filepath.Dir(filepath.Dir(p))
	}
	b, err := safefile.Read(filepath.Join(goroot, "VERSION"), 4096)
	if err != nil {
		return "", ""
	}
	line, _, _ := strings.Cut(string(b), "\n")
	v, ok := strings.CutPrefix(strings.TrimSpace(line), "go")
	if !ok {
		return "", ""
	}
	if _, ok := goVersion(v); !ok {
		return "", ""
	}
	return v, goroot
}

// goSettings returns GOTOOLCHAIN and GOFLAGS as go sees them: the
// environment, then the user's go env file ($GOENV, or go/env in the user
// config directory), then GOROOT/go.env.
func goSettings(goroot string) map[string]string {
	out := map[string]string{}
	files := []string{}
	switch env := os.Getenv("GOENV"); {
	case env == "off":
	case env != "":
		files = append(files, env)
	default:
		if dir, err := os.UserConfigDir(); err == nil {
			files = append(files, filepath.Join(dir, "go", "env"))
		}
	}
	files = append(files, filepath.Join(goroot, "go.env"))
	for _, name := range []string{"GOTOOLCHAIN", "GOFLAGS"} {
		if v, ok := os.LookupEnv(name); ok && v != "" {
			out[name] = v
			continue
		}
		for _, f := range files {
			if v, ok := goEnvFileValue(f, name); ok {
				out[name] = v
				break
			}
		}
	}
	return out
}

// goEnvFileValue returns NAME's value in a go env file (NAME=VALUE lines).
func goEnvFileValue(file, name string) (string, bool) {
	b, err := safefile.Read(file, maxContent)
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// goModFiles returns the go.work (unless GOWORK=off) and go.mod files that
// apply in dir: GOWORK's file, or the nearest go.work and go.mod upwards.
func goModFiles(dir string) []string {
	var out []string
	work := os.Getenv("GOWORK")
	switch {
	case work == "off":
	case work != "":
		out = append(out, absolute(work, dir))
	default:
		if f := upwards(dir, "go.work"); f != "" {
			out = append(out, f)
		}
	}
	if f := upwards(dir, "go.mod"); f != "" {
		out = append(out, f)
	}
	return out
}

// upwards returns the first dir/name, dir/../name, ... that exists, or "".
func upwards(dir, name string) string {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if d == filepath.Dir(d) {
			return ""
		}
	}
}

// goRequired returns the newest Go version a go.mod or go.work asks for in
// its go and toolchain lines ("" for none), and whether it could be read.
func goRequired(file string) (string, bool) {
	b, err := safefile.Read(file, maxContent)
	if err != nil {
		return "", false
	}
	req := ""
	for _, line := range strings.Split(string(b), "\n") {
		line, _, _ = strings.Cut(line, "//")
		f := strings.Fields(line)
		if len(f) != 2 || f[0] != "go" && f[0] != "toolchain" || f[1] == "default" {
			continue
		}
		v := f[1]
		if f[0] == "toolchain" {
			v = strings.TrimPrefix(v, "go")
		}
		if _, ok := goVersion(v); !ok {
			return "", false
		}
		if req == "" || goNewer(v, req) {
			req = v
		}
	}
	return req, true
}

// goVersion parses 1.21, 1.21.3, 1.21rc1 or 1.21beta2 into major, minor,
// patch, stage (0 a language version, 1 beta, 2 rc, 3 a release) and the
// stage's number, ordered as Go orders them.
func goVersion(v string) ([5]int, bool) {
	var out [5]int
	stage, n := 3, 0
	if i := strings.IndexAny(v, "br"); i >= 0 {
		pre := v[i:]
		v = v[:i]
		switch {
		case strings.HasPrefix(pre, "beta"):
			stage, pre = 1, pre[4:]
		case strings.HasPrefix(pre, "rc"):
			stage, pre = 2, pre[2:]
		default:
			return out, false
		}
		var err error
		if n, err = strconv.Atoi(pre); err != nil {
			return out, false
		}
	}
	parts := strings.Split(v, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return out, false
	}
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil || x < 0 {
			return out, false
		}
		out[i] = x
	}
	if len(parts) == 2 && stage == 3 {
		stage = 0 // 1.21, the language version, comes before 1.21rc1 and 1.21.0
	}
	if len(parts) == 3 && stage != 3 {
		return out, false
	}
	out[3], out[4] = stage, n
	return out, true
}

// goNewer reports whether version a is newer than b; an unparsable a is.
func goNewer(a, b string) bool {
	va, ok := goVersion(a)
	if !ok {
		return true
	}
	vb, ok := goVersion(b)
	if !ok {
		return true
	}
	for i := range va {
		if va[i] != vb[i] {
			return va[i] > vb[i]
		}
	}
	return false
}
