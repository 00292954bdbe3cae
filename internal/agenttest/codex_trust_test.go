//go:build linux

package agenttest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCodexTrustMatchesAppServer: after `guard setup codex`, Codex itself
// (`codex app-server`, hooks/list) reports guard's hook as trusted, with the
// command guard wrote; after `guard setup codex --remove` it lists no hook.
func TestCodexTrustMatchesAppServer(t *testing.T) {
	s := newSession(t, codex, tc{})
	s.model = startModel(t, codex.api, nil)
	codex.prepare(s)
	s.guardSetup()
	hooks := hooksList(t, s)
	if len(hooks) != 1 {
		t.Fatalf("hooks/list: %d hooks, want 1: %v", len(hooks), hooks)
	}
	h := hooks[0]
	if h["trustStatus"] != "trusted" || h["enabled"] != true {
		t.Errorf("guard's hook as Codex sees it: trustStatus %v, enabled %v; want trusted, enabled (%v)", h["trustStatus"], h["enabled"], h)
	}
	if cmd, _ := h["command"].(string); !strings.HasPrefix(cmd, "'"+s.guard+"' hook codex || ") {
		t.Errorf("hook command %q", cmd)
	}
	// The user adds a hook of their own after guard's and trusts it (with
	// the hash Codex reports, as /hooks does).
	hooksPath := filepath.Join(s.home, ".codex", "hooks.json")
	b, err := os.ReadFile(hooksPath)
	if err != nil {
		t.Fatal(err)
	}
	mine := `{"matcher": "Bash", "hooks": [{"type": "command", "command": "true", "timeout": 5}]}`
	i := strings.LastIndex(string(b), "]")
	os.WriteFile(hooksPath, []byte(string(b[:i])+", "+mine+string(b[i:])), 0o600)
	hooks = hooksList(t, s)
	if len(hooks) != 2 || hooks[1]["command"] != "true" {
		t.Fatalf("hooks/list with the user's hook: %v", hooks)
	}
	config := filepath.Join(s.home, ".codex", "config.toml")
	cb, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	cb = append(cb, fmt.Sprintf("\n[hooks.state.%q]\ntrusted_hash = %q\n", hooks[1]["key"], hooks[1]["currentHash"])...)
	os.WriteFile(config, cb, 0o600)
	if hooks = hooksList(t, s); hooks[1]["trustStatus"] != "trusted" {
		t.Fatalf("the user's hook is not trusted: %v", hooks[1])
	}

	cmd := exec.Command(s.guard, "setup", "codex", "--remove")
	cmd.Env = append(s.env(), "CODEX_HOME="+filepath.Join(s.home, ".codex"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("guard setup codex --remove: %v\n%s", err, out)
	}
	// The user's hook moved to guard's place and is still trusted.
	hooks = hooksList(t, s)
	if len(hooks) != 1 || hooks[0]["command"] != "true" || hooks[0]["trustStatus"] != "trusted" {
		t.Errorf("after --remove, hooks/list: %v", hooks)
	}
	os.WriteFile(hooksPath, []byte(`{"hooks": {}}`), 0o600)

	// A project's hooks.json, in a project the user trusts.
	cmd = exec.Command(s.guard, "setup", "codex", "--project", s.project)
	cmd.Env = append(s.env(), "CODEX_HOME="+filepath.Join(s.home, ".codex"))
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "trusted project") {
		t.Fatalf("guard setup codex --project: want exit 1 and the project trust step: %v\n%s", err, out)
	}
	hooks = hooksList(t, s)
	if len(hooks) != 0 {
		t.Errorf("hooks/list in a project nobody trusted: %v", hooks)
	}
	b, err = os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, fmt.Sprintf("\n[projects.%q]\ntrust_level = \"trusted\"\n", s.project)...)
	if err := os.WriteFile(config, b, 0o600); err != nil {
		t.Fatal(err)
	}
	hooks = hooksList(t, s)
	if len(hooks) != 1 || hooks[0]["trustStatus"] != "trusted" || hooks[0]["sourcePath"] != filepath.Join(s.project, ".codex", "hooks.json") {
		t.Errorf("hooks/list in the trusted project: %v", hooks)
	}
}

// hooksList asks `codex app-server` for the hooks of the session's project.
func hooksList(t *testing.T, s *session) []map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.agentBin, "app-server")
	cmd.Env = append(s.env(), "CODEX_HOME="+filepath.Join(s.home, ".codex"), "FAKE_API_KEY=x")
	cmd.Dir = s.project
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		in.Close()
		cmd.Process.Kill()
		cmd.Wait()
	}()
	send := func(v any) {
		b, _ := json.Marshal(v)
		in.Write(append(b, '\n'))
	}
	send(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": map[string]any{"clientInfo": map[string]any{"name": "guard-test", "version": "1"}}})
	send(map[string]any{"jsonrpc": "2.0", "method": "initialized"})
	send(map[string]any{"jsonrpc": "2.0", "id": 2, "method": "hooks/list", "params": map[string]any{"cwds": []string{s.project}}})
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var msg struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) != nil || msg.ID != 2 {
			continue
		}
		if msg.Error != nil {
			t.Fatalf("hooks/list: %s", msg.Error)
		}
		var res struct {
			Data []struct {
				Hooks  []map[string]any `json:"hooks"`
				Errors []any            `json:"errors"`
			} `json:"data"`
		}
		if err := json.Unmarshal(msg.Result, &res); err != nil || len(res.Data) != 1 {
			t.Fatalf("hooks/list result %s: %v", msg.Result, err)
		}
		if len(res.Data[0].Errors) > 0 {
			t.Errorf("hooks/list errors: %v", res.Data[0].Errors)
		}
		return res.Data[0].Hooks
	}
	io.Copy(io.Discard, out)
	t.Fatalf("codex app-server gave no hooks/list answer: %v", sc.Err())
	return nil
}
