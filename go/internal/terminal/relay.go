package terminal

// The parent's half of -t: the caller's terminal in raw mode, joined to the pty's master.

import (
	"sync"

	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"mvrc/internal/errs"
)

// Check refuses -t when stdin is not a terminal: there would be nothing to put in raw mode
// and no size to follow (docker: "the input device is not a TTY").
func Check() error {
	if !term.IsTerminal(0) {
		return errs.Failf("--tty: stdin is not a terminal")
	}
	return nil
}

// Size is the caller's window size (zero if it has none), for the child's pty.
func Size() *unix.Winsize {
	ws, err := unix.IoctlGetWinsize(0, unix.TIOCGWINSZ)
	if err != nil {
		return &unix.Winsize{}
	}
	return ws
}

// Relay is the caller's terminal in raw mode, joined to the master. One poll(2) waits for a
// key, for output, for a hang-up and for COMMAND's end (a pidfd), on the calling goroutine:
// no thread of its own, no spinning, and the same loop as the Rust twin's.
type Relay struct {
	mu         sync.Mutex // master is closed by Wait's goroutine and resized by Forward's
	master     int        // -1 once hung up
	wake       int        // an eventfd: HangUp, on Forward's goroutine, wakes Wait's poll
	saved      *term.State
	pending    []byte // keys read but not yet taken by the master
	stdinOpen  bool
	masterOpen bool
	broken     bool // stdout failed: output is read and dropped, so COMMAND never blocks
	restored   bool
}

// Attach puts the caller's terminal in raw mode (every key, ^C and ^Z included, goes to the
// container as a byte); Restore puts it back. master is the fd received from the child.
func Attach(master int) (*Relay, error) {
	// Non-blocking: a master that takes no more input must not stop the output.
	if err := unix.SetNonblock(master, true); err != nil {
		return nil, errs.Failf("terminal: %w", err)
	}
	// Never closed: Forward may write to it until mvrc exits.
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, errs.Failf("terminal: eventfd: %w", err)
	}
	saved, err := term.MakeRaw(0)
	if err != nil {
		return nil, errs.Failf("terminal: raw mode: %w", err)
	}
	r := &Relay{master: master, wake: wake, saved: saved, stdinOpen: true, masterOpen: true}
	r.Resize() // the size may have changed since the child set it
	return r, nil
}

// Resize gives the pty the caller's window size; the kernel then sends SIGWINCH to the
// container's foreground job. Called on every SIGWINCH mvrc gets.
func (r *Relay) Resize() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.master >= 0 {
		_ = unix.IoctlSetWinsize(r.master, unix.TIOCSWINSZ, Size())
	}
}

// HangUp asks Wait to hang up the container's terminal: SIGHUP to mvrc says the caller's
// terminal is gone. Called from Forward's goroutine.
func (r *Relay) HangUp() {
	one := [8]byte{1}
	_, _ = unix.Write(r.wake, one[:])
}

// hangUp is what a terminal emulator does when its window closes, or sshd when the
// connection drops: it closes the master. The kernel then hangs up the container's terminal
// (SIGHUP and SIGCONT to the leader of its session, COMMAND; EOF to reads, EIO to writes),
// and Wait goes on until COMMAND has ended, as always. Keys still pending are dropped.
// The foreground job gets SIGHUP too, as when a session's leader dies of it: a shell that
// is the container's PID 1 does not (a kernel rule), and would wait for its job forever.
func (r *Relay) hangUp() {
	if r.master < 0 {
		return
	}
	job, err := unix.IoctlGetInt(r.master, unix.TIOCGPGRP) // a host pid: we are outside
	r.mu.Lock()
	_ = unix.Close(r.master)
	r.master = -1
	r.mu.Unlock()
	if err == nil && job > 0 {
		_ = unix.Kill(-job, unix.SIGHUP)
	}
	r.masterOpen, r.stdinOpen, r.pending = false, false, nil
}

// Restore puts the caller's terminal back exactly as it was; safe to call more than once.
func (r *Relay) Restore() {
	if !r.restored {
		r.restored = true
		_ = term.Restore(0, r.saved)
	}
}

// Wait copies keys and output until the process pid (the container's PID 1) has exited.
// A caller's terminal that hangs up (EOF or an error on stdin, SIGHUP) hangs up the
// container's.
func (r *Relay) Wait(pid int) error {
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return errs.Failf("terminal: pidfd_open: %w", err)
	}
	defer unix.Close(pidfd)
	for {
		// A side that is done is left out: poll reports its hang-up whatever it is asked,
		// and would never block again. Keys are read only once the master took the last.
		fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}, {Fd: int32(r.wake), Events: unix.POLLIN}}
		var onMaster int16
		if r.masterOpen {
			onMaster |= unix.POLLIN
		}
		if len(r.pending) > 0 {
			onMaster |= unix.POLLOUT
		}
		master, stdin := -1, -1
		if onMaster != 0 {
			master, fds = len(fds), append(fds, unix.PollFd{Fd: int32(r.master), Events: onMaster})
		}
		if r.stdinOpen && len(r.pending) == 0 {
			stdin, fds = len(fds), append(fds, unix.PollFd{Fd: 0, Events: unix.POLLIN})
		}
		if _, err := unix.Poll(fds, -1); err == unix.EINTR {
			continue
		} else if err != nil {
			return errs.Failf("terminal: poll: %w", err)
		}
		if master >= 0 {
			out := fds[master].Revents
			if out&(unix.POLLIN|unix.POLLHUP|unix.POLLERR) != 0 && r.masterOpen {
				r.masterOpen = !r.copyOut()
			}
			if out&unix.POLLOUT != 0 {
				r.copyIn()
			}
		}
		// Any event on stdin, POLLHUP and POLLNVAL too, leads to a read that says what it is.
		if stdin >= 0 && fds[stdin].Revents != 0 {
			r.readKeys()
		}
		if fds[1].Revents != 0 {
			r.hangUp()
		}
		if fds[0].Revents != 0 {
			return nil
		}
	}
}

// Finish takes the output that is left once COMMAND has exited (every slave is closed
// then: the kernel hands out what they wrote, then says EIO), and restores the terminal.
func (r *Relay) Finish() {
	if r.masterOpen {
		r.copyOut()
	}
	r.Restore()
}

// copyOut copies what the master holds to stdout. It says true when the master is done:
// EIO once every slave is closed.
func (r *Relay) copyOut() bool {
	var buf [64 << 10]byte
	for {
		n, err := unix.Read(r.master, buf[:])
		switch {
		case n > 0:
			r.write(buf[:n])
		case err == unix.EINTR:
		case err == unix.EAGAIN:
			return false
		default:
			return true
		}
	}
}

// write writes all of p to stdout with write(2): a broken pipe is an error here, not the
// runtime's SIGPIPE exit that os.Stdout would take, which would leave the terminal raw.
func (r *Relay) write(p []byte) {
	for len(p) > 0 && !r.broken {
		n, err := unix.Write(1, p)
		switch {
		case err == unix.EINTR:
		case err != nil:
			r.broken = true
		default:
			p = p[n:]
		}
	}
}

// copyIn hands pending keys to the master, as many as it takes now.
func (r *Relay) copyIn() {
	n, err := unix.Write(r.master, r.pending)
	switch {
	case err == unix.EINTR, err == unix.EAGAIN:
	case err != nil:
		r.pending = r.pending[:0]
	default:
		r.pending = r.pending[n:]
	}
}

func (r *Relay) readKeys() {
	var buf [32 << 10]byte
	n, err := unix.Read(0, buf[:])
	switch {
	case n > 0:
		r.pending = append(r.pending, buf[:n]...)
	case err == unix.EINTR, err == unix.EAGAIN:
	default:
		r.hangUp() // EOF (raw mode: only on a hang-up), EIO, EBADF: the caller's terminal is gone
	}
}
