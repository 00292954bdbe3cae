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
	// MaxNesting is how deeply brackets ( { [ and $( may nest, as counted
	// by a scan of the text before parsing, and how many statements deep
	// the walk goes.
	MaxNesting = 256
	// MaxOpeners is how many opening brackets ( { [ and backquotes a
	// script may hold in all, and MaxKeywords how many if, case, do, time
	// and coproc:
	// they bound the parser's nesting whatever the quoting.
	MaxOpeners  = 20000
	MaxKeywords = 5000
	// MaxOperators is how many of the bytes $ ; | & a script may hold:
	// each starts a node of the syntax tree, and past this many the
	// parser alone would take most of a second.
	MaxOperators = 100000
	// MaxUnaryRun is how many unary operators (! ~ + -, blanks between
	// them) may follow one another: the parser nests itself once for each
	// (`$((~~~…1))`, `[[ ! ! … a ]]`), 128 MB of stack for 900,000.
	MaxUnaryRun = 4096
	// MaxRightAssoc is how many of the bytes = and ? and the pairs ** a
	// script may hold: in arithmetic (`$((a=a=…))`, `((1?1:1?…))`, an
	// array index, a `let`) each of a chain nests the parser once more,
	// and 500,000 of them took 1.8 s and 226 MB. Counted in the whole
	// text (the scan cannot tell arithmetic apart), as MaxOperators is.
	MaxRightAssoc = 50000
	// MaxWords is how many words (runs of bytes between spaces, tabs and
	// newlines, here-documents included) a script may hold.
	MaxWords = 100000
	// MaxCommands is how many simple commands are reported; later ones are
	// not, and the script is unverified.
	MaxCommands = 10000
	// MaxWork bounds the walk, and so what the judge is given: statements
	// walked (a literal for loop walks its body once per word, so nested
	// loops multiply), loop variables copied for each round, the bytes of
	// nested scripts parsed (bash -c, eval and trap strings, which a loop
	// parses again in every round) and the words of the commands reported
	// (stepsPerWord each). A script past it is unverified.
	MaxWork = 1 << 20
)

// stepsPerWord is what a reported word costs of MaxWork: the judge makes
// system calls for each.
const stepsPerWord = 4

// tooBig returns why src is not parsed at all, or "".
//
// The scan cannot know quoting, so it errs both ways: brackets inside
// quotes count, and a closing bracket inside quotes can hide a real
// opening. The totals bound what it misses: nothing can nest deeper than
// MaxOpeners brackets or MaxKeywords compound keywords (counted where a
// command starts), which keeps the parser's recursion to tens of
// megabytes.
func tooBig(src string) string {
	if len(src) > MaxScriptBytes {
		return fmt.Sprintf("script longer than %d bytes", MaxScriptBytes)
	}
	depth, maxDepth, openers, keywords, operators := 0, 0, 0, 0, 0
	words := 0
	for i := 0; i < len(src); i++ {
		if !isBlank(src[i]) && (i == 0 || isBlank(src[i-1])) {
			words++
		}
	}
	if words > MaxWords {
		return fmt.Sprintf("more than %d words", MaxWords)
	}
	run, rightAssoc := 0, 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '!', '~', '+', '-':
			if run++; run > MaxUnaryRun {
				return fmt.Sprintf("a run of more than %d of the operators ! ~ + -", MaxUnaryRun)
			}
			continue
		case ' ', '\t', '\n':
			continue
		case '=', '?':
			rightAssoc++
		case '*':
			if i+1 < len(src) && src[i+1] == '*' {
				rightAssoc++
				i++
			}
		}
		run = 0
	}
	if rightAssoc > MaxRightAssoc {
		return fmt.Sprintf("more than %d of the operators = ? ** (in arithmetic each nests the parser)", MaxRightAssoc)
	}
	open := func() {
		depth++
		maxDepth = max(maxDepth, depth)
	}
	close := func() {
		if depth > 0 {
			depth--
		}
	}
	// cmdPos: the next word is where a command starts (after an operator,
	// a newline or a keyword that precedes one), so a keyword there is one.
	cmdPos := true
	for i := 0; i < len(src); i++ {
		switch ch := src[i]; {
		case ch == ' ' || ch == '\t':
			continue
		case ch == '$' || ch == ';' || ch == '|' || ch == '&':
			operators++
			cmdPos = ch != '$'
			continue
		case ch == '(' || ch == '{' || ch == '[' || ch == '`':
			openers++
			open()
			cmdPos = true
			continue
		case ch == ')' || ch == '}' || ch == ']':
			close()
			cmdPos = true
			continue
		case ch == '\n' || ch == '!':
			cmdPos = true
			continue
		case isWordByte(ch):
			j := i
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			word := src[i:j]
			i = j - 1
			if !cmdPos {
				continue
			}
			// Keywords count in all, not by depth: prose and code in a
			// here-document have if and do without fi and done.
			switch word {
			case "if", "case", "do", "time", "coproc": // time and coproc nest the parser too
				keywords++
			}
			switch word {
			case "then", "else", "elif", "do", "if", "while", "until", "time", "coproc":
				cmdPos = true
			default:
				cmdPos = false
			}
			continue
		}
		cmdPos = false
	}
	switch {
	case maxDepth > MaxNesting:
		return fmt.Sprintf("nested more than %d deep", MaxNesting)
	case openers > MaxOpeners:
		return fmt.Sprintf("more than %d brackets", MaxOpeners)
	case keywords > MaxKeywords:
		return fmt.Sprintf("more than %d compound commands", MaxKeywords)
	case operators > MaxOperators:
		return fmt.Sprintf("more than %d of the operators $ ; | &", MaxOperators)
	}
	return ""
}

func isBlank(ch byte) bool { return ch == ' ' || ch == '\t' || ch == '\n' }

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
		if heredocContinuation(src) {
			add("a line continuation after a here-document (the shell may end the document elsewhere)")
		}
		// The shells remove a line continuation before they read a $:
		// `$\<newline>{HOME}` is ${HOME}, `$\<newline>'\x2eenv'` is
		// $'\x2eenv', where the parser saw a plain $ (cat read .env).
		if strings.Contains(src, "$\\\n") {
			add("a $ and what follows it split by a line continuation (the shell joins them: $\\<newline>{HOME} is ${HOME})")
		}
	}
	return strings.Join(reasons, "; ")
}

// heredocContinuation reports whether a line continuation may end or
// extend a here-document otherwise in the shells than in the parser: a
// line with << that ends in a backslash (the operator's delimiter goes on
// on the next line), or a continuation anywhere after a << whose
// delimiter is unquoted (the shells join the body's lines before they
// look for the delimiter). In a document with a quoted delimiter nothing
// is joined, by the shells as by the parser. << inside quotes counts too.
func heredocContinuation(src string) bool {
	first := -1 // the first unquoted here-document
	for i := 0; i+1 < len(src); i++ {
		if src[i] != '<' || src[i+1] != '<' {
			continue
		}
		if i+2 < len(src) && src[i+2] == '<' { // a here-string
			i += 2
			continue
		}
		end := strings.IndexByte(src[i:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += i
		}
		if strings.HasSuffix(src[i:end], `\`) {
			return true
		}
		j := i + 2
		if j < len(src) && src[j] == '-' {
			j++
		}
		for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
			j++
		}
		k := j
		for k < len(src) && !strings.ContainsRune(" \t\n;&|<>()", rune(src[k])) {
			k++
		}
		if !strings.ContainsAny(src[j:k], `'"\`) && first < 0 {
			first = i
		}
		i = k - 1
	}
	return first >= 0 && strings.Contains(src[first:], "\\\n")
}
