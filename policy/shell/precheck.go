package shell

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on the scripts Parse reads. A script past one of them is
// unverified without being parsed (the size and nesting limits) or without
// its later commands (the command limit): every script is answered in time
// and memory linear in its size.
const (
	// MaxScriptBytes is the longest script parsed.
	MaxScriptBytes = 1 << 20
	// MaxNesting is how deeply constructs ((, {, $(, `, if, case, loops)
	// may nest, as counted by a scan of the text before parsing, and as
	// walked.
	MaxNesting = 256
	// MaxOpeners is how many opening brackets and compound keywords a
	// script may hold in all: it bounds the parser's nesting whatever the
	// quoting.
	MaxOpeners = 20000
	// MaxOperators is how many of the bytes $ ; | & a script may hold:
	// each starts a node of the syntax tree, and past this many the
	// parser alone would take most of a second.
	MaxOperators = 100000
	// MaxCommands is how many simple commands are reported; later ones are
	// not, and the script is unverified.
	MaxCommands = 10000
)

// tooBig returns why src is not parsed at all, or "".
func tooBig(src string) string {
	if len(src) > MaxScriptBytes {
		return fmt.Sprintf("script longer than %d bytes", MaxScriptBytes)
	}
	depth, maxDepth, openers, operators := 0, 0, 0, 0
	open := func() {
		openers++
		depth++
		maxDepth = max(maxDepth, depth)
	}
	close := func() {
		if depth > 0 {
			depth--
		}
	}
	for i := 0; i < len(src); i++ {
		switch ch := src[i]; {
		case ch == '$' || ch == ';' || ch == '|' || ch == '&':
			operators++
		case ch == '(' || ch == '{' || ch == '[' || ch == '`':
			open()
		case ch == ')' || ch == '}' || ch == ']':
			close()
		case ch >= 'a' && ch <= 'z' && (i == 0 || !isWordByte(src[i-1])):
			j := i
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			switch src[i:j] {
			case "if", "case", "do", "select", "function":
				open()
			case "fi", "esac", "done":
				close()
			}
			i = j - 1
		}
	}
	switch {
	case maxDepth > MaxNesting:
		return fmt.Sprintf("nested more than %d deep", MaxNesting)
	case openers > MaxOpeners:
		return fmt.Sprintf("more than %d brackets and compound commands", MaxOpeners)
	case operators > MaxOperators:
		return fmt.Sprintf("more than %d of the operators $ ; | &", MaxOperators)
	}
	return ""
}

func isWordByte(ch byte) bool {
	return ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
}

// suspect returns why the parser's reading of src may not be the shell's,
// judging from its text alone, or "". The script is still parsed, for the
// commands it names, but it is unverified.
//
// The shells read bytes; mvdan.cc/sh reads UTF-8 and treats a carriage
// return and some other bytes its own way. bash and dash end a comment at
// the newline even after a backslash, where the parser joins the next line
// into the comment; and a line continuation inside a here-document's body
// or delimiter can end or extend the document at another line in bash
// than in the parser.
func suspect(src string) string {
	var reasons []string
	add := func(r string) {
		for _, x := range reasons {
			if x == r {
				return
			}
		}
		reasons = append(reasons, r)
	}
	if !utf8.ValidString(src) {
		add("bytes that are not UTF-8")
	}
	for _, r := range src {
		switch {
		case r == 0:
			add("a NUL byte (an argument ends there)")
		case r == '\r':
			add("a carriage return (bash and dash read it as part of a word)")
		case r < 0x20 && r != '\t' && r != '\n', r == 0x7f:
			add(fmt.Sprintf("control character %U", r))
		case r >= 0x80 && (r == 0x85 || unicode.IsSpace(r) || unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp, unicode.Cf, unicode.Cc)):
			add(fmt.Sprintf("invisible or space-like character %U (not a separator to the shell)", r))
		}
	}
	// A comment that ends in a backslash: the shell ends it at the newline.
	// Any line with a # and a trailing backslash counts, wherever the #.
	if strings.Contains(src, "\\\n") {
		rest := src
		for len(rest) > 0 {
			line, after, _ := strings.Cut(rest, "\n")
			rest = after
			if strings.HasSuffix(line, `\`) && strings.Contains(line, "#") {
				add("a line with # ends in a backslash (a comment ends at the newline in the shell)")
				break
			}
		}
		if i := strings.Index(src, "<<"); i >= 0 && strings.Contains(src[i:], "\\\n") {
			add("a line continuation after a here-document (the shell may end the document elsewhere)")
		}
	}
	return strings.Join(reasons, "; ")
}
