package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// S4 (judge-12): the directories an interpreter takes compiled code or
// plugins from, named by an inherited variable, were not looked at beside
// PYTHONPATH and the other load paths: with PYTHONPYCACHEPREFIX=/tmp/pyc (a
// writable root) a .pyc written there whose header copies a standard
// module's time and size ran in `pip --version`; with GEM_HOME (or a
// GEM_PATH entry) in the project, `gem list` and `gem --version` loaded
// every plugins/*_plugin.rb there; with RUSTUP_HOME in the project,
// `cargo --version` ran the toolchain its settings.toml names.
func TestInterpreterCacheVarsReachRoot(t *testing.T) {
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	root := filepath.Join(dir, "proj")
	binBase, err := os.MkdirTemp("/var/tmp", "guard-rt12-")
	if err != nil {
		t.Skipf("no directory outside the writable roots for the programs: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(binBase) })
	bin := filepath.Join(binBase, "bin")
	for _, d := range []string{filepath.Join(root, ".gems", "plugins"), bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	outside := filepath.Join(binBase, "gems")
	path := "PATH=" + bin + ":/usr/bin:/bin"
	type tc struct {
		env  string
		argv []string
		ask  bool
	}
	var cases []tc

	if python, err := exec.LookPath("python3"); err == nil {
		// A stand-in for a python program a rule calls safe: it imports
		// textwrap, whose .pyc the agent plants under the prefix.
		if err := os.WriteFile(filepath.Join(bin, "flake8"), []byte("#!"+python+"\nimport textwrap\nprint('7.0.0')\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		marker := filepath.Join(dir, "pyc-ran")
		plant := `import os, sys, textwrap, py_compile, importlib.util
src = textwrap.__file__
st = os.stat(src)
body = ("open(%r, 'w').close()\nexec(open(%r).read())\n#" % (sys.argv[2], src)).encode().ljust(st.st_size, b'x')
tmp = sys.argv[1] + '.src.py'
open(tmp, 'wb').write(body)
os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
sys.pycache_prefix = sys.argv[1]
cfile = importlib.util.cache_from_source(src)
os.makedirs(os.path.dirname(cfile), exist_ok=True)
py_compile.compile(tmp, cfile=cfile, dfile=src, doraise=True)
`
		prefix := filepath.Join(root, ".pyc")
		if out, err := exec.Command(python, "-c", plant, prefix, marker).CombinedOutput(); err != nil {
			t.Fatalf("planting the .pyc: %v %s", err, out)
		}
		cmd := exec.Command(filepath.Join(bin, "flake8"), "--version")
		cmd.Dir, cmd.Env = root, []string{"PYTHONPYCACHEPREFIX=" + prefix, "PATH=/usr/bin:/bin"}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("flake8 stand-in: %v %s", err, out)
		}
		if _, err := os.Stat(marker); err != nil {
			t.Fatal("the planted .pyc did not run: the premise does not hold here")
		}
		cases = append(cases,
			tc{"PYTHONPYCACHEPREFIX=" + prefix, []string{"flake8", "--version"}, true},
			tc{"PYTHONPYCACHEPREFIX=.pyc", []string{"flake8", "--version"}, true},
			tc{"PYTHONPYCACHEPREFIX=" + prefix, []string{"ls"}, false},
			tc{"PYTHONPYCACHEPREFIX=" + outside, []string{"flake8", "--version"}, false},
		)
	}
	if pip, err := exec.LookPath("pip3"); err == nil {
		// pip's configuration in a writable root: its log setting makes
		// pip list write a file outside the roots.
		conf, logf := filepath.Join(root, "pip.conf"), filepath.Join(dir, "outside-log")
		os.WriteFile(conf, []byte("[global]\nlog = "+logf+"\n"), 0o644)
		cmd := exec.Command(pip, "list")
		cmd.Dir, cmd.Env = root, append(os.Environ(), "PIP_CONFIG_FILE="+conf)
		cmd.CombinedOutput()
		if _, err := os.Stat(logf); err != nil {
			t.Fatalf("pip did not write the log its configuration names: the premise does not hold here")
		}
		if err := os.WriteFile(filepath.Join(bin, "pip"), []byte("#!/bin/sh\nexec "+pip+" \"$@\"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		cases = append(cases,
			tc{"PIP_CONFIG_FILE=" + conf, []string{"pip", "list"}, true},
			tc{"PIP_CONFIG_FILE=pip.conf", []string{"pip", "--version"}, true},
			tc{"PIP_CONFIG_FILE=" + filepath.Join(outside, "pip.conf"), []string{"pip", "list"}, false},
		)
	}
	if gem, err := exec.LookPath("gem"); err == nil && interpreterOf(gem) == "ruby" {
		marker := filepath.Join(dir, "gem-ran")
		if err := os.WriteFile(filepath.Join(root, ".gems", "plugins", "x_plugin.rb"),
			[]byte("File.write("+`"`+marker+`"`+", '')\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(gem, "--version")
		cmd.Dir, cmd.Env = root, []string{"GEM_HOME=" + filepath.Join(root, ".gems"), "PATH=/usr/bin:/bin", "HOME=" + dir}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gem --version: %v %s", err, out)
		}
		if _, err := os.Stat(marker); err != nil {
			t.Fatal("gem did not load the planted plugin: the premise does not hold here")
		}
		cases = append(cases,
			tc{"GEM_HOME=" + filepath.Join(root, ".gems"), []string{"gem", "list"}, true},
			tc{"GEM_HOME=" + filepath.Join(root, ".gems"), []string{"gem", "--version"}, true},
			tc{"GEM_PATH=" + outside + ":" + filepath.Join(root, ".gems"), []string{"gem", "list"}, true},
			tc{"GEM_PATH=.gems", []string{"gem", "list"}, true},
			tc{"GEM_HOME=" + outside, []string{"gem", "list"}, false},
			tc{"GEM_HOME=" + filepath.Join(root, ".gems"), []string{"ls"}, false},
		)
	}
	cargoPath := path
	if cargo, err := exec.LookPath("cargo"); err == nil {
		if _, err := exec.LookPath("rustup"); err == nil {
			// A rustup home in the project: its default toolchain's cargo.
			rh := filepath.Join(root, ".rustup")
			marker := filepath.Join(dir, "rust-ran")
			if err := os.MkdirAll(filepath.Join(rh, "toolchains", "evil", "bin"), 0o755); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(rh, "settings.toml"), []byte("version = \"12\"\ndefault_toolchain = \"evil\"\n"), 0o644)
			os.WriteFile(filepath.Join(rh, "toolchains", "evil", "bin", "cargo"), []byte("#!/bin/sh\n: > "+marker+"\necho cargo 9\n"), 0o755)
			cmd := exec.Command(cargo, "--version")
			cmd.Dir, cmd.Env = root, []string{"RUSTUP_HOME=" + rh, "PATH=" + filepath.Dir(cargo) + ":/usr/bin:/bin", "HOME=" + dir}
			out, _ := cmd.CombinedOutput()
			if _, err := os.Stat(marker); err != nil {
				t.Fatalf("cargo --version did not run the rustup home's toolchain (%s): the premise does not hold here", out)
			}
			cargoPath = "PATH=" + bin + ":" + filepath.Dir(cargo) + ":/usr/bin:/bin"
			cases = append(cases,
				tc{"RUSTUP_HOME=" + rh, []string{"cargo", "--version"}, true},
				tc{"RUSTUP_HOME=.rustup", []string{"rustc", "-vV"}, true},
				tc{"RUSTUP_HOME=" + rh, []string{"rustup", "show"}, true},
				tc{"RUSTUP_HOME=" + outside, []string{"cargo", "--version"}, false},
				tc{"RUSTUP_HOME=" + rh, []string{"ls"}, false},
			)
		}
	}
	if len(cases) == 0 {
		t.Skip("neither python3, gem nor rustup here")
	}
	for _, c := range cases {
		path := path
		if strings.HasPrefix(c.env, "RUSTUP_HOME=") {
			path = cargoPath
		}
		g := newGate(t, root, Options{Mode: "suggest"}, path, c.env)
		v, d := g.Judge(c.argv)
		if asked := d.Action != policy.Run; asked != c.ask || c.ask && !strings.Contains(v.Reason, "inside the writable root") {
			t.Errorf("%s %q: %s (%s), want asked %v", c.env, c.argv, d.Action, v.Reason, c.ask)
		}
	}
}
