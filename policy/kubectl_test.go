package policy_test

import (
	"os"
	"path/filepath"
	"testing"

	"guard/policy"
)

// TestKubectlReads: kubectl's and helm's listing forms are safe with a
// kubeconfig that runs no credential plugin, and never print a Secret or a
// container's environment; with an exec plugin in the kubeconfig every
// command that reads it is asked about (kubectl.go).
func TestKubectlReads(t *testing.T) {
	set := defaultSet(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("KUBECONFIG", "")
	kc := filepath.Join(home, ".kube", "config")
	if err := os.MkdirAll(filepath.Dir(kc), 0o755); err != nil {
		t.Fatal(err)
	}
	certs := "apiVersion: v1\nusers:\n- name: kind\n  user:\n    client-certificate-data: AAAA\n"
	if err := os.WriteFile(kc, []byte(certs), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(home, "proj")
	if err := os.MkdirAll(filepath.Join(dir, "chart"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		cmd  string
		safe bool
	}{
		{"kubectl get pods", true},
		// Templates that name only names, labels, images and status.
		{"kubectl get pods -o jsonpath='{.items[*].metadata.name}'", true},
		{`kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}'`, true},
		{"kubectl get deployment api -o jsonpath='{.spec.template.spec.containers[0].image}'", true},
		{"kubectl get pods -n prod -o 'custom-columns=NAME:.metadata.name,RESTARTS:.status.containerStatuses[0].restartCount'", true},
		{"kubectl get pods -o jsonpath='{.items[*].spec.containers[*].env}'", false},
		{"kubectl get pods -o jsonpath='{.items[*].metadata.annotations}'", false},
		{"kubectl get cm app -o jsonpath='{.data}'", false},
		{`kubectl get pods -o jsonpath='{.items[?(@.spec.containers[0].env[0].value=="x")].metadata.name}'`, false},
		{"kubectl get pods -o jsonpath='{..value}'", false},
		{"kubectl get secret db -o jsonpath='{.metadata.name}'", false},
		{"kubectl get mycrd x -o jsonpath='{.status}'", false},
		{"kubectl get pods -o 'custom-columns=ENV:.spec.containers[0].env'", false},
		{"kubectl get pods -o go-template='{{.metadata.name}}'", false},
		{"kubectl get pods -o jsonpath=.spec", false},
		{"kubectl get pods -o jsonpath='{{.spec}}'", false},
		{"kubectl get pods -A -o wide", true},
		{"kubectl get deploy,svc,ingress -n staging", true},
		{"kubectl get events -n prod --sort-by=.lastTimestamp", true},
		{"kubectl get svc api -o yaml", true},
		{"kubectl get nodes -o json", true},
		{"kubectl get secrets -n prod", true},
		{"kubectl describe node worker-1", true},
		{"kubectl describe svc api", true},
		{"kubectl logs api-1 -n prod --tail=200", true},
		{"kubectl logs -f -l app=worker --max-log-requests=10", true},
		{"kubectl logs api-1 -c sidecar --previous", true},
		{"kubectl top pods -n prod", true},
		{"kubectl rollout status deploy/api -n prod", true},
		{"kubectl rollout history deploy/api", true},
		{"kubectl api-resources", true},
		{"kubectl explain deployment.spec.strategy", true},
		{"kubectl auth can-i list pods -n prod", true},
		{"kubectl config current-context", true},
		{"kubectl cluster-info", true},
		{"helm list -A", true},
		{"helm status api -n prod", true},
		{"helm template api ./chart -f values.yaml", true},
		{"helm lint ./chart", true},
		{"helm show values ./chart", true},
		{"helm repo list", true},
		{"helm show values bitnami/redis", false},
		{"helm template x s3repo/chart", false},
		{"kubectl get secret db -o yaml", false},
		{"kubectl get secret db -o jsonpath='{.data.password}'", false},
		{"kubectl get secrets/db -o json", false},
		{"kubectl get pods,secrets -o yaml", false},
		{"kubectl describe secret db", false},
		{"kubectl describe pod api-1", false},
		{"kubectl describe deploy/api", false},
		{"kubectl get pod api-1 -o yaml", false},
		{"kubectl get deployment api -o jsonpath='{.spec.template.spec.containers[0].env}'", false},
		{"kubectl get cm app -o yaml", false},
		{"kubectl get mycrd x -o yaml", false},
		{"kubectl get --raw /api/v1/namespaces/x/secrets", false},
		{"kubectl get pods --kubeconfig ./kc", false},
		{"kubectl get pods -s https://x.example", false},
		{"kubectl get pods --token abc", false},
		{"kubectl get pods --as admin", false},
		{"kubectl get pods -v=9", false},
		{"KUBECONFIG=./kc kubectl get pods", false},
		{"kubectl config view --raw", false},
		{"kubectl config use-context prod", false},
		{"kubectl rollout history deploy/api --revision=3", false},
		{"kubectl rollout restart deploy/api", false},
		{"kubectl delete pod api-1", false},
		{"kubectl exec api-1 -- ls", false},
		{"kubectl port-forward svc/api 8080:80", false},
		{"kubectl cluster-info dump", false},
		{"helm get values api", false},
		{"helm status api -o json", false},
		{"kubectl get svc -o go-template-file=/home/agent/.ssh/id_rsa", false},
		{"kubectl get svc -o jsonpath-file=x.txt", false},
		{"kubectl get secret db -ojson", false},
		{"kubectl get secret db --output=yaml", false},
		{"kubectl get secret db -o=yaml", false},
		{"kubectl describe cm app", false},
		{"kubectl describe externalsecret db", false},
		{"kubectl get secrets -o name", true},
		{"helm get manifest api", false},
		{"helm template x ./chart --post-renderer ./x.sh", false},
		{"helm template ./chart --output-dir out", false},
		{"helm upgrade --install api ./chart", false},
		{"helm list --kubeconfig ./kc", false},
	}
	for _, c := range cases {
		v := set.Judge([]string{"bash", "-c", c.cmd}, dir)
		if got := v.Class == policy.Safe; got != c.safe {
			t.Errorf("%q: %s (%s), want safe=%v", c.cmd, v.Class, v.Reason, c.safe)
		}
	}
	// A credential plugin in the kubeconfig runs a program: the cluster's
	// reads are asked about; helm's local forms stay safe.
	exec := certs + "- name: eks\n  user:\n    exec:\n      command: aws\n      args: [eks, get-token]\n"
	if err := os.WriteFile(kc, []byte(exec), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		cmd  string
		safe bool
	}{
		{"kubectl get pods", false},
		{"kubectl logs api-1", false},
		{"kubectl version", false},
		{"helm list", false},
		{"kubectl version --client", true},
		{"helm lint ./chart", true},
	} {
		v := set.Judge([]string{"bash", "-c", c.cmd}, dir)
		if got := v.Class == policy.Safe; got != c.safe {
			t.Errorf("with an exec plugin, %q: %s (%s), want safe=%v", c.cmd, v.Class, v.Reason, c.safe)
		}
	}
	// $KUBECONFIG's files are the ones read.
	other := filepath.Join(home, "kc-auth")
	if err := os.WriteFile(other, []byte("users:\n- user:\n    auth-provider:\n      name: gcp\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kc, []byte(certs), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", kc+string(os.PathListSeparator)+other)
	if v := set.Judge([]string{"bash", "-c", "kubectl get pods"}, dir); v.Class == policy.Safe {
		t.Errorf("kubectl get pods with an auth-provider in $KUBECONFIG is safe, want unverified")
	}
}
