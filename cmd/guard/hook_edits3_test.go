package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestHookEditThatEchoesIsARead (edits-3): Gemini CLI's replace answers
// the model with the file's lines around the change ("Here is the updated
// code:", five each side), and asks for no read first: a replace in
// .env.local sent its API key to the model, in full-auto too, where the
// read would have been refused. It is judged as a read of the file as
// well; write_file, whose answer holds only what the model wrote, and a
// replace in an ordinary file are judged as edits alone.
func TestHookEditThatEchoesIsARead(t *testing.T) {
	guard := hookGuard(t)
	base, _ := filepath.EvalSymlinks(t.TempDir())
	project := filepath.Join(base, "project")
	os.MkdirAll(filepath.Join(project, "src"), 0o755)
	os.WriteFile(filepath.Join(project, ".env.local"), []byte("API_KEY=edits3-secret-4242\nDEBUG=false\n"), 0o600)
	os.WriteFile(filepath.Join(project, "server.key"), []byte("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"), 0o600)
	os.WriteFile(filepath.Join(project, "src", "main.go"), []byte("package main\n"), 0o644)
	env := hookEnv(t, base)
	for _, tt := range []struct {
		tool, path string
		want       [3]string // suggest, auto-edit, full-auto, as Gemini CLI reads the answer
	}{
		{"replace", ".env.local", [3]string{"deny", "deny", "deny"}},
		{"replace", "server.key", [3]string{"deny", "deny", "deny"}},
		{"replace", "src/main.go", [3]string{"deny", "allow", "allow"}},
		{"write_file", ".env.local", [3]string{"deny", "allow", "allow"}},
	} {
		for i, mode := range editModes {
			input := map[string]any{"file_path": tt.path, "old_string": "DEBUG=false", "new_string": "DEBUG=true"}
			if tt.tool == "write_file" {
				input = map[string]any{"file_path": tt.path, "content": "DEBUG=true\n"}
			}
			ans := hookAsk(t, guard, "gemini", project, hookWith(env, "GUARD_MODE="+mode), fileRequest("gemini", project, tt.tool, input))
			if got := hookOutcome(ans); got != tt.want[i] {
				t.Errorf("%s %s %s: %s, want %s: %v", mode, tt.tool, tt.path, got, tt.want[i], ans)
			}
		}
	}
}
