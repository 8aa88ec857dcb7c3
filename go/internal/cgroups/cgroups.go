// Package cgroups applies --memory/--pids/--cpus on a delegated cgroup v2, or refuses clearly.
package cgroups

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
	"mvrc/internal/spec"
)

// root is where cgroup v2 is mounted.
const root = "/sys/fs/cgroup"

// Delegated is where the container's cgroup goes, checked to be delegated for every limit
// asked for: the PARENT of the caller's own cgroup.
type Delegated struct{ dir string }

// Cgroup is the per-container cgroup the parent made; Remove deletes it.
type Cgroup struct{ dir string }

// Check finds where the container's cgroup goes and makes sure every limit asked for can be
// set there, before any namespace is created; nil when no limit is asked for. It is the
// PARENT of the caller's own cgroup. The caller's cgroup holds processes (mvrc, its shell), and the kernel
// lets only a cgroup without processes hand controllers to children ("no internal
// processes"); in a delegated subtree (user@UID.service/app.slice) processes sit in leaves,
// so the container's cgroup is a sibling of the caller's.
func Check(l spec.Limits) (*Delegated, error) {
	flag, controllers := wanted(l)
	if flag == "" {
		return nil, nil
	}
	refuse := func(reason error) (*Delegated, error) {
		return nil, errs.Failf("%s needs a delegated cgroup v2: %w", flag, reason)
	}
	var fs unix.Statfs_t
	if err := unix.Statfs(root, &fs); err != nil || fs.Type != unix.CGROUP2_SUPER_MAGIC {
		return refuse(fmt.Errorf("%s is not cgroup2", root))
	}
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return refuse(err)
	}
	dir, err := parentDir(string(data))
	if err != nil {
		return refuse(err)
	}
	if unix.Access(dir, unix.W_OK) != nil {
		return refuse(fmt.Errorf("no write access to %s", dir))
	}
	data, err = os.ReadFile(filepath.Join(dir, "cgroup.subtree_control"))
	if err != nil {
		return refuse(err)
	}
	enabled := strings.Fields(string(data))
	for _, c := range controllers {
		if !slices.Contains(enabled, c) {
			return refuse(fmt.Errorf("the %s controller is not delegated", c))
		}
	}
	return &Delegated{dir: dir}, nil
}

// Enter makes mvrc-PID beside the caller's cgroup, writes the limits and moves pid in,
// before the child goes on, so that nothing it runs escapes the limits.
func (d *Delegated) Enter(pid int, l spec.Limits) (*Cgroup, error) {
	g := &Cgroup{dir: filepath.Join(d.dir, fmt.Sprintf("mvrc-%d", pid))}
	if err := os.Mkdir(g.dir, 0o755); err != nil {
		return nil, errs.Failf("cgroup %s: %w", g.dir, err)
	}
	files := [][2]string{}
	if l.Memory > 0 {
		files = append(files, [2]string{"memory.max", strconv.FormatInt(l.Memory, 10)})
	}
	if l.Pids > 0 {
		files = append(files, [2]string{"pids.max", strconv.FormatInt(l.Pids, 10)})
	}
	if l.CPUs > 0 {
		files = append(files, [2]string{"cpu.max", cpuMax(l.CPUs)})
	}
	files = append(files, [2]string{"cgroup.procs", strconv.Itoa(pid)})
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(g.dir, f[0]), []byte(f[1]), 0); err != nil {
			g.Remove()
			return nil, errs.Failf("cgroup %s: writing %s: %w", g.dir, f[0], err)
		}
	}
	return g, nil
}

// Remove deletes the cgroup once its processes are gone.
func (g *Cgroup) Remove() {
	if g != nil {
		_ = unix.Rmdir(g.dir)
	}
}

// wanted names the first limit flag given (for the message) and the controllers needed.
func wanted(l spec.Limits) (flag string, controllers []string) {
	for _, w := range []struct {
		set              bool
		flag, controller string
	}{{l.Memory > 0, "--memory", "memory"}, {l.Pids > 0, "--pids", "pids"}, {l.CPUs > 0, "--cpus", "cpu"}} {
		if w.set {
			if flag == "" {
				flag = w.flag
			}
			controllers = append(controllers, w.controller)
		}
	}
	return flag, controllers
}

// parentDir is the directory of the parent of the cgroup named by the "0::/PATH" line of
// /proc/self/cgroup (given as text).
func parentDir(procSelfCgroup string) (string, error) {
	for _, line := range strings.Split(procSelfCgroup, "\n") {
		if own, ok := strings.CutPrefix(line, "0::"); ok {
			if own == "/" {
				return "", fmt.Errorf("mvrc runs in the root cgroup, which has no parent")
			}
			return filepath.Join(root, path.Dir(own)), nil
		}
	}
	return "", fmt.Errorf("no cgroup v2 entry in /proc/self/cgroup")
}

// cpuPeriod is cpu.max's period in microseconds (100ms): --cpus N allows N periods' worth
// of CPU time per period.
const cpuPeriod = 100000

// cpuMax is cpu.max's text for --cpus: QUOTA PERIOD, in microseconds.
func cpuMax(cpus float64) string {
	return fmt.Sprintf("%d %d", int64(cpus*cpuPeriod), cpuPeriod)
}
