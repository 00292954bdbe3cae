package policy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"guard/policy/patch"
	"guard/policy/protect"
)

// judgeStdin is judgeArgv for a command of a script, whose standard input
// may be a static here-document (shell.Command.Stdin): apply_patch with its
// patch there is judged by the patch, and a Python interpreter reading its
// program there (`python3 - <<'EOF'`) as the same program given with -c.
func (s Set) judgeStdin(argv []string, stdin, cwd, own string) Verdict {
	in, ok := pythonStdinArgv(argv, stdin)
	if !ok {
		in, ok = sqliteStdinArgv(argv, stdin)
	}
	if ok {
		v := s.judgeArgv(in, cwd, own)
		v.Argv = argv
		if len(v.Commands) == 1 {
			v.Commands = [][]string{argv}
		}
		return v
	}
	if stdin == "" || len(argv) != 1 || (argv[0] != "apply_patch" && argv[0] != "applypatch") {
		return s.judgeArgv(argv, cwd, own)
	}
	r := s.checkInput(argv, stdin)
	v := Verdict{Class: r.Class, Result: r, Argv: argv, Commands: [][]string{argv}}
	for _, w := range r.Writes() {
		v.Writes = append(v.Writes, absolute(w, cwd))
	}
	return v
}

// checkInput is Check for a command whose standard input is stdin (a static
// here-document, see shell.Command.Stdin). apply_patch and applypatch, the
// names Codex gives its patch tool, are judged by the files their patch
// writes: `apply_patch PATCH` (the argv form Codex accepts) or `apply_patch
// <<'EOF'` with the patch on standard input. A forbidding rule for the name
// still wins.
func (s Set) checkInput(argv []string, stdin string) Result {
	r := s.Check(argv)
	if r.Class == Forbidden || len(argv) == 0 || (argv[0] != "apply_patch" && argv[0] != "applypatch") {
		return r
	}
	var text string
	switch {
	case len(argv) == 2 && stdin == "":
		text = argv[1]
	case len(argv) == 1 && stdin != "":
		text = stdin
	default:
		return r
	}
	return PatchResult(argv[0], text)
}

// PatchResult is the verdict on an apply_patch of text: match, writing
// every file the patch names (both ends of a move), or forbidden when the
// patch is malformed (the reason names the line). A path is written as
// given and, when they differ, as Codex's apply_patch computes it (see
// patch.Targets): "~/" expanded from $HOME, cleaned lexically.
func PatchResult(program, text string) Result {
	p, err := patch.Parse(text)
	if err != nil {
		return Result{Class: Forbidden, Reason: err.Error()}
	}
	exec := &Exec{Program: program}
	home := os.Getenv("HOME")
	for i, path := range p.Paths() {
		forms := []string{path}
		if e := patch.ExpandHome(path, home); e != path {
			forms = append(forms, e)
		}
		if clean := filepath.Clean(path); clean != path {
			forms = append(forms, clean)
		}
		for _, f := range forms {
			exec.Args = append(exec.Args, MatchedArg{Index: i, Type: ArgType{Kind: TypeWriteableFile}, Value: f})
		}
	}
	return Result{Class: Match, Exec: exec}
}

// DecideEdit judges a write by an agent's own file tool (Claude Code's
// Write, Edit, MultiEdit, NotebookEdit; Gemini CLI's write_file, replace;
// Codex's apply_patch) by the match rows of Decide's table: paths are the
// files written, absolute (resolved here through symlinks, as the write
// would be); a path on the protected list counts as outside the roots.
//
//	edit                                 suggest  auto-edit  full-auto
//	every path inside a root, none       ask      run        run
//	protected
//	a path outside the roots             ask      ask        refuse
//	a protected path                     ask      ask        refuse
//
// An edit is never sandboxed: the agent writes the file itself, so where a
// command would run sandboxed the edit runs. list is the protected list
// (nil: protect.Default()); home is the user's home directory, for its "~/"
// entries.
func DecideEdit(paths []string, mode Mode, roots []string, list *protect.List, home string) Decision {
	if list == nil {
		list = protect.Default()
	}
	v := Verdict{Class: Match, Writes: paths}
	d := DecideProtected(&v, mode, roots, list, home)
	if (d.Action == Run || d.Action == RunSandboxed) && (resolvedProtected(d.Writes, roots, list, home) || embeddedGitDirs(d.Writes, roots)) {
		// As a write outside the roots (DecideProtected's Match rows).
		d.Action, d.Reason = Ask, "writes outside the writable roots: "+joinPaths(d.Outside())
		if mode == FullAuto {
			d.Action = Refuse
		}
	}
	if d.Action == RunSandboxed {
		d.Action = Run
	}
	return d
}

// resolvedProtected marks as protected (outside the roots) each write that
// lies at or below a protected path the list finds only by resolving it in
// the root that holds the write, as the sandbox does before a command
// (protect.List.Resolve): the hooks directory core.hooksPath names
// (.githooks), the programs a repository's git config names, the files
// shell start-up files and .envrc source (~/.cargo/env when the project is
// the home directory). The sandbox keeps those read-only, but an agent's
// file tool writes unsandboxed: an Edit of .githooks/pre-commit in
// auto-edit ran at the person's next git commit. Paths are compared folded
// (InsideFolded): on a case-insensitive file system .GITHOOKS/pre-commit is
// the hook. It reports whether it marked any.
func resolvedProtected(writes []WrittenPath, roots []string, list *protect.List, home string) bool {
	var holding []string // the roots that hold a write
	for _, r := range ResolveRoots(roots) {
		for _, w := range writes {
			if w.Inside && Inside(w.Resolved, r) && !slices.Contains(holding, r) {
				holding = append(holding, r)
			}
		}
	}
	if len(holding) == 0 {
		return false
	}
	var scan []string // as the sandbox scans: not the shared temporary directories
	for _, r := range holding {
		if r != "/" && r != "/tmp" && r != "/var/tmp" && r != "/dev/shm" {
			scan = append(scan, r)
		}
	}
	// The repositories the writes lie in, below the roots' own: the scan
	// that finds nested ones is bounded (protect.ScanDirs directories), and
	// git runs the nearest one's hooks and programs (a nested repository's
	// core.hooksPath behind 60 sibling directories was missed). And the
	// .envrc files above the writes, whose sourced and loaded files direnv
	// runs (an .envrc's .envrc.local behind 60 directories was missed).
	found, _ := list.Resolve(append(holding, enclosingTops(writes, holding)...), scan, home)
	marked := false
	for i := range writes {
		w := &writes[i]
		for _, f := range found {
			if w.Inside && !f.Checkout && InsideFolded(w.Resolved, f.Path) && !inCheckoutBelow(found, w.Resolved, f.Path) {
				w.Inside, w.Protected, marked = false, EntryWhy(f.Entry), true
				if f.Entry.Pattern != f.Path {
					w.Protected += ", at " + f.Path
				}
			}
		}
	}
	return marked
}

// inCheckoutBelow reports whether p lies in an agent's checkout that
// Resolve found below the protected path dir (Found.Checkout): the
// parent's .claude does not cover its checkout's files.
func inCheckoutBelow(found []protect.Found, p, dir string) bool {
	return slices.ContainsFunc(found, func(c protect.Found) bool {
		return c.Checkout && c.Path != dir && Inside(c.Path, dir) && Inside(p, c.Path) && p != c.Path
	})
}

// enclosingTops returns, for each write inside a root, the directories
// between it and the root (the root left out) that the protected list
// resolves from: the nearest work tree top (a directory holding .git), and
// each directory holding an .envrc; once each.
func enclosingTops(writes []WrittenPath, roots []string) []string {
	const hasGit, hasEnvrc = 1, 2
	var tops []string
	holds := map[string]int{} // each directory looked at: what it holds
	added := map[string]bool{}
	for _, w := range writes {
		if !w.Inside {
			continue
		}
		root := ""
		for _, r := range roots {
			if Inside(w.Resolved, r) && len(r) > len(root) {
				root = r
			}
		}
		repo := false
		for dir := filepath.Dir(w.Resolved); root != "" && dir != root && Inside(dir, root); dir = filepath.Dir(dir) {
			h, ok := holds[dir]
			if !ok {
				if _, err := os.Lstat(dir + "/.git"); err == nil {
					h |= hasGit
				}
				if _, err := os.Lstat(dir + "/.envrc"); err == nil {
					h |= hasEnvrc
				}
				holds[dir] = h
			}
			top := h&hasEnvrc != 0 || h&hasGit != 0 && !repo
			repo = repo || h&hasGit != 0
			if top && !added[dir] {
				added[dir] = true
				tops = append(tops, dir)
			}
		}
	}
	return tops
}

// EntryWhy words a protected-list entry for a reason or explain: the
// pattern that matched and why it is on the list.
func EntryWhy(e *protect.Entry) string {
	return string(e.Kind) + " " + e.Pattern + ": " + e.Reason
}

// ReadPath is one path an agent's read tool reads, as judged.
type ReadPath struct {
	Path     string `json:"path"`     // as given
	Resolved string `json:"resolved"` // absolute, through symlinks
	// Secret is the entry of the secrets list that covers the path, or,
	// for a directory, one that lies below it; "" when none does.
	Secret string `json:"secret,omitempty"`
}

// DecideRead judges a read by an agent's own read tool (Read, Grep, Glob;
// read_file, read_many_files, glob, grep_search): paths are the files or
// directories read, absolute. A read is let through unless it reaches the
// secrets list, which asks in suggest and auto-edit and refuses in
// full-auto. For a directory searched, the absolute entries of the list
// below it count (~/.ssh/id_* under a search of the home directory); a name
// that may occur anywhere (.env) counts only when the path or pattern read
// names it. list and home are as for DecideEdit.
func DecideRead(paths []string, mode Mode, list *protect.List, home string) (Decision, []ReadPath) {
	resetTokenBudget()
	return decideRead(paths, mode, list, home, true)
}

// DecideNames is DecideRead for a tool that lists names without reading
// them (Glob, glob): a secret below a directory listed does not count, the
// paths and patterns named do.
func DecideNames(paths []string, mode Mode, list *protect.List, home string) (Decision, []ReadPath) {
	resetTokenBudget()
	return decideRead(paths, mode, list, home, false)
}

func decideRead(paths []string, mode Mode, list *protect.List, home string, below bool) (Decision, []ReadPath) {
	if list == nil {
		list = protect.Default()
	}
	var reads []ReadPath
	var secrets []string
	for _, p := range paths {
		rp := ReadPath{Path: p, Resolved: Resolve(p, "/")}
		if e := secretFolded(list, rp.Resolved, home); e != nil {
			rp.Secret = EntryWhy(e)
		} else if e := secretBelow(list, rp.Resolved, home); below && e != nil {
			rp.Secret = EntryWhy(e)
		} else if why := contentSecret(rp.Resolved); below && why != "" {
			rp.Secret = why // an .npmrc or a git config holding a token
		} else if why := tokenSecret(rp.Resolved); below && why != "" {
			rp.Secret = why
		} else if procMemory(rp.Resolved) || procMemory(filepath.Clean(p)) {
			rp.Secret = "a process's or the kernel's memory"
		} else if why := keptSystemFile(rp.Resolved); why != "" {
			rp.Secret = why
		} else if why := archiveFile(rp.Resolved); below && why != "" {
			rp.Secret = why
		}
		if rp.Secret != "" {
			secrets = append(secrets, rp.Resolved+" ("+rp.Secret+")")
		}
		reads = append(reads, rp)
	}
	d := Decision{Action: Run, Class: Safe}
	if len(secrets) > 0 {
		d.Class, d.Action, d.Reason = Match, Ask, "reads a secret: "+strings.Join(secrets, ", ")
		if mode == FullAuto {
			d.Action = Refuse
		}
	}
	return d, reads
}

// secretBelow returns an absolute secret entry that lies below dir.
func secretBelow(list *protect.List, dir, home string) *protect.Entry {
	for i := range list.Entries {
		e := &list.Entries[i]
		if e.Kind != protect.Secret {
			continue
		}
		if abs, ok := protect.Anchored(e.Pattern, home); ok && abs != dir && Inside(abs, dir) {
			return e
		}
	}
	return nil
}
