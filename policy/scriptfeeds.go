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
// kubeconfig check (an exec credential plugin), unzip's central directory;
// and the checks of files near the working directory (cwdCheckFiles:
// flake8's local plugins, uv's interpreter, manifests, version files,
// clang-format's style, terraform's .tf files, compose files).
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
	// The files named by an inherited variable (or the user's default)
	// that the check reads wherever they are: $KUBECONFIG's files, go's
	// env file (judge-13 F1). A write there counts for every program.
	exact := configFilesRead(prog, dir)
	var hit func(w string) bool
	if pythonProgram(prog) {
		hit = pythonImportsFrom(argv, dir)
	}
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
	case "rg":
		// rgUnignores reads the ignore files in, above and below the
		// trees rg searches: a whitelist rule written there first
		// (`echo '!.env' > .ignore; rg KEY`) makes rg read hidden files
		// the judge walked without (judge-12 S3).
		roots := v.Result.Reads()
		if len(roots) == 0 {
			roots = []string{"."}
		}
		for i, r := range roots {
			roots[i] = filepath.Clean(absolute(r, dir))
		}
		hit = func(w string) bool {
			d, b := filepath.Dir(w), filepath.Base(w)
			if b == "exclude" && filepath.Base(d) == "info" {
				d = filepath.Dir(filepath.Dir(d)) // a repository's .git/info/exclude
			} else if b != ".ignore" && b != ".rgignore" && b != ".gitignore" {
				d = ""
			}
			for _, r := range roots {
				if w == r || under(r, w) {
					return true // the tree itself moved or checked out
				}
				if d != "" && (d == r || under(d, r) || under(r, d)) {
					return true
				}
			}
			return false
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
		if hit != nil || pythonProgram(prog) {
			break
		}
		names, suffixes := cwdCheckFiles(prog)
		if len(names)+len(suffixes)+len(exact) == 0 {
			return ""
		}
		// The checks that read files from the directory up (flake8's
		// local plugins, uv's .venv, a manifest or version file) or below
		// it (clang-format's style, terraform's .tf files): a file of those
		// names written anywhere there, or the directory itself or one
		// above it moved or checked out (`git switch b && flake8
		// --version` ran the plugin b's .flake8 named).
		hit = func(w string) bool {
			if len(names)+len(suffixes) == 0 {
				return false
			}
			if w == dir || under(dir, w) {
				return true
			}
			// A name anywhere in the path: .venv/bin/python is uv's.
			named, d := false, w
			for p := w; p != "/" && p != "."; p = filepath.Dir(p) {
				b := filepath.Base(p)
				matched := slices.Contains(names, b)
				for _, suf := range suffixes {
					matched = matched || strings.HasSuffix(b, suf)
				}
				if matched {
					named, d = true, filepath.Dir(p)
					break
				}
			}
			return named && (d == dir || under(dir, d) || under(d, dir))
		}
	}
	for _, w := range slices.Concat(writes, moved) {
		if w == "" {
			continue
		}
		w = filepath.Clean(w)
		if slices.ContainsFunc(exact, func(f string) bool { return w == f || under(f, w) }) || hit(w) {
			return prog + "'s check reads " + w + " as it is before the script, and an earlier command of the script writes it: " +
				"what it holds then (a schema, a toolchain line, a plugin, an interpreter) is not known now"
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

// cwdCheckFiles are the names (and name endings) of the files prog's own
// check reads from the directory it runs in, up or down (hidden.go,
// manifest.go, versionmgr.go), or none: a script that writes one of them
// first changes what that check saw (judge-10 Q5).
func cwdCheckFiles(prog string) (names, suffixes []string) {
	switch prog {
	case "flake8":
		return []string{"setup.cfg", "tox.ini", ".flake8"}, nil
	case "uv":
		return []string{".venv", "uv.toml", "pyproject.toml", ".python-version"}, nil
	case "clang-format":
		return []string{".clang-format", "_clang-format"}, nil
	case "terraform":
		return nil, []string{".tf", ".tfvars", ".tftest.hcl", ".tf.json", ".tfvars.json"}
	case "cargo", "rustc", "rustup", "rustfmt":
		// rustWhy: rustup's proxies pick the binary from these (judge-11 R1).
		return []string{"rust-toolchain", "rust-toolchain.toml"}, nil
	case "npm", "npx":
		// npmrcWhy reads .npmrc from the directory up, beside the manifests.
		return append([]string{".npmrc"}, manifestFiles[prog]...), nil
	case "docker", "podman", "docker-compose", "podman-compose":
		return []string{"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml", ".env"}, nil
	}
	names = append(names, manifestFiles[prog]...)
	if m, ok := versionManagers[prog]; ok {
		names = append(names, m[0])
		if also := versionAlso[prog]; also != "" {
			names = append(names, also)
		}
	}
	return names, nil
}

// configFilesRead are the files, by absolute path, that prog's own check
// reads from the environment's or the home directory's naming rather
// than from dir (rgConfig's RIPGREP_CONFIG_PATH, gemrcWhy's GEMRC and
// ~/.gemrc, hiddenInputsWhy's ~/.jq): a script that writes one first
// changes what that check saw (judge-11 R1). None for other programs.
func configFilesRead(prog, dir string) []string {
	var out []string
	add := func(p string) {
		if p != "" {
			out = append(out, filepath.Clean(absolute(p, dir)))
		}
	}
	home := os.Getenv("HOME")
	switch prog {
	case "rg":
		add(os.Getenv("RIPGREP_CONFIG_PATH"))
	case "gem":
		for _, g := range filepath.SplitList(os.Getenv("GEMRC")) {
			add(g)
		}
		if home != "" {
			add(filepath.Join(home, ".gemrc"))
		}
	case "jq", "yq", "gojq":
		if home != "" {
			add(filepath.Join(home, ".jq"))
		}
	case "kubectl", "helm":
		// kubeconfigWhy reads these for an exec credential plugin: an
		// inherited KUBECONFIG naming a file in a writable root (/tmp, or
		// the project seen from a subdirectory) that the script writes
		// first ran the plugin (judge-13 F1).
		if kc := os.Getenv("KUBECONFIG"); kc != "" {
			for _, f := range filepath.SplitList(kc) {
				add(f)
			}
		} else if home != "" {
			add(filepath.Join(home, ".kube", "config"))
		}
	case "go":
		// goSettings reads GOTOOLCHAIN and GOFLAGS from go's env file.
		switch env := os.Getenv("GOENV"); {
		case env == "off":
		case env != "":
			add(env)
		default:
			if d, err := os.UserConfigDir(); err == nil {
				add(filepath.Join(d, "go", "env"))
			}
		}
	}
	return out
}
