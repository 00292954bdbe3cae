package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"guard/policy/protect"
)

// Red team of the sandbox, nineteenth pass (docs/redteam/sandbox-19.md).

// TestAttackBuildToolConfigsRun: with the home a root, a build tool's
// per-user file made from inside ran code at the tool's next use outside:
// ccache runs its config's prefix_command before every compiler call it
// wraps (Debian's /usr/lib/ccache stands for gcc on PATH), and cmake's
// find_package(Widget) loads the WidgetConfig.cmake of the directory CMake's
// user package registry names (~/.cmake/packages/Widget/*), for a package
// found nowhere before it. Shown with the real tools without the sandbox
// first; with it, each is moved aside, status 126 (root, nobody, nobody
// with user namespaces forbidden).
func TestAttackBuildToolConfigsRun(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	type tool struct {
		name, plant, ran string
		later            func(home, base string)
	}
	var tools []tool
	if _, err := exec.LookPath("ccache"); err == nil {
		tools = append(tools, tool{name: "ccache", ran: "CCACHE-RAN",
			plant: "mkdir -p ~/.config/ccache && echo \"prefix_command = $HOME/tools/pre.sh\" > ~/.config/ccache/ccache.conf\n",
			later: func(home, base string) {
				os.RemoveAll(filepath.Join(home, ".cache", "ccache")) // a cached result runs no compiler
				cmd := exec.Command("ccache", "gcc", "-c", "x.c", "-o", "x.o")
				cmd.Dir, cmd.Env = filepath.Join(base, "src"), []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
				cmd.Run()
			}})
	}
	if _, err := exec.LookPath("cmake"); err == nil {
		tools = append(tools, tool{name: "cmake", ran: "CMAKE-RAN",
			plant: "mkdir -p ~/.cmake/packages/Widget && echo \"$HOME/tools/widget\" > ~/.cmake/packages/Widget/0123abcd\n",
			later: func(home, base string) {
				os.RemoveAll(filepath.Join(base, "build"))
				cmd := exec.Command("cmake", "-S", filepath.Join(base, "cm"), "-B", filepath.Join(base, "build"))
				cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
				cmd.Run()
			}})
	}
	if len(tools) == 0 {
		t.Skip("neither ccache nor cmake is installed")
	}
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		home := f.root
		ran := filepath.Join(base, "ran")
		os.Chmod(base, 0o777)
		pre := filepath.Join(home, "tools", "pre.sh")
		writeWorld(pre, "#!/bin/sh\necho CCACHE-RAN >> "+ran+"\nexec \"$@\"\n")
		os.Chmod(pre, 0o755)
		writeWorld(filepath.Join(home, "tools", "widget", "WidgetConfig.cmake"),
			"execute_process(COMMAND sh -c \"echo CMAKE-RAN >> "+ran+"\")\nset(Widget_FOUND TRUE)\n")
		writeWorld(filepath.Join(base, "cm", "CMakeLists.txt"),
			"cmake_minimum_required(VERSION 3.10)\nproject(p NONE)\nfind_package(Widget QUIET)\n")
		os.MkdirAll(filepath.Join(home, ".config"), 0o755)
		os.MkdirAll(filepath.Join(home, ".cmake"), 0o755)
		writeWorld(filepath.Join(base, "src", "x.c"), "int x(void) { return 1; }\n")
		chownFixture(t, f, cred)
		os.Chmod(base, 0o777)
		env := []string{"HOME=" + home}
		for _, tl := range tools {
			later := func() string {
				os.Remove(ran)
				tl.later(home, base)
				return readString(ran)
			}
			plantUnconfined(t, tl.name, tl.plant, home, exe, cred, env)
			if got := later(); !strings.Contains(got, tl.ran) {
				t.Fatalf("%s: without the sandbox, the tool outside ran %q, want the plant", tl.name, got)
			}
			os.RemoveAll(filepath.Join(home, ".config", "ccache"))
			os.RemoveAll(filepath.Join(home, ".cmake", "packages"))
			p := Profile{WritableRoots: []string{home}, BestEffort: forbidden}
			Protect(&p, protect.Default(), home)
			o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", tl.plant}, dir: home, exe: exe, cred: cred, env: env,
				noUserNS: forbidden}.run(t)
			if o.ok || !strings.Contains(o.msg, "126") {
				t.Errorf("%s: planting inside: %s, want status 126\nstderr: %s", tl.name, o.msg, o.stderr)
			}
			if got := later(); got != "" {
				t.Errorf("%s: the tool outside ran %q", tl.name, got)
			}
		}
	})
}

// TestBuildToolConfigNamesInHome: in a home that is the root, ccache's
// configs and CMake's user package registry there at start cannot be
// written; a directory beside them stays writable (root, nobody).
func TestBuildToolConfigNamesInHome(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	testHomeNamesAs(t, []string{".config/ccache/ccache.conf", ".ccache/ccache.conf", ".cmake/packages/Widget/0123abcd"},
		nil, []string{".cmake/other/x", ".config/other/x"})
}

// TestAttackLefthookScripts: lefthook runs the scripts of .lefthook/HOOK
// (and .lefthook-local/HOOK) that its config lists, and reads its config
// in yaml, toml and json, at the top, dotted or in .config; the list had
// husky's directory and lefthook's yml names only. A script there at start
// appended to, a .lefthook-local script and a lefthook.toml made: the next
// git commit outside ran each (shown with the real lefthook, where
// installed, without the sandbox first). Inside, the script is read-only
// and the made names are moved aside, status 126 (root, nobody; with user
// namespaces forbidden the made names only: the best-effort profile keeps
// no path read-only inside a root).
func TestAttackLefthookScripts(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	lefthook, _ := exec.LookPath("lefthook")
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		proj := f.root
		ran := filepath.Join(base, "ran")
		os.Chmod(base, 0o777)
		writeWorld(filepath.Join(proj, "lefthook.yml"), "pre-commit:\n  scripts:\n    \"lint.sh\":\n      runner: sh\n")
		writeWorld(filepath.Join(proj, ".lefthook", "pre-commit", "lint.sh"), "echo lint ok\n")
		chownFixture(t, f, cred)
		plant := "echo 'echo SCRIPT-RAN >> " + ran + "' >> .lefthook/pre-commit/lint.sh\n" +
			"mkdir -p .lefthook-local/pre-commit && echo 'echo LOCAL-RAN >> " + ran + "' > .lefthook-local/pre-commit/lint.sh\n" +
			"printf '[pre-commit.commands.t]\\nrun = \"echo TOML-RAN >> " + ran + "\"\\n' > lefthook.toml\n"
		env := []string{"HOME=" + proj}
		commit := func() string {
			os.Remove(ran)
			if lefthook == "" {
				return ""
			}
			cmd := exec.Command(lefthook, "run", "pre-commit", "--all-files")
			cmd.Dir, cmd.Env = proj, []string{"HOME=" + proj, "PATH=" + os.Getenv("PATH"),
				"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=safe.directory", "GIT_CONFIG_VALUE_0=*"} // nobody's repository
			cmd.Run()
			return readString(ran)
		}
		if lefthook != "" {
			exec.Command("git", "init", "-q", proj).Run()
			plantUnconfined(t, "", plant, proj, exe, cred, env)
			if got := commit(); !strings.Contains(got, "SCRIPT-RAN") || !strings.Contains(got, "LOCAL-RAN") {
				t.Fatalf("without the sandbox, lefthook ran %q, want the plants", got)
			}
			writeWorld(filepath.Join(proj, ".lefthook", "pre-commit", "lint.sh"), "echo lint ok\n")
			os.RemoveAll(filepath.Join(proj, ".lefthook-local"))
			os.Remove(filepath.Join(proj, "lefthook.toml"))
			chownFixture(t, f, cred)
		}
		p := Profile{WritableRoots: []string{proj}, BestEffort: forbidden}
		Protect(&p, protect.Default(), filepath.Join(base, "nohome"))
		o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: proj, exe: exe, cred: cred, env: env,
			noUserNS: forbidden}.run(t)
		if o.ok || !strings.Contains(o.msg, "126") {
			t.Errorf("planting inside: %s, want status 126\nstderr: %s", o.msg, o.stderr)
		}
		for _, n := range []string{".lefthook-local", "lefthook.toml"} {
			if exists(filepath.Join(proj, n)) {
				t.Errorf("%s, made inside, is still there\nstderr: %s", n, o.stderr)
			}
		}
		if !forbidden && strings.Contains(readString(filepath.Join(proj, ".lefthook", "pre-commit", "lint.sh")), "RAN") {
			t.Errorf("the script there at start was appended to\nstderr: %s", o.stderr)
		}
		if got := commit(); got != "" && !forbidden {
			t.Errorf("lefthook outside ran %q", got)
		}
	})
}

// TestAttackYarnPathRelease: a project's .yarnrc.yml (protected) names the
// release every yarn command there hands over to (yarnPath: the global
// yarn 1 too) and plugins yarn loads; the files themselves were writable:
// a release rewritten from inside ran at the next `yarn --version`
// outside. Shown with the real yarn, where installed, without the sandbox
// first; inside, the release is read-only and a missing plugin the rc
// names is moved aside once made, status 126 (root, nobody; with user
// namespaces forbidden the made name only).
func TestAttackYarnPathRelease(t *testing.T) {
	requireRoot(t, "switching to an ordinary user needs root")
	requireSandbox(t)
	yarn, _ := exec.LookPath("yarn")
	asRootNobodyAndForbidden(t, func(t *testing.T, cred *syscall.Credential, forbidden bool, base, exe string, f *fixture) {
		proj := f.root
		ran := filepath.Join(base, "ran")
		os.Chmod(base, 0o777)
		release := filepath.Join(proj, ".yarn", "releases", "yarn-4.5.0.cjs")
		writeWorld(filepath.Join(proj, "package.json"), `{"name":"p","version":"1.0.0"}`+"\n")
		writeWorld(filepath.Join(proj, ".yarnrc.yml"), "yarnPath: .yarn/releases/yarn-4.5.0.cjs\nplugins:\n  - path: .yarn/plugins/plugin-x.cjs\n")
		writeWorld(release, "console.log(\"4.5.0\")\n")
		chownFixture(t, f, cred)
		plant := `echo 'require("fs").appendFileSync("` + ran + `", "RELEASE-RAN")' >> .yarn/releases/yarn-4.5.0.cjs
mkdir -p .yarn/plugins && echo 'module.exports = {}' > .yarn/plugins/plugin-x.cjs
`
		env := []string{"HOME=" + proj}
		later := func() string {
			os.Remove(ran)
			if yarn == "" {
				return ""
			}
			cmd := exec.Command(yarn, "--version")
			cmd.Dir, cmd.Env = proj, []string{"HOME=" + base, "PATH=" + os.Getenv("PATH")}
			cmd.Run()
			return readString(ran)
		}
		if yarn != "" {
			plantUnconfined(t, "", plant, proj, exe, cred, env)
			if got := later(); !strings.Contains(got, "RELEASE-RAN") {
				t.Fatalf("without the sandbox, yarn ran %q, want the plant", got)
			}
			writeWorld(release, "console.log(\"4.5.0\")\n")
			os.RemoveAll(filepath.Join(proj, ".yarn", "plugins"))
			chownFixture(t, f, cred)
		}
		p := Profile{WritableRoots: []string{proj}, BestEffort: forbidden}
		Protect(&p, protect.Default(), filepath.Join(base, "nohome"))
		o := child{profile: &p, path: "/bin/sh", argv: []string{"sh", "-c", plant}, dir: proj, exe: exe, cred: cred, env: env,
			noUserNS: forbidden}.run(t)
		if o.ok || !strings.Contains(o.msg, "126") {
			t.Errorf("planting inside: %s, want status 126\nstderr: %s", o.msg, o.stderr)
		}
		if exists(filepath.Join(proj, ".yarn", "plugins", "plugin-x.cjs")) {
			t.Errorf("the plugin .yarnrc.yml names, made inside, is still there\nstderr: %s", o.stderr)
		}
		if !forbidden && strings.Contains(readString(release), "RAN") {
			t.Errorf("the release .yarnrc.yml names was appended to\nstderr: %s", o.stderr)
		}
		if got := later(); got != "" && !forbidden {
			t.Errorf("yarn outside ran %q", got)
		}
	})
}
