// Package child is the container side, top to bottom: wait for the maps → hostname → rootfs
// → network → identity → workdir → exec (or init). It runs as "mvrc-child", re-exec'd by the
// parent inside the new namespaces, and learns everything from the channel on fd 3.
package child

import (
	"errors"
	"os"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"mvrc/internal/caps"
	"mvrc/internal/channel"
	"mvrc/internal/debug"
	"mvrc/internal/errs"
	"mvrc/internal/idmap"
	"mvrc/internal/lookup"
	"mvrc/internal/namespaces"
	"mvrc/internal/network"
	"mvrc/internal/reaper"
	"mvrc/internal/rootfs"
	"mvrc/internal/spec"
	"mvrc/internal/terminal"
)

// slide: child

// Run is the child's main; it never returns. The caller must hold the main OS thread
// (runtime.LockOSThread): pdeathsig and the final execve belong to that thread.
// A failed step goes to the parent, which prints the one line; the child stays silent.
func Run() {
	ch, err := channel.OpenChild()
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
	path, err := setup(s, ch, size)
	if err != nil {
		fail(ch, err)
	}
	if s.Init {
		runInit(ch, s, path)
	}
	fail(ch, lookup.Exec(path, s.Command, s.Env))
}

// end slide

// setup does every step between the maps and the exec, in design.md's order, and returns
// the file COMMAND runs from. size is the caller's window size under -t.
func setup(s *spec.Spec, ch *channel.Child, size *unix.Winsize) (string, error) {
	t := debug.New(s.Debug)
	if err := becomeRoot(s); err != nil {
		return "", err
	}
	// Read while /proc is still the host's: after the rootfs step it may be gone (no mount
	// namespace, chroot into a tree without /proc).
	denied := setgroupsDenied()
	if namespaces.Has(s.Namespaces, "uts") {
		if err := t.Time("hostname", func() error { return setHostname(s.Hostname) }); err != nil {
			return "", err
		}
	}
	if err := t.Time("rootfs", func() error { return rootfs.Setup(s) }); err != nil {
		return "", err
	}
	if s.TTY {
		if err := openTerminal(ch, s.User, size); err != nil {
			return "", err
		}
	}
	if namespaces.Has(s.Namespaces, "net") {
		if err := t.Time("network", network.LoopbackUp); err != nil {
			return "", err
		}
	}
	// While we are still root of the namespace: dropping from the bounding set needs CAP_SETPCAP.
	if err := caps.DropBounding(); err != nil {
		return "", err
	}
	if err := t.Time("identity", func() error { return setIdentity(s.User, denied) }); err != nil {
		return "", err
	}
	if err := setWorkdir(s.Workdir); err != nil {
		return "", err
	}
	path, err := lookup.Find(s.Command[0], lookup.PathOf(s.Env))
	if err != nil {
		return "", err
	}
	if err := newSession(); err != nil {
		return "", err
	}
	// Under --init the pty is COMMAND's: it leads a session of its own (reaper.Start), and
	// PID 1 stays out of the terminal's signals.
	if s.TTY && !s.Init {
		if err := terminal.Control(); err != nil {
			return "", err
		}
	}
	// Last, so that nothing opened above is missed; before the fork of --init too.
	if err := closeOnExec(); err != nil {
		return "", err
	}
	return path, nil
}

// becomeRoot takes the namespace's root ids as soon as they exist, when mapped: the files
// and directories the mounts create must belong to a mapped id, and our host id may not be
// mapped at all (--uid-map 0:100000:65536).
func becomeRoot(s *spec.Spec) error {
	if !namespaces.Has(s.Namespaces, "user") || !idmap.Contains(s.UIDMaps, 0) || !idmap.Contains(s.GIDMaps, 0) {
		return nil
	}
	if err := syscall.Setresgid(0, 0, 0); err != nil {
		return errs.Failf("setresgid 0: %w", err)
	}
	if err := syscall.Setresuid(0, 0, 0); err != nil {
		return errs.Failf("setresuid 0: %w", err)
	}
	return setPdeathsig()
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

// setIdentity becomes --user, after every mount (they need the namespace's root).
// Go's syscall versions change every thread of the process: the kernel keeps credentials
// per thread, and the one that execs must have them.
func setIdentity(u spec.User, setgroupsDenied bool) error {
	// With setgroups denied (one mapped id) the kernel refuses setgroups(2); the process
	// then has no supplementary groups to drop anyway.
	if !setgroupsDenied {
		if err := syscall.Setgroups([]int{}); err != nil {
			return errs.Failf("setgroups: %w", err)
		}
	}
	if err := syscall.Setresgid(int(u.GID), int(u.GID), int(u.GID)); err != nil {
		return errs.Failf("setresgid %d: %w", u.GID, err)
	}
	if err := syscall.Setresuid(int(u.UID), int(u.UID), int(u.UID)); err != nil {
		return errs.Failf("setresuid %d: %w", u.UID, err)
	}
	if err := dropInheritable(); err != nil {
		return err
	}
	return setPdeathsig()
}

// dropInheritable empties the inheritable set, and with it the ambient one: the parent lent
// us capabilities as ambient ones to survive our own re-exec, and COMMAND must get only
// what its identity gives it.
func dropInheritable() error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return errs.Failf("capget: %w", err)
	}
	data[0].Inheritable, data[1].Inheritable = 0, 0
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return errs.Failf("capset: %w", err)
	}
	return nil
}

// setPdeathsig makes the kernel kill us when mvrc dies. A change of effective id clears
// it, so every setres*id above is followed by this; on the locked thread that will exec.
func setPdeathsig() error {
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		return errs.Failf("prctl: %w", err)
	}
	return nil
}

// newSession makes us the leader of a new session without a controlling terminal: the
// caller's terminal stays bound at /dev/tty, and a process in the caller's session could
// push keystrokes into it with ioctl(TIOCSTI) (CVE-2017-5226, bubblewrap's escape).
func newSession() error {
	if _, err := unix.Setsid(); err != nil {
		return errs.Failf("setsid: %w", err)
	}
	return nil
}

// openTerminal makes the container's pty our stdio (-t) and hands its master to the parent.
func openTerminal(ch *channel.Child, owner spec.User, size *unix.Winsize) error {
	master, err := terminal.Open(owner, size)
	if err != nil {
		return err
	}
	defer unix.Close(master) // the parent holds it now
	return ch.SendTerminal(master)
}

// setgroupsDenied reads /proc/self/setgroups: the parent writes "deny" for an unprivileged
// gid map.
func setgroupsDenied() bool {
	data, err := os.ReadFile("/proc/self/setgroups")
	return err == nil && strings.TrimSpace(string(data)) == "deny"
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

// closeOnExec marks every descriptor above stderr close-on-exec: the caller's inherited
// ones (without the flag, execve passes them on, a way out of the container) and the
// channel's end, whose closing on exec is the parent's EOF. COMMAND starts with 0, 1, 2.
// One close_range(2): no loop over fds, no /proc (a chroot without mounts has none).
func closeOnExec() error {
	if err := unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil {
		return errs.Failf("close_range: %w", err)
	}
	return nil
}

// runInit stays as PID 1 and starts COMMAND as PID 2; closing the channel tells the parent
// that COMMAND started.
func runInit(ch *channel.Child, s *spec.Spec, path string) {
	pid1, err := reaper.Start(path, s.Command, s.Env, s.TTY)
	if err != nil {
		fail(ch, lookup.ExecError(s.Command[0], err))
	}
	_ = ch.Close()
	os.Exit(pid1.Wait())
}

// slide: errors

// fail sends the error to the parent, which prints the one line; the child stays silent.
func fail(ch *channel.Child, err error) {
	lines, code := errs.Report(err)
	_ = ch.SendError(code, strings.TrimPrefix(lines[0], "mvrc: "))
	os.Exit(code)
}

// end slide
