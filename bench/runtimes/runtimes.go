package runtimes

// The table of runtimes: how each one is asked to do the same job.

import (
	"bufio"
	"bytes"
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"mvrc/bench/internal/testenv"
)

// Runtime is one container runtime under test.
type Runtime struct {
	Name    string   // as it appears in results: go-mvrc, runc, ...
	Twin    bool     // one of ours: it must pass every isolation assertion
	Floor   bool     // the C floor: the least a start can do, the "× floor" of every table
	Version []string // arguments after the binary that print its version
	binary  func(ws *Workspace) string
	argv    func(ws *Workspace, args []string) ([]string, error)
	// built: for a binary the bench builds itself (the floors), why it is missing when
	// binary is "", and where it comes from in place of a version.
	built *built
}

type built struct {
	err    func(ws *Workspace) error
	source func(ws *Workspace) string
}

// Namespaces is the job every runtime is given, in mvrc's --ns spelling.
const Namespaces = "user,mount,pid,uts,ipc,net"

var containerID atomic.Int64

// All is the line-up, twins first, then the C floor and the Go floor. Each entry asks for a
// new user, mount, pid, uts, ipc and net namespace, uid 0 inside mapped to the caller, and the
// busybox rootfs as /. What else each one does (mounts, /dev, /sys, capabilities, seccomp)
// differs: the isolation run measures it from inside (the work table of docs/results.md).
var All = []Runtime{
	{Name: "go-mvrc", Twin: true, Version: []string{"version"},
		binary: func(ws *Workspace) string { return ws.twinPath("go") }, argv: mvrc},
	{Name: "rust-mvrc", Twin: true, Version: []string{"version"},
		binary: func(ws *Workspace) string { return ws.twinPath("rust") }, argv: mvrc},
	{Name: "c-floor", Floor: true, binary: func(ws *Workspace) string { return ws.Floor },
		// bench/floor/floor.c: clone → maps → hostname → private / → proc → pivot_root → exec.
		argv: floor, built: &built{
			err:    func(ws *Workspace) error { return ws.FloorErr },
			source: func(*Workspace) string { return FloorSource + ", gcc -static -O2" },
		}},
	// bench/floor/gofloor: c-floor's steps in Go, the Go twin's way (the child re-executes
	// the binary): over c-floor, what Go's structure costs; under go-mvrc, what mvrc's own
	// work costs. Not the × floor: that stays the least a start can do.
	{Name: "go-floor", binary: func(ws *Workspace) string { return ws.GoFloor },
		argv: floor, built: &built{
			err: func(ws *Workspace) error { return ws.GoFloorErr },
			source: func(ws *Workspace) string {
				line := "bench/floor/gofloor"
				if info, err := buildinfo.ReadFile(ws.GoFloor); err == nil {
					line += ", " + info.GoVersion
				}
				return line + ", CGO_ENABLED=0 -trimpath -ldflags='-s -w'"
			},
		}},
	{Name: "unshare", Version: []string{"--version"}, binary: onPath("unshare"),
		argv: func(ws *Workspace, args []string) ([]string, error) {
			// --mount-proc gives the new pid namespace its own /proc inside the rootfs;
			// chroot(1) then enters it (unshare has no pivot_root).
			return append([]string{"--user", "--map-root-user", "--mount", "--pid", "--fork",
				"--uts", "--ipc", "--net", "--mount-proc=" + ws.Rootfs + "/proc",
				"chroot", ws.Rootfs}, args...), nil
		}},
	{Name: "bwrap", Version: []string{"--version"}, binary: onPath("bwrap"),
		argv: func(ws *Workspace, args []string) ([]string, error) {
			// --as-pid-1: the command is PID 1, as with the twins (no helper init).
			return append([]string{"--unshare-user", "--uid", "0", "--gid", "0",
				"--unshare-pid", "--unshare-uts", "--unshare-ipc", "--unshare-net",
				"--hostname", "bwrap", "--bind", ws.Rootfs, "/", "--proc", "/proc",
				"--dev", "/dev", "--die-with-parent", "--as-pid-1"}, args...), nil
		}},
	{Name: "bwrap-same-work", Version: []string{"--version"}, binary: onPath("bwrap"),
		argv: func(ws *Workspace, args []string) ([]string, error) {
			// bwrap given the twins' work by its own flags: /dev, read-only /sys, a new
			// session, and the twins' capability set instead of none.
			argv := []string{"--unshare-user", "--uid", "0", "--gid", "0",
				"--unshare-pid", "--unshare-uts", "--unshare-ipc", "--unshare-net",
				"--hostname", "bwrap", "--bind", ws.Rootfs, "/", "--proc", "/proc",
				"--dev", "/dev", "--ro-bind", "/sys", "/sys", "--new-session", "--cap-drop", "ALL"}
			for _, c := range twinCaps {
				argv = append(argv, "--cap-add", c)
			}
			argv = append(argv, "--die-with-parent", "--as-pid-1")
			return append(argv, args...), nil
		}},
	{Name: "runc", Version: []string{"--version"}, binary: onPath("runc"),
		argv: func(ws *Workspace, args []string) ([]string, error) {
			return oci(ws, "runc", args)
		}},
	{Name: "crun", Version: []string{"--version"}, binary: onPath("crun"),
		argv: func(ws *Workspace, args []string) ([]string, error) {
			// No cgroup manager at all: the closest crun gets to running without cgroups.
			return oci(ws, "crun", args, "--cgroup-manager=disabled")
		}},
	{Name: "podman", Version: []string{"--version"}, binary: onPath("podman"),
		argv: func(ws *Workspace, args []string) ([]string, error) {
			// --rootfs runs a local directory, no image, no registry; --network none is a
			// new netns with only lo. runc, not crun: crun refuses hybrid cgroup hosts.
			return append([]string{"--runtime", "runc", "run", "--rm", "-i",
				"--network", "none", "--rootfs", ws.Rootfs}, args...), nil
		}},
}

// twinCaps is the set the twins keep (Docker's default), for the peers given the same work.
var twinCaps = []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW",
	"CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP"}

// floor is both floors' command line: floor ROOTFS COMMAND [ARG...].
func floor(ws *Workspace, args []string) ([]string, error) {
	return append([]string{ws.Rootfs}, args...), nil
}

func mvrc(ws *Workspace, args []string) ([]string, error) {
	return append([]string{"run", "--ns", Namespaces, ws.Rootfs}, args...), nil
}

func onPath(name string) func(*Workspace) string {
	return func(*Workspace) string { return name }
}

// Command is the runtime running args in the workspace rootfs, as the test user, with a
// clean environment. Pdeathsig: a dying harness leaves no runtime behind.
func (r Runtime) Command(ctx context.Context, ws *Workspace, args ...string) (*exec.Cmd, error) {
	argv, err := r.argv(ws, args)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Name, err)
	}
	cmd := exec.CommandContext(ctx, r.binary(ws), argv...)
	cmd.Env = []string{"PATH=" + testenv.HostPath, "HOME=" + ws.Home}
	cmd.Dir = ws.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: ws.Cred, Pdeathsig: syscall.SIGKILL}
	return cmd, nil
}

// Probe runs `printf ok` once and wants "ok" back: a runtime that cannot do it on this
// host is reported with the first line it printed, never dropped.
func (r Runtime) Probe(ws *Workspace) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if bin := r.binary(ws); r.built != nil && bin == "" {
		return fmt.Errorf("not built: %v", r.built.err(ws))
	} else if filepath.IsAbs(bin) {
		if _, err := os.Stat(bin); err != nil {
			return fmt.Errorf("not built: run just build (%s)", r.Name)
		}
	}
	cmd, err := r.Command(ctx, ws, "/usr/bin/printf", "ok")
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var notFound *exec.Error
	switch {
	case errors.As(err, &notFound):
		return fmt.Errorf("not installed: %s not found", notFound.Name)
	case err != nil && FirstErrorLine(stderr.String()) != "":
		return errors.New(FirstErrorLine(stderr.String()))
	case err != nil:
		return err
	case string(out) != "ok":
		return fmt.Errorf("printf ok in the container printed %q", firstLine(string(out)))
	}
	return nil
}

// VersionLine is the first line the runtime prints for its version.
func (r Runtime) VersionLine(ws *Workspace) string {
	if r.built != nil {
		return r.built.source(ws)
	}
	cmd := exec.Command(r.binary(ws), r.Version...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: ws.Cred}
	cmd.Env = []string{"PATH=" + testenv.HostPath, "HOME=" + ws.Home}
	out, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	return firstLine(string(out))
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// FirstErrorLine picks the line that says what went wrong: the first one mentioning an
// error, else the first non-empty one. Warnings (podman's level=warning) are skipped.
func FirstErrorLine(stderr string) string {
	var first string
	sc := bufio.NewScanner(strings.NewReader(stderr))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.Contains(line, "level=warning") {
			continue
		}
		if strings.Contains(strings.ToLower(line), "error") {
			return line
		}
		if first == "" {
			first = line
		}
	}
	return first
}

// nextID names a container uniquely within this harness run.
func nextID(prefix string) string {
	return prefix + "-" + strconv.FormatInt(containerID.Add(1), 10)
}
