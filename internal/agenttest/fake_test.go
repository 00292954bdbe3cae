//go:build linux

package agenttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// call is one tool call the fake model makes: the agent's tool name and its
// arguments.
type call struct {
	Tool string
	Args map[string]any
	// Also are more calls in the same reply (Messages API only): the agent
	// gets them together, as a model's parallel tool calls.
	Also []call
}

// fakeModel is a scripted model API on 127.0.0.1. It answers each request of
// the agent's main loop with the next call of the script, counted by the
// tool results the request carries (so retries and side requests do not
// shift it), and with a short text once the script is done.
type fakeModel struct {
	URL    string
	script []call
	api    api

	mu       sync.Mutex
	requests []string // bodies, in order
	srv      *http.Server
	ln       net.Listener
	seq      int
}

// api is one wire protocol.
type api interface {
	// results counts the tool results in a request body.
	results(body map[string]any) int
	// serve writes the reply: the given call, or the final text when c is nil.
	serve(w http.ResponseWriter, r *http.Request, body map[string]any, c *call, id string)
}

func startModel(t *testing.T, a api, script []call) *fakeModel {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &fakeModel{URL: "http://" + ln.Addr().String(), script: script, api: a, ln: ln}
	m.srv = &http.Server{Handler: m}
	go m.srv.Serve(ln)
	t.Cleanup(func() { m.srv.Close() })
	return m
}

func (m *fakeModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	m.mu.Lock()
	m.requests = append(m.requests, r.Method+" "+r.URL.String()+"\n"+string(raw))
	m.seq++
	id := fmt.Sprintf("%04d", m.seq)
	m.mu.Unlock()
	var body map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil && r.Method == http.MethodPost {
		body = map[string]any{}
	}
	n := m.api.results(body)
	var c *call
	if n < len(m.script) && isMainLoop(body) {
		c = &m.script[n]
	}
	m.api.serve(w, r, body, c, id)
}

// isMainLoop tells the agent's turn requests, which offer tools, from side
// requests (titles, summaries, checks), which get text.
func isMainLoop(body map[string]any) bool {
	tools, _ := body["tools"].([]any)
	return len(tools) > 0
}

// Requests returns the request bodies received so far.
func (m *fakeModel) Requests() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.requests...)
}

// Sent returns every string value in every request body, joined by
// newlines: what the agent told the model, tool results included, with JSON
// escapes undone.
func (m *fakeModel) Sent() string {
	var b strings.Builder
	for _, r := range m.Requests() {
		_, raw, _ := strings.Cut(r, "\n")
		var v any
		if json.Unmarshal([]byte(raw), &v) != nil {
			continue
		}
		collectStrings(&b, v)
	}
	return b.String()
}

// LastTurn is Sent for the last request that offered tools: the state of the
// conversation when the script ended.
func (m *fakeModel) LastTurn() string {
	reqs := m.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		_, raw, _ := strings.Cut(reqs[i], "\n")
		var v map[string]any
		if json.Unmarshal([]byte(raw), &v) != nil || !isMainLoop(v) {
			continue
		}
		var b strings.Builder
		collectStrings(&b, v["messages"])
		collectStrings(&b, v["input"])
		collectStrings(&b, v["contents"])
		return b.String()
	}
	return ""
}

func collectStrings(b *strings.Builder, v any) {
	switch t := v.(type) {
	case string:
		b.WriteString(t)
		b.WriteByte('\n')
	case []any:
		for _, e := range t {
			collectStrings(b, e)
		}
	case map[string]any:
		for _, e := range t {
			collectStrings(b, e)
		}
	}
}

func sse(w http.ResponseWriter, events ...any) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	for i := 0; i+1 < len(events); i += 2 {
		name, _ := events[i].(string)
		data, _ := json.Marshal(events[i+1])
		if name != "" {
			fmt.Fprintf(w, "event: %s\n", name)
		}
		fmt.Fprintf(w, "data: %s\n\n", data)
	}
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// anthropic is the Messages API (Claude Code).
type anthropic struct{}

func (anthropic) results(body map[string]any) int {
	n := 0
	msgs, _ := body["messages"].([]any)
	for _, m := range msgs {
		mm, _ := m.(map[string]any)
		content, _ := mm["content"].([]any)
		for _, c := range content {
			if cc, _ := c.(map[string]any); cc["type"] == "tool_result" {
				n++
			}
		}
	}
	return n
}

func (anthropic) serve(w http.ResponseWriter, r *http.Request, body map[string]any, c *call, id string) {
	if strings.HasSuffix(r.URL.Path, "/count_tokens") {
		writeJSON(w, map[string]any{"input_tokens": 10})
		return
	}
	if !strings.HasSuffix(r.URL.Path, "/v1/messages") {
		http.NotFound(w, r)
		return
	}
	model, _ := body["model"].(string)
	usage := map[string]any{"input_tokens": 10, "output_tokens": 1}
	var block map[string]any
	var delta map[string]any
	stop := "end_turn"
	if c != nil {
		args, _ := json.Marshal(c.Args)
		block = map[string]any{"type": "tool_use", "id": "toolu_" + id, "name": c.Tool, "input": map[string]any{}}
		delta = map[string]any{"type": "input_json_delta", "partial_json": string(args)}
		stop = "tool_use"
	} else {
		block = map[string]any{"type": "text", "text": ""}
		delta = map[string]any{"type": "text_delta", "text": "done"}
	}
	msg := map[string]any{"id": "msg_" + id, "type": "message", "role": "assistant", "model": model,
		"content": []any{}, "stop_reason": nil, "stop_sequence": nil, "usage": usage}
	if stream, _ := body["stream"].(bool); !stream {
		full := map[string]any{"type": "text", "text": "done"}
		if c != nil {
			full = map[string]any{"type": "tool_use", "id": "toolu_" + id, "name": c.Tool, "input": c.Args}
		}
		msg["content"] = []any{full}
		msg["stop_reason"] = stop
		writeJSON(w, msg)
		return
	}
	events := []any{"message_start", map[string]any{"type": "message_start", "message": msg},
		"content_block_start", map[string]any{"type": "content_block_start", "index": 0, "content_block": block},
		"content_block_delta", map[string]any{"type": "content_block_delta", "index": 0, "delta": delta},
		"content_block_stop", map[string]any{"type": "content_block_stop", "index": 0}}
	if c != nil {
		for i, more := range c.Also {
			args, _ := json.Marshal(more.Args)
			idx := i + 1
			events = append(events,
				"content_block_start", map[string]any{"type": "content_block_start", "index": idx, "content_block": map[string]any{"type": "tool_use", "id": fmt.Sprintf("toolu_%d%s", idx, id), "name": more.Tool, "input": map[string]any{}}},
				"content_block_delta", map[string]any{"type": "content_block_delta", "index": idx, "delta": map[string]any{"type": "input_json_delta", "partial_json": string(args)}},
				"content_block_stop", map[string]any{"type": "content_block_stop", "index": idx})
		}
	}
	sse(w, append(events,
		"message_delta", map[string]any{"type": "message_delta", "delta": map[string]any{"stop_reason": stop, "stop_sequence": nil}, "usage": map[string]any{"output_tokens": 1}},
		"message_stop", map[string]any{"type": "message_stop"},
	)...)
}

// responses is the OpenAI Responses API (Codex).
type responses struct{}

func (responses) results(body map[string]any) int {
	n := 0
	input, _ := body["input"].([]any)
	for _, it := range input {
		if m, _ := it.(map[string]any); m["type"] == "function_call_output" || m["type"] == "custom_tool_call_output" {
			n++
		}
	}
	return n
}

func (responses) serve(w http.ResponseWriter, r *http.Request, body map[string]any, c *call, id string) {
	if !strings.HasSuffix(r.URL.Path, "/responses") {
		http.NotFound(w, r)
		return
	}
	var item map[string]any
	if c != nil {
		if in, ok := c.Args["input"].(string); ok && len(c.Args) == 1 {
			// A freeform tool (apply_patch).
			item = map[string]any{"type": "custom_tool_call", "id": "ctc_" + id, "call_id": "call_" + id, "name": c.Tool, "input": in}
		} else {
			name, ns, _ := strings.Cut(c.Tool, "@") // a namespaced tool: NAME@NAMESPACE
			args, _ := json.Marshal(c.Args)
			item = map[string]any{"type": "function_call", "id": "fc_" + id, "call_id": "call_" + id, "name": name, "arguments": string(args)}
			if ns != "" {
				item["namespace"] = ns
			}
		}
	} else {
		item = map[string]any{"type": "message", "role": "assistant", "id": "msg_" + id,
			"content": []any{map[string]any{"type": "output_text", "text": "done", "annotations": []any{}}}}
	}
	resp := map[string]any{"id": "resp_" + id, "object": "response", "status": "in_progress", "output": []any{}}
	done := map[string]any{"id": "resp_" + id, "object": "response", "status": "completed", "output": []any{item},
		"usage": map[string]any{"input_tokens": 10, "input_tokens_details": map[string]any{"cached_tokens": 0},
			"output_tokens": 1, "output_tokens_details": map[string]any{"reasoning_tokens": 0}, "total_tokens": 11}}
	sse(w,
		"response.created", map[string]any{"type": "response.created", "response": resp},
		"response.output_item.added", map[string]any{"type": "response.output_item.added", "output_index": 0, "item": item},
		"response.output_item.done", map[string]any{"type": "response.output_item.done", "output_index": 0, "item": item},
		"response.completed", map[string]any{"type": "response.completed", "response": done},
	)
}

// gemini is the Gemini API (Gemini CLI).
type gemini struct{}

func (gemini) results(body map[string]any) int {
	n := 0
	contents, _ := body["contents"].([]any)
	for _, c := range contents {
		cm, _ := c.(map[string]any)
		parts, _ := cm["parts"].([]any)
		for _, p := range parts {
			if pm, _ := p.(map[string]any); pm["functionResponse"] != nil {
				n++
			}
		}
	}
	return n
}

func (gemini) serve(w http.ResponseWriter, r *http.Request, body map[string]any, c *call, id string) {
	usage := map[string]any{"promptTokenCount": 10, "candidatesTokenCount": 1, "totalTokenCount": 11}
	switch {
	case strings.HasSuffix(r.URL.Path, ":countTokens"):
		writeJSON(w, map[string]any{"totalTokens": 10})
		return
	case strings.HasSuffix(r.URL.Path, ":generateContent"):
		// Side requests (next speaker, loop checks) ask for JSON.
		text := `{"reasoning": "the task is done", "next_speaker": "user"}`
		writeJSON(w, map[string]any{"candidates": []any{map[string]any{
			"content":      map[string]any{"role": "model", "parts": []any{map[string]any{"text": text}}},
			"finishReason": "STOP", "index": 0}}, "usageMetadata": usage})
		return
	case !strings.HasSuffix(r.URL.Path, ":streamGenerateContent"):
		http.NotFound(w, r)
		return
	}
	part := map[string]any{"text": "done"}
	if c != nil {
		part = map[string]any{"functionCall": map[string]any{"name": c.Tool, "args": c.Args}}
	}
	sse(w, "", map[string]any{
		"candidates": []any{map[string]any{
			"content":      map[string]any{"role": "model", "parts": []any{part}},
			"finishReason": "STOP", "index": 0}},
		"usageMetadata": usage, "modelVersion": "gemini-2.5-flash", "responseId": "r" + id,
	})
}
