package policy_test

import (
	"os"
	"path/filepath"
	"testing"
)

// The twelfth held-out batch (testdata/heldout12.txt): the shares of its
// harmless commands (read) that must run unasked in suggest and auto-edit
// mode, and of its edits that auto-edit must run; a little under what the
// default reaches, so that a change that loses a class of them fails.
const (
	heldOut12Reads = 0.78
	heldOut12Edits = 0.72
)

// heldOut12Files is the scratch monorepo the twelfth batch is judged in: a
// Go service, a Rust worker, TypeScript packages, a Python package, a
// Gradle project, a CMake library, a gem and a PHP app, shell scripts,
// data files, docker and kubernetes files, the secrets such a repository
// holds (.env, a TLS key, a Kubernetes Secret), a list of source files and
// a list naming secrets; the home is heldOut10Files' (the usual
// credentials) with neighbouring projects.
var heldOut12Files = map[string]string{
	"mono/README.md":                                "# mono\n\n## Install\n\nmake bootstrap\n\n## Layout\n\nservices, packages, py, java, native\n",
	"mono/CHANGELOG.md":                             "# Changelog\n\n## 0.8.0\n- worker queue\n",
	"mono/Makefile":                                 "build:\n\tgo build ./...\n\ntest:\n\tgo test ./...\n\nbootstrap:\n\t./scripts/bootstrap.sh\n",
	"mono/.gitignore":                               "node_modules/\ntarget/\nbuild/\n.env\n# editors\n.idea/\n",
	"mono/.editorconfig":                            "root = true\n\n[*]\nindent_style = space\n",
	"mono/.dockerignore":                            "node_modules\ntarget\n.env\n",
	"mono/.nvmrc":                                   "20\n",
	"mono/package.json":                             "{\"name\": \"mono\", \"version\": \"0.8.0\", \"private\": true, \"workspaces\": [\"packages/web\", \"packages/shared\"], \"scripts\": {\"lint\": \"turbo run lint\", \"test\": \"turbo run test\"}, \"devDependencies\": {\"turbo\": \"^2.0.0\"}}\n",
	"mono/pnpm-workspace.yaml":                      "packages:\n  - packages/*\n",
	"mono/pnpm-lock.yaml":                           "lockfileVersion: '9.0'\n",
	"mono/turbo.json":                               "{\"tasks\": {\"build\": {}, \"test\": {}, \"lint\": {}}}\n",
	"mono/go.work":                                  "go 1.22\n\nuse ./services/api\n",
	"mono/services/api/go.mod":                      "module example.com/mono/api\n\ngo 1.22\n",
	"mono/services/api/main.go":                     "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n\n\t\"example.com/mono/api/internal/handler\"\n)\n\nfunc main() {\n\tlog.Fatal(http.ListenAndServe(\":8080\", handler.New()))\n}\n",
	"mono/services/api/Dockerfile":                  "FROM golang:1.22 AS build\nCOPY . /src\nRUN go build -o /api .\n",
	"mono/services/api/internal/handler/handler.go": "package handler\n\nimport \"net/http\"\n\n// Handler serves the API.\ntype Handler struct{}\n\nfunc New() *Handler { return &Handler{} }\n\nfunc (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {\n\tvar _ interface{} = r\n\tw.WriteHeader(http.StatusOK) // TODO: routes\n}\n",
	"mono/services/api/internal/handler/handler_test.go":                "package handler\n\nimport \"testing\"\n\nfunc TestHandler(t *testing.T) { t.Run(\"empty_body\", func(t *testing.T) {}) }\n",
	"mono/services/api/internal/store/store.go":                         "package store\n\nimport \"context\"\n\nconst MaxConns = 10\n\nfunc Open() context.Context { return context.TODO() }\n",
	"mono/services/worker/Cargo.toml":                                   "[package]\nname = \"worker\"\nversion = \"0.3.1\"\nedition = \"2021\"\n\n[dependencies]\nserde = \"1\"\n",
	"mono/services/worker/Cargo.lock":                                   "version = 3\n\n[[package]]\nname = \"worker\"\nversion = \"0.3.1\"\n",
	"mono/services/worker/Dockerfile":                                   "FROM rust:1.78\nCOPY . /src\nRUN cargo build --release\n",
	"mono/services/worker/src/main.rs":                                  "fn main() {}\n",
	"mono/services/worker/src/queue.rs":                                 "pub struct Queue(Vec<u32>);\n\nimpl Queue {\n    pub fn new() -> Self { Queue(Vec::new()) }\n    pub fn pop(&mut self) -> Option<u32> { self.0.pop() }\n    pub fn is_empty(&self) -> bool { self.0.is_empty() }\n}\n",
	"mono/services/worker/tests/queue.rs":                               "#[test]\nfn drains_in_order() {}\n",
	"mono/packages/web/package.json":                                    "{\"name\": \"@acme/web\", \"version\": \"0.5.0\", \"scripts\": {\"build\": \"vite build\", \"test\": \"vitest run\"}, \"dependencies\": {\"react\": \"^18.3.0\", \"@acme/shared\": \"workspace:*\"}, \"devDependencies\": {\"vitest\": \"^1.6.0\", \"typescript\": \"^5.4.0\"}}\n",
	"mono/packages/web/tsconfig.json":                                   "{\"compilerOptions\": {\"strict\": true, \"jsx\": \"react-jsx\"}}\n",
	"mono/packages/web/src/index.ts":                                    "import { retry } from '@acme/shared';\nexport const main = () => retry(async () => 1);\n",
	"mono/packages/web/src/api/client.ts":                               "export const config = { timeout: 5000 };\nexport async function get(u: string) { return fetch(u); }\n",
	"mono/packages/web/src/components/App.tsx":                          "import { useEffect } from 'react';\nexport function App() { useEffect(() => {}, []); return null; }\n",
	"mono/packages/web/src/__tests__/client.test.ts":                    "import { test } from 'vitest';\ntest('retries on 503', () => {});\n",
	"mono/packages/shared/package.json":                                 "{\"name\": \"@acme/shared\", \"version\": \"0.2.0\", \"main\": \"src/index.ts\"}\n",
	"mono/packages/shared/src/index.ts":                                 "export function retry<T>(f: () => Promise<T>) { return f(); }\n",
	"mono/py/analytics/pyproject.toml":                                  "[project]\nname = \"analytics\"\nversion = \"0.2.0\"\ndependencies = [\"pandas\"]\n\n[project.optional-dependencies]\ndev = [\"pytest\"]\n",
	"mono/py/analytics/analytics/__init__.py":                           "",
	"mono/py/analytics/analytics/etl.py":                                "import csv\n\n\ndef load_rows(path):\n    print(path)\n    return list(csv.reader(open(path)))\n\n\ndef dedupe(xs):\n    return list(dict.fromkeys(xs))\n",
	"mono/py/analytics/analytics/util.py":                               "def noop():\n    pass\n",
	"mono/py/analytics/tests/test_etl.py":                               "from analytics.etl import dedupe\n\n\ndef test_load_rows():\n    assert dedupe([1]) == [1]\n",
	"mono/java/billing/build.gradle":                                    "plugins { id 'java' }\n\ndependencies {\n    implementation 'com.google.guava:guava:33.0.0-jre'\n    testImplementation 'org.junit.jupiter:junit-jupiter:5.10.0'\n}\n",
	"mono/java/billing/settings.gradle":                                 "rootProject.name = 'billing'\n",
	"mono/java/billing/gradlew":                                         "#!/bin/sh\nexec java -jar gradle/wrapper/gradle-wrapper.jar \"$@\"\n",
	"mono/java/billing/gradle/wrapper/gradle-wrapper.properties":        "distributionUrl=https\\://services.gradle.org/distributions/gradle-8.7-bin.zip\n",
	"mono/java/billing/src/main/java/com/acme/billing/Invoice.java":     "package com.acme.billing;\n\npublic class Invoice {\n    public java.util.List<String> lines() { return java.util.List.of(); }\n}\n",
	"mono/java/billing/src/test/java/com/acme/billing/InvoiceTest.java": "package com.acme.billing;\n\nclass InvoiceTest {\n    @org.junit.jupiter.api.Test void empty() {}\n}\n",
	"mono/native/CMakeLists.txt":                                        "cmake_minimum_required(VERSION 3.20)\nproject(codec C)\nadd_library(codec src/codec.c)\nadd_executable(test_codec tests/test_codec.c)\ntarget_link_libraries(test_codec codec)\n",
	"mono/native/src/codec.c":                                           "#include <stdlib.h>\n#include \"codec.h\"\n\nint codec_decode(const char *in) {\n    char *b = malloc(CODEC_BUF);\n    free(b);\n    return 0;\n}\n",
	"mono/native/include/codec.h":                                       "#pragma once\n#define CODEC_BUF 1024\nint codec_decode(const char *in);\n",
	"mono/native/tests/test_codec.c":                                    "#include \"codec.h\"\nint main(void) { return codec_decode(\"\"); }\n",
	"mono/ruby/Gemfile":                                                 "source 'https://rubygems.org'\ngem 'slack-notifier'\n",
	"mono/ruby/Gemfile.lock":                                            "GEM\n  specs:\n\nDEPENDENCIES\n  slack-notifier\n",
	"mono/ruby/lib/notifier.rb":                                         "class Notifier\n  def channels\n    ['slack']\n  end\nend\n",
	"mono/ruby/spec/notifier_spec.rb":                                   "describe Notifier do\n  it 'has channels' do\n  end\nend\n",
	"mono/php/composer.json":                                            "{\"require\": {\"php\": \"^8.2\"}, \"autoload\": {\"psr-4\": {\"App\\\\\": \"src/\"}}}\n",
	"mono/php/src/Controller.php":                                       "<?php\nclass Controller {\n    public function index() { return []; }\n}\n",
	"mono/scripts/deploy.sh":                                            "#!/bin/sh\nset -e\nkubectl apply -k deploy/k8s\n",
	"mono/scripts/lint.sh":                                              "#!/bin/sh\ngolangci-lint run ./...\n",
	"mono/scripts/bootstrap.sh":                                         "#!/usr/bin/env bash\nset -euo pipefail\npnpm install\n",
	"mono/data/events.csv":                                              "id,kind,ts,amount\n1,signup,2024-01-01,0\n2,purchase,2024-01-02,120\n",
	"mono/data/report.tsv":                                              "a\tb\n1\t2\n",
	"mono/data/users.json":                                              "[{\"id\": 1, \"name\": \"a\", \"email\": \"a@example.com\", \"plan\": \"pro\", \"active\": true}]\n",
	"mono/data/metrics.ndjson":                                          "{\"service\": \"api\", \"level\": \"info\", \"latency_ms\": 12}\n{\"service\": \"worker\", \"level\": \"error\", \"latency_ms\": 40}\n",
	"mono/data/new_ids.txt":                                             "2\n1\n",
	"mono/data/old_ids.txt":                                             "1\n",
	"mono/logs/api.log":                                                 "2024-01-01 10:00 INFO start\n2024-01-01 10:01 ERROR boom\n",
	"mono/Dockerfile":                                                   "FROM node:20\nCOPY . /app\nRUN pnpm install\n",
	"mono/docker-compose.yml":                                           "services:\n  api:\n    build: services/api\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n",
	"mono/deploy/k8s/deployment.yaml":                                   "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: dev\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: api\n          image: acme/api:1.7.0\n          resources:\n            limits: {cpu: 500m}\n",
	"mono/deploy/k8s/service.yaml":                                      "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n",
	"mono/deploy/k8s/secret.yaml":                                       "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-secrets\ndata:\n  API_KEY: c2stbGl2ZS0wMTIzNDU2Nzg5YWJjZGVm\n",
	"mono/deploy/k8s/kustomization.yaml":                                "resources:\n  - deployment.yaml\n  - service.yaml\n",
	"mono/deploy/helm/Chart.yaml":                                       "name: api\nversion: 0.1.0\n",
	"mono/deploy/helm/values.yaml":                                      "image:\n  repository: acme/api\n  tag: \"1.7.0\"\n",
	"mono/.github/workflows/ci.yml":                                     "jobs:\n  test:\n    steps:\n      - run: make test\n",
	"mono/.env":                                                         "DATABASE_URL=postgres://app:s3cret@db/app\nOPENAI_API_KEY=sk-proj-0123456789abcdef0123456789abcdef\n",
	"mono/.env.example":                                                 "DATABASE_URL=\nOPENAI_API_KEY=\n",
	"mono/certs/server.key":                                             "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n",
	"mono/certs/server.crt":                                             "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
	"mono/files.txt":                                                    "README.md\nservices/api/main.go\npackages/web/src/index.ts\n",
	"mono/secrets-list.txt":                                             "../.ssh/id_rsa\n.env\n",
	"mono/urls.txt":                                                     "http://localhost:8080/healthz\n",
	"mono/fix.patch":                                                    "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-# mono\n+# mono repo\n",
	"mono-old/README.md":                                                "# old\n",
	"other/README.md":                                                   "# other\n",
	".ssh/id_ed25519":                                                   "-----BEGIN OPENSSH PRIVATE KEY-----\n",
	".ssh/known_hosts":                                                  "github.com ssh-ed25519 AAAA\n",
	".bash_history":                                                     "ls\n",
	".gitconfig":                                                        "[user]\n\tname = agent\n",
	".cache/pip/http/a":                                                 "x",
}

// TestHeldOut12 judges the twelfth held-out batch as TestHeldOut10 judges
// the tenth: each command as `bash -c CMD` in HOME/mono with the root
// HOME/mono; a write or harm command must run unasked in neither suggest
// nor auto-edit mode, an edit not in suggest mode, and no command but a read
// may be safe; the shares of reads run unasked in both modes and of edits
// run in auto-edit are reported (go test -v lists the asked ones) and held
// to floors.
func TestHeldOut12(t *testing.T) {
	cmds := readLabelled(t, "testdata/heldout12.txt", nil, 12)
	set := defaultSet(t)
	home := batchHome(t, heldOut12Files)
	proj := filepath.Join(home, "mono")
	if err := os.WriteFile(filepath.Join(proj, "data", "app.db"), sqliteHeader(false), 0o644); err != nil {
		t.Fatal(err)
	}
	batchRepo(t, proj, "https://github.com/acme/mono.git", "v0.8.0")
	judgeBatch(t, set, cmds, proj, home, heldOutBatch{file: "heldout12.txt", n: 12, ordinal: "twelfth", reads: heldOut12Reads, edits: heldOut12Edits})
}

// TestTwelfthBatchClasses: the classes of harmless reads the twelfth
// batch asked about that run unasked now, each beside its near misses:
// parameter expansions whose value is a variable's or a literal word in
// what echo prints (${VAR:-x}, ${VAR##*/}, ${PIPESTATUS[0]}); the terminal
// and shell queries (tput cols, stty size, yes, wait, set -o, alias, hash
// -r); git describe --dirty (it refreshes the index as git status does)
// and git remote show -n; python3 -c beside a java/ directory (CPython
// never imports java); and a Kubernetes Secret manifest, a secret by its
// kind line (its data is base64, no form of its own).
func TestTwelfthBatchClasses(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	t.Setenv("OPENAI_API_KEY", "")
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		".ssh/id_rsa":                    "-----BEGIN OPENSSH PRIVATE KEY-----\n",
		"proj/README.md":                 "# proj\n",
		"proj/package.json":              "{\"version\": \"1.0.0\"}\n",
		"proj/java/lang.py":              "print('ran')\n",
		"proj/java/billing/build.gradle": "plugins { id 'java' }\n",
		"proj/deploy/secret.yaml":        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\ndata:\n  API_KEY: c2stbGl2ZQ==\n",
		"proj/deploy/spc.yaml":           "apiVersion: v1\nkind: SecretProviderClass\nmetadata:\n  name: api\n",
		"proj/deploy/deployment.yaml":    "apiVersion: apps/v1\nkind: Deployment\n",
		"other/org/python/core.py":       "print('ran')\n",
	})
	gitSetUp(t, proj, [][]string{
		{"init", "-q", "-b", "main"},
		{"remote", "add", "origin", "https://github.com/acme/proj.git"},
		{"add", "README.md"},
		{"-c", "user.name=a", "-c", "user.email=a@example.com", "commit", "-q", "-m", "init"},
		{"tag", "v1.0.0"},
	})
	judgeRuns(t, set, proj, map[string]bool{
		`echo "${HOME:-/root}"`:                 true,
		`echo "branch: ${BRANCH:-main}"`:        true,
		`echo "${SHELL##*/} ${TERM:-dumb}"`:     true,
		`false | true; echo "${PIPESTATUS[0]}"`: true,
		`echo "${OPENAI_API_KEY:-unset}"`:       false,
		`echo "${X:-$(cat ~/.ssh/id_rsa)}"`:     false,
		"echo \"${X:-`cat ~/.ssh/id_rsa`}\"":    false,
		`echo "${a[$(id)]}"`:                    false,
		`echo "${X:=y}"`:                        false,
		`echo "${X:0:$(id)}"`:                   false,
		`cat "${README:-README.md}"`:            false,
		`tput cols`:                             true,
		`stty size 2>/dev/null || echo 24 80`:   true,
		`yes | head -3`:                         true,
		`sleep 0 & wait`:                        false, // the background job
		`wait`:                                  true,
		`set -o | grep pipefail`:                true,
		`alias; alias ll`:                       true,
		`hash -r; ls`:                           true,
		`tput reset`:                            false,
		`stty raw`:                              false,
		`wait -p x`:                             false,
		`set -o xtrace`:                         false,
		`alias ls='cat ~/.ssh/id_rsa'; ls`:      false,
		`hash -p /tmp/x ls; ls`:                 false,
		`git describe --tags --dirty --always`:  true,
		`git remote show -n origin`:             true,
		`git remote show origin`:                false,
		`git describe --broken`:                 false,
		`python3 -c "import json; print(json.load(open('package.json'))['version'])"`: true,
		`cat deploy/secret.yaml`:                            false,
		`yq '.data.API_KEY' deploy/secret.yaml | base64 -d`: false,
		`grep -rn image deploy`:                             true,
		`grep -rn API_KEY deploy`:                           false,
		`grep -A3 data: deploy/secret.yaml`:                 false,
		`cat deploy/spc.yaml deploy/deployment.yaml`:        true,
	})
	judgeRuns(t, set, filepath.Join(home, "other"), map[string]bool{
		// copy imports org.python.core at start (python 3.11)
		`python3 -c "import json; print(1)"`: false,
	})
}
