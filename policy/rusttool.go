package policy

import (
	"os"
	"path/filepath"
	"strings"
)

// Rust's queries (ninth round of issue 16's general rules): the policy
// declares cargo's, rustc's and rustup's version queries and listings
// (`cargo --version`, `cargo --list`, `cargo install --list`, `cargo
// locate-project`, `cargo metadata --no-deps`, `rustc -vV`, `rustc --print
// cfg`, `rustc --explain E0502`, `rustup toolchain list`, `rustup show`,
// ...). Which binary runs is not fixed by the argv: cargo, rustc and
// rustup are usually rustup's proxies, which pick the toolchain from a
// rust-toolchain or rust-toolchain.toml file found upwards from the
// working directory; such a file can name a toolchain by path (a binary
// the project ships runs) or a channel that is not installed (rustup
// downloads it). rustWhy, for every cargo, rustc, rustup or rustfmt
// command a rule matched, makes it unverified when such a file applies,
// when rustc is given a response file (`@FILE`, whose words rustc reads
// as arguments and prints back in its errors), or when `--print` asks for something
// other than a fixed list of the compiler's own facts (`--print
// cfg=out.txt` writes a file; `native-static-libs` compiles).
//
// Checked with the real cargo 1.95 and rustup 1.29: none of the declared
// cargo commands runs the rustc or rustc-wrapper that a project's
// .cargo/config.toml names, nor writes Cargo.lock (`cargo metadata` is
// declared only with --no-deps, `cargo tree` not at all: both resolve
// and write the lock file, and may fetch the index, and cargo tree runs
// the configured rustc for the target's facts, --frozen or not); cargo's aliases
// cannot shadow its built-in commands. `cargo fmt --check` is left out:
// rustfmt follows `#[path = "..."] mod x;` to any file and prints the
// line it cannot parse.
//
// Limits: a directory override set by `rustup override set` and the
// RUSTUP_TOOLCHAIN variable are the user's own settings and are not
// read; a toolchain file that cannot be examined asks.
func rustWhy(argv []string, cwd string) string {
	if len(argv) == 0 {
		return ""
	}
	prog := filepath.Base(argv[0])
	if prog != "cargo" && prog != "rustc" && prog != "rustup" && prog != "rustfmt" {
		return ""
	}
	if prog == "rustc" {
		for i, a := range argv[1:] {
			if strings.HasPrefix(a, "@") {
				return "rustc reads more arguments from the response file " + a
			}
			kind, ok := strings.CutPrefix(a, "--print=")
			if !ok && a == "--print" && i+2 < len(argv) {
				kind, ok = argv[i+2], true
			}
			if ok && !rustPrintKinds[kind] {
				return "rustc --print " + kind + " is not one of the compiler's fixed facts (KIND=PATH writes a file, others compile a crate)"
			}
		}
	}
	if f := rustToolchainFile(cwd); f != "" {
		return f + " picks the toolchain " + prog + " runs (by path, a binary the project ships; by channel, one rustup downloads)"
	}
	return ""
}

// rustPrintKinds are rustc's --print values that print a fact of the
// compiler or its targets, need no crate and write no file.
var rustPrintKinds = map[string]bool{
	"sysroot": true, "cfg": true, "target-list": true, "target-libdir": true, "host-tuple": true,
	"target-cpus": true, "target-features": true, "relocation-models": true, "code-models": true,
	"tls-models": true, "split-debuginfo": true, "stack-protector-strategies": true,
	"calling-conventions": true, "all-target-specs-json": true, "target-spec-json": true,
	"deployment-target": true,
}

// rustToolchainFile returns the rust-toolchain or rust-toolchain.toml file
// rustup would read for cwd (the nearest one up to the root), or "" for
// none; a name that exists in any form counts, and a directory that
// cannot be examined returns itself (asked about).
func rustToolchainFile(cwd string) string {
	if !filepath.IsAbs(cwd) {
		return cwd
	}
	for dir := filepath.Clean(cwd); ; dir = filepath.Dir(dir) {
		for _, name := range []string{"rust-toolchain", "rust-toolchain.toml"} {
			p := filepath.Join(dir, name)
			if _, err := os.Lstat(p); err == nil || !os.IsNotExist(err) {
				return p
			}
		}
		if dir == filepath.Dir(dir) {
			return ""
		}
	}
}
