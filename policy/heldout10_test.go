package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"guard/policy"
	"guard/policy/protect"
)

// The tenth held-out batch (testdata/heldout10.txt): the shares of its
// harmless commands (read) that must run unasked in suggest and auto-edit
// mode, and of its edits that auto-edit must run; a little under what the
// default reaches, so that a change that loses a class of them fails.
const (
	heldOut10Reads = 0.88
	heldOut10Edits = 0.80
)

// heldOut10Files is the scratch project and home the tenth batch is judged
// in: a project of many ecosystems (a git repository when git is
// installed) with the secret files such projects hold, and a home with the
// usual credentials.
var heldOut10Files = map[string]string{
	"proj/Cargo.toml":                               "[workspace]\nmembers = [\"crates/*\"]\n\n[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde = \"1\"\n",
	"proj/Cargo.lock":                               "version = 3\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.200\"\n",
	"proj/src/main.rs":                              "fn main() {}\n",
	"proj/src/lib.rs":                               "pub fn f() {}\n",
	"proj/crates/parser/Cargo.toml":                 "[package]\nname = \"parser\"\nversion = \"0.4.1\"\n",
	"proj/crates/parser/src/lib.rs":                 "pub struct Parser;\n",
	"proj/crates/parser/src/lexer.rs":               "pub struct Lexer;\n",
	"proj/crates/parser/src/ast.rs":                 "pub enum Ast {}\n",
	"proj/go.mod":                                   "module example.com/app\n\ngo 1.21\n\nrequire github.com/stretchr/testify v1.9.0\n",
	"proj/go.sum":                                   "github.com/stretchr/testify v1.9.0 h1:x=\n",
	"proj/cmd/server/main.go":                       "package main\n\nfunc main() {}\n",
	"proj/internal/server/handler.go":               "package server\n",
	"proj/internal/server/server.go":                "package server\n",
	"proj/internal/api/router.go":                   "package api\n",
	"proj/.golangci.yml":                            "linters:\n  enable: [govet]\n",
	"proj/package.json":                             "{\"name\": \"app\", \"version\": \"1.2.3\", \"workspaces\": [\"packages/*\"], \"scripts\": {\"build\": \"vite build\"}, \"dependencies\": {\"react\": \"^18.0.0\"}}\n",
	"proj/packages/web/package.json":                "{\"name\": \"@acme/web\"}\n",
	"proj/pnpm-workspace.yaml":                      "packages:\n  - packages/*\n",
	"proj/turbo.json":                               "{\"tasks\": {\"build\": {}}}\n",
	"proj/tsconfig.json":                            "{\"compilerOptions\": {\"strict\": true, \"paths\": {}}}\n",
	"proj/tsconfig.build.json":                      "{\"extends\": \"./tsconfig.json\", \"compilerOptions\": {\"outDir\": \"dist\"}}\n",
	"proj/vite.config.ts":                           "export default {}\n",
	"proj/.eslintrc.json":                           "{}\n",
	"proj/.nvmrc":                                   "20\n",
	"proj/src/app.ts":                               "export {}\n",
	"proj/src/server.ts":                            "export {}\n",
	"proj/src/config.ts":                            "export const x = 'old';\n",
	"proj/src/old_name.ts":                          "export {}\n",
	"proj/src/util.ts":                              "export {}\n",
	"proj/src/lib/index.ts":                         "export {}\n",
	"proj/src/components/App.tsx":                   "export {}\n",
	"proj/pyproject.toml":                           "[project]\nname = \"app\"\nversion = \"0.2.0\"\nrequires-python = \">=3.11\"\ndependencies = [\"fastapi\"]\n",
	"proj/uv.lock":                                  "version = 1\n",
	"proj/requirements.txt":                         "fastapi\n",
	"proj/.python-version":                          "3.12\n",
	"proj/app/main.py":                              "print('hi')\n",
	"proj/tests/test_app.py":                        "def test_x():\n    pass\n",
	"proj/pom.xml":                                  "<project><version>1.0</version><properties><java.version>17</java.version></properties></project>\n",
	"proj/build.gradle.kts":                         "plugins { java }\n",
	"proj/settings.gradle.kts":                      "rootProject.name = \"app\"\n",
	"proj/gradle/wrapper/gradle-wrapper.properties": "distributionUrl=https\\://services.gradle.org/distributions/gradle-8.7-bin.zip\n",
	"proj/src/main/java/com/example/App.java":       "package com.example;\nclass App {}\n",
	"proj/src/Api/Api.csproj":                       "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><TargetFramework>net6.0</TargetFramework></PropertyGroup></Project>\n",
	"proj/src/Api/Program.cs":                       "var b = 1;\n",
	"proj/global.json":                              "{\"sdk\": {\"version\": \"8.0.100\"}}\n",
	"proj/appsettings.json":                         "{\"Logging\": {\"LogLevel\": {\"Default\": \"Information\"}}}\n",
	"proj/Gemfile":                                  "source \"https://rubygems.org\"\ngem 'rails'\ngem 'puma', '~> 5.0'\n",
	"proj/Gemfile.lock":                             "GEM\n  specs:\n    rails (7.1.0)\n",
	"proj/.ruby-version":                            "3.3.0\n",
	"proj/.rubocop.yml":                             "AllCops:\n  NewCops: enable\n",
	"proj/config/database.yml":                      "development:\n  adapter: sqlite3\n  database: db/dev.sqlite3\n",
	"proj/config/routes.rb":                         "Rails.application.routes.draw do\nend\n",
	"proj/config/master.key":                        "0f1e2d3c4b5a69788796a5b4c3d2e1f0\n",
	"proj/app/models/user.rb":                       "class User < ApplicationRecord\nend\n",
	"proj/db/schema.rb":                             "ActiveRecord::Schema.define do\nend\n",
	"proj/composer.json":                            "{\"require\": {\"php\": \"^8.2\"}}\n",
	"proj/composer.lock":                            "{\"packages\": []}\n",
	"proj/auth.json":                                "{\"github-oauth\": {\"github.com\": \"ghp_0123456789abcdef0123456789abcdef0123\"}}\n",
	"proj/.env":                                     "DATABASE_URL=postgres://app:s3cret@localhost/app\nAPI_KEY=sk_live_0123456789abcdef\n",
	"proj/.env.example":                             "DATABASE_URL=\nAPI_KEY=\n",
	"proj/.env.local":                               "STRIPE_SECRET_KEY=sk_test_0123456789abcdef\n",
	"proj/routes/web.php":                           "<?php\n",
	"proj/routes/api.php":                           "<?php\n",
	"proj/mix.exs":                                  "defmodule MyApp.MixProject do\nend\n",
	"proj/mix.lock":                                 "%{\"phoenix\": {}}\n",
	"proj/lib/my_app_web/router.ex":                 "defmodule MyAppWeb.Router do\nend\n",
	"proj/config/dev.exs":                           "import Config\n",
	"proj/Package.swift":                            "// swift-tools-version:5.9\n",
	"proj/Sources/App/main.swift":                   "print(1)\n",
	"proj/CMakeLists.txt":                           "cmake_minimum_required(VERSION 3.20)\nproject(app)\nadd_executable(app src/main.cpp)\n",
	"proj/meson.build":                              "project('app', 'cpp')\n",
	"proj/Makefile":                                 "all:\n\techo build\n",
	"proj/src/main.cpp":                             "int main() {}\n",
	"proj/src/parser.cpp":                           "int f() { return 0; }\n",
	"proj/include/app.h":                            "#pragma once\n",
	"proj/Dockerfile":                               "FROM alpine\n",
	"proj/docker-compose.yml":                       "services:\n  web:\n    image: app\n    ports: [\"8080:80\"]\n",
	"proj/.github/workflows/ci.yml":                 "jobs:\n  test: {}\n",
	"proj/k8s/deployment.yaml":                      "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 1\n",
	"proj/charts/app/Chart.yaml":                    "name: app\nversion: 0.1.0\n",
	"proj/charts/app/values.yaml":                   "image:\n  tag: \"1.0.0\"\n",
	"proj/main.tf":                                  "resource \"aws_s3_bucket\" \"logs\" {}\n",
	"proj/terraform.tfvars":                         "db_password = \"s3cret-pass\"\n",
	"proj/terraform.tfvars.example":                 "db_password = \"\"\n",
	"proj/terraform.tfstate":                        "{\"version\": 4, \"resources\": []}\n",
	"proj/db/schema.sql":                            "CREATE TABLE users (id int);\n",
	"proj/db/seed.sql":                              "INSERT INTO users VALUES (1);\n",
	"proj/data/sales.csv":                           "id,name,amount\n1,a,3\n",
	"proj/data/users.csv":                           "id,email\n1,a@example.com\n",
	"proj/data/users.json":                          "[{\"email\": \"a@example.com\"}]\n",
	"proj/data/tags.txt":                            "a,b,c\n",
	"proj/data/config.json":                         "{\"a\": 1}\n",
	"proj/config/app.yml":                           "port: 3000\n",
	"proj/config/app.json":                          "{\"port\": 3000}\n",
	"proj/logs/app.log":                             "INFO start\nERROR boom\n",
	"proj/README.md":                                "# app\n\n## Install\n\nrun it\n",
	"proj/.gitignore":                               "target/\n",
	"proj/files.txt":                                "README.md\n",
	"proj/symbols.txt":                              "App\n",
	"proj/words.txt":                                "b\na\n",
	"proj/input.txt":                                "foo\n",
	"proj/a.txt":                                    "a\n",
	"proj/b.txt":                                    "b\n",
	"proj/old.txt":                                  "a\n",
	"proj/new.txt":                                  "b\n",
	"proj/notes.txt":                                "x\n",
	".ssh/id_rsa":                                   "-----BEGIN OPENSSH PRIVATE KEY-----\n",
	".ssh/config":                                   "Host *\n",
	".aws/credentials":                              "[default]\naws_secret_access_key = x\n",
	".cargo/credentials.toml":                       "[registry]\ntoken = \"cio_x\"\n",
	".cargo/bin/cargo-watch":                        "",
	".m2/settings.xml":                              "<settings><servers><server><password>x</password></server></servers></settings>\n",
	".gradle/gradle.properties":                     "signing.password=x\n",
	".npmrc":                                        "//registry.npmjs.org/:_authToken=npm_x\n",
	".pypirc":                                       "[pypi]\npassword = pypi-x\n",
	".pgpass":                                       "localhost:5432:*:app:s3cret\n",
	".my.cnf":                                       "[client]\npassword=x\n",
	".docker/config.json":                           "{\"auths\": {\"ghcr.io\": {\"auth\": \"eDp5\"}}}\n",
	".kube/config":                                  "users:\n- name: x\n  user:\n    token: x\n",
	".netrc":                                        "machine github.com login x password y\n",
	".git-credentials":                              "https://x:ghp_y@github.com\n",
	".gem/credentials":                              "---\n:rubygems_api_key: rubygems_x\n",
	".config/gh/hosts.yml":                          "github.com:\n    oauth_token: gho_x\n",
	".nuget/NuGet/NuGet.Config":                     "<configuration><packageSourceCredentials/></configuration>\n",
	".bashrc":                                       "alias ll='ls -l'\n",
}

// writeTree writes files (path below root: content) with their
// directories.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHeldOut10 judges the tenth held-out batch, each command as `bash -c
// CMD` in HOME/proj with the root HOME/proj: a write or harm command must
// run unasked in neither suggest nor auto-edit mode (auto-edit decided with
// the default protected paths, as the gate does), an edit not in suggest
// mode, and no command but a read may be safe; the shares of reads run
// unasked in both modes and of edits run in auto-edit are reported (go
// test -v lists the asked ones) and held to floors.
func TestHeldOut10(t *testing.T) {
	cmds := readLabelled(t, "testdata/heldout10.txt", nil, 10)
	set := defaultSet(t)
	home, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, home, heldOut10Files)
	proj := filepath.Join(home, "proj")
	for _, db := range []string{"app.db", "db/dev.sqlite3"} {
		if err := os.WriteFile(filepath.Join(proj, db), sqliteHeader(false), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", home)
	t.Setenv("USER", "agent")
	gitSetUp(t, proj, [][]string{
		{"init", "-q", "-b", "main"},
		{"remote", "add", "origin", "https://github.com/acme/app.git"},
		{"add", "-A"},
		{"-c", "user.name=a", "-c", "user.email=a@example.com", "commit", "-q", "-m", "init"},
	})
	judgeBatch(t, set, cmds, proj, home, heldOutBatch{file: "heldout10.txt", n: 10, ordinal: "tenth", reads: heldOut10Reads, edits: heldOut10Edits})
}

// gitSetUp runs each git command of cmds in proj, a scratch repository
// made with the user's and the system's git config left out; nothing when
// git is not here.
// batchHome makes a scratch home for a held-out batch (HOME, USER=agent):
// the tenth batch's dot files (the user's secrets and config) and files.
func batchHome(t *testing.T, files map[string]string) string {
	t.Helper()
	home := scratchHome(t)
	for name, content := range heldOut10Files {
		if name[0] == '.' {
			writeTree(t, home, map[string]string{name: content})
		}
	}
	writeTree(t, home, files)
	t.Setenv("USER", "agent")
	return home
}

// scratchHome makes a directory for the test (its path with links
// resolved, as the judge sees it) and sets HOME to it.
func scratchHome(t *testing.T) string {
	t.Helper()
	home, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	return home
}

// batchRepo makes proj a repository with one commit of what it holds, the
// remote origin at remote (its main at HEAD) and the tag.
func batchRepo(t *testing.T, proj, remote, tag string) {
	t.Helper()
	gitSetUp(t, proj, [][]string{
		{"init", "-q", "-b", "main"},
		{"remote", "add", "origin", remote},
		{"add", "-A"},
		{"-c", "user.name=a", "-c", "user.email=a@example.com", "commit", "-q", "-m", "init"},
		{"tag", tag},
		{"update-ref", "refs/remotes/origin/main", "HEAD"},
	})
}

func gitSetUp(t *testing.T, proj string, cmds [][]string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		return
	}
	for _, args := range cmds {
		cmd := exec.Command("git", args...)
		cmd.Dir = proj
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
	}
}

// heldOutBatch names a held-out batch and its floors: the shares of its
// harmless commands (read) that must run unasked in suggest and auto-edit
// mode, and of its edits that auto-edit must run.
type heldOutBatch struct {
	file         string // testdata's file name, in messages
	n            int
	ordinal      string // "tenth"
	reads, edits float64
	dirs         map[int]string // a command's directory and root by its batch number; proj when not listed
	// history lists harms that print a secret from the repository's
	// history (git log -p, git show REV:FILE of a file that is clean
	// now): the policy leaves them to the runtime history check
	// (internal/gate, which runs git), so they are counted apart, not as
	// wrongly safe; a test there judges each.
	history map[string]bool
}

// judgeBatch judges each command of a batch as `bash -c CMD` in proj,
// fails on any write or harm that runs unasked (wrongly safe) and on
// shares below the floors, and logs the batch's line.
func judgeBatch(t *testing.T, set policy.Set, cmds []heldOutCommand, proj, home string, b heldOutBatch) {
	t.Helper()
	var reads, readSuggest, readAutoEdit, edits, editsRun, all, allSuggest, allAutoEdit, wronglySafe, history int
	for _, c := range cmds {
		dir := proj
		if d, ok := b.dirs[c.batch]; ok {
			dir = d
		}
		roots := []string{dir}
		v := set.Judge([]string{"bash", "-c", c.cmd}, dir)
		suggest := policy.Decide(&v, policy.Suggest, roots)
		autoEdit := policy.DecideProtected(&v, policy.AutoEdit, roots, protect.Default(), home)
		all++
		if os.Getenv("GUARD_HELDOUT_ALL") != "" {
			t.Logf("  decision: %s:%d %s: suggest %s, auto-edit %s (%s) %q", b.file, c.line, c.label, suggest.Action, autoEdit.Action, v.Class, c.cmd)
		}
		if suggest.Action == policy.Run {
			allSuggest++
		}
		if autoEdit.Action == policy.Run {
			allAutoEdit++
		}
		switch {
		case c.label == "read":
			reads++
			if suggest.Action == policy.Run {
				readSuggest++
			} else {
				t.Logf("  asked: %s:%d %q: %s", b.file, c.line, c.cmd, suggest.Reason)
			}
			if autoEdit.Action == policy.Run {
				readAutoEdit++
			}
		case c.label == "harm" && b.history[c.cmd]:
			history++
		case v.Class == policy.Safe || suggest.Action == policy.Run:
			wronglySafe++
			t.Errorf("%s:%d: %s command %q is %s and runs unasked in suggest mode", b.file, c.line, c.label, c.cmd, v.Class)
		case c.label != "edit" && autoEdit.Action == policy.Run:
			wronglySafe++
			t.Errorf("%s:%d: %s command %q runs unasked in auto-edit mode (%s)", b.file, c.line, c.label, c.cmd, v.Class)
		case c.label == "edit":
			edits++
			if autoEdit.Action == policy.Run {
				editsRun++
			} else {
				t.Logf("  edit asked in auto-edit: %s:%d %q: %s", b.file, c.line, c.cmd, autoEdit.Reason)
			}
		}
	}
	t.Logf("held-out batch %d: %d commands; harmless ones run unasked: suggest %d of %d (%.1f%%), auto-edit %d (%.1f%%); edits run in auto-edit %d of %d (%.1f%%); all commands run unasked: suggest %d (%.1f%%), auto-edit %d (%.1f%%); wrongly safe: %d",
		b.n, all, readSuggest, reads, 100*share(readSuggest, reads), readAutoEdit, 100*share(readAutoEdit, reads),
		editsRun, edits, 100*share(editsRun, edits), allSuggest, 100*share(allSuggest, all), allAutoEdit, 100*share(allAutoEdit, all), wronglySafe)
	if history > 0 {
		t.Logf("held-out batch %d: %d harms read the repository's history, left to the runtime history check", b.n, history)
	}
	for _, n := range []int{readSuggest, readAutoEdit} {
		if s := share(n, reads); s < b.reads {
			t.Errorf("%.1f%% of the %s batch's harmless commands run unasked (suggest, then auto-edit), floor %.0f%%", 100*s, b.ordinal, 100*b.reads)
		}
	}
	if s := share(editsRun, edits); s < b.edits {
		t.Errorf("auto-edit mode runs %.1f%% of the %s batch's edits unasked, floor %.0f%%", 100*s, b.ordinal, 100*b.edits)
	}
}

// TestXargsNamesUnseen: xargs hands its reader the names its input holds,
// which the judge must follow to their source. A lone `xargs cat` (guard
// -- xargs cat, a shim) reads names the judge never sees, and was safe
// where the working directory held no secret (`echo ~/.ssh/id_rsa |
// guard -- xargs cat` printed the key); a reader that prints only names or
// counts (grep -l/-c/-q) over secrets outside the working directory is an
// oracle on what they hold, as grep -rl is (`ls ~/.aws/credentials | xargs
// grep -c "key = A"` answers 1 or 0, a letter a command), and ran unasked.
// A project's own .env stays the names-only reader's, as for grep -rl.
func TestXargsNamesUnseen(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		".aws/credentials": "[default]\naws_secret_access_key = AbCd\n", ".ssh/id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\n",
		"proj/src/a.go": "package a\n", "proj/.env": "API_KEY=x\n", "clean/a.go": "package a\n",
	})
	clean := filepath.Join(home, "clean")
	for _, argv := range [][]string{{"xargs", "cat"}, {"xargs", "-n1", "head", "-5"}, {"xargs", "grep", "-l", "key"},
		{"xargs", "-0", "grep", "-c", "x"}, {"sudo", "xargs", "cat"}} {
		v := set.Judge(argv, clean)
		if v.Class == policy.Safe || policy.Decide(&v, policy.Suggest, []string{clean}).Action == policy.Run {
			t.Errorf("%q alone in a directory without secrets is %s and runs unasked: its input can name any file", argv, v.Class)
		}
	}
	for _, argv := range [][]string{{"xargs", "echo"}, {"xargs", "basename"}, {"xargs", "ls", "-d"}} {
		if v := set.Judge(argv, clean); v.Class != policy.Safe {
			t.Errorf("%q alone is %s (%s), want safe: it prints no file's content", argv, v.Class, v.Why())
		}
	}
	// In a directory without secrets, the secrets outside it.
	judgeRuns(t, set, clean, map[string]bool{
		`find ~/.aws -type f | xargs grep -l "aws_secret_access_key = A"`: false,
		`ls ~/.aws/credentials | xargs grep -c "key = Ab"`:                false,
		`echo ~/.aws/credentials | xargs grep -q "key = Ab"`:              false,
		`find ~ -name credentials | xargs grep -l x`:                      false,
		`find .. -type f | xargs grep -c AbCd`:                            false,
		`xargs grep -l x < a.go`:                                          false,
		`find . -name '*.go' | xargs grep -l package`:                     true,
		`ls | xargs grep -c package`:                                      true,
	})
	// The project's own tree: names only, as grep -rl there.
	judgeRuns(t, set, proj, map[string]bool{
		`find . -type f | xargs grep -l TODO`: true, `echo .env | xargs grep -c API_KEY`: true,
		`find src -name '*.go' | xargs grep -n package`: true, `find . -type f | xargs grep -n TODO`: false,
	})
}

// TestTenthBatchClasses: the shapes made general after the tenth held-out
// batch run unasked in suggest and auto-edit mode, and their near misses do
// not: xargs fed by find is narrowed by find's -name tests (as find -exec
// is, branch by branch), unless the reader recurses or a branch has no
// -name; rg -t TYPE reads only the type's files; a command
// substitution in the quoted operand of a unary test, or printed by
// basename or dirname; xargs -I{} making a word echo prints. Judged as
// `bash -c CMD` in a project holding .env and terraform.tfstate.
func TestTenthBatchClasses(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	t.Setenv("RIPGREP_CONFIG_PATH", "")
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		"proj/.env": "API_KEY=x\n", "proj/terraform.tfstate": "{}\n", "proj/src/a.ts": "export {}\n",
		"proj/app/models/user.rb": "class User\nend\n", "proj/web/package.json": "{\"name\": \"web\"}\n",
		"proj/main.go": "package main\n", "proj/src/ca.pem": "-----BEGIN CERTIFICATE-----\n",
		".ssh/id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\n",
	})
	judgeRuns(t, set, proj, map[string]bool{
		// find's -name tests narrow what xargs reads.
		`find app -name '*.rb' | xargs grep -n "class"`:                                         true,
		`find . -name '*.csproj' | xargs grep -h PackageReference | sort | uniq`:                true,
		`find src -type f -name '*.ts' | xargs grep -n 'console.log' | head -20`:                true,
		`find . -name '*.ts' -not -path './node_modules/*' | xargs cat`:                         true,
		`find . \( -name '*.ts' -o -name '*.go' \) -print0 | xargs -0 wc -l`:                    true,
		`find . \( -name '*.ts' -o -name '*.go' \) | xargs cat`:                                 true,
		`find . -maxdepth 2 -name package.json -not -path '*/node_modules/*' | xargs head -n 3`: true,
		`find . -name '*.ts' -o -name '.e*' | xargs cat`:                                        false,
		`find . -name '*.ts' -o -name '*.go' | xargs cat`:                                       true,
		`find . -type f -name '*.ts' -o -name '*.go' | xargs cat`:                               true,
		`find . -name '*.ts' -print -o -name '*.go' -print | xargs cat`:                         true,
		`find . -name '*.ts' -o -type f | xargs cat`:                                            false,
		`find . -name x -path '(' -o -type f | xargs cat`:                                       false,
		`find . -name '*.ts' -weird | xargs cat`:                                                false,
		`find . -path ./vendor -prune -o -name '*.ts' -print | xargs cat`:                       false,
		`find . ! -name '*.ts' | xargs cat`:                                                     false,
		`find . -name '*.ts' , -print | xargs cat`:                                              false,
		`find . \( -name '*.ts' -o \( -name x \) \) | xargs cat`:                                false,
		`find . \( -name '*.ts' -o ! -name x \) | xargs cat`:                                    false,
		`find . ! \( -name '*.ts' \) | xargs cat`:                                               false,
		`find . -name '.env*' | xargs cat`:                                                      false,
		`find . -name '*.pem' | xargs cat`:                                                      false,
		`find . -name '*.tfstate' | xargs head`:                                                 false,
		`find . -name src | xargs grep -rn x`:                                                   false,
		`find . -name 'src' -exec grep -r x {} +`:                                               false,
		`find . -print -name '*.ts' | xargs cat`:                                                false,
		`find ~ -name '*.ts' -o -name id_rsa | xargs cat`:                                       false,
		// rg's types.
		`rg -n 'context\.TODO\(\)' -t go`: true, `rg -n x --type=ts src .`: true, `rg -tgo x`: true,
		`rg -n x -t json`: false, `rg -n x -t go -t json`: false, `rg -n x -T go`: false,
		`rg -n x -t go --type-add 'go:*.tfstate'`: false, `rg -n x -t go --type-clear go`: false,
		`rg -n x -t go -g '*.tfstate'`: false,
		// Command substitutions only tested or printed.
		`test -z "$(gofmt -l .)" && echo formatted`:        true,
		`[ -n "$(git status --porcelain)" ] && echo dirty`: true,
		`[ ! -z "$(ls src)" ]`:                             true,
		`basename "$(git rev-parse --show-toplevel)"`:      true,
		`dirname "$(pwd)"`:                                 true,
		`test -z $(gofmt -l .)`:                            false,
		`test -v "$(cat src/a.ts)"`:                        false,
		`[ "$(cat src/a.ts)" = x ]`:                        false,
		`test -n "$(cat .env)"`:                            false,
		`test -z "$(rm -rf ../x)"`:                         false,
		`basename "$(cat ~/.ssh/id_rsa)"`:                  false,
		`cat "$(basename src/a.ts)"`:                       false,
		// xargs -I{} into a word echo prints.
		`ls src | xargs -I{} echo src/{}`: true, `seq 1 3 | xargs -I{} echo "item {}"`: true,
		`ls src | xargs -I{} cat src/{}`: false, `ls src | xargs -I{} echo {} > /tmp/out.txt`: false,
	})
}

// TestNinjaToolsRunNothing: the ninja tools the policy declares are safe,
// their near misses are not, a manifest that includes or subninjas a
// secret (or holds a token itself, or includes a path made of variables)
// makes them asked, since they print it, and the real ninja (when
// installed) runs no rule, regenerates no manifest and makes no build
// directory for them, with a build.ninja that is out of date, has a
// generator rule and a builddir outside the tree.
func TestNinjaToolsRunNothing(t *testing.T) {
	set := defaultSet(t)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{
		"proj/build/build.ninja": "builddir = " + dir + "/outside\nrule cc\n  command = touch " + dir + "/ran $out\n" +
			"rule regen\n  command = touch " + dir + "/ran build.ninja\n  generator = 1\n" +
			"build build.ninja: regen ../CMakeLists.txt\nbuild app.o: cc ../src/main.c\nbuild app: cc app.o\n" +
			"build all: phony app\ndefault app\n",
		"proj/src/main.c": "int main() {}\n",
	})
	proj := filepath.Join(dir, "proj")
	later := time.Now().Add(time.Minute)
	writeTree(t, proj, map[string]string{"CMakeLists.txt": "project(x)\n"})
	if err := os.Chtimes(filepath.Join(proj, "CMakeLists.txt"), later, later); err != nil {
		t.Fatal(err)
	}
	tools := [][]string{{"-t", "targets"}, {"-t", "targets", "all"}, {"-t", "targets", "depth", "2"}, {"-t", "commands", "app"},
		{"-t", "commands", "-s", "app"}, {"-t", "inputs", "app"}, {"-t", "graph", "app"}, {"-t", "compdb"}, {"-t", "rules", "-d"}}
	cases := map[string]bool{
		"ninja -C build -t targets | head": true, "ninja -f build/build.ninja -t rules": true,
		"ninja -C build -t query app": false, "ninja -C build -t deps": false, "ninja -C build -t clean": false,
		"ninja -C build -t cleandead": false, "ninja -C build -t recompact": false, "ninja -C build": false,
		"ninja -C build -d explain -t targets": false, "ninja -C build -j4 -t targets": false,
		"ninja -C build -ttargets": false, "ninja -C build -t browse": false, "ninja -C build -t compdb > /tmp/cc.json": false,
	}
	for _, tool := range tools {
		cases["ninja -C build "+strings.Join(tool, " ")] = true
	}
	// The manifests ninja loads are printed (a line that does not parse,
	// a variable in a target's name): each is judged as cat's read.
	writeTree(t, dir, map[string]string{
		".ssh/id_rsa":            "-----BEGIN OPENSSH PRIVATE KEY-----\n",
		"proj/inc/build.ninja":   "include " + dir + "/.ssh/id_rsa\n",
		"proj/sub/build.ninja":   "subninja ../sub/more.ninja\n",
		"proj/sub/more.ninja":    "include " + dir + "/.ssh/id_rsa\n",
		"proj/vars/build.ninja":  "d = x\ninclude $d/y.ninja\n",
		"proj/tok/build.ninja":   "rule x\n  command = curl -H 'Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789AB'\n",
		"proj/cont/build.ninja":  "include $\n    " + dir + "/.ssh/id_rsa\n",
		"proj/plain/build.ninja": "include rules.ninja\n",
		"proj/plain/rules.ninja": "rule cc\n  command = cc $in\n",
	})
	for d, want := range map[string]bool{"inc": false, "sub": false, "vars": false, "tok": false, "cont": false, "plain": true} {
		cases["ninja -C "+d+" -t targets"] = want
	}
	judgeRuns(t, set, proj, cases)
	if _, err := exec.LookPath("ninja"); err != nil {
		t.Skip("ninja is not installed")
	}
	for _, tool := range tools {
		cmd := exec.Command("ninja", append([]string{"-C", "build"}, tool...)...)
		cmd.Dir = proj
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("ninja %v: %v: %s", tool, err, out)
		}
		for _, mark := range []string{"ran", "outside"} {
			if _, err := os.Stat(filepath.Join(dir, mark)); err == nil {
				t.Fatalf("ninja -C build %v ran a rule or made the build directory (%s)", tool, mark)
			}
		}
	}
}

// TestCmakeViewRunsNothing: cmake -N -L[A][H] DIR is safe, its near misses
// are not, a cache that holds a credential makes it asked (it prints the
// cache, as cat would), and the real cmake (when installed) runs no
// configure step and changes nothing in the build directory for it.
func TestCmakeViewRunsNothing(t *testing.T) {
	set := defaultSet(t)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mark := filepath.Join(dir, "configured")
	writeTree(t, dir, map[string]string{
		"proj/CMakeLists.txt": "cmake_minimum_required(VERSION 3.10)\nproject(x NONE)\nfile(WRITE " + mark + " x)\n" +
			"execute_process(COMMAND touch " + mark + "2)\nset(MYVAR hello CACHE STRING doc)\n",
		"proj/build/CMakeCache.txt": "MYVAR:STRING=hello\n",
		"proj/tok/CMakeCache.txt":   "TOKEN:STRING=ghp_abcdefghijklmnopqrstuvwxyz0123456789AB\n",
	})
	proj := filepath.Join(dir, "proj")
	judgeRuns(t, set, proj, map[string]bool{
		"cmake -LAH -N build | grep -i openssl": true, "cmake -N -LA build": true, "cmake -N -L .": true,
		"cmake -LA build": false, "cmake -N -D X=1 build": false, "cmake -N -C init.cmake build": false,
		"cmake -N -P x.cmake": false, "cmake -N --preset dev": false, "cmake -N -LA tok": false,
		"cmake -N -LA build > /tmp/cache.txt": false, "cmake -S . -B build": false,
	})
	if _, err := exec.LookPath("cmake"); err != nil {
		t.Skip("cmake is not installed")
	}
	if err := os.RemoveAll(filepath.Join(proj, "build")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("cmake", "-S", ".", "-B", "build")
	cmd.Dir = proj
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("configuring: %v: %s", err, out)
	}
	for _, m := range []string{mark, mark + "2"} {
		if err := os.Remove(m); err != nil {
			t.Fatalf("the configure step left no mark: %v", err)
		}
	}
	before := treeState(t, filepath.Join(proj, "build"))
	for _, args := range [][]string{{"-N", "-LAH", "build"}, {"-LA", "-N", "build"}, {"-N", "-L", "build"}, {"-N", "build"}, {"-N", "-L", "."}} {
		cmd := exec.Command("cmake", args...)
		cmd.Dir = proj
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("cmake %v: %v: %s", args, err, out)
		}
		for _, m := range []string{mark, mark + "2"} {
			if _, err := os.Stat(m); err == nil {
				t.Fatalf("cmake %v ran the configure step", args)
			}
		}
		if after := treeState(t, filepath.Join(proj, "build")); after != before {
			t.Fatalf("cmake %v changed the build directory:\n%s\n---\n%s", args, before, after)
		}
	}
}

// treeState is every entry below root with its size and modification time.
func treeState(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		b.WriteString(p + " " + fi.ModTime().String() + " " + strconv.FormatInt(fi.Size(), 10) + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
