package config

import (
	"fmt"
	"os"
	"path/filepath"

	"guard/policy/protect"
)

// DataDir returns where guard keeps its shims and data: $XDG_DATA_HOME/guard,
// else ~/.local/share/guard; "" when neither is set to an absolute path.
func DataDir(getenv func(string) string) string {
	if x := getenv("XDG_DATA_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "guard")
	}
	if h := getenv("HOME"); filepath.IsAbs(h) {
		return filepath.Join(h, ".local", "share", "guard")
	}
	return ""
}

// ProtectList is guard's list of protected paths and secrets as the [protect]
// table changes it (protect.List.Apply), with guard's own state added as
// protected: the configuration directory and file, the policy cache, the data
// and shims directory, the audit log and guard's binary. A command guard runs
// may not loosen guard. A malformed pattern is an error.
func (c Config) ProtectList(getenv func(string) string) (*protect.List, error) {
	l := protect.Default()
	p := c.Protect
	err := l.Apply(protect.Adjust{Protected: p.Protected, Unprotected: p.Unprotected, Secrets: p.Secrets,
		NotSecret: p.NotSecret, SecretEnv: p.SecretEnv, SecretEnvAllow: p.SecretEnvAllow})
	if err != nil {
		return nil, fmt.Errorf("config %s: [protect]: %w", c.Path, err)
	}
	var state []string
	if d := Dir(getenv); d != "" {
		state = append(state, d)
	}
	if d := CacheDir(getenv); d != "" {
		state = append(state, filepath.Dir(d))
	}
	if d := DataDir(getenv); d != "" {
		state = append(state, d)
	}
	state = append(state, c.Path, c.AuditLog)
	if exe, err := os.Executable(); err == nil {
		if r, err := filepath.EvalSymlinks(exe); err == nil {
			exe = r
		}
		state = append(state, exe)
	}
	for _, s := range state {
		if filepath.IsAbs(s) {
			l.Add(protect.Protected, "guard's own state: a command guard runs may not loosen guard", filepath.Clean(s))
		}
	}
	return l, nil
}
