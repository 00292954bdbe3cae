package protect

import (
	"os"
	"path/filepath"
	"strconv"
)

// UpwardNames are names that tools look for in the directory they run in
// and in every directory above it, and act on what they find: git's
// repository discovery (a .git, or a bare repository's HEAD, config, objects
// and refs side by side: its core.fsmonitor, pager and hooks run), hg's
// (.hg/hgrc's hooks), cargo's .cargo/config.toml (build.rustc-wrapper,
// runners) and workspace Cargo.toml ([patch] swaps dependencies), go's
// go.work (replace directives), pytest's conftest.py (imported for every
// test below it). At the top of /tmp or $TMPDIR, which every process shares,
// one planted there ran later, outside the sandbox, for any directory below
// that has none of its own: another project cloned to /tmp, a scratch
// directory, a build directory (`git status` in /tmp/x ran a planted
// /tmp/.git's core.fsmonitor; `cargo build` in /tmp/y a planted rustc
// wrapper; `pytest` in /tmp/z a planted /tmp/conftest.py). The sandbox keeps
// them read-only there, a placeholder made where none exists.
var UpwardNames = []string{".git", "HEAD", ".hg", ".cargo", "Cargo.toml", "go.work", "conftest.py"}

// UpwardConfigs are the JavaScript tools' configuration files found the
// same way (ESLint's and Prettier's, JavaScript or plugins named by path,
// loaded when an editor lints or formats on save), as at the top of the
// home. The sandbox makes no placeholder for them (a documented limit for
// what a command writes unseen); the decision counts a visible write of
// one, and an agent's file tool's, as protected.
var UpwardConfigs = []string{"eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts",
	"eslint.config.mts", "eslint.config.cts", "prettier.config.js", "prettier.config.mjs", "prettier.config.cjs",
	"prettier.config.ts", ".prettierrc", ".prettierrc.json", ".prettierrc.json5", ".prettierrc.yaml",
	".prettierrc.yml", ".prettierrc.toml", ".prettierrc.js", ".prettierrc.mjs", ".prettierrc.cjs", ".prettierrc.ts"}

// TempCaches are the caches tools keep at the top of the temporary
// directory by a fixed name and run from later, unchecked: tsx's transpiled
// files (tsx-UID/<time>-<hash>, JSON whose "code" tsx runs: a line put there
// from inside ran at the next `tsx app.ts` outside) and node's compile cache,
// which npm enables on Node 22 and later (V8 code checked by a CRC32 of the
// source), and jiti's (node-jiti, version 1: Tailwind CSS 3 loads its
// config through it, Nuxt and UnoCSS theirs), whose entries are used when
// they end with a hash of the source, whatever comes before (a line put
// first from inside ran at the next load outside: sixteenth red team,
// S16-3). Each tool goes on without writing there. Besides, Gemini CLI's
// IDE connection files (gemini/ide/gemini-ide-server-*.json, written by its
// IDE companion), read at every start in an IDE terminal: Gemini CLI 0.61.0
// starts the program one names (stdio.command) outside any hook (a file a
// sandboxed command wrote there ran at the next session).
func TempCaches() []string {
	return []string{"tsx-" + strconv.Itoa(os.Geteuid()), "node-compile-cache", "node-jiti", "gemini"}
}

// WhyUpwardTop is the reason given for a path of UpwardTop.
const WhyUpwardTop = "at the top of a writable root other than the project, or above the project in a shared one: tools run in any directory below it that lacks one of its own find it and run what it says, or a tool reads it there at its next start"

// UpwardTop returns the paths at the top of dir that tools running in a
// directory below it take for their own: UpwardNames, UpwardConfigs and
// TempCaches. dir is a writable root other than the project, which holds
// directories that are not the agent's: /tmp and $TMPDIR, which every
// process shares, or a root of the configuration (~/scratch, another
// project's parent). An agent's file tool writes unsandboxed: these
// entries count its writes, and a command's visible ones, as protected.
// The sandbox keeps the tops of /tmp and $TMPDIR with placeholders of its
// own; it does not take these entries for a configured root (an lstat a
// name a root: 3 ms a command with 300 roots), but looks for them in the
// listing of the root's top it makes anyway after the command and moves one
// made there aside (sandbox's otherRootTops: an existing one stays writable).
func UpwardTop(dir string) []string {
	var out []string
	for _, names := range [][]string{UpwardNames, UpwardConfigs, TempCaches()} {
		for _, n := range names {
			out = append(out, filepath.Join(dir, n))
		}
	}
	return out
}
