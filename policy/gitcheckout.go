package policy

import (
	"bufio"
	"guard/internal/safefile"
	"os"
	"path/filepath"
	"strings"
)

// gitCheckoutWhy says why `git checkout NAME` may not be a switch to a
// local branch, or "". git reads NAME as a branch when one is so named,
// and otherwise as a path whose uncommitted changes it discards (`git
// checkout src/app.ts`), or as a remote branch to track (which writes
// .git/config), or a commit to detach at. The rule (default.policy)
// declares the branch form; this check holds it to a name that is a local
// branch of the repository the command runs in (a loose ref under
// .git/refs/heads or a line of .git/packed-refs) and that no file or
// directory in the working directory bears. A repository whose .git is
// not a directory (a worktree's or a submodule's link file) is not read.
func gitCheckoutWhy(r *Result, argv []string, cwd string) string {
	if r.Exec == nil || filepath.Base(argv[0]) != "git" || !r.Exec.WritesRepo {
		return ""
	}
	if len(r.Exec.Args) != 2 || r.Exec.Args[0].Value != "checkout" {
		return ""
	}
	for _, o := range r.Exec.Opts {
		if o.Name == "-b" || o.Name == "-B" {
			return "" // a new branch: its own rule
		}
	}
	name := r.Exec.Args[1].Value
	why := "git checkout " + name + ": not a local branch of this repository, or also a path here (git checkout PATH discards its changes)"
	if name == "" || strings.HasPrefix(name, "-") || strings.HasPrefix(name, "/") || strings.Contains(name, "..") || strings.ContainsAny(name, " ~^:?*[\\@") ||
		strings.HasSuffix(name, "/") || strings.HasSuffix(name, ".lock") || strings.Contains(name, "//") {
		return why
	}
	if _, err := os.Lstat(filepath.Join(cwd, name)); err == nil {
		return why
	}
	top := repoTop(cwd)
	if top == "" {
		return why
	}
	gitDir := filepath.Join(top, ".git")
	if fi, err := os.Lstat(gitDir); err != nil || !fi.IsDir() {
		return why
	}
	if fi, err := os.Lstat(filepath.Join(gitDir, "refs", "heads", filepath.FromSlash(name))); err == nil && fi.Mode().IsRegular() {
		return ""
	}
	if packedRef(filepath.Join(gitDir, "packed-refs"), "refs/heads/"+name) {
		return ""
	}
	return why
}

// packedRef reports whether the packed-refs file at p names ref.
func packedRef(p, ref string) bool {
	f, _, err := safefile.Open(p) // a FIFO there had stalled guard for good
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 0; s.Scan() && n < 100000; n++ {
		line := s.Text()
		if sha, name, ok := strings.Cut(line, " "); ok && len(sha) >= 40 && name == ref {
			return true
		}
	}
	return false
}
