// Command gofloor is the Go floor: the least a rootless container start can do in Go, for
// the bench's go-floor row. floor.c's steps (clone with every namespace → the parent writes
// the id maps → hostname → "/" private → /proc → ROOTFS bound onto itself, pivot_root, old
// root detached → exec), taken the way the Go twin takes them: Go cannot fork, so the child
// is this binary re-executed from /proc/self/exe (argv[0] "gofloor-child", run from init on
// the main thread), by syscall.ForkExec with the namespaces and CLONE_VFORK|CLONE_VM in
// Cloneflags, a parent-death signal and every capability lent as ambient (its uid is not
// mapped yet when it execs); it waits on a pipe (fd 3) for EOF while the parent writes
// uid_map, "deny" to setgroups and gid_map with plain system calls. Two Go runtime starts
// then, where floor.c has none: go-floor over c-floor is what Go's structure costs, go-mvrc
// over go-floor what mvrc's own work costs.
//
// Left out, as in floor.c: no /dev, no /sys, no capabilities dropped, no seccomp, lo left
// down, no error messages worth the name. Beyond floor.c, only what the twin's structure
// needs: the parent-death signal, and the lent capabilities taken back before COMMAND's
// exec (its inheritable and ambient sets are empty, as under floor.c).
//
// Kept: the twin's way (A). Measured against Go's own handshake (B: SysProcAttr.UidMappings,
// GidMappings, GidMappingsEnableSetgroups false; no pipe, no ambient capabilities), start to
// exit of /bin/true as mvrctest, rounds interleaved, 10 warm-up rounds discarded, medians on
// 2 cores: A 3.72 ms, B 4.06 ms over 1000 rounds (B/A 1.09 per round); in two 5-way runs of
// 500 rounds, c-floor 1.76 / 1.69 ms, A 3.81 / 3.69, B 4.07 / 3.97, go-mvrc 5.80 / 5.55,
// rust-mvrc 3.07 / 2.91. B is slower because Go drops CLONE_VFORK|CLONE_VM with a user
// namespace (its child waits for the maps before the exec), so the clone copies the page
// tables and the maps are written while the child waits; in A the child execs at once and
// starts its runtime while the parent writes them.
//
// Usage: gofloor ROOTFS COMMAND [ARG...]   (exits with COMMAND's status; 125 on a setup error)
// Built by the bench (bench/runtimes) with CGO_ENABLED=0 -trimpath -ldflags='-s -w', like the
// Go twin. The go:debug line is the twin's: no cgroup-aware GOMAXPROCS at runtime start.
//
//go:debug containermaxprocs=0
package main

import (
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// childName is the re-executed binary's argv[0]: it selects the child stage.
const childName = "gofloor-child"

// syncFD is where the child finds its end of the pipe (ForkExec's Files[3]).
const syncFD = 3

// The child stage runs from init, on the main thread, like the twin's "mvrc-child".
func init() {
	if len(os.Args) > 2 && os.Args[0] == childName {
		child(os.Args[1], os.Args[2:])
	}
}

func main() {
	if len(os.Args) < 3 {
		os.Stderr.WriteString("usage: gofloor ROOTFS COMMAND [ARG...]\n")
		os.Exit(125)
	}
	os.Exit(run())
}

func run() int {
	var pipe [2]int
	if unix.Pipe2(pipe[:], unix.O_CLOEXEC) != nil {
		return 125
	}
	argv := append([]string{childName}, os.Args[1:]...)
	// GOMAXPROCS=1 for the child's runtime, as the twin's; first, so that it wins, and
	// dropped again before COMMAND's exec.
	env := append([]string{"GOMAXPROCS=1"}, os.Environ()...)
	pid, err := syscall.ForkExec("/proc/self/exe", argv, &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{0, 1, 2, uintptr(pipe[0])},
		Sys: &syscall.SysProcAttr{
			Cloneflags: unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWUTS |
				unix.CLONE_NEWIPC | unix.CLONE_NEWNET | syscall.CLONE_VFORK | syscall.CLONE_VM,
			Pdeathsig:   syscall.SIGKILL,
			AmbientCaps: allCaps(),
		},
	})
	unix.Close(pipe[0])
	if err != nil {
		return 125
	}
	p := "/proc/" + strconv.Itoa(pid) + "/"
	if writeFile(p+"uid_map", "0 "+strconv.Itoa(os.Getuid())+" 1") != nil ||
		writeFile(p+"setgroups", "deny") != nil ||
		writeFile(p+"gid_map", "0 "+strconv.Itoa(os.Getgid())+" 1") != nil {
		unix.Kill(pid, unix.SIGKILL)
		wait(pid)
		return 125
	}
	unix.Close(pipe[1]) // EOF: mapped
	ws, err := wait(pid)
	switch {
	case err != nil:
		return 125
	case ws.Exited():
		return ws.ExitStatus()
	default:
		return 128 + int(ws.Signal())
	}
}

func child(rootfs string, command []string) {
	var c [1]byte
	for {
		n, err := unix.Read(syncFD, c[:])
		if err == unix.EINTR {
			continue
		}
		if n != 0 || err != nil {
			os.Exit(125)
		}
		break
	}
	unix.Close(syncFD)
	if unix.Sethostname([]byte("floor")) != nil ||
		unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, "") != nil ||
		unix.Mount(rootfs, rootfs, "", unix.MS_BIND|unix.MS_REC, "") != nil ||
		unix.Chdir(rootfs) != nil ||
		unix.Mount("proc", "proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "") != nil ||
		unix.PivotRoot(".", ".") != nil ||
		unix.Unmount(".", unix.MNT_DETACH) != nil ||
		unix.Chdir("/") != nil {
		os.Exit(125)
	}
	// The capabilities lent for our exec are not COMMAND's: floor.c's COMMAND has an empty
	// inheritable set, and so an empty ambient one (lowering the first lowers the second).
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if unix.Capget(&hdr, &data[0]) != nil {
		os.Exit(125)
	}
	data[0].Inheritable, data[1].Inheritable = 0, 0
	if unix.Capset(&hdr, &data[0]) != nil {
		os.Exit(125)
	}
	unix.Exec(command[0], command, os.Environ()[1:])
	os.Exit(125)
}

// allCaps are lent to the child as ambient capabilities: its uid is not mapped when it
// execs, and without them it would lose every capability there (see the twin's allCaps).
func allCaps() []uintptr {
	last := uintptr(unix.CAP_LAST_CAP)
	if s, err := readSmall("/proc/sys/kernel/cap_last_cap"); err == nil {
		if n, err := strconv.Atoi(s); err == nil {
			last = uintptr(n)
		}
	}
	caps := make([]uintptr, 0, last+1)
	for c := uintptr(0); c <= last; c++ {
		caps = append(caps, c)
	}
	return caps
}

// readSmall and writeFile: plain system calls, no os.File (and so no network poller).
func readSmall(path string) (string, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", err
	}
	defer unix.Close(fd)
	var buf [32]byte
	n, err := unix.Read(fd, buf[:])
	if err != nil {
		return "", err
	}
	s := string(buf[:n])
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == ' ') {
		s = s[:len(s)-1]
	}
	return s, nil
}

func writeFile(path, data string) error {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	n, err := unix.Write(fd, []byte(data))
	unix.Close(fd)
	if err == nil && n != len(data) {
		err = unix.EIO
	}
	return err
}

func wait(pid int) (unix.WaitStatus, error) {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if err != unix.EINTR {
			return ws, err
		}
	}
}
