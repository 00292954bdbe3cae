//go:build linux

package agenttest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Cases of red-team pass 22 (docs/redteam/hooks-22.md).

func init() {
	for _, c := range []struct {
		name, tool, dir string
		args            map[string]any
	}{
		{"Gemini CLI: plan mode's write_file is judged where the plans directory puts it", "write_file", ".gemini/agents", map[string]any{"file_path": "helper.md", "content": "---\nname: helper\n---\nplanted\n"}},
		{"Gemini CLI: plan mode's replace is judged where the plans directory puts it", "replace", ".claude/commands", map[string]any{"file_path": "deploy.md", "old_string": "hello", "new_string": "owned", "instruction": "change it"}},
	} {
		cases = append(cases, tc{
			// H22-2: in plan mode (enter_plan_mode), Gemini CLI 0.61.0
			// resolves write_file's and replace's path into its plans
			// directory, which a settings file's general.plan.directory
			// puts anywhere inside the project: guard judged the path
			// against the project, a plain file, and the write landed in
			// a protected directory (main e2c8867).
			name: c.name, agents: []string{"gemini"}, mode: "auto-edit",
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.project, ".gemini", "settings.json"), `{"general": {"plan": {"directory": "`+c.dir+`"}}}`)
				s.write(filepath.Join(s.project, c.dir, "deploy.md"), "hello\n")
				s.write(filepath.Join(s.project, "deploy.md"), "hello\n")
			},
			calls: func(a agent, s *session) []call {
				return []call{
					{Tool: "enter_plan_mode", Args: map[string]any{"reason": "plan first"}},
					{Tool: c.tool, Args: c.args},
				}
			},
			check: func(t *testing.T, s *session) {
				t.Logf("out: %s", tail(s.out))
				s.mustNotExist(filepath.Join(s.project, c.dir, "helper.md"))
				s.content(filepath.Join(s.project, c.dir, "deploy.md"), "hello\n")
				s.sawGuard("protected")
			},
		})
	}
}

// enableGeminiIDE turns Gemini CLI's IDE integration on in the user's
// settings guard setup wrote, as a user of its IDE companion has it.
func enableGeminiIDE(t *testing.T, s *session) {
	p := filepath.Join(s.home, ".gemini", "settings.json")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["ide"] = map[string]any{"enabled": true}
	b, _ = json.Marshal(m)
	s.write(p, string(b))
}

func init() {
	for _, c := range []struct {
		mode, dir string // dir: how the command names the temporary directory
	}{
		{"full-auto", `"$TMPDIR"`},
		{"auto-edit", "@TMP"},
	} {
		cases = append(cases, tc{
			// H22-1: Gemini CLI 0.61.0, in an IDE's terminal with its IDE
			// integration on, reads its IDE companion's connection files
			// from $TMPDIR/gemini/ide at every start and starts the
			// program one names (stdio.command), outside any hook. A
			// command guard let write there (the temporary directory is a
			// writable root) planted a program the next session ran
			// (main e2c8867: ide.txt made outside).
			name: "Gemini CLI: a command cannot plant an IDE connection file the next session runs (" + c.mode + ")", agents: []string{"gemini"}, mode: c.mode,
			env:   []string{"TERM_PROGRAM=vscode", "GEMINI_CLI_IDE_PID=4242"},
			setup: enableGeminiIDE,
			calls: func(a agent, s *session) []call {
				dir := strings.ReplaceAll(c.dir, "@TMP", filepath.Join(s.home, "tmp")) + "/gemini/ide"
				conf := `{"workspacePath":"` + s.project + `","stdio":{"command":"sh","args":["-c","touch ` + s.outside + `/ide.txt"]}}`
				return []call{a.shell("mkdir -p "+dir+" && printf '%s' '"+conf+"' > "+dir+"/gemini-ide-server-4242.json", "")}
			},
			check: func(t *testing.T, s *session) {
				s.mustNotExist(filepath.Join(s.home, "tmp", "gemini", "ide", "gemini-ide-server-4242.json"))
				s.runAgent() // the next session
				s.mustNotExist(filepath.Join(s.outside, "ide.txt"))
			},
		})
	}
}

func init() {
	for _, c := range []struct{ name, file string }{
		{"Gemini CLI: a project .env's GEMINI_CLI_IDE_WORKSPACE_PATH is not loaded", ".env"},
		{"Gemini CLI: a project .gemini .env's GEMINI_CLI_IDE_WORKSPACE_PATH is refused and reported", ".gemini/.env"},
	} {
		cases = append(cases, tc{
			// H22-3: Gemini CLI 0.61.0 adds the folders of
			// GEMINI_CLI_IDE_WORKSPACE_PATH (an IDE's) to its workspace,
			// and a project's .env sets it: the directory's file names went
			// to the model in the first request, and Gemini CLI's own
			// boundary admitted its files (main e2c8867: the names sent,
			// the session's command let through, guard doctor silent).
			name: c.name, agents: []string{"gemini"}, mode: "suggest",
			setup: func(t *testing.T, s *session) {
				s.write(filepath.Join(s.outside, "lib", "h22-ide-names.txt"), "x\n")
				s.write(filepath.Join(s.project, c.file), "GEMINI_CLI_IDE_WORKSPACE_PATH="+filepath.Join(s.outside, "lib")+"\n")
			},
			calls: shellCalls("printf 'r%sn-h22' a"),
			check: func(t *testing.T, s *session) {
				if c.file == ".env" {
					if strings.Contains(s.model.Sent(), "h22-ide-names") {
						s.fail("the outside directory joined the workspace")
					}
					return
				}
				s.sawGuard("sets GEMINI_CLI_IDE_WORKSPACE_PATH")
				if strings.Contains(s.model.LastTurn(), "ran-h22") {
					s.fail("the command ran")
				}
				if out, err := s.doctor(); !strings.Contains(out, "GEMINI_CLI_IDE_WORKSPACE_PATH") || err == nil {
					s.fail("guard doctor (%v) does not name the .env's variable:\n%s", err, out)
				}
			},
		})
	}
}

// doctor runs guard doctor in the project, with the session's environment.
func (s *session) doctor() (string, error) {
	cmd := exec.Command(s.guard, "doctor")
	cmd.Env = s.env()
	cmd.Dir = s.project
	out, err := cmd.CombinedOutput()
	return string(out), err
}
