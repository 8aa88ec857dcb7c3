// Environment rules: exactly what the container's environment is, from the caller's and -e.

package spec

import (
	"strings"

	"mvrc/internal/errs"
)

// Env builds the container's environment: PATH, HOME, HOSTNAME, TERM (only if the caller
// has it), then each -e in order. Nothing else leaks from the caller. A key already present
// keeps its place and takes the later value; -e KEY copies KEY from the caller, if set there.
func Env(caller map[string]string, entries []string, hostname string) ([]string, error) {
	env := []string{"PATH=" + defaultPath, "HOME=/root", "HOSTNAME=" + hostname}
	if term, ok := caller["TERM"]; ok {
		env = append(env, "TERM="+term)
	}
	for _, entry := range entries {
		key, value, hasValue := strings.Cut(entry, "=")
		if key == "" {
			return nil, errs.Usagef("invalid -e %q: want KEY=VALUE or KEY", entry)
		}
		if !hasValue {
			var ok bool
			if value, ok = caller[key]; !ok {
				continue
			}
		}
		env = set(env, key, value)
	}
	return env, nil
}

// set replaces KEY's entry in place, or appends it.
func set(env []string, key, value string) []string {
	for i, kv := range env {
		if strings.HasPrefix(kv, key+"=") {
			env[i] = key + "=" + value
			return env
		}
	}
	return append(env, key+"="+value)
}
