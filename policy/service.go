package policy

import (
	"path/filepath"
	"strings"
)

// serviceWhy says why a matched `service NAME status` runs more than a
// system init script's status, or "": service runs /etc/init.d/NAME, so
// a NAME with a slash or a leading dot (`service ../../home/u/x status`)
// runs a script from anywhere.
func serviceWhy(argv []string) string {
	if len(argv) < 2 || filepath.Base(argv[0]) != "service" {
		return ""
	}
	for _, a := range argv[1:] {
		if strings.Contains(a, "/") || strings.HasPrefix(a, ".") {
			return "service runs /etc/init.d/" + a + ": a name with a slash or a leading dot runs a script from elsewhere"
		}
	}
	return ""
}

// sysctlWhy says why a matched `sysctl NAME...` sets a kernel parameter, or
// "": a word NAME=VALUE sets it, with or without -w.
func sysctlWhy(argv []string) string {
	if len(argv) < 2 || filepath.Base(argv[0]) != "sysctl" {
		return ""
	}
	for _, a := range argv[1:] {
		if strings.Contains(a, "=") {
			return "sysctl " + a + " sets a kernel parameter"
		}
	}
	return ""
}
