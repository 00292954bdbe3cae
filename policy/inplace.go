package policy

import (
	"os"
	"path/filepath"
	"strings"
)

// inPlaceSecret says why an in-place edit reads a secret, or "". sed -i and
// clang-format -i read each file they edit and replace a symbolic link by a
// regular file that holds what the link's target held, reformatted (GNU
// sed 4.9 and clang-format 14 checked): editing a link to a secret inside
// the roots (`notes -> .env`) copies the secret under a name the list does
// not know, where a later cat would read it unjudged; gofmt -w writes
// through the link. So each file an in-place editor edits is judged as a
// read too: a secret by name (links resolved) or content is a secret read,
// as cp's source is; so do stylua, crystal tool format, nimpretty,
// jsonnetfmt -i, perltidy -b and yq -i. gzip, pigz, bzip2 and xz compressing in place are
// judged the same way: each file's content lands under a new name.
func inPlaceSecret(r *Result, cwd, own string) string {
	if r.Exec == nil {
		return ""
	}
	if why := packedSecret(r, cwd, own); why != "" {
		return why
	}
	prog := filepath.Base(r.Exec.Program)
	inPlace := false
	for _, f := range r.Exec.Flags {
		switch prog {
		case "sed":
			inPlace = inPlace || f.Name == "--in-place" || strings.HasPrefix(f.Name, "--in-place=") || strings.HasPrefix(f.Name, "-i")
		case "clang-format":
			inPlace = inPlace || f.Name == "-i"
		case "gofmt":
			inPlace = inPlace || strings.HasPrefix(f.Name, "-") && !strings.HasPrefix(f.Name, "--") && strings.Contains(f.Name, "w")
		case "perl":
			inPlace = inPlace || strings.HasPrefix(f.Name, "-") && !strings.HasPrefix(f.Name, "--") && strings.Contains(f.Name, "i")
		case "jsonnetfmt", "yq", "perltidy":
			inPlace = inPlace || f.Name == "-i" || f.Name == "--in-place" || f.Name == "--inplace" || f.Name == "-b"
		}
	}
	switch prog {
	case "stylua", "crystal", "nimpretty":
		// Their rules type a file written only when they rewrite it in
		// place (not stylua --check, crystal tool format --check).
		inPlace = true
	case "gzip", "pigz", "bzip2", "xz", "gunzip", "unpigz", "bunzip2", "unxz":
		// Compressing in place copies each file's content under a name
		// the secret list may not know (server.key.gz).
		inPlace = true
	}
	if !inPlace {
		return ""
	}
	for _, a := range r.Exec.Args {
		if a.Type.Kind == TypeWriteableFile {
			if why := secretPath(a.Value, cwd); why != "" {
				return prog + " " + why + " (it rewrites what it reads)"
			}
		}
	}
	return ""
}

// packedSecret says why tar -c or zip packs a secret into an archive, or
// "": a source that is a secret by name or content, or a tree holding a
// file the secret list names (or a link to one), lands in the archive
// under a name the list does not know. Its sources are the files the rule
// types as read; the archive is the one it types as written.
func packedSecret(r *Result, cwd, own string) string {
	prog := filepath.Base(r.Exec.Program)
	if prog != "tar" && prog != "zip" {
		return ""
	}
	packs := false
	for _, o := range r.Exec.Opts {
		packs = packs || o.Type.Kind == TypeWriteableFile
	}
	for _, a := range r.Exec.Args {
		packs = packs || a.Type.Kind == TypeWriteableFile
	}
	if !packs {
		return "" // tar -t lists
	}
	for _, a := range r.Exec.Args {
		if a.Type.Kind != TypeReadableFile {
			continue
		}
		if why := secretPath(a.Value, cwd); why != "" {
			return prog + " packs " + a.Value + ": " + why
		}
		abs := Resolve(absolute(homeWord(a.Value), cwd), "/")
		if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
			found, complete := secretFiles(abs, walkHow{hidden: true, own: own, linksRead: true})
			if !complete {
				return prog + " packs " + a.Value + ", a tree too large to check for secret files"
			}
			if len(found) > 0 {
				return prog + " packs " + found[0] + " into an archive, under a name the secret list does not know"
			}
		}
	}
	return ""
}
