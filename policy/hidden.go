package policy

import (
	"archive/zip"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"guard/internal/safefile"
)

// What a read-only tool reads beyond the words the judge sees (the second
// red-team of issue 16's widening, redteam16b):
//
//   - response files: binutils (nm, objdump, readelf, size, ar, strings...),
//     GCC and LLVM tools (clang-format), Java's tools (jar) and 7-Zip
//     replace a word @FILE by the words FILE holds. Those words are options
//     the rule never saw (nm --plugin loads a library, clang-format -i
//     rewrites files) or names that the tool prints in its errors (`nm
//     @.env` prints "'API_KEY=...': No such file"): a word that starts with
//     @ makes these programs unverified;
//   - the JDK tools' launcher hands every -JOPTION word to the JVM, after
//     -- too: `jar tf app.jar -- -J-javaagent:agent.jar` ran the agent;
//   - a gemrc (~/.gemrc, /etc/gemrc, $GEMRC) gives every gem command, or
//     one by name, default arguments: `list: --remote --source URL` sends
//     `gem list` to the network; gem is unverified while one sets them;
//   - jq's ~/.jq: jq 1.6 and 1.7 source it into every program, where it can
//     redefine any builtin (`def keys: env;`); yq hands its filter to jq.
//     jq and yq are unverified while it exists, as sqlite3 is with
//     ~/.sqliterc;
//   - unzip -p/-c print the members of an archive: a member named as a
//     secret (.env, id_rsa, .aws/credentials) is a secret read, found in the
//     archive's central directory; an archive that cannot be read there, or
//     a name unzip would expand itself (a wildcard), cannot be judged;
//   - helm env prints $HELM_KUBETOKEN when it is set: a secret read then;
//   - terraform fmt reads every .tf, .tfvars and .tftest.hcl file of its
//     directories (-recursive: of the tree) and prints the lines of one it
//     cannot parse: such a file that is a secret, or a link to one, is read;
//   - clang-format's style file (--style=file:PATH, or the .clang-format or
//     _clang-format it looks for from each file's directory up): a YAML
//     error prints the offending line, so a style file that is a secret, or
//     a link to one, is a secret read;
//   - the rbenv family's version files (.python-version, .ruby-version...,
//     and the root's global one), printed when the version they name is not
//     installed (versionmgr.go);
//   - the manifests bun, npm, uv and pipenv parse (package.json,
//     bunfig.toml, pyproject.toml, uv.toml, Pipfile) and print a line of
//     when it does not parse (manifest.go).

// responseFilePrograms expand @FILE into the words FILE holds.
func responseFilePrograms(p string) bool {
	switch p {
	case "nm", "objdump", "readelf", "size", "ar", "strings", "c++filt", "addr2line", "objcopy", "strip", "ranlib",
		"elfedit", "gprof", "as", "ld", "ld.bfd", "ld.gold", "ld.lld", "lld", "gcc", "g++", "cc", "c++", "cpp", "clang",
		"clang++", "clang-format", "clang-tidy", "clangd", "jar", "java", "javac", "javap", "jdeps", "jlink", "jshell",
		"javadoc", "kotlinc", "7z", "7za", "7zz", "7zr":
		return true
	}
	return strings.HasPrefix(p, "llvm-") || strings.HasPrefix(p, "x86_64-linux-gnu-") || strings.HasPrefix(p, "aarch64-linux-gnu-")
}

// javaLauncher: the JDK's tools, whose launcher hands each -JOPTION word to
// the JVM wherever it stands.
func javaLauncher(p string) bool {
	switch p {
	case "jar", "jps", "jstat", "jcmd", "jinfo", "jmap", "jstack", "javac", "javap", "jdeps", "jlink", "jshell", "javadoc",
		"keytool", "jarsigner", "jdb", "jhsdb", "jconsole", "serialver", "jimage", "jmod", "jpackage", "jfr", "jrunscript":
		return true
	}
	return false
}

// hiddenInputsWhy says why argv (run in cwd) reads options or code from a
// file it does not name as a file (a response file, ~/.jq), or "". A glob
// word counts as the names it matches now: `nm *.o` by a file named @x.o
// is `nm @x.o`, which reads x.o's words.
func hiddenInputsWhy(argv []string, cwd string) string {
	if len(argv) == 0 {
		return ""
	}
	prog := filepath.Base(argv[0])
	at, dashJ := responseFilePrograms(prog), javaLauncher(prog)
	if at || dashJ {
		for _, a := range argv[1:] {
			words := []string{a}
			if strings.ContainsAny(a, "*?[") && !strings.Contains(a, "/") {
				matches, ok := shellGlob(globAbsolute(a, cwd))
				if !ok {
					return prog + " is given the glob " + a + ", which guard cannot expand as the shell does"
				}
				words = words[:0]
				for _, m := range matches {
					words = append(words, filepath.Base(m))
				}
			}
			for _, w := range words {
				switch {
				case at && strings.HasPrefix(w, "@") && len(w) > 1:
					return prog + " reads more words from the response file " + w + ": options and names the rule never saw"
				case dashJ && strings.HasPrefix(w, "-J"):
					return prog + " passes " + w + " to the JVM (the launcher takes -J words anywhere, after -- too): -J-javaagent: runs code"
				}
			}
		}
	}
	if prog == "gem" {
		if why := gemrcWhy(); why != "" {
			return why
		}
	}
	if (prog == "docker" || prog == "podman") && slices.Contains(argv, "compose") && slices.Contains(argv, "--profiles") {
		if why := composeProfiles(argv, cwd); why != "" {
			return why
		}
	}
	if prog == "rg" && !slices.Contains(argv, "--no-config") {
		if _, why := rgConfig(); why != "" {
			return why
		}
	}
	if prog == "flake8" {
		if why := flake8LocalPlugins(cwd); why != "" {
			return why
		}
	}
	if why := manifestSecret(prog, cwd); why != "" {
		return why
	}
	if prog == "uv" && len(argv) > 1 && (argv[1] == "pip" || argv[1] == "python") {
		if why := uvInterpreter(cwd); why != "" {
			return why
		}
	}
	if prog == "jq" || prog == "yq" || prog == "gojq" {
		h := home()
		if !filepath.IsAbs(h) {
			return prog + " sources ~/.jq at start, and HOME is not set"
		}
		if _, err := os.Lstat(filepath.Join(h, ".jq")); err == nil || !os.IsNotExist(err) {
			return prog + " sources ~/.jq at start (its definitions can replace any builtin, env among them)"
		}
	}
	return ""
}

// flake8LocalPlugins says why flake8 run in cwd runs the project's code,
// or "": flake8 reads its configuration (setup.cfg, tox.ini, .flake8 in
// the directory or the nearest one above it that has one) and imports the
// local plugins it names ([flake8:local-plugins], paths = .) before it
// parses its options, so `flake8 --version` and `flake8 --help` ran
// ./evilplug.py.
func flake8LocalPlugins(cwd string) string {
	for d := filepath.Clean(cwd); filepath.IsAbs(d); d = filepath.Dir(d) {
		for _, name := range []string{"setup.cfg", "tox.ini", ".flake8"} {
			p := filepath.Join(d, name)
			b, err := safefile.Read(p, 1<<20)
			if err != nil {
				if os.IsNotExist(err) || errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return "flake8 reads " + p + ", which cannot be checked (" + err.Error() + ")"
			}
			if strings.Contains(strings.ToLower(string(b)), "local-plugins") || strings.Contains(strings.ToLower(string(b)), "local_plugins") {
				return "flake8 imports the local plugins " + p + " names when it starts, --version and --help too (code in the project)"
			}
		}
		if d == "/" {
			break
		}
	}
	return ""
}

// composeProfiles says why `docker compose config --profiles` prints more
// than names, or "": profiles are values, and compose interpolates values
// (${VAR} from the environment and the project's .env) before it prints
// them: `profiles: ["${OPENAI_API_KEY}"]` prints the key. The compose
// files are those -f names, else the default names in cwd; a file that
// holds a $, includes or extends others, or a .env or COMPOSE_FILE that
// picks other files, makes it unverified.
func composeProfiles(argv []string, cwd string) string {
	var files []string
	for i := 1; i < len(argv); i++ {
		switch a := argv[i]; {
		case (a == "-f" || a == "--file") && i+1 < len(argv):
			files = append(files, argv[i+1])
			i++
		case strings.HasPrefix(a, "--file="):
			files = append(files, strings.TrimPrefix(a, "--file="))
		case strings.HasPrefix(a, "-f") && len(a) > 2 && a[2] != '-':
			files = append(files, a[2:])
		}
	}
	if os.Getenv("COMPOSE_FILE") != "" {
		return "compose reads the files $COMPOSE_FILE names, and interpolates the profiles it prints"
	}
	if b, err := safefile.Read(filepath.Join(cwd, ".env"), 1<<20); err == nil && strings.Contains(string(b), "COMPOSE_") {
		return "compose reads .env, which sets COMPOSE_ variables (the files it reads), and interpolates the profiles it prints"
	}
	if len(files) == 0 {
		files = []string{"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml", "compose.override.yaml",
			"compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"}
	}
	for _, f := range files {
		p := absolute(homeWord(f), cwd)
		b, err := safefile.Read(p, 1<<20)
		if err != nil {
			if os.IsNotExist(err) || errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return "compose reads " + f + ", which cannot be checked (" + err.Error() + ")"
		}
		body := string(b)
		if strings.Contains(body, "$") || strings.Contains(body, "include") || strings.Contains(body, "extends") {
			return "compose interpolates variables (the environment, the project's .env) into the profile names it prints, and " +
				f + " holds a $ or names other files"
		}
	}
	return ""
}

// uvInterpreter says why `uv pip list` (show, freeze, tree, check) or `uv
// python list` run in cwd runs a program the project chooses, or "". uv
// learns an environment's packages and an interpreter's version by
// running the interpreter (a script of its own on its stdin): the one
// UV_PYTHON, VIRTUAL_ENV or CONDA_PREFIX names, else a .venv in the
// directory or above it, else one a uv.toml, a pyproject.toml's [tool.uv]
// or a .python-version names (a path there is run). Files in the project
// are the agent's to write: `.venv/bin/python` made a script ran with the
// user's rights at the next `uv pip list`. Only PATH's pythons are left.
func uvInterpreter(cwd string) string {
	for _, v := range []string{"UV_PYTHON", "VIRTUAL_ENV", "CONDA_PREFIX"} {
		if os.Getenv(v) != "" {
			return "uv runs the interpreter $" + v + " names to read its packages (a file there may do anything)"
		}
	}
	for d := filepath.Clean(cwd); filepath.IsAbs(d); d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".venv")); err == nil || !os.IsNotExist(err) {
			return "uv runs " + filepath.Join(d, ".venv", "bin", "python") + " to read its packages (a file in the project may do anything)"
		}
		for _, name := range []string{"uv.toml", "pyproject.toml", ".python-version"} {
			p := filepath.Join(d, name)
			b, err := safefile.Read(p, 1<<20)
			if err != nil {
				if !os.IsNotExist(err) && !errors.Is(err, fs.ErrNotExist) {
					return "uv reads " + p + ", which cannot be checked (" + err.Error() + ")"
				}
				continue
			}
			body := string(b)
			if name == "uv.toml" || name == "pyproject.toml" && strings.Contains(body, "tool.uv") ||
				name == ".python-version" && strings.ContainsAny(body, "/\\~") {
				return "uv reads " + p + ", which can choose the interpreter uv runs"
			}
		}
		if d == "/" {
			break
		}
	}
	return ""
}

// unjudged starts a hiddenSecret answer that is no secret but a reason the
// command cannot be judged.
const unjudged = "unjudged: "

// hiddenSecret says which secret a matched command prints from a file it
// does not name (an archive's member, a style file), or "" (an answer that
// starts with unjudged says why it cannot be known instead).
func hiddenSecret(r *Result, argv []string, cwd string) string {
	if r.Exec == nil || len(argv) == 0 {
		return ""
	}
	switch filepath.Base(argv[0]) {
	case "unzip":
		return unzipPrinted(r, cwd)
	case "clang-format":
		return clangFormatStyle(r, cwd)
	case "pyenv", "rbenv", "nodenv", "goenv", "phpenv", "plenv", "jenv":
		return versionFileSecret(filepath.Base(argv[0]), cwd)
	case "terraform":
		if len(r.Exec.Args) > 0 && r.Exec.Args[0].Value == "fmt" {
			return terraformFmtSecret(r, cwd)
		}
	case "helm":
		// helm env prints $HELM_KUBETOKEN, a bearer token, whole.
		if len(r.Exec.Args) > 0 && r.Exec.Args[0].Value == "env" && os.Getenv("HELM_KUBETOKEN") != "" {
			return "helm env prints HELM_KUBETOKEN, the cluster's bearer token"
		}
	}
	return ""
}

// unzipPrinted: the secret members unzip -p/-c would print.
func unzipPrinted(r *Result, cwd string) string {
	printing, fold := false, false
	for _, f := range r.Exec.Flags {
		switch f.Name {
		case "-p", "-c":
			printing = true
		case "-C":
			fold = true
		}
	}
	if !printing || len(r.Exec.Args) == 0 {
		return ""
	}
	name := r.Exec.Args[0].Value
	if strings.ContainsAny(name, "*?[") {
		return unjudged + "unzip -p expands " + name + " itself: any archive's members can be printed"
	}
	var zr *zip.ReadCloser
	var err error
	found := false
	for _, n := range []string{name, name + ".zip", name + ".ZIP"} {
		if _, serr := os.Stat(absolute(n, cwd)); serr != nil {
			continue // unzip tries the next name; with none it prints nothing
		}
		found = true
		if zr, err = zip.OpenReader(absolute(n, cwd)); err == nil {
			break
		}
	}
	if !found {
		return ""
	}
	if zr == nil {
		return unjudged + "unzip -p prints members of " + name + ", which cannot be read to judge them (" + err.Error() + ")"
	}
	defer zr.Close()
	var patterns []string
	for _, a := range r.Exec.Args[1:] {
		patterns = append(patterns, a.Value)
	}
	h := home()
	for _, f := range zr.File {
		if !unzipSelects(patterns, f.Name, fold) {
			continue
		}
		// unzip turns an MS-DOS archive's \ into /.
		m := filepath.Clean("/" + strings.ReplaceAll(f.Name, "\\", "/"))
		for _, p := range []string{"/nowhere" + m, filepath.Join(h, m)} {
			if e := secrets().Secret(p, h); e != nil {
				return "prints " + f.Name + " from " + name + " (" + e.Reason + ")"
			}
		}
		if contentName(filepath.Base(m)) {
			return "prints " + f.Name + " from " + name + ", a file that can hold a token"
		}
		// A token in a member (deflated: the scan of the archive's own
		// bytes never sees it).
		rc, err := f.Open()
		if err != nil {
			return unjudged + "unzip -p prints " + f.Name + " from " + name + ", which cannot be read to judge it (" + err.Error() + ")"
		}
		kind, over := streamTokenKind(rc)
		rc.Close()
		switch {
		case over:
			return unjudged + overScanBudget()
		case kind != "":
			return "prints " + f.Name + " from " + name + ", which holds what looks like " + kind
		}
	}
	return ""
}

// unzipSelects reports whether unzip prints member name for the member
// patterns given (none: every member; a wildcard: counted as every member).
func unzipSelects(patterns []string, name string, fold bool) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if strings.ContainsAny(p, "*?[\\") || p == name || fold && strings.EqualFold(p, name) {
			return true
		}
	}
	return false
}

// clangFormatStyle: a style file clang-format reads that is a secret.
func clangFormatStyle(r *Result, cwd string) string {
	dirs := []string{}
	for _, a := range r.Exec.Args {
		dirs = append(dirs, filepath.Dir(absolute(a.Value, cwd)))
	}
	for _, o := range r.Exec.Opts {
		v := strings.TrimPrefix(o.Value, "=")
		switch o.Name {
		case "--style", "-style":
			if p, ok := strings.CutPrefix(v, "file:"); ok {
				if why := secretPath(p, cwd); why != "" {
					return "clang-format --style=file: " + why + " (its errors print its lines)"
				}
				if why := deviceRead(p, cwd); why != "" {
					return "clang-format --style=file: " + why
				}
			}
		case "--assume-filename":
			dirs = append(dirs, filepath.Dir(absolute(v, cwd)))
		}
	}
	if len(dirs) == 0 {
		dirs = append(dirs, cwd)
	}
	seen := map[string]bool{}
	for _, d := range dirs {
		for d = filepath.Clean(d); !seen[d]; d = filepath.Dir(d) {
			seen[d] = true
			for _, n := range []string{".clang-format", "_clang-format"} {
				p := filepath.Join(d, n)
				if _, err := os.Lstat(p); err != nil {
					continue
				}
				if why := secretPath(p, "/"); why != "" {
					return "clang-format's style file " + why + " (its errors print its lines)"
				}
			}
		}
	}
	return ""
}

// terraformFmtSecret: a file terraform fmt reads (by its suffix, in the
// directories named or the cwd, the whole tree with -recursive; links to
// directories are not followed, as terraform does not) that is a secret.
func terraformFmtSecret(r *Result, cwd string) string {
	recursive := false
	for _, f := range r.Exec.Flags {
		recursive = recursive || f.Name == "-recursive"
	}
	targets := []string{}
	for _, a := range r.Exec.Args[1:] {
		targets = append(targets, absolute(a.Value, cwd))
	}
	if len(targets) == 0 {
		targets = append(targets, cwd)
	}
	read := func(name string) bool {
		return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tfvars") || strings.HasSuffix(name, ".tftest.hcl")
	}
	const limit = 20000
	seen := 0
	for _, t := range targets {
		fi, err := os.Stat(t)
		if err != nil {
			continue
		}
		if !fi.IsDir() {
			if why := secretPath(t, "/"); why != "" {
				return "terraform fmt " + why + " (a file it cannot parse is printed)"
			}
			continue
		}
		var found string
		err = filepath.WalkDir(t, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if seen++; seen > limit {
				return filepath.SkipAll
			}
			if d.IsDir() {
				if p != t && !recursive {
					return filepath.SkipDir
				}
				return nil
			}
			if read(d.Name()) {
				if why := secretPath(p, "/"); why != "" {
					found = why
					return filepath.SkipAll
				}
			}
			return nil
		})
		if found != "" {
			return "terraform fmt " + found + " (a file it cannot parse is printed)"
		}
		if err != nil || seen > limit {
			return unjudged + "terraform fmt reads a tree too large or unreadable to check for secrets"
		}
	}
	return ""
}

// gemArgsKey: a gemrc line that gives gem commands default arguments: a
// string key at a line's start (symbols, :sources:, are settings), with
// its value on the line.
var gemArgsKey = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^[ \t]*["']?([A-Za-z][A-Za-z_-]*)["']?[ \t]*:(.*)$`)
})

// gemHidden: what can hide such a key or stretch its value: a flow
// mapping, an escape, a complex key, an indented line that is not a list
// item (a plain value goes on there: `list: --no-document\n  --remote`).
var gemHidden = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)[{\\]|^[ \t]*\?|^[ \t]+([^ \t\-#\r\n]|-[^ \t\r\n])`)
})

// gemHarmlessArgs change only how gems are installed.
var gemHarmlessArgs = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"--no-document": true, "--no-ri": true, "--no-rdoc": true, "--document": true, "--user-install": true,
		"--no-user-install": true, "--env-shebang": true, "--no-env-shebang": true,
	}
})

// gemrcWhy says why gem's configuration changes what a gem command does,
// or "": a gemrc that gives gem (gem:) or a command default arguments
// other than install's documentation and location switches (`gem:
// --no-document` is common and harmless; `list: --remote --source URL`
// is not).
func gemrcWhy() string {
	files := []string{"/etc/gemrc"}
	if h := home(); filepath.IsAbs(h) {
		files = append(files, filepath.Join(h, ".gemrc"))
	} else {
		return "gem reads ~/.gemrc, and HOME is not set"
	}
	if g := os.Getenv("GEMRC"); g != "" {
		files = append(files, filepath.SplitList(g)...)
	}
	for _, f := range files {
		b, err := safefile.Read(f, maxContent)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return "gemrc " + f + " cannot be checked: " + err.Error()
		}
		why := "gemrc " + f + " gives gem commands default arguments (--remote, --source)"
		if gemHidden().Match(b) {
			return why
		}
		for _, m := range gemArgsKey().FindAllSubmatch(b, -1) {
			words := strings.Fields(strings.Trim(strings.TrimSpace(string(m[2])), `"'`))
			if len(words) == 0 {
				return why // the value is on the lines below
			}
			for _, w := range words {
				if k, _, _ := strings.Cut(w, "="); !gemHarmlessArgs()[k] {
					return why
				}
			}
		}
	}
	return ""
}
