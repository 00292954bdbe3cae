package policy

import (
	"path/filepath"
	"strings"
)

// inPlaceSecret says why an in-place edit reads a secret, or "". sed -i
// reads each file it edits, and without --follow-symlinks it replaces a
// symbolic link by a regular file that holds what the link's target held
// (after the script): editing a link to a secret inside the roots (`notes ->
// .env`) copies the secret under a name the list does not know, where a
// later cat would read it unjudged. So each file sed -i edits is judged as
// a read too: a secret by name (links resolved) or content is a secret
// read, as cp's source is.
func inPlaceSecret(r *Result, cwd string) string {
	if r.Exec == nil || filepath.Base(r.Exec.Program) != "sed" {
		return ""
	}
	inPlace := false
	for _, f := range r.Exec.Flags {
		inPlace = inPlace || f.Name == "--in-place" || strings.HasPrefix(f.Name, "--in-place=") || strings.HasPrefix(f.Name, "-i")
	}
	if !inPlace {
		return ""
	}
	for _, a := range r.Exec.Args {
		if a.Type.Kind == TypeWriteableFile {
			if why := secretPath(a.Value, cwd); why != "" {
				return "sed -i " + why + " (it edits a copy of what it reads)"
			}
		}
	}
	return ""
}
