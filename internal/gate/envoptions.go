package gate

import (
	"regexp"
	"sort"
	"strings"
	"sync"
)

// pipOptionsWhy says why an inherited PIP_* variable makes a pip command
// (pip list, pip show, pip --version) do more than its rule says, or "".
// pip takes every long option from a PIP_<NAME> variable: PIP_PYTHON makes
// `pip list` re-run itself under the program it names (a planted script
// ran, judge-17), PIP_LOG and PIP_LOG_FILE append pip's log to any file.
// Only the variables that tune the index, the cache, verbosity and
// prompts pass; PIP_CONFIG_FILE is judged with the load paths.
func (g *Gate) pipOptionsWhy(prog string) string {
	var names []string
	for _, kv := range g.Env {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PIP_") && v != "" && !pipHarmlessVar(k) {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names)
	return names[0] + "=" + g.Getenv(names[0]) + " gives " + prog + " an option guard does not judge (a program it runs, a file it writes)"
}

// pipHarmlessVar reports whether name is one of the PIP_* variables that
// name no program to run and no file to write or read outside pip's own
// cache.
func pipHarmlessVar(name string) bool {
	switch name {
	case "PIP_CONFIG_FILE", "PIP_DISABLE_PIP_VERSION_CHECK", "PIP_NO_CACHE_DIR", "PIP_CACHE_DIR",
		"PIP_NO_INPUT", "PIP_NO_COLOR", "PIP_QUIET", "PIP_VERBOSE", "PIP_PROGRESS_BAR", "PIP_REQUIRE_VIRTUALENV",
		"PIP_ROOT_USER_ACTION", "PIP_BREAK_SYSTEM_PACKAGES", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL",
		"PIP_TRUSTED_HOST", "PIP_TIMEOUT", "PIP_DEFAULT_TIMEOUT", "PIP_RETRIES", "PIP_PREFER_BINARY",
		"PIP_NO_BUILD_ISOLATION", "PIP_ONLY_BINARY", "PIP_NO_BINARY", "PIP_USE_PEP517",
		"PIP_NO_WARN_SCRIPT_LOCATION", "PIP_NO_WARN_CONFLICTS", "PIP_USER", "PIP_NO_PYTHON_VERSION_WARNING",
		"PIP_CERT", "PIP_CLIENT_CERT", "PIP_PROXY", "PIP_FIND_LINKS", "PIP_CONSTRAINT":
		return true
	}
	return false
}

// gitTraceWhy says why an inherited GIT_TRACE* variable makes a git command
// write a file, or "". git writes each trace to the file an absolute
// value names (appending; GIT_TRACE2_* may name a directory it writes new
// files in): `GIT_TRACE=~/.bashrc git status`, safe, appended its trace
// there (judge-17). 1, 2, true and a descriptor number write to an
// already open file, and pass.
func (g *Gate) gitTraceWhy() string {
	for _, kv := range g.Env {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "GIT_TRACE") || k == "GIT_TRACE_REDACT" || k == "GIT_TRACE_CURL_NO_DATA" {
			continue
		}
		if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "af_unix:") {
			return k + "=" + v + " makes git write its trace to " + v + ", which no rule names"
		}
	}
	return ""
}

// pkgConfigWhy says why an inherited PKG_CONFIG_LOG makes a pkg-config
// command write a file, or "": pkg-config appends each query to the file
// it names (judge-17).
func (g *Gate) pkgConfigWhy() string {
	if v := g.Getenv("PKG_CONFIG_LOG"); v != "" {
		return "PKG_CONFIG_LOG=" + v + " makes pkg-config append to " + v + ", which no rule names"
	}
	return ""
}

// nodeWriteVars are node's variables that name a file or directory node
// writes to: NODE_V8_COVERAGE made `npm ls`, safe, create the directory it
// names and write coverage-*.json there (judge-17); NODE_REDIRECT_WARNINGS
// appends every warning to a file.
var nodeWriteVars = [...]string{"NODE_V8_COVERAGE", "NODE_REDIRECT_WARNINGS"}

// nodeWriteOptions are the NODE_OPTIONS options (node allows them there)
// that write a file (a warning log, a trace, a diagnostic report, a heap
// snapshot) or open a debugger port that runs whatever a client sends.
var nodeWriteOptions = [...]string{"--redirect-warnings", "--trace-event-file-pattern", "--trace-events-enabled",
	"--trace-event-categories", "--report-dir", "--report-directory", "--report-filename", "--report-on-signal",
	"--report-uncaught-exception", "--report-on-fatalerror", "--diagnostic-dir", "--heapsnapshot-signal",
	"--heapsnapshot-near-heap-limit", "--inspect", "--inspect-brk", "--inspect-port", "--debug-port", "--inspect-wait"}

// nodeWriteVarSet reports whether any of nodeWriteVars is set, so that the
// per-program check runs.
func (g *Gate) nodeWriteVarSet() bool {
	for _, name := range nodeWriteVars {
		if g.Getenv(name) != "" {
			return true
		}
	}
	return false
}

// nodeWritesWhy says why node's inherited variables make a node program
// write a file or listen for a debugger, or "".
func (g *Gate) nodeWritesWhy() string {
	for _, name := range nodeWriteVars {
		if v := g.Getenv(name); v != "" {
			return name + "=" + v + " makes node write to " + v + ", which no rule names"
		}
	}
	val := g.Getenv("NODE_OPTIONS")
	for _, w := range strings.Fields(val) {
		name, _, _ := strings.Cut(w, "=")
		for _, o := range nodeWriteOptions {
			if name == o {
				return "NODE_OPTIONS=" + val + " gives node " + w + ", which writes a file or opens a debugger port no rule names"
			}
		}
	}
	return ""
}

// javaOptionsWhy says why a JVM option variable (JAVA_TOOL_OPTIONS,
// _JAVA_OPTIONS, JDK_JAVA_OPTIONS), inherited from guard's environment,
// makes a JDK program do more than its rule says, or "". Every JVM,
// javap's and jar's included, puts these words before its own:
// `-Xlog:gc:file=F` made `javap -version`, safe, write F (judge-17);
// -XX:LogFile, -Xloggc, -XX:StartFlightRecording write files,
// -XX:OnError runs a command, -agentlib:jdwp and the JMX properties open
// a port that runs what a client sends. Only heap, stack and GC sizes,
// -XX:+Use* switches and the locale, encoding and headless properties
// pass; -javaagent and -agentpath are judged with the load paths.
func (g *Gate) javaOptionsWhy() string {
	for _, name := range []string{"JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"} {
		val := g.Getenv(name)
		for _, w := range strings.Fields(val) {
			if !javaHarmlessOption().MatchString(w) {
				return name + "=" + val + " gives the JVM " + w + ", which guard does not judge (a file it writes, a command or a port it opens)"
			}
		}
	}
	return ""
}

// javaHarmlessOption matches the JVM option words that write no file, run
// nothing and open no port.
var javaHarmlessOption = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(-Xm[sxn][0-9]+[kKmMgGtT]?|-Xss[0-9]+[kKmMgG]?|-XX:[+-]Use[A-Za-z0-9]+|-XX:[+-](TieredCompilation|AlwaysPreTouch|ExitOnOutOfMemoryError|UseContainerSupport)|` +
		`-XX:(MaxRAMPercentage|InitialRAMPercentage|MinRAMPercentage|MaxRAM|ActiveProcessorCount|MaxMetaspaceSize|MetaspaceSize|ReservedCodeCacheSize|MaxDirectMemorySize|ParallelGCThreads|ConcGCThreads|CICompilerCount|TieredStopAtLevel|MaxGCPauseMillis|G1HeapRegionSize|ThreadStackSize|SoftMaxHeapSize)=[0-9.]+[kKmMgG]?|` +
		`-D(file\.encoding|sun\.jnu\.encoding|stdout\.encoding|stderr\.encoding|sun\.stdout\.encoding|sun\.stderr\.encoding|user\.language|user\.country|user\.region|user\.timezone|java\.awt\.headless|java\.net\.preferIPv4Stack|java\.net\.preferIPv6Addresses|https\.protocols|jdk\.tls\.client\.protocols)=[A-Za-z0-9_.,/+-]*|` +
		`-javaagent:.*|-agentpath:.*|-Xshare:(auto|off)|-ea|-da|-esa|-dsa|-server|-client|-Xint|-Xmixed)$`)
})

// npmConfigWhy says why an inherited npm_config_* (or NPM_CONFIG_*; npm
// reads the name in any case) variable makes an npm command (npm ls, npm
// view) do more than its rule says, or "". Each sets the npm option of the
// same name: npm_config_logs_dir made `npm ls`, safe, write its debug log
// in the directory it names (judge-17); userconfig and globalconfig name an
// npmrc that may set any option. Only the registry, the cache, the
// certificate file and output settings pass.
func (g *Gate) npmConfigWhy() string {
	for _, kv := range g.Env {
		k, v, _ := strings.Cut(kv, "=")
		opt, ok := strings.CutPrefix(strings.ToLower(k), "npm_config_")
		if !ok || v == "" || npmHarmlessConfig(strings.ReplaceAll(opt, "-", "_")) {
			continue
		}
		return k + "=" + v + " gives npm an option guard does not judge (a file it writes, a configuration it reads)"
	}
	return ""
}

// npmHarmlessConfig reports whether opt is one of the npm options (lower
// case, _ for -) that write no file outside npm's own cache and read no
// configuration.
func npmHarmlessConfig(opt string) bool {
	switch opt {
	case "registry", "cache", "cafile", "loglevel", "progress", "fund", "audit", "update_notifier", "yes",
		"color", "prefer_offline", "prefer_online", "offline", "strict_ssl", "fetch_retries", "fetch_timeout",
		"maxsockets", "unicode", "usage", "json", "long", "parseable", "depth", "omit", "include",
		"legacy_peer_deps", "engine_strict", "save_exact", "proxy", "https_proxy", "noproxy", "no_proxy":
		return true
	}
	return false
}
