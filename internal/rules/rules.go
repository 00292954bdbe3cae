// Package rules keeps the rules a person made at guard's prompt ("always"):
// where they are stored, with what they record, and how they are listed
// and revoked (guard rules list | rm N).
//
// A rule is stored as policy source text in one of two places: the user's
// policy file (everywhere) or a project's file, kept outside the project in
// guard's configuration directory and keyed by the project's path
// (projects/<hash>.policy), so that nothing inside a writable root can add
// to it. Each rule is preceded by one comment line, `# guard rule: {JSON}`,
// with its scope, when it was made, the command that made it, and for a
// program run by a relative path (`./gradlew test`) the file's path and
// content hash it is bound to.
//
// Limits: the files are as trusted as the rest of guard's configuration; a
// person who edits them by hand may leave blocks without a header, which are
// listed with what can be read from them and removed whole.
package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"go.starlark.net/syntax"

	"guard/internal/config"
	"guard/internal/safefile"
)

// Scope says where a rule applies.
type Scope string

// The scopes.
const (
	Global  Scope = "everywhere"
	Project Scope = "project"
)

// Binding ties a rule to the content of a program run by a relative path.
type Binding struct {
	Path   string `json:"path"`   // absolute
	SHA256 string `json:"sha256"` // hex
}

// Meta is what a rule records besides its policy text.
type Meta struct {
	Scope   Scope     `json:"scope"`
	Project string    `json:"project,omitempty"`
	Made    time.Time `json:"made"`
	Kind    string    `json:"kind"` // "exact" or "shape"
	Command []string  `json:"command"`
	Bind    *Binding  `json:"bind,omitempty"`
}

// Rule is one stored rule.
type Rule struct {
	Meta
	File string // the policy file that holds it
	Text string // the policy source, header excluded
}

const header = "# guard rule: "

// legacy is the header older guard versions wrote before an "always" rule.
const legacy = "# Approved always at a guard prompt on "

// ProjectFile returns the file that holds the rules of the project at
// root: projects/<first 16 hex digits of sha256(root)>.policy in dir
// (guard's configuration directory). "" when dir is.
func ProjectFile(dir, root string) string {
	if dir == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(filepath.Clean(root)))
	return filepath.Join(dir, "projects", hex.EncodeToString(sum[:8])+".policy")
}

// ProjectRoot returns the project a command run in dir belongs to: the
// nearest directory from dir up that holds a .git git would use (a
// directory, or the file of a worktree; through a link to one), else dir
// itself. A .git that leads nowhere is not a repository: guard's sandbox
// plants one at the top of /tmp (a link to /dev/null/guard-placeholder) so
// that no program finds a planted one there, and /tmp would otherwise be
// the one project of every directory below it, sharing their "always"
// answers.
func ProjectRoot(dir string) string {
	dir = filepath.Clean(dir)
	for d := dir; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(filepath.Join(d, ".git")); err == nil && (fi.IsDir() || fi.Mode().IsRegular()) {
			return d
		}
		if d == filepath.Dir(d) {
			return dir
		}
	}
}

// Hash returns the hex sha256 of the regular file at path. It opens with
// O_NONBLOCK, so a FIFO put where a program was is refused, not waited on.
func Hash(path string) (string, error) {
	f, _, err := safefile.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// maxFile bounds a rules file: policy.MaxPolicyBytes, past which it does
// not load as a policy layer either.
const maxFile = 1 << 20

// Read returns the rules of one file, in order; a missing file has none
// (also under a configuration directory that is a file, as config.toml).
// Anything but a regular file is an error: a FIFO is not waited on.
func Read(path string, scope Scope) ([]Rule, error) {
	if err := config.Own(path); err != nil {
		return nil, err // not a policy layer either (a rename would break the link)
	}
	data, err := safefile.Read(path, maxFile)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return parse(path, scope, data), nil
}

// parse splits a file into rule blocks: each starts at a header line (or a
// legacy one); text before the first is one block when it holds a rule.
func parse(path string, scope Scope, data []byte) []Rule {
	var out []Rule
	var cur *Rule
	var text strings.Builder
	flush := func() {
		if cur != nil {
			cur.Text = text.String()
			out = append(out, *cur)
		} else if strings.TrimSpace(stripComments(text.String())) != "" {
			out = append(out, Rule{Meta: Meta{Scope: scope, Kind: "hand-written"}, File: path, Text: text.String()})
		}
		cur = nil
		text.Reset()
	}
	for _, line := range strings.SplitAfter(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, header):
			flush()
			cur = &Rule{File: path, Meta: Meta{Scope: scope}}
			_ = json.Unmarshal([]byte(strings.TrimSpace(line[len(header):])), &cur.Meta)
			if cur.Scope == "" {
				cur.Scope = scope
			}
			continue
		case strings.HasPrefix(line, legacy):
			flush()
			cur = &Rule{File: path, Meta: Meta{Scope: scope, Kind: "exact"}}
			if t, err := time.Parse(time.RFC3339, strings.TrimSuffix(strings.TrimSpace(line[len(legacy):]), ".")); err == nil {
				cur.Made = t
			}
			continue
		}
		text.WriteString(line)
	}
	flush()
	return out
}

func stripComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func format(rs []Rule) []byte {
	var b bytes.Buffer
	for _, r := range rs {
		if r.Kind != "hand-written" {
			m, _ := json.Marshal(r.Meta)
			b.WriteString(header + string(m) + "\n")
		}
		b.WriteString(r.Text)
		if !strings.HasSuffix(r.Text, "\n") {
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}

// Check validates a whole policy file's new content before it is written
// and after it is read back; an error leaves the file as it was.
type Check func(data []byte) error

// Append adds a rule to the file, under a lock on its directory, writing
// the file atomically; check sees the new content before the write and
// again as read back, and a failure after the write restores the old file.
func Append(path string, m Meta, text string, check Check) error {
	return edit(path, func(old []byte) ([]byte, error) {
		mm, _ := json.Marshal(m)
		var b bytes.Buffer
		b.Write(old)
		if len(old) > 0 && old[len(old)-1] != '\n' {
			b.WriteByte('\n')
		}
		b.WriteString(header + string(mm) + "\n" + text)
		if !strings.HasSuffix(text, "\n") {
			b.WriteByte('\n')
		}
		return b.Bytes(), nil
	}, check)
}

// Remove deletes the i-th rule (from 0) of the file: the one statement
// guard wrote under its header. What the user wrote by hand is kept: the
// statements and comments after that one in the same block (a rule added at
// the end of the file), which went with it; a block that is all text written
// by hand, or that does not parse, is an error (edit the file instead).
func Remove(path string, scope Scope, i int, check Check) error {
	return edit(path, func(old []byte) ([]byte, error) {
		rs := parse(path, scope, old)
		if i < 0 || i >= len(rs) {
			return nil, fmt.Errorf("%s has no rule %d (it has %d)", path, i+1, len(rs))
		}
		if rs[i].Kind == "hand-written" {
			return nil, fmt.Errorf("rule %d is text written by hand in %s, not a rule remembered at a prompt; edit the file to change it", i+1, path)
		}
		rest, err := afterFirstStatement(rs[i].Text)
		if err != nil {
			return nil, fmt.Errorf("rule %d in %s: %v; edit the file to change it", i+1, path, err)
		}
		kept := append(rs[:i:i], rs[i+1:]...)
		if strings.TrimSpace(rest) != "" {
			hand := Rule{Meta: Meta{Scope: scope, Kind: "hand-written"}, File: path, Text: rest}
			kept = append(rs[:i:i], append([]Rule{hand}, rs[i+1:]...)...)
		}
		return format(kept), nil
	}, check)
}

// afterFirstStatement returns the lines of a rule block after its first
// statement (the rule guard wrote), "" when there is nothing else. A block
// that does not parse, or whose first statement shares its last line with
// more, is an error: guard cannot tell its rule from the rest.
func afterFirstStatement(text string) (string, error) {
	f, err := (&syntax.FileOptions{TopLevelControl: true, Set: true}).Parse("rule", text, 0)
	if err != nil {
		return "", fmt.Errorf("does not parse (%v)", err)
	}
	if len(f.Stmts) == 0 {
		return "", nil
	}
	_, end := f.Stmts[0].Span()
	if len(f.Stmts) > 1 {
		if next, _ := f.Stmts[1].Span(); next.Line <= end.Line {
			return "", errors.New("holds more than guard's rule on its line")
		}
	}
	lines := strings.SplitAfter(text, "\n")
	if int(end.Line) >= len(lines) {
		return "", nil
	}
	return strings.Join(lines[end.Line:], ""), nil
}

func edit(path string, change func(old []byte) ([]byte, error), check Check) error {
	if path == "" {
		return errors.New("no place for rules (HOME and XDG_CONFIG_HOME unset)")
	}
	dir := filepath.Dir(path)
	if err := config.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	unlock, err := config.LockDir(dir)
	if err != nil {
		return err
	}
	defer unlock()
	if err := config.Own(path); err != nil {
		return err
	}
	old, err := safefile.Read(path, maxFile)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	data, err := change(old)
	if err != nil {
		return err
	}
	if check != nil {
		if err := check(data); err != nil {
			return fmt.Errorf("not written, %s would not load: %w", path, err)
		}
	}
	if err := config.WriteFileAtomic(path, data, 0o600); err != nil {
		return err
	}
	back, err := os.ReadFile(path)
	if err == nil && check != nil {
		err = check(back)
	}
	if err != nil {
		if existed {
			_ = config.WriteFileAtomic(path, old, 0o600)
		} else {
			os.Remove(path)
		}
		return fmt.Errorf("rolled back, %s did not load as written: %w", path, err)
	}
	return nil
}

// Listing is every remembered rule: the user's file first, then each
// project's, in the order of their projects' paths.
type Listing []Rule

// All reads the user's file and every project file under dir.
func All(userPolicy, dir string) (Listing, error) {
	out, err := Read(userPolicy, Global)
	if err != nil {
		return nil, err
	}
	files, _ := filepath.Glob(filepath.Join(dir, "projects", "*.policy"))
	var proj []Rule
	for _, f := range files {
		rs, err := Read(f, Project)
		if err != nil {
			return nil, err
		}
		proj = append(proj, rs...)
	}
	sort.SliceStable(proj, func(i, j int) bool { return proj[i].Project < proj[j].Project })
	return append(out, proj...), nil
}

// Index returns which rule of its file the n-th listed rule (from 1) is.
func (l Listing) Index(n int) (Rule, int, error) {
	if n < 1 || n > len(l) {
		return Rule{}, 0, fmt.Errorf("no rule %d: there are %d", n, len(l))
	}
	r := l[n-1]
	i := 0
	for _, o := range l[:n-1] {
		if o.File == r.File {
			i++
		}
	}
	return r, i, nil
}
