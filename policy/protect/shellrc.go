package protect

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"guard/internal/safefile"
)

// shellStartupFiles are the files a shell reads at start-up from the home
// (the "~/" entries of whyShell): what they source runs at the next shell
// too.
func shellStartupFiles(home string) []string {
	out := make([]string, 0, 10)
	for _, n := range []string{".bashrc", ".bash_profile", ".bash_login", ".profile", ".bash_logout", ".bash_aliases",
		".zshenv", ".zprofile", ".zshrc", ".zlogin", ".zlogout", ".kshrc", ".mkshrc", ".yashrc", ".config/fish/config.fish"} {
		out = append(out, filepath.Join(home, n))
	}
	if z := os.Getenv("ZDOTDIR"); filepath.IsAbs(z) && filepath.Clean(z) != home {
		for _, n := range []string{".zshenv", ".zprofile", ".zshrc", ".zlogin", ".zlogout"} {
			out = append(out, filepath.Join(z, n))
		}
	}
	return out
}

// followShellRCs reads the shell's start-up files (and what they source, 32
// files at most) for the files they source by a path it can tell (`.
// ~/dotfiles/aliases.sh`, `source "$HOME/.cargo/env"`, `[ -s "$NVM_DIR/nvm.sh" ]
// && \. "$NVM_DIR/nvm.sh"` with NVM_DIR set earlier in the file), and
// protects those that are regular files where they reach a root: a line
// planted in ~/dotfiles/aliases.sh, with the dotfiles repository the
// working directory, ran at the user's next shell, outside the sandbox.
// A path that needs more than $HOME, ~ and the file's own plain
// assignments (a loop over a directory, a command substitution) is not
// followed.
func (r *resolver) followShellRCs(files []string) {
	vars := map[string]string{"HOME": r.home}
	seen := map[string]bool{}
	for i := 0; i < len(files) && i < 32; i++ {
		f := files[i]
		if seen[f] {
			continue
		}
		seen[f] = true
		r.w.Add(f)
		src, dirs, _ := sourcedBy(f, vars, false)
		// A directory the start-up files put on PATH (a dotfiles
		// repository's bin): what is planted there runs as the user's
		// commands in every later shell. As ~/.local/bin.
		for _, d := range dirs {
			d, _ = r.realPath(d)
			r.w.AddEntry(d)
			if fi, err := os.Stat(d); err == nil && fi.IsDir() && !r.holdsRoot(d) {
				r.addGit(d, "programs there come first on PATH: "+f+" puts it there")
			} else if err != nil && !r.holdsRoot(d) {
				r.addMissing(d, "programs made there come first on PATH: "+f+" puts it there")
			}
		}
		for _, src := range src {
			src, _ = r.realPath(src)
			r.w.AddEntry(src)
			if fi, err := os.Stat(src); err != nil || !fi.Mode().IsRegular() {
				// `[ -f ~/.bashrc.local ] && . ~/.bashrc.local`: made by a
				// command, it ran at the next shell (sandbox-18 S18-7).
				r.addMissing(src, "a shell runs it at start-up once it exists: "+f+" sources it")
				continue
			}
			r.addGit(src, "a shell runs it at start-up: "+f+" sources it")
			files = append(files, src)
		}
	}
}

// followEnvrcs reads each .envrc the resolution protected for the files it
// sources (source_env .envrc.local, source ./scripts/env.sh) and the files
// direnv's own commands load (direnvLoads: dotenv's .env, use nix's
// shell.nix, use flake's flake.nix): direnv allows an .envrc by its own
// content's hash, so what it sources or loads runs, changed, at the next
// cd into the directory (or the next prompt there: direnv watches these
// files and reloads), outside the sandbox. They are protected where they
// reach a root, and the sourced ones followed in turn (32 files in all).
func (r *resolver) followEnvrcs() {
	var envrcs []string
	for _, f := range r.prot {
		if filepath.Base(f.Path) == ".envrc" {
			envrcs = append(envrcs, f.Path)
		}
	}
	seen := map[string]bool{}
	for i := 0; i < len(envrcs) && i < 32; i++ {
		f := envrcs[i]
		if seen[f] {
			continue
		}
		seen[f] = true
		r.w.Add(f)
		src, _, loads := sourcedBy(f, map[string]string{"HOME": r.home, "PWD": filepath.Dir(f)}, true)
		for _, src := range src {
			src, _ = r.realPath(src)
			r.w.AddEntry(src)
			if fi, err := os.Stat(src); err != nil || !fi.Mode().IsRegular() {
				// source_env_if_exists .envrc.local
				r.addMissing(src, "direnv runs it when a shell enters the directory once it exists: "+f+" sources it")
				continue
			}
			r.addGit(src, "direnv runs it when a shell enters the directory: "+f+" sources it")
			envrcs = append(envrcs, src)
		}
		for _, l := range loads {
			p, _ := r.realPath(l.path)
			r.w.AddEntry(p)
			if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
				r.addMissing(p, "direnv loads it when a shell enters the directory once it exists ("+l.why+"): "+f+" says "+l.cmd)
				continue
			}
			r.addGit(p, "direnv loads it when a shell enters the directory ("+l.why+"): "+f+" says "+l.cmd)
		}
	}
}

// direnvLoad is a file one of direnv's commands in an .envrc loads.
type direnvLoad struct {
	path string // absolute, not resolved
	cmd  string // the command, for the reason
	why  string // what direnv does with it
}

// direnvLoads returns the files that the direnv command words (one command
// of an .envrc in dir) loads, besides what it sources: dotenv and
// dotenv_if_exists read a .env (the argument's, or the directory's) into
// the shell's environment, where PROMPT_COMMAND=CMD runs CMD at the next
// prompt; use nix runs nix-shell, and use flake nix print-dev-env, whose
// shellHook is shell code (shell.nix and default.nix, or the .nix files
// named; a flake's flake.nix and flake.lock, for a flake given by path or
// none); use vim names a vim script (.vimrc.local) direnv.vim sources. As
// direnv's stdlib 2.32 reads them; vars expands the words as sourcedBy
// does.
func direnvLoads(words []string, dir string, vars map[string]string) []direnvLoad {
	cmd, args := words[0], words[1:]
	if cmd == "use" && len(args) > 0 {
		cmd, args = "use_"+args[0], args[1:]
	}
	var rel []string
	why := ""
	switch cmd {
	case "dotenv", "dotenv_if_exists":
		why = "its variables, PROMPT_COMMAND and PATH among them, go into the shell's environment"
		if len(args) == 0 {
			rel = []string{".env"}
		} else if p, ok := direnvPath(args[0], dir, vars); ok {
			if fi, err := os.Stat(p); err == nil && fi.IsDir() {
				p = filepath.Join(p, ".env")
			}
			return []direnvLoad{{p, strings.Join(words, " "), why}}
		}
	case "use_nix":
		// nix-shell reads shell.nix, else default.nix, unless it is
		// given a file, packages (-p) or an expression (-E).
		why = "nix-shell runs its shellHook"
		named := false
		for _, a := range args {
			switch {
			case strings.HasSuffix(a, ".nix"):
				rel = append(rel, a)
				named = true
			case a == "-p" || a == "--packages" || a == "-E" || a == "--expr":
				named = true
			}
		}
		if !named {
			rel = []string{"shell.nix", "default.nix"}
		}
	case "use_flake":
		why = "nix print-dev-env runs the shell's shellHook"
		ref := ""
		if len(args) > 0 {
			ref, _, _ = strings.Cut(strings.TrimPrefix(args[0], "path:"), "#")
			if ref != "" && !strings.HasPrefix(ref, ".") && !strings.HasPrefix(ref, "/") && !strings.HasPrefix(ref, "~") && !strings.HasPrefix(ref, "$") {
				return nil // a flake from a registry or a URL (nixpkgs#hello)
			}
		}
		rel = []string{filepath.Join(ref, "flake.nix"), filepath.Join(ref, "flake.lock")}
	case "use_vim":
		why = "direnv.vim sources it"
		rel = []string{".vimrc.local"}
		if len(args) > 0 {
			rel = args[:1]
		}
	default:
		return nil
	}
	var out []direnvLoad
	for _, w := range rel {
		if p, ok := direnvPath(w, dir, vars); ok {
			out = append(out, direnvLoad{p, strings.Join(words, " "), why})
		}
	}
	return out
}

// direnvPath is word expanded (expandWord) and made absolute against dir,
// where direnv runs the .envrc.
func direnvPath(word, dir string, vars map[string]string) (string, bool) {
	v, ok := expandWord(word, vars)
	if !ok || v == "" {
		return "", false
	}
	if !filepath.IsAbs(v) {
		v = filepath.Join(dir, v)
	}
	return filepath.Clean(v), true
}

// sourcedFiles returns the paths that the `source` and `.` commands of the
// shell file f name, with ~, $HOME and the variables assigned plainly
// earlier (vars, which it extends) expanded; absolute ones only (a relative
// one is the directory the shell starts in). Unreadable or missing: none.
func sourcedFiles(f string, vars map[string]string) []string {
	src, _, _ := sourcedBy(f, vars, false)
	return src
}

// sourcedBy is sourcedFiles, with the absolute directories f puts on PATH
// (PATH=..., export PATH=..., fish_add_path; the $PATH part left out); with
// envrc, f is direnv's .envrc: its source_env and source_env_if_exists
// count too, a relative path is the .envrc's directory's (direnv runs it
// there), and loads are the files its other direnv commands load
// (direnvLoads).
func sourcedBy(f string, vars map[string]string, envrc bool) (out, pathDirs []string, loads []direnvLoad) {
	fh, _, err := safefile.Open(f) // a FIFO (an .envrc the agent made one) is not waited on
	if err != nil {
		return nil, nil, nil
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for n := 0; sc.Scan() && n < 4000; n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		for _, seg := range splitCommands(line) {
			words := strings.Fields(seg)
			for len(words) > 0 && isKeyword(words[0]) {
				words = words[1:]
			}
			if len(words) == 0 {
				continue
			}
			if len(words) >= 4 && words[0] == "set" && words[1] == "-gx" && isName(words[2]) { // fish
				if v, ok := expandWord(words[3], vars); ok {
					vars[words[2]] = v
				}
				continue
			}
			if words[0] == "export" {
				if words = words[1:]; len(words) == 0 {
					continue
				}
			}
			if words[0] == "fish_add_path" || len(words) >= 3 && words[0] == "set" && words[2] == "PATH" {
				start := 1
				if words[0] == "set" {
					start = 3
				}
				for _, w := range words[start:] {
					if v, ok := expandWord(w, vars); ok && filepath.IsAbs(v) {
						pathDirs = append(pathDirs, filepath.Clean(v))
					}
				}
				continue
			}
			if name, val, ok := strings.Cut(words[0], "="); ok && name == "PATH" {
				for _, part := range strings.Split(strings.Trim(val, `"'`), ":") {
					if v, ok := expandWord(part, vars); ok && filepath.IsAbs(v) {
						pathDirs = append(pathDirs, filepath.Clean(v))
					}
				}
				continue
			}
			if name, val, ok := strings.Cut(words[0], "="); ok && isName(name) && len(words) == 1 {
				if v, ok := expandWord(val, vars); ok {
					vars[name] = v
				} else {
					delete(vars, name)
				}
				continue
			}
			cmd := words[0] == "source" || words[0] == "." || words[0] == `\.`
			if envrc {
				cmd = cmd || words[0] == "source_env" || words[0] == "source_env_if_exists"
				loads = append(loads, direnvLoads(words, filepath.Dir(f), vars)...)
			}
			if cmd && len(words) >= 2 {
				v, ok := expandWord(words[1], vars)
				if ok && envrc && v != "" && !filepath.IsAbs(v) {
					v = filepath.Join(filepath.Dir(f), v)
				}
				if ok && filepath.IsAbs(v) {
					out = append(out, filepath.Clean(v))
				}
			}
		}
	}
	return out, pathDirs, loads
}

// splitCommands cuts a line at ;, &&, || and | outside quotes.
func splitCommands(line string) []string {
	var out []string
	var q byte
	start := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '\'' || c == '"':
			q = c
		case c == '#' && (i == 0 || line[i-1] == ' '):
			return append(out, line[start:i])
		case c == ';' || c == '|' || c == '&':
			out = append(out, line[start:i])
			for i+1 < len(line) && (line[i+1] == '&' || line[i+1] == '|') {
				i++
			}
			start = i + 1
		}
	}
	return append(out, line[start:])
}

func isKeyword(w string) bool {
	switch w {
	case "then", "do", "else", "{", "(", "!", "command", "builtin", "emulate", "-R":
		return true
	}
	return false
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c != '_' && (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// expandWord removes quotes and expands a leading ~, $NAME and ${NAME}
// from vars; ok is false for anything else ($(...), backquotes, globs,
// an unknown variable).
func expandWord(w string, vars map[string]string) (string, bool) {
	if strings.ContainsAny(w, "`*?[") || strings.Contains(w, "$(") {
		return "", false
	}
	if strings.HasPrefix(w, "~/") || w == "~" {
		w = vars["HOME"] + w[1:]
	}
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch c {
		case '"', '\'':
			continue
		case '\\':
			if i+1 < len(w) {
				i++
				b.WriteByte(w[i])
			}
			continue
		case '$':
			j := i + 1
			brace := j < len(w) && w[j] == '{'
			if brace {
				j++
			}
			k := j
			for k < len(w) && (w[k] == '_' || w[k] >= 'A' && w[k] <= 'Z' || w[k] >= 'a' && w[k] <= 'z' || k > j && w[k] >= '0' && w[k] <= '9') {
				k++
			}
			v, ok := vars[w[j:k]]
			if !ok || k == j {
				return "", false
			}
			if brace {
				if k >= len(w) || w[k] != '}' {
					return "", false // ${X:-default} and the like
				}
				k++
			}
			b.WriteString(v)
			i = k - 1
			continue
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

// followSSHIncludes reads the user's ssh config for Include lines and
// protects what they name where it reaches a root: a file whose Host
// blocks hold a ProxyCommand, LocalCommand or Match exec runs a command at
// the next ssh (git push included), outside the sandbox. An Include with a
// glob reads every file that matches, ones made later too: its directory
// is protected whole. 16 files deep.
func (r *resolver) followSSHIncludes() {
	sshDir := filepath.Join(r.home, ".ssh")
	files := []string{filepath.Join(sshDir, "config")}
	seen := map[string]bool{}
	for i := 0; i < len(files) && i < 16; i++ {
		f := files[i]
		if seen[f] {
			continue
		}
		seen[f] = true
		r.w.Add(f)
		for _, inc := range sshIncludes(f) {
			if strings.HasPrefix(inc, "~/") {
				inc = filepath.Join(r.home, inc[2:])
			} else if !filepath.IsAbs(inc) {
				inc = filepath.Join(sshDir, inc)
			}
			if strings.ContainsAny(inc, "*?[") {
				dir := filepath.Dir(inc)
				if !strings.ContainsAny(dir, "*?[") {
					if d, ok := r.realPath(dir); ok && !r.holdsRoot(d) {
						r.addGit(d, "ssh reads every file here that "+f+" includes ("+filepath.Base(inc)+")")
					}
				}
				matches, _ := filepath.Glob(inc)
				files = append(files, matches...)
				continue
			}
			inc, _ = r.realPath(inc)
			r.w.AddEntry(inc)
			if fi, err := os.Stat(inc); err == nil && fi.Mode().IsRegular() {
				r.addGit(inc, "ssh reads it as config, included by "+f)
				files = append(files, inc)
			}
		}
	}
}

// sshIncludes returns the arguments of the Include lines of an ssh config.
func sshIncludes(f string) []string {
	b, err := readSmall(f)
	if err != nil {
		return nil
	}
	var out []string
	for line := range strings.SplitSeq(string(b), "\n") {
		fields := strings.Fields(strings.ReplaceAll(line, "=", " "))
		if len(fields) < 2 || !strings.EqualFold(fields[0], "Include") {
			continue
		}
		for _, a := range fields[1:] {
			if a = strings.Trim(a, `"`); a != "" {
				out = append(out, a)
			}
		}
	}
	return out
}

// holdsRoot reports whether directory d is a root or lies above one: a
// directory named only by a configuration (a PATH entry, a glob's
// directory) that held the working directory would leave it no root at all
// (PATH=$HOME:$PATH with the home as the root).
func (r *resolver) holdsRoot(d string) bool {
	return slices.ContainsFunc(r.roots, func(root string) bool { return within(filepath.Clean(root), d) })
}
