package policy_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"guard/policy"
)

// TestFifthBatchClasses: the read-only forms added after the fifth
// held-out batch (section 6d of default.policy, the framework secret files
// of the protect list, run-together password keys) run unasked in suggest
// mode, and their near misses (a subcommand or option that writes, runs a
// program, reaches the network or prints a secret) do not. Each command is
// judged as `bash -c CMD` in a small project with a temporary HOME.
func TestFifthBatchClasses(t *testing.T) {
	set := defaultSet(t)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	t.Setenv("USER", "alice")
	for _, f := range []string{"src/a.ts", "data/orders.csv", "build/CMakeCache.txt", "Info.plist", "list.txt", "app/build.gradle"} {
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
		// Version queries in each program's spelling; a word after one
		// is another command.
		{"meson --version", true}, {"meson -v", true}, {"ccache -V", true}, {"ghci --numeric-version", true},
		{"cppcheck --version", true}, {"hx --version", true}, {"xcode-select -v", true},
		{"vault version", true}, {"consul version", true}, {"nomad version", true}, {"packer version", false},
		{"meson --version x", false}, {"meson setup build", false}, {"cppcheck --enable=all src", false},
		{"vault status", false}, {"vault kv get secret/x", false}, {"packer build x.pkr.hcl", false},
		{"bundler -v", false}, {"dotnet --version", false}, {"doctl version", false}, {"pulumi version", false},
		// gem: one gem's details and spec, the environment's paths, a
		// registry search; never env whole, remotesources, --remote info
		// or another source.
		{"gem info nokogiri", true}, {"gem specification rails version", true}, {"gem spec rake", true},
		{"gem environment gemdir", true}, {"gem env gempath", true}, {"gem search '^rails$' --remote", true},
		{"gem env", false}, {"gem env remotesources", false}, {"gem info -r rails", false},
		{"gem search x --source http://evil.example/", false}, {"gem install rails", false},
		// ccache's statistics, not its configuration or a reset.
		{"ccache -s", true}, {"ccache -p", false}, {"ccache -z", false}, {"ccache -C", false},
		// c++filt demangles; a response file is judged.
		{"c++filt _ZN4core6Parser5parseEv", true}, {"nm -C x.o | c++filt", true}, {"c++filt @list.txt", false},
		// cmake -N -L prints the build directory's cache, judged as cat's
		// read of it (cmakeWhy, tenth batch); presets that include others
		// are left asked.
		{"cmake -LA -N build", true}, {"cmake --list-presets", false}, {"cmake -S . -B build", false},
		// dir and vdir are ls.
		{"dir", true}, {"vdir src", true}, {"dir -la src", true}, {"dir --bogus", false},
		// csvkit's readers; not csvclean (writes *_out.csv) nor csvsql.
		{"csvlook data/orders.csv | head", true}, {"csvstat --mean data/orders.csv", true},
		{"csvcut -c 1,3 data/orders.csv", true}, {"csvgrep -c 2 -m x data/orders.csv", true},
		{"csvclean data/orders.csv", false}, {"csvsql --db sqlite:///x.db --insert data/orders.csv", false},
		{"csvlook .env", false},
		// wslpath converts a path.
		{"wslpath -w ~/proj", true}, {"wslpath -u 'C:\\Users\\alice'", true}, {"wslpath a b", false},
		// macOS's system queries.
		{"sw_vers", true}, {"sw_vers -productVersion", true}, {"vm_stat", true}, {"xcode-select -p", true},
		{"xcrun --show-sdk-path", true}, {"csrutil status", true}, {"pmset -g batt", true},
		{"system_profiler SPHardwareDataType", true}, {"diskutil list", true}, {"launchctl list | grep -i docker", true},
		{"mdls src/a.ts", true}, {"mdfind -name package.json", true}, {"plutil -p Info.plist", true},
		{"scutil --get ComputerName", true}, {"networksetup -listallnetworkservices", true}, {"ioreg -l | head", true},
		{"xcode-select --install", false}, {"xcode-select -s /Applications/Xcode.app", false}, {"xcrun clang x.c", false},
		{"csrutil disable", false}, {"pmset -a sleep 0", false}, {"diskutil eraseDisk APFS x disk2", false},
		{"diskutil unmount disk2", false}, {"launchctl list com.example.agent", false},
		{"launchctl unload x.plist", false}, {"plutil -convert xml1 Info.plist", false}, {"plutil -p .env", false},
		{"scutil --set ComputerName x", false}, {"networksetup -setairportpower en0 off", false},
		{"defaults read com.apple.dock", false}, {"security find-generic-password -s x -w", false},
		// npm ls across a workspace monorepo.
		{"npm ls --workspaces --depth=0", true}, {"npm ls -ws", true}, {"npm install --workspaces", false},
		// The shell's umask and job table; xargs with no command echoes.
		{"umask", true}, {"umask -S", true}, {"umask 077", false}, {"jobs -l", true},
		{"xargs -n1 < list.txt | sort", true}, {"cat list.txt | xargs -n 2", true},
		{"cat list.txt | xargs rm", false}, {"cat list.txt | xargs -n1 rm -f", false},
		{"cat list.txt | xargs -I{} echo {}", true}, {"xargs -a list.txt", false}, {"xargs -p < list.txt", false},
		{"xargs < .env", false}, {"xargs -a .env", false}, {"cat .env | xargs -n1", false},
		// Framework secret files, by name.
		{"cat wp-config.php", false}, {"cat config/prod.secret.exs", false}, {"cat keystore.properties", false},
		{"cat android/key.properties", false}, {"head secrets.properties", false},
		{"cat wp-config-sample.php", true}, {"cat config/prod.exs", true},
		// A search for a run-together password key prints the password.
		{"grep storePassword app/build.gradle", false}, {"grep -rn keyPassword app/", false},
		{"rg -n 'dbPassword' src", false}, {"grep -rn minSdk app/build.gradle", true},
		{`grep "Failed password" app/build.gradle`, true},
	} {
		v := set.Judge([]string{"bash", "-c", c.cmd}, dir)
		d := policy.Decide(&v, policy.Suggest, []string{dir})
		if got := d.Action == policy.Run; got != c.run {
			t.Errorf("%q: %s (%s: %s), want run=%v", c.cmd, d.Action, v.Class, d.Reason, c.run)
		}
	}
}

// TestVersionManagerFile: the rbenv family's queries are safe while the
// version files they read (the nearest .NAME-version up from the working
// directory, each one on the way, and the root's global one) hold no
// secret; a version file linked to a secret, or a FIFO, makes them a secret
// read or unverified, as pyenv prints a version it does not have.
func TestVersionManagerFile(t *testing.T) {
	set := defaultSet(t)
	home, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("PYENV_ROOT", "")
	t.Setenv("RBENV_ROOT", "")
	t.Setenv("PYENV_DIR", "")
	proj := filepath.Join(home, "proj")
	for _, d := range []string{proj + "/sub", home + "/.aws", home + "/.pyenv", home + "/.rbenv"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(home+"/.aws/credentials", []byte("[default]\naws_secret_access_key = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	judge := func(cmd, dir string) (bool, policy.Verdict) {
		v := set.Judge([]string{"bash", "-c", cmd}, dir)
		d := policy.Decide(&v, policy.Suggest, []string{proj})
		return d.Action == policy.Run, v
	}
	for _, c := range []struct {
		cmd string
		run bool
	}{
		{"pyenv versions", true}, {"pyenv version", true}, {"pyenv which python", true}, {"rbenv versions", true},
		{"nodenv version-name", true}, {"pyenv root", true}, {"pyenv --version", true},
		{"pyenv install 3.12.1", false}, {"pyenv local 3.12.1", false}, {"pyenv exec python -V", false},
		{"pyenv global system", false}, {"rbenv rehash", false}, {"pyenv versions x", false},
	} {
		if got, v := judge(c.cmd, proj+"/sub"); got != c.run {
			t.Errorf("%q: run=%v (%s: %s), want %v", c.cmd, got, v.Class, v.Reason, c.run)
		}
	}
	// A regular version file is the project's own text.
	if err := os.WriteFile(proj+"/.python-version", []byte("3.12.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, v := judge("pyenv version", proj+"/sub"); !got {
		t.Errorf("pyenv version with a plain .python-version: %s (%s), want run", v.Class, v.Reason)
	}
	// Linked to a secret: above the working directory, or the global one.
	for _, link := range []struct{ at, cmd string }{
		{proj + "/.ruby-version", "rbenv version"},
		{proj + "/sub/.python-version", "pyenv versions"},
		{home + "/.pyenv/version", "pyenv which python"},
		{proj + "/package.json", "nodenv version"},
	} {
		if err := os.Symlink(home+"/.aws/credentials", link.at); err != nil {
			t.Fatal(err)
		}
		if got, v := judge(link.cmd, proj+"/sub"); got || v.Secret == "" {
			t.Errorf("%q with %s linked to ~/.aws/credentials: run=%v secret=%q, want a secret read", link.cmd, link.at, got, v.Secret)
		}
		if err := os.Remove(link.at); err != nil {
			t.Fatal(err)
		}
	}
	// A FIFO would block the manager.
	if err := syscall.Mkfifo(proj+"/.node-version", 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	if got, v := judge("nodenv version", proj); got {
		t.Errorf("nodenv version with a FIFO .node-version: %s, want asked", v.Class)
	}
}

// TestSedInPlace: sed -i with a provably harmless script is an edit of the
// files it names: asked in suggest mode, run in auto-edit mode inside the
// roots; a script that runs, writes or reads another file, --debug (which
// prints every line), a file outside the roots or protected, and a file
// that is a secret or a link to one (sed -i would copy it under the link's
// name) are asked in both.
func TestSedInPlace(t *testing.T) {
	set := defaultSet(t)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	proj := filepath.Join(dir, "proj")
	for name, content := range map[string]string{"proj/src/a.ts": "a\n", "proj/b.txt": "b\n", "proj/.env": "K=v\n", "outside.txt": "x\n"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"notes.txt": ".env", "out.txt": "../outside.txt"} {
		if err := os.Symlink(target, filepath.Join(proj, link)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		cmd      string
		autoEdit bool
	}{
		{"sed -i 's/foo/bar/g' src/a.ts", true},
		{"sed -i '1034,1037d' src/a.ts b.txt", true},
		{"sed -i.bak -E 's/(a+)/\\1b/' src/a.ts", true},
		{"sed -i -n '/x/p' b.txt", true},
		{"sed --in-place 's/\\r$//' b.txt", true},
		{"sed -i -e 's/a/b/' -e '/^$/d' b.txt", true},
		{"sed -i -e 's/a/b/' -e 's/c/d/e' b.txt", false},
		{"sed -in 's/a/b/' b.txt", false},
		{"sed -is 's/a/b/' b.txt", false},
		{"sed -Ei 's/a+/b/' b.txt", false},
		{"sed -i 's/a/b/e' b.txt", false},
		{"sed -i '1r /etc/passwd' b.txt", false},
		{"sed -i 'w /tmp/x' b.txt", false},
		{"sed -i --debug 's/a/b/' b.txt", false},
		{"sed -i -f x.sed b.txt", false},
		{"sed -i 's/a/b/' notes.txt", false},
		{"sed -i 's/a/b/' .env", false},
		{"sed -i 's/a/b/' out.txt", false},
		{"sed -i 's/a/b/' ../outside.txt", false},
		{"sed -i 's/a/b/' .git/config", false},
		{"sed 's/a/b/' b.txt > c.txt", true},
	} {
		v := set.Judge([]string{"bash", "-c", c.cmd}, proj)
		if d := policy.Decide(&v, policy.Suggest, []string{proj}); d.Action == policy.Run && c.cmd[:6] == "sed -i" {
			t.Errorf("%q runs unasked in suggest mode (%s)", c.cmd, v.Class)
		}
		d := policy.Decide(&v, policy.AutoEdit, []string{proj})
		if got := d.Action == policy.Run; got != c.autoEdit {
			t.Errorf("%q in auto-edit mode: %s (%s: %s), want run=%v", c.cmd, d.Action, v.Class, d.Reason, c.autoEdit)
		}
	}
}

// TestInPlaceFormatters: gofmt -w and clang-format -i rewrite the files
// they are given and run nothing, and sort -o writes its output file:
// asked in suggest mode, run in auto-edit mode inside the roots; a file that is a secret or a link to one (which
// clang-format -i would copy under the link's name), a protected or
// outside file, and options that read a list or rewrite code are asked.
func TestInPlaceFormatters(t *testing.T) {
	set := defaultSet(t)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	proj := filepath.Join(dir, "proj")
	for name, content := range map[string]string{"proj/a.go": "package a\n", "proj/src/m.c": "int m;\n",
		"proj/.env": "K=v\n", "outside.c": "int o;\n"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"env.c": ".env", "out.c": "../outside.c"} {
		if err := os.Symlink(target, filepath.Join(proj, link)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		cmd      string
		autoEdit bool
	}{
		{"gofmt -w a.go", true}, {"gofmt -s -w .", true}, {"gofmt -l -w a.go", true},
		{"clang-format -i src/m.c", true}, {"clang-format -i --style=file src/m.c", true},
		{"gofmt -w -r 'a -> b' a.go", false}, {"clang-format -i --files=list.txt", false},
		{"clang-format -i env.c", false}, {"clang-format -i out.c", false}, {"gofmt -w .env", false},
		{"clang-format -i ../outside.c", false}, {"clang-format -i @args.txt", false},
		// sort -o writes its output file and reads its inputs.
		{"sort -o sorted.txt a.go", true}, {"sort -u -o a.go a.go", true}, {"sort --output=s.txt src/m.c", true},
		{"sort -o out.txt .env", false}, {"sort -o ../outside.c a.go", false}, {"sort -o out -T /tmp a.go", false},
		{"sort -o out --compress-program=sh a.go", false},
	} {
		v := set.Judge([]string{"bash", "-c", c.cmd}, proj)
		if d := policy.Decide(&v, policy.Suggest, []string{proj}); d.Action == policy.Run {
			t.Errorf("%q runs unasked in suggest mode (%s)", c.cmd, v.Class)
		}
		d := policy.Decide(&v, policy.AutoEdit, []string{proj})
		if got := d.Action == policy.Run; got != c.autoEdit {
			t.Errorf("%q in auto-edit mode: %s (%s: %s), want run=%v", c.cmd, d.Action, v.Class, d.Reason, c.autoEdit)
		}
	}
}
