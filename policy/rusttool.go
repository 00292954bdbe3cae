package policy

import (
	"guard/internal/safefile"
	"os"
	"path/filepath"
	"runtime"
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
// A toolchain file that names by channel a toolchain already installed
// (rustupInstalled: RUSTUP_HOME's toolchains/CHANNEL or CHANNEL-HOST) and
// sets nothing but its channel, components, targets and profile picks
// the user's own toolchain, which runs as it would without the file:
// rustup 1.29 with such a file ran the installed toolchain's cargo
// without a connection, and did not fetch the components and targets the
// file listed but the toolchain lacked (strace; a channel not installed,
// 1.79, made rustup try to download it).
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
	if f := rustToolchainFile(cwd); f != "" && !rustupInstalled(f) {
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

// rustupInstalled reports whether the toolchain file f names, by channel
// alone, a toolchain installed in RUSTUP_HOME (~/.rustup when unset): the
// file is a legacy one-line channel name, or a rust-toolchain.toml whose
// only table is [toolchain] with only channel, components, targets and
// profile set (no path). The channel is a plain name (letters, digits, .
// - _), found as toolchains/CHANNEL or toolchains/CHANNEL-HOST, HOST
// rustup's default_host_triple or this machine's.
func rustupInstalled(f string) bool {
	b, err := safefile.Read(f, 64<<10)
	if err != nil {
		return false
	}
	channel := ""
	text := strings.TrimSpace(string(b))
	if !strings.ContainsAny(text, "[=\n") {
		channel = text
	} else {
		table := ""
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' {
				continue
			}
			if line[0] == '[' {
				table = line
				if table != "[toolchain]" {
					return false
				}
				continue
			}
			key, value, ok := strings.Cut(line, "=")
			if !ok || table != "[toolchain]" {
				return false
			}
			switch key = strings.TrimSpace(key); key {
			case "channel":
				value = strings.TrimSpace(value)
				if len(value) < 2 || value[0] != '"' || value[len(value)-1] != '"' {
					return false
				}
				channel = value[1 : len(value)-1]
			case "components", "targets", "profile":
			default:
				return false
			}
		}
	}
	if !rustupName(channel) {
		return false
	}
	rh := os.Getenv("RUSTUP_HOME")
	if rh == "" {
		if h := home(); filepath.IsAbs(h) {
			rh = filepath.Join(h, ".rustup")
		}
	}
	if !filepath.IsAbs(rh) {
		return false
	}
	for _, name := range []string{channel, channel + "-" + rustupHost(rh)} {
		if fi, err := os.Stat(filepath.Join(rh, "toolchains", name)); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

// rustupName reports whether s is a plain toolchain name.
func rustupName(s string) bool {
	if s == "" || s[0] == '.' || s[0] == '-' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// rustupHost is the host triple rustup appends to a channel: its
// settings' default_host_triple, else this machine's (Linux, glibc).
func rustupHost(rustupHome string) string {
	if b, err := safefile.Read(filepath.Join(rustupHome, "settings.toml"), 64<<10); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == "default_host_triple" {
				return strings.Trim(strings.TrimSpace(v), `"`)
			}
		}
	}
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64", "386": "i686", "riscv64": "riscv64gc"}[runtime.GOARCH]
	if arch == "" {
		arch = runtime.GOARCH
	}
	return arch + "-unknown-linux-gnu"
}
