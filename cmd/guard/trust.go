package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"guard/internal/gate"
	"guard/internal/trust"
	"guard/policy"
)

const trustUsage = `usage: guard trust [DIR]           trust DIR's .guard/config.toml and .guard/*.policy (asks at the terminal)
       guard trust --list            the trusted projects and their files
       guard trust --revoke [DIR]    forget the trusted project DIR (else the working directory) is in
DIR is the project (default: the nearest directory at or above the current one with a .guard).
A trusted file that changes is ignored, with a warning, until it is trusted again.
`

func (c *cli) trust(args []string) int {
	var list, revoke bool
	var dir string
	for _, a := range args {
		switch {
		case a == "-h" || a == "--help":
			fmt.Fprint(c.stdout, trustUsage)
			return 0
		case a == "--list":
			list = true
		case a == "--revoke":
			revoke = true
		case a == "":
			// An unset variable (guard trust --revoke "$DIR") must not
			// mean the project here.
			return c.usageError(fmt.Errorf("%w: guard trust needs a directory, not an empty argument", errUsage))
		case a[0] == '-':
			return c.usageError(fmt.Errorf("%w: guard trust: unknown flag %s", errUsage, a))
		case dir != "":
			return c.usageError(fmt.Errorf("%w: guard trust: one directory at most", errUsage))
		default:
			d, err := homePath("guard trust", a)
			if err != nil {
				return c.usageError(err)
			}
			dir = d
		}
	}
	store := gate.TrustStore(c.getenv)
	if store.Path == "" {
		fmt.Fprintln(c.stderr, "guard trust: no configuration directory (set HOME or XDG_CONFIG_HOME)")
		return gate.ExitFailure
	}
	if list {
		if revoke || dir != "" {
			return c.usageError(fmt.Errorf("%w: guard trust --list takes nothing else", errUsage))
		}
		recs, err := store.List()
		if err != nil {
			fmt.Fprintf(c.stderr, "guard trust: %s\n", gate.Visible(err.Error()))
			return gate.ExitFailure
		}
		for _, r := range recs {
			fmt.Fprintf(c.stdout, "%s (trusted %s)\n", gate.Visible(r.Project), r.Time.Local().Format("2006-01-02 15:04"))
			for _, f := range r.Files {
				fmt.Fprintf(c.stdout, "  %s/%s sha256:%s\n", trust.Dir, gate.Visible(f.Name), gate.Visible(f.Hash))
			}
		}
		return 0
	}
	if revoke {
		project, err := revokeTarget(store, dir)
		if err != nil {
			fmt.Fprintf(c.stderr, "guard trust: %s\n", gate.Visible(err.Error()))
			return gate.ExitFailure
		}
		was, err := store.Revoke(project)
		switch {
		case err != nil:
			fmt.Fprintf(c.stderr, "guard trust: %s\n", gate.Visible(err.Error()))
			return gate.ExitFailure
		case !was:
			fmt.Fprintf(c.stdout, "%s was not trusted\n", gate.Visible(project))
		default:
			fmt.Fprintf(c.stdout, "%s is no longer trusted\n", gate.Visible(project))
		}
		return 0
	}
	project, err := c.projectDir(dir)
	if err != nil {
		fmt.Fprintf(c.stderr, "guard trust: %s\n", gate.Visible(err.Error()))
		return gate.ExitFailure
	}
	files, err := trust.Files(project)
	var effect []string
	if err == nil {
		// What would stop every command there is not offered.
		if effect, err = gate.ProjectEffect(project, files, c.getenv); err != nil {
			err = fmt.Errorf("%w; nothing trusted (fix it, then run guard trust again)", err)
		}
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "guard trust: %s\n", gate.Visible(err.Error()))
		return gate.ExitFailure
	}
	text := fmt.Sprintf("guard: %s/%s holds:\n", gate.Visible(project), trust.Dir)
	// At most a screenful of names: the lines that follow, what trusting
	// them changes, must stay in view above the question.
	const shown = 12
	for i, f := range files {
		if i == shown {
			text += fmt.Sprintf("  and %d more files there\n", len(files)-shown)
			break
		}
		text += fmt.Sprintf("  %s (%d bytes, sha256:%.12s)\n", gate.Visible(f.Name), len(f.Data), f.Hash)
	}
	if len(effect) > 0 {
		// The files' effect, not only their names: an agent may have
		// written them, and asks a person to run this.
		text += "guard: trusted, they would in this project and below:\n"
		for _, l := range effect {
			text += "  - " + gate.Visible(l) + "\n"
		}
	}
	text += "guard: once trusted, these files set guard's mode, roots and rules in this project; an agent that\n" +
		"guard: can write here must not be the one who trusts them. Read them first.\n"
	ok, err := gate.Confirm(text, "trust them")
	if err != nil {
		fmt.Fprintf(c.stderr, "guard trust: %s\n", gate.Visible(err.Error()))
		return gate.ExitRefused
	}
	if !ok {
		fmt.Fprintln(c.stderr, "guard trust: not trusted")
		return gate.ExitRefused
	}
	// Trust what was shown: if a file changed since it was read, the record
	// would not match what the person saw.
	got, err := store.Trust(project)
	if err == nil && !sameFiles(files, got) {
		_, _ = store.Revoke(project)
		err = errors.New("the files changed while you were asked; nothing trusted")
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "guard trust: %s\n", gate.Visible(err.Error()))
		return gate.ExitFailure
	}
	fmt.Fprintf(c.stdout, "trusted %s/%s (%d files) in %s\n", gate.Visible(project), trust.Dir, len(got), gate.Visible(store.Path))
	return 0
}

// projectDir is dir made absolute, or the nearest directory with a .guard.
func (c *cli) projectDir(dir string) (string, error) {
	if dir == "" {
		cwd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		if dir = trust.Find(cwd); dir == "" {
			return "", fmt.Errorf("no %s directory in %s or above it", trust.Dir, cwd)
		}
		return dir, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// revokeTarget is the recorded project that dir (else the working directory)
// is in, as guard applies records: the nearest one at or above it, resolved
// through links. It needs no .guard there: a project whose .guard went away
// keeps guard in suggest mode until its record is revoked (or trusted again),
// and a .guard of a subdirectory, never trusted, is not the one meant.
// Without a record, it is dir (or the nearest .guard) as given, to say so.
func revokeTarget(store trust.Store, dir string) (string, error) {
	if dir == "" {
		cwd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		dir = cwd
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	recs, err := store.List()
	if err != nil {
		return "", err
	}
	project := ""
	for _, r := range recs {
		if policy.Inside(abs, r.Project) && len(r.Project) > len(project) {
			project = r.Project
		}
	}
	if project != "" {
		return project, nil
	}
	if found := trust.Find(abs); found != "" {
		return found, nil
	}
	return abs, nil
}

func sameFiles(a, b []trust.File) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Hash != b[i].Hash {
			return false
		}
	}
	return true
}
