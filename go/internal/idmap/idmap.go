// Package idmap parses --uid-map/--gid-map, plans how each map is written, and writes it.
package idmap

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
)

// IDMap is one line of /proc/PID/uid_map or gid_map: SIZE ids from CONTAINER up are HOST up.
type IDMap struct {
	Container uint32 `json:"container"`
	Host      uint32 `json:"host"`
	Size      uint32 `json:"size"`
}

// Contains reports whether the container id is inside one of maps.
func Contains(maps []IDMap, id uint32) bool {
	for _, m := range maps {
		if id >= m.Container && uint64(id) < uint64(m.Container)+uint64(m.Size) {
			return true
		}
	}
	return false
}

// Parse reads C:H:N, each a decimal u32, SIZE >= 1. The kernel rejects a range whose end
// wraps around u32, so we refuse it here with the usage line instead.
func Parse(flag, text string) (IDMap, error) {
	bad := errs.Usagef("invalid %s %q: want CONTAINER:HOST:SIZE", flag, text)
	fields := strings.Split(text, ":")
	if len(fields) != 3 {
		return IDMap{}, bad
	}
	var n [3]uint64
	for i, f := range fields {
		v, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			return IDMap{}, bad
		}
		n[i] = v
	}
	if n[2] == 0 || n[0]+n[2] > math.MaxUint32 || n[1]+n[2] > math.MaxUint32 {
		return IDMap{}, bad
	}
	return IDMap{Container: uint32(n[0]), Host: uint32(n[1]), Size: uint32(n[2])}, nil
}

// Plan is how a set of maps gets into /proc/PID/{uid,gid}_map.
type Plan string

const (
	Root   Plan = "root"   // the caller is root: write every line directly
	Direct Plan = "direct" // only the caller's own id: the kernel lets its owner write it
	Helper Plan = "helper" // anything more: the setuid newuidmap/newgidmap check /etc/sub[ug]id
)

// plan picks the plan for maps written by a caller whose own id is caller (0: root).
func plan(caller uint32, maps []IDMap) Plan {
	switch {
	case caller == 0:
		return Root
	case len(maps) == 1 && maps[0].Host == caller && maps[0].Size == 1:
		return Direct
	default:
		return Helper
	}
}

// mapLines is the text of /proc/PID/uid_map (or gid_map): one "C H N" line per map, in order.
func mapLines(maps []IDMap) string {
	var b strings.Builder
	for _, m := range maps {
		fmt.Fprintf(&b, "%d %d %d\n", m.Container, m.Host, m.Size)
	}
	return b.String()
}

// helperArgs is newuidmap's argv after its name: the pid, then every map as three numbers.
func helperArgs(pid string, maps []IDMap) []string {
	args := []string{pid}
	for _, m := range maps {
		args = append(args, strconv.FormatUint(uint64(m.Container), 10),
			strconv.FormatUint(uint64(m.Host), 10), strconv.FormatUint(uint64(m.Size), 10))
	}
	return args
}

// slide: idmap
// Write installs the uid maps, then the gid maps, of process pid.
func Write(pid int, uid, gid uint32, uidMaps, gidMaps []IDMap) error {
	if err := writeMap(pid, "uid", plan(uid, uidMaps), uidMaps); err != nil {
		return err
	}
	gidPlan := plan(gid, gidMaps)
	if gidPlan == Direct {
		// Since Linux 3.19 (CVE-2014-8989) an unprivileged gid_map needs setgroups
		// denied first, or the process could drop a group that was denying it access.
		if err := writeProc(pid, "setgroups", "deny"); err != nil {
			return err
		}
	}
	return writeMap(pid, "gid", gidPlan, gidMaps)
}

// end slide

func writeMap(pid int, kind string, p Plan, maps []IDMap) error {
	if p == Helper {
		return runHelper("new"+kind+"map", helperArgs(strconv.Itoa(pid), maps))
	}
	return writeProc(pid, kind+"_map", mapLines(maps))
}

// writeProc writes /proc/PID/FILE; errors read "writing setgroups: ...", "writing uid map: ...".
// Plain system calls: os.WriteFile would first set up the runtime's network poller, which a
// /proc file never uses.
func writeProc(pid int, file, text string) error {
	fd, err := unix.Open(fmt.Sprintf("/proc/%d/%s", pid, file), unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err == nil {
		_, err = unix.Write(fd, []byte(text))
		_ = unix.Close(fd)
	}
	if err != nil {
		return errs.Failf("writing %s: %w", strings.ReplaceAll(file, "_", " "), err)
	}
	return nil
}

// runHelper runs newuidmap/newgidmap. Its failure reads "ERRNO TEXT" when it cannot start,
// "exit status N: FIRST STDERR LINE" when it refuses, "killed by signal N" when killed.
func runHelper(name string, args []string) error {
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, exec.ErrNotFound):
		// Not on PATH: what execve says for a missing file, as the Rust twin reports it.
		return errs.Failf("%s: %s", name, syscall.ENOENT)
	case !errors.As(err, &exit):
		return errs.Failf("%s: %w", name, err)
	}
	if ws := exit.Sys().(syscall.WaitStatus); ws.Signaled() {
		return errs.Failf("%s: killed by signal %d", name, ws.Signal())
	}
	status := fmt.Sprintf("exit status %d", exit.ExitCode())
	if first, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n"); first != "" {
		return errs.Failf("%s: %s: %s", name, status, first)
	}
	return errs.Failf("%s: %s", name, status)
}
