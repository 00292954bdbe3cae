package policy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Checks that read a file's content to decide whether a read-only command
// runs code (judge-7 T1): sqlite3's schema check (a view that calls edit()
// runs a program), go's toolchain check (a go.mod or go.work asking for a
// newer Go makes go fetch and run that toolchain), kubectl's and helm's
// kubeconfig check (an exec credential plugin), unzip's central directory.
// Each looks at the file as it is before the script runs; an earlier
// command of the same script that writes the file (`cat evil.db > d.db;
// sqlite3 d.db 'select * from e'`, a redirection or a copy auto-edit lets
// run inside the roots) changes what the later command meets. writtenInput
// makes such a command unverified when an earlier write (or this command's
// own redirection, which the shell opens first) lands on what its check
// reads: the database and its journal files, a go.mod or go.work at or
// above the directory, or, for the others, any file at, below or above
// what they read or below their directory. Nothing is read: it compares
// paths.

// writtenInput says why v (argv judged in dir) depends on the content of a
// file that a path in writes or moved (absolute, written or moved earlier
// in the script) may have replaced, or "". Only the programs below look at
// the lists: other commands cost nothing.
func writtenInput(v *Verdict, dir string, writes, moved []string) string {
	if len(writes)+len(moved) == 0 || len(v.Argv) == 0 {
		return ""
	}
	argv := unSudo(v.Argv)
	if len(argv) == 0 {
		return ""
	}
	prog := filepath.Base(argv[0])
	var hit func(w string) bool
	switch prog {
	case "sqlite3":
		r := v.Result
		if r.Exec == nil || len(r.Exec.Args) == 0 {
			return ""
		}
		db := filepath.Clean(absolute(r.Exec.Args[0].Value, dir))
		hit = func(w string) bool {
			for _, side := range []string{"", "-wal", "-journal", "-shm"} {
				if w == db+side {
					return true
				}
			}
			return under(db, w)
		}
	case "go":
		work := os.Getenv("GOWORK")
		if work != "" && work != "off" {
			work = filepath.Clean(absolute(work, dir))
		}
		hit = func(w string) bool {
			if w == work || under(dir, w) {
				return true
			}
			b := filepath.Base(w)
			return (b == "go.mod" || b == "go.work") && (filepath.Dir(w) == dir || under(dir, filepath.Dir(w)))
		}
	case "kubectl", "helm", "unzip":
		reads := v.Result.Reads()
		hit = func(w string) bool {
			if w == dir || under(w, dir) || under(dir, filepath.Dir(w)) || filepath.Dir(w) == dir {
				return true
			}
			for _, r := range reads {
				r = filepath.Clean(absolute(r, dir))
				if w == r || under(w, r) || under(r, w) {
					return true
				}
			}
			return false
		}
	default:
		return ""
	}
	for _, w := range slices.Concat(writes, moved) {
		if w == "" {
			continue
		}
		if w = filepath.Clean(w); hit(w) {
			return prog + "'s check reads " + w + " as it is before the script, and an earlier command of the script writes it: " +
				"what it holds then (a schema, a toolchain line, a credential plugin) is not known now"
		}
	}
	return ""
}

// under reports whether p is strictly below dir.
func under(p, dir string) bool {
	if dir == "/" {
		return p != "/" && strings.HasPrefix(p, "/")
	}
	return strings.HasPrefix(p, dir+"/")
}
