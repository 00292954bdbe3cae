package hook

import (
	"errors"
	"regexp"
	"strings"
	"sync"
)

// ErrGeminiWrapper is wrapped by Decode's error for a Gemini CLI command
// in a `bash -c "..."` wrapper that Gemini CLI unwraps with its own reading
// of double quotes, which guard does not follow.
var ErrGeminiWrapper = errors.New(`a bash -c "..." wrapper Gemini CLI unwraps its own way`)

// jsSpace is JavaScript's \s (and what String.prototype.trim removes).
const jsSpace = `\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`

// geminiWrapper is Gemini CLI 0.61.0's stripShellWrapper pattern: a shell
// (any path to sh, bash or zsh) with -c, cmd.exe /c, or PowerShell's
// -Command, at the start of the command, in any case of ASCII letters.
// JavaScript's /i without the u flag folds no other letter onto them, where
// Go's (?i) does (ſ, U+017F, is an s): `./ſh -c 'ls'` is no wrapper to
// Gemini CLI, which runs the program ./ſh.
var geminiWrapper = sync.OnceValue(func() *regexp.Regexp {
	sp, word, f := "["+jsSpace+"]", "[^"+jsSpace+"]", asciiFold
	posix := "(?:" + word + "+/)?(?:" + f("sh") + "|" + f("bash") + "|" + f("zsh") + ")" + sp + "+-" + f("c")
	cmd := f("cmd") + `\.` + f("exe") + sp + "+/" + f("c")
	ps := "(?:" + f("powershell") + "|" + f("pwsh") + `)(?:\.` + f("exe") + ")?" + sp + "+(?:-" + f("NoProfile") + sp + "+)?-" + f("Command")
	return regexp.MustCompile("^" + sp + "*(?:" + posix + "|" + cmd + "|" + ps + ")" + sp + "+")
})

// asciiFold returns a pattern matching word, made of ASCII letters, in any
// case of them and only them: [sS][hH] for sh.
func asciiFold(word string) string {
	var b strings.Builder
	for i := 0; i < len(word); i++ {
		b.WriteString("[" + string(word[i]|0x20) + string(word[i]&^0x20) + "]")
	}
	return b.String()
}

// asciiPrefixFold reports whether s starts with prefix, a lower-case ASCII
// word, in any case of its letters and only them, as JavaScript's
// s.toLowerCase().startsWith(prefix) does: Go's strings.EqualFold folds
// ſ (U+017F) onto s.
func asciiPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// jsTrim is JavaScript's String.prototype.trim.
func jsTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		switch r {
		case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
			return true
		}
		return r >= 0x2000 && r <= 0x200a
	})
}

// GeminiRuns returns the script Gemini CLI runs for a run_shell_command
// command. Gemini CLI 0.61.0 trims the command and strips a leading shell
// wrapper (`bash -c`, `/any/path/sh -c`, `zsh -C`, `cmd.exe /c`,
// `powershell -Command`) and the quotes around the rest, without reading
// the rest as a shell would: `bash -c 'echo x' '; touch F'` is a safe echo
// to bash (the second word is $0) and runs `echo x' '; touch F` in Gemini
// CLI. Single quotes are stripped as two characters; double quotes after
// a POSIX shell's -c are read with the shell-quote package, which guard
// follows only when the text between them holds no ", \, $ or backquote
// (then every reading agrees): otherwise the error wraps ErrGeminiWrapper.
func GeminiRuns(command string) (string, error) {
	m := geminiWrapper().FindString(command)
	if m == "" {
		return jsTrim(command), nil
	}
	rest := jsTrim(command[len(m):])
	if len(rest) < 2 {
		return rest, nil
	}
	switch q := rest[0]; {
	case q != rest[len(rest)-1] || (q != '\'' && q != '"'):
		return rest, nil
	case q == '"' && strings.HasSuffix(jsTrim(m), "-c"):
		inner := rest[1 : len(rest)-1]
		if strings.ContainsAny(inner, "\"\\$`") {
			return "", ErrGeminiWrapper
		}
		return inner, nil
	default:
		return rest[1 : len(rest)-1], nil
	}
}
