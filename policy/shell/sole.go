package shell

import "mvdan.cc/sh/v3/syntax"

// SoleCommand returns the words of src when the whole script is one simple
// command with static words: no assignment, redirection, pipeline, list,
// negation or background, and nothing the parser may read otherwise than
// the shell (suspect). Codex's `bash -lc 'rg x'`, written as a script of
// its own, is one. ok is false for anything else.
func SoleCommand(src string, d Dialect) (argv []string, ok bool) {
	if tooBig(src) != "" || suspect(src) != "" {
		return nil, false
	}
	f, err := parse(src, d)
	if err != nil || len(f.Stmts) != 1 {
		return nil, false
	}
	st := f.Stmts[0]
	if st.Negated || st.Background || st.Coprocess || st.Disown || len(st.Redirs) > 0 {
		return nil, false
	}
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Assigns) > 0 || len(call.Args) == 0 {
		return nil, false
	}
	w := &walker{}
	c := ctx{d: d, src: src}
	for _, a := range call.Args {
		x := w.word(a, start, c)
		if !x.static() || len(w.reasons) > 0 {
			return nil, false
		}
		argv = append(argv, x.text)
	}
	return argv, true
}
