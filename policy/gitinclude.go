package policy

import (
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"guard/internal/safefile"
)

// A git config file can include others ([include] path = F, [includeIf
// "gitdir:..."] path = F), and git config --list, git config KEY, git
// remote -v and git help -a print what those hold as if it were config: a
// repository's .git/config with `[include] path = ~/.pypirc` made `git
// config pypi.password` print the upload token (INI files such as .pypirc
// and .my.cnf parse as git config). gitIncludedSecret follows the includes
// of a config file, as git does (depth 10 at most; a relative path from the
// including file's directory, ~/ from HOME), and says why one of them is a
// secret: by the secret list, by holding credentials (credentialInConfig,
// tokenInFile), or when an include cannot be followed here. Limits: an
// includeIf is followed whatever its condition (as if it held); a value
// spelled with escapes or continued over lines is not followed but makes the
// print unverified.

// maxGitIncludes bounds the config files followed for one judgement.
const maxGitIncludes = 32

// gitIncludeLine matches a section header (with what may follow it on the
// line) or a variable line of a git config file.
var gitIncludeLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*\[\s*([A-Za-z0-9.-]+)(\s+"(?:[^"\\]|\\.)*")?\s*\](.*)$`)
})

var gitVarLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$`)
})

// gitIncludedSecret says why a file the git config file f includes
// (directly or through others) is a secret, or "".
func gitIncludedSecret(f string) string {
	seen := map[string]bool{}
	return gitIncludes(f, 0, seen)
}

func gitIncludes(f string, depth int, seen map[string]bool) string {
	if seen[f] {
		return ""
	}
	seen[f] = true
	if len(seen) > maxGitIncludes || depth > 10 {
		return "its config includes more files than guard follows"
	}
	b, err := safefile.Read(f, maxContent)
	if errors.Is(err, safefile.ErrTooLarge) {
		return filepath.Base(f) + " is too large to check for the files it includes (over 1 MiB)"
	}
	if err != nil {
		return "" // none, or not a regular file: git reads nothing from it
	}
	section := ""
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if m := gitIncludeLine().FindStringSubmatch(line); m != nil {
			section = strings.ToLower(m[1])
			if m[2] == "" {
				// [include.path] is not a variable: a dotted section name
				// is a legacy subsection, [includeIf.gitdir:x] among them.
				section, _, _ = strings.Cut(section, ".")
			}
			line = m[3]
		}
		if section != "include" && section != "includeif" {
			continue
		}
		m := gitVarLine().FindStringSubmatch(line)
		if m == nil || strings.ToLower(m[1]) != "path" {
			if strings.Contains(strings.ToLower(line), "path") {
				return "its config includes a file in a form guard does not read (in " + f + ")"
			}
			continue
		}
		p, ok := gitConfigValue(m[2])
		if !ok {
			return "its config includes a file in a form guard does not read (in " + f + ")"
		}
		if p == "" {
			continue
		}
		switch {
		case strings.HasPrefix(p, "~/"):
			h := home()
			if !filepath.IsAbs(h) {
				return "its config includes " + p + ", and HOME is not set"
			}
			p = filepath.Join(h, p[2:])
		case strings.HasPrefix(p, "~"):
			return "its config includes " + p + ", another user's file"
		case !filepath.IsAbs(p):
			p = filepath.Join(filepath.Dir(f), p)
		}
		if why := secretPath(p, "/"); why != "" {
			return "its config includes " + strings.TrimPrefix(why, "reads ")
		}
		abs := Resolve(p, "/")
		if c, err := safefile.Read(abs, maxContent); err == nil {
			if m := credentialInConfig().Find(c); m != nil {
				return "its config includes " + p + ", which holds credentials (" + credentialShown(m) + ")"
			}
		}
		if why := gitIncludes(abs, depth+1, seen); why != "" {
			return why
		}
	}
	return ""
}

// gitConfigValue reads a git config value: comments (# or ; outside quotes)
// dropped, quotes removed, the escapes \\ \" \n \t \b read. ok is false for
// what it does not read: a backslash at the end (the value goes on on the
// next line) or another escape.
func gitConfigValue(v string) (string, bool) {
	var b strings.Builder
	quoted := false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"':
			quoted = !quoted
		case c == '\\':
			if i+1 == len(v) {
				return "", false
			}
			i++
			switch v[i] {
			case '\\', '"':
				b.WriteByte(v[i])
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'b':
				b.WriteByte('\b')
			default:
				return "", false
			}
		case !quoted && (c == '#' || c == ';'):
			return strings.TrimRight(b.String(), " \t"), true
		default:
			b.WriteByte(c)
		}
	}
	if quoted {
		return "", false
	}
	return strings.TrimRight(b.String(), " \t"), true
}
