package testenv

// Static C probes: small hostile programs a busybox rootfs can run (it has no libc).

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// EscapeSource is the walkthrough's chroot breakout (step 7): under pivot_root it must find
// nothing above "/"; under chroot it reads the host's files.
const EscapeSource = "docs/walkthrough/escape.c"

var probes struct {
	sync.Mutex
	dir   string
	built map[string]string // source → binary
}

// Probe compiles the C source (relative to Root) with gcc -static, once per process, and
// returns the binary's path; RemoveProbes removes every binary built.
func Probe(source string) (string, error) {
	probes.Lock()
	defer probes.Unlock()
	if bin, ok := probes.built[source]; ok {
		return bin, nil
	}
	if err := ensureProbeDir(); err != nil {
		return "", err
	}
	bin := filepath.Join(probes.dir, strings.TrimSuffix(filepath.Base(source), ".c"))
	out, err := exec.Command("gcc", "-static", "-O2", "-o", bin, filepath.Join(Root(), source)).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("gcc -static %s (apt-get install build-essential): %w: %s", source, err, out)
	}
	probes.built[source] = bin
	return bin, nil
}

// ensureProbeDir makes the directory the probes go to, once; probes is locked.
func ensureProbeDir() error {
	if probes.dir != "" {
		return nil
	}
	dir, err := os.MkdirTemp("", "mvrc-probes-")
	if err != nil {
		return err
	}
	probes.dir, probes.built = dir, map[string]string{}
	return nil
}

// RemoveProbes removes the binaries Probe built.
func RemoveProbes() error {
	probes.Lock()
	defer probes.Unlock()
	if probes.dir == "" {
		return nil
	}
	err := os.RemoveAll(probes.dir)
	probes.dir, probes.built = "", nil
	return err
}

// CopyProbe puts the probe built from source into the stage's rootfs as /NAME (NAME: the
// source's base name without .c) and returns NAME's path inside the container.
func (s *Staged) CopyProbe(source string) (string, error) {
	bin, err := Probe(source)
	if err != nil {
		return "", err
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	name := filepath.Base(bin)
	if _, err := s.Write(filepath.Join("rootfs", name), data, 0o755); err != nil {
		return "", err
	}
	return "/" + name, nil
}
