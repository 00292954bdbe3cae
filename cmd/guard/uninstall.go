package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"guard/install"
	"guard/internal/config"
	"guard/internal/gate"
	"guard/internal/safefile"
)

// uninstallAll is `guard uninstall --all` after the shims are gone: the
// agents' hook entries that guard setup wrote, then guard's own state
// (config, approvals, trusted projects, cache, log) when purge is set or a
// person says yes at the terminal. It prints what it removed and what it
// left, and the PATH lines in shell start-up files, which are the user's
// to remove.
func (c *cli) uninstallAll(shimDir string, purge bool) int {
	failed := false
	for _, agent := range install.Agents {
		hc, err := install.HookConfigFor(agent, "", c.getenv)
		if err != nil {
			fmt.Fprintf(c.stderr, "guard uninstall: %s: %v\n", agent, err)
			failed = true
			continue
		}
		rep, err := install.RemoveHook(hc)
		switch {
		case err != nil:
			fmt.Fprintf(c.stderr, "guard uninstall: %s: %v (left as it is)\n", agent, err)
			failed = true
		case rep.Changed:
			kept := "" // "(backup )" said nothing when the file got its bytes from before guard setup back
			if rep.Backup != "" {
				kept = " (backup " + rep.Backup + ")"
			} else if rep.Restored {
				kept = " (back as it was before guard setup)"
			}
			fmt.Fprintf(c.stderr, "removed   %s hook from %s%s\n", agent, rep.Path, kept)
		default:
			fmt.Fprintf(c.stderr, "no hook   %s: nothing in %s\n", agent, hc.Path)
		}
	}
	fmt.Fprintln(c.stderr, "note: hooks written with guard setup --project DIR live in those projects: run guard setup AGENT --project DIR --remove there")

	var state []string
	for _, d := range []string{config.Dir(c.getenv), filepath.Dir(config.CacheDir(c.getenv)), filepath.Dir(config.DefaultAuditLog(c.getenv))} {
		if d != "" && d != "." && filepath.Base(d) == "guard" {
			if _, err := os.Lstat(d); err == nil {
				state = append(state, d)
			}
		}
	}
	if cfg, err := config.Load(c.getenv); err == nil && cfg.AuditLog != "" && !underAny(cfg.AuditLog, state) {
		for _, p := range []string{cfg.AuditLog, cfg.AuditLog + ".1"} {
			if _, err := os.Lstat(p); err == nil {
				state = append(state, p)
			}
		}
	}
	if len(state) > 0 && !purge {
		text := "guard: guard's own state (configuration, approvals, trusted projects, policy cache, audit log):\n"
		for _, s := range state {
			text += "  " + s + "\n"
		}
		ok, err := gate.Confirm(text, "remove it too")
		purge = ok && err == nil
	}
	for _, s := range state {
		if !purge {
			fmt.Fprintf(c.stderr, "kept      %s (guard uninstall --purge removes it)\n", s)
			continue
		}
		if err := os.RemoveAll(s); err != nil {
			fmt.Fprintf(c.stderr, "guard uninstall: %v\n", err)
			failed = true
			continue
		}
		fmt.Fprintf(c.stderr, "removed   %s\n", s)
	}
	for _, line := range pathLines(c.getenv("HOME"), shimDir) {
		fmt.Fprintf(c.stderr, "left      %s (yours: remove the line that puts %s on PATH)\n", line, shimDir)
	}
	if failed {
		return gate.ExitFailure
	}
	return 0
}

func underAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

// pathLines returns "FILE:LINE: text" for each line of the usual shell
// start-up files that names dir.
func pathLines(home, dir string) []string {
	if home == "" || dir == "" {
		return nil
	}
	var out []string
	for _, name := range []string{".profile", ".bashrc", ".bash_profile", ".bash_login", ".zshrc", ".zprofile", ".zshenv", ".config/fish/config.fish"} {
		p := filepath.Join(home, name)
		f, _, err := safefile.Open(p) // a FIFO is skipped, not waited on
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			if strings.Contains(sc.Text(), dir) {
				out = append(out, fmt.Sprintf("%s:%d: %s", p, n, gate.Visible(strings.TrimSpace(sc.Text()))))
			}
		}
		f.Close()
	}
	return out
}
