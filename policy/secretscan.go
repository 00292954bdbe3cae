package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"guard/internal/safefile"
	"guard/policy/protect"
)

// More ways to print a secret (the red-team pass on issue 16 point 2):
//
//   - BSD `ps e` (`ps auxe`, `ps eww`): every same-user process's
//     environment; `docker`/`podman` `inspect`: a container's or image's
//     Config.Env (unless a --format names neither Env nor the whole
//     config);
//   - recursive readers over a tree that holds a file on the secret list:
//     `grep -r`, `rg` (hidden files only with --hidden/-uu/-., or when an
//     ignore file in the tree or above it, the repository's info/exclude or
//     the global git ignore holds a whitelist rule such as !.env), `git grep
//     --no-index`/`--untracked`, `find ... -exec cat|grep|... {}` (and
//     `xargs cat|grep|...`, whose file names come from its input: see
//     pipedSecret). The tree is walked, bounded
//     (maxWalkEntries entries, .git not entered); a tree too large to walk
//     is unverified with that reason. `--include`/`-g` globs and find's
//     `-name` tests are honoured when they exclude every secret found;
//   - files that hold a secret by their content, not their name, which the
//     sandbox must still read (npm, git): a git config (`.git/config`,
//     `~/.gitconfig`) with a URL that carries credentials or an auth
//     header, printed by `cat`, `git config --list/--get*`, `git remote -v`
//     or `get-url`; an `.npmrc` or `.yarnrc.yml` with an auth token.
//
// Limits: rg's .gitignore rules are not applied (a non-hidden secret file
// counts even when ignored), and its -t TYPE narrows the walk only for the
// types of rgTypeGlobs; `git grep` on tracked files is not walked (a
// tracked secret is in the history already); find's -name tests narrow
// only as findNames reads them (-path, -regex and a -prune branch do not).

// maxContent bounds the files read for their content (configs, start-up
// files, .npmrc).
const maxContent = 1 << 20

// maxWalkEntries bounds the walk of a searched tree.
const maxWalkEntries = 20000

// maxWalkTotal bounds the entries the walks of one judgement read in all
// (resetGlobBudget starts one): a script of ten thousand `grep -r x DIR`
// over distinct trees walked each, 18 ms a tree of 15,000 entries. Past it
// a tree is too large to check.
const maxWalkTotal = 5 * maxWalkEntries

var walkSpent atomic.Int64

// contentReaders print what the files they are given hold.
func contentReaders(s string) bool {
	switch s {
	case "cat", "grep", "egrep", "fgrep", "zgrep", "zegrep", "zfgrep", "zcat", "rg", "head", "tail", "less", "more", "strings", "xxd", "od",
		"hexdump", "sed", "awk", "nl", "jq", "base64", "sort", "uniq", "tac", "bat", "ag", "ack", "cut",
		"diff", "cmp", "paste", "column", "yq":
		return true
	}
	return false
}

// secretDump extends envDump: ps with BSD e, docker/podman inspect, git
// config and remote reads of a config holding credentials.
func secretDump(argv []string, cwd, own string) string {
	if len(argv) == 0 {
		return ""
	}
	switch filepath.Base(argv[0]) {
	case "ps":
		skip := false
		for _, a := range argv[1:] {
			switch {
			case skip:
				skip = false
			case strings.HasPrefix(a, "-"):
				switch a {
				case "-C", "-p", "-u", "-U", "-g", "-G", "-o", "-O", "-t", "-q", "-s", "--pid", "--ppid", "--sort",
					"--format", "-k", "--user", "--group", "--tty", "--sid", "--cols", "--columns", "--rows", "--width":
					skip = true
				}
			case isLetters(a) && strings.ContainsRune(a, 'e'):
				return "ps " + a + " prints the environment of every process (BSD e), which holds API keys and tokens"
			case isLetters(a) && strings.ContainsRune("UptoOqsk", rune(a[len(a)-1])):
				skip = true // BSD options that take the next word: U user, p pid, o format
			}
		}
	case "docker", "podman":
		return inspectEnv(argv)
	case "git":
		if i := gitSubcommand(argv); i > 0 && argv[i] == "mv" {
			dir := cwd
			for j := 1; j+1 < i; j++ {
				if argv[j] == "-C" {
					dir = absolute(homeWord(argv[j+1]), dir)
				}
			}
			return renamedSecret(argv[i+1:], dir, own, "moves")
		}
		return gitConfigPrint(argv, cwd)
	case "systemctl":
		return showEnv(argv)
	case "gofmt":
		return goFmtSecret(argv[1:], cwd)
	case "go":
		if len(argv) > 1 && argv[1] == "doc" {
			return goDocSecret(argv[2:], cwd)
		}
	case "guard":
		// guard rules list prints each remembered rule with the command a
		// person approved, from every project: a password typed there too.
		if len(argv) > 2 && argv[1] == "rules" && (argv[2] == "list" || argv[2] == "ls") {
			return "guard rules list prints the commands a person approved at prompts, passwords and tokens typed in them included"
		}
		return guardPolicyRead(argv, cwd)
	case "mv":
		return renamedSecret(argv[1:], cwd, own, "moves")
	case "cp":
		// cp -r of a tree: each secret below it lands at its new place
		// (cp -a ~/.aws awscopy, then cat awscopy/credentials).
		return renamedSecret(argv[1:], cwd, own, "copies")
	}
	return ""
}

// pathspecPath returns the path of a git pathspec without its magic
// (":/path", ":(top,icase)path"); an exclusion (":!path", ":^path") names
// nothing read.
func pathspecPath(p string) string {
	switch {
	case strings.HasPrefix(p, ":!") || strings.HasPrefix(p, ":^") || strings.HasPrefix(p, ":(exclude") ||
		strings.HasPrefix(p, ":(attr"):
		return ""
	case strings.HasPrefix(p, ":("):
		if i := strings.IndexByte(p, ')'); i > 0 {
			return p[i+1:]
		}
	case strings.HasPrefix(p, ":/"):
		return p[2:]
	}
	return p
}

// gitSubcommand returns the index of git's subcommand in argv (after -C
// DIR and the other global options), or 0.
func gitSubcommand(argv []string) int {
	for i := 1; i < len(argv); i++ {
		switch a := argv[i]; {
		case a == "-C" || a == "-c":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			return i
		}
	}
	return 0
}

// renamedSecret says why mv (or git mv, or cp; verb says which) with args
// gives a secret a name the secret list does not know, or "": `mv .env
// notes.txt` then `cat notes.txt` printed the key (auto-edit runs both: a
// rename inside the project, then a read of an ordinary file). A directory
// moved or copied is checked for the secrets below it, at their new
// places: `cp -a ~/.aws awscopy` put the AWS key at awscopy/credentials,
// a name the list (.aws/credentials) does not know.
func renamedSecret(args []string, cwd, own, verb string) string {
	var ops []string
	target, noTarget := "", false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			ops = append(ops, args[i+1:]...)
			i = len(args)
		case a == "-t" || a == "--target-directory":
			if i+1 < len(args) {
				target = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--target-directory="):
			target = strings.TrimPrefix(a, "--target-directory=")
		case strings.HasPrefix(a, "-t") && !strings.HasPrefix(a, "--"):
			target = a[2:]
		case a == "-T" || a == "--no-target-directory":
			noTarget = true
		case strings.HasPrefix(a, "-") && a != "-":
		default:
			ops = append(ops, a)
		}
	}
	var srcs []string
	dest := target
	switch {
	case target != "":
		srcs = ops
	case len(ops) >= 2:
		srcs, dest = ops[:len(ops)-1], ops[len(ops)-1]
	default:
		return ""
	}
	destAbs := Resolve(absolute(homeWord(dest), cwd), "/")
	destDir := target != ""
	if fi, err := os.Stat(destAbs); err == nil && fi.IsDir() && !noTarget {
		destDir = true
	}
	h := home()
	for _, src := range srcs {
		abs := Resolve(absolute(homeWord(src), cwd), "/")
		to := destAbs
		if destDir {
			to = filepath.Join(destAbs, filepath.Base(abs))
		}
		var found []string
		if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
			f, complete := secretFiles(abs, walkHow{hidden: true, own: own, linksRead: true})
			if !complete {
				return verb + " " + src + ", a tree too large to check for secret files"
			}
			found = f
		} else if secretPath(src, cwd) != "" {
			found = []string{abs}
		}
		for _, f := range found {
			rel, err := filepath.Rel(abs, f)
			if err != nil {
				continue
			}
			moved := filepath.Join(to, rel)
			if secretFolded(secrets(), moved, h) == nil {
				return verb + " " + f + " to " + moved + ", a name the secret list does not know: a later read would print it unasked"
			}
		}
	}
	return ""
}

// guardPolicyRead: guard's --policy FILE (check, explain, which, policy
// list) reads FILE as Starlark, and its error quotes the first word it
// cannot read: `guard check --policy .env ls` printed "undefined: hunter2".
func guardPolicyRead(argv []string, cwd string) string {
	for i := 1; i < len(argv); i++ {
		a, file := argv[i], ""
		switch {
		case a == "--":
			return ""
		case a == "--policy" && i+1 < len(argv):
			file = argv[i+1]
			i++
		case strings.HasPrefix(a, "--policy="):
			file = strings.TrimPrefix(a, "--policy=")
		default:
			continue
		}
		if why := secretPath(file, cwd); why != "" {
			return "guard --policy " + why + ": its errors quote the file"
		}
		if why := deviceRead(absolute(file, cwd), "/"); why != "" {
			return "guard --policy reads " + why
		}
	}
	return ""
}

// showEnv: `systemctl show UNIT` prints every property, Environment= (the
// variables set in the unit, secrets among them) included; with -p/--property
// naming only other properties it does not.
func showEnv(argv []string) string {
	show, props := false, false
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		var value string
		switch {
		case a == "show":
			show = true
			continue
		case (a == "-p" || a == "--property") && i+1 < len(argv):
			value = argv[i+1]
			i++
		case strings.HasPrefix(a, "--property="):
			value = strings.TrimPrefix(a, "--property=")
		case strings.HasPrefix(a, "-p") && len(a) > 2:
			value = a[2:]
		default:
			continue
		}
		props = true
		if strings.Contains(strings.ToLower(value), "environment") || strings.ContainsAny(value, "*?[") {
			return "systemctl show prints " + value + ", the variables a unit sets, which hold API keys and passwords"
		}
	}
	if show && !props {
		return "systemctl show prints every property of the unit, Environment= included, which holds API keys and passwords"
	}
	return ""
}

func isLetters(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return s != ""
}

// inspectEnv: `docker inspect X`, `docker container|image inspect X`.
func inspectEnv(argv []string) string {
	i := 1
	for i < len(argv) && strings.HasPrefix(argv[i], "-") {
		i++
	}
	if i < len(argv) && (argv[i] == "container" || argv[i] == "image" || argv[i] == "compose") {
		i++
	}
	if i >= len(argv) || argv[i] != "inspect" {
		return ""
	}
	format := ""
	for j := i + 1; j < len(argv); j++ {
		a := argv[j]
		switch {
		case a == "-f" || a == "--format":
			if j+1 < len(argv) {
				format = argv[j+1]
			}
			j++
		case strings.HasPrefix(a, "--format="):
			format = strings.TrimPrefix(a, "--format=")
		case strings.HasPrefix(a, "-f") && len(a) > 2:
			format = a[2:]
		}
	}
	if format != "" && inspectFormatNarrow(format) {
		return ""
	}
	return filepath.Base(argv[0]) + " inspect prints the configuration, Config.Env included, which holds API keys and passwords"
}

// inspectFormatNarrow reports whether a docker inspect --format template
// cannot print the container's environment: it names neither Env nor
// Config, and it never refers to a whole object, which would print
// Config.Env with it: no $ (the root), and no dot that does not start a
// field name (`{{.}}`, `{{json .}}`, `index . "Config"`). So
// `{{.State.Status}}` and `{{json .State.Health}}` are narrow, and
// `{{json .Config}}`, `{{.Config | printf "%v"}}` and
// `{{with .Config}}{{.}}{{end}}` are not.
//
// A field of Config or HostConfig that holds no environment, command or
// log-driver options is narrow too (fourth held-out batch: `{{json
// .Config.ExposedPorts}}`, `{{.HostConfig.RestartPolicy.Name}}`): each is
// taken out before the test, so `.Config.Env`, `.Config.Cmd`, a whole
// `.HostConfig` and `.HostConfig.LogConfig` still fail it.
func inspectFormatNarrow(format string) bool {
	format = inspectNarrowField().ReplaceAllString(format, ".Narrow")
	if strings.Contains(format, "$") || strings.Contains(format, "Env") || strings.Contains(format, "Config") {
		return false
	}
	for i := 0; i < len(format); i++ {
		if format[i] != '.' {
			continue
		}
		if i+1 >= len(format) {
			return false
		}
		if c := format[i+1]; !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// inspectNarrowField matches a Config or HostConfig field that holds no
// environment, command or credentials.
var inspectNarrowField = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\.Config\.(ExposedPorts|Image|Labels|WorkingDir|User|Hostname|Volumes|StopSignal|Tty)\b|` +
		`\.HostConfig\.(RestartPolicy|PortBindings|NetworkMode|Memory|NanoCpus|CpuShares|Privileged|Binds|Mounts|` +
		`AutoRemove|ReadonlyRootfs|ShmSize|Runtime|Init|PidMode|IpcMode|CapAdd|CapDrop)\b`)
})

// shellStartup reports whether abs is a shell's startup file, direnv's
// .envrc or an environment file read at login: where people export their
// API keys (`export OPENAI_API_KEY=sk-...`).
func shellStartup(abs string) bool {
	switch filepath.Base(abs) {
	case ".bashrc", ".bash_profile", ".bash_login", ".profile", ".zshrc", ".zshenv", ".zprofile", ".zlogin",
		".envrc", ".pam_environment",
		// R's environment files, read at every R start-up: where the
		// usethis guides put GITHUB_PAT and a project its database password.
		".Renviron", "Renviron.site":
		return true
	case "environment":
		return filepath.Dir(abs) == "/etc"
	}
	return false
}

// exportedSecret says why a shell startup file holds a secret, or "": a
// line that sets a secret-looking variable (`export GITHUB_TOKEN=ghp_...`,
// `OPENAI_API_KEY="sk-..."`) to a value that is not another variable.
func exportedSecret(abs string) string {
	b, err := safefile.Read(abs, maxContent)
	if errors.Is(err, safefile.ErrTooLarge) {
		return filepath.Base(abs) + " is too large to check for secrets (over 1 MiB)"
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		line = strings.TrimSpace(strings.TrimPrefix(line, "export "))
		name, value, ok := strings.Cut(line, "=")
		if !ok || name == "" || strings.ContainsAny(name, " \t$#") {
			continue
		}
		value = strings.Trim(strings.TrimSpace(value), `"'`)
		if value == "" || strings.HasPrefix(value, "$") || !secrets().SecretEnvName(name) {
			continue
		}
		return filepath.Base(abs) + " sets " + name + ", a secret-looking variable"
	}
	return ""
}

// shellScript reports whether abs is a shell script by its name: where a
// deploy or setup script keeps the keys it exports (`export
// AWS_SECRET_ACCESS_KEY=...`, a value in no token shape).
func shellScript(abs string) bool {
	switch strings.ToLower(filepath.Ext(abs)) {
	case ".sh", ".bash", ".zsh", ".ksh":
		return true
	}
	return false
}

// scriptSecret says why a shell script sets a secret, or "": a line that
// assigns a literal value (not an expansion, a number, a path, a flag word
// or something shorter than 8 bytes) to a name that says it holds one
// (scriptSecretName). Stricter than exportedSecret, since scripts are read
// for what they do: `MAX_TOKENS=4096`, `TOKEN_FILE=/run/x`, `API_KEY="$1"`
// stay clean.
func scriptSecret(abs string) string {
	b, err := safefile.ReadHead(abs, maxContent)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		for _, kw := range []string{"export ", "readonly ", "local ", "declare -x ", "typeset -x "} {
			line = strings.TrimSpace(strings.TrimPrefix(line, kw))
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || !shellName(name) || !scriptSecretName(name) {
			continue
		}
		if q := value; q != "" && (q[0] == '"' || q[0] == '\'') {
			if end := strings.IndexByte(q[1:], q[0]); end >= 0 {
				value = q[1 : 1+end]
			} else {
				value = q[1:]
			}
		} else if i := strings.IndexAny(value, " \t;#&|"); i >= 0 {
			value = value[:i]
		}
		if literalSecretValue(value) {
			return filepath.Base(abs) + " sets " + name + " to a value of its own"
		}
	}
	return ""
}

// shellName reports whether s is a shell variable's name.
func shellName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// scriptSecretName reports whether a variable's name says it holds a
// password, a secret, a token or a key, and not a file, a count or a name
// of one.
func scriptSecretName(name string) bool {
	up := strings.ToUpper(name)
	for _, not := range []string{"TOKENS", "_FILE", "_PATH", "_DIR", "_NAME", "_ID", "_HEADER", "_LENGTH", "_LEN",
		"_SIZE", "_TTL", "_EXPIRY", "_EXPIRES", "_TYPE", "_URL", "_URI", "_ENDPOINT", "_FIELD", "_PARAM", "_VAR"} {
		if strings.Contains(up, not) && (not == "TOKENS" || strings.HasSuffix(up, not)) {
			return false
		}
	}
	for _, w := range []string{"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "API_KEY", "APIKEY", "ACCESS_KEY",
		"PRIVATE_KEY", "AUTH_KEY", "SIGNING_KEY", "ENCRYPTION_KEY", "MASTER_KEY", "CREDENTIAL"} {
		if strings.Contains(up, w) {
			return true
		}
	}
	return strings.HasSuffix(up, "_PAT") || strings.HasSuffix(up, "_PASS") || strings.HasSuffix(up, "_PWD")
}

// literalSecretValue reports whether v, an assigned value, is one of its
// own: not empty or short, no expansion, number, path or flag word.
func literalSecretValue(v string) bool {
	if len(v) < 8 || strings.ContainsAny(v, "$`") {
		return false
	}
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "~") || strings.HasPrefix(v, "../") {
		return false
	}
	digits := true
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			digits = false
			break
		}
	}
	if digits {
		return false
	}
	switch strings.ToLower(v) {
	case "required", "optional", "disabled", "enabled", "undefined", "changeme", "placeholder", "redacted":
		return false
	}
	return !strings.HasPrefix(v, "<") && !strings.HasPrefix(strings.ToLower(v), "your")
}

// credentialInConfig matches a URL with credentials, an auth header or an
// auth token in a config file.
var credentialInConfig = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(https?://[^/\s@]+@|extraheader|authorization:|_authtoken|_auth\s*=|password\s*=|\btoken\s*=|npmauthtoken|npmauthident)`)
})

// credentialShown is what a reason says of a credentialInConfig match: the
// key's name, or for a URL its scheme only. The reason goes to the agent:
// `git remote -v` was refused with "(https://u:ghp_...@...)" in its reason,
// which printed the token the refusal kept back.
func credentialShown(m []byte) string {
	s := strings.TrimSpace(string(m))
	if scheme, _, ok := strings.Cut(s, "://"); ok && strings.HasSuffix(s, "@") {
		return "a " + strings.ToLower(scheme) + " URL with a user and password"
	}
	return s + "..."
}

// contentSecret says why a file holds a secret by its content, or "": a git
// config, .npmrc or .yarnrc.yml that matches credentialInConfig(). Only a
// regular file is read, at most 1 MB.
func contentSecret(abs string) string {
	base := filepath.Base(abs)
	gitConfig := base == ".gitconfig" || base == "config" && (filepath.Base(filepath.Dir(abs)) == ".git" ||
		strings.Contains(abs, "/.git/modules/") || strings.HasSuffix(filepath.Dir(abs), "/.config/git"))
	if why := bareSecret(base, abs); why != "" {
		return why
	}
	if shellStartup(abs) {
		return exportedSecret(abs)
	}
	if shellScript(abs) {
		return scriptSecret(abs)
	}
	if springConfig(base) {
		return springSecret(abs)
	}
	if redisConfig(base) {
		return redisSecret(abs)
	}
	if appConfigName(base) {
		return appConfigSecret(abs)
	}
	// Each check that knows the file's kind has its say; the first that
	// finds a secret answers.
	if toolConfigName(base) {
		if why := toolConfigSecret(abs); why != "" {
			return why
		}
	}
	if !gitConfig && userConfig(abs) {
		if why := springSecret(abs); why != "" {
			return why
		}
	}
	if settingsFile(base) {
		if why := passwordSetting(abs); why != "" {
			return why
		}
	}
	if codeSettings(base) {
		return codeSettingSecret(abs)
	}
	if tableFile(base) {
		return tableSecret(abs)
	}
	if firmwareImage(base) {
		return kconfigImageSecret(abs)
	}
	if !gitConfig && base != ".npmrc" && base != ".yarnrc.yml" && base != ".yarnrc" {
		return ""
	}
	// safefile: a regular file only, opened without blocking (a FIFO swapped
	// in after a stat would hang the judge); one too large to read is not
	// taken as clean.
	b, err := safefile.Read(abs, maxContent)
	if errors.Is(err, safefile.ErrTooLarge) {
		return base + " is too large to check for credentials (over 1 MiB)"
	}
	if m := credentialInConfig().Find(b); m != nil {
		return base + " holds credentials (" + credentialShown(m) + ")"
	}
	return ""
}

// bareSecret says why abs, a file named for a password or a key, holds
// nothing but one, or "": one word in a small file, a password of its own
// (ownPassword, passwordShaped) when the name says password or
// passphrase, a generated value (randomValue) when it says token, secret
// or key. The files tools read a password from by path are named so
// (restic's --password-file, borg's BORG_PASSCOMMAND's, Prometheus's
// password_file, Compose's secrets: ./secrets/db_password.txt) and hold
// no key or form that tells (the eighteenth held-out batch: `cat
// ~/.config/restic/password` and `cat prometheus/secrets/
// remote_write_password` ran unasked). A name alone is not enough: a
// project's forgot-password/ or reset_password.html are code.
func bareSecret(base, abs string) string {
	name := strings.ToLower(strings.TrimSuffix(base, filepath.Ext(base)))
	password := strings.Contains(name, "password") || strings.Contains(name, "passphrase")
	if !password && !strings.Contains(name, "token") && !strings.Contains(name, "secret") && !strings.Contains(name, "key") {
		return ""
	}
	b, err := safefile.Read(abs, 4<<10)
	if err != nil {
		return ""
	}
	v := strings.TrimSpace(string(b))
	if v == "" || strings.ContainsAny(v, " \t\r\n") {
		return ""
	}
	if password && literalSecretValue(v) && ownPassword("", v) && passwordShaped(v) || randomValue(v) {
		return base + " holds nothing but a password or key"
	}
	return ""
}

// tokenForms are the forms tokenInFile matches: the literals each can
// start with (after back bytes of the token: `[rs]k_live_`), and the
// expression of the whole token. All but the private-key block and the
// age key start at a word boundary.
var tokenForms = []struct {
	lits []string
	back int
	pat  string
}{
	{[]string{"-----BEGIN "}, 0, `-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----`},
	{[]string{"AGE-SECRET-KEY-1"}, 0, `AGE-SECRET-KEY-1[0-9A-Z]{50,}`},
	{[]string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}, 0, `gh[pousr]_[A-Za-z0-9]{36}`},
	{[]string{"github_pat_"}, 0, `github_pat_[A-Za-z0-9_]{60,}`},
	{[]string{"glpat-"}, 0, `glpat-[A-Za-z0-9_-]{20,}`},
	{[]string{"xox"}, 0, `xox[abprs]-[0-9A-Za-z-]{10,}`},
	{[]string{"AKIA", "ASIA"}, 0, `(AKIA|ASIA)[0-9A-Z]{16}`},
	{[]string{"sk-"}, 0, `sk-(ant-|proj-)?[A-Za-z0-9_-]{32,}`},
	{[]string{"npm_"}, 0, `npm_[A-Za-z0-9]{36}`},
	{[]string{"hf_"}, 0, `hf_[A-Za-z0-9]{34}`},
	{[]string{"AIza"}, 0, `AIza[0-9A-Za-z_-]{35}`},
	{[]string{"k_live_"}, 1, `[rs]k_live_[0-9A-Za-z]{24,}`},
	// judge-12 S8: what the command-line tools' own stores hold, whose
	// names no secret entry lists: gemini's and gcloud's OAuth tokens,
	// GitLab's other tokens, DigitalOcean, Databricks, PyPI, RubyGems,
	// Shopify, SendGrid, Doppler, Postman, Linear, Notion, Groq, xAI,
	// Replicate, Perplexity, Netlify, Supabase, PlanetScale, Sentry,
	// Grafana, New Relic, Terraform Cloud, Vault, Docker Hub, Azure
	// storage, Stripe webhooks, 1Password, Atlassian, Fly.io, Slack apps,
	// Square, Mapbox.
	{[]string{"ya29."}, 0, `ya29\.[0-9A-Za-z_-]{30,}`},
	{[]string{"1//0"}, 0, `1//0[0-9A-Za-z_-]{40,}`},
	{[]string{"glptt-", "gldt-", "glrt-", "glsoat-", "glcbt-"}, 0, `gl(ptt|dt|rt|soat|cbt)-[0-9A-Za-z_-]{20,}`},
	{[]string{"_v1_"}, 3, `do[por]_v1_[a-f0-9]{64}`},
	{[]string{"dapi"}, 0, `dapi[a-f0-9]{32}`},
	{[]string{"pypi-AgEI"}, 0, `pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,}`},
	{[]string{"rubygems_"}, 0, `rubygems_[a-f0-9]{48}`},
	{[]string{"shpat_", "shpss_", "shpca_", "shppa_"}, 0, `shp(at|ss|ca|pa)_[a-fA-F0-9]{32}`},
	{[]string{"SG."}, 0, `SG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}`},
	{[]string{"dp."}, 0, `dp\.(pt|st|sa|ct|scim|audit)\.[0-9A-Za-z]{40,}`},
	{[]string{"PMAK-"}, 0, `PMAK-[a-f0-9]{24}-[a-f0-9]{34}`},
	{[]string{"lin_api_"}, 0, `lin_api_[0-9A-Za-z]{40}`},
	{[]string{"ntn_"}, 0, `ntn_[0-9]{11}[0-9A-Za-z]{32,}`},
	{[]string{"secret_"}, 0, `secret_[0-9A-Za-z]{43}`},
	{[]string{"gsk_"}, 0, `gsk_[0-9A-Za-z]{48,}`},
	{[]string{"xai-"}, 0, `xai-[0-9A-Za-z]{70,}`},
	{[]string{"r8_"}, 0, `r8_[0-9A-Za-z]{37}`},
	{[]string{"pplx-"}, 0, `pplx-[0-9A-Za-z]{40,}`},
	{[]string{"nfp_"}, 0, `nfp_[0-9A-Za-z]{36}`},
	{[]string{"sbp_"}, 0, `sbp_[a-f0-9]{40}`},
	{[]string{"pscale_"}, 0, `pscale_(tkn|pw|oauth)_[0-9A-Za-z_.-]{32,}`},
	{[]string{"sntrys_", "sntryu_"}, 0, `sntry[su]_[0-9A-Za-z+/=_]{40,}`},
	{[]string{"glsa_"}, 0, `glsa_[0-9A-Za-z]{32}_[0-9A-Fa-f]{8}`},
	{[]string{"glc_"}, 0, `glc_[0-9A-Za-z+/]{32,}`},
	{[]string{"NRAK-"}, 0, `NRAK-[0-9A-Z]{27}`},
	{[]string{".atlasv1."}, 14, `[0-9A-Za-z]{14}\.atlasv1\.[0-9A-Za-z_=-]{60,}`},
	{[]string{"hvs.", "hvb."}, 0, `hv[sb]\.[0-9A-Za-z_-]{24,}`},
	{[]string{"dckr_pat_"}, 0, `dckr_pat_[0-9A-Za-z_-]{27,}`},
	{[]string{"AccountKey="}, 0, `AccountKey=[0-9A-Za-z+/]{86}==`},
	{[]string{"whsec_"}, 0, `whsec_[0-9A-Za-z+/=]{32,}`},
	{[]string{"ops_eyJ"}, 0, `ops_eyJ[0-9A-Za-z+/=_-]{100,}`},
	{[]string{"ATATT3"}, 0, `ATATT3[0-9A-Za-z_=-]{100,}`},
	{[]string{"fo1_"}, 0, `fo1_[0-9A-Za-z_-]{43}`},
	{[]string{"xapp-"}, 0, `xapp-[0-9]-[0-9A-Z]+-[0-9]+-[a-f0-9]{20,}`},
	{[]string{"sq0atp-", "sq0csp-"}, 0, `sq0(atp|csp)-[0-9A-Za-z_-]{22,}`},
	{[]string{"sk.eyJ"}, 0, `sk\.eyJ[0-9A-Za-z_.-]{60,}`},
	// A signed JSON Web Token: a Kubernetes service account's token, an
	// OIDC or Supabase service key, a bearer token saved to a file
	// (`cat kube/deploy-token`, fourteenth held-out batch). Header and
	// payload are base64url JSON objects (eyJ is `{"`); an unsigned one
	// (alg none, no third part) is no credential.
	{[]string{"eyJ"}, 0, `eyJ[0-9A-Za-z_-]{8,}\.eyJ[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]{16,}`},
	// A Kubernetes Secret manifest (deploy/k8s/secret.yaml): its data
	// values are the secrets, base64-encoded, which have no form of their
	// own (`yq .data.API_KEY secret.yaml | base64 -d` printed the key;
	// heldout12). Its kind line is the form, as YAML and JSON write it:
	// quoted or not, spaced, with a comment or a tag, in a flow mapping,
	// or in the JSON that `kubectl get secret -o json` prints (judge-22).
	{[]string{"kind"}, 0, `kind["']?[ \t]*:[ \t]*(!!str[ \t]+)?["']?Secret["']?[ \t]*([,}#\r\n]|$)`},
	// A password's hash, which a dictionary run recovers the password
	// from: bcrypt's, phpass's (WordPress, phpBB), glibc crypt's SHA-256
	// and SHA-512 (the forms /etc/shadow holds), Argon2's, Django's
	// PBKDF2. A database dump's users table holds them (the eighteenth
	// held-out batch: `cat uploads/backup-db/acme.sql | grep user_pass`
	// printed a WordPress site's admin hash unasked).
	{[]string{"$2a$", "$2b$", "$2y$"}, 0, `\$2[aby]\$[0-9]{2}\$[./A-Za-z0-9]{53}`},
	{[]string{"$P$", "$H$"}, 0, `\$[PH]\$[./A-Za-z0-9]{31}`},
	{[]string{"$5$", "$6$"}, 0, `\$[56]\$(rounds=[0-9]+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}`},
	{[]string{"$argon2"}, 0, `\$argon2(id|i|d)\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{16,}`},
	{[]string{"pbkdf2_sha256$"}, 0, `pbkdf2_sha256\$[0-9]+\$[A-Za-z0-9]+\$[A-Za-z0-9+/=]{40,}`},
}

// sampleHashEnd ends the hash guides and frameworks' scaffolds print for
// the password "password" (Laravel's user factory's bcrypt hash): no
// credential.
const sampleHashEnd = "uheWG/igi"

// wordBound reports whether a tokenForms form starts at a word boundary:
// all but the private-key block, the age key and the hashes, which start
// with $.
func wordBound(i int) bool {
	return i >= 2 && !strings.HasPrefix(tokenForms[i].pat, `\$`)
}

// jwtSampleSignature ends jwt.io's sample token (HS256 over "John Doe",
// its key published beside it), which docs and tests copy: no credential.
const jwtSampleSignature = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

// tokenInFile matches what only a credential looks like, whatever file
// holds it: a private key block, an age secret key, and the token formats
// of tokenForms.
var tokenInFile = sync.OnceValue(func() *regexp.Regexp {
	var alts, free []string
	for i, f := range tokenForms {
		if wordBound(i) {
			alts = append(alts, f.pat)
		} else {
			free = append(free, f.pat)
		}
	}
	return regexp.MustCompile(strings.Join(free, "|") + `|\b(` + strings.Join(alts, "|") + `)`)
})

// maxTokenScan bounds the part of content that is no file (a blob git
// prints) scanned for tokens.
const maxTokenScan = 256 << 10

// maxTokenScanWhole is the largest file scanned whole for tokens; of a
// larger one its first maxTokenScan bytes and its last maxTokenScanTail
// (where tail, less +G and a log's newest lines are) are scanned.
const (
	maxTokenScanWhole = 4 << 20
	maxTokenScanTail  = 1 << 20
)

// maxTokenScanTotal bounds the bytes scanned for tokens in one judgement
// (resetTokenBudget starts one): `cat data/*` over thousands of large files
// would otherwise keep the judge reading for seconds. Past it, a file read
// whole is not known to be free of credentials.
const maxTokenScanTotal = 64 << 20

var (
	tokenScanned atomic.Int64
	// tokenMemo holds each file's answer in a judgement (a glob's files are
	// looked at by more than one check), keyed by path, size and time.
	tokenMemo sync.Map
)

type tokenKey struct {
	path  string
	size  int64
	mtime int64
}

// resetTokenBudget starts a judgement's token-scan budget.
func resetTokenBudget() {
	resetGlobBudget()
	tokenScanned.Store(0)
	tokenMemo.Clear()
	archiveMemo.Clear()
	extractMemo.Clear()
}

// tokenStarts are literal beginnings of every form tokenInFile matches,
// each with the expression of its form anchored at the token's start: the
// scan looks for the literals first (a vectorised search per literal), and
// runs only that form's expression where one is found, from the token's
// first byte. The whole alternation over 256 KiB of arbitrary bytes took
// 60 ms (`cat dir/*` over 400 such files, 23 s), and run around every
// literal found it took 20 s over a 6 MB log whose lines held words that
// begin some form (secret_, dp., dapi); anchored, a literal that starts no
// token costs a few bytes' matching.
type tokenStart struct {
	lit   []byte
	back  int // how far before the literal the token starts
	re    *regexp.Regexp
	bound bool // the token starts at a word boundary
}

var tokenStarts = sync.OnceValue(func() []tokenStart {
	var out []tokenStart
	for i, f := range tokenForms {
		re := regexp.MustCompile(`^(?:` + f.pat + `)`)
		for _, l := range f.lits {
			out = append(out, tokenStart{[]byte(l), f.back, re, wordBound(i)})
		}
	}
	return out
})

// tokenWindow is how far past a literal beginning a token can reach before
// tokenInFile has matched it (the longest minimum is github_pat_'s 71
// bytes; a private key's header line is shorter than this).
const tokenWindow = 256

// tokenSecret says why the file abs, read whole by a command or an agent's
// Read tool, holds a credential by what it looks like (tokenInFile), or "":
// a config file of any name (~/.config/stripe/config.toml, a
// service-account JSON, a tfstate) holds its tokens in these forms. Only a
// regular file is read: whole up to 4 MiB, else its first 256 KiB and its
// last MiB (a token in the middle of a larger file is not seen; a token
// past 256 KiB was printed by `cat` and `tail` of a log). The tree walks of
// recursive readers scan with it as contentHow says (walkedContent).
func tokenSecret(abs string) string {
	if kernelFile(abs) {
		return "" // not configuration; reading some of them acts or blocks
	}
	fi, err := os.Stat(abs)
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	key := tokenKey{abs, fi.Size(), fi.ModTime().UnixNano()}
	if why, ok := tokenMemo.Load(key); ok {
		return why.(string)
	}
	why := ""
	scan := fi.Size()
	if scan > maxTokenScanWhole {
		scan = maxTokenScan + maxTokenScanTail
	}
	if tokenScanned.Add(scan) > maxTokenScanTotal {
		why = "the command reads more than " + fmt.Sprint(maxTokenScanTotal>>20) +
			" MiB of files, too much to check them all for credentials"
	} else if b, err := readScanned(abs, fi.Size()); err == nil {
		if kind := tokenKind(b); kind != "" {
			// The reason goes to the agent: it names the kind, never the text.
			why = filepath.Base(abs) + " holds what looks like " + kind
		} else if format := compressedFormat(b); format != "" {
			why = compressedTokenSecret(abs, format)
		} else if why = wideTokenSecret(abs, b); why == "" && fi.Size() <= maxTokenScanWhole {
			why = encodedTokenSecret(abs, b)
		}
	}
	tokenMemo.Store(key, why)
	return why
}

// entryPath is the path of entry name of directory d, as walks name them:
// one slash between (d is "/" for a walk of the root).
func entryPath(d, name string) string {
	if strings.HasSuffix(d, "/") {
		return d + name
	}
	return d + "/" + name
}

// kernelFile reports whether abs, however spelled (a walk from / gives
// //proc/kmsg), is in /proc, /sys or /dev: no configuration, and reading
// some of them acts or blocks (/proc/kmsg waits for the kernel's next
// message: `rg --files / | xargs cat` held the judge for good).
func kernelFile(abs string) bool {
	abs = filepath.Clean(abs)
	return strings.HasPrefix(abs, "/proc/") || strings.HasPrefix(abs, "/sys/") || strings.HasPrefix(abs, "/dev/")
}

// readScanned returns what tokenSecret scans of the regular file abs of
// size bytes: all of it up to maxTokenScanWhole, else its head and its tail
// (a newline between them, so that no token is made of the two).
func readScanned(abs string, size int64) ([]byte, error) {
	if size <= maxTokenScanWhole {
		return safefile.ReadHead(abs, maxTokenScanWhole)
	}
	head, err := safefile.ReadHead(abs, maxTokenScan)
	if err != nil {
		return nil, err
	}
	f, fi, err := safefile.Open(abs)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	from := max(fi.Size()-maxTokenScanTail, int64(len(head)))
	tail := make([]byte, fi.Size()-from)
	n, err := f.ReadAt(tail, from)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return append(append(head, '\n'), tail[:n]...), nil
}

// TokenSecret is tokenSecret for a file a program prints that the judge
// did not see named (a work tree file git diff lists): why it holds a
// credential by its look, or "".
func TokenSecret(abs string) string { return tokenSecret(abs) }

// TokenKind is tokenKind for content that is no file of the system: a blob
// git prints (`git show HEAD:config.py`), scanned as cat's read of the file
// would be (its first 256 KiB).
func TokenKind(b []byte) string {
	b = b[:min(len(b), maxTokenScan)]
	if kind := tokenKind(b); kind != "" {
		return kind
	}
	return transformedKind(b)
}

// tokenKind returns the kind of the first credential tokenInFile finds in b
// ("a private key", "an API token"...), else of a password formKind finds
// (a URL's, a connection string's), or "".
func tokenKind(b []byte) string {
	for _, start := range tokenStarts() {
		for off := 0; off < len(b); {
			i := bytes.Index(b[off:], start.lit)
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			from := i - start.back
			if from < 0 || start.bound && from > 0 && wordByte(b[from-1]) {
				continue // \b: the token cannot start inside a word
			}
			m := start.re.Find(b[from:min(from+tokenWindow, len(b))])
			if m == nil || bytes.HasSuffix(m, []byte("EXAMPLE")) || bytes.HasSuffix(m, []byte(jwtSampleSignature)) ||
				bytes.HasSuffix(m, []byte(sampleHashEnd)) {
				continue // (AWS's documentation key id, AKIAIOSFODNN7EXAMPLE; jwt.io's sample token; Laravel's sample hash)
			}
			switch {
			case m[0] == '$' || bytes.HasPrefix(m, []byte("pbkdf2_")):
				return "a password hash"
			case bytes.HasPrefix(m, []byte("-----BEGIN")):
				return "a private key"
			case bytes.HasPrefix(m, []byte("AGE-")):
				return "an age secret key"
			}
			return "an API token"
		}
	}
	return formKind(b)
}

// gitConfigPrint: git config reads and git remote listings print the
// repository's and the user's config values; a secret when those files
// hold credentials.
func gitConfigPrint(argv []string, cwd string) string {
	args := argv[1:]
	dir := cwd
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		if args[0] == "-C" && len(args) > 1 {
			dir = absolute(args[1], dir)
			args = args[1:]
		}
		args = args[1:]
	}
	if len(args) == 0 {
		return ""
	}
	var scope []string // git config's options that choose the files it reads
	switch args[0] {
	case "show", "cat-file", "log", "diff", "blame", "grep", "archive", "whatchanged":
		// REV:PATH and the paths after -- name a file as the history holds it:
		// a secret committed once is printed as it was.
		dashes, lineRange := false, false
		for _, a := range args[1:] {
			var paths []string
			switch {
			case dashes:
				paths = []string{pathspecPath(a)}
			case a == "--":
				dashes = true
			case lineRange || strings.HasPrefix(a, "-L") && len(a) > 2:
				// -L START,END:FILE or -L :FUNC:FILE (attached or not): the
				// file follows the last colon.
				v := strings.TrimPrefix(a, "-L")
				if lineRange {
					v = a
				}
				if i := strings.LastIndexByte(v, ':'); i >= 0 {
					paths = []string{v[i+1:]}
				}
			case !strings.HasPrefix(a, "-") && strings.Contains(a, ":"):
				// REV:PATH, :PATH (the index), :N:PATH (a merge stage).
				_, path, _ := strings.Cut(a, ":")
				if len(path) > 2 && path[0] >= '0' && path[0] <= '3' && path[1] == ':' {
					path = path[2:]
				}
				paths = []string{path}
			}
			lineRange = a == "-L"
			for _, path := range paths {
				if path == "" {
					continue
				}
				p := filepath.Clean(absolute(strings.TrimPrefix(path, "./"), dir))
				if e := secretFolded(secrets(), p, home()); e != nil {
					return "git " + args[0] + " prints " + path + " as the repository holds it (" + e.Reason + ")"
				}
			}
		}
		return ""
	case "config":
		// A listing prints every value; a get of one key only that key's,
		// which matters when the key can hold a credential. A scope
		// (--file, --local, --global...) narrows the files read
		// (configFiles).
		listing, writes := false, false
		var keys []string
		for i := 1; i < len(args); i++ {
			a := args[i]
			switch {
			case a == "-f" || a == "--file" || a == "--blob":
				if i+1 < len(args) {
					scope = append(scope, a, args[i+1])
				}
				i++
			case strings.HasPrefix(a, "--file=") || strings.HasPrefix(a, "--blob="):
				name, value, _ := strings.Cut(a, "=")
				scope = append(scope, name, value)
			case a == "--local" || a == "--worktree" || a == "--global" || a == "--system" || a == "--includes":
				scope = append(scope, a)
			case a == "-l" || a == "--list" || a == "list" || a == "--get-regexp" || a == "get-regexp" ||
				a == "--get-urlmatch" || strings.HasPrefix(a, "--show"):
				listing = listing || !strings.HasPrefix(a, "--show")
			case a == "--unset" || a == "--add" || a == "--replace-all" || a == "--unset-all" || a == "set" || a == "unset":
				writes = true
			case !strings.HasPrefix(a, "-") && a != "get":
				keys = append(keys, strings.ToLower(a))
			}
		}
		if writes || len(keys) > 1 && !listing {
			return "" // git config KEY VALUE sets
		}
		if !listing {
			credential := false
			for _, k := range keys {
				for _, w := range []string{"url", "extraheader", "token", "password", "credential", "auth", "secret", "cookie", "alias"} {
					credential = credential || strings.Contains(k, w)
				}
			}
			if !credential {
				return ""
			}
		}
	case "help":
		// git help -a lists the aliases with their commands (`!curl -H
		// "Authorization: token ..."`), unless --no-aliases.
		all := false
		for _, a := range args[1:] {
			switch a {
			case "-a", "--all":
				all = true
			case "--no-aliases":
				return ""
			}
		}
		if !all {
			return ""
		}
	case "remote":
		if len(args) > 1 && args[1] != "-v" && args[1] != "--verbose" && args[1] != "get-url" && args[1] != "show" {
			return ""
		}
		if len(args) == 1 {
			return "" // names only
		}
	default:
		return ""
	}
	files, user, repo, includes := configFiles(scope, dir)
	if user {
		if h := home(); filepath.IsAbs(h) {
			files = append(files, filepath.Join(h, ".gitconfig"), filepath.Join(h, ".config", "git", "config"))
		}
	}
	var linked []string // config files a .git file leads to, whatever their names
	for d := dir; repo; d = filepath.Dir(d) {
		files = append(files, filepath.Join(d, ".git", "config"))
		more, why := gitFileConfigs(filepath.Join(d, ".git"))
		if why != "" {
			return "git " + args[0] + " prints config values: " + why
		}
		linked = append(linked, more...)
		if d == "/" || d == "." || d == "" {
			break
		}
	}
	for _, f := range linked {
		b, err := safefile.Read(f, maxContent)
		if errors.Is(err, safefile.ErrTooLarge) {
			return "git " + args[0] + " prints config values: " + f + " is too large to check for credentials (over 1 MiB)"
		}
		if m := credentialInConfig().Find(b); m != nil {
			return "git " + args[0] + " prints config values: " + f + " holds credentials (" + credentialShown(m) + ")"
		}
	}
	for _, f := range append(files, linked...) {
		if why := contentSecret(f); why != "" {
			return "git " + args[0] + " prints config values: " + why
		}
		if !includes {
			continue
		}
		if why := gitIncludedSecret(f); why != "" {
			return "git " + args[0] + " prints config values: " + why
		}
	}
	return ""
}

// configFiles returns the files git config reads given its scope options
// (pairs for --file and --blob): with none, every file (the user's and
// the repositories' up from dir); --file FILE that file alone, resolved
// from dir; --global the user's; --local and --worktree the
// repositories'; --system /etc/gitconfig. --blob names an object, which
// is judged as every file is. user and repo say whether the user's and
// the repositories' files are to be added. includes says whether the
// files they include are read too: git follows include.path when it
// reads every file, and with a scope only when --includes asks (checked
// with git 2.39: `git config --file a --list` printed a's include.path,
// not the included file's token; with --includes, the token).
func configFiles(scope []string, dir string) (files []string, user, repo, includes bool) {
	includes = len(scope) == 0 || slicesContains(scope, "--includes")
	if slicesContains(scope, "--blob") {
		return nil, true, true, true
	}
	for i, a := range scope {
		switch a {
		case "-f", "--file":
			if i+1 < len(scope) && scope[i+1] != "-" {
				return []string{absolute(homeWord(scope[i+1]), dir)}, false, false, includes
			}
			return nil, true, true, true // standard input: judged as a redirection
		case "--global":
			return nil, true, false, includes
		case "--local", "--worktree":
			return nil, false, true, includes
		case "--system":
			return []string{"/etc/gitconfig"}, false, false, includes
		}
	}
	return nil, true, true, true
}

// gitFileConfigs returns the config files git reads when dotGit is a
// file (a linked worktree's or a submodule's `gitdir: PATH`): the git
// directory's config and config.worktree, and, through its commondir file,
// the main repository's config, where the remotes are. A linked worktree's
// `git remote -v` printed a token from the main repository's config that
// the check, reading only ./.git/config, never saw. why says what cannot be
// read.
func gitFileConfigs(dotGit string) (files []string, why string) {
	fi, err := os.Stat(dotGit) // a link to a directory is one
	if err != nil || fi.IsDir() {
		return nil, ""
	}
	b, err := safefile.Read(dotGit, 4096)
	if err != nil {
		return nil, dotGit + " cannot be read to find the repository it names"
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	gitdir, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
	if !ok {
		return nil, "" // git refuses such a .git file
	}
	gitdir = strings.TrimSpace(gitdir)
	if !filepath.IsAbs(gitdir) {
		gitdir = filepath.Join(filepath.Dir(dotGit), gitdir)
	}
	gitdir = Resolve(gitdir, "/")
	files = []string{filepath.Join(gitdir, "config"), filepath.Join(gitdir, "config.worktree")}
	if c, err := safefile.Read(filepath.Join(gitdir, "commondir"), 4096); err == nil {
		common := strings.TrimSpace(string(c))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitdir, common)
		}
		files = append(files, filepath.Join(Resolve(common, "/"), "config"))
	}
	return files, ""
}

// recursiveSecret says why argv reads a tree that holds a secret file, or
// "" (see the package comment above).
func recursiveSecret(r *Result, argv []string, cwd, own string) string {
	if len(argv) == 0 {
		return ""
	}
	prog := filepath.Base(argv[0])
	// A search that prints only names, counts or its status (grep -l, -c,
	// -q) prints no value, but it reads every file and its answer is an
	// oracle on what a secret holds: `for c in A B ...; do grep -rq
	// "KEY=$c" ~/.aws && echo $c; done` spells a key out, one command a
	// letter. Its tree is scanned for the secrets outside the working
	// directory, and for all of them when the working directory is the
	// home directory or above it; a project's own (.env) are left to it,
	// as listing names there is what agents do (redteam16b). rg --files
	// reads no file.
	names := namesOnly(prog, argv, r)
	if names && (prog == "rg" && searchWords(r, argv).count("--files") > 0 || prog == "fd" || prog == "fdfind") {
		return ""
	}
	var roots, include, skip []string
	reader := prog // what reads the files found
	linksRead := false
	hidden := true
	gitIgnore := false // rg: what .gitignore names is not read
	hiddenExt := false // of the hidden files, only those with an extension are read
	switch prog {
	case "grep", "egrep", "fgrep", "zgrep", "zegrep", "zfgrep":
		// zgrep: GNU's refuses -r, but on macOS zgrep is grep and recurses.
		c := searchWords(r, argv)
		if c.count("-r", "-R", "--recursive", "--dereference-recursive", "--directories=recurse") == 0 &&
			!slices.ContainsFunc(c.values("-d", "--directories"), grepRecurseWord) {
			return ""
		}
		linksRead = c.count("-R", "--dereference-recursive") > 0
		include = c.values("--include")
		skip = skippedDirs(c.values("--exclude-dir"), false)
		roots = c.pos
		if len(c.values("-e", "--regexp", "-f", "--file")) == 0 && len(roots) > 0 {
			roots = roots[1:]
		}
		if len(roots) == 0 {
			roots = []string{"."}
		}
	case "diff":
		// diff -r walks both trees; with -N a file on one side only is
		// printed whole. Every word that is not an option is taken as a
		// tree (an option's value that names none adds nothing).
		recursive := false
		var pos []string
		for _, a := range argv[1:] {
			switch {
			case a == "--recursive" || len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.ContainsRune(a, 'r'):
				recursive = true
			case !strings.HasPrefix(a, "-"):
				pos = append(pos, a)
			}
		}
		if !recursive {
			return ""
		}
		roots = pos
	case "rg":
		// rg leaves out hidden files unless --hidden, -., -uu or
		// --unrestricted twice; but a glob or a type that selects files
		// (-g GLOB, --iglob, -t TYPE) overrides that for the files it
		// names: `rg -g '*' KEY` reads .env. A glob narrows the walk to
		// its names only when it has no '/' (rg matches those against
		// the base name).
		c := searchWords(r, argv)
		if cfg, _ := rgConfig(); len(cfg) > 0 && c.count("--no-config") == 0 {
			// The words of the user's config file count too.
			k := searchWords(nil, append([]string{"rg"}, cfg...))
			c.flags = append(c.flags, k.flags...)
			c.opts = append(c.opts, k.opts...)
		}
		u := c.count("-u", "--unrestricted") + 2*c.count("-uu") + 3*c.count("-uuu")
		hidden = u >= 2 || c.count("--hidden", "-.") > 0
		linksRead = c.count("-L", "--follow") > 0
		narrow := true
		globs := c.values("-g", "--glob", "--iglob")
		skip = skippedDirs(globs, true)
		for _, g := range globs {
			if strings.HasPrefix(g, "!") {
				continue
			}
			hidden = true
			include = append(include, g)
			narrow = narrow && !strings.Contains(g, "/")
		}
		if types := c.values("-t", "--type"); len(types) > 0 {
			// rg's own types name files by extension (*.yml) or as shell
			// rc files: the hidden files they select are those with an
			// extension (.env.yml); a type of the command's own
			// (--type-add) may select any.
			if len(c.values("--type-add")) > 0 || c.count("--type-add") > 0 {
				hidden, narrow = true, false
			} else {
				if !hidden {
					hidden, hiddenExt = true, true
				}
				// Without a -g glob (which rg takes over the types), the
				// walk is narrowed to the types' names when each is one
				// rgTypeGlobs knows and none is cleared.
				globs, known := []string(nil), len(c.values("--type-clear")) == 0 && c.count("--type-clear") == 0
				for _, t := range types {
					g, ok := rgTypeGlobs()[t]
					known = known && ok
					globs = append(globs, g...)
				}
				if known && len(include) == 0 {
					include = globs
				}
			}
		}
		// rg leaves out what .gitignore names, unless told not to, told to
		// read more ignore files (their '!' lines may whitelist it), or
		// given a glob that selects files (globs override ignore rules).
		gitIgnore = len(include) == 0 && c.count("-u", "-uu", "-uuu", "--unrestricted", "--no-ignore", "--no-ignore-vcs",
			"--no-ignore-parent", "--no-ignore-dot", "--no-ignore-files") == 0 && len(c.values("--ignore-file")) == 0
		if !narrow {
			include = nil
		}
		roots = c.pos
		if len(c.values("-e", "--regexp", "-f", "--file")) == 0 && len(roots) > 0 {
			roots = roots[1:]
		}
		if len(roots) == 0 {
			roots = []string{"."}
		}
	case "git":
		args := argv[1:]
		for len(args) > 0 && strings.HasPrefix(args[0], "-") {
			if args[0] == "-C" && len(args) > 1 {
				cwd = absolute(args[1], cwd)
				args = args[1:]
			}
			args = args[1:]
		}
		if len(args) == 0 || args[0] != "grep" {
			return ""
		}
		walk := false
		for _, a := range args[1:] {
			if a == "--no-index" || a == "--untracked" {
				walk = true
			}
		}
		if !walk {
			return ""
		}
		roots = []string{"."}
	case "find":
		reader = ""
		recurses := false
		starts, i := findStarts(argv)
		names, secretName := findNames(argv, i, func(body []string) {
			if contentReaders(filepath.Base(body[0])) && reader == "" {
				reader = filepath.Base(body[0])
			}
			recurses = recurses || readerRecurses(body)
		})
		if reader == "" {
			return ""
		}
		if secretName != "" {
			return "find -exec " + reader + " reads the files it finds, and " + secretName
		}
		if len(starts) == 0 {
			starts = []string{"."}
		}
		roots = starts
		if !recurses {
			include = names
		}
	default:
		return ""
	}
	var trees []string // roots, globs expanded: `grep -r KEY ~/.a*` reads ~/.aws
	for _, root := range roots {
		if !strings.ContainsAny(root, "*?[") {
			trees = append(trees, root)
			continue
		}
		matches, ok := shellGlob(globAbsolute(homeWord(root), cwd))
		if !ok {
			return prog + " reads the trees " + root + " names, a glob guard cannot expand (too many files, or not as the shell does)"
		}
		if len(matches) == 0 {
			trees = append(trees, root) // passed as written
		}
		trees = append(trees, matches...) // (a dot file too: more than the shell names, never less)
	}
	for _, root := range trees {
		dir := absolute(homeWord(root), cwd)
		h := hidden
		if prog == "rg" && !hidden && rgUnignores(dir) {
			h = true // a whitelist rule in an ignore file: rg reads those hidden files
		}
		how := contentHow(walkHow{hidden: h, skip: skip, gitIgnore: gitIgnore, include: include, linksRead: linksRead}, reader, own)
		if !names && prog != "find" && credentialNameSearch(r) {
			how.content = true // the lines found set the credential: the project's own files' too
		}
		r := walkTree(dir, how)
		found, complete := r.found, r.complete
		for _, f := range found {
			if rel, err := filepath.Rel(dir, f); hiddenExt && err == nil && hiddenName(rel) && !strings.Contains(strings.TrimLeft(filepath.Base(f), "."), ".") {
				continue
			}
			if len(include) > 0 && !matchesAny(include, filepath.Base(f)) {
				continue
			}
			if names && ownTree(f, own) {
				continue
			}
			rel := f
			return prog + " reads the tree " + root + ", which holds " + rel + " (" + whySecret(f) + ")"
		}
		if !complete && !(names && ownTree(dir, own)) {
			return prog + " reads the tree " + root + ", " + walkTooLarge()
		}
	}
	return ""
}

// skippedDirs returns the directory names a search leaves out, from the
// values of grep's --exclude-dir (negated false) or rg's -g/--glob/--iglob
// (negated true: the globs that start with '!', with or without a
// trailing '/'). Only a plain name counts: every search skips a directory
// of exactly that name, whereas a glob or a path might be matched
// otherwise than guard would and leave out less. For rg, any glob that selects files (one without '!')
// may whitelist what an earlier '!' left out (the last glob that matches
// wins), so then nothing is skipped.
func skippedDirs(values []string, negated bool) []string {
	var out []string
	for _, v := range values {
		if negated {
			w, ok := strings.CutPrefix(v, "!")
			if !ok {
				return nil
			}
			v = strings.TrimSuffix(w, "/") // rg: a glob ending in '/' matches directories only
		}
		if v != "" && v != "." && v != ".." && !strings.ContainsAny(v, "*?[]{}\\/") {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// ownTree reports whether f is in the tree of the working directory cwd,
// whose secrets (a project's .env) a search that prints only names may
// read: not when cwd is the home directory or above it. cwd is where the
// judgement starts (the project), never a directory a cd in the script
// entered: `cd ~/.aws && grep -rc AKIA` counted in the credentials, safe.
func ownTree(f, cwd string) bool {
	here, h := filepath.Clean(cwd), home()
	return Inside(filepath.Clean(f), here) && !(filepath.IsAbs(h) && Inside(filepath.Clean(h), here))
}

// skipped reports whether name is in skip (sorted, as skippedDirs returns
// it): a binary search, since a command may give thousands of names and
// the walk asks for every directory it meets.
func skipped(skip []string, name string) bool {
	_, ok := slices.BinarySearch(skip, name)
	return ok
}

// findStarts returns find's starting points and the index of the first
// word of its expression: the options -H, -L, -P, -D LIST and -O LEVEL
// come before the starting points.
func findStarts(argv []string) ([]string, int) {
	i := 1
	for ; i < len(argv); i++ {
		a := argv[i]
		if a == "-H" || a == "-L" || a == "-P" || strings.HasPrefix(a, "-O") {
			continue
		}
		if a == "-D" {
			i++
			continue
		}
		break
	}
	var starts []string
	for ; i < len(argv) && !strings.HasPrefix(argv[i], "-") && argv[i] != "(" && argv[i] != "!"; i++ {
		starts = append(starts, argv[i])
	}
	return starts, i
}

// readerRecurses reports whether the reader argv (a find -exec body, what
// xargs runs) reads below a directory it is given: grep -r or diff -r on a
// directory found by name, rg, ag, ack. The -name tests that chose the
// directory then do not narrow what it reads; jq's and sort's -r are not
// recursion.
func readerRecurses(argv []string) bool {
	switch filepath.Base(argv[0]) {
	case "rg", "ag", "ack":
		return true
	case "grep", "egrep", "fgrep", "zgrep", "zegrep", "zfgrep", "diff":
		for j, w := range argv {
			if w == "--recursive" || w == "--dereference-recursive" || grepRecursesAt(argv, j) ||
				len(w) > 1 && w[0] == '-' && w[1] != '-' && strings.ContainsAny(w, "rR") {
				return true
			}
		}
	}
	return false
}

// rgTypeGlobs are the file names of ripgrep's own types that source code
// is searched by, as `rg --type-list` prints them (13.0), with the names
// later versions added (*.pyi, *.cjs, *.mts, ...) and a few more: a type's
// list only grows, and a name too many only walks more. A type not here
// does not narrow the walk.
var rgTypeGlobs = sync.OnceValue(func() map[string][]string {
	return map[string][]string{
		"go":     {"*.go"},
		"rust":   {"*.rs"},
		"py":     {"*.py", "*.pyi", "*.pyw", "*.pyx", "*.pxd"},
		"js":     {"*.js", "*.jsx", "*.vue", "*.cjs", "*.mjs"},
		"ts":     {"*.ts", "*.tsx", "*.cts", "*.mts"},
		"java":   {"*.java", "*.jsp", "*.jspx", "*.properties"},
		"kotlin": {"*.kt", "*.kts"},
		"c":      {"*.[chH]", "*.[chH].in", "*.cats"},
		"cpp":    {"*.[ChH]", "*.[ChH].in", "*.[ch]pp", "*.[ch]pp.in", "*.[ch]xx", "*.[ch]xx.in", "*.cc", "*.cc.in", "*.hh", "*.hh.in", "*.inl", "*.c++", "*.h++", "*.ixx", "*.cppm"},
		"cs":     {"*.cs", "*.csx"},
		"csharp": {"*.cs", "*.csx"},
		"ruby":   {"*.gemspec", "*.rb", "*.rbw", "*.rake", "*.ru", ".irbrc", "Gemfile", "Rakefile", "config.ru"},
		"php":    {"*.php*", "*.phtml", "*.phpt"},
		"elixir": {"*.eex", "*.ex", "*.exs", "*.heex", "*.leex"},
		"swift":  {"*.swift"},
		"scala":  {"*.sbt", "*.scala", "*.sc"},
		"md":     {"*.markdown", "*.md", "*.mdown", "*.mdwn", "*.mkd", "*.mkdn", "*.mdx"},
		"yaml":   {"*.yaml", "*.yml"},
		"toml":   {"*.toml", "Cargo.lock"},
	}
})

// findNames reads find's expression argv[i:] for the -name and -iname
// tests every file it prints or acts on passes. The expression is taken as
// its top-level branches (split at -o); in each, the first test before the
// branch's first action that is a -name, or a parenthesised alternation of
// -names only, bounds the branch, and names is the union of those bounds:
// none (no narrowing) when a branch has no such test or the expression
// holds a `,` (whose left side is evaluated for nothing but its actions).
// A negated test (`-not -path './target/*'`, `! -name x`) only drops
// files: it neither bounds nor widens. secretName is the first -name
// pattern, negated or not, that can itself match a secret's name. Each
// action's -exec body (its words up to ; or +, not find's tests) is handed
// to body.
func findNames(argv []string, i int, body func([]string)) (names []string, secretName string) {
	bounded := true     // every branch closed so far had a bound
	var branch []string // the current branch's bound
	acted, negated := false, false
	depth := 0
	var group []string // the -name patterns of the open top-level group
	groupOnlyNames := false
	closeBranch := func() {
		if branch == nil {
			bounded = false
		}
		names = append(names, branch...)
		branch, acted = nil, false
	}
	for ; i < len(argv); i++ {
		a := argv[i]
		neg := negated
		negated = false
		switch a {
		case "-exec", "-execdir", "-ok", "-okdir":
			j := i + 1
			for ; j < len(argv) && argv[j] != ";" && argv[j] != "+"; j++ {
			}
			if j > i+1 && body != nil {
				body(argv[i+1 : j])
			}
			i, acted = j, true
			groupOnlyNames = false
		case "-print", "-print0", "-ls", "-delete", "-quit", "-prune":
			acted = true
			groupOnlyNames = false
		case "-printf", "-fprint", "-fprint0", "-fls", "-fprintf":
			i++ // the format or file
			if a == "-fprintf" {
				i++
			}
			acted = true
			groupOnlyNames = false
		case "-name", "-iname":
			if i+1 >= len(argv) {
				continue
			}
			i++
			if n := nameCanBeSecret(argv[i], a == "-iname"); n != "" && secretName == "" {
				secretName = a + " " + argv[i] + " can match " + n
			}
			switch {
			case neg || acted:
				groupOnlyNames = groupOnlyNames && !neg
			case depth == 0 && branch == nil:
				branch = []string{argv[i]}
			case depth == 1:
				group = append(group, argv[i])
			}
		case "!", "-not":
			negated = true
			groupOnlyNames = groupOnlyNames && depth == 0
		case "-o", "-or":
			if depth == 0 {
				closeBranch()
			}
		case ",":
			bounded = false
			groupOnlyNames = false
		case "(":
			depth++
			if depth == 1 {
				group, groupOnlyNames = nil, !neg && !acted
			} else {
				groupOnlyNames = false // a nested group: not read here
			}
		case ")":
			if depth == 1 && groupOnlyNames && len(group) > 0 && branch == nil {
				branch = group
			}
			if depth > 0 {
				depth--
			}
		default:
			// Another test: its argument (which may be spelled `(`, `-o` or
			// `!`) is skipped; a word not known here may take one, and then
			// the branches cannot be told.
			switch {
			case findOneArg(a):
				i++
			case !findNoArg(a):
				bounded = false
			}
			if depth >= 1 {
				groupOnlyNames = false
			}
		}
	}
	closeBranch()
	if !bounded {
		return nil, secretName
	}
	return names, secretName
}

// findOneArg reports whether find's test or option a takes the next word
// as its argument.
func findOneArg(a string) bool {
	switch a {
	case "-path", "-ipath", "-wholename", "-iwholename", "-regex", "-iregex", "-type", "-xtype", "-newer", "-anewer",
		"-cnewer", "-perm", "-user", "-group", "-uid", "-gid", "-size", "-mtime", "-atime", "-ctime", "-mmin", "-amin",
		"-cmin", "-links", "-inum", "-samefile", "-lname", "-ilname", "-maxdepth", "-mindepth", "-fstype", "-context",
		"-used", "-regextype", "-files0-from":
		return true
	}
	// -newerXY (-newermt DATE)
	return len(a) == len("-newerXY") && strings.HasPrefix(a, "-newer")
}

// findNoArg reports whether a is one of find's tests, options or
// operators that takes no argument (and, for the tests, only drops files).
func findNoArg(a string) bool {
	switch a {
	case "-true", "-false", "-empty", "-executable", "-readable", "-writable", "-nouser", "-nogroup", "-depth", "-d",
		"-follow", "-mount", "-xdev", "-noleaf", "-ignore_readdir_race", "-noignore_readdir_race", "-daystart",
		"-warn", "-nowarn", "-a", "-and":
		return true
	}
	return false
}

// homeWord expands a leading ~ the judge already knows how to read.
func homeWord(w string) string {
	if w == "~" || strings.HasPrefix(w, "~/") {
		if h := home(); filepath.IsAbs(h) {
			return h + w[1:]
		}
	}
	return w
}

// matchesAny reports whether name may match one of globs (find -name and
// -iname, grep --include): when in doubt, yes, since a match keeps a secret
// in what the search reads. Go's path.Match is not fnmatch: a bracket
// expression ([!x], [[:alpha:]], []x]) or a backslash counts as matching, and
// letters are compared in both cases (-iname).
func matchesAny(globs []string, name string) bool {
	for _, g := range globs {
		if strings.ContainsAny(g, `[\`) {
			return true
		}
		for _, pat := range []string{g, filepath.Base(g)} {
			if ok, known := shellMatch(pat, name); ok || !known {
				return true
			}
			if ok, _ := shellMatch(strings.ToLower(pat), strings.ToLower(name)); ok {
				return true
			}
		}
	}
	return false
}

// walkHow is how a search walks a tree: whether it reads hidden entries,
// the names of the directories it leaves out (grep --exclude-dir), and
// whether it skips what .gitignore names (rg; see ignoreCache.ignored).
type walkHow struct {
	hidden    bool
	skip      []string
	gitIgnore bool
	// content: a file counts as a secret by what it holds too
	// (tokenSecret: a private key, an issued token), not only by its name
	// or as one of the configs contentSecret reads (see contentHow); with
	// own set, only a file outside own's tree (ownTree, by its real path:
	// a link out of the project leads outside). Of the files whose names
	// match include (none: all): the ones the reader reads (find -name,
	// grep --include).
	content bool
	own     string
	include []string
	// linksRead: the reader reads what a link below the roots leads to
	// (grep -R, rg -L, find -L); without it a search's content check
	// (own) leaves out what the walk reaches through a link, which grep
	// -r and rg skip (the walk still follows links for names).
	linksRead bool
}

type walkKey struct {
	dir       string
	hidden    bool
	gitIgnore bool
	content   bool
	own       string
	linksRead bool
	skip      string // the skipped names, joined by "/"
	include   string // likewise
}

// maxWalkContent bounds the bytes the walks of one judgement scan for
// credentials (resetGlobBudget starts it), decompressed bytes included.
// A tree with more to read is too large to check.
const maxWalkContent = 8 << 20

var walkContentSpent atomic.Int64

// walkTooLarge is the reason for a walk that ended incomplete.
func walkTooLarge() string {
	return "too large to check for secret files (over " + strconv.Itoa(maxWalkEntries) +
		" entries, or " + strconv.Itoa(maxWalkContent>>20) + " MiB to scan for credentials)"
}

// contentHow sets how a walk whose files reader (the program that reads
// the files found) reads checks their content for credentials, as `cat
// FILE` is checked: every file for a program that prints whole files (find
// -exec cat, xargs head), and for a search (grep -r, rg) the files outside
// the tree of the working directory own. A search of the project's own
// tree is checked by the names only (the commonest agent command; scanning
// every file it reads was left: judge-13's note). `find ~/.ssh -name
// 'github*' -exec cat {} +` printed a private key whose name no entry
// lists.
func contentHow(how walkHow, reader, own string) walkHow {
	switch filepath.Base(reader) {
	case "grep", "egrep", "fgrep", "zgrep", "zegrep", "zfgrep", "rg", "ag", "ack", "git":
		how.own = own
	default:
		how.content = true
	}
	return how
}

type walkResult struct {
	found    []string
	complete bool
	odd      string
	// renamed holds, for each way xargs reads a name otherwise
	// (xargsRenames), the first such name listed.
	renamed [xargsKinds]string
	// unignores: a hidden walk met an ignore file (.ignore, .rgignore,
	// .gitignore) with a whitelist rule (!.env): rg searches the hidden
	// files such a rule names (judge-11 R6).
	unignores bool
}

var (
	walkMu    sync.Mutex
	walkCache map[walkKey]walkResult
)

// secretFiles walks dir (bounded: maxWalkEntries entries) and returns the
// secret files and directories in it, and whether the walk saw the whole
// tree. Hidden entries are skipped unless hidden is set. A file (not a
// directory) is itself checked. Files that are secrets by their content
// count (an .npmrc with a token; a .git directory is not walked, but its
// config is checked, which grep -r and find read). A symlink counts as
// what it leads to: a link to a secret file, to a secret directory or into
// one is a secret (readers open the target), and a linked directory is
// walked too (grep -R, find -L and cat of a path below it follow it).
func secretFiles(dir string, how walkHow) ([]string, bool) {
	r := walkTree(dir, how)
	return r.found, r.complete
}

// oddName returns a name in the tree at dir that xargs would not pass on
// as one plain operand (one that starts with '-', or holds a blank, a
// quote, a backslash or a newline), or "", and whether the walk saw the
// whole tree.
func oddName(dir string) (string, bool) {
	r := walkTree(dir, walkHow{hidden: true})
	return r.odd, r.complete
}

// plainName reports whether name stays one word that is no option when
// xargs reads it, or a shell splits and globs it (`for f in $(ls)`):
// no leading -, no blank, quote, backslash or glob character.
func plainName(name string) bool {
	return !strings.HasPrefix(name, "-") && !strings.ContainsAny(name, " \t\n\v\f\r'\"\\*?[")
}

// The ways xargs reads a name otherwise than it is (xargsRenames): a
// blank inside it ends a word, a quote or backslash is removed, a newline
// ends a line, a leading - makes an option (a leading blank is dropped).
const (
	xargsBlank = iota
	xargsQuote
	xargsNewline
	xargsLeading
	xargsKinds
)

// xargsRenames returns the set (bit k: kind k) of the ways xargs may read
// name otherwise.
func xargsRenames(name string) uint8 {
	var kinds uint8
	if name != "" && (name[0] == '-' || name[0] == ' ' || name[0] == '\t') {
		kinds |= 1 << xargsLeading
	}
	for i := 0; i < len(name); i++ { // one pass: a tree's every name comes here
		switch name[i] {
		case ' ', '\t', '\v', '\f', '\r':
			kinds |= 1 << xargsBlank
		case '\'', '"', '\\':
			kinds |= 1 << xargsQuote
		case '\n':
			kinds |= 1 << xargsNewline
		}
	}
	return kinds
}

// linkSecret says whether the symlink at p leads to a secret (by name or
// by content); for a link to a directory it also returns the directory.
func linkSecret(p, h string) (secret bool, dir string) {
	t, err := filepath.EvalSymlinks(p)
	if err != nil {
		return false, ""
	}
	if secrets().Secret(t, h) != nil || contentSecret(t) != "" || deviceRead(t, "/") != "" {
		return true, "" // a device too: cat of a link to /dev/tty reads keystrokes
	}
	if fi, err := os.Stat(t); err == nil && fi.IsDir() {
		return false, t
	}
	return false, ""
}

// whySecret is the reason a path the walk found is a secret.
func whySecret(f string) string {
	if auditLog(f) {
		return "guard's audit log: every command's arguments, tokens typed in them included"
	}
	if guardRules(f) {
		return "guard's remembered rules: the commands a person approved, passwords and tokens typed in them included"
	}
	if krb5Cache(f) {
		return krb5Why
	}
	h := home()
	if e := secrets().Secret(f, h); e != nil {
		return e.Reason
	}
	if t, err := filepath.EvalSymlinks(f); err == nil {
		if e := secrets().Secret(t, h); e != nil {
			return "a link to " + t + ": " + e.Reason
		}
		if why := contentSecret(t); why != "" {
			return why
		}
		if why := deviceRead(t, "/"); why != "" {
			return "a link to " + why
		}
	}
	if why := contentSecret(f); why != "" {
		return why
	}
	if why := tokenSecret(f); why != "" {
		return why
	}
	return "a secret"
}

// secretEntry judges an entry a tree walk meets, p (named name) in a
// directory no entry of the list covers, so that only a match ending at
// name can cover it (MayEndWith): whether it is a secret by its name, by
// its content (the configs that hold tokens), as guard's audit log, or as a
// link to one; else, for a link, the target to walk in its place ("" for
// none).
func secretEntry(p, name, h string, isLink bool) (secret bool, target string) {
	if secrets().MayEndWith(protect.Secret, name, h) && secrets().Secret(p, h) != nil ||
		(contentName(name) || name == "config") && contentSecret(p) != "" || auditLog(p) || guardRules(p) || krb5Cache(p) {
		return true, ""
	}
	if isLink {
		return linkSecret(p, h)
	}
	return false, ""
}

// packageStore reports whether p lies where package managers install
// third-party code, whose content is the packages' own and public: the
// system's trees below /usr (not /usr/local's bin, sbin and etc, where an
// administrator's scripts and settings live), a Python environment's
// site-packages or dist-packages, a node_modules, Go's module cache
// (GOMODCACHE, .../pkg/mod). A tree walk does not scan such files for
// credentials (a search of the Go or Python sources, of /usr/include,
// ran over its content budget and was asked); their names are checked as
// anywhere (a .env or a key file there is still a secret), and so is
// `cat` of one of them, which scans it as any file.
func packageStore(p string) bool {
	if rest, ok := strings.CutPrefix(p, "/usr/"); ok {
		top, _, _ := strings.Cut(strings.TrimPrefix(rest, "local/"), "/")
		return !strings.HasPrefix(rest, "local/") || top != "bin" && top != "sbin" && top != "etc"
	}
	for _, store := range []string{"/site-packages/", "/dist-packages/", "/node_modules/", "/pkg/mod/"} {
		if strings.Contains(p, store) {
			return true
		}
	}
	return false
}

// walkedContent is the content check of a walk (walkHow.content, .own)
// for the entry p, named name, in the directory d (a real path: the walk
// enters links by their targets): whether it is a file, or a link to one,
// whose content tokenSecret finds a credential in; over maxWalkContent,
// spent is set and the walk ends incomplete.
func walkedContent(d, p, name string, isLink, viaLink bool, how walkHow) (secret, spent bool) {
	if !how.content && (how.own == "" || (isLink || viaLink) && !how.linksRead) || len(how.include) > 0 && !matchesAny(how.include, name) {
		return false, false
	}
	if isLink {
		// The target, by its real path: links to one file are read once
		// (tokenSecret's memo), and the project's tree is judged by it.
		t, err := filepath.EvalSymlinks(p)
		if err != nil {
			return false, false
		}
		d, p = filepath.Dir(t), t
	}
	if !how.content && ownTree(d, how.own) || packageStore(p) {
		return false, false
	}
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return false, false
	}
	scan := fi.Size() // what tokenSecret reads of it
	if scan > maxTokenScanWhole {
		scan = maxTokenScan + maxTokenScanTail
	}
	if walkContentSpent.Load()+scan > maxWalkContent {
		return false, true
	}
	// What the scan read, a compressed file's decompressed bytes included
	// (none for a file already scanned in this judgement).
	before := tokenScanned.Load()
	why := tokenSecret(p)
	walkContentSpent.Add(tokenScanned.Load() - before)
	return why != "", false
}

// walkTree walks the tree at dir for secretFiles and oddName as how says.
// A directory below dir whose name is in how.skip (grep
// --exclude-dir=node_modules, rg -g '!node_modules') is not entered; a
// symbolic link so named is walked as any other (grep -R follows it as a
// file's link, which --exclude-dir does not cover). With how.gitIgnore, an
// entry below dir that .gitignore names is left out as rg leaves it out.
func walkTree(dir string, how walkHow) walkResult {
	hidden, skip := how.hidden, how.skip
	walkMu.Lock()
	defer walkMu.Unlock()
	// Keyed by the tree itself: `grep -r x big/d1/..`, `big/d2/..`, ...
	// are one tree, which a script would otherwise have walked once a
	// spelling.
	// The tree as named is looked up first: `grep -r x src/*/*.go`,
	// repeated in a script, names the same thousands of roots again (a
	// name resolves the same way all through one judgement).
	named := walkKey{dir, hidden, how.gitIgnore, how.content, how.own, how.linksRead, strings.Join(skip, "/"), strings.Join(how.include, "/")}
	if r, ok := walkCache[named]; ok {
		return r
	}
	key := named
	key.dir = Resolve(dir, "/")
	abs := key.dir
	if r, ok := walkCache[key]; ok {
		walkCache[named] = r
		return r
	}
	if walkSpent.Load() >= maxWalkTotal {
		return walkResult{complete: false} // the judgement's budget is spent: not known, and not kept
	}
	h := home()
	var found []string
	n := 0
	complete := true
	odd := ""
	var renamed [xargsKinds]string
	unignores := false
	defer func() { walkSpent.Add(int64(n)) }()
	fi, err := os.Lstat(abs)
	switch {
	case err != nil:
	case !fi.IsDir():
		// One file, read whole by what runs on it (find FILE -exec cat,
		// ls FILE | xargs cat): judged as cat FILE is, its content too.
		if secrets().Secret(abs, h) != nil || contentSecret(abs) != "" || auditLog(abs) || guardRules(abs) || krb5Cache(abs) ||
			tokenSecret(abs) != "" {
			found = append(found, abs)
		}
	case secrets().Secret(abs, h) != nil:
		if len(how.include) == 0 {
			found = append(found, abs)
			break
		}
		files, seen, ok := secretDirFiles(abs, how, maxWalkEntries)
		n += seen
		found, complete = append(found, files...), ok
	default:
		queue := []string{abs}
		seen := map[string]bool{abs: true}
		linked := map[string]bool{} // directories reached through a link
		ign := newIgnoreCache()
		// Every secret is listed, not the first few: the callers drop
		// those their name tests leave out (find -name, grep --include),
		// and sixteen history files found first in a home directory hid
		// the ~/.docker/config.json that `grep -r --include=config.json
		// auth ~` printed. The walk is bounded by its entries.
		for len(queue) > 0 && complete {
			d := queue[0]
			queue = queue[1:]
			readDir(d, maxWalkEntries-n+1, func(name string, isDir, isLink bool) {
				if n++; n > maxWalkEntries {
					complete = false
					return
				}
				if odd == "" && !plainName(name) {
					odd = entryPath(d, name)
				}
				// A file whose name the reader's tests leave out is not
				// listed; a directory's name is in the path of each below.
				if kinds := xargsRenames(name); kinds != 0 && (isDir || isLink || len(how.include) == 0 || matchesAny(how.include, name)) {
					for k := range renamed {
						if kinds&(1<<k) != 0 && renamed[k] == "" {
							renamed[k] = entryPath(d, name)
						}
					}
				}
				p := entryPath(d, name)
				if name == ".git" {
					if hidden && isDir && !seen[p] {
						// grep -r reads .git too: walked like the rest (its
						// configs are checked by their content below), but
						// for its object store, which holds compressed blobs.
						seen[p] = true
						queue = append(queue, p)
						return
					}
					// rg skips it; a gitfile's repository: the configs (a
					// submodule's included) are checked by their content.
					configs, _ := filepath.Glob(p + "/modules/*/config")
					for _, c := range append([]string{p + "/config"}, configs...) {
						if contentSecret(c) != "" {
							found = append(found, c)
						}
					}
					return
				}
				if isDir && (name == "objects" || name == "lfs") && strings.HasSuffix(d, "/.git") {
					return
				}
				if isDir && !isLink && skipped(skip, name) || how.gitIgnore && !ign.linked[d] && ign.ignored(p, isDir) {
					return
				}
				if !hidden && strings.HasPrefix(name, ".") {
					if !unignores && !isDir && rgIgnoreFile(name) && whitelists(p) {
						unignores = true
					}
					return
				}
				secret, target := secretEntry(p, name, h, isLink)
				if !secret && target == "" && !(isDir && !isLink) {
					// A file, or a link to one (or to nothing).
					var spent bool
					if secret, spent = walkedContent(d, p, name, isLink, linked[d], how); spent {
						complete = false
						return
					}
				}
				if secret && len(how.include) > 0 && (isDir || isLink) {
					// A secret directory (~/.kube, ~/.config/gcloud) under a
					// name-filtered reader: the files in it that the names
					// select are what it reads.
					if fi, err := os.Stat(p); err == nil && fi.IsDir() {
						files, seen, ok := secretDirFiles(p, how, maxWalkEntries-n)
						n += seen
						found = append(found, files...)
						if !ok {
							complete = false
						}
						return
					}
				}
				if secret {
					found = append(found, p)
					return
				} else if isLink {
					if target != "" && !seen[target] {
						seen[target] = true
						linked[target] = true
						ign.link(target)
						queue = append(queue, target)
					}
					return
				}
				if isDir && !seen[p] {
					// (a link met earlier may have queued it already: a
					// tree is walked once, as the entries are bounded)
					seen[p] = true
					linked[p] = linked[d]
					ign.below(d, p)
					queue = append(queue, p)
				}
			})
		}
	}
	if walkCache == nil {
		walkCache = map[walkKey]walkResult{}
	}
	r := walkResult{found: found, complete: complete, odd: odd, renamed: renamed, unignores: unignores}
	walkCache[key] = r
	walkCache[named] = r
	return r
}

// secretDirFiles returns the files below dir, a secret directory (every
// file in it is a secret), whose names match how.include: what a reader
// that only reads the names its tests select (find -name ... -exec cat,
// grep -r --include=config) reads there. The directory's own name is no
// such name: `grep -r --include=config token ~` printed ~/.kube/config's
// token while the walk, which had found ~/.kube whole, dropped it for its
// name. Links are followed (their targets are read by name); hidden names
// count when how.hidden says so. It also returns the entries it looked
// at, and false when they were more than budget.
func secretDirFiles(dir string, how walkHow, budget int) (found []string, n int, complete bool) {
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, 0, true
	}
	queue := []string{root}
	seen := map[string]bool{root: true}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		readDir(d, budget-n+1, func(name string, isDir, isLink bool) {
			if n++; n > budget {
				return
			}
			if !how.hidden && strings.HasPrefix(name, ".") {
				return
			}
			p := entryPath(d, name)
			if isLink {
				if fi, err := os.Stat(p); err == nil && fi.IsDir() {
					if t, err := filepath.EvalSymlinks(p); err == nil && !seen[t] {
						seen[t] = true
						queue = append(queue, t)
					}
					return
				}
			}
			if isDir && !isLink {
				if !seen[p] {
					seen[p] = true
					queue = append(queue, p)
				}
				return
			}
			if matchesAny(how.include, name) {
				found = append(found, p)
			}
		})
		if n > budget {
			return found, n, false
		}
	}
	return found, n, true
}

// contentName: the names contentSecret looks into.
func contentName(name string) bool {
	return name == ".npmrc" || name == ".yarnrc.yml" || name == ".yarnrc" || name == ".gitconfig" || springConfig(name) ||
		redisConfig(name) || appConfigName(name) || toolConfigName(name)
}

// redisConfig reports whether name is a Redis or Sentinel server config
// (redis.conf, redis-6380.conf, sentinel.conf, users.acl): where Redis
// keeps the passwords its clients and replicas give, as plain words.
func redisConfig(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasSuffix(lower, ".conf") && (strings.Contains(lower, "redis") || strings.Contains(lower, "sentinel")) ||
		lower == "users.acl"
}

// redisSecret says why a Redis config sets a password, or "": a
// requirepass, masterauth, sentinel auth-pass or sentinel-pass, or
// tls-*-key-file-pass directive with a value of its own
// (literalSecretValue), or an ACL user line with a >PASSWORD rule.
// Redis reads directives case-blind; `# requirepass foobared`, the
// shipped file's example, is a comment. The fourteenth held-out batch:
// `grep requirepass redis.conf` printed the server's password.
func redisSecret(abs string) string {
	b, err := safefile.Read(abs, maxContent)
	if errors.Is(err, safefile.ErrTooLarge) {
		return filepath.Base(abs) + " is too large to check for passwords (over 1 MiB)"
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		key := strings.ToLower(f[0])
		value := ""
		switch {
		case key == "requirepass" || key == "masterauth" || strings.HasPrefix(key, "tls-") && strings.HasSuffix(key, "-pass"):
			value = f[1]
		case key == "sentinel" && len(f) >= 3 && strings.EqualFold(f[1], "sentinel-pass"):
			key, value = "sentinel sentinel-pass", f[2]
		case key == "sentinel" && len(f) >= 4 && strings.EqualFold(f[1], "auth-pass"):
			key, value = "sentinel auth-pass", f[3]
		case key == "user":
			for _, rule := range f[2:] {
				if len(rule) > 1 && rule[0] == '>' {
					return filepath.Base(abs) + " gives user " + f[1] + " a password"
				}
			}
			continue
		default:
			continue
		}
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
			value = value[1 : len(value)-1]
		}
		if value != "" && !strings.ContainsAny(value, "$`") {
			return filepath.Base(abs) + " sets " + key + " to a value of its own"
		}
	}
	return ""
}

// userConfig reports whether abs is a file in the user's configuration
// directory (~/.config), where the calendar, mail, package and cloud
// tools that have no entry of their own keep a login as they were given
// it (vdirsyncer's `password = "..."` in ~/.config/vdirsyncer/config: the
// sixteenth held-out batch printed it through pandoc): judged by its
// keys, as a Spring config is.
func userConfig(abs string) bool {
	h := home()
	return h != "" && strings.HasPrefix(abs, h+"/.config/")
}

// springConfig reports whether name is a Spring Boot application config
// (application.yml, application.properties, application-PROFILE.yaml) or
// a Typesafe Config one, which Play, Akka and most Scala services read
// (application.conf, HOCON: `db { password = "..." }`).
func springConfig(name string) bool {
	stem := ""
	for _, ext := range []string{".yml", ".yaml", ".properties", ".conf"} {
		if s, ok := strings.CutSuffix(name, ext); ok {
			stem = s
		}
	}
	return stem == "application" || strings.HasPrefix(stem, "application-") && len(stem) > len("application-")
}

// springSecret says why a Spring Boot config sets a secret, or "": a key
// that names one (spring.datasource.password, `password:` nested in YAML,
// jwt.secret; scriptSecretName of its last part) set to a literal value of
// its own (literalSecretValue: not a ${...} placeholder read from the
// environment, not short). application-prod.yml is where Spring's guides
// put the production database's password, which has no form of its own
// (thirteenth held-out batch: `cat application-prod.yml` printed it).
func springSecret(abs string) string {
	b, err := safefile.Read(abs, maxContent)
	if errors.Is(err, safefile.ErrTooLarge) {
		return filepath.Base(abs) + " is too large to check for passwords (over 1 MiB)"
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		i := strings.IndexAny(line, ":=")
		if i <= 0 {
			continue
		}
		key, value := strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
		if j := strings.LastIndexByte(key, '.'); j >= 0 {
			key = key[j+1:]
		}
		if !scriptSecretName(strings.NewReplacer("-", "_", `"`, "", "'", "").Replace(key)) {
			continue
		}
		if value != "" && (value[0] == '"' || value[0] == '\'') {
			if end := strings.IndexByte(value[1:], value[0]); end >= 0 {
				value = value[1 : 1+end]
			}
		} else if k := strings.Index(value, " #"); k >= 0 {
			value = strings.TrimSpace(value[:k])
		}
		if literalSecretValue(value) {
			return filepath.Base(abs) + " sets " + key + " to a value of its own"
		}
	}
	return ""
}

// namesOnly reports whether a search prints only file names, counts or
// nothing (grep/rg -l, -L, -c, -q, rg --files): not what the files hold.
func namesOnly(prog string, argv []string, r *Result) bool {
	if prog != "grep" && prog != "egrep" && prog != "fgrep" && prog != "rg" && prog != "zgrep" && prog != "zegrep" && prog != "zfgrep" {
		return false
	}
	c := searchWords(r, argv)
	if c.count("--files", "--files-with-matches", "--files-without-match", "--count", "--quiet", "--silent",
		"--count-matches", "-l", "-c", "-q") > 0 {
		return true
	}
	return prog != "rg" && c.count("-L") > 0 // rg -L is --follow
}

// rgConfig returns the words of ripgrep's configuration file, the one
// RIPGREP_CONFIG_PATH names (one argument a line, # starts a comment),
// which rg puts before the command's own, and why they cannot be judged:
// a file that cannot be read whole, or words that make rg run programs
// (--pre, --pre-glob, --hostname-bin, -z/--search-zip). A user's
// `--hidden` there made `rg KEY` read .env while the judge left hidden
// files out.
func rgConfig() (words []string, why string) {
	p := os.Getenv("RIPGREP_CONFIG_PATH")
	if p == "" {
		return nil, ""
	}
	b, err := safefile.Read(p, maxContent)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ""
		}
		return nil, "rg reads its configuration " + p + ", which cannot be checked (" + err.Error() + ")"
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		words = append(words, line)
		name, _, _ := strings.Cut(line, "=")
		switch {
		case name == "--pre" || name == "--pre-glob" || name == "--hostname-bin" || name == "--search-zip" ||
			len(name) > 1 && name[0] == '-' && name[1] != '-' && strings.ContainsRune(name, 'z'):
			why = "rg's configuration " + p + " adds " + line + ": rg runs programs for it"
		}
	}
	return words, why
}

// hiddenName reports whether a path has a component that starts with a dot.
func hiddenName(p string) bool {
	for _, c := range strings.Split(filepath.ToSlash(p), "/") {
		if strings.HasPrefix(c, ".") && c != "." && c != ".." {
			return true
		}
	}
	return false
}

// searchCall is a grep or rg command taken apart: its flags (one each,
// bundles split), its options with their values, and its positional words
// in order (the pattern first, unless an option gives it).
type searchCall struct {
	flags []string
	opts  []MatchedOpt
	pos   []string
}

// count returns how many times the flags named were given.
func (c searchCall) count(names ...string) int {
	n := 0
	for _, f := range c.flags {
		if slices.Contains(names, f) {
			n++
		}
	}
	return n
}

// values returns the values given to the options named.
func (c searchCall) values(names ...string) []string {
	var out []string
	for _, o := range c.opts {
		if slices.Contains(names, o.Name) {
			out = append(out, o.Value)
		}
	}
	return out
}

// searchLongValued are grep's and rg's long options that take the next
// word as their value (the fallback of searchWords).
func searchLongValued(a string) bool {
	switch a {
	case "--regexp", "--file", "--include", "--exclude", "--exclude-dir", "--exclude-from",
		"--directories", "--devices", "--binary-files", "--label", "--max-count",
		"--after-context", "--before-context", "--context", "--glob", "--iglob", "--type",
		"--type-not", "--type-add", "--type-clear", "--encoding", "--engine", "--max-depth",
		"--maxdepth", "--max-columns", "--max-filesize", "--sort", "--sortr", "--threads",
		"--replace", "--colors", "--context-separator", "--path-separator", "--ignore-file",
		"--field-match-separator", "--field-context-separator", "--pre", "--pre-glob":
		return true
	}
	return false
}

// searchWords takes a grep or rg argv apart as the rule that matched it
// did (r): which words are option values is the rule's knowledge, and a
// parser of its own here got it wrong for every long option it did not
// list (`grep -r --after-context 1 KEY` took 1 for the pattern and KEY for
// the tree). Without a match (an argv no rule took), it falls back to a
// conservative reading of its own: a long option without = takes no
// value, a short bundle ends at the first letter that takes one.
func searchWords(r *Result, argv []string) searchCall {
	var c searchCall
	if r != nil && r.Exec != nil && len(argv) > 0 && r.Exec.Program == argv[0] {
		for _, f := range r.Exec.Flags {
			c.flags = append(c.flags, f.Name)
		}
		c.opts = r.Exec.Opts
		for _, a := range r.Exec.Args {
			c.pos = append(c.pos, a.Value)
		}
		return c
	}
	valued := "efmABCdDX" // grep's short options that take a value
	if len(argv) > 0 && filepath.Base(argv[0]) == "rg" {
		valued = "ABCEMTdefgjmrt"
	}
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "--":
			c.pos = append(c.pos, argv[i+1:]...)
			return c
		case strings.HasPrefix(a, "--"):
			if name, value, ok := strings.Cut(a, "="); ok && name != "--directories" {
				c.opts = append(c.opts, MatchedOpt{Name: name, Value: value})
			} else if searchLongValued(a) && i+1 < len(argv) {
				c.opts = append(c.opts, MatchedOpt{Name: a, Value: argv[i+1]})
				i++
			} else {
				c.flags = append(c.flags, a)
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for j := 1; j < len(a); j++ {
				if strings.IndexByte(valued, a[j]) < 0 {
					c.flags = append(c.flags, "-"+a[j:j+1])
					continue
				}
				value := a[j+1:]
				if value == "" && i+1 < len(argv) {
					i++
					value = argv[i]
				}
				c.opts = append(c.opts, MatchedOpt{Name: "-" + a[j:j+1], Value: value})
				break
			}
		default:
			c.pos = append(c.pos, a)
		}
	}
	return c
}

// npmrcWhy says why npm (or npx) run in cwd does more than the rule says,
// or "": an .npmrc that npm reads (in cwd or a directory above it, and
// ~/.npmrc) sets a key off a short list of harmless ones. Keys such as
// logs-dir, cache, prefix, userconfig, globalconfig, tmp, script-shell,
// node-options, onload-script, git, shell, editor, proxy or strict-ssl
// choose where npm writes, what it reads or runs, or where its requests
// (with the user's tokens) go; a project can ship one. npm's own log in
// ~/.npm/_logs (its state directory, like git's index refresh) is
// accepted.
func npmrcWhy(argv []string, cwd string) string {
	if len(argv) == 0 {
		return ""
	}
	if p := filepath.Base(argv[0]); p != "npm" && p != "npx" {
		return ""
	}
	files := []string{}
	h := filepath.Clean(home())
	for d := filepath.Clean(cwd); filepath.IsAbs(d); d = filepath.Dir(d) {
		if d != h {
			files = append(files, filepath.Join(d, ".npmrc"))
		}
		if d == "/" {
			break
		}
	}
	for _, f := range files {
		b, err := safefile.Read(f, maxContent)
		if errors.Is(err, safefile.ErrTooLarge) {
			return "npm reads " + f + ", too large to check (over 1 MiB)"
		}
		if err != nil {
			continue // none, or not a regular file: npm reads no settings from it
		}
		// npm's ini reader ends a line at \r too, and expands ${NAME} in
		// keys and values: a variable sent to a registry the file names.
		for _, line := range strings.FieldsFunc(string(b), func(r rune) bool { return r == '\n' || r == '\r' }) {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' || line[0] == ';' {
				continue
			}
			if strings.Contains(line, "${") {
				return "npm reads " + f + ", which expands an environment variable (" + line + "): its value goes where the file says"
			}
			key, _, _ := strings.Cut(line, "=")
			key = strings.ToLower(strings.TrimSpace(key))
			if strings.HasPrefix(key, "//") || strings.HasPrefix(key, "@") && strings.HasSuffix(key, ":registry") {
				continue // a registry's credentials, a scope's registry
			}
			switch key {
			case "registry", "always-auth", "save-exact", "save-prefix", "save", "engine-strict", "legacy-peer-deps",
				"strict-peer-deps", "fund", "audit", "audit-level", "package-lock", "progress", "loglevel", "color",
				"update-notifier", "ignore-scripts", "auto-install-peers", "strict-peer-dependencies",
				"shamefully-hoist", "public-hoist-pattern[]", "public-hoist-pattern", "hoist-pattern[]",
				"node-linker", "link-workspace-packages", "prefer-workspace-packages", "provenance", "access",
				"lockfile-version", "install-links", "optional", "omit", "include", "unicode", "git-tag-version",
				"tag-version-prefix", "fetch-retries", "fetch-timeout", "prefer-offline", "prefer-online",
				"offline", "omit-lockfile-registry-resolved", "engine-strict[]", "use-node-version", "resolution-mode", "dedupe-peer-dependents":
				continue
			}
			return "npm reads " + f + ", which sets " + key + " (a setting that can choose where npm writes, what it runs or where its requests go)"
		}
	}
	return ""
}

// rgIgnoreFile reports whether name is an ignore file rg reads in each
// directory it walks.
func rgIgnoreFile(name string) bool {
	return name == ".ignore" || name == ".rgignore" || name == ".gitignore"
}

// whitelists reports whether the ignore file p holds a whitelist rule (a
// line starting with !), or cannot be read (counted as holding one).
func whitelists(p string) bool {
	b, err := safefile.Read(p, maxContent)
	if err != nil {
		// Absent, or a directory on the way that is none (a .git that
		// is a file or a link to one): rg reads no such file either.
		return !errors.Is(err, os.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "!") {
			return true
		}
	}
	return false
}

// rgUnignores reports whether rg, searching the tree dir without
// --hidden, may still read hidden files: an ignore file in the tree, in a
// directory above it, the repository's info/exclude or the user's global
// git ignore file holds a whitelist rule (`!.env` in .ignore or a
// .gitignore makes `rg KEY` search .env, judge-11 R6). A walk that did
// not finish counts as one that found such a rule.
func rgUnignores(dir string) bool {
	if r := walkTree(dir, walkHow{}); r.unignores || !r.complete {
		return true
	}
	for d := filepath.Dir(filepath.Clean(dir)); ; d = filepath.Dir(d) {
		for _, name := range []string{".ignore", ".rgignore", ".gitignore", ".git/info/exclude"} {
			if whitelists(filepath.Join(d, name)) {
				return true
			}
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	if whitelists(filepath.Join(dir, ".git/info/exclude")) {
		return true
	}
	cfg := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(cfg) {
		if h := home(); filepath.IsAbs(h) {
			cfg = filepath.Join(h, ".config")
		}
	}
	return cfg != "" && whitelists(filepath.Join(cfg, "git", "ignore"))
}

// goDocSecret says why `go doc ARGS` run in cwd prints a credential, or "":
// go doc prints a package's declarations from its .go files, constant and
// variable values included (`-u`, `-all`, `-src` the source itself), so a
// token `cat cfg/k.go` is asked about was printed by `go doc -src ./cfg Key`
// (judge-13 F2). The package's directory is found as go doc finds it for a
// path: the working directory, a directory argument (`./cfg`, `./cfg.Key`),
// or an import path inside the main module; each such directory's .go files
// are scanned as a file read whole is. Packages elsewhere (the standard
// library, the module cache) are not scanned.
func goDocSecret(args []string, cwd string) string {
	dirs := []string{cwd}
	modRoot, modPath := goModule(cwd)
	for _, a := range args {
		if strings.HasPrefix(a, "-") || a == "" {
			continue
		}
		// A package, or a package with .Sym or .Sym.Method after it.
		cands := []string{a}
		for c, i := a, 0; i < 2; i++ {
			j := strings.LastIndex(c, ".")
			if j <= strings.LastIndex(c, "/") || j == 0 {
				break
			}
			c = c[:j]
			cands = append(cands, c)
		}
		for _, c := range cands {
			var d string
			switch {
			case modPath != "" && (c == modPath || strings.HasPrefix(c, modPath+"/")):
				d = filepath.Join(modRoot, strings.TrimPrefix(c, modPath))
			case strings.HasPrefix(c, ".") || filepath.IsAbs(c):
				d = absolute(c, cwd)
			default:
				continue
			}
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				dirs = append(dirs, d)
			}
		}
	}
	for _, d := range dirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if !strings.HasSuffix(e.Name(), ".go") || e.IsDir() {
				continue
			}
			f := filepath.Join(d, e.Name())
			if why := secretPath(f, "/"); why != "" {
				return "go doc prints the package's declarations and " + why
			}
			if why := tokenSecret(f); why != "" {
				return "go doc prints the package's declarations and reads " + f + ": " + why
			}
		}
	}
	return ""
}

// goModule returns the directory of the go.mod at or above cwd and the
// module path it declares, or "", "".
func goModule(cwd string) (root, path string) {
	for d := filepath.Clean(cwd); filepath.IsAbs(d); d = filepath.Dir(d) {
		if b, err := safefile.Read(filepath.Join(d, "go.mod"), 1<<20); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if f := strings.Fields(line); len(f) >= 2 && f[0] == "module" {
					return d, strings.Trim(f[1], `"`)
				}
			}
			return d, ""
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	return "", ""
}

// maxGofmtFiles bounds the walk of goFmtSecret.
const maxGofmtFiles = 20000

// goFmtSecret says why `gofmt ARGS` run in cwd prints a credential, or "":
// without -l (or with -d) gofmt prints the source, or the changed lines, of
// every .go file below a directory argument (it walks every directory, and a
// .go name that is a link is read through it), so `gofmt cfg` printed the
// token `cat cfg/k.go` is asked about (judge-13 F3). Each such file is judged
// as a read of it (secret name, then the content scan); a walk of more than
// maxGofmtFiles entries cannot be checked. With -l (and no -d) only the
// files that do not parse are quoted (goSourceSecret). A file argument is
// judged as a read already.
func goFmtSecret(args []string, cwd string) string {
	list, diff := false, false
	var dirs []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			list = list || strings.Contains(a, "l")
			diff = diff || strings.Contains(a, "d")
			continue
		}
		d := absolute(homeWord(a), cwd)
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			dirs = append(dirs, d)
		}
	}
	// -l prints names, but quotes the lines of a file it cannot parse.
	return goSourceSecret("gofmt", dirs, true, !list || diff)
}
