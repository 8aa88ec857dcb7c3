// -t when the caller's terminal hangs up (SPEC, "A terminal of its own"): the tmux server
// killed, the ssh connection dropped. mvrc hangs up the container's terminal and ends with
// it, leaving nothing on the host.
package conformance

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"mvrc/bench/internal/testenv"
)

func TestTerminalHangUp(t *testing.T) {
	// A shell with a job in the background, the caller's terminal hung up. The test's
	// terminal closing sends mvrc SIGHUP (it leads the terminal's session) and EOF on stdin;
	// either alone must do as much. The shell, PID 1, ignores SIGHUP (a kernel rule) and ends
	// on the EOF of its hung-up terminal (busybox's ash: with 2 after a job it waited for was
	// killed); under --init it dies of the SIGHUP, 129.
	cases := []struct {
		name   string
		args   []string
		noCtty bool // mvrc's stdio only: its hang-up is EOF on stdin, no SIGHUP
		hangUp func(p *onPTY)
		code   int
	}{
		{name: "the terminal closes", args: shell(), hangUp: (*onPTY).close},
		{name: "the terminal closes, under --init", args: shell("--init"), hangUp: (*onPTY).close, code: 129},
		{name: "SIGHUP to mvrc", args: shell(), hangUp: (*onPTY).hup},
		{name: "SIGHUP to mvrc, under --init", args: shell("--init"), hangUp: (*onPTY).hup, code: 129},
		{name: "a job in the foreground, the terminal closes", args: shell(), hangUp: busy((*onPTY).close), code: 2},
		{name: "a job in the foreground, under --init", args: shell("--init"), hangUp: busy((*onPTY).close), code: 129},
		{name: "a job in the foreground, SIGHUP to mvrc", args: shell(), hangUp: busy((*onPTY).hup), code: 2},
		{name: "stdin hangs up", args: shell(), noCtty: true, hangUp: (*onPTY).close},
		{name: "stdin hangs up, under --init", args: shell("--init"), noCtty: true, hangUp: (*onPTY).close, code: 129},
	}
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				p := startOn(t, st, twin, !c.noCtty, c.args)
				p.expect(prompt)
				p.typed("sleep 1000 &\r")
				p.expect(prompt)
				procs := container(p.cmd.Process.Pid)
				if len(procs) < 2 {
					t.Fatalf("mvrc runs %v, want at least the shell and sleep", procs)
				}
				c.hangUp(p)
				exited := make(chan error, 1)
				go func() { exited <- p.cmd.Wait() }()
				select {
				case <-exited:
				case <-time.After(lineTimeout):
					t.Errorf("mvrc still runs %v after the hang-up; the screen:\n%s", lineTimeout, visible(p.text()))
					_ = p.cmd.Process.Kill()
					<-exited
				}
				for _, proc := range procs {
					if proc.alive() {
						t.Errorf("%s of the container still runs after mvrc's end (killed now)", proc)
						_ = syscall.Kill(proc.pid, syscall.SIGKILL)
					}
				}
				if t.Failed() {
					return
				}
				if ws := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ws.Signaled() || ws.ExitStatus() != c.code {
					t.Errorf("mvrc ended with %v, want exit %d; the screen:\n%s", ws, c.code, visible(p.text()))
				}
				if !p.isClosed() {
					p.expectEnd()
					if after, err := p.termios(); err != nil || after != p.before {
						t.Errorf("the terminal's settings changed: before %+v\nafter %+v (%v)", p.before, after, err)
					}
				}
			})
		}
	})
}

// close hangs up the terminal as a terminal emulator does when its window closes: the
// master's last descriptor closes.
func (p *onPTY) close() {
	p.t.Helper()
	p.mu.Lock()
	p.gone = true
	p.mu.Unlock()
	if err := p.master.Close(); err != nil {
		p.t.Fatal(err)
	}
}

// busy runs a job in the foreground first, so that the shell waits for it, not for keys:
// the job's SIGHUP ends it, and the shell, on EOF, with the job's status.
func busy(hangUp func(p *onPTY)) func(p *onPTY) {
	return func(p *onPTY) {
		p.typed("sh -c 'echo go; exec sleep 1000'\r")
		p.expect(`\r\ngo\r\n`)
		hangUp(p)
	}
}

// hup sends mvrc SIGHUP, the terminal staying.
func (p *onPTY) hup() { p.signal(syscall.SIGHUP) }

func (p *onPTY) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gone
}

// process is one process, named by its pid and start time (a pid may be reused).
type process struct {
	pid   int
	start string
	comm  string
}

func (p process) String() string { return fmt.Sprintf("process %d (%s)", p.pid, p.comm) }

func (p process) alive() bool {
	now, ok := readStat(p.pid)
	return ok && now.start == p.start && now.state != "Z"
}

type stat struct{ start, state, comm string }

// readStat reads /proc/PID/stat: state, start time and name.
func readStat(pid int) (stat, bool) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return stat{}, false
	}
	s := string(raw)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	f := strings.Fields(s[end+1:])
	return stat{start: f[19], state: f[0], comm: s[open+1 : end]}, true
}

// container is every process below mvrc (pid): its child, the container's.
func container(pid int) []process {
	var found []process
	for _, n := range descendants(pid) {
		if st, ok := readStat(n); ok {
			found = append(found, process{pid: n, start: st.start, comm: st.comm})
		}
	}
	return found
}
