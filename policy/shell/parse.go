package shell

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

func (d Dialect) lang() syntax.LangVariant {
	switch d {
	case POSIX:
		return syntax.LangPOSIX
	case Zsh:
		return syntax.LangZsh
	}
	return syntax.LangBash
}

// Parse parses src as a script in dialect d and returns the simple commands
// it would run. The error is the parser's, with a line:column position, for
// a script that does not parse; it unwraps to *syntax.ParseError or
// syntax.LangError.
//
// A script longer than MaxScriptBytes or nested more deeply than
// MaxNesting is not parsed: Parse returns a Script with no commands and
// Unverified saying why. A script whose text the parser may read otherwise
// than the shell (see suspect) is parsed but unverified.
func Parse(src string, d Dialect) (Script, error) {
	if why := tooBig(src); why != "" {
		return Script{Unverified: why}, nil
	}
	f, err := parse(src, d)
	if err != nil {
		return Script{}, fmt.Errorf("parse %s script: %w", d, err)
	}
	w := &walker{}
	if why := suspect(src); why != "" {
		w.unverified(why)
	}
	c := ctx{d: d, src: src}
	w.stmts(f.Stmts, start, c)
	s := Script{Commands: w.cmds}
	if len(w.reasons) > 0 {
		s.Unverified = strings.Join(w.reasons, "; ")
	}
	return s, nil
}

// ErrorLine returns the line, counted from 1, of the syntax error that
// Parse returned.
func ErrorLine(err error) (int, bool) {
	var pe syntax.ParseError
	if errors.As(err, &pe) {
		return int(pe.Pos.Line()), true
	}
	return 0, false
}

var parsers [3]sync.Pool

func parse(src string, d Dialect) (*syntax.File, error) {
	if d < Bash || d > Zsh {
		return nil, fmt.Errorf("unknown dialect %d", int(d))
	}
	pool := &parsers[d]
	p, _ := pool.Get().(*syntax.Parser)
	if p == nil {
		p = syntax.NewParser(syntax.Variant(d.lang()), syntax.KeepComments(false))
	}
	f, err := p.Parse(strings.NewReader(src), "")
	pool.Put(p)
	return f, err
}
