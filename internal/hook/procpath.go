package hook

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// procMagic is a link in /proc that names a process's working directory or
// open descriptors (also of one of its threads).
var procMagic = regexp.MustCompile(`^/proc/[0-9]+(/task/[0-9]+)?/(cwd|fd|map_files)$`)

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
			if procMagic.MatchString(next) {
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
