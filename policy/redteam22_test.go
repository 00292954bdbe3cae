package policy_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestKubernetesSecretForms (judge-22): a Kubernetes Secret manifest is a
// secret however YAML or JSON writes its kind line: quoted, spaced, with
// a comment or a tag, in a flow mapping, or as `kubectl get secret -o
// json` prints it. Each file is first read by PyYAML (when installed) as
// a mapping of kind Secret with its data.
func TestKubernetesSecretForms(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	data := "data:\n  API_KEY: c2stbGl2ZS0wMTIzNDU2Nzg5YWJjZGVm\n"
	secrets := map[string]string{
		"spaced.yaml":  "apiVersion: v1\nkind:  Secret\n" + data,
		"dquoted.yaml": "apiVersion: v1\nkind: \"Secret\"\n" + data,
		"squoted.yaml": "apiVersion: v1\nkind: 'Secret'\n" + data,
		"comment.yaml": "apiVersion: v1\nkind: Secret # the app's keys\n" + data,
		"colon.yaml":   "apiVersion: v1\nkind : Secret\n" + data,
		"tagged.yaml":  "apiVersion: v1\nkind: !!str Secret\n" + data,
		"flow.yaml":    "{apiVersion: v1, kind: Secret, data: {API_KEY: c2stbGl2ZS0wMTIzNDU2Nzg5YWJjZGVm}}\n",
		"get.json": "{\n    \"apiVersion\": \"v1\",\n    \"data\": {\n        \"API_KEY\": \"c2stbGl2ZS0wMTIzNDU2Nzg5YWJjZGVm\"\n" +
			"    },\n    \"kind\": \"Secret\",\n    \"metadata\": {\"name\": \"api\"}\n}\n",
		"line.json": `{"apiVersion":"v1","kind":"Secret","data":{"API_KEY":"c2stbGl2ZS0wMTIzNDU2Nzg5YWJjZGVm"}}` + "\n",
	}
	others := map[string]string{
		"spc.yaml":    "apiVersion: v1\nkind: SecretProviderClass\n",
		"sealed.yaml": "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n",
		"notes.md":    "The kind: Secrets of the cluster are in vault.\n",
	}
	files := map[string]string{}
	for name, text := range secrets {
		files["proj/"+name] = text
	}
	for name, text := range others {
		files["proj/"+name] = text
	}
	writeTree(t, home, files)
	if err := exec.Command("python3", "-c", "import yaml").Run(); err == nil {
		for name := range secrets {
			out, err := exec.Command("python3", "-c", "import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); print(d['kind'], list(d['data']))",
				filepath.Join(proj, name)).CombinedOutput()
			if err != nil || strings.TrimSpace(string(out)) != "Secret ['API_KEY']" {
				t.Errorf("PyYAML reads %s as %q (%v), not a Secret with data", name, out, err)
			}
		}
	}
	cases := map[string]bool{}
	for name := range secrets {
		cases["cat "+name] = false
	}
	for name := range others {
		cases["cat "+name] = true
	}
	judgeRuns(t, set, proj, cases)
}

// TestCredentialValuesPrinted (judge-22): a variable whose value the
// sandbox's scrub removes by its form (protect.CredentialValue) is a secret
// the judge asks before printing, whatever it is called: a data source name
// without a scheme, a connection string's Password=, an authorization
// header, a webhook URL. The hooks judge with the agent's environment.
func TestCredentialValuesPrinted(t *testing.T) {
	set := defaultSet(t)
	dir := t.TempDir()
	values := map[string]string{
		"J22_A": "app:s3cret@tcp(db:3306)/app",
		"J22_B": "Server=db;Database=app;User Id=sa;Password=s3cret;",
		"J22_C": "Bearer abcdefghijklmnop",
		"J22_D": "https://hooks.slack.com/services/T000/B000/XXXXXXXX",
		"J22_E": "hello world",
		"J22_F": "git@github.com:o/r.git",
	}
	for name, v := range values {
		t.Setenv(name, v)
	}
	judgeRuns(t, set, dir, map[string]bool{
		`echo "$J22_A"`:      false,
		`printf %s "$J22_B"`: false,
		`echo $J22_C`:        false,
		`echo "$J22_D"`:      false,
		`echo "$J22_E"`:      true,
		`echo "$J22_F"`:      true,
	})
}

// TestNamesReadElsewhere (judge-22): the names a source lists are read by
// xargs's program where it runs: `ls src | (cd ~/.aws && xargs cat)` read
// ~/.aws/credentials for the project's harmless src/credentials. A reader
// in another directory than its source's is not followed. Each attack is
// run in the real bash first.
func TestNamesReadElsewhere(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		".aws/credentials":     "[default]\naws_secret_access_key = AWS-SECRET\n",
		"proj/src/credentials": "not these\n",
		"proj/src/a.go":        "package a\n",
	})
	cases := map[string]bool{
		`ls src | xargs -I{} wc -l src/{}`:      true,
		`cd src && ls | xargs wc -l`:            true,
		`find src -type f | sort | xargs wc -l`: true,
	}
	for _, cmd := range []string{
		`ls src | (cd ~/.aws && xargs cat)`,
		`ls src | { cd ~/.aws && xargs cat; }`,
		`ls src | (cd ~/.aws; xargs -I{} head {})`,
	} {
		c := exec.Command("bash", "-c", cmd)
		c.Dir = proj
		if out, _ := c.CombinedOutput(); !strings.Contains(string(out), "AWS-SECRET") {
			t.Errorf("bash did not print the key for %q: %s", cmd, out)
		}
		cases[cmd] = false
	}
	judgeRuns(t, set, proj, cases)
}
