package policy_test

import (
	"archive/zip"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The second red-team of issue 16's widening (the classes 6a292cc made
// safe; redteam16b.md), one test per class: each finding's own command and
// other spellings of its class are asked about, and the harmless commands
// next to them still run.

func rtWrite(t *testing.T, files map[string]string) {
	t.Helper()
	for p, body := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Binutils, LLVM, Java's tools and 7-Zip read more words from @FILE: `nm
// @.env` printed "'API_KEY=...': No such file", `nm @flags.txt a.o` with
// `--plugin ./evil.so` in flags.txt loaded the library (ran its code), and
// `clang-format @fl.txt b.c` with -i in fl.txt rewrote b.c.
func TestRedTeam16bResponseFiles(t *testing.T) {
	set, _, proj := rtLab(t)
	rtWrite(t, map[string]string{
		filepath.Join(proj, ".env"):      "API_KEY=sk-live-123\n",
		filepath.Join(proj, "flags.txt"): "--plugin ./evil.so\n",
		filepath.Join(proj, "fl.txt"):    "-i\n",
		filepath.Join(proj, "b.c"):       "int   y ;\n",
	})
	rtNotSafe(t, set, proj,
		"nm @.env", "nm @flags.txt a.txt", "nm -C @flags.txt", "objdump -d @.env", "objdump -d a.txt @flags.txt",
		"readelf -h @.env", "size @.env", "ar t @.env", "ar tv @flags.txt", "strings @.env", "strings -n 8 @.env",
		"jar tf @.env", "clang-format @fl.txt b.c", "clang-format --dry-run @fl.txt", "7z l @list.txt",
		"for f in @flags.txt; do nm \"$f\"; done",
		"jar tf a.txt -- -J-javaagent:agent.jar", "jar tvf a.txt -- -J-XX:OnError=id")
	// A glob that matches a file named @x.o reads x.o's words.
	rtWrite(t, map[string]string{filepath.Join(proj, "objs", "@x.o"): "", filepath.Join(proj, "objs", "x.o"): "--plugin ./evil.so\n",
		filepath.Join(proj, "jars", "-J-javaagent:agent.jar"): "", filepath.Join(proj, "jars", "a.jar"): ""})
	rtNotSafe(t, set, filepath.Join(proj, "objs"), "nm *.o", "objdump -d *", "for f in *.o; do nm \"$f\"; done", "size ?x.o")
	rtNotSafe(t, set, filepath.Join(proj, "jars"), "jar tf a.jar -- *")
	rtSafe(t, set, filepath.Join(proj, "objs"), "nm x*.o", "nm [x]*")
	rtSafe(t, set, proj, "nm a.txt", "readelf -h a.txt", "objdump -d a.txt", "size a.txt", "ar t a.txt",
		"strings a.txt", "clang-format b.c", "jar tf a.txt")

	// The real nm does read the file as arguments.
	if _, err := exec.LookPath("nm"); err == nil {
		cmd := exec.Command("nm", "@.env")
		cmd.Dir = proj
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), "sk-live-123") {
			t.Logf("nm @.env did not print the value here: %q", out)
		}
	}
}

// xmllint's canonical forms turn on entity substitution and DTD loading:
// `xmllint --c14n a.xml` printed the file an entity names (XXE) and fetched
// an external DTD over the network.
func TestRedTeam16bXmllintCanonical(t *testing.T) {
	set, home, proj := rtLab(t)
	doc := `<?xml version="1.0"?>
<!DOCTYPE r [ <!ENTITY s SYSTEM "file://` + filepath.Join(home, ".aws", "credentials") + `"> ]>
<r>&s;</r>
`
	rtWrite(t, map[string]string{filepath.Join(proj, "a.xml"): doc})
	rtNotSafe(t, set, proj, "xmllint --c14n a.xml", "xmllint --exc-c14n a.xml", "xmllint --c14n11 a.xml",
		"xmllint --nonet --c14n a.xml", "xmllint --format --c14n a.xml")
	rtSafe(t, set, proj, "xmllint --format a.xml", "xmllint --noout a.xml", "xmllint --xpath '//r' a.xml")

	if _, err := exec.LookPath("xmllint"); err == nil {
		cmd := exec.Command("xmllint", "--c14n", "a.xml")
		cmd.Dir = proj
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), "aws_secret_access_key") {
			t.Errorf("xmllint --c14n did not expand the entity: %q (the class's premise)", out)
		}
		cmd = exec.Command("xmllint", "--format", "a.xml")
		cmd.Dir = proj
		if out, _ = cmd.CombinedOutput(); strings.Contains(string(out), "aws_secret_access_key") {
			t.Errorf("xmllint --format expanded the entity: %q", out)
		}
	}
}

// jq (and yq, which hands its filter to jq) source ~/.jq into every
// program: `def keys: env;` there made `jq keys p.json` print the
// environment.
func TestRedTeam16bJqStartupFile(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(proj, "c.yml"): "a: 1\n"})
	rtSafe(t, set, proj, "jq keys p.json", "yq keys c.yml", "jq -r .env p.json")
	rtWrite(t, map[string]string{filepath.Join(home, ".jq"): "def keys: env;\n"})
	rtNotSafe(t, set, proj, "jq keys p.json", "yq keys c.yml", "jq . p.json", "yq -r .a c.yml", "cat p.json | jq .")
}

// unzip -p/-c print members: `unzip -p app.zip` printed the .env and SSH key
// inside it.
func TestRedTeam16bUnzipMembers(t *testing.T) {
	set, _, proj := rtLab(t)
	mkzip := func(name string, members ...string) {
		f, err := os.Create(filepath.Join(proj, name))
		if err != nil {
			t.Fatal(err)
		}
		w := zip.NewWriter(f)
		for _, m := range members {
			mw, err := w.Create(m)
			if err != nil {
				t.Fatal(err)
			}
			mw.Write([]byte("x\n"))
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	mkzip("app.zip", "README.md", ".env", "keys/id_ed25519")
	mkzip("home.zip", "notes.txt", ".aws/credentials")
	mkzip("npm.zip", "pkg/.npmrc")
	mkzip("dos.zip", "home\\.aws\\credentials")
	mkzip("ok.zip", "README.md", "src/main.go")
	rtWrite(t, map[string]string{filepath.Join(proj, "fake.zip"): "not a zip\n"})
	rtNotSafe(t, set, proj, "unzip -p app.zip", "unzip -c app.zip", "unzip -p app", "unzip -p app.zip 'k*'",
		"unzip -qq -p app.zip", "unzip -p home.zip", "unzip -p npm.zip", "unzip -p dos.zip", "unzip -p '*.zip'", "unzip -p fake.zip",
		"unzip -C -p app.zip .ENV")
	rtSafe(t, set, proj, "unzip -p ok.zip", "unzip -c ok.zip src/main.go", "unzip -p app.zip README.md",
		"unzip -l app.zip", "unzip -t app.zip", "unzip -p missing.zip x")
}

// clang-format's style file: --style=file:PATH and a .clang-format that is
// a link to a secret printed the secret's line in a YAML error.
func TestRedTeam16bClangFormatStyle(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{
		filepath.Join(proj, "a.c"):              "int x;\n",
		filepath.Join(proj, ".clang-format"):    "BasedOnStyle: LLVM\n",
		filepath.Join(proj, "sub", "b.c"):       "int y;\n",
		filepath.Join(proj, "deep", "x", "c.c"): "int z;\n",
	})
	mustLink(t, filepath.Join(home, ".ssh", "id_ed25519"), filepath.Join(proj, "sub", ".clang-format"))
	mustLink(t, filepath.Join(home, ".aws", "credentials"), filepath.Join(proj, "deep", "_clang-format"))
	rtNotSafe(t, set, proj,
		"clang-format --style=file:"+filepath.Join(home, ".aws", "credentials")+" a.c",
		"clang-format -style=file:"+filepath.Join(home, ".ssh", "id_ed25519")+" --dump-config",
		"clang-format sub/b.c", "clang-format a.c sub/b.c", "cd sub && clang-format --dump-config",
		"clang-format --dry-run deep/x/c.c", "clang-format --assume-filename=sub/x.c --dump-config")
	rtSafe(t, set, proj, "clang-format a.c", "clang-format --style=file a.c", "clang-format --dump-config",
		"clang-format --style=file:.clang-format a.c")
}

// sqliteDB writes a one-page SQLite database whose sqlite_master holds the
// given (type, name, sql) rows, as sqlite 3 lays it out.
func sqliteDB(t *testing.T, path string, rows [][3]string) {
	t.Helper()
	const size = 4096
	p := make([]byte, size)
	copy(p, "SQLite format 3\x00")
	binary.BigEndian.PutUint16(p[16:], size)
	p[18], p[19], p[21], p[22], p[23] = 1, 1, 64, 32, 32
	binary.BigEndian.PutUint32(p[28:], 1)
	binary.BigEndian.PutUint32(p[44:], 4)
	binary.BigEndian.PutUint32(p[56:], 1)
	p[100] = 0x0d
	binary.BigEndian.PutUint16(p[103:], uint16(len(rows)))
	end := size
	for i, r := range rows {
		cols := []string{r[0], r[1], r[1]}
		var hdr, body []byte
		for _, c := range cols {
			hdr = append(hdr, byte(13+2*len(c)))
			body = append(body, c...)
		}
		hdr = append(hdr, 8) // rootpage: the constant 0
		sqlType := 13 + 2*len(r[2])
		hdr = append(hdr, byte(0x80|sqlType>>7), byte(sqlType&0x7f))
		body = append(body, r[2]...)
		rec := append([]byte{byte(len(hdr) + 1)}, append(hdr, body...)...)
		cell := append([]byte{byte(0x80 | len(rec)>>7), byte(len(rec) & 0x7f), byte(i + 1)}, rec...)
		end -= len(cell)
		copy(p[end:], cell)
		binary.BigEndian.PutUint16(p[108+2*i:], uint16(end))
	}
	binary.BigEndian.PutUint16(p[105:], uint16(end))
	if err := os.WriteFile(path, p, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A view runs its SQL when a SELECT names it: `sqlite3 v.db "select * from
// v"` with `CREATE VIEW v AS SELECT edit('x','touch ...')` ran the command.
func TestRedTeam16bSqliteSchema(t *testing.T) {
	set, _, proj := rtLab(t)
	sqliteDB(t, filepath.Join(proj, "v.db"), [][3]string{
		{"table", "t", "CREATE TABLE t(a)"},
		{"view", "v", "CREATE VIEW v AS SELECT edit('x','touch ran;true') AS e"},
	})
	sqliteDB(t, filepath.Join(proj, "z.db"), [][3]string{{"table", "z", "CREATE VIRTUAL TABLE z USING zipfile('a.zip')"}})
	sqliteDB(t, filepath.Join(proj, "ok.db"), [][3]string{
		{"table", "t", "CREATE TABLE t(a, b)"},
		{"view", "w", "CREATE VIEW w AS SELECT a, upper(b) AS editor FROM t"},
	})
	rtNotSafe(t, set, proj, `sqlite3 v.db "select * from v"`, `sqlite3 v.db "select * from t"`, "sqlite3 v.db .tables",
		`sqlite3 z.db "select name from z"`)
	rtSafe(t, set, proj, `sqlite3 ok.db "select * from w"`, "sqlite3 ok.db .schema", `sqlite3 -header ok.db "select a from t"`,
		`sqlite3 ok.db "pragma table_info(t)"`, `sqlite3 ok.db "PRAGMA index_list('t')"`, `sqlite3 ok.db "pragma integrity_check(10)"`,
		`sqlite3 ok.db "pragma journal_mode"`, `sqlite3 ok.db "pragma user_version"`)
	// PRAGMA NAME(VALUE) sets: journal_mode(WAL) turned the database to WAL, user_version(7) wrote its header.
	rtNotSafe(t, set, proj, `sqlite3 ok.db "PRAGMA journal_mode(WAL)"`, `sqlite3 ok.db "pragma user_version(7)"`,
		`sqlite3 ok.db "pragma main.schema_version (9)"`, `sqlite3 ok.db "pragma application_id(5)"`,
		`sqlite3 ok.db "select 1; pragma foreign_keys(1)"`, `sqlite3 ok.db "pragma auto_vacuum(1)"`)

	// Real databases, when sqlite3 is here: a schema spread over interior
	// and overflow pages is read too.
	if _, err := exec.LookPath("sqlite3"); err != nil {
		return
	}
	var sql strings.Builder
	for i := 0; i < 200; i++ {
		sql.WriteString("CREATE TABLE t" + strconv.Itoa(i) + "(c TEXT, d TEXT, e TEXT, f TEXT, g TEXT, h TEXT);")
	}
	pad := "'" + strings.Repeat("x", 9000) + "'"
	for name, view := range map[string]string{"big.db": "edit('x','true')", "bigok.db": "2"} {
		cmd := exec.Command("sqlite3", name, sql.String()+"CREATE VIEW vv AS SELECT "+pad+", "+view+" AS e;")
		cmd.Dir = proj
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("sqlite3: %v %s", err, out)
		}
	}
	rtNotSafe(t, set, proj, `sqlite3 big.db "select 1"`)
	rtSafe(t, set, proj, `sqlite3 bigok.db "select 1"`)
}

// kubectl: a credential plugin written in YAML's flow style or in JSON ran
// (the check looked for `exec:` at a line's start), and `kubectl get
// svc/a secret/b -o yaml` printed the Secret (only the first TYPE/NAME
// word was judged).
func TestRedTeam16bKubectl(t *testing.T) {
	set, home, proj := rtLab(t)
	kc := filepath.Join(home, ".kube", "config")
	plain := "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: t\n"
	rtWrite(t, map[string]string{kc: plain})
	rtSafe(t, set, proj, "kubectl get pods", "kubectl get svc/a svc/b -o yaml", "kubectl get svc a -o yaml",
		"kubectl describe node/a node/b", "kubectl get secrets")
	rtNotSafe(t, set, proj, "kubectl get svc/a secret/b -o yaml", "kubectl get svc/a secrets/b -o json",
		"kubectl describe svc/a secret/b", "kubectl get svc/a pod/p -o yaml", "kubectl describe node/a deploy/api",
		"kubectl get svc/a cm/c -o jsonpath={.data}",
		// A custom resource named like a harmless kind in its own group:
		// a Knative Service holds its containers' environment.
		"kubectl get services.serving.knative.dev k -o yaml", "kubectl get services.v1.serving.knative.dev -o json",
		"kubectl describe services.serving.knative.dev k", "kubectl get ingresses.example.com -o yaml")
	rtSafe(t, set, proj, "kubectl get ingresses.networking.k8s.io -o yaml", "kubectl get services.serving.knative.dev",
		"kubectl get hpa.v2.autoscaling -o yaml")
	for _, body := range []string{
		"users:\n- name: u\n  user: {exec: {command: ./x.sh, apiVersion: client.authentication.k8s.io/v1}}\n",
		`{"users":[{"name":"u","user":{"exec":{"command":"./x.sh"}}}]}`,
		"users:\n- name: u\n  user:\n    \"exec\": {command: ./x.sh}\n",
		"users:\n- name: u\n  user:\n    'auth-provider': {name: gcp}\n",
		"users:\n- name: u\n  user:\n    \"\\x65xec\": {command: ./x.sh}\n",
		`{"users":[{"name":"u","user":{"\u0065xec":{"command":"./x.sh"}}}]}`,
		"users:\n- name: u\n  user:\n    ? exec\n    : {command: ./x.sh}\n",
		"users:\n- name: u\n  user:\n    Exec: {command: ./x.sh}\n",
	} {
		rtWrite(t, map[string]string{kc: body})
		rtNotSafe(t, set, proj, "kubectl get pods", "helm list")
	}
}

// helm's local forms: -f takes a URL (helm fetches it; another scheme runs
// a getter plugin), and every file of a chart directory, links followed, is
// loaded into .Files, which a template prints (`{{ .Files.Get "creds" }}`
// with creds a link to ~/.aws/credentials printed it).
func TestRedTeam16bHelm(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{
		filepath.Join(home, ".kube", "config"):                          "apiVersion: v1\nkind: Config\n",
		filepath.Join(proj, "chart", "Chart.yaml"):                      "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		filepath.Join(proj, "chart", "templates", "cm.yaml"):            "data: {{ .Files.Get \"creds\" | quote }}\n",
		filepath.Join(proj, "evil", "Chart.yaml"):                       "apiVersion: v2\nname: e\nversion: 0.1.0\n",
		filepath.Join(proj, "evil", "templates", "cm.yaml"):             "data: {{ .Files.Get \"creds\" | quote }}\n",
		filepath.Join(proj, "dotenv", "Chart.yaml"):                     "apiVersion: v2\nname: d\nversion: 0.1.0\n",
		filepath.Join(proj, "dotenv", ".env"):                           "API_KEY=sk-live-1\n",
		filepath.Join(proj, "vals.yaml"):                                "a: 1\n",
		filepath.Join(proj, "chart", "templates", "NOTES.txt"):          "hi\n",
		filepath.Join(proj, "chart", "files", "config.json"):            "{}\n",
		filepath.Join(proj, "chart", "values.yaml"):                     "x: 1\n",
		filepath.Join(proj, "chart", "charts", "sub", "Chart.yaml"):     "apiVersion: v2\nname: s\nversion: 0.1.0\n",
		filepath.Join(proj, "chart", "charts", "sub", "values.yaml"):    "y: 1\n",
		filepath.Join(proj, "chart", "charts", "sub", "templates", "x"): "z\n",
	})
	mustLink(t, filepath.Join(home, ".aws", "credentials"), filepath.Join(proj, "evil", "creds"))
	rtSafe(t, set, proj, "helm template ./chart", "helm template x ./chart -f vals.yaml", "helm lint ./chart --values=vals.yaml",
		"helm show values ./chart")
	rtNotSafe(t, set, proj, "helm template ./evil", "helm template x evil", "helm lint ./evil", "helm template ./dotenv",
		"helm template ./chart -f http://127.0.0.1:9/v.yaml", "helm lint ./chart --values=https://example.com/v.yaml",
		"helm template x ./chart -f s3://bucket/v.yaml")
	rtSafe(t, set, proj, "helm env")
	t.Setenv("HELM_KUBETOKEN", "tok-123")
	rtNotSafe(t, set, proj, "helm env")
}

// git help -a lists the aliases with their commands: an alias that holds a
// token (`!curl -H "Authorization: token ghp_..."`) was printed, where git
// config --list of the same config is a secret read.
func TestRedTeam16bGitHelpAliases(t *testing.T) {
	set, home, proj := rtLab(t)
	rtSafe(t, set, proj, "git help -a", "git help -g")
	rtWrite(t, map[string]string{filepath.Join(home, ".gitconfig"): "[alias]\n\tpub = !curl -H \"Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789\" https://api.github.com\n"})
	rtNotSafe(t, set, proj, "git help -a", "git help --all", "git -C . help -a", "git config --get alias.pub", "git config list")
	rtSafe(t, set, proj, "git help -a --no-aliases", "git help -g")
}

// terraform fmt -check reads every .tf/.tfvars file of the tree and prints
// the lines it cannot parse: `prod.tfvars -> ~/.config/gh/hosts.yml`
// printed the oauth_token line.
func TestRedTeam16bTerraformFmt(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{
		filepath.Join(home, ".config", "gh", "hosts.yml"): "github.com:\n    oauth_token: gho_x\n",
		filepath.Join(proj, "main.tf"):                    "variable \"x\" {}\n",
		filepath.Join(proj, "env", "dev", "main.tf"):      "variable \"y\" {}\n",
		filepath.Join(proj, ".env"):                       "API_KEY=sk-live-1\n",
	})
	rtSafe(t, set, proj, "terraform fmt -check", "terraform fmt -check -recursive", "terraform fmt -check env")
	mustLink(t, filepath.Join(home, ".config", "gh", "hosts.yml"), filepath.Join(proj, "env", "dev", "prod.tfvars"))
	rtNotSafe(t, set, proj, "terraform fmt -check -recursive", "terraform fmt -check -recursive env",
		"terraform fmt -check env/dev", "terraform fmt -check env/dev/prod.tfvars", "cd env/dev && terraform fmt -check")
	rtSafe(t, set, proj, "terraform fmt -check", "terraform fmt -check env")
}

// A names-only search (grep -l, -c, -q) reads every file of its tree, and
// its answer is an oracle: `for c in A B ...; do grep -rq
// "aws_secret_access_key=$c" ~/.aws && echo "$c"; done` printed the key's
// next letter, one command a letter. Secrets outside the working directory
// (or anywhere when it is the home directory) make it a secret read; a
// project's own .env is left to names-only searches of the project.
func TestRedTeam16bNamesOnlyOracle(t *testing.T) {
	set, home, proj := rtLab(t)
	rtWrite(t, map[string]string{filepath.Join(proj, ".env"): "API_KEY=sk-live-1\n"})
	rtNotSafe(t, set, proj,
		`for c in A B C; do grep -rq "aws_secret_access_key=$c" ~/.aws && echo "$c"; done`,
		"grep -rl x ~/.aws", "grep -rc x ~", "grep -rlq x "+filepath.Join(home, ".ssh"), "rg -l x ~/.aws",
		"grep -rL x ~/.docker", "cd ~ && grep -rq x .", "grep -rl x ..")
	rtSafe(t, set, proj, "grep -rl foo .", "grep -rc foo src", "rg -l foo", "grep -rq foo src", "rg --files ~/.aws")
}

// ~/.gemrc gives gem commands default arguments: `list: --remote --source
// URL` made `gem list rake` fetch the URL's index.
func TestRedTeam16bGemrc(t *testing.T) {
	set, home, proj := rtLab(t)
	t.Setenv("GEMRC", "")
	rtSafe(t, set, proj, "gem list", "gem which rake")
	rtWrite(t, map[string]string{filepath.Join(home, ".gemrc"): "---\n:verbose: true\n:sources:\n- https://rubygems.org/\ngem: --no-document\ninstall: --user-install --no-document\n"})
	rtSafe(t, set, proj, "gem list")
	for _, body := range []string{"---\nlist: --remote --source http://127.0.0.1:9/\n", "gem: --remote\n", "'which': --all\n", "list:\n  --remote\n", "{list: --remote}\n", "list: --no-document\n  --remote\n", "\"\\x6cist\": --remote\n"} {
		rtWrite(t, map[string]string{filepath.Join(home, ".gemrc"): body})
		rtNotSafe(t, set, proj, "gem list rake", "gem which rake", "gem contents rake")
	}
}
