package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRulesUnreadableInFullAuto: guard's remembered rules (user.policy,
// projects/*.policy) and its cache of evaluated policies hold the commands a
// person approved, a password in their arguments among them. The judge
// treats reading them as a secret read (judge-6 M17); a program run in
// full-auto read them all the same (sandbox-6 S6-7). They read as empty now,
// and a guard run inside (a shim) still works, without those answers.
func TestRulesUnreadableInFullAuto(t *testing.T) {
	w := newWorld(t)
	needSandbox(t, w, "full-auto")
	const token = "PW-guard-rules-secret"
	rule := `# guard rule: {"scope":"everywhere","command":["psql","postgres://admin:` + token + `@db/prod"]}` + "\n" +
		`prefix_rule(pattern = ["psql", "postgres://admin:` + token + `@db/prod"], decision = "allow")` + "\n"
	userPolicy := filepath.Join(w.configDir(), "user.policy")
	w.write(userPolicy, rule, 0o600)
	w.write(filepath.Join(w.work, "show.sh"), "for f in \"$@\"; do cat \"$f\"; done; echo shown\n", 0o644)
	// A first run fills the policy cache.
	if r := execute(t, w.guardCmd("--mode", "full-auto", "--", "true")); r.code != 0 {
		t.Fatalf("full-auto true: %s", r)
	}
	cache, _ := filepath.Glob(filepath.Join(w.home, ".cache", "guard", "policies", "*user.policy*"))
	if len(cache) == 0 {
		t.Fatal("no cache entry for user.policy")
	}
	if data := readFileOr(cache[0]); !strings.Contains(data, token) {
		t.Skipf("the cache entry does not hold the rule's text here: nothing to hide")
	}
	r := execute(t, w.guardCmd(append([]string{"--mode", "full-auto", "--", "sh", "show.sh", userPolicy}, cache...)...))
	if strings.Contains(r.stdout, token) || !strings.Contains(r.stdout, "shown") {
		t.Fatalf("full-auto read guard's rules: %s", r)
	}
	// A guard run inside goes without the hidden answers.
	r = execute(t, w.guardCmd("--mode", "full-auto", "--", "sh", "-c", w.guard+" --mode full-auto -- echo nested-ok"))
	if r.code != 0 || !strings.Contains(r.stdout, "nested-ok") {
		t.Fatalf("a guard inside full-auto: %s", r)
	}
}
