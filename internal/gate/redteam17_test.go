package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"guard/policy"
)

// TestRedTeam17InheritedOptionVars: the judge-17 sweep of the variables
// that programs with safe rules read options from. Inherited from guard's
// environment, PIP_PYTHON made `pip list` run the program it names,
// PIP_LOG made it append its log to any file, GIT_TRACE* naming a path
// made `git status` append its trace there, PKG_CONFIG_LOG made
// `pkg-config --modversion` append to a file, NODE_V8_COVERAGE made `npm
// ls` write coverage files, and JAVA_TOOL_OPTIONS=-Xlog:gc:file=F made
// `javap -version` write F, npm_config_logs_dir made `npm ls` write its
// debug log there: each was safe and ran in suggest mode. Each now makes the command unverified; the values people
// set for speed, verbosity or an index stay safe. The premises are run
// for real where the program is installed.
func TestRedTeam17InheritedOptionVars(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	script := filepath.Join(dir, "py.sh")
	marker := filepath.Join(dir, "RAN")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The premises, for real.
	premises := []struct {
		prog string
		argv []string
		env  string
		mark string
	}{
		{"git", []string{"git", "--version"}, "GIT_TRACE=" + out + ".git", out + ".git"},
		{"pkg-config", []string{"pkg-config", "--modversion", "zlib"}, "PKG_CONFIG_LOG=" + out + ".pc", out + ".pc"},
		{"pip", []string{"pip", "list"}, "PIP_PYTHON=" + script, marker},
		{"pip", []string{"pip", "list"}, "PIP_LOG=" + out + ".pip", out + ".pip"},
		{"npm", []string{"npm", "ls"}, "NODE_V8_COVERAGE=" + out + ".cov", out + ".cov"},
		{"npm", []string{"npm", "ls"}, "npm_config_logs_dir=" + out + ".npmlogs", out + ".npmlogs"},
		{"javap", []string{"javap", "-version"}, "JAVA_TOOL_OPTIONS=-Xlog:gc:file=" + out + ".jvm", out + ".jvm"},
	}
	for _, p := range premises {
		if _, err := exec.LookPath(p.prog); err != nil || p.mark == "" {
			continue
		}
		cmd := exec.Command(p.argv[0], p.argv[1:]...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), p.env)
		_ = cmd.Run()
		if !ran(p.mark) {
			t.Errorf("%s %s did not write or run %s: the premise does not hold here", p.env, strings.Join(p.argv, " "), p.mark)
		}
	}
	cases := []struct {
		cmd, env string
		safe     bool
	}{
		{"pip list", "PIP_PYTHON=" + script, false},
		{"pip3 show pip", "PIP_LOG=" + out, false},
		{"pip --version", "PIP_LOG_FILE=" + out, false},
		{"pip list", "PIP_PATH=/tmp", false},
		{"pip list", "PIP_DISABLE_PIP_VERSION_CHECK=1", true},
		{"pip list", "PIP_INDEX_URL=https://pypi.org/simple", true},
		{"pip list", "PIP_CERT=/etc/ssl/certs/ca-certificates.crt", true},
		{"git status", "GIT_TRACE=" + out, false},
		{"git log -1", "GIT_TRACE2_EVENT=" + dir, false},
		{"git diff", "GIT_TRACE_PACKET=" + out, false},
		{"git status", "GIT_TRACE=1", true},
		{"git status", "GIT_TRACE2_PERF=2", true},
		{"pkg-config --modversion zlib", "PKG_CONFIG_LOG=" + out, false},
		{"pkg-config --modversion zlib", "PKG_CONFIG_PATH=/usr/lib/pkgconfig", true},
		{"npm ls", "NODE_V8_COVERAGE=" + out, false},
		{"npm ls", "NODE_REDIRECT_WARNINGS=" + out, false},
		{"npm ls", "NODE_OPTIONS=--inspect=0.0.0.0:9229", false},
		{"npm ls", "NODE_OPTIONS=--report-on-signal --report-dir=" + dir, false},
		{"npm ls", "NODE_OPTIONS=--max-old-space-size=4096", true},
		{"npm ls", "npm_config_logs_dir=" + dir, false},
		{"npm view x", "NPM_CONFIG_LOGS_DIR=" + dir, false},
		{"npm ls", "npm_config_userconfig=" + out, false},
		{"npm ls", "npm_config_registry=https://registry.npmjs.org/", true},
		{"javap -version", "JAVA_TOOL_OPTIONS=-Xlog:gc:file=" + out, false},
		{"jar --version", "JAVA_TOOL_OPTIONS=-agentlib:jdwp=transport=dt_socket,server=y,address=*:5005", false},
		{"javap -version", "_JAVA_OPTIONS=-XX:OnError=" + script, false},
		{"javap -version", "JAVA_TOOL_OPTIONS=-Xmx2g -Dfile.encoding=UTF-8 -XX:+UseContainerSupport", true},
	}
	for _, c := range cases {
		g := newGate(t, dir, Options{}, c.env)
		v, _ := g.Judge([]string{"bash", "-c", c.cmd})
		if c.safe && v.Class != policy.Safe {
			t.Errorf("%s with %s = %s (%s), want safe", c.cmd, c.env, v.Class, v.Why())
		}
		if !c.safe && (v.Class == policy.Safe || v.Class == policy.Match) {
			t.Errorf("%s with %s = %s, want unverified", c.cmd, c.env, v.Class)
		}
	}
}
