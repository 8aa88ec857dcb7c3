// A twin started on a terminal the test owns (for -t): a fresh pty whose slave is mvrc's
// stdin, stdout, stderr and controlling terminal. The test types into the master and reads
// the screen from it, as a person at a terminal would.
package conformance

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"mvrc/bench/internal/testenv"
)

// onPTY is a twin running on a terminal of the test's own.
type onPTY struct {
	t      *testing.T
	master *os.File
	fd     int // master's, for ioctls (see rawFD)
	cmd    *exec.Cmd
	before unix.Termios // the terminal's settings before mvrc started

	mu      sync.Mutex
	screen  []byte        // everything mvrc and the container wrote
	mark    int           // expect looks from here on
	changed chan struct{} // closed and replaced when screen grows or the master ends
	closed  bool          // the master said EIO: no slave is open any more
	gone    bool          // the test closed the master: a hang-up
}

// startOnPTY starts a twin on a new 24x80 terminal; the test's end kills what is left.
func startOnPTY(t *testing.T, st *testenv.Staged, twin testenv.Twin, args ...string) *onPTY {
	t.Helper()
	return startOn(t, st, twin, true, args)
}

// startOn is startOnPTY; without ctty, the terminal is only mvrc's stdio, not its session's
// controlling terminal (so its hang-up sends mvrc no SIGHUP).
func startOn(t *testing.T, st *testenv.Staged, twin testenv.Twin, ctty bool, args []string) *onPTY {
	t.Helper()
	master, slave, err := openPTY()
	if err != nil {
		t.Fatal(err)
	}
	p := &onPTY{t: t, master: master, fd: rawFD(master), changed: make(chan struct{})}
	p.resize(24, 80)
	if p.before, err = p.termios(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	cmd := st.Command(ctx, twin, expandAll(t, st, twin, args)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	// A session of its own with the slave as controlling terminal, as a login shell has:
	// the terminal's SIGWINCH then reaches mvrc.
	cmd.SysProcAttr.Setsid, cmd.SysProcAttr.Setctty, cmd.SysProcAttr.Ctty = true, ctty, 0
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close() // mvrc and the container hold it now: the master says EIO once they are gone
	p.cmd = cmd
	go p.read()
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		master.Close()
	})
	return p
}

// openPTY opens a new pty of the host's devpts, unlocked.
func openPTY() (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := rawFD(master)
	if err = unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err == nil {
		var n uint32
		if n, err = unix.IoctlGetUint32(fd, unix.TIOCGPTN); err == nil {
			slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
		}
	}
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, slave, nil
}

// rawFD is f's descriptor. f.Fd() would make f blocking: a Read then parks in read(2), and
// Close would wait for it before the master really closes (the hang-up tests close it).
func rawFD(f *os.File) int {
	fd := -1
	if raw, err := f.SyscallConn(); err == nil {
		_ = raw.Control(func(d uintptr) { fd = int(d) })
	}
	return fd
}

func (p *onPTY) read() {
	buf := make([]byte, 64<<10)
	for {
		n, err := p.master.Read(buf)
		p.mu.Lock()
		p.screen = append(p.screen, buf[:n]...)
		p.closed = err != nil
		close(p.changed)
		p.changed = make(chan struct{})
		p.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// expect waits until the screen, after what earlier expects matched, matches re; it returns
// the submatches. The wait is bounded by lineTimeout.
func (p *onPTY) expect(re string) []string {
	p.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(lineTimeout)
	for {
		p.mu.Lock()
		loc := rx.FindSubmatchIndex(p.screen[p.mark:])
		screen, changed, closed := string(p.screen), p.changed, p.closed
		if loc != nil {
			m := make([]string, len(loc)/2)
			for i := range m {
				if loc[2*i] >= 0 {
					m[i] = string(p.screen[p.mark+loc[2*i] : p.mark+loc[2*i+1]])
				}
			}
			p.mark += loc[1]
			p.mu.Unlock()
			return m
		}
		p.mu.Unlock()
		select {
		case <-changed:
			if !closed {
				continue
			}
		case <-deadline:
		}
		p.t.Fatalf("the screen never showed %q; it shows:\n%s", re, visible(screen))
	}
}

// typed sends keys as a person types them: raw bytes, "\r" for Enter, "\x03" for ^C.
func (p *onPTY) typed(keys string) {
	p.t.Helper()
	if _, err := p.master.Write([]byte(keys)); err != nil {
		p.t.Fatal(err)
	}
}

// resize sets the terminal's window size; the kernel signals its foreground job (mvrc).
func (p *onPTY) resize(rows, cols uint16) {
	p.t.Helper()
	if err := unix.IoctlSetWinsize(p.fd, unix.TIOCSWINSZ, &unix.Winsize{Row: rows, Col: cols}); err != nil {
		p.t.Fatal(err)
	}
}

// termios reads the terminal's settings (on a pty master the kernel answers for the slave).
func (p *onPTY) termios() (unix.Termios, error) {
	tio, err := unix.IoctlGetTermios(p.fd, unix.TCGETS)
	if err != nil {
		return unix.Termios{}, err
	}
	return *tio, nil
}

// wait waits for mvrc's exit and the last of its output; it fails the test unless mvrc
// exited with a status and left the terminal's settings exactly as they were.
func (p *onPTY) wait() (code int, screen string) {
	p.t.Helper()
	err := p.cmd.Wait()
	p.expectEnd()
	if err != nil && p.cmd.ProcessState == nil {
		p.t.Fatal(err)
	}
	if ws := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ws.Signaled() {
		p.t.Fatalf("mvrc itself was killed by %v; the screen:\n%s", ws.Signal(), visible(p.text()))
	}
	if after, err := p.termios(); err != nil || after != p.before {
		p.t.Errorf("the terminal's settings changed: before %+v\nafter %+v (%v)", p.before, after, err)
	}
	return p.cmd.ProcessState.ExitCode(), p.text()
}

// expectEnd waits, bounded, until the master says no slave is open.
func (p *onPTY) expectEnd() {
	p.t.Helper()
	deadline := time.After(lineTimeout)
	for {
		p.mu.Lock()
		changed, closed := p.changed, p.closed
		p.mu.Unlock()
		if closed {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			p.t.Fatalf("the terminal is still open %v after mvrc exited:\n%s", lineTimeout, visible(p.text()))
		}
	}
}

func (p *onPTY) text() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.screen)
}

// visible shows control characters, so a failure shows what the screen got.
func visible(s string) string {
	if len(s) > 4000 {
		s = "..." + s[len(s)-4000:]
	}
	return strings.NewReplacer("\r", `\r`, "\x1b", `\e`).Replace(s)
}
