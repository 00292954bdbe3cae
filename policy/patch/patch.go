// Package patch reads the patch format of Codex's apply_patch tool, so that
// guard can judge a patch by the files it writes before the agent applies it.
//
// The format, as Codex's own parser reads it:
//
//	*** Begin Patch
//	*** Add File: PATH          followed by lines starting with "+"
//	*** Delete File: PATH
//	*** Update File: PATH
//	*** Move to: PATH           optional, right after Update File
//	@@ [context]                hunks of " ", "-" and "+" lines, optionally
//	*** End of File             ending with this marker
//	*** End Patch
//
// Parse is as tolerant as Codex is, and no more: the whole text may be
// surrounded by white space, the begin, end and file markers may be padded
// with it, the end marker may be repeated once, the "@@", "*** Move to:"
// and "*** End of File" lines may end in white space (dropped from the
// path), a line may end in CRLF, blank lines (of spaces) may separate hunks,
// the first hunk of an update may omit its "@@" line, and the patch may be
// wrapped in
// a here-document (`<<'EOF'` ... `EOF`) as some models write it. A patch
// Codex would refuse is refused here, with the line number and the line; a
// patch read here names the files Codex's reader would write, line for line
// by the same rules (the tests pin the cases Codex's own tests pin, and the
// ones where a header is content or content a header). Paths are kept as
// written: relative
// ones are relative to the directory the patch is applied in, and Targets
// says where a write of one may land.
//
// Limits. The reader checks the form, not whether the hunks apply: a patch
// whose context does not match still names its files, and is judged by them.
// Input larger than MaxSize is refused before it is read, and a patch of
// more than MaxFiles files once read that far; the work is linear in the
// input.
package patch

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// MaxSize is the largest patch Parse reads, in bytes.
const MaxSize = 16 << 20

// MaxFiles is how many files one patch may touch: each written path is
// resolved and judged (some 100 µs each), and a patch of 100,000 small
// files ran the hook past its deadline.
const MaxFiles = 5000

// ErrTooLarge is returned for a patch larger than MaxSize, or touching more
// than MaxFiles files.
var ErrTooLarge = errors.New("patch larger than the limit")

// Op is what a patch does to one file.
type Op int

// The operations.
const (
	Add    Op = iota + 1 // create (or overwrite) the file
	Delete               // remove the file
	Update               // change the file, and move it when MoveTo is set
)

func (o Op) String() string {
	switch o {
	case Add:
		return "add"
	case Delete:
		return "delete"
	case Update:
		return "update"
	}
	return fmt.Sprintf("Op(%d)", int(o))
}

// File is one file the patch touches.
type File struct {
	Op     Op
	Path   string // as written in the patch
	MoveTo string // for Update with "*** Move to:", as written; else ""
	Line   int    // line of the file's header in the text, from 1
}

// Patch is a parsed patch.
type Patch struct {
	Files []File
}

// Paths returns every path the patch writes, as written, in patch order:
// each file's path, and the destination of a move after its source.
func (p *Patch) Paths() []string {
	var out []string
	for _, f := range p.Files {
		out = append(out, f.Path)
		if f.MoveTo != "" {
			out = append(out, f.MoveTo)
		}
	}
	return out
}

// Abs returns path made absolute against dir, without cleaning it: ".."
// and symbolic links are left for the caller to resolve the way a write
// would (policy.Resolve).
func Abs(path, dir string) string {
	if strings.HasPrefix(path, "/") {
		return path
	}
	return strings.TrimSuffix(dir, "/") + "/" + path
}

// Targets returns the absolute paths a write of path, applied in dir, may
// land on: path joined onto dir as written, and the same cleaned lexically
// ("l/../x" is x, as Codex and Node's path.resolve clean it, where the
// kernel would follow a symlink l before its ".."); and when path starts
// with "~/", both again with home in its place (Codex's own apply_patch
// 0.169 writes a literal "~" directory, newer code expands it). The
// uncleaned forms are for the caller to resolve through symlinks (as
// policy.Resolve does); duplicates are dropped.
func Targets(path, dir, home string) []string {
	var out []string
	for _, p := range []string{path, ExpandHome(path, home)} {
		abs := Abs(p, dir)
		for _, t := range []string{abs, filepath.Clean(abs)} {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// ExpandHome returns path with a leading "~" or "~/" replaced by home, as
// Codex expands it ("~user" is not expanded); path itself when home is not
// absolute.
func ExpandHome(path, home string) string {
	if !strings.HasPrefix(home, "/") {
		return path
	}
	if path == "~" {
		return home
	}
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		return strings.TrimSuffix(home, "/") + "/" + strings.TrimLeft(rest, "/")
	}
	return path
}

// Error is a malformed patch: Line is the line number in the text given to
// Parse (from 1), Text that line, Msg what is wrong with it.
type Error struct {
	Line int
	Text string
	Msg  string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return "malformed patch: " + e.Msg
	}
	return fmt.Sprintf("malformed patch: line %d: %s: %q", e.Line, e.Msg, truncate(e.Text, 200))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

const (
	beginMarker  = "*** Begin Patch"
	endMarker    = "*** End Patch"
	addMarker    = "*** Add File: "
	deleteMarker = "*** Delete File: "
	updateMarker = "*** Update File: "
	moveMarker   = "*** Move to: "
	eofMarker    = "*** End of File"
)

// line is one line of the patch and its number in the text.
type line struct {
	text string
	n    int
}

// Parse reads a patch. The error is an *Error for a malformed patch, or
// wraps ErrTooLarge.
func Parse(text string) (*Patch, error) {
	if len(text) > MaxSize {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(text), MaxSize)
	}
	lines := splitLines(text)
	body, err := boundaries(lines)
	if err != nil {
		var lenient error
		if body, lenient = heredoc(lines); lenient != nil {
			return nil, err
		}
	}
	p := &Patch{}
	for i := 0; i < len(body); {
		f, n, err := parseFile(body[i:])
		if err != nil {
			return nil, err
		}
		if len(p.Files) == MaxFiles {
			return nil, fmt.Errorf("%w: more than %d files (split it)", ErrTooLarge, MaxFiles)
		}
		p.Files = append(p.Files, f)
		i += n
	}
	return p, nil
}

// splitLines trims white space around the whole text, as Codex does, and
// splits it into lines numbered as in the original text. A line's final
// "\r" is dropped.
func splitLines(text string) []line {
	trimmed := strings.TrimLeftFunc(text, isSpace)
	first := 1 + strings.Count(text[:len(text)-len(trimmed)], "\n")
	trimmed = strings.TrimRightFunc(trimmed, isSpace)
	if trimmed == "" {
		return nil
	}
	out := make([]line, 0, strings.Count(trimmed, "\n")+1)
	for n := first; ; n++ {
		s, rest, more := strings.Cut(trimmed, "\n")
		out = append(out, line{strings.TrimSuffix(s, "\r"), n})
		if !more {
			break
		}
		trimmed = rest
	}
	return out
}

// boundaries checks the begin and end markers and returns the lines
// between them. A repeated end marker (with only blank lines between) is
// one end marker, as Codex 0.169 reads it.
func boundaries(lines []line) ([]line, error) {
	if n := len(lines); n >= 3 && trim(lines[n-1].text) == endMarker {
		i := n - 2
		for i > 0 && trim(lines[i].text) == "" {
			i--
		}
		if i > 0 && trim(lines[i].text) == endMarker {
			lines = lines[:i+1]
		}
	}
	if len(lines) == 0 {
		return nil, &Error{Msg: "empty: the first line must be " + quote(beginMarker)}
	}
	first, last := lines[0], lines[len(lines)-1]
	if trim(first.text) != beginMarker {
		return nil, &Error{Line: first.n, Text: first.text, Msg: "the first line must be " + quote(beginMarker)}
	}
	if len(lines) < 2 || trim(last.text) != endMarker {
		return nil, &Error{Line: last.n, Text: last.text, Msg: "the last line must be " + quote(endMarker)}
	}
	return lines[1 : len(lines)-1], nil
}

// heredoc accepts the patch wrapped in a here-document, as models write
// `apply_patch <<'EOF'` into the tool's input: a first line <<EOF, <<'EOF'
// or <<"EOF", a last line ending in EOF, and a whole patch between them.
func heredoc(lines []line) ([]line, error) {
	if len(lines) < 4 {
		return nil, errors.New("not a here-document")
	}
	switch lines[0].text {
	case "<<EOF", "<<'EOF'", `<<"EOF"`:
	default:
		return nil, errors.New("not a here-document")
	}
	if !strings.HasSuffix(lines[len(lines)-1].text, "EOF") {
		return nil, errors.New("not a here-document")
	}
	return boundaries(lines[1 : len(lines)-1])
}

// parseFile reads one file's section at the start of lines and returns it
// with the number of lines it took.
func parseFile(lines []line) (File, int, error) {
	head := lines[0]
	h := trim(head.text)
	switch {
	case strings.HasPrefix(h, addMarker):
		f, err := file(Add, h[len(addMarker):], head)
		n := 1
		for n < len(lines) && strings.HasPrefix(lines[n].text, "+") {
			n++
		}
		return f, n, err
	case strings.HasPrefix(h, deleteMarker):
		f, err := file(Delete, h[len(deleteMarker):], head)
		return f, 1, err
	case strings.HasPrefix(h, updateMarker):
		f, err := file(Update, h[len(updateMarker):], head)
		if err != nil {
			return f, 0, err
		}
		n := 1
		if n < len(lines) && strings.HasPrefix(trimRight(lines[n].text), moveMarker) {
			to := dropTabs(trimRight(lines[n].text)[len(moveMarker):])
			if err := checkPath(to, lines[n]); err != nil {
				return f, 0, err
			}
			f.MoveTo = to
			n++
		}
		chunks := 0
		for n < len(lines) {
			l := lines[n]
			eof := trimRight(l.text) == eofMarker
			if strings.Trim(l.text, " ") == "" || (eof && chunks == 0) {
				// Codex 0.169 also passes over an end-of-file marker
				// before the first hunk.
				n++
				continue
			}
			if strings.HasPrefix(l.text, "*") && !eof {
				break
			}
			used, err := chunk(lines[n:], chunks == 0)
			if err != nil {
				return f, 0, err
			}
			chunks++
			n += used
		}
		if chunks == 0 {
			return f, 0, &Error{Line: head.n, Text: head.text, Msg: "update of " + quote(f.Path) + " has no hunk"}
		}
		return f, n, nil
	}
	return File{}, 0, &Error{Line: head.n, Text: head.text,
		Msg: "not a file header (" + quote(addMarker+"PATH") + ", " + quote(deleteMarker+"PATH") + " or " + quote(updateMarker+"PATH") + ")"}
}

// dropTabs drops every tab and carriage return of a header's path, as Codex
// 0.171.0 writes it (measured: "*** Add File: \t.vscode/x" wrote .vscode/x,
// "mid\ttab.txt" midtab.txt, "a\rb.txt" ab.txt, for Update, Move to and
// Delete too); a blank, \v, \f and other control characters stay (" x"
// wrote a file " x").
func dropTabs(path string) string {
	return strings.NewReplacer("\t", "", "\r", "").Replace(path)
}

// file makes a file section, its path read by dropTabs.
func file(op Op, path string, head line) (File, error) {
	path = dropTabs(path)
	return File{Op: op, Path: path, Line: head.n}, checkPath(path, head)
}

// checkPath refuses the paths no write could have: empty, or with a NUL
// byte.
func checkPath(path string, l line) error {
	switch {
	case path == "":
		return &Error{Line: l.n, Text: l.text, Msg: "empty path"}
	case strings.IndexByte(path, 0) >= 0:
		return &Error{Line: l.n, Text: l.text, Msg: "path holds a NUL byte"}
	}
	return nil
}

// chunk reads one hunk of an update: an optional "@@" line (required but
// for the first hunk), then context, removed and added lines, up to a line
// that is none of these or "*** End of File". It returns the number of
// lines taken.
func chunk(lines []line, first bool) (int, error) {
	start := 0
	switch h := trimRight(lines[0].text); {
	case h == "@@" || strings.HasPrefix(h, "@@ "):
		start = 1
	case !first:
		return 0, &Error{Line: lines[0].n, Text: lines[0].text, Msg: `a hunk must start with "@@"`}
	}
	if start >= len(lines) {
		return 0, &Error{Line: lines[0].n, Text: lines[0].text, Msg: "hunk without lines"}
	}
	n := 0
	for _, l := range lines[start:] {
		if trimRight(l.text) == eofMarker {
			if n == 0 {
				return 0, &Error{Line: l.n, Text: l.text, Msg: "hunk without lines"}
			}
			n++
			break
		}
		if l.text == "" || l.text[0] == ' ' || l.text[0] == '+' || l.text[0] == '-' {
			n++
			continue
		}
		if n == 0 {
			return 0, &Error{Line: l.n, Text: l.text, Msg: `a hunk line must start with " ", "-" or "+"`}
		}
		break
	}
	return start + n, nil
}

func trim(s string) string { return strings.TrimFunc(s, isSpace) }

func trimRight(s string) string { return strings.TrimRightFunc(s, isSpace) }

// isSpace is Unicode white space, as Rust's str::trim takes it.
func isSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

func quote(s string) string { return `"` + s + `"` }
