// Package child is the container side, top to bottom: wait for the maps → hostname → rootfs
// → network → identity → workdir → exec (or init). It runs as "mvrc-child", re-exec'd by the
// parent inside the new namespaces, and learns everything from the channel on fd 3.
package child

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"

	"mvrc/internal/caps"
	"mvrc/internal/channel"
	"mvrc/internal/command"
	"mvrc/internal/confine"
	"mvrc/internal/debug"
	"mvrc/internal/errs"
	"mvrc/internal/fds"
	"mvrc/internal/namespaces"
	"mvrc/internal/network"
	"mvrc/internal/reaper"
	"mvrc/internal/rootfs"
	"mvrc/internal/sealed"
	"mvrc/internal/seccomp"
	"mvrc/internal/spec"
	"mvrc/internal/terminal"
)

// slide: child

// Run is the child's main; it never returns. The caller must hold the main OS thread (run
// it from init): ids, pdeathsig and the final execve belong to that thread.
// A failed step goes to the parent, which prints the one line; the child stays silent.
func Run() {
	ch, err := channel.OpenChildEnd()
	if err != nil {
		os.Exit(errs.Failed)
	}
	s, err := ch.ReceiveSpec()
	if err != nil {
		os.Exit(errs.Failed)
	}
	// Nothing below may run before the maps exist: until then we are nobody here.
	size, err := ch.WaitMapped()
	if err != nil {
		os.Exit(errs.Failed) // the parent failed and says why
	}
	path, hop, err := setup(s, ch, size)
	if err != nil {
		fail(ch, err)
	}
	if s.Init {
		runInit(ch, s, path, hop)
	}
	end, err := ch.Handover()
	if err != nil {
		fail(ch, err)
	}
	fail(ch, command.Exec(hop, end, path, s.Command, s.Env))
}

// end slide

// setup does every step between the maps and the exec, in design.md's order, and returns
// the file COMMAND runs from and the hop to exec it through. size is the caller's window
// size under -t.
func setup(s *spec.Spec, ch *channel.ChildEnd, size *unix.Winsize) (path string, hop int, err error) {
	timer := debug.New(s.Debug)
	// What the child cost before its first step: the Go child's exec and runtime start.
	timer.Report("child-runtime", debug.CPU())
	// Before the first change of id, while the caller's /proc is still mounted.
	parent, err := confine.WatchParent()
	if err != nil {
		return "", -1, err
	}
	defer parent.Close()
	if err := becomeRoot(s, parent); err != nil {
		return "", -1, err
	}
	if err := ownCgroupNamespace(s); err != nil {
		return "", -1, err
	}
	// Read while /proc is still the host's: after the rootfs step it may be gone (no mount
	// namespace, chroot into a tree without /proc).
	denied := setgroupsDenied()
	if namespaces.Has(s.Namespaces, "uts") {
		if err := timer.Time("hostname", func() error { return setHostname(s.Hostname) }); err != nil {
			return "", -1, err
		}
	}
	if err := timer.Time("rootfs", func() error { return rootfs.Setup(s) }); err != nil {
		return "", -1, err
	}
	if s.TTY {
		if err := openTerminal(ch, s.User, size); err != nil {
			return "", -1, err
		}
	}
	if namespaces.Has(s.Namespaces, "net") {
		if err := timer.Time("network", network.LoopbackUp); err != nil {
			return "", -1, err
		}
	}
	// While we are still root of the namespace: dropping from the bounding set needs CAP_SETPCAP.
	if err := caps.DropBounding(); err != nil {
		return "", -1, err
	}
	if err := timer.Time("identity", func() error { return setIdentity(s.User, denied, s.Init, parent) }); err != nil {
		return "", -1, err
	}
	// As COMMAND's identity, which then owns the keyring.
	if err := confine.NewSessionKeyring(); err != nil {
		return "", -1, err
	}
	if err := setWorkdir(s.Workdir); err != nil {
		return "", -1, err
	}
	if path, err = command.Find(s.Command[0], command.PathOf(s.Env)); err != nil {
		return "", -1, err
	}
	if err := newSession(); err != nil {
		return "", -1, err
	}
	// Under --init the pty is COMMAND's: it leads a session of its own (reaper.Start), and
	// PID 1 stays out of the terminal's signals.
	if s.TTY && !s.Init {
		if err := terminal.Control(); err != nil {
			return "", -1, err
		}
	}
	if err := confine.NoNewPrivs(); err != nil {
		return "", -1, err
	}
	if hop, err = sealed.Hop(); err != nil {
		return "", -1, err
	}
	// Last, so that nothing opened above is missed (the channel's end too: its closing on
	// exec is the parent's EOF); before the fork of --init too.
	if err := fds.CloseOnExec(); err != nil {
		return "", -1, err
	}
	// The filter comes last: every step above may need what it denies (mount, sethostname).
	// Under --init it holds for our init too, and COMMAND inherits it across fork and exec.
	if len(s.Filter) > 0 {
		if err := timer.Time("seccomp", func() error { return seccomp.Install(seccomp.Decode(s.Filter)) }); err != nil {
			return "", -1, err
		}
	}
	return path, hop, nil
}

// ownCgroupNamespace starts a cgroup namespace again once the parent has moved us into the
// container's own cgroup (--memory, --pids, --cpus): the one clone made is rooted at the
// caller's cgroup, and /sys/fs/cgroup and /proc/self/cgroup must start at the container's.
func ownCgroupNamespace(s *spec.Spec) error {
	if !namespaces.Has(s.Namespaces, "cgroup") || !s.Limits.Any() {
		return nil
	}
	if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
		return errs.Failf("creating the cgroup namespace: %w", err)
	}
	return nil
}

// slide: hostname

// setHostname names the container; in its own uts namespace the host's name is untouched.
func setHostname(name string) error {
	if err := unix.Sethostname([]byte(name)); err != nil {
		return errs.Failf("sethostname %q: %w", name, err)
	}
	return nil
}

// end slide

// newSession makes us the leader of a new session without a controlling terminal: the
// caller's terminal stays bound at /dev/tty, and a process in the caller's session could
// push keystrokes into it with ioctl(TIOCSTI) (CVE-2017-5226, bubblewrap's escape).
func newSession() error {
	if _, err := unix.Setsid(); err != nil {
		return errs.Failf("setsid: %w", err)
	}
	return nil
}

func setWorkdir(dir string) error {
	err := unix.Chdir(dir)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.ENOTDIR):
		return errs.Failf("workdir %q: no such directory in the container", dir)
	}
	return errs.Failf("workdir %q: %w", dir, err)
}

// runInit stays as PID 1 and starts COMMAND as its first child; closing the channel tells the parent
// that COMMAND started.
func runInit(ch *channel.ChildEnd, s *spec.Spec, path string, hop int) {
	// Not dumpable: COMMAND cannot open our exe, fds or memory through /proc/1. It never
	// execs, so nothing would reset it; COMMAND's own execve does, for COMMAND.
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		fail(ch, errs.Failf("prctl dumpable: %w", err))
	}
	init, err := reaper.Start(hop, path, s.Command, s.Env, s.TTY)
	if err != nil {
		fail(ch, err)
	}
	_ = ch.Close()
	os.Exit(init.Wait())
}

// openTerminal makes the container's pty our stdio (-t) and hands its master to the parent.
func openTerminal(ch *channel.ChildEnd, owner spec.User, size *unix.Winsize) error {
	if size == nil {
		size = &unix.Winsize{}
	}
	master, err := terminal.Open(owner, size)
	if err != nil {
		return err
	}
	defer unix.Close(master) // the parent holds it now
	return ch.SendTerminal(master)
}

// slide: errors

// fail sends the error to the parent, which prints the one line; the child stays silent.
func fail(ch *channel.ChildEnd, err error) {
	ch.SendError(err)
	os.Exit(errs.Code(err))
}

// end slide
