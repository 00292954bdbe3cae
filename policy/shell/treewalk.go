package shell

import "mvdan.cc/sh/v3/syntax"

// MaxTreeDepth is how deep a walk of a syntax tree goes, counted across
// the walks nested in one another (an arithmetic expression's command
// substitution's statements walked in turn): past it the script is
// unverified. The parser makes a node per operator of an arithmetic or test
// expression (`$((~~~…1))`, `let 1+1+…`, `[[ ! ! … a ]]`), with no bracket
// to count before parsing, and a recursive walk of 900,000 of them took a
// gigabyte of stack and then overflowed it (a crash, status 2).
const MaxTreeDepth = 2000

// Walk is syntax.Walk going no deeper than MaxTreeDepth, counting from
// *depth (the depth the caller's own walks have reached; nil: none). It
// reports whether it saw the whole tree.
func Walk(n syntax.Node, depth *int, f func(syntax.Node) bool) bool {
	if depth == nil {
		depth = new(int)
	}
	whole := true
	syntax.Walk(n, func(n syntax.Node) bool {
		if n == nil { // after a node's children
			*depth--
			return true
		}
		if *depth >= MaxTreeDepth {
			whole = false
			return false
		}
		if !f(n) {
			return false
		}
		*depth++
		return true
	})
	return whole
}
