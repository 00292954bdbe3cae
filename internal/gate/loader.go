package gate

import (
	"fmt"
	"path/filepath"
	"strings"

	"guard/policy"
)

// loaderVars are the variables of the environment guard inherits that make
// every dynamically linked program load code from where they say (judge-7
// L1): the dynamic loader's library path, preloads and audit libraries, and
// glibc's iconv module path (iconv, and any program converting text). An
// empty entry of LD_LIBRARY_PATH (`export LD_LIBRARY_PATH=$LD_LIBRARY_PATH:
// /opt/x` with the variable unset gives ":/opt/x") or a relative one is
// taken from the working directory: `ls` in the project then loads the
// project's libselinux.so.1, which a write in auto-edit (or the repository
// itself) put there. The judge refuses them as a command's own assignment;
// this is for the inherited environment, as loadPathVars are for the
// interpreters.
//
// The libraries' own variables that name a configuration or a directory of
// modules they load code from are the same class (judge-8 J2): OpenSSL's
// OPENSSL_CONF (a configuration whose providers or engines name any shared
// object; `openssl version`, curl and git over https load it at start),
// its include directory, OPENSSL_MODULES and OPENSSL_ENGINES; GLib's GIO
// modules, Cyrus SASL's plugins, GStreamer's and Qt's plugins, and
// KRB5_CONFIG (a krb5.conf names plugin modules). One path each, no
// separator (sep ""), except the plugin path lists.
var loaderVars = []struct {
	name string
	sep  string
}{
	{"LD_LIBRARY_PATH", ":;"}, {"LD_PRELOAD", ": "}, {"LD_AUDIT", ":"}, {"GCONV_PATH", ":"},
	{"OPENSSL_CONF", ""}, {"OPENSSL_CONF_INCLUDE", ""}, {"OPENSSL_MODULES", ""}, {"OPENSSL_ENGINES", ""},
	{"GIO_MODULE_DIR", ""}, {"GIO_EXTRA_MODULES", ":"}, {"SASL_PATH", ":"}, {"GST_PLUGIN_PATH", ":"},
	{"GST_PLUGIN_SYSTEM_PATH", ":"}, {"QT_PLUGIN_PATH", ":"}, {"KRB5_CONFIG", ":"},
}

// loaderReach says which loader variable names a library or a directory
// inside a writable root, or one found from the directory a command runs in
// (an empty or relative entry, tried from each of dirs), or "". A preload
// or audit name without a slash is searched in the library path, which the
// LD_LIBRARY_PATH check covers. Nothing is read while none is set.
func (g *Gate) loaderReach(dirs []string) string {
	for _, v := range loaderVars {
		val, set := g.lookupEnv(v.name)
		if !set {
			continue
		}
		if val == "" {
			continue // the loader takes an empty variable for an unset one
		}
		entries := strings.FieldsFunc(val, func(r rune) bool { return strings.ContainsRune(v.sep, r) })
		if v.name == "LD_LIBRARY_PATH" || v.name == "GCONV_PATH" {
			entries = splitKeepEmpty(val, v.sep) // an empty entry is the working directory
		}
		what := "a library written there runs in every program"
		if !strings.HasPrefix(v.name, "LD_") && v.name != "GCONV_PATH" {
			what = "a module or configuration written there loads code into the programs that use that library"
		}
		for _, e := range entries {
			if (v.name == "LD_PRELOAD" || v.name == "LD_AUDIT") && !strings.Contains(e, "/") {
				continue
			}
			if strings.Contains(e, "$") {
				// The loader expands $ORIGIN, $LIB and $PLATFORM: where
				// that lands depends on the program.
				return fmt.Sprintf("%s=%s holds %s, which the loader expands for each program", v.name, val, e)
			}
			if e == "" || !filepath.IsAbs(e) {
				return fmt.Sprintf("%s=%s has the entry %q, which is taken from the directory a program runs in: %s",
					v.name, val, e, what)
			}
			real := policy.Resolve(e, "/")
			for _, rr := range g.resolvedRoots() {
				if policy.Inside(real, rr) {
					return fmt.Sprintf("%s=%s names %s, inside the writable root %s: %s", v.name, val, e, rr, what)
				}
			}
		}
	}
	return ""
}

// splitKeepEmpty splits s at any rune of seps, keeping empty fields.
func splitKeepEmpty(s, seps string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune(seps, r) {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// lookupEnv returns the value of name in guard's environment and whether it
// is set.
func (g *Gate) lookupEnv(name string) (string, bool) {
	for i := len(g.Env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(g.Env[i], "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

// optionVars are the variables an interpreter reads more options from, and
// the options among them that name code to load (judge-7 L2): node's
// --require (Yarn's Plug'n'Play puts NODE_OPTIONS="--require
// /project/.pnp.cjs" in the environment; `-r dotenv/config` is found in the
// project's node_modules), Ruby's and Perl's -I, the JVM's -javaagent and
// -agentpath (and javac's JDK_JAVAC_OPTIONS, whose @FILE javac reads and
// prints back in its errors, judge-11 R4); PHP's PHPRC and PHP_INI_SCAN_DIR, an ini file or directories
// of them, whose extension= and zend_extension= lines load any shared
// object at start (`php -l`, `php --version`; judge-10 Q3). A value that
// is relative (found from the directory the
// program runs in, or a node module name) or inside a writable root makes
// that interpreter's programs, npm ls and gem list among them, unverified.
var optionVars = []struct{ name, interp string }{
	{"NODE_OPTIONS", "node"}, {"RUBYOPT", "ruby"}, {"PERL5OPT", "perl"},
	{"JAVA_TOOL_OPTIONS", "java"}, {"_JAVA_OPTIONS", "java"}, {"JDK_JAVA_OPTIONS", "java"},
	{"JDK_JAVAC_OPTIONS", "java"}, {"PHPRC", "php"}, {"PHP_INI_SCAN_DIR", "php"},
}

// optionLoads returns the values of the options in val (an optionVars
// variable of interp) that name code or a directory of code.
func optionLoads(interp, val string) []string {
	var out []string
	words := strings.Fields(val)
	for i := 0; i < len(words); i++ {
		w := words[i]
		next := func() string {
			if i+1 < len(words) {
				i++
				return words[i]
			}
			return ""
		}
		switch interp {
		case "node":
			for _, o := range []string{"--require", "-r", "--import", "--loader", "--experimental-loader", "--env-file",
				"--experimental-specifier-resolution", "--experimental-policy", "--snapshot-blob"} {
				switch {
				case w == o:
					out = append(out, next())
				case strings.HasPrefix(w, o+"=") && strings.HasPrefix(o, "--"):
					out = append(out, strings.TrimPrefix(w, o+"="))
				}
			}
		case "ruby", "perl":
			switch {
			case w == "-I":
				out = append(out, next())
			case strings.HasPrefix(w, "-I"):
				out = append(out, strings.TrimPrefix(w, "-I"))
			case interp == "ruby" && strings.HasPrefix(w, "-r") && strings.Contains(w, "/"):
				out = append(out, strings.TrimPrefix(w, "-r"))
			}
		case "php":
			// PHPRC names php.ini or its directory; PHP_INI_SCAN_DIR a
			// list of directories, where an empty entry is the built-in one.
			for _, e := range strings.Split(val, ":") {
				if e != "" {
					out = append(out, e)
				}
			}
			return out
		case "java":
			for _, o := range []string{"-javaagent:", "-agentpath:", "-Xbootclasspath/a:", "-Xbootclasspath/p:", "-XX:Flags=",
				"-XX:VMOptionsFile=", "-Djava.library.path=", "-Djava.system.class.loader=", "@"} {
				if strings.HasPrefix(w, o) {
					v, _, _ := strings.Cut(strings.TrimPrefix(w, o), "=")
					out = append(out, strings.Split(v, ":")...)
				}
			}
		}
	}
	return out
}

// optionVarReach says which option variable of interp ("shell": any) names
// code found from the directory a program runs in or inside a writable
// root, or "".
func (g *Gate) optionVarReach(interp string) string {
	for _, v := range optionVars {
		if v.interp != interp && interp != "shell" {
			continue
		}
		val, _ := g.lookupEnv(v.name)
		for _, p := range optionLoads(v.interp, val) {
			if p == "" || !filepath.IsAbs(p) {
				return fmt.Sprintf("%s=%s loads %q, found from the directory the program runs in: code written there runs", v.name, val, p)
			}
			real := policy.Resolve(p, "/")
			for _, rr := range g.resolvedRoots() {
				if policy.Inside(real, rr) {
					return fmt.Sprintf("%s=%s loads %s, inside the writable root %s: code written there runs", v.name, val, p, rr)
				}
			}
		}
	}
	return ""
}

// optionVarSet reports whether any option variable is set.
func (g *Gate) optionVarSet() bool {
	for _, v := range optionVars {
		if val, _ := g.lookupEnv(v.name); val != "" {
			return true
		}
	}
	return false
}

// javaTool reports whether name is one of the JDK's programs, each a JVM
// that reads JAVA_TOOL_OPTIONS.
func javaTool(name string) bool {
	switch name {
	case "javac", "javap", "jar", "jshell", "jdeps", "jlink", "javadoc", "jcmd", "jps", "jstat", "jinfo", "jmap", "jstack",
		"keytool", "jarsigner", "jdb", "jfr", "jrunscript", "kotlin", "kotlinc", "scala", "groovy", "clojure":
		return true
	}
	return false
}
