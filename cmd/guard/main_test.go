package main

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"guard/internal/gate"
)

// TestMain lets the test binary act as guard in the scripts.
func TestMain(m *testing.M) {
	leaveTerminal()
	testscript.Main(m, map[string]func(){
		"guard": func() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs testdata/script/*.txtar: the CLI's behaviour as scripts,
// each checking stdout, stderr and the exit code.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			home := env.WorkDir + "/home"
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", home+"/.config")
			env.Setenv("XDG_DATA_HOME", home+"/.local/share")
			env.Setenv("TMPDIR", env.WorkDir+"/tmp")
			for _, k := range []string{"GUARD_MODE", "GUARD_CONFIG", "GUARD_JSON", "GUARD_AUDIT_LOG", "GUARD_SHIM_DEPTH"} {
				env.Setenv(k, "")
			}
			return os.MkdirAll(env.WorkDir+"/tmp", 0o755)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// trusted DIR records DIR's .guard files as trusted, as
			// `guard trust` does once a person said yes at the terminal.
			"trusted": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 || neg {
					ts.Fatalf("usage: trusted DIR")
				}
				store := gate.TrustStore(ts.Getenv)
				if _, err := store.Trust(ts.MkAbs(args[0])); err != nil {
					ts.Fatalf("trusted: %v", err)
				}
			},
			// status N PROGRAM [ARG...] runs a program and checks its exit
			// code; stdout and stderr are kept for the next checks.
			"status": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 {
					ts.Fatalf("usage: status N PROGRAM [ARG...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("status: %v", err)
				}
				err = ts.Exec(args[1], args[2:]...)
				got := 0
				var exit *exec.ExitError
				if errors.As(err, &exit) {
					got = exit.ExitCode()
				} else if err != nil {
					ts.Fatalf("status: %v", err)
				}
				if (got == want) == neg {
					ts.Fatalf("exit status %d, want %d", got, want)
				}
			},
		},
		RequireExplicitExec: true,
	})
}
