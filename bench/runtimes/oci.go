package runtimes

// OCI bundles for runc and crun: their own rootless template, adapted to the common job.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// oci returns the argv for `RUNTIME [flags] --root STATE run --bundle B ID`: a fresh
// container id per run (so runs may overlap), state under the workspace, which the test
// user owns (rootless runtimes keep no state in /run).
func oci(ws *Workspace, runtime string, args []string, flags ...string) ([]string, error) {
	bundle, err := ws.bundle(runtime, args)
	if err != nil {
		return nil, err
	}
	state := filepath.Join(ws.Dir, runtime+"-state")
	argv := append(flags, "--root", state, "run", "--bundle", bundle, nextID(runtime))
	return argv, nil
}

// bundle makes (once per runtime and command line) a bundle whose config.json is the
// runtime's own `spec --rootless`, adapted.
func (ws *Workspace) bundle(runtime string, args []string) (string, error) {
	key := runtime + "\x00" + strings.Join(args, "\x00")
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if dir, ok := ws.bundles[key]; ok {
		return dir, nil
	}
	if _, err := ws.MkdirAll(runtime + "-state"); err != nil {
		return "", err
	}
	name := fmt.Sprintf("%s-bundle-%d", runtime, len(ws.bundles))
	dir, err := ws.MkdirAll(name)
	if err != nil {
		return "", err
	}
	if out, err := exec.Command(runtime, "spec", "--rootless", "--bundle", dir).CombinedOutput(); err != nil {
		return "", fmt.Errorf("%s spec --rootless: %w: %s", runtime, err, strings.TrimSpace(string(out)))
	}
	path := filepath.Join(dir, "config.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var config map[string]any
	if err := json.Unmarshal(data, &config); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	adapt(config, ws.Rootfs, args, ws.UID, ws.GID)
	if data, err = json.MarshalIndent(config, "", "\t"); err != nil {
		return "", err
	}
	// Write hands the whole bundle to the test user: `spec` ran as us and left it ours.
	if _, err := ws.Write(filepath.Join(name, "config.json"), data, 0o644); err != nil {
		return "", err
	}
	ws.bundles[key] = dir
	return dir, nil
}

// adapt turns a rootless template into the common job: our rootfs, writable like the
// others'; our command without a terminal; uid/gid 0 mapped to the caller (the template
// maps whoever ran `spec`); a network namespace as well; and no cgroup settings, which
// a rootless caller cannot use on a host without a delegated cgroup v2.
func adapt(config map[string]any, rootfs string, args []string, uid, gid int) {
	config["root"] = map[string]any{"path": rootfs, "readonly": false}
	process := object(config, "process")
	process["terminal"] = false
	process["args"] = args
	linux := object(config, "linux")
	linux["uidMappings"] = []any{map[string]any{"containerID": 0, "hostID": uid, "size": 1}}
	linux["gidMappings"] = []any{map[string]any{"containerID": 0, "hostID": gid, "size": 1}}
	namespaces := []any{}
	for _, ns := range []string{"user", "mount", "pid", "uts", "ipc", "network"} {
		namespaces = append(namespaces, map[string]any{"type": ns})
	}
	linux["namespaces"] = namespaces
	delete(linux, "cgroupsPath")
	delete(linux, "resources")
	var mounts []any
	for _, m := range list(config, "mounts") {
		if mount, ok := m.(map[string]any); ok && mount["destination"] == "/sys/fs/cgroup" {
			continue
		}
		mounts = append(mounts, m)
	}
	config["mounts"] = mounts
}

func object(config map[string]any, key string) map[string]any {
	if m, ok := config[key].(map[string]any); ok {
		return m
	}
	m := map[string]any{}
	config[key] = m
	return m
}

func list(config map[string]any, key string) []any {
	l, _ := config[key].([]any)
	return l
}
