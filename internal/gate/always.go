package gate

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"guard/internal/rules"
	"guard/policy"
)

// An "always" answer is remembered at one of two granularities (the exact
// argv, or its shape: see ShapeRule) and in one of two scopes (this project,
// or everywhere). Nothing is remembered for a command a prompt rule asks
// about (a person must see it every time) or a forbidden one; a program
// run by a relative path (`./gradlew test`) is remembered for this project
// only, bound to that file's path and content hash: a changed script asks
// again.

// offer is what the prompt can remember for one command.
type offer struct {
	exact, shape       string // rule texts; "" when not offered
	shapeShown, noWhy  string
	relative, abs, sum string // a program bound to its content (a relative path, or one inside the roots), its absolute path and hash
}

func (g *Gate) offers(argv []string, v *policy.Verdict) offer {
	var o offer
	switch {
	case v.Prompt != "" || v.Class == policy.Forbidden:
		o.noWhy = "a rule asks a person every time"
		return o
	case v.Secret != "":
		o.noWhy = "it prints a secret, which is asked about every time"
		return o
	}
	path := ""
	// A program run by a relative path, or by its absolute path inside the
	// writable roots, is a file the agent can rewrite: the rule is bound
	// to its content (checkRemembered).
	if p := argv[0]; strings.Contains(p, "/") && (!filepath.IsAbs(p) || g.insideRoots(filepath.Clean(p))) {
		o.relative = p
		o.abs = filepath.Join(g.Cwd, p)
		if filepath.IsAbs(p) {
			o.abs = filepath.Clean(p)
		}
		sum, err := rules.Hash(o.abs)
		if err != nil {
			o.noWhy = err.Error()
			return o
		}
		o.sum, path = sum, o.abs
	}
	pinned := argv
	if path != "" {
		pinned = append([]string{path}, argv[1:]...)
	}
	if r, err := ExactRule(pinned, time.Now()); err == nil {
		o.exact = r
	} else {
		o.noWhy = err.Error()
	}
	// A shape types the words as files read: for a command that writes
	// (or may write anything) it would let it write anywhere, unasked.
	if v.Class == policy.Unverified && len(v.Writes) == 0 && !v.Unknown && !v.Script {
		if r, shown, err := ShapeRule(argv, path); err == nil {
			o.shape, o.shapeShown = r, shown
		}
	}
	return o
}

// promptAlways asks what to remember and writes it. It returns the reason
// for the decision, or "" when the person said no.
func (g *Gate) promptAlways(tty io.ReadWriter, argv []string, v *policy.Verdict, readLine func() string) string {
	o := g.offers(argv, v)
	choices := "[o]nce"
	if o.exact != "" {
		choices += ", [a]lways this exact command"
	}
	exactShown := strings.Join(append([]string{filepath.Base(argv[0])}, argv[1:]...), " ")
	if o.shape != "" && o.shapeShown != exactShown {
		choices += fmt.Sprintf(", [s]hape: always `%s`", Visible(o.shapeShown))
		fmt.Fprintf(tty, "guard: [s] writes this rule:\n%s", indent(o.shape))
	} else {
		o.shape = ""
	}
	if o.exact == "" && o.noWhy != "" {
		fmt.Fprintf(tty, "guard: not offered \"always\": %s\n", Visible(o.noWhy))
	}
	fmt.Fprintf(tty, "guard: run it? %s, [N]o: ", choices)
	var rule, kind string
	switch readLine() {
	case "o", "once", "y", "yes":
		return "approved once at the prompt"
	case "a", "always":
		rule, kind = o.exact, "exact"
	case "s", "shape":
		rule, kind = o.shape, "shape"
	default:
		return ""
	}
	if rule == "" {
		why := o.noWhy
		if why == "" {
			why = "that is not offered"
		}
		fmt.Fprintf(tty, "guard: not remembered (%s); running it once\n", Visible(why))
		return "approved once at the prompt"
	}
	scope := rules.Project
	if o.relative == "" {
		fmt.Fprintf(tty, "guard: remember it for [p]roject %s or [e]verywhere? [P/e]: ", Visible(g.ProjectRoot))
		if a := readLine(); a == "e" || a == "everywhere" {
			scope = rules.Global
		}
	}
	m := rules.Meta{Scope: scope, Made: time.Now().UTC().Truncate(time.Second), Kind: kind, Command: argv}
	file := g.UserPolicy
	if scope == rules.Project {
		m.Project, file = g.ProjectRoot, g.ProjectPolicy
	}
	if o.relative != "" {
		m.Bind = &rules.Binding{Path: o.abs, SHA256: o.sum}
	}
	judged := argv
	if o.abs != "" {
		judged = append([]string{o.abs}, argv[1:]...)
	}
	var err error
	if kind == "exact" && scope == rules.Global && o.relative == "" {
		err = g.remember(argv)
	} else {
		err = rules.Append(file, m, rule, checkRule(file, judged))
	}
	if err != nil {
		fmt.Fprintf(tty, "guard: not remembered (%s); running it once\n", Visible(err.Error()))
		return "approved once at the prompt"
	}
	fmt.Fprintf(tty, "guard: remembered in %s (%s, %s); guard rules list shows it\n", Visible(file), kind, scope)
	return "approved always at the prompt"
}

// remember appends a rule for exactly argv to the user's policy
// (everywhere), checked before the write and as read back.
func (g *Gate) remember(argv []string) error {
	rule, err := ExactRule(argv, time.Now())
	if err != nil {
		return err
	}
	m := rules.Meta{Scope: rules.Global, Made: time.Now().UTC().Truncate(time.Second), Kind: "exact", Command: argv}
	return rules.Append(g.UserPolicy, m, rule, checkRule(g.UserPolicy, argv))
}

// checkRule is what a rules file must pass to be written: it loads, and
// the command that made the rule is safe under it.
func checkRule(file string, argv []string) rules.Check {
	return func(data []byte) error {
		p, err := policy.Load(file, data)
		if err != nil {
			return err
		}
		if argv == nil {
			return nil
		}
		if r := (policy.Set{p}).Check(argv); r.Class != policy.Safe {
			return fmt.Errorf("the rule does not match the command (%s)", r.Why())
		}
		return nil
	}
}

// indent indents each line of a rule for the terminal, each made visible
// (a rule quotes the command's words, which may hold terminal controls).
func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		b.WriteString("    " + Visible(l) + "\n")
	}
	return b.String()
}

// boundArgv returns argv with a relative program replaced by its absolute
// path when this project remembered a rule bound to that file and the file
// still has the content it was bound to; else argv itself.
func (g *Gate) boundArgv(argv []string) []string {
	if len(argv) == 0 || !strings.Contains(argv[0], "/") || filepath.IsAbs(argv[0]) || g.ProjectPolicy == "" {
		return argv
	}
	rs, err := rules.Read(g.ProjectPolicy, rules.Project)
	if err != nil {
		return argv
	}
	abs := filepath.Join(g.Cwd, argv[0])
	for _, r := range rs {
		if r.Bind == nil || r.Bind.Path != abs {
			continue
		}
		if sum, err := rules.Hash(abs); err == nil && sum == r.Bind.SHA256 {
			return append([]string{abs}, argv[1:]...)
		}
	}
	return argv
}
