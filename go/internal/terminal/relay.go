package terminal

// The parent's half of -t: the caller's terminal in raw mode, joined to the pty's master.

import (
	"os"
	"sync"
	"time"

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

// Relay copies the caller's keystrokes to the master and the master's output to stdout, one
// goroutine each, both blocked in the kernel (the poller for the master) while idle.
type Relay struct {
	master  *os.File
	fd      int // master's descriptor; master.Fd() would make it blocking again
	saved   *term.State
	restore sync.Once
	done    chan struct{} // closed when output has copied the last byte
	broken  bool          // stdout failed: output is read and dropped, so COMMAND never blocks
}

// Attach puts the caller's terminal in raw mode (every key, ^C and ^Z included, goes to the
// container as a byte) and starts copying. fd is the master received from the child.
func Attach(fd int) (*Relay, error) {
	// Non-blocking, so the runtime's poller waits for it instead of a thread.
	if err := unix.SetNonblock(fd, true); err != nil {
		return nil, errs.Failf("terminal: %w", err)
	}
	saved, err := term.MakeRaw(0)
	if err != nil {
		return nil, errs.Failf("terminal: raw mode: %w", err)
	}
	r := &Relay{master: os.NewFile(uintptr(fd), "ptmx"), fd: fd, saved: saved, done: make(chan struct{})}
	r.Resize() // the size may have changed since the child set it
	go r.input()
	go r.output()
	return r, nil
}

// Resize gives the pty the caller's window size; the kernel then sends SIGWINCH to the
// container's foreground job. Called on every SIGWINCH mvrc gets.
func (r *Relay) Resize() { _ = unix.IoctlSetWinsize(r.fd, unix.TIOCSWINSZ, Size()) }

// Finish takes the output that is left once COMMAND has exited, then restores the caller's
// terminal. The deadline only wakes output from its wait; it reads on until the master is
// empty.
func (r *Relay) Finish() {
	_ = r.master.SetReadDeadline(time.Now())
	<-r.done
	r.Restore()
}

// Restore puts the caller's terminal back exactly as it was; safe to call more than once.
func (r *Relay) Restore() { r.restore.Do(func() { _ = term.Restore(0, r.saved) }) }

func (r *Relay) input() {
	buf := make([]byte, 32<<10)
	for {
		n, err := os.Stdin.Read(buf)
		if n > 0 {
			if _, err := r.master.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return // the caller's terminal is gone; COMMAND sees no more input
		}
	}
}

func (r *Relay) output() {
	defer close(r.done)
	raw, err := r.master.SyscallConn()
	if err != nil {
		return
	}
	buf := make([]byte, 64<<10)
	_ = raw.Read(func(fd uintptr) bool { return r.copyOut(int(fd), buf) })
	_ = raw.Control(func(fd uintptr) { r.copyOut(int(fd), buf) })
}

// copyOut copies what the master holds to stdout. It says true when the master is done:
// EIO once every slave is closed (the kernel first hands out what they wrote).
func (r *Relay) copyOut(fd int, buf []byte) bool {
	for {
		n, err := unix.Read(fd, buf)
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
