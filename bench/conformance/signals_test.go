// Signals sent to mvrc, and mvrc's own death (SPEC, Lifecycle; design.md, Signals).
package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"mvrc/bench/internal/testenv"
)

// alive answers every line on stdin with "alive": a handshake that the container still runs.
// sh has no handler for TERM, so as PID 1 the kernel drops a TERM sent to it.
const alive = "echo ready; while read x; do echo alive; done"

// aliveNoINT is alive ignoring INT: busybox sh -c catches INT itself (bash compatibility),
// so only an ignored INT leaves PID 1 running, as a PID 1 without a handler would.
const aliveNoINT = "trap '' INT; " + alive

// trapped runs as a PID 1 with a handler for each forwarded signal: it echoes the signal's
// name, so the test knows it arrived before sending the next.
const trapped = `for s in HUP QUIT USR1 USR2 WINCH TERM INT; do trap "echo $s" $s; done
echo ready
while :; do sleep 1000 & wait $!; done`

func TestSignals(t *testing.T) {
	cases := []struct {
		name   string
		opts   []string
		script string
		send   []syscall.Signal // to mvrc, one after the other, each answered by its echo line
		echo   []string
		last   syscall.Signal // sent once after the echoes, must end mvrc; 0: stdin is closed
		code   int
		ignore string // signals the caller of mvrc ignores
	}{
		// A PID 1 without a handler shows nothing when a signal reaches it, so these show only
		// that it survived; the cases after them count signals that PID 1 has echoed.
		{name: "pid 1 without a handler survives TERM", script: alive,
			send: sig(syscall.SIGTERM), echo: []string{"alive"}, code: 0},
		{name: "pid 1 survives an INT it ignores", script: aliveNoINT,
			send: sig(syscall.SIGINT), echo: []string{"alive"}, code: 0},
		{name: "the second TERM kills", script: trapped,
			send: sig(syscall.SIGTERM), echo: []string{"TERM"}, last: syscall.SIGTERM, code: 137},
		{name: "the second INT kills", script: trapped,
			send: sig(syscall.SIGINT), echo: []string{"INT"}, last: syscall.SIGINT, code: 137},
		{name: "INT and TERM are counted together", script: trapped,
			send: sig(syscall.SIGINT), echo: []string{"INT"}, last: syscall.SIGTERM, code: 137},
		{name: "other signals do not count", script: trapped,
			send: sig(syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGTERM, syscall.SIGWINCH), echo: []string{"HUP", "USR1", "TERM", "WINCH"}, last: syscall.SIGTERM, code: 137},
		{name: "every listed signal is forwarded", script: trapped,
			send: sig(syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGTERM),
			echo: []string{"HUP", "QUIT", "USR1", "USR2", "WINCH", "TERM"}, last: syscall.SIGINT, code: 137},
		{name: "init passes the first TERM to the command", opts: o("--init"), script: alive,
			last: syscall.SIGTERM, code: 143},
		{name: "init passes the first INT to the command", opts: o("--init"), script: alive,
			last: syscall.SIGINT, code: 130},
		{name: "init passes HUP to the command", opts: o("--init"), script: alive,
			last: syscall.SIGHUP, code: 129},
		{name: "init passes INT even when the caller ignores it", opts: o("--init"), script: alive,
			last: syscall.SIGINT, code: 130, ignore: "INT QUIT"},
		{name: "pid 1 gets QUIT even when the caller ignores it", script: trapped,
			send: sig(syscall.SIGQUIT, syscall.SIGTERM), echo: []string{"QUIT", "TERM"}, last: syscall.SIGTERM, code: 137, ignore: "INT QUIT"},
		{name: "init forwards to a command with handlers", opts: o("--init"), script: trapped,
			send: sig(syscall.SIGUSR1, syscall.SIGWINCH, syscall.SIGTERM), echo: []string{"USR1", "WINCH", "TERM"}, last: syscall.SIGINT, code: 137},
	}
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				l := startIgnoring(t, st, twin, c.ignore, runSh(c.opts, c.script)...)
				l.expect("ready")
				for i, s := range c.send {
					l.signal(s)
					if c.echo[i] == "alive" {
						if _, err := l.stdin.Write([]byte("ping\n")); err != nil {
							t.Fatalf("after %v: the container is gone: %v", s, err)
						}
					}
					l.expect(c.echo[i])
				}
				var r result
				if c.last == 0 {
					r = l.wait()
				} else {
					r = lastSignal(t, l, c.last)
				}
				if r.code != c.code || r.stderr != "" {
					t.Errorf("exit %d, stderr %q, want %d and nothing", r.code, r.stderr, c.code)
				}
			})
		}
	})
}

// TestSignalsDuringSetup: a signal that reaches mvrc while it sets the container up neither
// kills mvrc nor is lost: it is forwarded once COMMAND runs (SPEC, Lifecycle). A stand-in
// newuidmap sends it from the middle of the setup, the id maps, before any COMMAND exists.
func TestSignalsDuringSetup(t *testing.T) {
	ranges := o("--uid-map", "0:{uid}:1", "--uid-map", "1:{subuid}:10")
	forEachTwin(t, []tcase{
		// Under --init, COMMAND has no handler: the HUP ends it.
		{name: "a signal during the setup reaches the command", args: run(append(o("--init"), ranges...), "sleep", "1000"),
			env: []string{"PATH={stage}/helpers/hup"}, code: 129},
		// PID 1 ignores the first (no handler); the second, counted with it, is SIGKILL.
		{name: "two stops during the setup kill the container", args: run(ranges, "sleep", "1000"),
			env: []string{"PATH={stage}/helpers/stops"}, code: 137},
	})
}

// lastSignal sends, once, the signal that must end mvrc and waits for the end. Every signal
// before it has been echoed by the container, so mvrc has handled it: two identical signals
// pending at once would merge (in the kernel, and in Go's runtime), these never are.
func lastSignal(t *testing.T, l *live, s syscall.Signal) result {
	t.Helper()
	l.signal(s)
	if r, ok := l.end(lineTimeout); ok {
		return r
	}
	l.cancel()
	<-l.ended()
	t.Fatalf("the container still runs %v after %v\nstdout: %q\nstderr: %q", lineTimeout, s, l.fin.stdout, l.fin.stderr)
	return result{}
}

// TestFreshSignalState: the command starts with nothing blocked, ignored or caught, whatever
// the caller had, like a fresh process (design.md, Signal state: every signal back to SIG_DFL).
// ALRM, TSTP and TTOU are none of the forwarded signals: Go's runtime caught ALRM (so execve
// reset it) and left TSTP and TTOU ignored; Rust left all three ignored.
func TestFreshSignalState(t *testing.T) {
	want := "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n"
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		for _, opts := range [][]string{nil, o("--init")} {
			for _, ignore := range []string{"", "INT QUIT HUP PIPE", "ALRM TSTP TTOU TTIN HUP INT USR1 CHLD"} {
				l := startIgnoring(t, st, twin, ignore, run(opts, "grep", "-E", "^Sig(Blk|Ign|Cgt)", "/proc/self/status")...)
				if r := l.wait(); r.code != 0 || r.stdout != want {
					t.Errorf("mvrc run %v (caller ignores %q): exit %d, stdout %q, want 0, %q", opts, ignore, r.code, r.stdout, want)
				}
			}
		}
	})
}

func TestKilledFromHost(t *testing.T) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		pidFile := st.Dir + "/pid"
		l := start(t, st, twin, runSh(o("--pid-file", pidFile), "echo ready; exec sleep 1000")...)
		l.expect("ready")
		if err := syscall.Kill(readPidFile(t, pidFile), syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if r := l.wait(); r.code != 137 || r.stderr != "" {
			t.Errorf("exit %d, stderr %q, want 137 and nothing", r.code, r.stderr)
		}
	})
}

func TestKilledMvrcLeavesNoContainer(t *testing.T) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		killedMvrcLeavesNothing(t, st, twin, nil)
	})
}

// TestKilledMvrcAfterIdentityChange: the kernel clears the parent-death signal at every
// change of effective id; --user 1000:1000 over sub-id ranges changes it twice (to root of
// the namespace, then to 1000), and the child must have re-armed it after each.
func TestKilledMvrcAfterIdentityChange(t *testing.T) {
	opts := append(o("--user", "1000:1000"), ranges...)
	eachIdentity(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		for _, c := range []struct {
			name string
			opts []string
		}{{"user over ranges", opts}, {"user over ranges under init", append(o("--init"), opts...)}} {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				killedMvrcLeavesNothing(t, st, twin, c.opts)
			})
		}
	})
}

// killedMvrcLeavesNothing kills mvrc with SIGKILL while its container runs a background
// sleep, and checks that the container's PID 1 and the sleep end with it.
func killedMvrcLeavesNothing(t *testing.T, st *testenv.Staged, twin testenv.Twin, opts []string) {
	t.Helper()
	pidFile := filepath.Join(st.Dir, "pid-"+strings.ReplaceAll(t.Name(), "/", "-"))
	l := start(t, st, twin, runSh(append(o("--pid-file", pidFile), opts...), "sleep 1000 & echo ready; exec sleep 1000")...)
	l.expect("ready")
	pid1 := readPidFile(t, pidFile)
	others := children(t, pid1)
	if len(others) != 1 {
		t.Fatalf("container PID 1 has children %v, want the one background sleep", others)
	}

	l.signal(syscall.SIGKILL)
	<-l.ended()
	// mvrc is reaped, so PID 1 has re-parented to us (TestMain made us the subreaper):
	// waiting for it ends when the parent-death signal killed it, and a pid namespace
	// dies with its PID 1.
	if status, err := reap(pid1, 10*time.Second); err != nil {
		_ = syscall.Kill(pid1, syscall.SIGKILL)
		t.Fatalf("container PID 1 (host pid %d) after mvrc was killed: %v", pid1, err)
	} else if !status.Signaled() || status.Signal() != syscall.SIGKILL {
		t.Errorf("container PID 1 ended with %v, want killed by SIGKILL", status)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", others[0])); err == nil {
		t.Errorf("container process %d outlived its PID 1", others[0])
	}
}

// sig lists signals.
func sig(s ...syscall.Signal) []syscall.Signal { return s }

// children lists the host pids of pid's children.
func children(t *testing.T, pid int) []int {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		p, _ := strconv.Atoi(f)
		pids = append(pids, p)
	}
	return pids
}

// reap waits for our child pid to end, at most d.
func reap(pid int, d time.Duration) (syscall.WaitStatus, error) {
	type exit struct {
		status syscall.WaitStatus
		err    error
	}
	done := make(chan exit, 1)
	go func() {
		var ws syscall.WaitStatus
		_, err := syscall.Wait4(pid, &ws, 0, nil)
		done <- exit{ws, err}
	}()
	select {
	case e := <-done:
		return e.status, e.err
	case <-time.After(d):
		return 0, fmt.Errorf("still running after %v", d)
	}
}
