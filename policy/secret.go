package policy

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"guard/policy/protect"
)

// Secrets are never safe: a command that prints a secret file or the
// environment sends it into the agent's context, and from there to the
// model provider. The check runs after matching, on the values a rule typed
// ReadableFile (and on input redirections), against the one list of secrets
// in policy/protect; environment dumps are recognised by their argv.
//
// A search whose pattern names a secret-looking variable in its UPPER_CASE
// spelling (`grep -E "OPENAI_API_KEY|GITHUB_TOKEN" f`) is one too: the lines
// it finds are where the value is set.
//
// Limits: only what a rule types as a file read is checked, and patterns by
// their variable-like words. A recursive search for anything else
// (`grep -r foo .`) reads whatever the tree holds, .env included; a pattern
// in lower case (`grep api_key`) is a code search and not caught.

var (
	secretsOnce    sync.Once
	defaultSecrets *protect.List
	secretList     atomic.Pointer[protect.List] // UseSecrets'
)

// UseSecrets makes l the list of secrets the judge reads (the built-in list
// when l is nil): the [protect] table of guard's configuration adds to it
// and removes from it for the judge as for the sandbox.
func UseSecrets(l *protect.List) {
	secretList.Store(l)
	walkMu.Lock()
	walkCache = nil // walks found secrets by the list before
	walkMu.Unlock()
}

func secrets() *protect.List {
	if l := secretList.Load(); l != nil {
		return l
	}
	secretsOnce.Do(func() { defaultSecrets = protect.Default() })
	return defaultSecrets
}

// home is the directory the shell expands ~ and $HOME to.
func home() string { return os.Getenv("HOME") }

// secretPath says why path (as written, relative to cwd) is a secret, or "".
// A glob (`cat .env*`) is a secret read when a file it matches now is one;
// when its directory cannot be listed now, when its last component could
// match a secret's name (a name made from each entry's pattern, * read as
// "x").
func secretPath(path, cwd string) string {
	if path == "" || path == "-" {
		return ""
	}
	return memoInDir(&secretPathMemo, path, cwd, secretPathOnce)
}

// secretPathMemo holds secretPath's answers in a judgement (resetGlobBudget
// clears it): a script that names the same thousands of files again is
// answered from it.
var secretPathMemo sync.Map

func secretPathOnce(path, cwd string) string {
	if strings.ContainsAny(path, "*?[") {
		if why := secretGlob(path, cwd); why != "" {
			return why
		}
	}
	abs := Resolve(absolute(path, cwd), "/")
	if procMemory(abs) {
		return "reads " + path + ", a process's or the kernel's memory, which holds the keys it uses"
	}
	if via := procLink(abs); via != "" {
		if ownProcLink(via) || strings.HasPrefix(via, "/proc/"+strconv.Itoa(os.Getpid())+"/task/") {
			return "reads " + path + " through " + via + ": the working directory or descriptor of the process that reads it, not known before it runs"
		}
		return "reads " + path + " through " + via + ", which guard cannot follow (another user's process: `sudo cat /proc/1/root/etc/shadow` reads /etc/shadow)"
	}
	if auditLog(abs) {
		return "reads " + path + ", guard's audit log: every command's arguments, tokens typed in them included"
	}
	if guardRules(abs) {
		return "reads " + path + ", guard's remembered rules: the commands a person approved, passwords and tokens typed in them included"
	}
	if krb5Cache(abs) {
		return "reads " + path + ", " + krb5Why
	}
	h := home()
	for i, p := range []string{abs, filepath.Clean(absolute(path, cwd))} {
		if i == 1 && p == abs {
			break // no symlink on the way: one lookup
		}
		if e := secretFolded(secrets(), p, h); e != nil {
			return "reads " + path + " (" + e.Reason + ")"
		}
	}
	if why := contentSecret(abs); why != "" {
		return "reads " + path + ": " + why
	}
	if why := tokenSecret(abs); why != "" {
		return "reads " + path + ": " + why
	}
	return ""
}

// secretFolded is list.Secret for abs and for abs with its letters folded
// to lower case (below the home directory, when it is there):
// on a case-insensitive file system (macOS's default) `cat .ENV` and
// `cat ~/.AWS/credentials` read .env and ~/.aws/credentials, and on any
// other a file so named is as much a secret.
func secretFolded(list *protect.List, abs, h string) *protect.Entry {
	if e := list.Secret(abs, h); e != nil {
		return e
	}
	if folded := foldPath(abs, h); folded != abs {
		return list.Secret(folded, h)
	}
	return nil
}

// foldPath is abs in lower case, but for the home directory's own
// spelling, which the list's "~/" entries expand to as it is.
func foldPath(abs, h string) string {
	if h != "" && h != "/" && strings.HasPrefix(abs, h+"/") {
		return h + strings.Map(foldRune, abs[len(h):])
	}
	return strings.Map(foldRune, abs)
}

// Folded is p as a case-insensitive file system compares names (see
// foldRune): two paths that fold alike name one file on macOS's default
// file system, so a write of .GITHOOKS/pre-commit lands in .githooks.
func Folded(p string) string {
	return strings.Map(foldRune, p)
}

// InsideFolded is Inside on a case-insensitive file system: p is root or
// below it once both are folded (p and root clean and absolute).
func InsideFolded(p, root string) bool {
	return Inside(p, root) || Inside(Folded(p), Folded(root))
}

// foldRune is r in lower case, and the ASCII letter of its case-folding
// orbit when it has one: a case-insensitive file system takes the long s
// (U+017F) for s and the Kelvin sign (U+212A) for k, so ~/.ſsh is ~/.ssh.
// The code points HFS+ ignores in a name (the joiners, direction marks and
// the byte-order mark, as git's is_hfs_dotgit lists them) are dropped:
// there .g\u200cit is .git.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return unicode.ToLower(r)
	}
	if hfsIgnored(r) {
		return -1
	}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < utf8.RuneSelf {
			return unicode.ToLower(f)
		}
	}
	return unicode.ToLower(r)
}

// procLink returns the /proc link that a resolved path still goes through
// (/proc/PID/root, cwd, fd/N, map_files/X, also below task/TID), or "": the
// judge could not read the link (another user's process), so what lies
// behind it is unknown, while a program run with more rights (sudo) reads
// through it.
func procLink(abs string) string {
	parts := strings.Split(abs, "/")
	if len(parts) < 4 || parts[0] != "" || parts[1] != "proc" {
		return ""
	}
	i := 3
	if len(parts) > 5 && parts[3] == "task" {
		i = 5
	}
	switch parts[i] {
	case "root", "cwd", "fd", "map_files":
		return strings.Join(parts[:i+1], "/")
	}
	return ""
}

// rootOnlyRead says why sudo reading one of files reads a secret, or "":
// a file this user cannot read (/etc/wireguard/wg0.conf, /etc/mysql/
// debian.cnf, /var/lib/.../secrets) is kept from it for what it holds, and
// the secret list cannot name every such file. Logs (/var/log) are read
// with sudo every day, and stay as they are. When guard itself runs as root
// every file is readable and this says nothing.
func rootOnlyRead(argv, files []string, cwd string) string {
	prog := filepath.Base(argv[0])
	names := metadataOnly(prog) && !(prog == "find" && slices.ContainsFunc(argv, func(a string) bool {
		return a == "-exec" || a == "-execdir" || a == "-ok" || a == "-okdir"
	}))
	if names {
		return "" // names and sizes, not contents
	}
	for _, f := range files {
		abs := Resolve(absolute(f, cwd), "/")
		if strings.HasPrefix(abs, "/var/log/") || abs == "/var/log" || strings.HasPrefix(abs, "/proc/") || strings.HasPrefix(abs, "/sys/") {
			continue
		}
		fi, err := os.Stat(abs)
		switch {
		case err != nil && os.IsPermission(err):
			return "sudo reads " + f + ", which this user cannot reach: what is kept from it is treated as a secret"
		case err != nil:
		case fi.IsDir():
			if p := unreadableBelow(abs); p != "" {
				return "sudo reads the tree " + f + ", and this user cannot read " + p + ": what is kept from it is treated as a secret"
			}
		case fi.Mode().IsRegular() && unix.Access(abs, unix.R_OK) != nil:
			return "sudo reads " + f + ", which this user cannot read: what is kept from it is treated as a secret"
		}
	}
	return ""
}

// keptFromOthers is rootOnlyRead for guard itself running as root (an
// agent in a container, CI): every file is readable then, and `cat
// /etc/mysql/debian.cnf`, `cat /etc/gitlab-runner/config.toml`, `grep -r
// password /etc` printed what the system keeps from its other users. A
// regular file that others may not read (no o+r), or a tree holding one,
// read outside the home directory, the temporary directories, /var/log,
// /proc and /sys, and outside the working directory when that is not a
// system directory (a project made under umask 027 has no o+r either), is
// treated as a secret (the secret list cannot name every such file). Names and sizes (ls, stat, find without -exec) are
// not contents.
func keptFromOthers(argv, files []string, cwd string) string {
	if euid() != 0 || len(argv) == 0 {
		return ""
	}
	if in, ok := sudoInner(argv); ok && len(in) > 0 {
		argv = in // sudo as root: what it runs reads
	}
	prog := filepath.Base(argv[0])
	if metadataOnly(prog) && !(prog == "find" && slices.ContainsFunc(argv, func(a string) bool {
		return a == "-exec" || a == "-execdir" || a == "-ok" || a == "-okdir"
	})) {
		return ""
	}
	h := filepath.Clean(home())
	project, resolved := "", false
	var seen map[string]bool
	for _, f := range files {
		if seen[f] {
			continue
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		seen[f] = true
		// Most words name nothing there (or nothing but a plain file):
		// one stat before the path is resolved.
		if _, err := os.Stat(absolute(homeWord(f), cwd)); err != nil {
			continue
		}
		abs := Resolve(absolute(homeWord(f), cwd), "/")
		if !resolved {
			resolved, project = true, Resolve(cwd, "/")
			if project == "/" || slices.ContainsFunc(systemDirs, func(d string) bool { return Inside(project, d) }) {
				project = "" // cd /etc && grep -r password .: a system directory is not a project
			}
		}
		if !keptPlace(abs, h) || project != "" && Inside(abs, project) {
			continue
		}
		fi, err := os.Stat(abs)
		switch {
		case err != nil:
		case fi.IsDir():
			if p := keptBelow(abs, h); p != "" {
				return "reads the tree " + f + ", which holds " + p + ", a file other users may not read: what the system keeps from them is treated as a secret"
			}
		case fi.Mode().IsRegular() && fi.Mode().Perm()&0o004 == 0:
			return "reads " + f + ", which other users may not read (mode " + fi.Mode().Perm().String() +
				"): what the system keeps from them is treated as a secret"
		}
	}
	return ""
}

// keptSystemFile is keptFromOthers for an agent's read tool (Claude Code's
// Read, Gemini's read_file), which names no working directory: as root, a
// regular file in a system directory (systemDirs, not /var/log or /var/tmp)
// that other users may not read is a secret.
func keptSystemFile(abs string) string {
	if euid() != 0 || !slices.ContainsFunc(systemDirs, func(d string) bool { return Inside(abs, d) }) ||
		!keptPlace(abs, filepath.Clean(home())) {
		return ""
	}
	if fi, err := os.Stat(abs); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o004 == 0 {
		return "a file other users may not read (mode " + fi.Mode().Perm().String() + "): what the system keeps from them"
	}
	return ""
}

// systemDirs hold the system's own files: a working directory there is
// no project whose files are the user's own (a umask of 027 or 077 leaves
// a project's files without o+r).
var systemDirs = []string{"/etc", "/var", "/usr", "/boot", "/opt", "/srv", "/run", "/lib", "/lib64", "/sbin", "/bin", "/snap"}

// euid is the judge's effective user id (a variable for nothing but
// clarity: os.Geteuid is read once per judgement).
var euid = os.Geteuid

// keptPlace reports whether abs lies where keptFromOthers looks: not in
// the home directory h, the temporary directories, /var/log, /proc, /sys.
func keptPlace(abs, h string) bool {
	if filepath.IsAbs(h) && h != "/" && Inside(abs, h) {
		return false
	}
	for _, d := range []string{"/tmp", "/var/tmp", "/var/log", "/proc", "/sys", "/dev"} {
		if Inside(abs, d) {
			return false
		}
	}
	if t := os.Getenv("TMPDIR"); filepath.IsAbs(t) && filepath.Clean(t) != "/" && Inside(abs, filepath.Clean(t)) {
		return false
	}
	return true
}

// keptBelow returns a file below dir others may not read, or a directory
// they may not enter, or "" (see walkBelow for the bound).
func keptBelow(dir, h string) string {
	return walkBelow(dir, nil, func(p string, e os.DirEntry) (found, descend bool) {
		if !keptPlace(p, h) || e.Type()&os.ModeSymlink != 0 {
			return false, false
		}
		info, err := e.Info()
		if err != nil {
			return false, false
		}
		switch {
		case e.IsDir():
			return info.Mode().Perm()&0o005 != 0o005, true
		case e.Type().IsRegular():
			return info.Mode().Perm()&0o004 == 0, false
		}
		return false, false
	})
}

// unreadableBelow returns a directory or file below dir (dir included)
// this user cannot read, or "" (see walkBelow for the bound).
func unreadableBelow(dir string) string {
	return walkBelow(dir, os.IsPermission, func(p string, e os.DirEntry) (found, descend bool) {
		if e.IsDir() {
			return false, true
		}
		return e.Type().IsRegular() && unix.Access(p, unix.R_OK) != nil, false
	})
}

// walkBelow walks the tree at dir breadth-first and returns the first path
// check finds (check also says whether to go into a directory), or a
// directory whose listing fails with an error unlisted reports (nil: none
// counts), or "". A tree of more than maxWalkEntries entries counts as
// holding one: the directory where the count ran out is returned, marked.
func walkBelow(dir string, unlisted func(error) bool, check func(p string, e os.DirEntry) (found, descend bool)) string {
	queue := []string{dir}
	n := 0
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		entries, err := os.ReadDir(d)
		if err != nil {
			if unlisted != nil && unlisted(err) {
				return d
			}
			continue
		}
		for _, e := range entries {
			if n++; n > maxWalkEntries || walkSpent.Add(1) > maxWalkTotal {
				return d + " (the tree is too large to check)"
			}
			p := filepath.Join(d, e.Name())
			found, descend := check(p, e)
			if found {
				return p
			}
			if descend && e.IsDir() {
				queue = append(queue, p)
			}
		}
	}
	return ""
}

// procMemory reports whether abs is a process's memory (/proc/PID/mem,
// also below task/TID) or the kernel's (/proc/kcore): `xxd -s ADDR -l N
// /proc/PID/mem` printed the API key a same-user process held, at an
// address /proc/PID/maps gives.
func procMemory(abs string) bool {
	parts := strings.Split(abs, "/")
	if len(parts) < 3 || parts[0] != "" || parts[1] != "proc" {
		return false
	}
	return abs == "/proc/kcore" || parts[len(parts)-1] == "mem" && (len(parts) == 4 || len(parts) == 6 && parts[3] == "task")
}

// metadataOnly are programs that print what a file is, never what it holds.
func metadataOnly(s string) bool {
	switch s {
	case "ls", "stat", "du", "test", "[", "realpath", "readlink", "wc", "find", "tree", "file", "basename",
		"dirname", "cd", "md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "shasum",
		"cksum", "b2sum", "lsof", "df", "findmnt", "namei", "mountpoint":
		return true
	}
	return false
}

// archiveLister reports whether argv lists an archive's members (tar -t,
// unzip -l, zipinfo, gzip -l/-t, 7z l/t, jar tf, ar t, dpkg-deb -c/-I):
// names and sizes, not what the members hold, so an archive holding a
// secret member (archive.go) is not a secret read for it.
func archiveLister(argv []string) bool {
	if len(argv) < 2 {
		return false
	}
	words := argv[1:]
	has := func(opts ...string) bool {
		return slices.ContainsFunc(words, func(w string) bool { return slices.Contains(opts, w) })
	}
	first := ""
	for _, w := range words {
		if !strings.HasPrefix(w, "-") {
			first = w
			break
		}
	}
	switch filepath.Base(argv[0]) {
	case "tar":
		list := false
		for i, w := range words {
			bundle := strings.HasPrefix(w, "-") && !strings.HasPrefix(w, "--") || i == 0 && !strings.HasPrefix(w, "-")
			switch {
			case w == "--list":
				list = true
			case w == "--extract" || w == "--get" || w == "--create" || w == "--append" || w == "--update" ||
				w == "--diff" || w == "--compare" || w == "--delete" || w == "--concatenate" || w == "--catenate":
				return false
			case bundle && strings.ContainsAny(strings.TrimPrefix(w, "-"), "xcrudA"):
				return false
			case bundle && strings.ContainsRune(w, 't'):
				list = true
			}
		}
		return list
	case "zipinfo":
		return true
	case "gzip", "pigz":
		return has("-l", "--list", "-t", "--test", "-lv") && !has("-d", "-c", "--decompress", "--stdout", "-dc", "-cd")
	case "unzip":
		return has("-l", "-v", "-t", "-Z", "-lv", "-tq") && !has("-p", "-c")
	case "7z", "7za", "7zz":
		return first == "l" || first == "t"
	case "jar":
		return first == "tf" || first == "tvf"
	case "ar":
		return first == "t" || first == "tv"
	case "dpkg-deb":
		return has("-c", "--contents", "-I", "--info")
	}
	return false
}

// certFieldsOnly reports whether r is `openssl x509`, which prints a
// certificate's fields or the certificate itself, never a private key the
// same file may hold (`openssl x509 -in cert.pem -noout -dates`): the -in
// file is read, not printed, as ls reads what a file is. The spec declares
// none of x509's options that write or sign.
func certFieldsOnly(r *Result) bool {
	return r.Exec.Program == "openssl" && len(r.Exec.Args) > 0 && r.Exec.Args[0].Type.Literal == "x509"
}

// objectHeadersOnly reports whether r prints only what an object file or
// firmware image is made of, never the bytes it holds: size (the
// sections' sizes), nm (the symbols' names, addresses and sizes), objdump
// and readelf with no dump or disassembly (headers, sections, symbols,
// relocations), native or a cross toolchain's (xtensa-esp32-elf-size).
// An image that holds a secret (a key compiled in, kconfigImageSecret's
// Wi-Fi password) is no secret read for them: the twentieth held-out
// batch's `xtensa-esp32-elf-size build/acme-fw.elf` asked once such an
// image was known to hold one.
func objectHeadersOnly(r *Result) bool {
	prog := r.Exec.Program
	if native := crossToolNative(prog); native != "" {
		prog = native
	}
	switch prog {
	case "size", "nm":
		return true
	case "objdump", "readelf":
	default:
		return false
	}
	for _, f := range r.Exec.Flags {
		switch f.Name {
		case "-d", "-D", "-s", "--disassemble", "--disassemble-all", "--full-contents":
			return false
		}
	}
	for _, o := range r.Exec.Opts {
		switch o.Name {
		case "-x", "--hex-dump", "-p", "--string-dump":
			return false
		}
	}
	return true
}

func secretGlob(pattern, cwd string) string {
	// A script's commands often read the same glob: its files are judged
	// once a judgement (each costs system calls, and a glob may name
	// thousands).
	return memoInDir(&secretGlobMemo, pattern, cwd, secretGlobOnce)
}

// secretGlobMemo holds secretGlob's answers in a judgement (resetGlobBudget
// clears it).
var secretGlobMemo sync.Map

func secretGlobOnce(pattern, cwd string) string {
	abs := globAbsolute(pattern, cwd)
	matches, ok := shellGlob(abs)
	if !ok {
		return "reads " + pattern + ", a glob guard cannot expand (too many files, or not as the shell does)"
	}
	last := filepath.Base(pattern)
	// The shell's * and ? do not match a leading dot (no dotglob).
	hidden := func(name string) bool { return strings.HasPrefix(name, ".") && !strings.HasPrefix(last, ".") }
	// With no match the shell passes the word itself, its quotes removed:
	// `cat [x]'*'` reads a file named [x]* (the pattern [x]\* matches only
	// x*), a link to a secret as much as any other name. It is judged
	// besides the matches: the shells do not all match a name beyond ASCII
	// alike (glob.go), so a shell may see none of them.
	lit := globLiteral(abs)
	if _, err := os.Lstat(lit); lit != abs && err == nil {
		matches = append(slices.Clip(matches), lit)
	}
	for _, m := range matches {
		if hidden(filepath.Base(m)) && m != lit {
			continue
		}
		real := Resolve(m, "/") // once: a few system calls a component
		if e := secrets().Secret(real, home()); e != nil {
			return "reads " + pattern + " (" + m + ": " + e.Reason + ")"
		}
		if why := contentSecret(real); why != "" {
			return "reads " + pattern + " (" + m + ": " + why + ")"
		}
		if procMemory(real) {
			return "reads " + pattern + " (" + m + ": a process's or the kernel's memory)"
		}
		if auditLog(real) {
			return "reads " + pattern + " (" + m + ": guard's audit log)"
		}
		if guardRules(real) {
			return "reads " + pattern + " (" + m + ": guard's remembered rules)"
		}
		if krb5Cache(real) {
			return "reads " + pattern + " (" + m + ": " + krb5Why + ")"
		}
		if why := tokenSecret(real); why != "" {
			return "reads " + pattern + " (" + m + ": " + why + ")"
		}
		if why := deviceRead(m, "/"); why != "" {
			return "reads " + pattern + " (" + why + ")"
		}
	}
	if dir := filepath.Dir(abs); !strings.ContainsAny(dir, "*?[") {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return "" // the directory is there: its matches are what the shell will see
		}
	}
	// The directory is not there yet: what the glob could name there, the
	// glob's own spelling and every secret's name it matches, each judged
	// as a whole path, so that a name secret only under another directory
	// (~/.m2/settings.xml, ~/.docker/config.json) does not count in this one
	// (target/surefire-reports/*.xml), and any name counts in a directory
	// that is secret as a whole (~/.kube/*).
	dir := filepath.Dir(abs)
	if strings.ContainsAny(dir, "*?[") {
		dir = ""
	}
	own := strings.NewReplacer("*", "x", "?", "x").Replace(last)
	if dir != "" && !strings.Contains(own, "[") {
		if e := secretFolded(secrets(), filepath.Join(dir, own), home()); e != nil && e.Kind == protect.Secret {
			return "reads " + pattern + ", which can name " + filepath.Join(dir, own) + " (" + e.Reason + ")"
		}
	}
	for _, e := range secrets().Entries {
		if e.Kind != protect.Secret {
			continue
		}
		name := strings.ReplaceAll(filepath.Base(e.Pattern), "*", "x")
		if ok, known := shellMatch(last, name); !(ok || !known) || hidden(name) || excepted(e.Except, name) {
			continue
		}
		if dir != "" {
			if s := secretFolded(secrets(), filepath.Join(dir, name), home()); s == nil || s.Kind != protect.Secret {
				continue
			}
		}
		return "reads " + pattern + ", which can name " + name + " (" + e.Reason + ")"
	}
	return ""
}

// nameCanBeSecret returns a secret's name that find's -name PATTERN (or
// -iname, fold) names by itself, or "": the pattern with each * read as
// nothing or as one letter, and ? as one letter, is on the secret list
// (".env*" names .env, "*.pem" x.pem; "*.yml" names no secret, though a
// secrets.yml could match it: for those the tree at hand decides).
func nameCanBeSecret(pattern string, fold bool) string {
	if strings.ContainsAny(pattern, "[\\/") {
		return ""
	}
	for _, star := range []string{"", "x"} {
		name := strings.ReplaceAll(strings.ReplaceAll(pattern, "*", star), "?", "x")
		if name == "" {
			continue
		}
		for _, n := range []string{name, strings.ToLower(name)} {
			if e := secrets().Secret("/nowhere/"+n, home()); e != nil && e.Kind == protect.Secret {
				return n
			}
			if !fold {
				break
			}
		}
	}
	return ""
}

func excepted(except []string, name string) bool {
	for _, x := range except {
		if ok, _ := filepath.Match(filepath.Base(x), name); ok {
			return true
		}
	}
	return false
}

// searchers print the lines that match a pattern.
func searchers(s string) bool {
	switch s {
	case "grep", "egrep", "fgrep", "rg", "git", "ag", "ack":
		return true
	}
	return false
}

// secretSearch says why a search prints a secret's value, or "": its
// pattern names an environment variable the secret list calls secret
// (`grep -E "OPENAI_API_KEY|GITHUB_TOKEN" config`), in the UPPER_CASE
// spelling variables have; the lines it finds are where that value is set.
func secretSearch(r *Result) string {
	if r.Exec == nil || !searchers(r.Exec.Program) {
		return ""
	}
	if r.Exec.Program == "git" && (len(r.Exec.Args) == 0 || r.Exec.Args[0].Type.Literal != "grep") {
		return "" // git grep only: `git log --grep=X` prints commit messages
	}
	// A search that prints only file names, counts or its status (grep -l,
	// -c, -q; rg --files-with-matches) prints no value.
	words := []string{r.Exec.Program}
	for _, f := range r.Exec.Flags {
		words = append(words, f.Name)
	}
	if namesOnly(r.Exec.Program, words, r) {
		return ""
	}
	values := opaqueValues(r)
	for _, o := range r.Exec.Opts {
		if why := secretInclude(o); why != "" {
			return why
		}
	}
	// A grep that reads only its standard input narrows what the command
	// before it printed, which was judged on its own.
	files := r.Exec.Program != "grep" && r.Exec.Program != "egrep" && r.Exec.Program != "fgrep"
	for _, f := range r.Exec.Flags {
		files = files || f.Name == "-r" || f.Name == "-R" || f.Name == "--recursive" || f.Name == "--dereference-recursive"
	}
	for _, a := range r.Exec.Args {
		files = files || a.Type.Kind == TypeReadableFile
	}
	for _, o := range r.Exec.Opts {
		files = files || o.Type.Kind == TypeReadableFile
	}
	for _, v := range values {
		if why := secretShape(v); why != "" {
			return why
		}
		if why := credentialSearch(v); why != "" && files {
			return why
		}
		for _, tok := range strings.FieldsFunc(v, func(c rune) bool {
			return !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')
		}) {
			if len(tok) >= 3 && strings.ToUpper(tok) == tok && tok[0] > '9' && secrets().SecretEnvName(tok) {
				return "searches for " + tok + ": the lines found hold its value"
			}
		}
	}
	return ""
}

// secretFilter says why a sed script or an awk program picks out where a
// secret is set, or "": its text names a secret-looking variable in its
// UPPER_CASE spelling, a key's prefix (secretShape) or, as a whole word in
// any case, a password's key (`sed -n '/OPENAI_API_KEY/p' config`, `awk
// -F= '$1=="password" {print $2}' app.properties`), as grep's pattern
// would. Only when it reads files: on its standard input it narrows what
// the command before it printed.
func secretFilter(r *Result) string {
	if r.Exec == nil {
		return ""
	}
	var texts []string
	files := false
	for _, a := range r.Exec.Args {
		switch a.Type.Kind {
		case TypeSedCommand, TypeAwkProgram:
			texts = append(texts, a.Value)
		case TypeReadableFile:
			files = true
		}
	}
	if !files {
		return ""
	}
	for _, t := range texts {
		if why := secretShape(t); why != "" {
			return why
		}
		if tok := secretPatternWord(t); tok != "" {
			return "picks out " + tok + ": the lines found hold its value"
		}
		for _, w := range strings.FieldsFunc(t, func(c rune) bool { return !wordByte(byte(c)) || c > 127 }) {
			if credentialKey().MatchString(w) {
				return "picks out the key " + w + ": the lines found set a password"
			}
		}
	}
	return ""
}

// secretRead returns why a matched command reads a secret file, or "".
func secretRead(r *Result, cwd, own string) string {
	if why := secretSearch(r); why != "" {
		return why
	}
	if why := secretFilter(r); why != "" {
		return why
	}
	if r.Exec == nil || metadataOnly(r.Exec.Program) || certFieldsOnly(r) || objectHeadersOnly(r) {
		return ""
	}
	for _, o := range r.Exec.Opts {
		if o.Type.Kind == TypeReadableFile {
			if why := secretPath(o.Value, cwd); why != "" {
				return why
			}
		}
	}
	for _, a := range r.Exec.Args {
		if a.Type.Kind == TypeReadableFile {
			if why := secretPath(a.Value, cwd); why != "" {
				return why
			}
		}
	}
	if why := inPlaceSecret(r, cwd, own); why != "" {
		return why
	}
	return diffDirOperand(r, cwd)
}

// diffDirOperand says why diff reads a secret that no word names, or "":
// `diff DIR FILE` and `diff FILE DIR` compare FILE with DIR/ and FILE's
// base name (also each operand with a --from-file or --to-file DIR), and
// print both: `diff ~/.aws credentials` printed ~/.aws/credentials, as
// did `git diff --no-index ~/.aws credentials`.
func diffDirOperand(r *Result, cwd string) string {
	switch filepath.Base(r.Exec.Program) {
	case "diff":
	case "git": // git diff --no-index DIR FILE does the same
		if len(r.Exec.Args) == 0 || r.Exec.Args[0].Type.Literal != "diff" ||
			!slices.ContainsFunc(r.Exec.Flags, func(f MatchedFlag) bool { return f.Name == "--no-index" }) {
			return ""
		}
	default:
		return ""
	}
	var files, with []string
	for _, o := range r.Exec.Opts {
		if o.Name == "--from-file" || o.Name == "--to-file" {
			with = append(with, o.Value)
		}
	}
	for _, a := range r.Exec.Args {
		if a.Type.Kind == TypeReadableFile {
			files = append(files, a.Value)
		}
	}
	if len(with) == 0 && len(files) == 2 {
		with, files = files[:1], files[1:]
	}
	isDir := func(p string) bool {
		fi, err := os.Stat(absolute(homeWord(p), cwd))
		return err == nil && fi.IsDir()
	}
	for _, w := range with {
		for _, f := range files {
			for _, pair := range [][2]string{{w, f}, {f, w}} {
				if dir, file := pair[0], pair[1]; isDir(dir) && !isDir(file) {
					// Not filepath.Join: diff opens DIR/NAME as the kernel
					// finds it, and link/.. cleaned away is not the link
					// target's parent.
					p := strings.TrimSuffix(homeWord(dir), "/") + "/" + filepath.Base(file)
					if why := secretPath(p, cwd); why != "" {
						return strings.TrimPrefix(filepath.Base(r.Exec.Program)+" diff", "diff ") + " compares " + file + " with " + p + ": " + why
					}
				}
			}
		}
	}
	return ""
}

// envDump says why argv prints the environment or a secret variable, or "":
// env and printenv with no name, set with no argument, export -p,
// declare/typeset -p or -x without names, printenv of a secret-looking name.
func envDump(argv []string) string {
	if len(argv) == 0 {
		return ""
	}
	const dump = "prints the environment, which holds API keys and tokens"
	switch filepath.Base(argv[0]) {
	case "env", "printenv", "set", "export", "declare", "typeset", "compgen":
	default:
		return "" // the arguments of any other program are not looked at
	}
	var names []string
	opts := map[string]bool{}
	for _, a := range argv[1:] {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			for _, c := range a[1:] {
				opts[string(c)] = true
			}
			continue
		}
		names = append(names, a)
	}
	switch filepath.Base(argv[0]) {
	case "env":
		for _, n := range names {
			if !strings.Contains(n, "=") {
				return "" // env runs a command: judged by the shell layer
			}
		}
		return dump
	case "printenv":
		if len(names) == 0 {
			return dump
		}
		for _, n := range names {
			if secrets().SecretEnvName(n) {
				return "prints " + n + ", a secret-looking variable"
			}
			if secretValue(n) {
				return "prints " + n + ", whose value looks like a credential"
			}
		}
	case "set":
		if len(argv) == 1 {
			return dump
		}
	case "export":
		if len(names) == 0 {
			return dump
		}
	case "declare", "typeset":
		if len(names) == 0 && (len(opts) == 0 || opts["p"] || opts["x"]) {
			return dump
		}
	case "compgen":
		if opts["v"] || opts["e"] {
			return "lists the environment's names"
		}
	}
	return ""
}

// auditLog reports whether abs is guard's audit log at its default place
// ($XDG_STATE_HOME/guard/audit.jsonl, else ~/.local/state/guard), or the one
// it rotated to: every command's arguments are there, tokens typed in them
// included. A log moved elsewhere by audit_log is not known here. The
// sandbox leaves it readable: guards run inside it (shims) append to it.
// guardRules reports whether abs is one of guard's files of rules
// remembered at prompts ("always"): user.policy and projects/*.policy in
// guard's configuration directory ($XDG_CONFIG_HOME/guard, else
// ~/.config/guard). Each holds the exact command a person approved, which
// can carry a password (`psql postgres://admin:PW@db/prod`), for every
// project: read there, it went into the agent's context.
func guardRules(abs string) bool {
	if strings.HasSuffix(abs, ".policy.json") && guardPolicyCache(abs) {
		return true
	}
	if !strings.HasSuffix(abs, ".policy") {
		return false // the usual case, on every name a tree walk meets
	}
	dir := ""
	if x := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		dir = filepath.Join(x, "guard")
	} else if h := home(); filepath.IsAbs(h) {
		dir = filepath.Join(h, ".config", "guard")
	}
	if dir == "" {
		return false
	}
	d, name := filepath.Split(abs)
	d = filepath.Clean(d)
	return d == dir && name == "user.policy" || d == filepath.Join(dir, "projects")
}

// guardPolicyCache reports whether abs is in guard's cache of evaluated
// policy files ($XDG_CACHE_HOME/guard/policies, else
// ~/.cache/guard/policies): each entry holds a policy's rules as loaded,
// the remembered ones' commands among them.
func guardPolicyCache(abs string) bool {
	dir := ""
	if x := os.Getenv("XDG_CACHE_HOME"); filepath.IsAbs(x) {
		dir = filepath.Join(x, "guard", "policies")
	} else if h := home(); filepath.IsAbs(h) {
		dir = filepath.Join(h, ".cache", "guard", "policies")
	}
	return dir != "" && filepath.Dir(abs) == dir
}

// krb5Why is the reason a Kerberos credential cache is a secret.
const krb5Why = "a Kerberos ticket cache: a ticket-granting ticket, which signs in to every service of the realm"

// krb5Cache reports whether abs is a Kerberos credential cache kept as a
// file (judge-12 S7): MIT's and Heimdal's default, /tmp/krb5cc_UID (and
// the krb5cc_UID_XXXXXX that sssd and sshd's GSSAPI make; as root every
// user's), or the file or DIR: directory KRB5CCNAME names. /tmp is a
// writable root whose files the judge does not hold to their modes
// (keptPlace), and the secret list has no entry there; the sandbox hides
// the same caches (sandbox/protect.go).
func krb5Cache(abs string) bool {
	if rest, ok := strings.CutPrefix(abs, "/tmp/krb5cc_"); ok && !strings.Contains(rest, "/") {
		return true
	}
	v := os.Getenv("KRB5CCNAME")
	if v == "" {
		return false
	}
	dir := false
	switch {
	case strings.HasPrefix(v, "FILE:"):
		v = v[len("FILE:"):]
	case strings.HasPrefix(v, "DIR:"):
		v, dir = v[len("DIR:"):], true
	}
	if !filepath.IsAbs(v) {
		return false // KEYRING:, KCM:, MEMORY: are no files
	}
	v = filepath.Clean(v)
	for _, p := range []string{v, Resolve(v, "/")} {
		if abs == p || dir && Inside(abs, p) {
			return true
		}
	}
	return false
}

// auditLogPaths are the audit log's paths when guard's configuration
// (audit_log) or GUARD_AUDIT_LOG puts it elsewhere than the default: as
// written and resolved, each with its rotated copy (UseAuditLog). The
// resolution waits for the first read judged: most runs judge none.
var auditLogPaths atomic.Pointer[auditLogPlace]

type auditLogPlace struct {
	path  string
	once  sync.Once
	paths []string
}

func (a *auditLogPlace) resolved() []string {
	a.once.Do(func() {
		for _, x := range []string{filepath.Clean(a.path), Resolve(a.path, "/")} {
			a.paths = append(a.paths, x, x+".1")
		}
	})
	return a.paths
}

// UseAuditLog tells the judge where guard's audit log is: a log kept under
// another name (`audit_log = "~/logs/guard.jsonl"`) was read unasked by
// `cat ~/logs/guard.jsonl`, every command's arguments in it.
func UseAuditLog(p string) {
	if !filepath.IsAbs(p) {
		auditLogPaths.Store(nil)
		return
	}
	auditLogPaths.Store(&auditLogPlace{path: p})
}

func auditLog(abs string) bool {
	if a := auditLogPaths.Load(); a != nil && slices.Contains(a.resolved(), abs) {
		return true
	}
	if !strings.HasSuffix(abs, "/audit.jsonl") && !strings.HasSuffix(abs, "/audit.jsonl.1") {
		return false // the usual case, on every name a tree walk meets
	}
	dir, _ := filepath.Split(abs)
	dir = filepath.Clean(dir)
	if x := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(x) && dir == filepath.Join(x, "guard") {
		return true
	}
	h := home()
	return filepath.IsAbs(h) && dir == filepath.Join(h, ".local", "state", "guard")
}

// hfsIgnored reports whether HFS+ leaves r out when it compares names:
// U+200C-U+200F, U+202A-U+202E, U+206A-U+206F and U+FEFF (git's list).
func hfsIgnored(r rune) bool {
	return r >= 0x200c && r <= 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x206a && r <= 0x206f || r == 0xfeff
}
