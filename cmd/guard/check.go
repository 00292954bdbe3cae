package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"guard/internal/gate"
	"guard/policy"
)

// Exit codes of guard check, as the original execpolicy CLI.
const (
	checkOK         = 0
	checkLoadFailed = 1
	checkUsage      = 2
	checkMatch      = 12
	checkUnverified = 13
	checkForbidden  = 14
)

func (c *cli) check(args []string) int {
	f, rest, err := parseFlags(args, "--policy", "--require-safe")
	if err != nil {
		fmt.Fprintf(c.stderr, "guard check: %v\n", err)
		return checkUsage
	}
	if f.help {
		fmt.Fprint(c.stdout, usage)
		return checkOK
	}
	if len(rest) == 0 {
		fmt.Fprintln(c.stderr, "guard check: usage: no program given")
		return checkUsage
	}
	return c.printCheck(f, rest)
}

func (c *cli) checkJSON(args []string) int {
	f, rest, err := parseFlags(args, "--policy", "--require-safe")
	if err != nil {
		fmt.Fprintf(c.stderr, "guard check-json: %v\n", err)
		return checkUsage
	}
	if len(rest) != 1 {
		fmt.Fprintln(c.stderr, `guard check-json: usage: want one argument, '{"program":"ls","args":["-l"]}'`)
		return checkUsage
	}
	var call struct {
		Program *string  `json:"program"`
		Args    []string `json:"args"`
	}
	dec := json.NewDecoder(strings.NewReader(rest[0]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&call); err != nil || call.Program == nil {
		if err == nil {
			err = errors.New(`missing "program"`)
		}
		fmt.Fprintf(c.stderr, "guard check-json: usage: bad JSON: %v\n", err)
		return checkUsage
	}
	return c.printCheck(f, append([]string{*call.Program}, call.Args...))
}

func (c *cli) printCheck(f flags, argv []string) int {
	f.PolicyAlone = true
	g, err := c.newGate(f.Options)
	if err != nil {
		fmt.Fprintf(c.stderr, "guard check: %v\n", err)
		return checkLoadFailed
	}
	r := g.Set.Check(argv)
	if r.Class == policy.Safe || r.Class == policy.Match {
		// What the rule matched is not all guard checks: the files a
		// read names may be secrets, PATH may lead to a planted program.
		// A harness that runs what check calls safe must not print
		// ~/.ssh/id_rsa, so the judgement here may only make it worse.
		v, _ := g.Judge(argv)
		r = policy.Stricter(r, v, argv)
		if r.Class == policy.Safe || r.Class == policy.Match {
			// A match is "writes these files", which a harness runs when
			// they are inside its roots: what guard asks about all the
			// same (rm -r ../p, cp x .git/hooks/pre-commit) is not one.
			r = askedAnyway(r, g, &v, argv)
		}
	}
	fmt.Fprintf(c.stdout, "%s\n", r.JSON())
	if !f.requireSafe {
		return checkOK
	}
	switch r.Class {
	case policy.Match:
		return checkMatch
	case policy.Unverified:
		return checkUnverified
	case policy.Forbidden:
		return checkForbidden
	}
	return checkOK
}

// askedAnyway is r, or unverified when guard asks about v whatever the mode
// and the roots: PrefixRulePrompt for what it asks in every mode, Judged for
// a write to a protected path.
func askedAnyway(r policy.Result, g *gate.Gate, v *policy.Verdict, argv []string) policy.Result {
	why, prompt := g.AskedWhateverTheMode(v)
	if why == "" {
		return r
	}
	e := &policy.MatchError{Type: policy.ErrJudged, Program: argv[0], Value: why}
	if prompt {
		e.Type, e.Value, e.Explanation = policy.ErrPrefixRulePrompt, "", why
	}
	return policy.Result{Class: policy.Unverified, Err: e, Rule: r.Rule, At: r.At}
}

// policySet loads the policy layers without the rest of the gate's setup
// errors mattering for classification.
func (c *cli) policySet(opts gate.Options) (policy.Set, error) {
	g, err := c.newGate(opts)
	if err != nil {
		return nil, err
	}
	return g.Set, nil
}

// policy is `guard policy test [FILE...]` and `guard policy list`.
func (c *cli) policy(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(c.stderr, "guard policy: usage: guard policy test [FILE...] | guard policy list")
		return checkUsage
	}
	switch args[0] {
	case "test":
		return c.policyTest(args[1:])
	case "list":
		return c.policyList(args[1:])
	}
	fmt.Fprintf(c.stderr, "guard policy: usage: unknown subcommand %q (test, list)\n", args[0])
	return checkUsage
}

// policyTest verifies every example of every rule of the files named, or
// of the default policy and every configured layer.
func (c *cli) policyTest(files []string) int {
	type source struct {
		name string
		src  []byte
	}
	var sources []source
	if len(files) == 0 {
		sources = append(sources, source{policy.DefaultFile, policy.DefaultSource()})
		g, err := c.newGate(gate.Options{})
		if err != nil {
			fmt.Fprintf(c.stderr, "guard policy test: %v\n", err)
			return checkLoadFailed
		}
		files = g.PolicyFiles
	}
	for _, f := range files {
		b, err := policy.ReadFile(f) // a regular file of bounded size, never blocking
		if err != nil {
			fmt.Fprintf(c.stderr, "guard policy test: %v\n", err)
			return checkLoadFailed
		}
		sources = append(sources, source{f, b})
	}
	failed := 0
	for _, s := range sources {
		p, err := policy.Evaluate(s.name, s.src)
		if err != nil {
			fmt.Fprintf(c.stderr, "%v\n", err)
			failed++
			continue
		}
		errs := p.VerifyAll()
		for _, e := range errs {
			fmt.Fprintf(c.stderr, "%v\n", e)
		}
		failed += len(errs)
		rules, examples := p.Counts()
		status := "ok"
		if len(errs) > 0 {
			status = "FAIL"
		}
		fmt.Fprintf(c.stdout, "%s\t%s: %d rules, %d examples\n", status, s.name, rules, examples)
	}
	if failed > 0 {
		fmt.Fprintf(c.stdout, "%d failures\n", failed)
		return checkLoadFailed
	}
	return checkOK
}

// policyList shows the programs and prefixes the loaded layers cover.
func (c *cli) policyList(args []string) int {
	f, rest, err := parseFlags(args, "--policy")
	if err == nil && len(rest) > 0 {
		err = fmt.Errorf("%w: takes only --policy FILE, not %s", errUsage, strings.Join(rest, " "))
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "guard policy list: %v\n", err)
		return checkUsage
	}
	set, err := c.policySet(f.Options)
	if err != nil {
		fmt.Fprintf(c.stderr, "guard policy list: %v\n", err)
		return checkLoadFailed
	}
	var b bytes.Buffer
	for _, p := range set {
		for _, e := range p.Entries() {
			fmt.Fprintf(&b, "%-12s %-30s %s\n", e.Kind, e.Name, e.At)
		}
	}
	fmt.Fprint(c.stdout, b.String())
	return checkOK
}
