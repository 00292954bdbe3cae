package policy_test

import (
	"os"
	"path/filepath"
	"testing"

	"guard/policy"
)

// TestGeneralClasses: the general read-only forms issue 16 added after the
// held-out agents set was measured run unasked in suggest mode, and their
// near misses (an option that writes or runs, a value that is an option)
// do not. Each command is judged as `bash -c CMD` in a small project.
func TestGeneralClasses(t *testing.T) {
	set := defaultSet(t)
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("USER", "alice")
	for _, f := range []string{"src/a.ts", "src/b.ts", "x.log", "docs/a.md"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		cmd string
		run bool
	}{
		// -v is a version query only where the program says so: flake8 -v
		// lints the tree, swift -v may read code on standard input, black,
		// mypy, isort, pip and uv take it for verbose.
		{"node -v", true}, {"npm -v", true}, {"docker -v", true}, {"flake8 --version", true},
		{"flake8 -v", false}, {"echo 'print(1)' | swift -v", false}, {"black -v", false}, {"mypy -v", false},
		{"isort -v", false}, {"pip -v", false}, {"uv -v", false}, {"kubectl -v", false},
		// A negative number after an option that takes a value is its value.
		{"find . -type f -name '*.log' -mtime -1", true},
		{"find /var/log -mmin -60 -size -10M", true},
		{"find . -perm -644 -type f", true},
		{"tail -n -5 app.log", true},
		{"seq 5 -1 1", false},
		{"seq 1 -2", false},
		{"head -n -5 f -- -1", false},
		{"find . -mtime -1 -delete", false},
		{"find . -name -delete", false},
		{"find . -mtime -exec rm {} ;", false},
		{"find . -newer -1 -exec rm {} +", false},
		// A glob in the value of a --NAME=VALUE option that takes a pattern.
		{"grep -rn 'func New' --include=*.go .", true},
		{"grep -r x src/ --include=*.tsx --exclude=*.test.tsx", true},
		{"grep -r x --include=*.py --exclude-dir=node_modules .", true},
		{"grep -r x --bogus=*.py .", false},
		{"sort --output=*.txt f", false},
		{"grep -r x -*.py .", false},
		{"rg x --pre=*.sh", false},
		// awk programs that only read and print.
		{"awk '{print $1}' access.log | sort | uniq -c | sort -rn | head -20", true},
		{"awk -F, 'NR>1 {sum+=$3} END {print sum}' data.csv", true},
		{"awk -F: '{print $1}' /etc/passwd", true},
		{"awk 'NR>=100 && NR<=150' app.log", true},
		{"awk '/ERROR/ {count++} END {print count}' app.log", true},
		{"gawk -v OFS='\t' '{print $2, $1}' f", true},
		{"awk 'BEGIN{system(\"id\")}'", false},
		{"awk '{system(\"rm \" $1)}' files.txt", false},
		{"awk '{print > \"/tmp/x\"}' f", false},
		{"awk '{print $1 >> \"out.txt\"}' f", false},
		{"awk '{print | \"sh\"}' f", false},
		{"awk '{printf \"%s\\n\", $0 | \"sort\"}' f", false},
		{"awk 'BEGIN{while ((\"id\" | getline l) > 0) print l}'", false},
		{"awk 'BEGIN{getline l < \"/etc/shadow\"; print l}'", false},
		{"awk 'BEGIN{print ENVIRON[\"OPENAI_API_KEY\"]}'", false},
		{"awk 'BEGIN{ARGV[1]=\".env\"; ARGC=2} {print}' x", false},
		{"awk '@include \"x.awk\"'", false},
		{"gawk 'BEGIN{f=\"system\"; @f(\"id\")}'", false},
		{"awk '{print}' .env", false},
		{"awk -f prog.awk f", false},
		{"gawk -i inplace '{print}' f", false},
		{"awk -e '{print}' f", false},
		// sed scripts that only print: substitutions with harmless flags, y, d.
		{"sed 's/foo/bar/g' template.txt", true},
		{"sed -e 's/^/  /' notes.txt | head", true},
		{"sed -n 's/^version = //p' Cargo.toml", true},
		{"sed 's|/usr/local|/opt|g; /^#/d' conf", true},
		{"sed -E 's/([0-9]+)/<\\1>/2' f", true},
		{"sed 's/a/b/w /tmp/x' f", false},
		{"sed 's/.*/id/e' f", false},
		{"sed 's/a/b/;e id' f", false},
		{"sed 's/a/b/;r /etc/shadow' f", false},
		{"sed -i 's/a/b/' f", false},
		{"sed 's/a/b/' .env", false},
		// A for loop over a glob: "$f" is judged as the glob in its place.
		{`for f in src/*.ts; do echo "== $f"; head -5 "$f"; done`, true},
		{`for f in *.log; do wc -l "$f"; done`, true},
		{`for f in docs/*.md; do echo "$f"; grep -c TODO "$f"; done`, true},
		{`for f in *; do rm -rf "$f"; done`, false},
		{`for f in src/*.ts; do cp "$f" /tmp/; done`, false},
		{`for f in *.log; do cat $f; done`, false},
		{`for f in *.pem; do cat "$f"; done`, false},
		{`for f in src/*.ts; do sed -i 's/a/b/' "$f"; done`, false},
		{`for f in src/*.ts; do cat "$f" > "$f.bak"; done`, false},
		// Text readers and system queries that only print.
		{"tac app.log | head -20", true},
		{"rev x.log", true},
		{"expand -t 4 x.log", true},
		{"paste -sd+ x.log", true},
		{`echo "aGVsbG8=" | base64 --decode`, true},
		{"iconv -f latin1 -t utf-8 x.log", true},
		{"zcat /var/log/nginx/access.log.2.gz | head", true},
		{`egrep -n "error|fail" x.log`, true},
		{"gofmt -l .", true},
		{"cal", true},
		{"whereis nginx", true},
		{"locate nginx.conf", true},
		{"namei -l /var/www/html/index.html", true},
		{"swapon --show", true},
		{"openssl x509 -in /etc/ssl/certs/ca-certificates.crt -noout -subject", true},
		{"docker network inspect bridge", true},
		{"docker volume inspect pgdata", true},
		{"docker inspect --format='{{json .State.Health}}' api", true},
		{"brew list --versions", true},
		{"snap list", true},
		{"iconv -f latin1 -t utf-8 -o out.txt x.log", false},
		{"base64 -i in.txt -o out.txt", false},
		{"base64 .env", false},
		{"gofmt -w .", false},
		{"swapon /dev/sda2", false},
		{"swapon -a", false},
		{"locate -d /tmp/db x", false},
		{"openssl x509 -in a.crt -out b.crt", false},
		// A glob in a directory that is not there yet can name only what the secret list
		// calls secret in that directory: settings.xml only in ~/.m2, config.json only in
		// ~/.docker; any name in ~/.gnupg.
		{"grep -l '<failure' target/surefire-reports/*.xml", true},
		{"cat out/docker/*.json", false},
		{"cat ~/.docker/*.json", false},
		{"cat ~/.m2/*.xml", false},
		{"cat ~/.gnupg/*.gpg", false},
		{"cat build/certs/*.pem", false},
		{"cat build/*.tfvars", false},
		// git -P is --no-pager; -p (--paginate) starts one.
		{"git -P log -3", true},
		{"git -p log -3", false},
		{"git branch --no-merged", true},
		{"git config user.name", true},
		{"git config --global user.email", true},
		{"git config edit", false},
		{"git config user.name bob", false},
		{"git config --unset user.name", false},
		{"git config list", true},
		{"git branch --no-merged x y", false},
		// Fourth held-out batch: more read-only tools and forms.
		{"gzip -c src/*.ts | wc -c", true},
		{"gzip -c .env | wc -c", false},
		{"gzip src/a.ts", false},
		{"pstree -p | head -30", true},
		{"nvidia-smi --query-gpu=name,memory.used --format=csv", true},
		{"nvidia-smi -pm 1", false},
		{"service nginx status", true},
		{"service nginx restart", false},
		{"service ../../tmp/x status", false},
		{"sudo service ../x status", false},
		{"service .. status", false},
		{"sudo fail2ban-client status sshd", true},
		{"fail2ban-client set sshd unbanip 1.2.3.4", false},
		{"sysctl vm.swappiness", true},
		{"sysctl -n net.core.somaxconn vm.max_map_count", true},
		{"sysctl vm.swappiness=10", false},
		{"sudo sysctl vm.swappiness=10", false},
		{"sysctl -w vm.swappiness=10", false},
		{"sysctl -p /etc/sysctl.conf", false},
		{"sysctl net.ipv4.ip_forward =1", false},
		{"docker search redis", true},
		{"hadolint Dockerfile", true},
		{"psql -V", true},
		{"psql -c 'select 1'", false},
		// $(which NAME): the path which finds now.
		{"ls -la $(which sh)", true},
		{`stat "$(which sh)"`, true},
		{"ls -la $(which no-such-program-here)", false},
		{"ls $(which -a sh)", false},
		{"rm $(which sh)", false},
		// A glob that matches nothing now is passed as written.
		{"ps -ef | grep [n]ginx", true},
		{"find . -name *.nomatch", true},
		{"ps -ef | grep [x].log", false}, // it matches x.log here: grep x.log
		{"grep x [x].log", true},
		{"touch [a] && grep y [b]", false},
		{"rm -rf [n]omatch", false},
		{"ps -ef | grep [!x]ginx", false}, // the shell's [!...] is not Go's
		{"ps -ef | grep [[:alpha:]]ginx", false},
		// An input redirection from the glob a loop puts in $f's place reads one of its files.
		{`for f in src/*.ts; do echo "$f: $(wc -l < "$f")"; done`, true},
		{`for f in *.log; do wc -l < "$f"; done`, true},
		{`for f in conf/.env*; do wc -l < "$f"; done`, false},
		{`for f in /dev/s*; do head -c 10 < "$f"; done`, false},
		{`for f in *.txt; do cat > "$f"; done`, false},
		{`touch a.log && for f in *.log; do wc -l < "$f"; done`, false},
		// A plain cat prints its here-document: a command substitution there is printed.
		{"cat <<EOF\nBranch: $(git branch --show-current)\nCommit: $(git rev-parse --short HEAD)\nEOF", true},
		{"cat <<EOF\nx $(cat .env)\nEOF", false},
		{"cat <<EOF\nx $(rm -rf src)\nEOF", false},
		{"cat <<EOF > f.md\nx $(date)\nEOF", false},
		{"cat -n <<EOF\nx $(date)\nEOF", false},
		{"sh <<EOF\nx $(date)\nEOF", false},
		{"cat <<EOF\n$OPENAI_API_KEY $(date)\nEOF", false},
		// Arithmetic of numbers only, printed.
		{"echo $((60*60*24))", true},
		{`echo "total: $(( (7 + 3) % 4 ))"`, true},
		{"echo $((x+1))", false},
		{"echo $((a[$(id)]))", false},
		{"cat $((1+1))", false},
		// x509 prints a certificate's fields, never the private key a .pem may also hold.
		{"openssl x509 -in server.pem -noout -text", true},
		{"openssl x509 -in /etc/letsencrypt/live/x/privkey.pem -noout -dates", true},
		{"openssl rsa -in server.pem -noout -text", false},
		{"openssl x509 -in server.pem -noout -text -out x.crt", false},
		{"docker inspect -f '{{.Config | printf \"%v\"}}' api", false},
		{"docker inspect -f '{{with .State}}{{.}}{{end}}' api", false},
		{"docker inspect -f '{{json .}}' api", false},
		{"docker image inspect --format '{{json .Config.ExposedPorts}}' myapp:latest", true},
		{"docker inspect -f '{{.HostConfig.RestartPolicy.Name}} {{.Config.Image}}' api", true},
		{"docker inspect -f '{{json .Config.Env}}' api", false},
		{"docker inspect -f '{{json .Config.Cmd}}' api", false},
		{"docker inspect -f '{{json .HostConfig}}' api", false},
		{"docker inspect -f '{{json .HostConfig.LogConfig}}' api", false},
		{"docker inspect -f '{{json .Config.ImageX}}' api", false},
		{"docker inspect -f '{{.Config.Labels}}{{.Config}}' api", false},
		{"brew install jq", false},
		{"zcat .env.gz", false},
		// date +FORMAT, jq with no filter, vmstat/iostat samples, clear.
		{"date +%s", true},
		{`date -u +"%Y-%m-%dT%H:%M:%SZ"`, true},
		{"date --date=yesterday +%F", true},
		{"date 010112002030", false},
		{"date -s 2020-01-01 +%s", false},
		{`echo '{"a":1}' | jq`, true},
		{"curl -s localhost:3000 | jq", false},
		{"jq -f prog.jq", false},
		{"vmstat 1 5", true},
		{"iostat -xz 1", true},
		{"clear", true},
		// Assignments that only set the language, time zone, width, colour or a pager of cat.
		{`LC_ALL=C grep -rn "x" src | head`, true},
		{"env LC_ALL=C sort x.log | head", true},
		{"LANG=C.UTF-8 TZ=UTC date", true},
		{"GIT_PAGER=cat git log --oneline -5", true},
		{"NO_COLOR=1 ls", true},
		{"GIT_PAGER='sh -c id' git log", false},
		{"PAGER=less git log", false},
		{"LC_ALL=$(id) ls", false},
		{"LC_ALL=/tmp/x ls", false},
		{"TZ=/etc/shadow date", false},
		{"TZ=:/etc/shadow date", false},
		{"LD_PRELOAD=/tmp/x.so ls", false},
		{"GIT_DIR=/tmp/x git log", false},
		{"env -i LC_ALL=C ls", false},
		// find -exec and xargs with a command that only reads and prints.
		{"find . -type f -name '*.ts' -exec wc -l {} + | sort -n | tail", true},
		{`find . -name "*.log" -exec ls -la {} \;`, true},
		{`find src -name "*.ts" -exec head -3 {} \;`, true},
		{`find . -name "*.md" -exec grep -l TODO {} + -exec wc -l {} +`, true},
		{"ls src | xargs -n1 basename", true},
		{`find . -exec rm {} \;`, false},
		{`find . -exec wc -l {} \; -exec rm {} \;`, false},
		{`find . -exec wc -l {} \; -delete`, false},
		{`find . -execdir wc -l {} \;`, false},
		{`find . -exec sh -c 'wc -l {}' \;`, false},
		{`find . -exec cat .env {} \;`, false},
		{`find . -name ".env*" -exec cat {} \;`, false},
		{`find . -iname "*.PEM" -exec head {} +`, false},
		{`find . -exec cat {} \; -fprint /tmp/x`, false},
		{"ls | xargs -n1 rm", false},
		// docker compose -f FILE SUB, docker/podman listings, journalctl -b -N.
		{"docker compose -f docker-compose.prod.yml ps", true},
		{"docker compose -f docker-compose.yml logs --tail=100 web", true},
		{"docker compose -f a.yml -p shop logs -f web", true},
		{"docker system info", true},
		{"podman pod ps", true},
		{"docker events --since 1h --until now", true},
		{"journalctl -b -1 -p warning --no-pager", true},
		{"docker compose -f a.yml config", false},
		{"docker compose -f a.yml up -d", false},
		{"docker compose --env-file .env ps", false},
		{"docker compose -f .env ps", false},
		{"journalctl -b -1 --vacuum-time=1d", false},
		// $USER, a plain user name.
		{"ps -u $USER", true},
		{"groups ${USER}", true},
		{"ls -la /home/$USER/proj", true},
		{"cat /home/$USER/.ssh/id_rsa", false},
		{"ls $USER$USER", false},
		// Brace expansion: each word judged as bash makes it.
		{`grep -rn "x" . --exclude-dir={node_modules,dist,.git}`, true},
		{"grep -rl TODO --include=*.{ts,tsx} src", true},
		{"ls src/{a,b}.ts", true},
		{"wc -l src/{a,b}.ts docs/*.md", true},
		{"cat src/*.{ts,js}", true},
		{"cat {.env,x.log}", false},
		{"ls -{l,a}", false},
		{`sort {"-o,x",a}`, false},
		{"rm -rf {*,.*}", false},
		{"rm -rf {.git,src}", false},
		{"ls {1..5}", false},
		{"cat {~,x}/notes.txt", false},
		{"touch {~,x}/foo", false},
		{"cat src/{a,b}.ts > out.txt", false},
		// test and [ with a plain $NAME: only an exit status.
		{`[ -z "$X" ] || echo nonempty`, true},
		{`test -n "$NODE_ENV" && echo set`, true},
		{`test -n "$DATABASE_URL" && echo set`, false},
		{`[ $N -gt 0 ]`, false}, // a comparison is an oracle on the value (red-team 16, 10)
		{`[ "$N" = "$c" ]`, false},
		{`[ ! -n "$N" ]`, true},
		{`[ -f "$F" ] && cat "$F"`, false},
		{`[[ $X -eq 1 ]]`, false},
		{`[ -f ${F:=x} ]`, false},
		{`test "$(rm -rf x)"`, false},
		// Subshells, groups and if statements: their commands, judged as in a list.
		{"(cd src && ls)", true},
		{"{ ls; pwd; } 2>&1 | head", true},
		{"if [ -d src ]; then ls src; else echo none; fi", true},
		{"if test -f package.json; then cat package.json; fi", true},
		{"set -euo pipefail; ls -la", true},
		{"cd src || exit 1; ls", true},
		{"(cd src && rm -rf *)", false},
		{"if true; then touch x; fi", false},
		{"{ ls; } > out.txt", false},
		{"if [ -f .env ]; then cat .env; fi", false},
		{"(cd /etc && cat shadow)", false},
		{"set -x; ls", false},
		{"set -k; ls a=b", false},
		{"set -o posix; ls", false},
		{"set -- a b; ls", false},
		{"f() { ls; }; f", false},
		{"case x in *) ls;; esac", false},
		// [[ ]] that only tests literal words or a loop's variable.
		{"[[ -f package.json ]] && cat package.json", true},
		{"if [[ -d src ]]; then ls src; fi", true},
		{`for f in src/*.ts; do [[ "$f" == *.test.ts ]] || head -3 "$f"; done`, true},
		{"[[ 1 -lt 2 ]] && echo yes", true},
		{"[[ $X -eq 1 ]]", false},
		{"[[ 'a[$(id)]' -eq 1 ]]", false},
		{"[[ -v 'a[$(id)]' ]]", false},
		{`[[ -n "$X" ]]`, false},
		{"[[ $(id) == x ]]", false},
		// A glob after sudo: judged on the command sudo runs.
		{"sudo du -sh src/*", true},
		{"sudo ls -la docs/*.md", true},
		{"sudo rm src/*.ts", false},
		{"sudo cat *.pem", false},
		{`printf '%s\n' src/*.ts`, true},
		{`printf -v x src/*.ts`, false},
		{`printf src/*.ts`, false},
		// X --help for the programs whose version query is safe.
		{"docker --help", true},
		{"node --help", true},
		{"systemctl --help", true},
		{"git --help", false},
		{"pytest --help", false},
		{"docker --help x", false},
		// Arithmetic.
		{`echo "scale=2; 10/3" | bc -l`, true},
		{"expr 5 + 3", true},
		{"numfmt --to=iec 1048576", true},
		{"bc prog.bc", false},
		{"bc < .env", false},
		{"dc -e '!id'", false},
		// fd (names only), history, git submodule status.
		{"fd -e ts src", true},
		{`fd "test" --type f`, true},
		{"history | tail -20", true},
		{"git submodule status --recursive", true},
		{"fd -x rm", false},
		{"fd x --exec-batch rm", false},
		{"fd -l x", false},
		{"history -w /tmp/h", false},
		{"git submodule update --init", false},
		// systemctl show with properties that are not the environment.
		{"systemctl show nginx -p ActiveState,SubState", true},
		{"systemctl show -p MainPID --value nginx", true},
		{"systemctl show nginx", false},
		{"systemctl show nginx -p Environment", false},
		{"systemctl show nginx --property=Environment", false},
		{"systemctl show nginx -p ActiveState -p EnvironmentFiles", false},
		{"systemctl show nginx -p 'Env*'", false},
		{"systemctl cat nginx", false},
		// $PWD where the directory is known; find -perm with a symbolic mode.
		{`basename "$PWD"`, true},
		{"cd src && ls -la $PWD", true},
		{"cd src; ls $PWD", false},
		{"cat $PWD/.env", false},
		{"find . -type f -perm -u+x", true},
		{"find . -perm -u+x -delete", false},
		{"find . -perm -ux", false},
		// Hardware and firewall listings.
		{"sudo fdisk -l", true},
		{"sudo iptables -S", true},
		{"sudo iptables -L -n -v --line-numbers", true},
		{"sudo nft list ruleset", true},
		{"sudo lshw -short", true},
		{"sudo dmidecode -t memory", true},
		{"sudo fdisk /dev/sda", false},
		{"sudo iptables -L", false},
		{"sudo iptables -F", false},
		{"sudo nft flush ruleset", false},
		{"sudo lshw -dump hw.db", false},
		// npm pkg get, npm run (the list), pip cache dir.
		{"npm pkg get version", true},
		{"npm run", true},
		{"pip cache dir", true},
		{"npm run build", false},
		{"npm pkg set version=2.0.0", false},
		{"pip cache purge", false},
		// git clean dry runs, git rev-list --all.
		{"git clean -n", true},
		{"git clean -ndx", true},
		{"git rev-list --all --count", true},
		{"git clean -fd", false},
		{"git clean -nfd", false},
		// Third held-out batch (section 6c): binary inspection, archive listings, compiler
		// configuration, version queries, status tools, package listings; and their near misses.
		{"readelf -hS bin/server", true},
		{"readelf -d target/release/app | grep NEEDED", true},
		{"objdump -d -M intel main.o | head -80", true},
		{"nm -C build/libcore.a | grep ' T '", true},
		{"size build/main.o", true},
		{"ar tv /usr/lib/x86_64-linux-gnu/libc.a", true},
		{"readelf -w bin/server", false},
		{"objdump -S bin/server", false},
		{"objdump -dl bin/server", false},
		{"nm --plugin x.so a.o", false},
		{"ldd bin/server", false},
		{"ar x libc.a", false},
		{"ar rcs libx.a a.o", false},
		{"unzip -l dist/app.zip", true},
		{"unzip -p app.jar META-INF/MANIFEST.MF", true},
		{"zipinfo -1 dist/app.zip | head", true},
		{"gzip -l logs/app.log.1.gz", true},
		{"7z l backup.7z", true},
		{"jar tf build/libs/app.jar", true},
		{"dpkg -c nginx_1.24_amd64.deb", true},
		{"unzip dist/app.zip", false},
		{"unzip -o update.zip", false},
		{"unzip -l x.zip -d /tmp/x", false},
		{"gzip -d x.gz", false},
		{"gzip x.log", false},
		{"7z x backup.7z", false},
		{"jar xf app.jar", false},
		{"dpkg -x x.deb out", false},
		{"tar -tzf release.tar.gz | head -30", true},
		{"tar tJf linux.tar.xz", true},
		{"tar -tvf backup.tar dir/x", true},
		{"tar --list -f x.tar", true},
		{"tar -tf host:/backup.tar", false},
		{"tar tf user@host:x.tar", false},
		{"tar -xzf release.tar.gz", false},
		{"tar xf x.tar", false},
		{"tar -tf x.tar --to-command=sh", false},
		{"tar -t -I 'sh -c id' -f x.tar", false},
		{"tar -tf x.tar --checkpoint=1 --checkpoint-action=exec=id", false},
		{"tar -czf x.tar.gz src", false},
		{"tar -tz", false},
		{"xmllint --format pom.xml | head -60", true},
		{"xmllint --xpath '//version/text()' pom.xml", true},
		{"xmllint --noout a.xml", true},
		{"xmllint --format --output out.xml a.xml", false},
		{"xmllint --noent a.xml", false},
		{"xmllint --xinclude a.xml", false},
		{"xmllint --shell a.xml", false},
		{"xmllint --html --format http://x.example/", false},
		{"xmllint --noout ftp://x.example/a.xml", false},
		{"git whatchanged -n 3 --oneline", true},
		{"git range-diff main~3..main topic~3..topic", true},
		{"git cherry -v main", true},
		{"git check-attr -a -- logo.png", true},
		{"git notes show HEAD", true},
		{"git var GIT_EDITOR", true},
		{"git help -a | head -40", true},
		{"git var -l", false},
		{"git notes add -m x HEAD", false},
		{"git help log", false},
		{"git whatchanged --output=x", false},
		{"gcc -dumpmachine", true},
		{"clang -print-resource-dir", true},
		{"cc -v", true},
		{"pkg-config --cflags --libs openssl", true},
		{"gcc -v x.c", false},
		{"gcc -E -dM - </dev/null", false},
		{"gcc -o app main.c", false},
		{"pkg-config --define-variable=prefix=/x openssl", false},
		{"haproxy -vv", true},
		{"caddy version", true},
		{"terraform -version", true},
		{"gem --version", true},
		{"caddy run", false},
		{"haproxy -f /etc/haproxy/haproxy.cfg", false},
		{"ghc --version x.hs", false},
		{"systemd-analyze blame | head -20", true},
		{"loginctl list-sessions", true},
		{"localectl", true},
		{"resolvectl status eth0", true},
		{"networkctl status", true},
		{"sestatus -v", true},
		{"lastlog -u agent", true},
		{"mpstat -P ALL 1 2", true},
		{"sar -u 1 3", true},
		{"findmnt -T /var/lib/docker", true},
		{"kill -0 1342 && echo alive", true},
		{"kill -l", true},
		{"sysctl -a | grep swappiness", true},
		{"update-alternatives --list java", true},
		{"uv python list", true},
		{"systemd-analyze set-log-level debug", false},
		{"loginctl terminate-session 3", false},
		{"localectl set-locale LANG=C", false},
		{"resolvectl flush-caches", false},
		{"resolvectl query example.com", false},
		{"lastlog -C -u agent", false},
		{"sar -o /tmp/sa 1 3", false},
		{"kill 1342", false},
		{"kill -9 1342", false},
		{"kill -0 -9 1342", false},
		{"sysctl -w vm.swappiness=10", false},
		{"sysctl vm.swappiness=10", false},
		{"update-alternatives --config java", false},
		{"uv python install 3.12", false},
		{"docker system df -v", true},
		{"docker history --no-trunc app:1", false},
		{"docker compose config --images", false},
		{"docker compose config --services", true},
		{"docker compose -f a.yml config --volumes", true},
		{"docker compose config", false},
		{"docker compose config --environment", false},
		{"docker system prune -af", false},
		{"conda list -n ml | grep torch", true},
		{"conda info --envs", true},
		{"conda env export --no-builds", false},
		{"conda list --explicit", false},
		{"mamba list", true},
		{"conda info -a", false},
		{"conda env export -f environment.yml", false},
		{"conda install numpy", false},
		{"conda config --show", false},
		{"gem list rails", true},
		{"gem which bundler", true},
		{"gem env", false},
		{"gem list --remote rails", false},
		{"gem install rails", false},
		{"brew info node", true},
		{"brew --prefix openssl", true},
		{"brew services list", true},
		{"brew install jq", false},
		{"brew services start redis", false},
		{"php -m", true},
		{"php -l src/a.php", true},
		{"php -i", false},
		{"php -i | grep memory_limit", false},
		{"php -r 'echo 1;'", false},
		{"php src/a.php", false},
		{"npm config get registry", true},
		{"npm config get //registry.npmjs.org/:_authToken", false},
		{"npm config get _auth", false},
		{"terraform fmt -check -recursive", true},
		{"terraform fmt", false},
		{"terraform fmt -check -diff", false},
		{"ssh-keygen -lf ~/.ssh/id_ed25519.pub", true},
		{"ssh-keygen -y -f ~/.ssh/id_ed25519", false},
		{"eza -T -L 2", true},
		{"shuf -n 5 x.log", true},
		{"shuf -o x.log x.log", false},
		// Run-time words the judge can bound (runtime.go): a substitution echo or printf prints,
		// a process substitution read as a pipe, ${#NAME}.
		{`echo "Current branch: $(git branch --show-current)"`, true},
		{`echo "Files: $(ls | wc -l)"`, true},
		{"printf 'node %s\\n' \"$(node --version)\"", true},
		{"diff <(sort a.txt) <(sort b.txt)", true},
		{"comm -13 <(sort x.log) <(sort docs/a.md)", true},
		{"echo ${#OPENAI_API_KEY}", true},
		{`printf '%s\n' "${#OPENAI_API_KEY}"`, true},
		{`head -n "${#OPENAI_API_KEY}" x.log`, false},
		{"cat ${#HOME}", false},
		{"cat .env${#NOPE}", false},
		{"cat x${#NOPE}.log", false},
		{"echo $(< x.log)", true},
		{`echo "$(< .env)"`, false},
		{`echo "$(< ~/.ssh/id_rsa)"`, false},
		{`echo "$(< /dev/tty)"`, false},
		{"diff <(< .env) x.log", false},
		{`echo "$(cat .env)"`, false},
		{"echo $(rm -rf src)", false},
		{`echo "$(curl -s https://x.example)"`, false},
		{"cat <(cat ~/.ssh/id_rsa)", false},
		{`echo "$(find ~/.ssh -type f)" | xargs cat`, false},
		{"tee >(sh) < x.log", false},
		{"sh <(echo id)", false},
		{"source <(echo x)", false},
		{"cat $(echo .env)", false},
		{"ls $(echo /)", false},
		{`printf "$(cat x.log)" y`, false},
		{`printf -v x "%s" "$(id)"`, false},
		{`echo "$(id)" > out.txt`, false},
		{"cp <(echo x) /etc/y", false},
		{"[[ $(id) ]]", false},
		{"X=$(id) ls", false},
		{"echo $OPENAI_API_KEY", false},
		// clang-format without -i, cmake's documentation, bun pm listings, node --check, paste -.
		{"clang-format --dry-run src/a.ts", true},
		{"clang-format -i src/a.ts", false},
		{"cmake --help-command add_library | head -40", true},
		{"cmake -S . -B build", false},
		{"bun pm ls", true},
		{"bun pm cache rm", false},
		{"node --check src/a.ts", true},
		{"node src/a.ts", false},
		{"node --check -r ./x.js src/a.ts", false},
		{"seq 1 10 | paste -sd, -", true},
		// yq: an expression over files (yqFilter, yqJudge).
		{"yq '.services | keys' docker-compose.yml", true},
		{"yq e '.spec.replicas' k8s/deploy.yaml", true},
		{"yq -o json '.' docs/a.md | jq .port", true},
		{"yq '.env' x.yml", true},
		{"yq -n 'env(HOME)'", false},
		{"yq -n 'strenv(OPENAI_API_KEY)'", false},
		{"yq '.a | envsubst' x.yml", false},
		{`yq 'load("x.log")' x.yml`, false},
		{"yq 'eval(.x)' x.yml", false},
		{"yq '$ENV' x.yml", false},
		{"yq -i '.a = 1' x.yml", false},
		{"yq -s '.name' x.yml", false},
		{"yq x.log", false},
		{"yq e x.log", false},
		// grep reads only the pattern and files after --.
		{"grep -rn -- --force src", true},
		{"grep -n -- '--force' src/*.ts", true},
		{"grep -n --bogus -- x src", false},
		{"grep -rn -- x .env", false},
		// A search for a key's shape, a credential setting or only secret-named files.
		{"rg -n 'sk-[A-Za-z0-9]{20,}' .", false},
		{"grep -rn ghp_ src", false},
		{"grep -rn 'AKIA[0-9A-Z]{16}' .", false},
		{"grep _authToken ~/x.txt", false},
		{"grep -i aws_secret_access_key x.log", false},
		{"grep -rn x --include=.env .", false},
		{"rg x -g '.env*'", false},
		{"grep -rn task-runner src", true},
		{"grep -rn is_authenticated src", true},
		{"grep -rn npm_config src", true},
		{"rg x -g '!.env'", true},
		{"grep -rn x --include=*.py .", true},
		{`grep -rl "DATABASE_URL" src --include=*.py`, true},
		{"grep -c OPENAI_API_KEY x.log", true},
		{"rg -l 'sk-[a-z]+' src", true},
		{`grep -rn "DATABASE_URL" src`, false},
		{"grep -rlo OPENAI_API_KEY x.log", true},
		{"grep -rn -e OPENAI_API_KEY -l x.log", true},
		{"grep -A1 -l OPENAI_API_KEY x.log", true},
		// A search for nothing but a password's key, in any case and format.
		{"grep -i password src/app.properties", false},
		{`grep -r "password" /etc/app/`, false},
		{`grep -rn "db_password\s*=" config`, false},
		{`rg -n 'db.passwd\s*[:=]' src`, false},
		{`grep -E "^spring.datasource.password|url" x.yml`, false},
		{`grep -n "passphrase\|host" x.ini`, false},
		{"grep -i 'pa\u017f\u017fword' x.ini", false}, // ſ folds to s, as grep -i may fold it
		{`grep -rn "api_key" src`, true},
		{`rg -n "token" src`, true},
		{`grep "Failed password" /var/log/auth.log`, true},
		{`grep -rn "resetPassword(" src`, true},
		// A verb or adjective before the key names code (a function, a column), a noun a key.
		{`grep -rn hashPassword src`, true},
		{`rg -n "validate_password" .`, true},
		{`grep -rn 'hashed_password' app`, true},
		{`grep -rn "onPasswordChange" src`, true},
		{`grep storePassword app/build.gradle`, false},
		{`grep -n keyPassword android/key.properties`, false},
		{`grep -rn "admin_password" config`, false},
		{`grep -rn "tokenize" src`, true},
		{`grep -rl password src`, true},
		{`grep -c "password" x.log`, true},
		// A search of what cat prints of a file is a search of the file
		// (pipesearch.go, eighth held-out batch); an inverted one is not.
		{`cat x.log | grep -i "password\|token"`, false},
		{`cat x.log | grep -v password`, true},
		{`cat x.log | sort | grep -i "password"`, false},
		{`git log | grep -i password`, true},
		{`grep -ri password`, false},
		{`cat x.log | rg -i password`, false},
		// sed and awk that pick out where a secret is set, as grep's pattern would.
		{`sed -n '/OPENAI_API_KEY/p' x.log`, false},
		{`awk '/GITHUB_TOKEN/' x.log`, false},
		{`sed -n '/password/p' x.log`, false},
		{`awk -F= '$1=="db.password" {print $2}' x.log`, false},
		{`sed -n '/passwordless/p' x.log`, true},
		{`sed -n '1,20p' x.log`, true},
		{`cat x.log | sed -n '/password/p'`, false},
	} {
		v := set.Judge([]string{"bash", "-c", c.cmd}, dir)
		d := policy.Decide(&v, policy.Suggest, []string{dir})
		if got := d.Action == policy.Run; got != c.run {
			t.Errorf("%q: %s (%s: %s), want run=%v", c.cmd, d.Action, v.Class, d.Reason, c.run)
		}
	}
	// zsh's test evaluates -eq operands as arithmetic, which can run a
	// command substitution in a subscript.
	if v := set.Judge([]string{"zsh", "-c", `[ $N -gt 0 ]`}, dir); v.Class == policy.Safe {
		t.Errorf("zsh -c '[ $N -gt 0 ]' is safe, want unverified")
	}
}

// TestPipedSecret: `SOURCE | xargs READER` reads the files SOURCE names,
// which can be outside the working directory: the source is followed back
// through the pipe and its trees are searched for secret files; a source
// that can name any file makes the command a secret read.
func TestPipedSecret(t *testing.T) {
	set := defaultSet(t)
	home := t.TempDir()
	proj := filepath.Join(home, "proj")
	t.Setenv("HOME", home)
	for _, f := range []string{".ssh/id_rsa", "proj/src/a.py", "proj/src/b_test.py", "keys/server.key", "docs/a.md"} {
		p := filepath.Join(home, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		cmd  string
		safe bool
	}{
		{"find src -name '*.py' | xargs grep -n foo", true},
		{"find src -name '*.py' | grep -v test | sort | xargs cat", true},
		{"git ls-files | xargs wc -l", true},
		{"grep -rl TODO src | xargs head -3", true},
		{"echo src/a.py src/b_test.py | xargs cat", true},
		{"find ~/docs -name '*.md' | xargs cat", true},
		{"find ~/.ssh -type f | xargs cat", false},
		{"ls ~/.ssh/* | xargs cat", false},
		{"find ~/keys | head -5 | xargs cat", false},
		{"find / -name '*.key' | xargs cat", false},
		{"echo ~/.ssh/id_rsa | xargs cat", false},
		{"cat list.txt | xargs cat", false},
		{"xargs cat < list.txt", false},
		{"{ ls; } | xargs cat", false},
		{"curl -s x | xargs cat", false},
	} {
		v := set.Judge([]string{"bash", "-c", c.cmd}, proj)
		if got := v.Class == policy.Safe; got != c.safe {
			t.Errorf("%q: %s (%s), want safe=%v", c.cmd, v.Class, v.Reason, c.safe)
		}
	}
}

// TestStartupFileSecret: a shell startup file or .envrc that exports a
// secret-looking variable is a secret read, whatever reads it; one that
// does not stays an ordinary file.
func TestStartupFileSecret(t *testing.T) {
	set := defaultSet(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	for name, content := range map[string]string{
		".bashrc":       "alias ll='ls -l'\nexport PATH=$HOME/bin:$PATH\n",
		".zshrc":        "export OPENAI_API_KEY=\"sk-test\"\n",
		".profile":      "export GITHUB_TOKEN=$(cat ~/.t)\n",
		"proj/.envrc":   "export DATABASE_PASSWORD=hunter2\n",
		"proj/notes.md": "OPENAI_API_KEY=sk-test\n",
	} {
		p := filepath.Join(home, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		cmd  string
		safe bool
	}{
		{"cat ~/.bashrc", true},
		{"grep alias ~/.bashrc", true},
		{"cat ~/.profile", true},
		{"cat notes.md", true},
		{"cat ~/.zshrc", false},
		{"grep alias ~/.zshrc", false},
		{"tail -5 ~/.zshrc", false},
		{"cat .envrc", false},
	} {
		v := set.Judge([]string{"bash", "-c", c.cmd}, filepath.Join(home, "proj"))
		if got := v.Class == policy.Safe; got != c.safe {
			t.Errorf("%q: %s (%s), want safe=%v", c.cmd, v.Class, v.Reason, c.safe)
		}
	}
}

// TestWhichRelativePath: with an empty or relative PATH entry, which looks
// in the working directory, where a link can stand for any file, so
// $(which NAME) is not resolved.
func TestWhichRelativePath(t *testing.T) {
	set := defaultSet(t)
	dir := t.TempDir()
	for _, p := range []string{":" + os.Getenv("PATH"), "bin:" + os.Getenv("PATH")} {
		t.Setenv("PATH", p)
		v := set.Judge([]string{"bash", "-c", "cat $(which sh)"}, dir)
		if d := policy.Decide(&v, policy.Suggest, []string{dir}); d.Action == policy.Run {
			t.Errorf("PATH=%q: cat $(which sh) runs unasked (%s)", p[:8], v.Class)
		}
	}
}

// TestGitRepoWrites: git's local writers (writes_repo) count the
// repository's top directory as written: auto-edit runs one only when the
// whole repository is inside a root, whatever directory inside it the
// command starts in, and suggest mode always asks. Their near misses (an
// editor, signing, -f, another repository, GIT_DIR) are not match.
func TestGitRepoWrites(t *testing.T) {
	set := defaultSet(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", base)
	repo, sub, other := base+"/repo", base+"/repo/sub", base+"/other"
	for _, d := range []string{repo + "/.git", sub, other} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writers := []string{"git commit -m 'fix: x'", "git add -A && git commit -am wip", "git checkout -b feat/x",
		"git switch -c fix/y", "git switch main", "git stash", "git stash push -m wip", "git stash pop",
		"git tag v1.2.0", "git tag -a v1.2.0 -m release", "git branch feat/z", "git reset --soft HEAD~1",
		"git reset HEAD src/a.ts", "git commit --amend --no-edit", "git add -u", "git commit -m x src/a.ts src/b.ts", "git commit -m x -- src/a.ts", "git stash push -m wip -- src/",
		"git merge --no-ff feat/x", "git merge --ff-only -m 'Merge x' origin/main", "git rebase main", "git rebase --onto main v1 topic",
		"git cherry-pick -x abc1234 def5678", "git revert --no-edit HEAD"}
	for _, c := range writers {
		for _, at := range []struct {
			cwd   string
			roots []string
			run   bool
		}{{repo, []string{repo}, true}, {sub, []string{repo}, true}, {sub, []string{sub}, false}, {other, []string{repo}, false}} {
			v := set.Judge([]string{"bash", "-c", c}, at.cwd)
			if v.Class != policy.Match {
				t.Errorf("%q: %s (%s), want match", c, v.Class, v.Why())
				continue
			}
			if d := policy.Decide(&v, policy.AutoEdit, at.roots); (d.Action == policy.Run) != at.run {
				t.Errorf("%q in %s, roots %v: auto-edit %s (%s), want run %v", c, at.cwd, at.roots, d.Action, d.Reason, at.run)
			}
			if d := policy.Decide(&v, policy.Suggest, at.roots); d.Action == policy.Run {
				t.Errorf("%q runs unasked in suggest mode", c)
			}
		}
	}
	for _, c := range []string{"git commit", "git commit -e -m x", "git commit -S -m x", "git commit -v -m x",
		"git -C ../other commit -m x", "GIT_DIR=/x git commit -m x", "git --git-dir=/x stash", "git switch -f main",
		"git switch --discard-changes main", "git checkout main", "git tag -f v1", "git tag -s v1 -m x", "git tag -d v1",
		"git branch -m a b", "git branch -d x", "git branch x origin/x", "git checkout -b x origin/x",
		"git stash -p", "git stash -a", "git reset --merge", "git reset --keep HEAD~1", "git merge -e main",
		"git rebase -i main", "git rebase --exec id main", "git merge -s ours main", "git cherry-pick -e x",
		"git revert -S HEAD", "git merge --abort", "git commit -m x -c HEAD", "git -c core.hooksPath=.githooks commit -m x",
		"git commit -m x && git push", "git init --template=t", "git commit -m x .env", "git commit -m x -- .env"} {
		v := set.Judge([]string{"bash", "-c", c}, repo)
		if d := policy.Decide(&v, policy.AutoEdit, []string{repo}); d.Action == policy.Run {
			t.Errorf("%q runs unasked in auto-edit mode (%s)", c, v.Class)
		}
	}
	for _, c := range []string{"git reset --hard", "git stash drop", "git stash clear", "git checkout -- ."} {
		v := set.Judge([]string{"bash", "-c", c}, repo)
		if d := policy.Decide(&v, policy.AutoEdit, []string{repo}); d.Action != policy.Ask || v.Prompt == "" {
			t.Errorf("%q: %s, want asked by its prompt rule", c, d.Action)
		}
	}
}

// TestWriteGlobs: a glob among the files a rule writes is judged by the
// files it names now (and the word itself, which the shell passes when
// nothing matches): inside the roots, auto-edit runs the edit; a match
// that is a link out of the project, a name that reads as an option, a
// glob that reaches out (../, an absolute path), an earlier write in the
// script, a wrapper, or a glob among the files read are not.
func TestWriteGlobs(t *testing.T) {
	set := defaultSet(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", base)
	proj := base + "/proj"
	for _, f := range []string{"a.log", "b.log", "scripts/x.sh", "scripts/y.sh", "src/a.ts", "src/b.ts",
		"opt/-rf.tmp", "opt/c.tmp", "links/a.txt", "certs/a.pem", "../outside.txt"} {
		p := filepath.Join(proj, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(base+"/outside.txt", proj+"/links/evil.txt"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		cmd string
		run bool
	}{
		{"rm -f *.log", true}, {"rm *.log", true}, {"chmod +x scripts/*.sh", true}, {"sed -i 's/a/b/g' src/*.ts", true},
		{"clang-format -i src/*.ts", true}, {"cd src && rm -f *.ts", true}, {"rm -f *.nomatch", true},
		{"touch src/*.ts", true}, {"rm -f src/*.ts || true", true},
		{"chmod 644 links/*.txt", false}, {"rm -f links/*", false}, {"rm -f opt/*.tmp", false}, {"rm -f ../*.txt", false},
		{"rm -f " + base + "/*.txt", false}, {"touch new.log && rm -f *.log", false}, {"sudo rm -f *.log", false},
		{"cp src/*.ts /tmp/", false}, {"sed -i 's/a/b/e' src/*.ts", false}, {"chmod +x ~/*.sh", false},
		{"find . -name '*.log' | xargs rm -f", false}, {"rm -rf *", false}, {"rm -rf .*", false},
		{"ln -sf src/*.ts lib/", false},
	} {
		v := set.Judge([]string{"bash", "-c", c.cmd}, proj)
		d := policy.Decide(&v, policy.AutoEdit, []string{proj})
		if (d.Action == policy.Run) != c.run {
			t.Errorf("%q: auto-edit %s (%s; %s), want run %v", c.cmd, d.Action, v.Class, d.Reason, c.run)
		}
		if s := policy.Decide(&v, policy.Suggest, []string{proj}); s.Action == policy.Run {
			t.Errorf("%q runs unasked in suggest mode", c.cmd)
		}
	}
}

// TestLnInScript: in a script, as alone, ln -s's target is resolved from
// the link's directory: a link inside the project to a file inside it is
// an edit (auto-edit runs it), one whose target climbs out of the
// project is asked, whatever directory the command runs in.
func TestLnInScript(t *testing.T) {
	set := defaultSet(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", base)
	proj := base + "/proj"
	for _, d := range []string{proj + "/docs", proj + "/sub"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		cmd string
		run bool
	}{
		{"ln -s ../README.md docs/README.md", true}, {"ln -sf ../README.md docs/", true},
		{"cd docs && ln -s ../README.md README.md", true}, {"ln -s README.md docs/../x.md", true},
		{"cd sub && ln -s ../outside ../link", false}, {"ln -s ../outside link", false},
		{"ln -s ../../x docs/x", false}, {"cd docs && ln -s ../../x x", false},
	} {
		v := set.Judge([]string{"bash", "-c", c.cmd}, proj)
		if d := policy.Decide(&v, policy.AutoEdit, []string{proj}); (d.Action == policy.Run) != c.run {
			t.Errorf("%q: auto-edit %s (%s), want run %v", c.cmd, d.Action, d.Reason, c.run)
		}
	}
}

// TestFormatterEdits: formatters and converters that rewrite the files
// named in place and run nothing of the project's are edits (auto-edit
// runs them inside the roots, suggest mode asks); their near misses (an
// option that reads JSON or renames, a directory outside, another working
// directory, the ones left asked) are not run unasked.
func TestFormatterEdits(t *testing.T) {
	set := defaultSet(t)
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", base)
	proj := base + "/proj"
	if err := os.MkdirAll(proj+"/scripts", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		cmd string
		run bool
	}{
		{"shfmt -w scripts/", true}, {"shfmt -l -w -i 2 scripts/a.sh scripts/b.sh", true}, {"terraform fmt", true},
		{"terraform fmt -recursive", true}, {"terraform fmt infra", true}, {"dos2unix scripts/a.sh", true},
		{"unix2dos -q a.txt b.txt", true}, {"cd scripts && shfmt -w .", true},
		{"shfmt -w " + base, false}, {"shfmt --from-json -w x", false}, {"terraform -chdir=/ fmt", false},
		{"terraform fmt " + base, false}, {"dos2unix -n a b", false}, {"dos2unix ~/.bashrc", false},
		{"gzip data.csv", true}, {"gzip -k -9 a.txt b.txt", true}, {"xz -k data.csv", true},
		{"gzip -d x.gz", true}, {"gzip -f x", false}, {"gzip -S .sh x", false}, {"gzip ../x", false},
		{"gunzip x.gz", true}, {"gunzip x", false}, {"gzip -d -N x.gz", false}, {"black .", false}, {"ruff format .", false},
		{"npx prettier --write .", false}, {"cargo fmt", false}, {"go fmt ./...", false}, {"rustfmt src/main.rs", false},
		{"terraform apply", false}, {"cd " + base + " && terraform fmt", false},
	} {
		v := set.Judge([]string{"bash", "-c", c.cmd}, proj)
		if d := policy.Decide(&v, policy.AutoEdit, []string{proj}); (d.Action == policy.Run) != c.run {
			t.Errorf("%q: auto-edit %s (%s; %s), want run %v", c.cmd, d.Action, v.Class, d.Reason, c.run)
		}
		if d := policy.Decide(&v, policy.Suggest, []string{proj}); d.Action == policy.Run {
			t.Errorf("%q runs unasked in suggest mode", c.cmd)
		}
	}
}
