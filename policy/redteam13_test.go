package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

const rt13Kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:1
contexts:
- name: x
  context:
    cluster: c
    user: u
current-context: x
users:
- name: u
  user:
`

// F1 (judge-13): kubectl's and helm's check reads the kubeconfig for an
// exec credential plugin before the script runs; writtenInput knew only the
// files near the working directory and the command's reads. With an
// inherited KUBECONFIG naming a file in a writable root (/tmp, or the
// project seen from a subdirectory), `cp evil.yaml $KUBECONFIG; kubectl get
// pods` ran the plugin unasked in auto-edit. The same holds for go's env
// file ($GOENV), whose GOTOOLCHAIN the go check reads.
func TestRedTeam13ScriptWritesNamedConfig(t *testing.T) {
	set, _, proj := rtLab(t)
	src := filepath.Join(proj, "src")
	good := rt13Kubeconfig + "    token: abc\n"
	evil := rt13Kubeconfig + "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: " +
		filepath.Join(proj, "plug.sh") + "\n      interactiveMode: Never\n"
	mustWrite(t, filepath.Join(proj, "evil.yaml"), evil)
	mustWrite(t, filepath.Join(proj, "good.yaml"), good)
	kc := filepath.Join(proj, ".kube", "config")
	mustWrite(t, kc, good)
	t.Setenv("KUBECONFIG", kc)
	if kubectl, err := exec.LookPath("kubectl"); err == nil {
		marker := filepath.Join(proj, "ran")
		mustWrite(t, filepath.Join(proj, "plug.sh"), "#!/bin/sh\ntouch "+marker+"\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"x\"}}'\n")
		if err := os.Chmod(filepath.Join(proj, "plug.sh"), 0o755); err != nil {
			t.Fatal(err)
		}
		rtRun(t, src, "cp ../evil.yaml ../.kube/config; "+kubectl+" get pods --request-timeout=2s; cp ../good.yaml ../.kube/config")
		if _, err := os.Stat(marker); err != nil {
			t.Fatalf("kubectl did not run the exec plugin of the kubeconfig the script wrote: the premise does not hold here")
		}
	}
	if runs, why := rt13Runs(set, src, proj, "kubectl get pods", policy.AutoEdit); !runs {
		t.Fatalf("kubectl get pods with a plain kubeconfig: %s; want run (the near misses below mean nothing otherwise)", why)
	}
	for _, c := range []string{
		"cp ../evil.yaml ../.kube/config; kubectl get pods",
		"cat ../evil.yaml > ../.kube/config && kubectl get pods -A",
		"cat ../evil.yaml > " + kc + "; kubectl get deploy",
		"tee ../.kube/config < ../evil.yaml; kubectl get pods",
		"mv ../evil.yaml ../.kube/config; kubectl get pods",
		"cp ../evil.yaml ../.kube/config; helm list",
		"cd ../.kube && cp ../evil.yaml config; cd ../src && kubectl get pods",
	} {
		if runs, why := rt13Runs(set, src, proj, c, policy.AutoEdit); runs {
			t.Errorf("%q in auto-edit: %s; want asked (the kubeconfig was read before the script wrote it)", c, why)
		}
	}
	// go's env file named by GOENV: GOTOOLCHAIN there makes go fetch and
	// run another toolchain.
	genv := filepath.Join(proj, ".config", "go", "env")
	mustWrite(t, genv, "\n")
	t.Setenv("GOENV", genv)
	if runs, why := rt13Runs(set, src, proj, "go version", policy.AutoEdit); runs {
		if runs, why := rt13Runs(set, src, proj, "echo GOTOOLCHAIN=go1.99.0 > ../.config/go/env; go version", policy.AutoEdit); runs {
			t.Errorf("a write of $GOENV then go version: %s; want asked", why)
		}
	} else {
		t.Logf("go version is asked here already (%s)", why)
	}
	for _, c := range []string{
		"echo x > ../.kube/notes.txt; kubectl get pods",
		"echo x > ../other/x.yaml; kubectl get pods",
		"echo x > ../.config/go/notes; go version",
		"kubectl get pods",
	} {
		if runs, why := rt13Runs(set, src, proj, c, policy.AutoEdit); !runs {
			t.Errorf("%q in auto-edit: %s; want run", c, why)
		}
	}
	if strings.Contains(good, "exec") {
		t.Fatal("the plain kubeconfig names a plugin")
	}
}

// rt13Runs is rt9Runs with the writable root given (the project, for a
// command run in a subdirectory).
func rt13Runs(set policy.Set, dir, root, cmd string, mode policy.Mode) (bool, string) {
	v := set.Judge([]string{"bash", "-c", cmd}, dir)
	d := policy.Decide(&v, mode, []string{root})
	return d.Action == policy.Run, string(v.Class) + ", " + string(d.Action) + " (" + d.Reason + ")"
}

// F2 (judge-13): go doc prints a package's declarations from its .go files,
// constant values included (-u, -all, -src the source): a token that `cat
// cfg/k.go` is asked about was printed by `go doc -src ./cfg Key`, `go doc
// -u ./cfg`, `go doc m/cfg` and `go doc Key` in the package's directory.
func TestRedTeam13GoDocPrintsToken(t *testing.T) {
	set, _, proj := rtLab(t)
	tok := "sk-proj-aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9fG"
	mustWrite(t, filepath.Join(proj, "go.mod"), "module example.com/m\n\ngo 1.21\n")
	mustWrite(t, filepath.Join(proj, "cfg/k.go"), "package cfg\n\n// Key is the key.\nconst Key = \""+tok+"\"\n")
	mustWrite(t, filepath.Join(proj, "lib/l.go"), "package lib\n\n// N is a number.\nconst N = 42\n")
	if gobin, err := exec.LookPath("go"); err == nil {
		cmd := exec.Command(gobin, "doc", "-src", "./cfg", "Key")
		cmd.Dir = proj
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), tok) {
			t.Fatalf("go doc did not print the constant (%q): the premise does not hold here", out)
		}
	}
	cfg := filepath.Join(proj, "cfg")
	for _, c := range []struct{ dir, cmd string }{
		{proj, "go doc -src ./cfg Key"},
		{proj, "go doc -u ./cfg"},
		{proj, "go doc -all ./cfg"},
		{proj, "go doc ./cfg Key"},
		{proj, "go doc example.com/m/cfg"},
		{proj, "go doc -src example.com/m/cfg.Key"},
		{proj, "go doc " + cfg},
		{cfg, "go doc -u"},
		{cfg, "go doc Key"},
		{cfg, "go doc -src ."},
	} {
		if runs, why := rt9Runs(set, c.dir, c.cmd, policy.Suggest); runs {
			t.Errorf("%q in %s: %s; want asked (the package's files hold a token)", c.cmd, c.dir, why)
		}
	}
	for _, c := range []struct{ dir, cmd string }{
		{proj, "go doc fmt"},
		{proj, "go doc -src fmt.Println"},
		{proj, "go doc ./lib"},
		{proj, "go doc -all example.com/m/lib"},
		{filepath.Join(proj, "lib"), "go doc -u"},
	} {
		if runs, why := rt9Runs(set, c.dir, c.cmd, policy.Suggest); !runs {
			t.Errorf("%q in %s: %s; want run", c.cmd, c.dir, why)
		}
	}
}

// F3 (judge-13): gofmt with a directory argument prints every .go file
// below it (formatted), or with -d their changed lines: `gofmt cfg` printed
// the token that `cat cfg/k.go` and `gofmt cfg/k.go` are asked about.
func TestRedTeam13GofmtPrintsToken(t *testing.T) {
	set, home, proj := rtLab(t)
	tok := "sk-proj-aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9fG"
	mustWrite(t, filepath.Join(proj, "m.go"), "package main\n\nfunc main() {}\n")
	mustWrite(t, filepath.Join(proj, "cfg/k.go"), "package cfg\n\nconst Key  =  \""+tok+"\"\n")
	mustWrite(t, filepath.Join(proj, "lib/l.go"), "package lib\n\nconst N  = 42\n")
	mustLink(t, filepath.Join(home, ".aws", "credentials"), filepath.Join(proj, "lk", "x.go"))
	if gofmt, err := exec.LookPath("gofmt"); err == nil {
		cmd := exec.Command(gofmt, "cfg")
		cmd.Dir = proj
		if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), tok) {
			t.Fatalf("gofmt did not print the file below the directory (%q): the premise does not hold here", out)
		}
	}
	for _, c := range []string{
		"gofmt cfg", "gofmt -d cfg", "gofmt -s -d .", "gofmt -e .", "gofmt -l -d .", "gofmt -ld cfg",
		"gofmt " + proj, "gofmt -d lk", "cd cfg && gofmt .",
		// -l prints names, but quotes the tokens of a file it cannot
		// parse: lk/x.go is not Go (judge-23 J23-1).
		"gofmt -l lk", "gofmt -l .",
	} {
		if runs, why := rt9Runs(set, proj, c, policy.Suggest); runs {
			t.Errorf("%q: %s; want asked (a .go file below holds a token)", c, why)
		}
	}
	for _, c := range []string{"gofmt -l cfg", "gofmt -d lib", "gofmt -s -d m.go", "gofmt lib"} {
		if runs, why := rt9Runs(set, proj, c, policy.Suggest); !runs {
			t.Errorf("%q: %s; want run", c, why)
		}
	}
}
