// Package parent is the host side: check the spec, start the child in its new namespaces,
// write its id maps, cgroup and pid file, let it go, forward signals, and wait for it.
package parent

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"mvrc/internal/channel"
	"mvrc/internal/debug"
	"mvrc/internal/errs"
	"mvrc/internal/fds"
	"mvrc/internal/namespaces"
	"mvrc/internal/signals"
	"mvrc/internal/spec"
	"mvrc/internal/terminal"
)

// noPidWarning is printed without a PID namespace: mvrc kills the orphans it finds when
// COMMAND exits, but a SIGKILL gives mvrc no chance to, and no kernel rule ends them.
const noPidWarning = "mvrc: warning: without the pid namespace, processes COMMAND leaves behind survive a SIGKILL of mvrc"

// rootWarning is printed when root runs mvrc and the container's uid 0 is the host's: no user
// namespace, or root mapped to root (the default map for root is 0:0:1).
const rootWarning = "mvrc: warning: container root is host root: run as a user, or map a subuid range"

// hostRoot reports whether uid 0 in the container is uid 0 on the host.
func hostRoot(s *spec.Spec) bool {
	if !namespaces.Has(s.Namespaces, "user") {
		return true
	}
	for _, m := range s.UIDMaps {
		if m.Container == 0 && m.Host == 0 && m.Size > 0 {
			return true
		}
	}
	return false
}

// Run starts the container s and returns its exit status, or the error that stopped it.
func Run(s *spec.Spec, start time.Time) (int, error) {
	// One P: the parent mostly waits (for the child, then for COMMAND), and with a single P
	// the runtime starts fewer threads to run goroutines in parallel: fewer to start, to hold
	// in memory (peak RSS) and to end at exit. A goroutine still runs while main is blocked.
	runtime.GOMAXPROCS(1)
	timer := debug.New(s.Debug)
	delegated, err := prepare(s)
	if err != nil {
		return 0, err
	}
	timer.Report("spec", time.Since(start)) // parse and checks
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
	// From the clone on, the main goroutine keeps its thread, the one that clones and the one
	// that waits. The kernel sends the child its parent-death signal when the cloning thread
	// exits; were another thread waiting, a SIGKILL of mvrc could let it reap the dying child
	// before mvrc itself is gone, and the caller would never see the container's end.
	runtime.LockOSThread()
	var pid int
	err = timer.Time("clone", func() (err error) {
		pid, err = startChild(s, childEnd)
		return err
	})
	childEnd.Close()
	waited := time.Now()
	caught := catching() // also on error: no goroutine may still be starting at exit
	timer.Step("signals", waited)
	if err != nil {
		return 0, err
	}
	if orphans {
		fmt.Fprintln(os.Stderr, noPidWarning)
	}

	cgroup, err := configure(ch, s, pid, delegated, timer)
	defer cgroup.Remove() // runs after the wait below, when the cgroup is empty
	if err != nil {
		kill(pid)
		return 0, err
	}
	master, err := waitForExec(ch, pid, s.TTY, s.Command[0])
	if err != nil {
		return 0, err
	}
	timer.Step("ready", start)
	// Once COMMAND runs (a full stderr may hold us here, never the container's start).
	if os.Geteuid() == 0 && hostRoot(s) {
		fmt.Fprintln(os.Stderr, rootWarning)
	}
	var relay *terminal.Relay
	var tty signals.Terminal // nil: SIGWINCH and SIGHUP are forwarded like the others
	if master >= 0 {
		if relay, err = terminal.Attach(master); err != nil {
			kill(pid)
			return 0, err
		}
		defer relay.Restore() // on every way out, the caller's terminal as it was
		tty = relay
	}
	// Signals caught during the setup waited in the channel: they are for COMMAND, which
	// runs from here on. No signal.Stop at the end: exit ends the catching, and Stop would
	// cost another round trip to the signal thread.
	go signals.Forward(caught, pid, tty)
	if relay != nil {
		if err := relay.Wait(pid); err != nil {
			kill(pid)
			return 0, err
		}
	}
	status := wait(pid)
	if orphans {
		killOrphans()
	}
	if relay != nil {
		relay.Finish() // every slave is closed now: take the last output
	}
	return errs.Status(status), nil
}

// startChild re-executes mvrc as "mvrc-child" inside every namespace at once (one clone(2)).
// The child's end of the channel becomes its fd 3; the user's command line stays here.
// /proc/self/exe is the host's binary: no process of the container exists before the child
// has exec'd the hop (see sealed), and --init's PID 1 is not dumpable.
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
		// One P for the child's one goroutine: its runtime starts fewer threads, and execve
		// has fewer to end. (COMMAND gets the Spec's environment, not this one.)
		Env:   []string{"GOMAXPROCS=1"},
		Files: []uintptr{0, 1, 2, childEnd.Fd()},
		Sys:   sys,
	})
	if err != nil {
		return 0, cloneError(s, err)
	}
	return pid, nil
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
	return errs.Failf("creating namespaces: %w", err)
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
