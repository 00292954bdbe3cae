package gate

import (
	"sort"
	"strings"
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
		if strings.HasPrefix(k, "PIP_") && v != "" && !pipHarmlessVars[k] {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names)
	return names[0] + "=" + g.Getenv(names[0]) + " gives " + prog + " an option guard does not judge (a program it runs, a file it writes)"
}

// pipHarmlessVars are the PIP_* variables that name no program to run and
// no file to write or read outside pip's own cache.
var pipHarmlessVars = map[string]bool{
	"PIP_CONFIG_FILE": true, "PIP_DISABLE_PIP_VERSION_CHECK": true, "PIP_NO_CACHE_DIR": true, "PIP_CACHE_DIR": true,
	"PIP_NO_INPUT": true, "PIP_NO_COLOR": true, "PIP_QUIET": true, "PIP_VERBOSE": true, "PIP_PROGRESS_BAR": true,
	"PIP_REQUIRE_VIRTUALENV": true, "PIP_ROOT_USER_ACTION": true, "PIP_BREAK_SYSTEM_PACKAGES": true,
	"PIP_INDEX_URL": true, "PIP_EXTRA_INDEX_URL": true, "PIP_TRUSTED_HOST": true, "PIP_TIMEOUT": true,
	"PIP_DEFAULT_TIMEOUT": true, "PIP_RETRIES": true, "PIP_PREFER_BINARY": true, "PIP_NO_BUILD_ISOLATION": true,
	"PIP_ONLY_BINARY": true, "PIP_NO_BINARY": true, "PIP_USE_PEP517": true, "PIP_NO_WARN_SCRIPT_LOCATION": true,
	"PIP_NO_WARN_CONFLICTS": true, "PIP_USER": true, "PIP_NO_PYTHON_VERSION_WARNING": true, "PIP_CERT": true,
	"PIP_CLIENT_CERT": true, "PIP_PROXY": true, "PIP_FIND_LINKS": true, "PIP_CONSTRAINT": true,
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
