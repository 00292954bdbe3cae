package hook

import (
	"bytes"
	"encoding/json"
	"testing"
)

// marshal writes what encoding/json writes for an answer (HTML escaping
// off), without reflection.
func TestMarshalMatchesEncodingJSON(t *testing.T) {
	input := map[string]json.RawMessage{"command": json.RawMessage(`"ls <a> & \u2028"`), "z": json.RawMessage(` { "b" : [1, 2 ] } `),
		"description": nil, "\u00e9\n": json.RawMessage(`true`)}
	for _, ans := range []answer{
		{},
		{Decision: "deny", Reason: "guard: \"rm\" <refused>\n\x1b[31m\xff"},
		permission("allow", "ok"),
		{Specific: &specific{HookEventName: "PreToolUse", PermissionDecision: "ask", UpdatedInput: input}},
		{Decision: "allow", Specific: &specific{HookEventName: "BeforeTool", ToolInput: input}},
		{Specific: &specific{HookEventName: "E", UpdatedInput: map[string]json.RawMessage{}}},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(ans); err != nil {
			t.Fatal(err)
		}
		got, err := marshal(ans)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want.String() {
			t.Errorf("got  %s\nwant %s", got, want.String())
		}
	}
	if _, err := marshal(answer{Specific: &specific{UpdatedInput: map[string]json.RawMessage{"c": json.RawMessage("{")}}}); err == nil {
		t.Error("marshal accepted invalid raw input")
	}
}
