package hook

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"guard/internal/jsonw"
	"guard/policy/shell"
)

// answer is the union of the answer fields guard writes; each agent's answer
// fills only the fields that agent documents.
type answer struct {
	Decision string    `json:"decision,omitempty"` // Gemini CLI
	Reason   string    `json:"reason,omitempty"`   // Gemini CLI
	Specific *specific `json:"hookSpecificOutput,omitempty"`
}

type specific struct {
	HookEventName            string                     `json:"hookEventName"`
	PermissionDecision       string                     `json:"permissionDecision,omitempty"`       // Claude Code, Codex
	PermissionDecisionReason string                     `json:"permissionDecisionReason,omitempty"` // Claude Code, Codex
	UpdatedInput             map[string]json.RawMessage `json:"updatedInput,omitempty"`             // Claude Code, Codex
	ToolInput                map[string]json.RawMessage `json:"tool_input,omitempty"`               // Gemini CLI
}

// MaxReason bounds the reason an answer carries, in bytes: a script of many
// long paths made one of 700 KB, and an agent that cut or refused so long
// an answer could read it as no answer, which lets the tool run. The
// decision never depends on it.
const MaxReason = 4000

// MaxRewrite bounds the command a sandboxed rewrite carries, in bytes: the
// answer holds all of it, and Claude Code is measured to parse answers of
// 200 KB; a longer command is denied.
const MaxRewrite = 150_000

// capReason makes reason readable as it is shown to a person (see
// visible), then cuts it to MaxReason bytes (on a character boundary),
// saying how much was left out.
func capReason(reason string) string {
	reason = visible(reason)
	if len(reason) <= MaxReason {
		return reason
	}
	cut := MaxReason
	for cut > 0 && !utf8.RuneStart(reason[cut]) {
		cut--
	}
	return reason[:cut] + fmt.Sprintf(" ... (%d bytes more)", len(reason)-cut)
}

// visible returns s with every character that a terminal would act on or
// that reorders or hides text written as an escape (\x1b, \r, \u202e,
// \u3164): see hidden. A reason quotes paths and
// commands the model chose; written raw, an ESC [2K and a carriage return
// in a file name made the reason of an ask read as a write of another file.
func visible(s string) string {
	clean := true
	for _, r := range s {
		if hidden(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			b.WriteString(`\ufffd`)
		case !hidden(r):
			b.WriteRune(r)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r > 0xffff:
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// hidden reports whether visible escapes r: what a terminal acts on, shows
// as blank or nothing, or reads right to left (shell.Unseen), as guard's own
// questions escape them. Claude Code shows an ask's reason to the person
// in its question.
func hidden(r rune) bool {
	return shell.Unseen(r)
}

// Encode writes agent a's answer to req, for verdict v with reason, to w as
// one line of JSON. guardPath, guard's absolute path, is needed for Sandbox.
//
//	verdict  Claude Code                  Codex                        Gemini CLI
//	Allow    allow                        {} (no objection)            allow
//	Ask      ask (deny in auto, bypass...) deny                        deny
//	Deny     deny                         deny                         deny
//	Sandbox  allow + updatedInput.command allow + updatedInput.command allow + tool_input.command
//	AskSandbox ask + updatedInput.command deny                     deny
//
// The rewritten command is [RewriteIn](guardPath, req.Project, req.Command),
// or with req.Mode AutoEdit [RewriteMode](guardPath, AutoEdit, req.Project,
// req.Command) (the command's writes confined to the roots where it runs);
// the other input fields are passed back unchanged. Codex gets the rewrite
// only when req.Rewrites says it applies one (0.169 and later, see
// [CodexRewrites]): older versions take it as an invalid answer and would run
// the original command unconfined, so they get a deny whose reason names the
// exact command to run instead (see [Unwrap]).
//
// A request for another tool than the agent's shell, edit and read tools
// (MCP tools, web fetches), and a read guard allows, get {} for every
// verdict but Deny: no objection, the agent's own permission rules apply;
// an Unjudged tool's Ask is an ask (a deny where the agent cannot ask). A
// Deny is always a deny. An edit is never answered Sandbox.
//
// An empty reason is replaced by a generic one (Codex rejects a deny without
// a reason). The error is for an unknown agent or verdict, a request of
// another agent, a relative guardPath with Sandbox, and write errors; the
// caller then answers with [Refuse].
func Encode(a Agent, w io.Writer, req Request, v Verdict, reason, guardPath string) error {
	if _, ok := spec(a); !ok {
		return fmt.Errorf("encode hook answer: %w %d", ErrAgent, int(a))
	}
	if req.Agent != 0 && req.Agent != a {
		return fmt.Errorf("encode hook answer: a %s request answered as %s", req.Agent, a)
	}
	reason = capReason(reason)
	var ans answer
	switch {
	case v < Deny || v > AskSandbox:
		return fmt.Errorf("encode hook answer: unknown verdict %d", int(v))
	case v == Deny:
		ans = denyAnswer(a, reason).in(eventOf(a, req))
	case req.SkillShell:
		ans = skillShellAnswer(a, req, v, reason)
	case !req.judged(v):
		// No objection: the agent's own rules apply.
	case v == Allow:
		ans = allowAnswer(a, reason)
	case v == Ask:
		ans = askAnswer(a, req, reason)
	case (v == Sandbox || v == AskSandbox) && !req.Shell:
		// Unreachable from guard: an edit or a read is never sandboxed.
		ans = denyAnswer(a, orDefault(reason, "guard: denied")+"; "+req.Tool+" cannot run sandboxed")
	case v == Sandbox || v == AskSandbox:
		if req.Mode != "" && req.Mode != FullAuto && req.Mode != AutoEdit {
			return fmt.Errorf("encode hook answer: unknown rewrite mode %q", req.Mode)
		}
		if req.Mode == AutoEdit && !filepath.IsAbs(req.Project) {
			return fmt.Errorf("encode hook answer: an auto-edit rewrite needs the agent's project, an absolute path (got %q)", req.Project)
		}
		if !filepath.IsAbs(guardPath) {
			return fmt.Errorf("encode hook answer: guard path %q is not absolute", guardPath)
		}
		if strings.IndexByte(req.Command, 0) >= 0 {
			return fmt.Errorf("encode hook answer: the command holds a NUL byte")
		}
		if len(req.Command) > MaxRewrite {
			// The rewrite carries the whole command: an agent that cuts
			// or refuses so long an answer would run the original
			// unconfined.
			ans = denyAnswer(a, fmt.Sprintf("guard: the command is %d bytes, too long to run sandboxed through the hook (at most %d): split it", len(req.Command), MaxRewrite))
			break
		}
		if v == AskSandbox {
			ans = askSandboxAnswer(a, req, reason, guardPath)
		} else {
			ans = sandboxAnswer(a, req, reason, guardPath)
		}
	}
	b, err := marshal(ans)
	if err != nil {
		return fmt.Errorf("encode %s hook answer: %w", a, err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write %s hook answer: %w", a, err)
	}
	return nil
}

// Refuse writes agent a's deny answer with reason to w. It cannot fail but for
// the write itself, whose error it ignores: there is nothing better to do
// (the caller can still exit 2). For an unknown agent it writes the Claude
// Code and Codex form.
func Refuse(a Agent, w io.Writer, reason string) {
	RefuseTo(a, Request{}, w, reason)
}

// RefuseTo is Refuse for the request req (which may hold only its agent and
// event, from a Decode that failed): the deny names req's hook event, as
// Claude Code requires (an answer naming another event is a hook error,
// after which it runs a skill's command anyway).
func RefuseTo(a Agent, req Request, w io.Writer, reason string) {
	b, err := marshal(denyAnswer(a, capReason(reason)).in(eventOf(a, req)))
	if err != nil { // unreachable: a deny holds only strings
		b = []byte(`{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"guard: denied"}}` + "\n")
		if a == Gemini {
			b = []byte(`{"decision":"deny","reason":"guard: denied"}` + "\n")
		}
	}
	w.Write(b)
}

func denyAnswer(a Agent, reason string) answer {
	reason = orDefault(reason, "guard: denied")
	if a == Gemini {
		return answer{Decision: "deny", Reason: reason}
	}
	return permission("deny", reason)
}

// in returns ans naming event as its hookEventName ("" leaves it).
func (ans answer) in(event string) answer {
	if ans.Specific != nil && event != "" {
		sp := *ans.Specific
		sp.HookEventName = event
		ans.Specific = &sp
	}
	return ans
}

// eventOf is the hook event agent a's answer to req names: the request's
// SkillShellEvent, else the agent's pre-tool event.
func eventOf(a Agent, req Request) string {
	if a == ClaudeCode && req.Event == SkillShellEvent {
		return SkillShellEvent
	}
	return specOf(a).event
}

// skillShellAnswer answers a skill's shell command (SkillShellEvent): only
// an allow lets it run. Claude Code cannot wait for a person there, nor
// apply a rewrite, so an ask and a sandboxed verdict are denies that say
// how to run the command so that guard can ask or confine it: with the
// Bash tool.
func skillShellAnswer(a Agent, req Request, v Verdict, reason string) answer {
	skill := "a skill"
	if req.SkillName != "" {
		skill = "the skill " + strconv.Quote(req.SkillName)
	}
	switch v {
	case Allow:
		return permission("allow", reason).in(SkillShellEvent)
	case Ask:
		reason = orDefault(reason, "guard: approval needed") + "; a person must approve this command, and " + skill +
			" runs its commands without waiting for approval, so guard refuses: run the command with the Bash tool, where guard asks"
	default: // Sandbox, AskSandbox
		reason = orDefault(reason, "guard: "+runs(req)) + "; guard lets this command run only " + runs(req) + " (guard --mode " + modeOf(req) +
			"), and " + skill + " runs its commands as written, so guard refuses: run the command with the Bash tool, where guard runs it so"
	}
	return denyAnswer(a, reason).in(SkillShellEvent)
}

func allowAnswer(a Agent, reason string) answer {
	switch a {
	case Codex:
		// Codex treats a plain allow as an invalid answer; say nothing.
		return answer{}
	case Gemini:
		return answer{Decision: "allow"}
	}
	return permission("allow", reason)
}

func askAnswer(a Agent, req Request, reason string) answer {
	reason = orDefault(reason, "guard: approval needed")
	// What would allow it: a rule of guard's policy for a command or an
	// edit; for a tool guard does not read, nothing of guard's (its reason
	// says to update guard or use the tools guard judges).
	what, orPolicy := "this command", ", or allow it in guard's policy"
	if req.Unjudged {
		what, orPolicy = "this tool call", ""
	}
	switch {
	case asksPerson(a, req):
		return permission("ask", reason)
	case a == ClaudeCode && len(req.Approvers) > 0:
		return denyAnswer(a, reason+"; a person must approve "+what+", and Claude Code also runs "+approvers(req)+
			" at its permission prompts, which can approve it in the person's place, so guard refuses: take that hook out, "+
			"or give it a matcher that leaves out "+req.Tool+", to be asked"+orPolicy)
	case a == ClaudeCode:
		return denyAnswer(a, reason+"; a person must approve "+what+", and Claude Code's "+
			strconv.Quote(req.PermissionMode)+" permission mode does not stop for a hook's ask, so guard refuses: "+
			"run it in the default permission mode to be asked"+orPolicy)
	}
	if orPolicy != "" {
		orPolicy = ", or to allow it in guard's policy"
	}
	return denyAnswer(a, reason+"; a person must approve "+what+", and "+specOf(a).title+
		" hooks cannot ask, so guard refuses: ask the user to run it"+orPolicy)
}

// asksPerson reports whether agent a shows a person the "ask" of a hook
// answering req. Codex's and Gemini CLI's hooks cannot ask. Claude Code asks
// in its prompting permission modes (default, acceptEdits, plan; none named
// by older versions); in auto mode it has been seen to go ahead without
// asking, in bypassPermissions it did so before 2.1.233, and dontAsk asks no
// one. There, and in a mode guard does not know, an ask is answered deny:
// an answer the agent reads as "go ahead" must be one guard meant. So is an
// ask when a hook answers the prompt (req.Approvers).
func asksPerson(a Agent, req Request) bool {
	if a != ClaudeCode || len(req.Approvers) > 0 {
		return false
	}
	switch req.PermissionMode {
	case "", "default", "acceptEdits", "plan":
		return true
	}
	return false
}

// approvers names req's permission prompt hooks for a reason.
func approvers(req Request) string {
	s := "the PermissionRequest hook " + req.Approvers[0].String()
	if len(req.Approvers) > 1 {
		s += fmt.Sprintf(" (and %d more)", len(req.Approvers)-1)
	}
	return s
}

// othersAnswer is the deny for a Sandbox or AskSandbox verdict when the
// agent runs other hooks for the tool, whose input rewrite can replace
// guard's: it names the rewrite for the model to run as its command.
func othersAnswer(a Agent, req Request, reason, guardPath string) answer {
	n := ""
	if len(req.Others) > 1 {
		n = fmt.Sprintf(" (and %d more)", len(req.Others)-1)
	}
	return denyAnswer(a, orDefault(reason, "guard: "+runs(req))+"; guard allows this command only "+runs(req)+
		", and "+specOf(a).title+" also runs the hook "+req.Others[0].String()+n+" for it, whose rewrite of the command "+
		specOf(a).title+" may apply in place of guard's (the one that answers last wins), so guard does not rewrite it. "+
		"Run exactly this instead: "+rewriteOf(req, guardPath))
}

func sandboxAnswer(a Agent, req Request, reason, guardPath string) answer {
	rewritten := rewriteOf(req, guardPath)
	switch {
	case len(req.Others) > 0:
		return othersAnswer(a, req, reason, guardPath)
	case a == Codex && !req.Rewrites:
		return denyAnswer(a, orDefault(reason, "guard: "+runs(req))+
			"; guard allows this command only "+runs(req)+", and this Codex is not known to apply a hook's rewrite (0.169 and later do), so guard refuses. Run exactly this instead: "+rewritten)
	case a == Gemini:
		return answer{Decision: "allow", Specific: &specific{
			HookEventName: specOf(a).event,
			ToolInput:     withCommand(req.Input, rewritten),
		}}
	}
	ans := permission("allow", orDefault(reason, "guard: "+runs(req))+" ("+confinedBy(req)+")")
	ans.Specific.UpdatedInput = withCommand(req.Input, rewritten)
	return ans
}

// askSandboxAnswer asks, with the command rewritten, so that what the
// person approves runs sandboxed; only Claude Code can ask.
func askSandboxAnswer(a Agent, req Request, reason, guardPath string) answer {
	if len(req.Others) > 0 {
		return othersAnswer(a, req, reason, guardPath)
	}
	if !asksPerson(a, req) {
		return askAnswer(a, req, reason)
	}
	ans := permission("ask", orDefault(reason, "guard: approval needed")+" (once approved, it runs "+runs(req)+": guard --mode "+modeOf(req)+")")
	ans.Specific.UpdatedInput = withCommand(req.Input, rewriteOf(req, guardPath))
	return ans
}

// modeOf is the mode the rewrite of req runs in.
func modeOf(req Request) string {
	if req.Mode == AutoEdit {
		return AutoEdit
	}
	return FullAuto
}

// runs says how the rewrite of req runs.
func runs(req Request) string {
	if modeOf(req) == AutoEdit {
		return "with its writes confined to the roots"
	}
	return "sandboxed"
}

// confinedBy says how the rewrite of req confines it, for an allow's reason.
func confinedBy(req Request) string {
	if modeOf(req) == AutoEdit {
		return "writes confined to the roots: guard --mode auto-edit"
	}
	return "sandboxed: guard --mode full-auto"
}

// rewriteOf is the command req's Sandbox verdict runs: [RewriteIn] for
// full-auto, [RewriteMode] for auto-edit. An auto-edit rewrite always names
// the project: the roots its writes are confined to are the agent's, never
// the working directory the command was sent with.
func rewriteOf(req Request, guardPath string) string {
	if modeOf(req) == AutoEdit {
		return RewriteMode(guardPath, AutoEdit, req.Project, req.Command)
	}
	return RewriteIn(guardPath, req.Project, req.Command)
}

// permission is the Claude Code and Codex answer form.
func permission(decision, reason string) answer {
	return answer{Specific: &specific{
		HookEventName:            "PreToolUse",
		PermissionDecision:       decision,
		PermissionDecisionReason: reason,
	}}
}

// withCommand returns a copy of input with command replaced.
func withCommand(input map[string]json.RawMessage, command string) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(input)+1)
	for k, v := range input {
		out[k] = v
	}
	out["command"] = jsonString(command)
	return out
}

func orDefault(reason, def string) string {
	if strings.TrimSpace(reason) == "" {
		return def
	}
	return reason
}

// marshal encodes ans as one line. Only raw tool input that is not valid JSON
// (a Request not made by Decode) makes it fail.
func marshal(ans answer) ([]byte, error) {
	o := jsonw.Open(make([]byte, 0, 512))
	o.OmitEmpty("decision", ans.Decision)
	o.OmitEmpty("reason", ans.Reason)
	if sp := ans.Specific; sp != nil {
		err := o.Object("hookSpecificOutput", func(in *jsonw.Object) error {
			in.String("hookEventName", sp.HookEventName)
			in.OmitEmpty("permissionDecision", sp.PermissionDecision)
			in.OmitEmpty("permissionDecisionReason", sp.PermissionDecisionReason)
			if err := rawFields(in, "updatedInput", sp.UpdatedInput); err != nil {
				return err
			}
			return rawFields(in, "tool_input", sp.ToolInput)
		})
		if err != nil {
			return nil, err
		}
	}
	return append(o.Close(), '\n'), nil
}

// rawFields writes m as an object with its keys sorted (as encoding/json
// writes a map), nothing when m is empty.
func rawFields(o *jsonw.Object, key string, m map[string]json.RawMessage) error {
	if len(m) == 0 {
		return nil
	}
	keys := slices.Sorted(maps.Keys(m))
	return o.Object(key, func(in *jsonw.Object) error {
		for _, k := range keys {
			if err := in.Raw(k, m[k]); err != nil {
				return err
			}
		}
		return nil
	})
}

func jsonString(s string) json.RawMessage { return jsonw.AppendString(nil, s) }

// Effective is the verdict as agent a reads the answer [Encode] writes for
// v: Ask is a deny for Codex and Gemini CLI (and for Claude Code in a
// permission mode that does not ask, see asksPerson), Sandbox a deny for a Codex that
// does not apply rewrites, an edit or a read is never sandboxed (a deny),
// and anything but Deny that guard does not judge (other tools, a read guard
// allows) is no objection (Allow).
func Effective(a Agent, req Request, v Verdict) Verdict {
	switch {
	case v == Deny:
		return Deny
	case req.SkillShell && v != Allow:
		return Deny // skillShellAnswer
	case !req.judged(v):
		return Allow
	case !req.Shell && (v == Sandbox || v == AskSandbox):
		return Deny
	case (v == Sandbox || v == AskSandbox) && len(req.Others) > 0:
		return Deny // othersAnswer
	case (v == Ask || v == AskSandbox) && !asksPerson(a, req):
		return Deny
	case v == AskSandbox:
		return Ask
	case v == Sandbox && a == Codex && !req.Rewrites:
		return Deny
	}
	return v
}
