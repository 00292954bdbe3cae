package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"guard/policy"
)

// R1 (judge-11): judge-10 Q5 held the cwd checks of flake8, uv, the
// manifests, the version managers, clang-format, terraform and compose to
// the files a script writes before them, but not rustWhy's rust-toolchain
// files (rustup's proxies run the cargo or rustc of a toolchain such a file
// names by path), npmrcWhy's .npmrc, nor the checks that read a file the
// environment or HOME names (RIPGREP_CONFIG_PATH, GEMRC and ~/.gemrc,
// ~/.jq): `printf '[toolchain]\npath = "/p/evil"\n' > rust-toolchain.toml;
// cargo --version` ran /p/evil/bin/cargo in auto-edit.
func TestRedTeam11ScriptWritesToolchainFile(t *testing.T) {
	realHome := os.Getenv("HOME")
	set, _, proj := rtLab(t)
	marker := filepath.Join(proj, "TOOLCHAIN_RAN")
	evil := filepath.Join(proj, "evil")
	for _, b := range []string{"cargo", "rustc", "rustfmt"} {
		mustWrite(t, filepath.Join(evil, "bin", b), "#!/bin/sh\n: > "+marker+"\necho 9.9\n")
		if err := os.Chmod(filepath.Join(evil, "bin", b), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustWrite(t, filepath.Join(proj, "tc.toml"), "[toolchain]\npath = \""+evil+"\"\n")
	if _, err := exec.LookPath("rustup"); err == nil {
		// The control: rustup's cargo proxy runs the toolchain the file names.
		cmd := exec.Command("bash", "-c", "cp tc.toml rust-toolchain.toml && cargo --version; rm -f rust-toolchain.toml")
		cmd.Dir = proj
		cmd.Env = append(os.Environ(), "HOME="+realHome)
		out, _ := cmd.CombinedOutput()
		if _, err := os.Stat(marker); err != nil {
			t.Fatalf("cargo --version did not run the toolchain rust-toolchain.toml names (%v, %s): the premise does not hold here", err, out)
		}
	}
	t.Setenv("RIPGREP_CONFIG_PATH", filepath.Join(proj, ".ripgreprc"))
	t.Setenv("GEMRC", filepath.Join(proj, "gemrc"))
	cmds := []string{
		"cp tc.toml rust-toolchain.toml && cargo --version",
		"cat tc.toml > rust-toolchain.toml; rustc --version",
		"cd src && cp ../tc.toml ../rust-toolchain.toml && cargo --list",
		"mv tc.toml rust-toolchain; rustup show",
		"cp tc.toml rust-toolchain.toml; rustfmt --version",
		"echo --pre=./x > .ripgreprc; rg hello",
		"printf -- '--pre\\n./x\\n' >> .ripgreprc && rg -n hello src",
		"echo 'gem: --source http://x' > gemrc; gem list",
		"echo 'registry=http://x' > .npmrc; npm --version",
	}
	for _, c := range cmds {
		if runs, why := rt9Runs(set, proj, c, policy.AutoEdit); runs {
			t.Errorf("%q in auto-edit: %s; want asked (the check read the file before the script wrote it)", c, why)
		}
	}
	for _, c := range []string{"echo x > b.txt; cargo --version", "cargo --version", "echo x > notes.md && rg hello"} {
		if runs, why := rt9Runs(set, proj, c, policy.AutoEdit); !runs {
			t.Errorf("%q in auto-edit: %s; want run", c, why)
		}
	}
}
