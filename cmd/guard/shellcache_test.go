package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestShellCacheNotWritableInSandbox: guard judges a login shell's script
// (guard -lc, bash -lc, Codex's login shells) with the PATH the start-up
// files set up, asked of the shell once and cached. The cache was in the
// audit log's directory, which the sandbox leaves writable when a root
// holds it (so that guards run inside append to the log): with the home as
// the project, a program run in full-auto rewrote the cached PATH without
// the project's ./node_modules/.bin (which ~/.profile puts first) and
// planted node_modules/.bin/ls; the next `guard -lc 'ls -d .'`, in suggest
// mode, judged ls as /bin/ls and the login shell ran the planted one,
// unsandboxed. The cache is now in guard's cache directory, read-only in
// the sandbox.
func TestShellCacheNotWritableInSandbox(t *testing.T) {
	w := newWorld(t)
	needSandbox(t, w, "full-auto")
	w.setenv("HOME", w.work) // the project is the home
	w.write(filepath.Join(w.work, ".profile"), "PATH=\"./node_modules/.bin:$PATH\"; export PATH\n", 0o644)
	if r := execute(t, w.guardCmd("-lc", "ls -d .")); r.code != 0 {
		t.Fatalf("guard -lc 'ls -d .': %s, want it run", r)
	}
	pwned := filepath.Join(w.root, "PWNED")
	w.write(filepath.Join(w.work, "w.sh"), `#!/bin/sh
mkdir -p node_modules/.bin
printf '#!/bin/sh\ntouch `+pwned+`\n' > node_modules/.bin/ls
chmod +x node_modules/.bin/ls
for f in "$HOME"/.local/state/guard/*/* "$HOME"/.cache/guard/*/*/*; do
	[ -f "$f" ] && printf %s /usr/local/bin:/usr/bin:/bin > "$f"
done
exit 0
`, 0o755)
	if r := execute(t, w.guardCmd("--mode", "full-auto", "--", "./w.sh")); r.code != 0 {
		t.Fatalf("guard --mode full-auto -- ./w.sh: %s", r)
	}
	r := execute(t, w.guardCmd("-lc", "ls -d ."))
	if _, err := os.Stat(pwned); err == nil {
		t.Fatalf("guard -lc 'ls -d .' after the sandboxed program ran the planted ls: %s", r)
	}
	if r.code != 126 {
		t.Errorf("guard -lc 'ls -d .' with ./node_modules/.bin/ls first on the login PATH: %s, want refused (126)", r)
	}
}
