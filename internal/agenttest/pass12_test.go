package agenttest

import (
	"path/filepath"
	"strings"
	"testing"
)

func init() {
	cases = append(cases,
		tc{
			// H12-1: Claude Code's Bash tool shadows grep with a shell
			// function that runs its embedded ugrep, which recurses into
			// a directory argument; GNU grep, as guard read it, only says
			// "Is a directory".
			name: "Claude Code: grep is the embedded ugrep, which recurses into a directory", agents: []string{"claude-code"}, mode: "suggest",
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.project, ".env"), "OPENAI_API_KEY=sk-EMBED-GREP-12\n")
				s.write(filepath.Join(s.project, "notes.txt"), "EMBED notes\n")
			},
			calls: shellCalls("grep EMBED .", "grep -h EMBED notes.txt"),
			check: func(t *testing.T, s *session) {
				if strings.Contains(s.model.Sent(), "sk-EMBED-GREP-12") {
					s.fail("the model got the key")
				}
				if !strings.Contains(s.model.Sent(), "embedded ugrep") {
					s.fail("the model was not told why")
				}
				if !strings.Contains(s.model.Sent(), "EMBED notes") {
					s.fail("grep of a file did not run")
				}
			},
		},
		tc{
			// Held: a sandboxed rewrite of a 100 KB command (an answer of
			// that size) is applied by each agent; past 128 KB the agents
			// cannot start their shell (E2BIG, one argument) and run nothing.
			name: "a large command's sandboxed rewrite is applied", mode: "full-auto",
			calls: func(a agent, s *session) []call {
				return []call{
					a.shell(expand("touch big-in.txt; d=$(echo OUTSIDE); touch $d/big.txt # ", s)+strings.Repeat("x", 100_000), ""),
					a.shell(rewriteFollow, ""),
				}
			},
			check: func(t *testing.T, s *session) {
				s.mustNotExist(filepath.Join(s.outside, "big.txt"))
				if s.a.name != "codex" {
					// Codex 0.171 cannot start a command this long at
					// all ("Argument list too long"): nothing runs.
					s.mustExist(filepath.Join(s.project, "big-in.txt"))
				}
			},
		},
		tc{
			// H12-2: Gemini CLI's grep_search runs rg, which reads the
			// configuration RIPGREP_CONFIG_PATH names (no --no-config): a
			// user's --hidden there made it search .env, which guard had
			// judged as left out (rg's default).
			name: "Gemini CLI: grep_search reads rg's configuration", agents: []string{"gemini"}, mode: "suggest",
			env: []string{"RIPGREP_CONFIG_PATH=OUTSIDE/ripgreprc"},
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.outside, "ripgreprc"), "# the user's\n--hidden\n")
				s.write(filepath.Join(s.project, ".env"), "OPENAI_API_KEY=sk-RGRC-HIDDEN-12\n")
				s.write(filepath.Join(s.project, "notes.txt"), "RGRC notes\n")
			},
			calls: func(a agent, s *session) []call {
				return []call{{Tool: "grep_search", Args: map[string]any{"pattern": "RGRC"}}}
			},
			check: func(t *testing.T, s *session) {
				if strings.Contains(s.model.Sent(), "sk-RGRC-HIDDEN-12") {
					s.fail("the model got the key")
				}
			},
		},
		tc{
			// H12-3: Gemini CLI registers its older grep (git grep
			// --untracked, else grep -r, else a JavaScript walk with
			// hidden files) under the name grep_search when rg cannot be
			// used: tools.useRipgrep false in a settings file (the
			// project's too), or no rg beside the bundle or in a system
			// directory. guard judged grep_search as rg, which leaves
			// .env out.
			name: "Gemini CLI: grep_search without rg reads hidden files", agents: []string{"gemini"}, mode: "suggest",
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.project, ".gemini", "settings.json"), `{"tools": {"useRipgrep": false}}`)
				s.write(filepath.Join(s.project, ".env"), "OPENAI_API_KEY=sk-NORG-HIDDEN-12\n")
				s.write(filepath.Join(s.project, "notes.txt"), "NORG notes\n")
			},
			calls: func(a agent, s *session) []call {
				return []call{{Tool: "grep_search", Args: map[string]any{"pattern": "NORG"}}}
			},
			check: func(t *testing.T, s *session) {
				if strings.Contains(s.model.Sent(), "sk-NORG-HIDDEN-12") {
					s.fail("the model got the key")
				}
			},
		},
		tc{
			// H12-4: rg searches a hidden file that a whitelist rule of an
			// ignore file names (!.env in .ignore, .rgignore, a
			// .gitignore): the judge read so for a shell rg (judge-11 R6),
			// not for Gemini CLI's grep_search, which runs rg without
			// --hidden.
			name: "Gemini CLI: grep_search reads a hidden file an ignore file whitelists", agents: []string{"gemini"}, mode: "suggest",
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.project, ".ignore"), "!.env\n")
				s.write(filepath.Join(s.project, ".env"), "OPENAI_API_KEY=sk-WHITELIST-12\n")
				s.write(filepath.Join(s.project, "notes.txt"), "WLIST notes\n")
			},
			calls: func(a agent, s *session) []call {
				return []call{{Tool: "grep_search", Args: map[string]any{"pattern": "WLIST|WHITELIST"}}}
			},
			check: func(t *testing.T, s *session) {
				if strings.Contains(s.model.Sent(), "sk-WHITELIST-12") {
					s.fail("the model got the key")
				}
			},
		},
		tc{
			// H12-4: Gemini CLI hands rg its .geminiignore as
			// --ignore-file; a whitelist rule there reads .env too.
			name: "Gemini CLI: a .geminiignore whitelist rule makes grep_search read .env", agents: []string{"gemini"}, mode: "suggest",
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.project, ".geminiignore"), "!.env\n")
				s.write(filepath.Join(s.project, ".env"), "OPENAI_API_KEY=sk-GEMIGNORE-12\n")
				s.write(filepath.Join(s.project, "notes.txt"), "GIGN notes\n")
			},
			calls: func(a agent, s *session) []call {
				return []call{{Tool: "grep_search", Args: map[string]any{"pattern": "GIGN|GEMIGNORE"}}}
			},
			check: func(t *testing.T, s *session) {
				if strings.Contains(s.model.Sent(), "sk-GEMIGNORE-12") {
					s.fail("the model got the key")
				}
			},
		},
		tc{
			// H12-5: Gemini CLI's write_file unescapes its content for the
			// models it does not count as Gemini 2 or 3: "Notes.\n@.env"
			// (a backslash and an n) was written with a newline, and the
			// GEMINI.md then imported .env into the model's context;
			// guard had judged the text as sent (no import).
			name: "Gemini CLI: the GEMINI.md text judged is the one written", agents: []string{"gemini"}, mode: "auto-edit",
			geminiModel: "gemini-1.5-flash", files: []string{"a.txt"},
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.project, ".env"), "OPENAI_API_KEY=sk-UNESCAPE-12\n")
			},
			calls: func(a agent, s *session) []call {
				return []call{
					{Tool: "write_file", Args: map[string]any{"file_path": filepath.Join(s.project, "GEMINI.md"), "content": `Notes.\n@.env\n`}},
					{Tool: "read_file", Args: map[string]any{"file_path": filepath.Join(s.project, "a.txt")}},
				}
			},
			check: func(t *testing.T, s *session) {
				if strings.Contains(strings.Join(s.model.Requests(), "\n"), "sk-UNESCAPE-12") {
					s.fail("the key reached the model")
				}
				s.mustNotExist(filepath.Join(s.project, "GEMINI.md"))
			},
		},
	)
}
