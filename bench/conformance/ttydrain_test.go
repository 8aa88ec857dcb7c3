// -t: the output the container leaves behind when it exits, taken whole (SPEC, "A terminal of
// its own").
package conformance

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"mvrc/bench/internal/testenv"
)

// What the container wrote just before it exited arrives whole, however slow the caller's
// terminal: its output is stopped (as ^S stops a real terminal) while the container writes
// and exits, so mvrc holds that output when COMMAND is gone, and may end only once it is out.
func TestTerminalDrains(t *testing.T) {
	const size = 6000 // fits what the container's pty and mvrc hold, so the container can finish
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		master, slave, err := openPTY()
		if err != nil {
			t.Fatal(err)
		}
		defer master.Close()
		defer slave.Close() // kept open: only the slave can restart its output
		if err := unix.IoctlSetInt(int(slave.Fd()), unix.TCXONC, unix.TCOOFF); err != nil {
			t.Fatal(err)
		}
		done := fifo(t, st, "done") // the container holds it open until its last process ends
		ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
		script := fmt.Sprintf(`exec 3>/done; head -c %d /dev/zero | tr '\000' x`, size)
		args := expandAll(t, st, twin, run(o("-t", "-v", done+":/done"), "sh", "-c", script))
		cmd := st.Command(ctx, twin, args...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
		cmd.SysProcAttr.Setsid, cmd.SysProcAttr.Setctty = true, true
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var waitErr error
		ended := make(chan struct{}) // closed once mvrc has ended, waitErr set
		go func() { waitErr = cmd.Wait(); close(ended) }()
		t.Cleanup(func() {
			cancel()
			<-ended
		})
		waitClosed(t, done)
		// The container is gone and its output is held. An mvrc that ends now loses it: give
		// it the chance to (a bounded look, not a synchronisation: mvrc must still run after).
		select {
		case <-ended:
			t.Fatalf("mvrc ended (%v) while the container's output was still held", waitErr)
		case <-time.After(time.Second):
		}
		if err := unix.IoctlSetInt(int(slave.Fd()), unix.TCXONC, unix.TCOON); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, size)
		if _, err := io.ReadFull(master, got); err != nil || string(got) != strings.Repeat("x", size) {
			t.Errorf("got %q... (%v), want %d x", got[:min(len(got), 40)], err, size)
		}
		if <-ended; waitErr != nil {
			t.Errorf("mvrc: %v", waitErr)
		}
	})
}

// fifo makes a named pipe NAME in the stage that the test user may open.
func fifo(t *testing.T, st *testenv.Staged, name string) string {
	t.Helper()
	path := filepath.Join(st.Dir, name)
	if err := unix.Mkfifo(path, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o666); err != nil { // past the umask
		t.Fatal(err)
	}
	return path
}

// waitClosed blocks until a writer has opened the fifo at path and every writer has closed
// it again, for at most lineTimeout.
func waitClosed(t *testing.T, path string) {
	t.Helper()
	closed := make(chan error, 1)
	go func() {
		f, err := os.Open(path) // blocks until the first writer opens it
		if err == nil {
			_, err = io.Copy(io.Discard, f) // EOF: no writer left
			f.Close()
		}
		closed <- err
	}()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(lineTimeout):
		t.Fatalf("the container still runs %v after it started: its output should fit the pty", lineTimeout)
	}
}
