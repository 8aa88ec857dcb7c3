package isolation

// The work a runtime does for one container, measured from inside it (and, for how "/" was
// entered, from the host): what each row of the bench pays for.

import (
	"fmt"
	"math/bits"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// Work is one runtime's column of the work table.
type Work struct {
	Namespaces []string `json:"namespaces"` // the namespaces that are not the host's
	Mounts     int      `json:"mounts"`     // lines of /proc/self/mountinfo
	Dev        int      `json:"dev"`        // entries in /dev
	Sys        string   `json:"sys"`        // "ro sysfs", "rw sysfs", "none"
	Root       string   `json:"root"`       // "pivot_root" or "chroot"
	Caps       int      `json:"caps"`       // effective capabilities kept
	CapsOf     int      `json:"capsOf"`     // capabilities the kernel knows
	Seccomp    string   `json:"seccomp"`    // "filter", "strict" or "none"
	Lo         string   `json:"lo"`         // "up", "down", or "host" (no net namespace)
}

// WorkOf reads the work out of a view.
func WorkOf(v View) Work {
	w := Work{Caps: bits.OnesCount64(v.Outside.CapEff), CapsOf: v.Host.Caps, Root: "chroot", Sys: "none", Lo: "down"}
	for _, ns := range []string{"user", "mnt", "pid", "uts", "ipc", "net", "cgroup"} {
		if v.Outside.NS[ns] != v.Host.NS[ns] {
			w.Namespaces = append(w.Namespaces, ns)
		}
	}
	w.Mounts, _ = strconv.Atoi(v.Inside["mounts"])
	w.Dev, _ = strconv.Atoi(v.Inside["devs"])
	// "sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0"
	if f := strings.Fields(v.Inside["sys"]); len(f) >= 4 {
		mode := "rw"
		if slices.Contains(strings.Split(f[3], ","), "ro") {
			mode = "ro"
		}
		w.Sys = mode + " " + f[2]
	}
	if v.Outside.Pivoted {
		w.Root = "pivot_root"
	}
	switch strings.TrimPrefix(v.Inside["seccomp"], "Seccomp:") {
	case "1":
		w.Seccomp = "strict"
	case "2":
		w.Seccomp = "filter"
	default:
		w.Seccomp = "none"
	}
	switch {
	case v.Outside.NS["net"] == v.Host.NS["net"]:
		w.Lo = "host"
	case v.Outside.LoUp:
		w.Lo = "up"
	}
	return w
}

// rootIsNamespaceRoot says whether pid's "/" is the root of its mount namespace, as after
// pivot_root with the old root detached; under chroot the namespace's root lies above it.
// setns(CLONE_NEWNS) puts nsenter at the namespace's root; stat there names that directory.
// (A Go process cannot enter a mount namespace: its threads share one fs_struct.)
func rootIsNamespaceRoot(pid int) (bool, error) {
	var ours syscall.Stat_t
	if err := syscall.Stat(fmt.Sprintf("/proc/%d/root", pid), &ours); err != nil {
		return false, err
	}
	args := []string{"--target", strconv.Itoa(pid), "--mount"}
	if os.Getuid() != 0 {
		args = append(args, "--user", "--preserve-credentials") // the owner of its user namespace
	}
	out, err := exec.Command("nsenter", append(args, "stat", "-L", "-c", "%d %i", "/")...).Output()
	if err != nil {
		return false, fmt.Errorf("nsenter into the mount namespace of %d: %w", pid, err)
	}
	want := fmt.Sprintf("%d %d", ours.Dev, ours.Ino)
	return strings.TrimSpace(string(out)) == want, nil
}
