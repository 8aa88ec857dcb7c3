// Package parent is the host side: check the spec, start the child in its new namespaces,
// write its id maps, cgroup and pid file, let it go, forward signals, and wait for it.
package parent

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"mvrc/internal/cgroups"
	"mvrc/internal/channel"
	"mvrc/internal/debug"
	"mvrc/internal/errs"
	"mvrc/internal/fds"
	"mvrc/internal/idmap"
	"mvrc/internal/namespaces"
	"mvrc/internal/signals"
	"mvrc/internal/spec"
)

// NoPidWarning is printed without a PID namespace: mvrc kills the orphans it finds when
// COMMAND exits, but a SIGKILL gives mvrc no chance to, and no kernel rule ends them.
const NoPidWarning = "mvrc: warning: without the pid namespace, processes COMMAND leaves behind survive a SIGKILL of mvrc"

// Run starts the container s and returns its exit status, or the error that stopped it.
// The child's parent-death signal fires when the thread that cloned it exits, not when the
// process does: the caller must not run it on a goroutine locked to its thread that may end.
func Run(s *spec.Spec, start time.Time) (int, error) {
	timer := debug.New(s.Debug)
	cgroupDir, err := prepare(s)
	if err != nil {
		return 0, err
	}
	timer.Step("spec", start)
	if s.Chroot && namespaces.Has(s.Namespaces, "mount") {
		fmt.Fprintln(os.Stderr, "mvrc: warning: --chroot is escapable; use it for teaching only")
	}

	// The caller's descriptors would follow us into the child and, under --init, stay open
	// in its PID 1, which never execs (a directory fd leads back to the host's files). The
	// child is a re-exec: it starts with only stdio and its channel end, what the Rust child
	// gets by closing every other descriptor first thing after clone.
	if err := fds.CloseOnExec(); err != nil {
		return 0, err
	}
	// Without a PID namespace, nothing kills what COMMAND leaves running in the background:
	// as a subreaper we inherit those orphans, and kill them once the child has exited.
	orphans := !namespaces.Has(s.Namespaces, "pid")
	if orphans {
		if err := becomeSubreaper(); err != nil {
			return 0, err
		}
	}
	// Catching costs a round trip to the runtime's signal thread per signal: started first,
	// it overlaps the clone, and it is in place before the setup, so no signal is lost there.
	catching := signals.CatchSoon()
	ch, childEnd, err := channel.Pair()
	if err != nil {
		return 0, err
	}
	defer ch.Close()
	var pid int
	err = timer.Time("clone", func() (err error) {
		pid, err = startChild(s, childEnd)
		return err
	})
	childEnd.Close()
	caught := catching() // also on error: no goroutine may still be starting at exit
	if err != nil {
		return 0, err
	}
	if orphans {
		fmt.Fprintln(os.Stderr, NoPidWarning)
	}

	cgroup, err := configure(ch, s, pid, cgroupDir, timer)
	defer cgroup.Remove() // runs after the wait below, when the cgroup is empty
	if err != nil {
		kill(pid)
		return 0, err
	}
	if err := waitForExec(ch, pid); err != nil {
		return 0, err
	}
	timer.Step("ready", start)
	// Signals caught during the setup waited in the channel: they are for COMMAND, which
	// runs from here on. No signal.Stop at the end: exit ends the catching, and Stop would
	// cost another round trip to the signal thread.
	go signals.Forward(caught, pid)
	status := wait(pid)
	if orphans {
		killOrphans()
	}
	return errs.Status(status), nil
}

// startChild re-executes mvrc as "mvrc-child" inside every namespace at once (one clone(2)).
// The child's end of the channel becomes its fd 3; the user's command line stays here.
// syscall.ForkExec, not os/exec: os.StartProcess first clones a throw-away child to probe
// for pidfd support, a whole process creation on the start path.
func startChild(s *spec.Spec, childEnd *os.File) (int, error) {
	sys := &syscall.SysProcAttr{
		// CLONE_VFORK|CLONE_VM: the child borrows our memory until its execve, instead of
		// copying our page tables. Go adds them itself except with a user namespace, where
		// its own uid-map handshake would wait in the child; ours has none, it execs at once.
		Cloneflags: namespaces.Flags(s.Namespaces) | syscall.CLONE_VFORK | syscall.CLONE_VM,
		Pdeathsig:  syscall.SIGKILL, // if mvrc dies, the kernel kills the container
	}
	switch {
	case namespaces.Has(s.Namespaces, "user"):
		sys.AmbientCaps = allCaps()
	case len(s.Namespaces) == 0 && os.Geteuid() != 0:
		// With no namespace at all, clone(2) would succeed and only the chroot(2) would
		// fail, half-way into the setup: say it now. Any namespace makes the kernel refuse.
		return 0, cloneError(s, errUnprivileged)
	}
	pid, err := syscall.ForkExec("/proc/self/exe", []string{"mvrc-child"}, &syscall.ProcAttr{
		Env:   []string{},
		Files: []uintptr{0, 1, 2, childEnd.Fd()},
		Sys:   sys,
	})
	if err != nil {
		return 0, cloneError(s, err)
	}
	return pid, nil
}

// wait reaps the child and returns how it ended.
func wait(pid int) syscall.WaitStatus {
	var ws syscall.WaitStatus
	for {
		if _, err := syscall.Wait4(pid, &ws, 0, nil); err != syscall.EINTR {
			return ws
		}
	}
}

// kill ends a child that has not reached COMMAND, and reaps it.
func kill(pid int) {
	_ = syscall.Kill(pid, syscall.SIGKILL)
	wait(pid)
}

// allCaps are lent to the child as ambient capabilities. Without them it would lose every
// capability at its own execve: its uid is not mapped yet, so the kernel does not see it
// as root of its namespace. All of them, because an execve that gains capabilities clears
// the parent-death signal: COMMAND, exec'd as root of the namespace, must gain none.
// They count only inside the new user namespace.
func allCaps() []uintptr {
	last := uintptr(unix.CAP_LAST_CAP)
	if n, err := strconv.Atoi(strings.TrimSpace(readSmall("/proc/sys/kernel/cap_last_cap"))); err == nil {
		last = uintptr(n)
	}
	caps := make([]uintptr, 0, last+1)
	for c := uintptr(0); c <= last; c++ {
		caps = append(caps, c)
	}
	return caps
}

var errUnprivileged = errors.New("unprivileged without a user namespace")

func cloneError(s *spec.Spec, err error) error {
	switch {
	case errors.Is(err, errUnprivileged), errors.Is(err, syscall.EPERM) && !namespaces.Has(s.Namespaces, "user"):
		return errs.Failf(`creating namespaces: operation not permitted (an unprivileged user needs "user" in --ns)`)
	case errors.Is(err, syscall.EPERM):
		return errs.Failf("creating namespaces: operation not permitted")
	}
	return errs.Failf("creating namespaces: %s", errs.Errno(err))
}

// configure does the parent's half of the setup while the child waits: spec, id maps,
// cgroup, pid file, then MAPPED. The returned cgroup (maybe nil) is removed after the wait.
func configure(ch *channel.ParentEnd, s *spec.Spec, pid int, cgroupDir string, timer *debug.Timer) (*cgroups.Cgroup, error) {
	if err := ch.SendSpec(s); err != nil {
		return nil, err
	}
	if namespaces.Has(s.Namespaces, "user") {
		err := timer.Time("idmap", func() error {
			return idmap.Write(pid, uint32(os.Geteuid()), uint32(os.Getegid()), s.UIDMaps, s.GIDMaps)
		})
		if err != nil {
			return nil, err
		}
	}
	var cgroup *cgroups.Cgroup
	if s.Limits.Any() {
		err := timer.Time("cgroup", func() (err error) {
			cgroup, err = cgroups.Enter(cgroupDir, pid, s.Limits)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if s.PidFile != "" {
		if err := os.WriteFile(s.PidFile, []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
			return cgroup, errs.Failf("pid file %q: %s", s.PidFile, errs.Errno(err))
		}
	}
	return cgroup, ch.SendMapped()
}

// waitForExec waits until COMMAND runs, or returns the error that stopped the child. The
// child is killed first: after a broken channel it may still be waiting for us.
func waitForExec(ch *channel.ParentEnd, pid int) error {
	if err := ch.WaitExec(); err != nil {
		kill(pid)
		return err
	}
	return nil
}

// readSmall reads a small file with plain system calls ("" on failure). os.ReadFile would
// first set up the runtime's network poller, which a regular file never uses.
func readSmall(path string) string {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return ""
	}
	defer unix.Close(fd)
	buf := make([]byte, 64)
	n, err := unix.Read(fd, buf)
	if err != nil {
		return ""
	}
	return string(buf[:n])
}
