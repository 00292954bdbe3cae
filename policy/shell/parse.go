package shell

import (
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
func Parse(src string, d Dialect) (Script, error) {
	f, err := parse(src, d)
	if err != nil {
		return Script{}, fmt.Errorf("parse %s script: %w", d, err)
	}
	w := &walker{}
	c := ctx{d: d, src: src}
	w.stmts(f.Stmts, start, c)
	s := Script{Commands: w.cmds}
	if len(w.reasons) > 0 {
		s.Unverified = strings.Join(w.reasons, "; ")
	}
	return s, nil
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
