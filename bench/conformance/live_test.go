// A running twin a test talks to, for the cases that need choreography (signals, pid files).
package conformance

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"mvrc/bench/internal/testenv"
)

// lineTimeout bounds the wait for one expected line of a live twin.
const lineTimeout = 10 * time.Second

// live is a running twin: the test reads its stdout line by line (a readiness marker instead
// of a sleep), writes its stdin and sends it signals.
type live struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr bytes.Buffer
	cancel context.CancelFunc
	once   sync.Once
	done   chan struct{} // closed when mvrc has ended, as fin says
	fin    ending
}

// ending is how mvrc ended: a result, or the signal that killed mvrc itself.
type ending struct {
	result
	killedBy syscall.Signal
}

// start starts a twin with placeholders in args expanded; the test's end kills what is left.
func start(t *testing.T, st *testenv.Staged, twin testenv.Twin, args ...string) *live {
	t.Helper()
	return startIgnoring(t, st, twin, "", args...)
}

// startIgnoring is start with the signals sigs ("INT QUIT") ignored by the caller, as they are
// in a background job of a shell script: mvrc inherits the disposition, and must not pass it on.
func startIgnoring(t *testing.T, st *testenv.Staged, twin testenv.Twin, sigs string, args ...string) *live {
	t.Helper()
	args = expandAll(t, st, twin, args)
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	l := &live{t: t, cancel: cancel, cmd: st.Command(ctx, twin, args...)}
	if sigs != "" {
		// The host's sh ignores them, then becomes mvrc (same pid): SIG_IGN survives execve.
		wrapper := []string{"/bin/sh", "-c", "trap '' " + sigs + `; exec "$0" "$@"`, l.cmd.Path}
		l.cmd.Path, l.cmd.Args = "/bin/sh", append(wrapper, l.cmd.Args[1:]...)
	}
	l.cmd.Stderr = &l.stderr
	var err error
	if l.stdin, err = l.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := l.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	l.stdout = bufio.NewReader(out)
	if err := l.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		<-l.ended()
	})
	return l
}

// expect reads the next stdout line and fails unless it is want.
func (l *live) expect(want string) {
	l.t.Helper()
	// A line that never comes ends mvrc (and so the read) instead of hanging the suite.
	timer := time.AfterFunc(lineTimeout, l.cancel)
	line, err := l.stdout.ReadString('\n')
	timer.Stop()
	if got := strings.TrimSuffix(line, "\n"); err != nil || got != want {
		l.cancel()
		<-l.ended()
		l.t.Fatalf("stdout line %q (%v), want %q\nstderr: %q", got, err, want, l.fin.stderr)
	}
}

// signal sends sig to mvrc itself (nothing, if it has already exited).
func (l *live) signal(sig syscall.Signal) {
	l.t.Helper()
	if err := l.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		l.t.Fatalf("signal %v to mvrc: %v", sig, err)
	}
}

// wait closes stdin and returns how mvrc ended.
func (l *live) wait() result {
	l.t.Helper()
	_ = l.stdin.Close()
	r, ok := l.end(caseTimeout)
	if !ok {
		l.t.Fatalf("mvrc still runs %v after its stdin closed", caseTimeout)
	}
	return r
}

// end waits up to d for mvrc to exit by itself, stdin left open; ok is false if it still runs.
// Once end or wait has been called, stdout belongs to them: no more expect.
func (l *live) end(d time.Duration) (r result, ok bool) {
	l.t.Helper()
	select {
	case <-l.ended():
		if l.fin.killedBy != 0 {
			l.t.Fatalf("mvrc itself was killed by %v\nstderr: %q", l.fin.killedBy, l.fin.stderr)
		}
		return l.fin.result, true
	case <-time.After(d):
		return result{}, false
	}
}

// ended starts, once, the reading of the rest of stdout and the wait for mvrc; the channel
// it returns is closed when l.fin holds how mvrc ended.
func (l *live) ended() <-chan struct{} {
	l.once.Do(func() {
		l.done = make(chan struct{})
		go func() {
			defer close(l.done)
			rest, _ := io.ReadAll(l.stdout)
			_ = l.cmd.Wait()
			l.fin.result = result{code: l.cmd.ProcessState.ExitCode(), stdout: string(rest), stderr: l.stderr.String()}
			if ws := l.cmd.ProcessState.Sys().(syscall.WaitStatus); ws.Signaled() {
				l.fin.killedBy = ws.Signal()
			}
		}()
	})
	return l.done
}
