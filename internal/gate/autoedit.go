package gate

import "guard/policy"

// writesConfined reports whether d, the decision of mode before any prompt, lets
// a command run only because the writes it was judged to make are inside the
// roots: auto-edit's "match, every write inside". Such a command runs with the
// file system confined to the roots (sandbox.Profile.FilesOnly), since a script
// can make a symlink that a later command of it writes through. What a person
// approved at the prompt runs as approved; safe commands, which write nothing,
// run as they are.
func writesConfined(mode policy.Mode, d policy.Decision) bool {
	return mode == policy.AutoEdit && d.Action == policy.Run && d.Class == policy.Match
}
