package gate

import (
	"path/filepath"
	"slices"
	"strings"

	"guard/policy"
)

// updateCheckPrograms are programs the default policy lets run unasked
// that reach the network on their own to ask whether a newer version
// exists (judge-8 J4): `terraform version` (and every terraform command)
// asks HashiCorp's checkpoint service, npm's update notifier asks the
// registry during `npm ls`, gh, deno and gcloud look for updates. A safe
// verdict is no network use; guard runs those programs with the check
// switched off by the variable each honours (updateCheckPins). Other
// commands keep their environment; the hook path (the agent runs the
// command) is not covered.
var updateCheckPrograms = map[string][]string{
	"terraform": {"CHECKPOINT_DISABLE"}, "packer": {"CHECKPOINT_DISABLE"}, "vagrant": {"CHECKPOINT_DISABLE"},
	"consul": {"CHECKPOINT_DISABLE"}, "nomad": {"CHECKPOINT_DISABLE"}, "vault": {"CHECKPOINT_DISABLE"},
	"npm": {"NO_UPDATE_NOTIFIER", "NPM_CONFIG_UPDATE_NOTIFIER"}, "npx": {"NO_UPDATE_NOTIFIER", "NPM_CONFIG_UPDATE_NOTIFIER"},
	"yarn": {"NO_UPDATE_NOTIFIER"}, "pnpm": {"NO_UPDATE_NOTIFIER"}, "gh": {"GH_NO_UPDATE_NOTIFIER"},
	"deno": {"DENO_NO_UPDATE_CHECK"}, "gcloud": {"CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK"},
}

// updateCheckValues are the values that switch each variable's check off.
var updateCheckValues = map[string]string{
	"CHECKPOINT_DISABLE": "1", "NO_UPDATE_NOTIFIER": "1", "NPM_CONFIG_UPDATE_NOTIFIER": "false",
	"GH_NO_UPDATE_NOTIFIER": "1", "DENO_NO_UPDATE_CHECK": "1", "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK": "true",
}

// pinUpdateChecks returns env with the update checks of v's commands off,
// else env as it is.
func pinUpdateChecks(env []string, v *policy.Verdict) []string {
	var pins []string
	for _, c := range v.Commands {
		if len(c) == 0 {
			continue
		}
		for _, k := range updateCheckPrograms[filepath.Base(c[0])] {
			if !slices.Contains(pins, k) {
				pins = append(pins, k)
			}
		}
	}
	if len(pins) == 0 {
		return env
	}
	out := make([]string, 0, len(env)+len(pins))
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); !slices.Contains(pins, k) {
			out = append(out, kv)
		}
	}
	for _, k := range pins {
		out = append(out, k+"="+updateCheckValues[k])
	}
	return out
}
