package shell

import "strings"

// Quote returns s as one POSIX shell word that the shell turns back into
// exactly s, with no expansion of any kind: s itself when it holds only
// characters no shell treats specially, else s in single quotes, each single
// quote in it written as: close quote, backslash, quote, open quote. The empty
// string becomes a pair of single quotes. s must not hold a NUL byte, which no
// shell word can carry.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	if Plain(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Plain reports whether every byte of s is one that sh, bash and zsh take
// literally anywhere in a word. "=" is left out (zsh expands a leading =cmd),
// as is "~".
func Plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("_-+.,/:@%", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// Join quotes each word and joins them with spaces: a command line that a
// shell parses back to exactly words.
func Join(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return strings.Join(q, " ")
}
