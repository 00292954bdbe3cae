package policy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"guard/internal/safefile"
)

// kubectl and helm reads (issue 16, the third held-out batch). The policy
// declares their listing and status forms without the options that choose
// another server, user or kubeconfig (--kubeconfig, --server, --token,
// --as, --raw...); the judge adds, for every kubectl or helm command that a
// rule matched (kubectlWhy):
//
//   - the kubeconfig kubectl reads ($KUBECONFIG's files, or ~/.kube/config)
//     must name no credential plugin (`exec:`, `auth-provider:`): kubectl
//     runs that program, code from the user's configuration; a kubeconfig
//     that cannot be read or is too large to check counts as one;
//   - Secrets are never printed: `get` of secrets only as a table or names
//     (no -o yaml/json/jsonpath/go-template/custom-columns), no `describe`
//     of secrets (it prints a service-account token) or of what holds a
//     container's environment (pods and their controllers: literal env
//     values), and structured output or describe only for kinds that hold
//     neither (services, nodes, ingresses, volumes, events, ...; not
//     configmaps or custom resources), never -o *-file= (the template file
//     is printed);
//   - helm's commands that reach the cluster read the same kubeconfig;
//     its local ones (template, lint, show, dependency list) only a chart
//     that is here (another is fetched, through a downloader plugin for
//     some repositories).
//
// Limits: a custom resource is judged by its name: only the kinds listed
// are printed structured; a kubeconfig's exec plugin is found by its key.

// kubeCredentialPlugin finds the keys anywhere (YAML's flow style `user:
// {exec: {...}}` and JSON put them mid-line), quoted or not, in any case.
var kubeCredentialPlugin = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(^|[^a-z0-9_-])["']?(exec|auth-provider)["']?\s*:`)
})

// kubeEscapedKey: a quoted string with an escape (`"\x65xec"`, `"\u0065xec"`,
// a `\` that joins lines) or a complex key (`? exec`) can spell a key that
// the text does not show.
var kubeEscapedKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\\([xuU]|\r?\n)|(?m)^\s*(-\s*)?\?(\s|$)`) })

// kubeStructuredKinds hold no secret data and no container environment.
var kubeStructuredKinds = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"service": true, "services": true, "svc": true, "node": true, "nodes": true, "no": true,
		"ingress": true, "ingresses": true, "ing": true, "namespace": true, "namespaces": true, "ns": true,
		"persistentvolume": true, "persistentvolumes": true, "pv": true, "persistentvolumeclaim": true,
		"persistentvolumeclaims": true, "pvc": true, "event": true, "events": true, "ev": true, "endpoints": true,
		"ep": true, "horizontalpodautoscaler": true, "horizontalpodautoscalers": true, "hpa": true,
		"storageclass": true, "storageclasses": true, "sc": true, "networkpolicy": true, "networkpolicies": true,
		"netpol": true, "resourcequota": true, "resourcequotas": true, "quota": true, "limitrange": true,
		"limitranges": true, "limits": true, "ingressclass": true, "ingressclasses": true,
		"poddisruptionbudget": true, "poddisruptionbudgets": true, "pdb": true, "priorityclass": true,
		"priorityclasses": true, "pc": true,
	}
})

// kubeEnvKinds hold a container's environment, which describe prints.
var kubeEnvKinds = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"pod": true, "pods": true, "po": true, "deployment": true, "deployments": true, "deploy": true,
		"statefulset": true, "statefulsets": true, "sts": true, "daemonset": true, "daemonsets": true, "ds": true,
		"replicaset": true, "replicasets": true, "rs": true, "job": true, "jobs": true, "cronjob": true,
		"cronjobs": true, "cj": true, "replicationcontroller": true, "replicationcontrollers": true, "rc": true,
		"podtemplate": true, "podtemplates": true,
	}
})

func kubeSecretKind(k string) bool {
	switch k {
	case "secret", "secrets":
		return true
	}
	return false
}

// kubeKinds returns the kinds a kubectl resource word names: `pods`,
// `deploy,svc`, `pod/api-1`, `deployments.apps`.
//
// A kind qualified by a group that is not Kubernetes' own keeps its group
// (`services.serving.knative.dev` is not `services`: a Knative Service
// holds its containers' environment), so it is on no list of kinds that
// print nothing secret; the secret and environment checks see its bare
// name too.
func kubeKinds(w string) []string {
	var out []string
	for _, part := range strings.Split(w, ",") {
		kind, _, _ := strings.Cut(part, "/")
		kind = strings.ToLower(kind)
		bare, group, dotted := strings.Cut(kind, ".")
		if dotted && !kubeOwnGroup(group) {
			out = append(out, kind)
		}
		out = append(out, bare)
	}
	return out
}

// kubeOwnGroup: the version and group after a resource's name that name
// Kubernetes' own API (`v1`, `apps`, `networking.k8s.io`, `v1.networking.k8s.io`);
// a *.k8s.io group needs the API reviewers' approval, so no custom
// resource takes one.
func kubeOwnGroup(g string) bool {
	v, rest, ok := strings.Cut(g, ".")
	if ok && len(v) > 1 && v[0] == 'v' && v[1] >= '0' && v[1] <= '9' {
		g = rest // a version first: v1.apps
	} else if !ok && len(g) > 1 && g[0] == 'v' && g[1] >= '0' && g[1] <= '9' {
		return true // services.v1
	}
	switch g {
	case "", "apps", "batch", "autoscaling", "policy":
		return true
	}
	return g == "k8s.io" || strings.HasSuffix(g, ".k8s.io")
}

// kubectlWhy says why a matched kubectl or helm command is not a plain
// read, or "".
func kubectlWhy(r *Result, argv []string, cwd string) string {
	if r.Exec == nil {
		return ""
	}
	prog := filepath.Base(argv[0])
	if prog != "kubectl" && prog != "helm" {
		return ""
	}
	var positional []string
	for _, a := range r.Exec.Args {
		positional = append(positional, a.Value)
	}
	if prog == "kubectl" && len(positional) > 0 {
		structured := false
		for _, o := range r.Exec.Opts {
			if o.Name == "-o" || o.Name == "--output" {
				v, _, _ := strings.Cut(strings.TrimPrefix(o.Value, "="), "=")
				if strings.HasSuffix(v, "-file") {
					return "kubectl -o " + v + " prints a template file, which can be any file"
				}
				if v != "wide" && v != "name" {
					structured = true
				}
			}
		}
		sub := positional[0]
		// The resource word, and each later TYPE/NAME word: `kubectl get
		// svc/a secret/b` gets both.
		var kinds []string
		for i, p := range positional {
			if i == 1 || i > 1 && strings.Contains(p, "/") {
				kinds = append(kinds, kubeKinds(p)...)
			}
		}
		if sub == "get" || sub == "describe" {
			for _, k := range kinds {
				switch {
				case kubeSecretKind(k) && (sub == "describe" || structured):
					return "kubectl " + sub + " of secrets prints their values"
				case sub == "describe" && kubeEnvKinds()[k]:
					return "kubectl describe " + k + " prints the containers' environment"
				case sub == "describe" && !kubeStructuredKinds()[k]:
					return "kubectl describe " + k + " can print secret data (configmaps, custom resources)"
				case sub == "get" && structured && !kubeStructuredKinds()[k] && !kubeFieldsOnly(k, r.Exec.Opts):
					return "kubectl get " + k + " -o ... can print a container's environment or secret data"
				}
			}
		}
		if sub == "version" && slicesContains(argv, "--client") {
			return "" // no server, no credentials
		}
	}
	if prog == "helm" {
		// -f takes a URL too: helm fetches it (a getter plugin for
		// schemes other than http and https runs a program).
		for _, o := range r.Exec.Opts {
			if v := strings.TrimPrefix(o.Value, "="); (o.Name == "-f" || o.Name == "--values") && strings.Contains(v, "://") {
				return "helm fetches the values file " + v + ": the network, or a getter plugin for its scheme"
			}
		}
	}
	if prog == "helm" && len(positional) > 0 {
		var charts []string
		switch positional[0] {
		case "template":
			charts = positional[len(positional)-1:]
		case "lint":
			charts = positional[1:]
		case "show", "dependency":
			charts = positional[2:]
		case "search", "repo", "env", "version", "plugin":
			return "" // the repositories' index, helm's own settings
		}
		if positional[0] == "template" || positional[0] == "lint" || positional[0] == "show" || positional[0] == "dependency" {
			// A chart that is not here is fetched: the network, and a
			// repository's downloader plugin.
			for _, c := range charts {
				fi, err := os.Stat(absolute(c, cwd))
				if err != nil {
					return "helm fetches chart " + c + " (not a local chart): the network, and a repository's downloader plugin"
				}
				// Every file of a chart directory (links followed) is loaded
				// into .Files, which a template prints: `{{ .Files.Get "x" }}`.
				if fi.IsDir() {
					found, complete := secretFiles(Resolve(absolute(c, cwd), "/"), walkHow{hidden: true, content: true})
					if len(found) > 0 {
						return "helm loads " + found[0] + " of chart " + c + " into .Files, which its templates can print (" + whySecret(found[0]) + ")"
					}
					if !complete {
						return "helm loads every file of chart " + c + ", too many to check for secrets"
					}
				}
			}
			return ""
		}
	}
	return kubeconfigWhy()
}

// kubeFieldPaths are the fields of Kubernetes' own workload and config kinds
// that hold neither a container's environment nor config data: names,
// labels, times, images, counts and the status the cluster reports
// (fourth held-out batch: `kubectl get pods -o
// jsonpath='{.items[*].metadata.name}'`). Not .metadata.annotations (the
// last applied configuration holds the whole object), .data, .spec.*.env.
var kubeFieldPaths = []string{
	".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.creationTimestamp", ".metadata.uid",
	".metadata.generation", ".metadata.resourceVersion", ".metadata.ownerReferences", ".metadata.deletionTimestamp",
	".status", ".kind", ".apiVersion", ".spec.replicas", ".spec.nodeName", ".spec.schedule", ".spec.suspend",
	".spec.containers[].image", ".spec.containers[].name", ".spec.initContainers[].image",
	".spec.template.spec.containers[].image", ".spec.template.spec.containers[].name",
	".spec.jobTemplate.spec.template.spec.containers[].image",
}

// kubeFieldTemplate finds the field paths of a jsonpath template or of
// custom-columns' column specs: a . and what a path is made of.
var kubeFieldTemplate = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\.[A-Za-z0-9_.\[\]*-]*`)
})

// kubeIndex is a list index or wildcard in a field path: [0], [*].
var kubeIndex = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\[[^\]]*\]`) })

// kubeFieldsOnly reports whether every -o of a kubectl get of kind k is a
// jsonpath or custom-columns template that names only kubeFieldPaths, and k
// is one of Kubernetes' own workload kinds or a configmap: no filter
// (`?(@.env[0].value=="x")` is an oracle on a value), no recursive descent,
// no key chosen at run time.
func kubeFieldsOnly(k string, opts []MatchedOpt) bool {
	if !kubeEnvKinds()[k] && k != "configmap" && k != "configmaps" && k != "cm" {
		return false
	}
	n := 0
	for _, o := range opts {
		if o.Name != "-o" && o.Name != "--output" {
			continue
		}
		n++
		format, tmpl, _ := strings.Cut(strings.TrimPrefix(o.Value, "="), "=")
		var paths []string
		switch format {
		case "jsonpath", "jsonpath-as-json":
			if !strings.Contains(tmpl, "{") || strings.ContainsAny(tmpl, "?@$") || strings.Contains(tmpl, "..") {
				return false
			}
			for _, part := range strings.Split(tmpl, "{")[1:] {
				expr, _, ok := strings.Cut(part, "}")
				if !ok {
					return false
				}
				expr = strings.TrimSpace(expr)
				switch {
				case expr == "end" || strings.HasPrefix(expr, `"`) && strings.HasSuffix(expr, `"`):
					continue
				case strings.HasPrefix(expr, "range "):
					expr = strings.TrimSpace(strings.TrimPrefix(expr, "range "))
				}
				if !kubeFieldTemplate().MatchString(expr) || kubeFieldTemplate().FindString(expr) != expr {
					return false
				}
				paths = append(paths, expr)
			}
		case "custom-columns":
			for _, col := range strings.Split(tmpl, ",") {
				_, expr, ok := strings.Cut(col, ":")
				expr = strings.TrimSpace(expr)
				if !ok || strings.ContainsAny(expr, "?@$") || strings.Contains(expr, "..") ||
					kubeFieldTemplate().FindString(expr) != expr {
					return false
				}
				paths = append(paths, expr)
			}
		default:
			return false
		}
		for _, p := range paths {
			if !kubeFieldAllowed(p) {
				return false
			}
		}
	}
	return n > 0
}

// kubeFieldAllowed reports whether path (a list's `.items[*]` first, then a
// field) is one of kubeFieldPaths or below one; `.items[*]` alone, a
// range's list, is allowed.
func kubeFieldAllowed(path string) bool {
	norm := kubeIndex().ReplaceAllString(path, "[]")
	norm = strings.TrimPrefix(norm, ".items[]")
	if norm == "" {
		return true
	}
	for _, f := range kubeFieldPaths {
		if norm == f || strings.HasPrefix(norm, f+".") || strings.HasPrefix(norm, f+"[]") {
			return true
		}
	}
	return false
}

// kubeconfigWhy says why the kubeconfig kubectl would read runs a program
// or cannot be checked, or "".
func kubeconfigWhy() string {
	var files []string
	if kc := os.Getenv("KUBECONFIG"); kc != "" {
		files = filepath.SplitList(kc)
	} else if h := home(); filepath.IsAbs(h) {
		files = []string{filepath.Join(h, ".kube", "config")}
	} else {
		return "kubectl's kubeconfig cannot be found: HOME is not set"
	}
	for _, f := range files {
		if f == "" {
			continue
		}
		b, err := safefile.Read(f, maxContent)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return "kubeconfig " + f + " cannot be checked: " + err.Error()
		}
		if kubeCredentialPlugin().Match(b) {
			return "kubeconfig " + f + " runs a credential plugin (exec/auth-provider), a program from the user's configuration"
		}
		if kubeEscapedKey().Match(b) {
			return "kubeconfig " + f + " cannot be checked: an escaped string or a complex key can name a credential plugin"
		}
	}
	return ""
}
