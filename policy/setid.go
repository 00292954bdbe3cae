package policy

import (
	"os"
	"path"
	"strconv"
	"strings"
)

// setIDMode says why argv sets a set-user-ID or set-group-ID mode, or "":
// chmod with such a mode (4755, 2755, 6755, u+s, g+s, =s, a=rwxs),
// install, mknod and mkdir with -m/--mode such a mode, and cp preserving the
// mode (-p, -a, --preserve, --archive) of a source that has one. A program
// planted with the bit runs as its owner (root, when root plants it) for
// whoever runs it later: such a command is never a plain write inside the
// roots. The run refuses the bits too (the sandbox's seccomp filter, in
// full-auto and in auto-edit's confined runs); this makes the decision say
// so first. Limits: a mode inside a script's variable, chmod run by find
// -exec or xargs, and cp -r of a directory holding a set-id program are left
// to the run.
func setIDMode(argv []string, cwd string) string {
	if len(argv) < 2 {
		return ""
	}
	prog := path.Base(argv[0])
	args := argv[1:]
	why := func(mode string) string {
		return prog + " " + mode + " sets a set-user-ID or set-group-ID mode: a program with it runs as its owner for whoever runs it later"
	}
	switch prog {
	case "chmod":
		for _, a := range args {
			if a == "--" || strings.HasPrefix(a, "--") {
				continue
			}
			if modeSetsID(a) {
				return why(a)
			}
		}
	case "install", "mknod", "mkdir", "ginstall":
		for i := 0; i < len(args); i++ {
			a := args[i]
			var mode string
			switch {
			case a == "--":
				return ""
			case a == "--mode" && i+1 < len(args):
				mode = args[i+1]
			case strings.HasPrefix(a, "--mode="):
				mode = strings.TrimPrefix(a, "--mode=")
			case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--"):
				// A bundle: -m MODE, -mMODE, -Dm MODE, -Dm4755.
				if j := strings.IndexByte(a, 'm'); j > 0 && shortFlags(a[1:j]) {
					mode = a[j+1:]
					if mode == "" && i+1 < len(args) {
						mode = args[i+1]
					}
				}
			}
			if mode != "" && modeSetsID(mode) {
				return why("-m " + mode)
			}
		}
	case "cp":
		preserve := false
		var files []string
		for _, a := range args {
			switch {
			case a == "--archive", a == "--preserve", a == "-p",
				strings.HasPrefix(a, "--preserve=") && (strings.Contains(a, "mode") || strings.Contains(a, "all")):
				preserve = true
			case strings.HasPrefix(a, "--"):
			case strings.HasPrefix(a, "-") && len(a) > 1:
				if shortFlags(a[1:]) && strings.ContainsAny(a[1:], "pa") {
					preserve = true
				}
			default:
				files = append(files, a)
			}
		}
		if !preserve {
			return ""
		}
		for _, f := range files {
			p := absolute(f, cwd)
			if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&(os.ModeSetuid|os.ModeSetgid) != 0 {
				return "cp preserving the mode of " + f + ", which is set-user-ID or set-group-ID: a program with it runs as its owner for whoever runs it later"
			}
		}
	}
	return ""
}

// shortFlags reports whether s is made of letters only, as a bundle of short
// options is.
func shortFlags(s string) bool {
	for _, c := range s {
		if c < 'A' || c > 'z' || (c > 'Z' && c < 'a') {
			return false
		}
	}
	return true
}

// modeSetsID reports whether mode, as chmod, install -m, mknod -m and mkdir
// -m read it, sets the set-user-ID or set-group-ID bit: an octal number with
// 04000 or 02000, or a symbolic mode with a clause that adds or assigns s.
// A word that is neither reads as not a mode.
func modeSetsID(mode string) bool {
	if mode == "" {
		return false
	}
	if mode[0] >= '0' && mode[0] <= '7' {
		n, err := strconv.ParseUint(mode, 8, 32)
		return err == nil && n&0o6000 != 0
	}
	for _, clause := range strings.Split(mode, ",") {
		i := 0
		for i < len(clause) && strings.IndexByte("ugoa", clause[i]) >= 0 {
			i++
		}
		if i == len(clause) {
			return false // not a symbolic mode
		}
		op := byte(0)
		for ; i < len(clause); i++ {
			c := clause[i]
			switch {
			case c == '+' || c == '-' || c == '=':
				op = c
			case op == 0:
				return false // not a symbolic mode
			case c == 's' && op != '-':
				return true
			case strings.IndexByte("rwxXtugo", c) < 0:
				return false
			}
		}
	}
	return false
}
