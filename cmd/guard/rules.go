package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"guard/internal/config"
	"guard/internal/gate"
	"guard/internal/rules"
	"guard/policy"
)

const rulesUsage = `usage: guard rules list [--json]   every rule remembered at a prompt ("always"), numbered
       guard rules rm N             revoke rule N of the list
Rules are kept in the user's policy (everywhere) or per project, outside the project
(projects/<hash>.policy in guard's configuration directory).
`

func (c *cli) rules(args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(c.stdout, rulesUsage)
		return 0
	}
	dir := config.Dir(c.getenv)
	if dir == "" {
		fmt.Fprintln(c.stderr, "guard rules: no configuration directory (set HOME or XDG_CONFIG_HOME)")
		return gate.ExitFailure
	}
	all, err := rules.All(config.UserPolicyPath(c.getenv), dir)
	if err != nil {
		fmt.Fprintf(c.stderr, "guard rules: %s\n", gate.Visible(err.Error()))
		return gate.ExitFailure
	}
	switch args[0] {
	case "list", "ls":
		asJSON := false
		for _, a := range args[1:] {
			if a != "--json" {
				return c.usageError(fmt.Errorf("%w: guard rules list: unknown argument %s", errUsage, a))
			}
			asJSON = true
		}
		if asJSON {
			enc := json.NewEncoder(c.stdout)
			for i, r := range all {
				_ = enc.Encode(struct {
					N int `json:"n"`
					rules.Meta
					File string `json:"file"`
					Rule string `json:"rule"`
				}{i + 1, r.Meta, r.File, r.Text})
			}
			return 0
		}
		if len(all) == 0 {
			fmt.Fprintln(c.stdout, "no remembered rules")
			return 0
		}
		for i, r := range all {
			// Everything shown is escaped for the terminal: the commands
			// and project paths came from an agent.
			scope := string(r.Scope)
			if r.Scope == rules.Project {
				scope += " " + r.Project
			}
			scope = gate.Visible(scope)
			made := "unknown time"
			if !r.Made.IsZero() {
				made = r.Made.Local().Format("2006-01-02 15:04")
			}
			cmd := "(written by hand)"
			if len(r.Command) > 0 {
				cmd = gate.Display(r.Command)
			}
			fmt.Fprintf(c.stdout, "%3d  %s, %s, %s: %s\n", i+1, gate.Visible(r.Kind), scope, made, cmd)
			if r.Bind != nil {
				sum := r.Bind.SHA256
				if len(sum) > 16 {
					sum = sum[:16]
				}
				fmt.Fprintf(c.stdout, "     bound to %s sha256:%s\n", gate.Visible(r.Bind.Path), gate.Visible(sum))
			}
			for _, line := range strings.Split(strings.TrimSpace(r.Text), "\n") {
				fmt.Fprintf(c.stdout, "     %s\n", gate.Visible(line))
			}
		}
		return 0
	case "rm", "remove", "revoke":
		if len(args) != 2 {
			return c.usageError(fmt.Errorf("%w: guard rules rm N", errUsage))
		}
		n, err := strconv.Atoi(args[1])
		if err != nil {
			return c.usageError(fmt.Errorf("%w: guard rules rm: %q is not a rule number", errUsage, args[1]))
		}
		r, i, err := all.Index(n)
		if err != nil {
			fmt.Fprintf(c.stderr, "guard rules rm: %s\n", gate.Visible(err.Error()))
			return gate.ExitFailure
		}
		check := func(data []byte) error { _, err := policy.Load(r.File, data); return err }
		if err := rules.Remove(r.File, r.Scope, i, check); err != nil {
			fmt.Fprintf(c.stderr, "guard rules rm: %s\n", gate.Visible(err.Error()))
			return gate.ExitFailure
		}
		cmd := gate.Visible(strings.TrimSpace(r.Text))
		if len(r.Command) > 0 {
			cmd = gate.Display(r.Command)
		}
		fmt.Fprintf(c.stdout, "revoked rule %d (%s, %s): %s\n", n, gate.Visible(r.Kind), gate.Visible(string(r.Scope)), cmd)
		return 0
	}
	return c.usageError(fmt.Errorf("%w: guard rules: unknown command %s", errUsage, args[0]))
}
