package sandbox

import (
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// A read-only bind over a protected path keeps that path's content, but not its
// name: rename(2) of a directory above a mount point is allowed, and the mount
// moves with it. `mv .git .git2 && mkdir .git` then makes a new git directory
// whose config a later, unconfined git runs. rename(2) and rmdir(2) of a mount
// point itself fail with EBUSY, so each directory between a writable root and a
// protected path (.git for .git/hooks, ~/.config for ~/.config/guard) gets a
// writable bind of itself mounted onto itself: its content stays writable, its
// name cannot be moved or removed. The same holds for the directories above a
// secret in a root, whose /dev/null or empty copy would move along and leave
// the secret where the next command's scan does not look (deeper than
// protect.ScanDepth). The cost is one open_tree and move_mount per
// directory (usually one: .git); a rename across it (a file moved from the work
// tree into .git) fails with EXDEV, which mv and git handle by copying.

// pinDirs returns the directories strictly between the outermost root holding a
// protected path and that path, each once, parents first. A component that is
// not a directory (a symlink) ends the walk for that path: the path was resolved
// through symlinks, so that only happens when the tree changed since.
func pinDirs(roots []root, readOnly []string) []string {
	tops := outermost(roots)
	seen := map[string]bool{}
	var out []string
	for _, p := range readOnly {
		i := slices.IndexFunc(tops, func(r root) bool { return within(p, r.path) })
		if i < 0 || p == tops[i].path {
			continue
		}
		top := tops[i].path
		rest := strings.TrimPrefix(p, strings.TrimSuffix(top, "/")+"/")
		dir := strings.TrimSuffix(top, "/")
		comps := strings.Split(rest, "/")
		for _, c := range comps[:len(comps)-1] {
			dir += "/" + c
			if seen[dir] {
				continue
			}
			var st unix.Stat_t
			if unix.Lstat(dir, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
				break
			}
			seen[dir] = true
			out = append(out, dir)
		}
	}
	// Parents first: a pin copies the mounts below it.
	slices.SortFunc(out, comparePaths)
	return out
}

// hookDirPins returns the directories an agent's hooks need where they
// are, parents first: the writable root that holds the working directory cwd
// and the project (Profile.Project), each with the directories above it up
// to the outermost writable root holding it, when that is another root (a
// project in /tmp or $TMPDIR, or in a root of guard's configuration such as
// ~/src). Only those: the agent's hooks start in its project, and pinning
// every root cost a mount each (300 roots in /tmp: 4.0x to 4.9x the floor).
// The rights of the root around it let a command rename the project
// (mv "$PWD" "$PWD.x": a rename within a directory of that root); the
// agent's hooks then start in a directory that is gone, and Codex 0.171.0,
// whose hook failed to start, applied the next patch and ran the next
// command unjudged. Pinned, the rename fails with EBUSY, as it does for a
// project that holds .git (pinDirs).
func hookDirPins(roots []root, cwd, project string) []string {
	var out []string
	tops := outermost(roots)
	add := func(d string) {
		// The outermost root around d: a rename anywhere below it moves d.
		i := slices.IndexFunc(tops, func(s root) bool { return within(d, s.path) })
		if i < 0 {
			return
		}
		for _, dir := range dirsDown(tops[i].path, d) {
			var st unix.Stat_t
			if unix.Lstat(dir, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
				break
			}
			if !slices.Contains(out, dir) {
				out = append(out, dir)
			}
		}
	}
	for _, r := range roots {
		if !r.shared && within(cwd, r.path) {
			add(r.path)
		}
	}
	if project != "" {
		add(filepath.Clean(project))
	}
	slices.SortFunc(out, comparePaths)
	return out
}

// dirsDown returns the directories strictly below top on the way to d,
// which lies inside it, d last; none for d == top.
func dirsDown(top, d string) []string {
	if d == top {
		return nil
	}
	var out []string
	dir := strings.TrimSuffix(top, "/")
	for _, c := range strings.Split(strings.TrimPrefix(d, dir+"/"), "/") {
		dir += "/" + c
		out = append(out, dir)
	}
	return out
}
