package gate

import (
	"strings"
	"testing"

	"guard/policy"
)

func TestShapeRule(t *testing.T) {
	for _, tt := range []struct {
		argv  string
		shown string
		also  []string // argvs the shape admits
		not   []string // argvs it does not
	}{
		{"npm run test", "npm run test", []string{"npm run test"}, []string{"npm run build", "npm run test x", "npm install"}},
		{"npm run test -- --watch", "npm run test -- <paths>", []string{"npm run test -- --coverage"}, []string{"npm run lint"}},
		{"git log -n 5 -- a.ts", "git log -n <revs/paths> -- <paths>",
			[]string{"git log -n 3 -- b.ts", "git log -n 9 main -- x y"}, []string{"git log --output=x", "git log -p"}},
		{"pytest tests/test_a.py -x", "pytest -x <files>",
			[]string{"pytest tests/test_b.py -x", "pytest -x a.py b.py", "pytest -x"}, []string{"pytest -k x", "pytest --pdb a.py", "pytest", "pytest a.py"}},
		{"cargo test --release", "cargo test --release", []string{"cargo test --release --release"}, []string{"cargo build", "cargo test -j 9", "cargo test"}},
		// The options used are the shape's: without them the command may do
		// more (a dry run's real run).
		{"make -n deploy", "make deploy -n", []string{"make deploy -n"}, []string{"make deploy", "make -n deploy clean"}},
		{"git push --dry-run origin main", "git push --dry-run <revs/paths>", []string{"git push --dry-run origin other"},
			[]string{"git push origin main", "git push origin main --force"}},
		{"kubectl apply --dry-run=client -f x.yaml", "kubectl apply --dry-run=<value> -f <files>", []string{"kubectl apply -f y.yaml --dry-run=server"},
			[]string{"kubectl apply -f x.yaml"}},
		{"kubectl get pods --namespace=dev", "kubectl get --namespace=<value> <files>",
			[]string{"kubectl get svc --namespace=prod"}, []string{"kubectl delete pods", "kubectl get pods -o yaml"}},
	} {
		argv := strings.Fields(tt.argv)
		rule, shown, err := ShapeRule(argv, "")
		if err != nil {
			t.Errorf("%s: %v", tt.argv, err)
			continue
		}
		if shown != tt.shown {
			t.Errorf("%s: shape shown %q, want %q", tt.argv, shown, tt.shown)
		}
		p, err := policy.Load("user.policy", []byte(rule))
		if err != nil {
			t.Errorf("%s: the rule does not load: %v\n%s", tt.argv, err, rule)
			continue
		}
		set := policy.Set{p}
		for _, a := range append([]string{tt.argv}, tt.also...) {
			if r := set.Check(strings.Fields(a)); r.Class != policy.Safe {
				t.Errorf("shape of %q: %q is %s (%s), want safe", tt.argv, a, r.Class, r.Why())
			}
		}
		for _, a := range tt.not {
			if r := set.Check(strings.Fields(a)); r.Class == policy.Safe {
				t.Errorf("shape of %q: %q is safe, want not matched", tt.argv, a)
			}
		}
	}
}

// The never list: programs that run other programs or code are never
// remembered by their shape.
func TestNoShape(t *testing.T) {
	for _, argv := range []string{
		"bash -c x", "sh x.sh", "python3 x.py", "python -m pytest", "node x.js", "ruby x.rb", "perl -e x",
		"env FOO=1 make", "sudo apt update", "xargs rm", "timeout 5 make", "git -c a=b status", "git",
		"npx prettier .", "npm exec foo", "pnpm dlx x", "yarn dlx x", "uv run pytest", "uvx ruff", "poetry run x",
		"cargo run", "go run .", "bundle exec rake", "find . -exec rm {} ;", "ssh host ls", "/usr/bin/python3 x.py",
	} {
		if _, _, err := ShapeRule(strings.Fields(argv), ""); err == nil {
			t.Errorf("%q: shape offered, want never", argv)
		}
	}
}
