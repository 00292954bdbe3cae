package gate

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"guard/internal/rules"
	"guard/policy"
)

// checkRemembered makes unverified a command that a remembered answer (a
// rule in user.policy or in the project's answers) allows, when the program
// it runs is a file inside the writable roots whose content is not the
// content the person approved. Such a rule names the file by its path
// (system_path), and every spelling of the program reaches that file: the
// relative one (`./run.sh`, checked by boundArgv), the absolute path, the
// rule's bare name (guard runs its system_path entry), in a script or
// alone. Only the relative one was checked: after an "always" for
// `./run.sh check x.txt`, the agent rewrote run.sh (a write inside the
// project) and ran `$PWD/run.sh check x.txt`, unasked and unconfined.
// A rule for a file outside the roots is the person's to keep as written.
//
// Limits: the content is checked when the command is judged; a process
// that rewrites the file between that and the exec (milliseconds) runs its
// own.
func (g *Gate) checkRemembered(v *policy.Verdict) {
	if v.Class != policy.Safe && v.Class != policy.Match || !g.answersLoaded() {
		return
	}
	for i, c := range v.Commands {
		if len(c) == 0 || i == 0 && v.Script {
			continue
		}
		r := g.Set.Check(c)
		if r.Exec == nil || !g.isAnswers(r.At.File) {
			continue
		}
		bin := rememberedProgram(c[0], r.Exec.SystemPath)
		if bin == "" || !g.insideRoots(bin) || g.boundTo(bin) {
			continue
		}
		v.Class, v.Unknown = policy.Unverified, true
		v.Reason = fmt.Sprintf("%s is a file inside the writable roots, and it is not the file a person approved (a remembered rule runs it: %s at %s; the agent can rewrite it): asked again",
			bin, r.Rule, r.At)
		return
	}
}

// answersLoaded reports whether a file of remembered answers is a layer.
func (g *Gate) answersLoaded() bool {
	return slices.ContainsFunc(g.PolicyFiles, g.isAnswers)
}

func (g *Gate) isAnswers(f string) bool {
	return f != "" && (f == g.UserPolicy || f == g.ProjectPolicy)
}

// rememberedProgram is the file guard runs for a command whose program is
// word, matched by a rule with those system_path entries: the word itself
// when it is a path, else the first entry that is a program (Target). ""
// when guard looks it up on PATH (checkPrograms judges what it finds).
func rememberedProgram(word string, systemPath []string) string {
	if strings.Contains(word, "/") {
		if !filepath.IsAbs(word) {
			return ""
		}
		return filepath.Clean(word)
	}
	for _, p := range systemPath {
		if executable(p) {
			return filepath.Clean(p)
		}
	}
	return ""
}

// insideRoots reports whether the file p, as written or resolved through
// links, is inside a writable root.
func (g *Gate) insideRoots(p string) bool {
	resolved := policy.Resolve(p, "/")
	for _, r := range g.resolvedRoots() {
		if policy.Inside(p, r) || policy.Inside(resolved, r) {
			return true
		}
	}
	for _, r := range g.Roots {
		if policy.Inside(p, r) {
			return true
		}
	}
	return false
}

// boundTo reports whether a remembered rule is bound to the file p (its
// path and SHA-256) and p still has that content.
func (g *Gate) boundTo(p string) bool {
	sum := ""
	for _, f := range []struct {
		path  string
		scope rules.Scope
	}{{g.ProjectPolicy, rules.Project}, {g.UserPolicy, rules.Global}} {
		if f.path == "" {
			continue
		}
		rs, err := rules.Read(f.path, f.scope)
		if err != nil {
			continue
		}
		for _, r := range rs {
			if r.Bind == nil || filepath.Clean(r.Bind.Path) != p {
				continue
			}
			if sum == "" {
				if sum, err = rules.Hash(p); err != nil {
					return false
				}
			}
			if sum == r.Bind.SHA256 {
				return true
			}
		}
	}
	return false
}
