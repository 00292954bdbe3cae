package gate

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"guard/policy"
	"guard/policy/shell"
)

// PromptTimeout is how long guard waits at a prompt before taking it as no.
const PromptTimeout = 5 * time.Minute

// ask puts the question to a person at the terminal, if one can answer
// (see openTerminal). Without one, the command is refused with what would
// allow it.
//
// program, when known, is the file guard would run: it and the other
// files inside the roots the question names must be as they were when it
// was put (filesShown), or the answer is for something else.
func (g *Gate) ask(argv []string, v *policy.Verdict, d policy.Decision, program string) policy.Decision {
	tty, why := openTerminal()
	if tty == nil {
		d.Action = policy.Refuse
		d.Reason = fmt.Sprintf("needs approval (%s) and no one is at a terminal to ask", d.Reason)
		if why != "" {
			d.Reason += " (" + why + ")"
		}
		return d
	}
	defer tty.Close()
	shown := g.filesShown(program, argv, v)
	fmt.Fprintf(tty, "guard: %s (%s, %s mode): %s\n", Display(argv), v.Class, g.Mode, Visible(d.Reason))
	if v.Result.Rule != "" {
		fmt.Fprintf(tty, "guard: rule %s at %s\n", Visible(v.Result.Rule), Visible(v.Result.At.String()))
	}
	if reason := g.promptAlways(tty, argv, v, func() string { return readAnswer(tty) }); reason != "" {
		d.Action, d.Reason = policy.Run, reason
		if f := changedSince(shown); f != "" {
			d.Action = policy.Refuse
			d.Reason = "approved at the prompt, but " + f + " changed while the question was on the screen: what was approved is not what would run"
		}
	} else {
		d.Action, d.Reason = policy.Refuse, "denied at the prompt"
	}
	return d
}

// TerminalEnv names, in the environment of every program guard runs, the
// terminal at which that guard could have asked a person: the kernel's
// number for it (tty_nr), "0" for none. A guard below (a shim, a nested
// `guard --`) asks only at that same terminal: a program guard let run
// that makes a terminal of its own (script(1) fed from a pipe, a pty
// library, tmux) could type the answer there, and below a guard that had
// no one to ask (an agent's pipes) no one can answer either. A command
// that changes the variable is judged like any assignment.
const TerminalEnv = "GUARD_TTY"

// openTerminal opens the terminal a person can answer at, or says why there
// is none ("" for the plain case). A person is there when guard's stdin or
// stderr is a terminal (an agent's subprocess with pipes is never prompted,
// even if a terminal is around), no agent's tool started the command
// (AgentMarkers), guard runs outside the sandbox, the
// terminal is the one the guard above saw (TerminalEnv), it was not made by
// a program running inside another terminal (madeInsideTerminal), and
// /dev/tty opens.
func openTerminal() (*os.File, string) {
	tty, why := askTerminal()
	if tty == 0 {
		return nil, why
	}
	if why := madeInsideTerminal(tty); why != "" {
		return nil, why
	}
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, ""
	}
	// What was typed before the question is not its answer: an "o" typed
	// at a program's own "continue? [o]k" (a Makefile the agent wrote, run
	// by the person), still unread, ran the command before the question
	// was even shown. The read stays non-blocking (no Fd call) for its
	// deadline.
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { flushInput(int(fd)) })
	}
	f.WriteString(TerminalReset)
	return f, ""
}

// TerminalReset undoes what the output before the question may have left
// set on the terminal, so that the person sees the question whole: a
// program running there (a Makefile the agent wrote, run by the person)
// that printed "\e[8m" (concealed text), matching colours or the line
// drawing character set hid it, and a two-line scrolling region ("\e[1;2r")
// scrolled the lines naming the command away, leaving "run it? [o]nce..."
// under the program's own "approve the step below". First the margins
// back to the whole screen, the cursor saved and put back around it (that
// moves it home; tmux's DECSTR leaves the margins), then DECSTR (a soft
// reset: rendition, character sets, origin mode; the screen stays),
// autowrap on (DECSTR turns it off on some terminals), the cursor shown,
// and for terminals without DECSTR the rendition and character set again.
const TerminalReset = "\x1b7\x1b[r\x1b8\x1b[!p\x1b[?7h\x1b[?25h\x1b[0m\x1b(B\x0f"

// askTerminal is the cheap part of openTerminal, also what TerminalEnv
// passes on: the controlling terminal's number, 0 when guard could not ask
// there (with why, "" for the plain case).
func askTerminal() (int, string) {
	if !isTerminal(0) && !isTerminal(2) {
		return 0, ""
	}
	if name := agentMarker(); name != "" {
		return 0, "an agent's tool started this command (" + name + " is set): the terminal is the agent's, a person answers in the agent's own dialog"
	}
	if insideSandbox() {
		return 0, "guard runs inside a sandbox, where a command can make a terminal of its own"
	}
	tty := controllingTerminal()
	if tty == 0 {
		return 0, ""
	}
	if above, ok := os.LookupEnv(TerminalEnv); ok && above != strconv.Itoa(tty) {
		if above == "0" {
			return 0, "the guard that started this command had no one to ask either"
		}
		return 0, "this terminal is not the one the guard that started this command could ask at"
	}
	return tty, ""
}

// AgentMarkers are the variables the agents put in the environment of the
// commands their tools run (Claude Code's Bash tool CLAUDECODE=1, Gemini
// CLI's run_shell_command GEMINI_CLI=1, Codex's exec_command
// CODEX_THREAD_ID, as measured with the versions the agent tests pin).
// Codex runs a command on a terminal it holds when the model asks for one
// (exec_command with tty: true) and types what the model sends with
// write_stdin: the model answered guard's question there, headless
// included, where no terminal is around Codex to tell it from a person's.
var AgentMarkers = []string{"CLAUDECODE", "GEMINI_CLI", "CODEX_THREAD_ID", "CODEX_SANDBOX", "COPILOT_CLI", "CURSOR_AGENT"}

// agentMarker returns the first of AgentMarkers set in guard's
// environment, "" for none. A command that unsets one is judged like any
// other change of the environment by the guard above it.
func agentMarker() string {
	for _, name := range AgentMarkers {
		if os.Getenv(name) != "" {
			return name
		}
	}
	return ""
}

// withTerminal sets TerminalEnv in env for the program guard runs.
func withTerminal(env []string) []string {
	tty, _ := askTerminal()
	return setEnv(env, TerminalEnv, strconv.Itoa(tty))
}

func isTerminal(fd int) bool {
	_, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	return err == nil
}

// readAnswer reads one line; EOF, an error or the timeout is "no".
func readAnswer(tty *os.File) string {
	_ = tty.SetReadDeadline(time.Now().Add(PromptTimeout))
	line, err := bufio.NewReader(tty).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(tty)
		return ""
	}
	return strings.ToLower(strings.TrimSpace(line))
}

// ExactRule is a define_program call that matches argv and only argv,
// classified safe: every word a literal in its place (dash_args takes the
// words that start with "-" as positionals). A rule that declared them as
// flags matched the command without them, in any order and repeated: "always
// this exact command" for `make -n deploy` (a dry run) ran `make deploy`
// unasked, and for `gcc -o out a.c` let `gcc out -o a.c` overwrite a.c.
func ExactRule(argv []string, now time.Time) (string, error) {
	if len(argv) == 0 {
		return "", fmt.Errorf("empty command")
	}
	for _, w := range argv {
		if !utf8.ValidString(w) {
			return "", fmt.Errorf("%s is not UTF-8, which a policy rule cannot spell", Display([]string{w}))
		}
	}
	program, path := argv[0], ""
	if strings.Contains(program, "/") {
		if !strings.HasPrefix(program, "/") {
			return "", fmt.Errorf("a relative program path (%s) cannot be remembered", program)
		}
		path, program = program, program[strings.LastIndex(program, "/")+1:]
	}
	words := make([]string, 0, len(argv)-1)
	for _, w := range argv[1:] {
		if w == "--" {
			return "", fmt.Errorf("a command with -- cannot be remembered")
		}
		words = append(words, starlarkString(w))
	}
	list := strings.Join(words, ", ")
	var b strings.Builder
	fmt.Fprintf(&b, "# Approved always at a guard prompt on %s.\n", now.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "define_program(\n    program = %s,\n", starlarkString(program))
	if path != "" {
		fmt.Fprintf(&b, "    system_path = [%s],\n", starlarkString(path))
	}
	fmt.Fprintf(&b, "    args = [%s],\n", list)
	b.WriteString("    dash_args = True,\n")
	fmt.Fprintf(&b, "    should_match = [[%s]],\n)\n", list)
	// A rule that does not load alone (a program named "a b", "" or with a
	// tab is not a command name the policy language takes) is not written.
	if _, err := policy.Load("rule", []byte(b.String())); err != nil {
		return "", fmt.Errorf("%s cannot be remembered as a rule: %w", shell.Quote(argv[0]), err)
	}
	return b.String(), nil
}

// starlarkString quotes s as a Starlark string literal that evaluates to
// exactly the bytes of s: control characters and bytes that are not UTF-8
// as \x escapes.
func starlarkString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}
