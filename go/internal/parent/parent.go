// Package parent is the host side: check the spec, start the child in its new namespaces,
// write its id maps, cgroup and pid file, let it go, forward signals, and wait for it.
package parent

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"mvrc/internal/cgroups"
	"mvrc/internal/channel"
	"mvrc/internal/debug"
	"mvrc/internal/errs"
	"mvrc/internal/idmap"
	"mvrc/internal/namespaces"
	"mvrc/internal/reaper"
	"mvrc/internal/rootfs"
	"mvrc/internal/signals"
	"mvrc/internal/spec"
	"mvrc/internal/terminal"
)

// Run starts the container s and returns its exit status, or the error that stopped it.
// The caller must hold its OS thread for mvrc's whole life: the child's parent-death
// signal fires when the thread that cloned it exits, not when the process does.
func Run(s *spec.Spec, start time.Time) (int, error) {
	t := debug.New(s.Debug)
	cgroupDir, err := prepare(s)
	if err != nil {
		return 0, err
	}
	t.Step("spec", start)
	if s.Chroot && namespaces.Has(s.Namespaces, "mount") {
		fmt.Fprintln(os.Stderr, "mvrc: warning: --chroot is escapable; use it for teaching only")
	}

	if err := markInheritedCloexec(); err != nil {
		return 0, err
	}
	// Without a PID namespace, nothing kills what COMMAND leaves running in the background:
	// as a subreaper we inherit those orphans, and kill them once the child has exited.
	orphans := !namespaces.Has(s.Namespaces, "pid")
	if orphans {
		if err := reaper.BecomeSubreaper(); err != nil {
			return 0, err
		}
	}
	caught := signals.Catch()
	defer signals.Stop(caught)
	ch, childEnd, err := channel.New()
	if err != nil {
		return 0, err
	}
	defer ch.Close()
	var cmd *exec.Cmd
	err = t.Time("clone", func() (err error) {
		cmd, err = startChild(s, childEnd)
		return err
	})
	childEnd.Close()
	if err != nil {
		return 0, err
	}

	group, err := configure(ch, s, cmd.Process.Pid, cgroupDir, t)
	defer group.Remove() // runs after the wait below, when the cgroup is empty
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return 0, err
	}
	master, err := waitForExec(ch, cmd)
	if err != nil {
		return 0, err
	}
	t.Step("ready", start)
	var relay *terminal.Relay
	var resize func() // nil: SIGWINCH is forwarded like the others
	if master >= 0 {
		if relay, err = terminal.Attach(master); err != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return 0, err
		}
		defer relay.Restore() // on every way out, the caller's terminal as it was
		resize = relay.Resize
	}
	// Signals caught during the setup waited in the channel: they are for COMMAND, which
	// runs from here on.
	go signals.Forward(caught, cmd.Process.Pid, resize)
	_ = cmd.Wait()
	if orphans {
		reaper.KillOrphans()
	}
	if relay != nil {
		relay.Finish() // every slave is closed now: take the last output
	}
	return errs.Status(cmd.ProcessState.Sys().(syscall.WaitStatus)), nil
}

// prepare checks what can be checked before any namespace exists: ROOTFS, bind sources,
// cgroup delegation. It makes the paths absolute, since the child moves.
func prepare(s *spec.Spec) (cgroupDir string, err error) {
	if s.TTY {
		if err := terminal.Check(); err != nil {
			return "", err
		}
	}
	if s.Rootfs, err = rootfs.Check(s.Rootfs); err != nil {
		return "", err
	}
	for i, b := range s.Binds {
		if _, err := os.Stat(b.Source); err != nil {
			return "", errs.Failf("bind source %q: %s", b.Source, errs.Errno(err))
		}
		if s.Binds[i].Source, err = filepath.Abs(b.Source); err != nil {
			return "", errs.Failf("bind source %q: %w", b.Source, err)
		}
	}
	if s.Limits.Any() {
		return cgroups.Check(s.Limits)
	}
	return "", nil
}

// markInheritedCloexec keeps the caller's descriptors out of the container: without
// close-on-exec they would follow us into the child and, under --init, stay open in its
// PID 1, which never execs (a directory fd leads back to the host's files). Marked, not
// closed: mvrc may still need one (--pid-file /dev/fd/5), and the Go runtime owns some.
// The child is a re-exec, so it starts with only stdio and its channel end: what the
// Rust child gets by closing every other descriptor first thing after clone.
func markInheritedCloexec() error {
	if err := unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil {
		return errs.Failf("close_range: %w", err)
	}
	return nil
}

// startChild re-executes mvrc as "mvrc-child" inside every namespace at once (one clone(2)).
// The child's end of the channel becomes its fd 3; the user's command line stays here.
func startChild(s *spec.Spec, childEnd *os.File) (*exec.Cmd, error) {
	cmd := &exec.Cmd{
		Path:       "/proc/self/exe",
		Args:       []string{"mvrc-child"},
		Env:        []string{},
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		ExtraFiles: []*os.File{childEnd},
		SysProcAttr: &syscall.SysProcAttr{
			Cloneflags: namespaces.Flags(s.Namespaces),
			Pdeathsig:  syscall.SIGKILL, // if mvrc dies, the kernel kills the container
		},
	}
	switch {
	case namespaces.Has(s.Namespaces, "user"):
		cmd.SysProcAttr.AmbientCaps = allCaps()
	case len(s.Namespaces) == 0 && os.Geteuid() != 0:
		// With no namespace at all, clone(2) would succeed and only the chroot(2) would
		// fail, half-way into the setup: say it now. Any namespace makes the kernel refuse.
		return nil, cloneError(s, errUnprivileged)
	}
	if err := cmd.Start(); err != nil {
		return nil, cloneError(s, err)
	}
	return cmd, nil
}

// allCaps are lent to the child as ambient capabilities. Without them it would lose every
// capability at its own execve: its uid is not mapped yet, so the kernel does not see it
// as root of its namespace. All of them, because an execve that gains capabilities clears
// the parent-death signal: COMMAND, exec'd as root of the namespace, must gain none.
// They count only inside the new user namespace.
func allCaps() []uintptr {
	last := uintptr(unix.CAP_LAST_CAP)
	if data, err := os.ReadFile("/proc/sys/kernel/cap_last_cap"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
			last = uintptr(n)
		}
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
func configure(ch *channel.Parent, s *spec.Spec, pid int, cgroupDir string, t *debug.Timer) (*cgroups.Group, error) {
	if err := ch.SendSpec(s); err != nil {
		return nil, err
	}
	if namespaces.Has(s.Namespaces, "user") {
		err := t.Time("idmap", func() error {
			return idmap.Write(pid, uint32(os.Geteuid()), uint32(os.Getegid()), s.UIDMaps, s.GIDMaps)
		})
		if err != nil {
			return nil, err
		}
	}
	var group *cgroups.Group
	if s.Limits.Any() {
		err := t.Time("cgroup", func() (err error) {
			group, err = cgroups.Enter(cgroupDir, pid, s.Limits)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if s.PidFile != "" {
		if err := os.WriteFile(s.PidFile, []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
			return group, errs.Failf("pid file %q: %s", s.PidFile, errs.Errno(err))
		}
	}
	var size *unix.Winsize
	if s.TTY {
		size = terminal.Size()
	}
	return group, ch.SendMapped(size)
}

// waitForExec waits until COMMAND runs and returns the pty's master under -t (else -1); if
// a setup step failed in the child, it reaps the child and returns the child's error line
// and code. The child is killed first: after a broken channel it may still wait for us.
func waitForExec(ch *channel.Parent, cmd *exec.Cmd) (master int, err error) {
	master, failure, err := ch.WaitExec()
	if err == nil && failure == nil {
		return master, nil
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if failure != nil {
		return -1, errs.Codef(failure.Code, "%s", failure.Line)
	}
	return -1, err
}
