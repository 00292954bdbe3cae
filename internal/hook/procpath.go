package hook

import (
	"os"
	"path/filepath"
	"strings"
)

// procMagic reports whether p is a link in /proc that names a process's
// working directory or open descriptors (also of one of its threads):
// /proc/PID[/task/TID]/{cwd,fd,map_files}. Written out, not a regexp
// compiled at start: every hook run would pay for it.
func procMagic(p string) bool {
	rest, ok := strings.CutPrefix(p, "/proc/")
	if !ok {
		return false
	}
	rest, ok = cutNumber(rest)
	if !ok {
		return false
	}
	if r, ok := strings.CutPrefix(rest, "/task/"); ok {
		if rest, ok = cutNumber(r); !ok {
			return false
		}
	}
	switch rest {
	case "/cwd", "/fd", "/map_files":
		return true
	}
	return false
}

// cutNumber cuts the decimal digits (at least one) s starts with.
func cutNumber(s string) (rest string, ok bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[i:], i > 0
}

// ThroughProcLink returns the /proc link (a process's cwd, fd/N or
// map_files/X) that path, absolute, goes through when it is opened, "" when
// it goes through none. The walk follows symlinks as the kernel does, a
// component at a time, so that a link the path reaches through another
// (/dev/fd, /proc/self, a project's symlink to /proc/self) and a `..` after
// it are seen. An agent's file tool opens the path in the agent's own
// process: /proc/self there is the agent, its working directory and
// descriptors, which guard's hook, another process, cannot see (followed
// in guard they name guard's own; Claude Code's Read of
// /proc/self/cwd/<a link the repository ships> read the private key the
// link points to, judged as a file in guard's /proc entry). Such a path is
// the caller's to ask about. A path that leaves the existing files (a
// missing component) goes through no link past that point.
func ThroughProcLink(path string) string {
	if !filepath.IsAbs(path) {
		return ""
	}
	prefix, rest := "/", path
	for links := 0; ; {
		parts := strings.Split(rest, "/")
		restart := false
		for i, c := range parts {
			switch c {
			case "", ".":
				continue
			case "..":
				prefix = filepath.Dir(prefix)
				continue
			}
			next := filepath.Join(prefix, c)
			if procMagic(next) {
				return next
			}
			fi, err := os.Lstat(next)
			if err != nil {
				return ""
			}
			if fi.Mode()&os.ModeSymlink == 0 {
				prefix = next
				continue
			}
			target, err := os.Readlink(next)
			if err != nil || links >= 40 {
				return next // a link guard cannot follow: unknown
			}
			links++
			rest = target + "/" + strings.Join(parts[i+1:], "/")
			if filepath.IsAbs(target) {
				prefix = "/"
			}
			restart = true
			break
		}
		if !restart {
			return ""
		}
	}
}
