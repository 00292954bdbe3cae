package gate

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"guard/policy/shell"
)

// Display quotes argv for a person to read on a terminal: each word as
// shell.Quote writes it, except that a word holding a character a terminal
// would act on (a control character such as \r, \n or ESC, a C1 control, a
// Unicode format character such as a bidirectional override, invalid
// UTF-8) is written in bash's $'...' form with that character escaped. A
// refusal or prompt line can then never be repainted, reordered or split.
func Display(argv []string) string {
	q := make([]string, len(argv))
	for i, w := range argv {
		q[i] = displayWord(w)
	}
	return strings.Join(q, " ")
}

func displayWord(w string) string {
	if !needsEscape(w) {
		return shell.Quote(w)
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(w); {
		r, size := utf8.DecodeRuneInString(w[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, w[i])
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteString(escapeRune(r))
		}
		i += size
	}
	b.WriteByte('\'')
	return b.String()
}

// Warn writes one warning line to w, "guard: warning: " and the formatted
// text with every character a terminal would act on escaped (Visible): the
// text names files and directories an agent may have made (a project's
// .guard files, a link's target), and guard's warning is the one line of a
// command's output that no program of the agent's printed: a name holding
// "\x1b[2K\x1b[8m" erased and hid it, and one holding an OSC 52 sequence put
// what the agent chose in the person's clipboard.
func Warn(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "guard: warning: %s\n", Visible(fmt.Sprintf(format, args...)))
}

// Visible is s with every character a terminal would act on written as an
// escape (\n, \r, \t, \xHH, \uXXXX), for free text in a line: reasons,
// paths, rule names.
func Visible(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			fmt.Fprintf(&b, `\x%02x`, s[i])
		} else {
			b.WriteString(escapeRune(r))
		}
		i += size
	}
	return b.String()
}

func escapeRune(r rune) string {
	switch r {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	}
	switch {
	case r < 0x20 || r == 0x7f:
		return fmt.Sprintf(`\x%02x`, r)
	case dangerous(r):
		if r > 0xffff {
			return fmt.Sprintf(`\U%08x`, r)
		}
		return fmt.Sprintf(`\u%04x`, r)
	}
	return string(r)
}

// dangerous reports whether a terminal may act on r rather than show it,
// show it as blank or nothing, or turn the text around it (shell.Unseen).
func dangerous(r rune) bool {
	return shell.Unseen(r)
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || dangerous(r) {
			return true
		}
		i += size
	}
	return false
}

// jsonVisible escapes, in JSON text from encoding/json, the characters it
// leaves as they are but a terminal acts on (DEL, C1 controls, format
// characters such as bidirectional overrides): the same value, in \u form.
func jsonVisible(js string) string {
	if !needsEscape(js) {
		return js
	}
	var b strings.Builder
	for _, r := range js {
		if r < 0x20 || !dangerous(r) {
			b.WriteRune(r)
			continue
		}
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}
