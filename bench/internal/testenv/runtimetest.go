package testenv

// The external judge: the OCI project's own runtimetest, built from a pinned version.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// RuntimetestPackage at RuntimetestVersion: the first version with its own go.mod (v0.9.0 has
// none), so `go install PKG@VERSION` builds it with the dependencies its authors pinned.
// ./bootstrap fetches it.
const (
	RuntimetestPackage = "github.com/opencontainers/runtime-tools/cmd/runtimetest"
	RuntimetestVersion = "v0.9.1-0.20251205004911-5e639034dcdc"
)

// Runtimetest builds the judge (static: it runs in the busybox rootfs) once per process, next
// to the probes, and returns its path; RemoveProbes removes it.
func Runtimetest() (string, error) {
	probes.Lock()
	defer probes.Unlock()
	const key = RuntimetestPackage + "@" + RuntimetestVersion
	if bin, ok := probes.built[key]; ok {
		return bin, nil
	}
	if err := ensureProbeDir(); err != nil {
		return "", err
	}
	cmd := exec.Command("go", "install", "-trimpath", key)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOBIN="+probes.dir, "GOFLAGS=", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s (./bootstrap fetches it): %w: %s", key, err, out)
	}
	bin := filepath.Join(probes.dir, "runtimetest")
	probes.built[key] = bin
	return bin, nil
}
