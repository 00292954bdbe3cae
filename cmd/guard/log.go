package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"guard/internal/audit"
	"guard/internal/config"
	"guard/internal/gate"
	"guard/policy/shell"
)

const logUsage = `usage: guard log [--since DURATION|DATE] [--decision run|sandbox|ask|refuse] [--agent NAME]
                 [--project DIR] [-n N] [--json]
Reads guard's audit log: the recent decisions, then the commands refused or asked
about most, each with what would allow it. --json prints the matching entries as
JSON lines instead.
`

// log reads the audit log (see package audit) and summarises it.
func (c *cli) log(args []string) int {
	fs := flag.NewFlagSet("guard log", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	since := fs.String("since", "", "")
	decision := fs.String("decision", "", "")
	agent := fs.String("agent", "", "")
	project := fs.String("project", "", "")
	n := fs.Int("n", 20, "")
	asJSON := fs.Bool("json", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(c.stdout, logUsage)
			return 0
		}
		return c.usageError(fmt.Errorf("%w: guard log: %v", errUsage, err))
	}
	if fs.NArg() > 0 {
		return c.usageError(fmt.Errorf("%w: guard log: unexpected argument %q", errUsage, fs.Arg(0)))
	}
	// An unset variable (--project "$DIR") must not mean "every entry".
	var empty string
	fs.Visit(func(f *flag.Flag) {
		if f.Value.String() == "" && empty == "" {
			empty = f.Name
		}
	})
	if empty != "" {
		return c.usageError(fmt.Errorf("%w: guard log: --%s needs a value, not an empty one", errUsage, empty))
	}
	if *n < 0 {
		return c.usageError(fmt.Errorf("%w: guard log: -n %d: want a count, 0 or more", errUsage, *n))
	}
	from, err := parseSince(*since, time.Now())
	if err != nil {
		fmt.Fprintf(c.stderr, "guard log: --since: %v\n", err)
		return gate.ExitFailure
	}
	switch *decision {
	case "", "run", "sandbox", "ask", "refuse":
	default:
		fmt.Fprintf(c.stderr, "guard log: --decision %q: want run, sandbox, ask or refuse\n", *decision)
		return gate.ExitFailure
	}
	path, err := config.AuditLogEnv(c.getenv)
	if err != nil {
		fmt.Fprintf(c.stderr, "guard log: %s\n", gate.Visible(err.Error()))
		return gate.ExitFailure
	}
	if path == "" {
		cfg, err := config.Load(c.getenv)
		if err != nil {
			fmt.Fprintf(c.stderr, "guard log: config: %v\n", err)
			return gate.ExitFailure
		}
		path = cfg.AuditLog
	}
	if path == "" && config.DefaultAuditLog(c.getenv) == "" {
		fmt.Fprintln(c.stderr, "guard log: no audit log: neither XDG_STATE_HOME nor HOME is an absolute path (GUARD_AUDIT_LOG names one)")
		return gate.ExitFailure
	}
	if path == "" {
		fmt.Fprintln(c.stderr, "guard log: the audit log is off (audit_log = \"\" in the config)")
		return gate.ExitFailure
	}
	entries, skipped, err := audit.Read(path)
	if err != nil {
		fmt.Fprintf(c.stderr, "guard log: %v\n", err)
		return gate.ExitFailure
	}
	if *project, err = homePath("--project", *project); err != nil {
		return c.usageError(err)
	}
	dirs, err := projectForms(*project)
	if err != nil {
		fmt.Fprintf(c.stderr, "guard log: --project: %s\n", gate.Visible(err.Error()))
		return gate.ExitFailure
	}
	var kept []audit.Entry
	resolved := map[string]string{} // an entry's directory through its links, once each
	real := func(p string) string {
		r, ok := resolved[p]
		if !ok {
			r = resolveExisting(p)
			if r == p {
				r = ""
			}
			resolved[p] = r
		}
		return r
	}
	inProject := func(p string) bool {
		if p == "" {
			return false
		}
		if slices.ContainsFunc(dirs, func(d string) bool { return within(p, d) }) {
			return true
		}
		// Logged through a link ($PWD as the shell kept it, a hook's
		// project as the agent gave it): the real directory was not found.
		r := real(p)
		return r != "" && slices.ContainsFunc(dirs, func(d string) bool { return within(r, d) })
	}
	for _, e := range entries {
		if e.Time.Before(from) || (*decision != "" && e.Decision != *decision) || (*agent != "" && e.Agent != *agent) {
			continue
		}
		if len(dirs) > 0 && !inProject(e.Project) && !inProject(e.Cwd) {
			continue
		}
		kept = append(kept, e)
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetEscapeHTML(false)
		for _, e := range kept {
			if err := enc.Encode(e); err != nil {
				fmt.Fprintf(c.stderr, "guard log: %v\n", err)
				return gate.ExitFailure
			}
		}
		return 0
	}
	// Commands, paths, reasons and rules were chosen by the agent: every
	// character a terminal acts on is shown as an escape.
	out := termSafe{c.stdout}
	fmt.Fprintf(out, "%s: %d entries, %d match", path, len(entries), len(kept))
	if skipped > 0 {
		fmt.Fprintf(out, " (%d unreadable lines skipped)", skipped)
	}
	fmt.Fprintln(out)
	if len(kept) == 0 {
		return 0
	}
	fmt.Fprintln(out, "\nrecent:")
	for _, e := range kept[max(0, len(kept)-*n):] {
		who := e.Mode
		if e.Agent != "" {
			who = e.Agent + " " + who
		}
		fmt.Fprintf(out, "  %s  %-7s %-16s %s\n", e.Time.Local().Format("2006-01-02 15:04:05"), e.Decision, who, oneLine(entryCommand(e), 100))
	}
	printAsked(out, kept, *n)
	return 0
}

// printAsked lists the commands refused or asked about, most frequent first,
// each with what would allow it.
func printAsked(w io.Writer, entries []audit.Entry, n int) {
	type group struct {
		command, reason, allow string
		count                  int
	}
	groups := map[string]*group{}
	for _, e := range entries {
		if e.Decision != "ask" && e.Decision != "refuse" {
			continue
		}
		cmd := entryCommand(e)
		g := groups[cmd]
		if g == nil {
			g = &group{command: cmd, allow: allowHint(e)}
			groups[cmd] = g
		}
		g.count++
		g.reason = e.Reason
	}
	if len(groups) == 0 {
		return
	}
	list := make([]*group, 0, len(groups))
	for _, g := range groups {
		list = append(list, g)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].count != list[j].count {
			return list[i].count > list[j].count
		}
		return list[i].command < list[j].command
	})
	fmt.Fprintln(w, "\nrefused or asked about, most often first:")
	for _, g := range list[:min(n, len(list))] {
		fmt.Fprintf(w, "  %4dx %s\n        why: %s\n        to allow: %s\n", g.count, oneLine(g.command, 100), oneLine(g.reason, 200), g.allow)
	}
}

// allowHint says what would let the entry's command run without a question.
func allowHint(e audit.Entry) string {
	if e.Class == "forbidden" {
		by := e.Rule
		if e.RuleAt != "" {
			by += " at " + e.RuleAt
		}
		return "nothing: forbidden by " + by
	}
	if e.Tool != "" && e.Command == "" && len(e.Argv) > 0 && e.Argv[0] == e.Tool {
		// An agent's file tool: judged by the paths it touches, which no
		// policy rule allows.
		return "an edit or read is judged by its paths, not by rules: guard explain --edit PATH (or --read) names the entry that matched; writable_roots or [protect] in guard's configuration change it"
	}
	if e.Command != "" && len(e.Argv) == 0 {
		return "a rule for each command of the script (guard explain -- bash -c '...' shows them)"
	}
	if len(e.Argv) == 0 {
		return "nothing known"
	}
	// The exact command: a wider rule is the person's choice to make.
	q := make([]string, len(e.Argv))
	for i, p := range e.Argv {
		b, _ := json.Marshal(p)
		q[i] = string(b)
	}
	return oneLine(fmt.Sprintf("answer \"always\" at the prompt, or add prefix_rule(pattern=[%s], decision=\"allow\") to a policy file in the config directory", strings.Join(q, ", ")), 300)
}

func entryCommand(e audit.Entry) string {
	if e.Command != "" {
		return e.Command
	}
	return shell.Join(e.Argv)
}

// oneLine makes s one printable line of at most n runes.
func oneLine(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "..."
	}
	return s
}

// projectForms is --project as the log may hold it: absolute (the log's
// directories are; "." is the directory guard log runs in), and also
// resolved through links, since a working directory is logged as the shell
// kept it ($PWD /link/p) and a hook's project as the agent gave it.
func projectForms(dir string) ([]string, error) {
	if dir == "" {
		return nil, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	forms := []string{abs}
	if r, err := filepath.EvalSymlinks(abs); err == nil && r != abs {
		forms = append(forms, r)
	}
	return forms, nil
}

// resolveExisting is p with the links of its longest existing part resolved
// (a directory logged then removed still counts by its parent); "" when no
// part resolves.
func resolveExisting(p string) string {
	rest := ""
	for d := filepath.Clean(p); ; d = filepath.Dir(d) {
		if r, err := filepath.EvalSymlinks(d); err == nil {
			return filepath.Join(r, rest)
		}
		if d == filepath.Dir(d) {
			return ""
		}
		rest = filepath.Join(filepath.Base(d), rest)
	}
}

func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// parseSince reads --since: a duration back from now ("2h", "30m", "7d") or
// a date ("2026-12-01", "2026-12-01T10:00:00Z").
func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(d, "%d", &days); err == nil && days >= 0 && fmt.Sprint(days) == d {
			return now.AddDate(0, 0, -days), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is neither a duration (2h, 30m, 7d) nor a date (2026-12-01)", s)
}
