package gate

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"

	"guard/policy"
)

// A git read that prints file contents from the history or the index
// (git show, git diff, git log -p, git stash show -p) prints whatever those
// commits hold: a .env committed once and untracked since is printed by
// every `git log -p`. checkGitHistory asks git, with the command's own
// revisions, paths and options plus --name-only (and the pins, no external
// diff, no textconv), which files it would print, and makes the verdict
// unverified when one of them is on the secrets list by its name.
//
// Limits: names only (a committed key under an innocent name is not seen);
// a command git takes longer than gitCheckTimeout to list, or whose list
// is larger than maxHistoryList, is unverified.

// maxHistoryList bounds the file list read back from git.
const maxHistoryList = 8 << 20

// limitedBuffer keeps at most max bytes and notes that more came.
type limitedBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		b.over = true
		return 0, errors.New("too much output")
	}
	return b.Buffer.Write(p)
}

// gitPrintsContents returns the index of git's subcommand in c and
// whether c prints file contents from commits, the index or a stash.
func gitPrintsContents(c []string) (int, bool) {
	i := 1
	for i < len(c) && strings.HasPrefix(c[i], "-") {
		if c[i] == "-C" || c[i] == "-c" {
			i++
		}
		i++
	}
	if i >= len(c) {
		return 0, false
	}
	sub := c[i]
	rest := c[i+1:]
	if sub == "stash" {
		if len(rest) == 0 || rest[0] != "show" {
			return 0, false
		}
		return i, hasPatch(rest[1:])
	}
	switch sub {
	case "log", "reflog":
		return i, hasPatch(rest)
	case "show", "diff":
		return i, !namesOnlyOutput(rest) || hasPatch(rest)
	}
	return 0, false
}

// hasPatch reports whether options ask for patches.
func hasPatch(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		switch {
		case a == "-p" || a == "-u" || a == "--patch" || a == "--cc" || a == "-c" || a == "--patch-with-stat" ||
			a == "--patch-with-raw" || strings.HasPrefix(a, "-U") || strings.HasPrefix(a, "--unified") ||
			strings.HasPrefix(a, "--word-diff") || strings.HasPrefix(a, "--color-words"):
			return true
		case len(a) > 2 && a[0] == '-' && a[1] != '-' && strings.ContainsAny(a[1:], "pu"):
			return true // a bundle: -pn5
		}
	}
	return false
}

// namesOnlyOutput reports whether show or diff options print no patch.
func namesOnlyOutput(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		switch a {
		case "--stat", "--name-only", "--name-status", "-s", "--no-patch", "--shortstat", "--numstat", "--summary",
			"--dirstat", "--quiet", "--exit-code":
			return true
		}
		if strings.HasPrefix(a, "--stat=") || strings.HasPrefix(a, "--dirstat=") {
			return true
		}
	}
	return false
}

// checkGitHistory: see above.
func (g *Gate) checkGitHistory(v *policy.Verdict) {
	if v.Class != policy.Safe && v.Class != policy.Match {
		return
	}
	dirs := v.Dirs
	if len(dirs) == 0 {
		dirs = []string{g.Cwd}
	}
	for _, c := range v.Commands {
		if len(c) == 0 || filepath.Base(c[0]) != "git" {
			continue
		}
		at, ok := gitPrintsContents(c)
		if !ok {
			continue
		}
		for _, dir := range dirs {
			if why := g.gitHistorySecret(c, at, dir); why != "" {
				v.Class, v.Unknown, v.Reason = policy.Unverified, true, why
				return
			}
		}
	}
}

// gitHistorySecret runs c (git, its subcommand at index at) with
// --name-only in dir and returns why a file it lists is a secret, or "".
func (g *Gate) gitHistorySecret(c []string, at int, dir string) string {
	git, err := g.gitBinary()
	if err != nil {
		return ""
	}
	sub := at + 1
	if c[at] == "stash" {
		sub++ // stash show
	}
	extra := []string{"--name-only", "--no-ext-diff", "--no-textconv", "--no-color"}
	if c[at] != "diff" && c[at] != "stash" {
		extra = append(extra, "--format=")
	}
	args := append([]string{"-c", "core.quotePath=false"}, c[1:sub]...)
	rest := c[sub:]
	dd := len(rest)
	for i, a := range rest {
		if a == "--" {
			dd = i
			break
		}
	}
	args = append(args, rest[:dd]...)
	args = append(args, extra...)
	args = append(args, rest[dd:]...)
	ctx, cancel := context.WithTimeout(context.Background(), gitCheckTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, git, args...)
	cmd.Dir = dir
	cmd.Env = PinGit(g.Env)
	out := &limitedBuffer{max: maxHistoryList}
	cmd.Stdout = out
	err = cmd.Run()
	switch {
	case out.over:
		return "git lists more files than guard checks for secrets (" + strings.Join(c, " ") + ")"
	case ctx.Err() != nil:
		return "git takes too long to list the files this command prints, to check them for secrets"
	case err != nil:
		return "" // git fails: so will the command, printing nothing
	}
	list, home := g.ProtectList(), g.Getenv("HOME")
	for _, line := range strings.Split(out.String(), "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		if e := list.Secret(filepath.Join(dir, line), home); e != nil {
			return "git prints " + line + " as the history or the index holds it (" + e.Reason + ")"
		}
	}
	return ""
}
