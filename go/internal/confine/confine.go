// Package confine holds the child's process-wide locks: the parent-death signal, re-armed
// after every change of identity and checked against the parent it was armed for; a fresh
// session keyring; no_new_privs. The mounts confine the files; these confine the process.
package confine

import (
	"bytes"
	"strconv"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
)

// Parent watches the parent mvrc from the child. The kernel forgets PR_SET_PDEATHSIG at
// every change of effective id; a parent that dies between that change and the re-arm
// sends no signal, and the container would run on without it. So after each re-arm we
// look at our parent again: the kernel updates it before it reads the signal to send, and
// we arm before we look, so one of the two sees the other.
//
// getppid(2) cannot tell: in a new PID namespace it is 0 whether mvrc lives or not. Our
// status file in the caller's /proc, opened while that /proc is still mounted (before the
// rootfs step), names the parent in the caller's PID namespace, where mvrc is visible.
type Parent struct {
	status int // the fd; plain system calls, as os.File would set up the runtime's poller
	pid    int // the parent's pid in that /proc when we started; 0: it cannot see mvrc
}

// WatchParent opens our status file and notes our parent. Call it before any change of id.
func WatchParent() (*Parent, error) {
	fd, err := unix.Open("/proc/self/status", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, errs.Failf("parent check: open /proc/self/status: %w", err)
	}
	p := &Parent{status: fd}
	if p.pid, err = p.current(); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return p, nil
}

// Rearm sets the parent-death signal again and fails if the parent is no longer the one
// we started with (it died and we were handed to a reaper).
func (p *Parent) Rearm() error {
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		return errs.Failf("prctl: %w", err)
	}
	now, err := p.current()
	if err != nil {
		return err
	}
	if now != p.pid {
		return errs.Failf("parent check: mvrc (pid %d) is gone", p.pid)
	}
	return nil
}

// Close lets go of the caller's /proc: --init's PID 1 never execs, so nothing would.
func (p *Parent) Close() { unix.Close(p.status) }

// current reads PPid from the status file again (a read at offset 0 regenerates it).
func (p *Parent) current() (int, error) {
	buf := make([]byte, 4096)
	n, err := unix.Pread(p.status, buf, 0)
	if err != nil {
		return 0, errs.Failf("parent check: read /proc/self/status: %w", err)
	}
	pid, ok := PPid(buf[:n])
	if !ok {
		return 0, errs.Failf("parent check: no PPid in /proc/self/status")
	}
	return pid, nil
}

// PPid finds the "PPid:" line of a /proc/PID/status text.
func PPid(status []byte) (int, bool) {
	for line := range bytes.SplitSeq(status, []byte("\n")) {
		if value, ok := bytes.CutPrefix(line, []byte("PPid:")); ok {
			pid, err := strconv.Atoi(string(bytes.TrimSpace(value)))
			return pid, err == nil
		}
	}
	return 0, false
}

// NewSessionKeyring joins a new, empty session keyring (KEYCTL_JOIN_SESSION_KEYRING with
// no name), so that COMMAND cannot read or use the keys of the caller's session: the
// kernel's keyrings are not namespaced. Called as COMMAND's identity, which then owns it.
// A NULL name makes it anonymous: a named one could be joined by name. The call changes
// only this thread's credentials: the locked one that execs. A kernel without keys
// (ENOSYS) has nothing to leak.
func NewSessionKeyring() error {
	// x/sys's KeyctlJoinSessionKeyring("") would pass "", a name, not NULL.
	_, _, errno := unix.Syscall(unix.SYS_KEYCTL, unix.KEYCTL_JOIN_SESSION_KEYRING, 0, 0)
	if errno != 0 && errno != unix.ENOSYS {
		return errs.Failf("joining a new session keyring: %w", errno)
	}
	return nil
}

// NoNewPrivs sets no_new_privs: no execve in the container can gain privileges (setuid,
// setgid and file capabilities are ignored), and it survives every fork and exec.
func NoNewPrivs() error {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return errs.Failf("prctl no_new_privs: %w", err)
	}
	return nil
}
