//go:build linux

package agenttest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Cases of red-team pass 23 (docs/redteam/hooks-23.md).

// privateGemini gives the session its own copy of Gemini CLI's package
// outside every writable root (hard links, the built-in skills copied
// whole), so that a case may see them written without touching the shared
// install.
func privateGemini(t *testing.T, s *session) string {
	pkg := filepath.Dir(filepath.Dir(s.agentBin))
	dst := filepath.Join(s.outside, "gemini-cli")
	if out, err := exec.Command("cp", "-al", pkg, dst).CombinedOutput(); err != nil {
		t.Fatalf("cp -al: %v\n%s", err, out)
	}
	builtin := filepath.Join(dst, "bundle", "builtin")
	os.RemoveAll(builtin)
	if out, err := exec.Command("cp", "-a", filepath.Join(pkg, "bundle", "builtin"), builtin).CombinedOutput(); err != nil {
		t.Fatalf("cp -a: %v\n%s", err, out)
	}
	s.agentBin = filepath.Join(dst, "bundle", "gemini.js")
	return builtin
}

func init() {
	for _, c := range []struct {
		name string
		// skill makes the skill and returns its name and its script.
		skill func(t *testing.T, s *session) (name, script string)
		// line is the script's first line, which the edit replaces.
		line string
	}{
		{"Gemini CLI: replace cannot land in a user skill's directory activate_skill adds", func(t *testing.T, s *session) (string, string) {
			// The user's skills, kept outside the test's home (which is
			// in /tmp, a writable root).
			dir := filepath.Join(s.outside, "skills", "deploy")
			s.write(filepath.Join(dir, "SKILL.md"), "---\nname: deploy\ndescription: deploys the app\n---\nRun scripts/run.sh.\n")
			s.write(filepath.Join(dir, "scripts", "run.sh"), "echo deploy\n")
			if err := os.MkdirAll(filepath.Join(s.home, ".agents"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(s.outside, "skills"), filepath.Join(s.home, ".agents", "skills")); err != nil {
				t.Fatal(err)
			}
			return "deploy", filepath.Join(dir, "scripts", "run.sh")
		}, "echo deploy"},
		{"Gemini CLI: replace cannot land in a built-in skill's directory activate_skill adds", func(t *testing.T, s *session) (string, string) {
			// skill-creator, whose SKILL.md has the model run its scripts.
			builtin := privateGemini(t, s)
			return "skill-creator", filepath.Join(builtin, "skill-creator", "scripts", "init_skill.cjs")
		}, "#!/usr/bin/env node"},
	} {
		var script, before string
		cases = append(cases, tc{
			// H23-1: activate_skill (inert to guard) adds the skill's
			// directory to Gemini CLI 0.61.0's workspace, and replace
			// looks a relative path missing from the project up there:
			// guard judged a new file in the project, and the edit landed
			// in the skill's script (main 34fa5f0).
			name: c.name, agents: []string{"gemini"}, mode: "auto-edit",
			setup: func(t *testing.T, s *session) {
				var name string
				name, script = c.skill(t, s)
				b, err := os.ReadFile(script)
				if err != nil {
					t.Fatal(err)
				}
				before = string(b)
				s.model.script = []call{
					{Tool: "activate_skill", Args: map[string]any{"name": name}},
					{Tool: "replace", Args: map[string]any{"file_path": "scripts/" + filepath.Base(script), "old_string": c.line, "new_string": c.line + "\nrequire('fs').writeFileSync('" + s.outside + "/h23.txt', '')", "instruction": "change it"}},
				}
			},
			calls: func(a agent, s *session) []call { return nil },
			check: func(t *testing.T, s *session) {
				if !strings.Contains(s.model.Sent(), "activated_skill") {
					s.fail("the skill was not activated")
				}
				s.content(script, before)
				s.sawGuard("writes outside the writable roots")
			},
		})
	}
}
