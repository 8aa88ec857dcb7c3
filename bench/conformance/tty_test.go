// -t and -i (SPEC, "Options of run"; design.md, "A terminal of its own"): the container's
// own pty, driven from a terminal the test owns, the way a person types into `mvrc run -it`.
package conformance

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"mvrc/bench/internal/testenv"
)

// shell is `mvrc run -it` of an interactive sh with a prompt easy to find on the screen.
func shell(opts ...string) []string {
	return run(append(o("-it", "-e", "PS1=PROMPT> "), opts...), "/bin/sh")
}

const prompt = `PROMPT> `

// interrupt runs a foreground job, sends ^C, and checks the shell got back with 130 and
// nothing left running. "go" comes from the job itself, so it is in the foreground by then.
func interrupt(p *onPTY) {
	p.typed("sh -c 'echo go; exec sleep 100'\r")
	p.expect(`\r\ngo\r\n`)
	p.typed("\x03")
	p.expect(prompt)
	p.typed("echo rc=$?; ps -o comm | grep -c sleep\r")
	p.expect(`\r\nrc=130\r\n0\r\n`)
	p.expect(prompt)
}

func TestTerminal(t *testing.T) {
	cases := []struct {
		name string
		args []string
		play func(p *onPTY)
		code int
	}{
		{name: "tty is a pty of the container, also at /dev/console",
			args: run(o("-t"), "sh", "-c", `tty; [ /dev/console -ef "$(tty)" ] && echo console`),
			play: func(p *onPTY) { p.expect(`\A/dev/pts/\d+\r\nconsole\r\n\z`) }},
		{name: "window size follows the caller's terminal",
			args: run(o("-t"), "sh", "-c", `trap 'stty size; exit 0' WINCH; stty size; while :; do sleep 1000 & wait $!; done`),
			play: func(p *onPTY) {
				p.expect(`\A24 80\r\n`)
				p.resize(40, 100)
				p.expect(`\A40 100\r\n\z`)
			}},
		{name: "^C interrupts the foreground job, not the container",
			args: shell(),
			play: func(p *onPTY) {
				p.expect(prompt)
				interrupt(p)
				p.typed("exit 0\r")
			}},
		{name: "job control: jobs, ^Z and fg",
			args: shell(),
			play: func(p *onPTY) {
				p.expect(prompt)
				p.typed("sleep 50 &\r")
				p.expect(prompt)
				p.typed("jobs\r")
				p.expect(`\r\n\[1\]\+ +Running +sleep 50\r\n`)
				p.typed("sh -c 'echo go; exec cat'\r")
				p.expect(`\r\ngo\r\n`)
				p.typed("\x1a")
				p.expect(`\[2\]\+ +Stopped +sh -c "echo go; exec cat"\r\n`)
				p.expect(prompt)
				if state := processState(p.cmd.Process.Pid); state == "T" {
					p.t.Errorf("mvrc is stopped (state %q) after ^Z: the job must stop, not mvrc", state)
				}
				p.typed("fg %2\r")
				p.expect(`\r\nsh -c "echo go; exec cat"\r\n`)
				p.typed("hello\r")
				p.expect(`\Ahello\r\nhello\r\n`)
				p.typed("\x04")
				p.expect(prompt)
				p.typed("echo rc=$?\r")
				p.expect(`\r\nrc=0\r\n`)
				p.typed("exit 0\r")
			}},
		{name: "the shell's exit status is mvrc's", args: shell(), code: 3,
			play: func(p *onPTY) {
				p.expect(prompt)
				p.typed("exit 3\r")
			}},
		{name: "under --init COMMAND gets the terminal", args: shell("--init"),
			play: func(p *onPTY) {
				p.expect(prompt)
				p.typed("tty\r")
				p.expect(`\r\n/dev/pts/\d+\r\n`)
				interrupt(p)
				p.typed("exit 0\r")
			}},
		{name: "TERM to mvrc ends the container, the terminal restored", code: 5,
			args: run(o("-t"), "sh", "-c", `trap 'exit 5' TERM; echo ready; while :; do sleep 1000 & wait $!; done`),
			play: func(p *onPTY) {
				p.expect(`\Aready\r\n`)
				p.expectRaw()
				p.signal(syscall.SIGTERM)
			}},
		{name: "COMMAND killed, the terminal restored", code: 137,
			args: run(o("-t"), "sh", "-c", `echo ready; exec sleep 100`),
			play: func(p *onPTY) {
				p.expect(`\Aready\r\n`)
				p.expectRaw()
				p.signal(syscall.SIGINT) // sleep as PID 1 ignores it; the second stop is SIGKILL
				p.signal(syscall.SIGTERM)
			}},
		{name: "COMMAND not found", args: run(o("-t"), "nope"), code: 127,
			play: func(p *onPTY) { p.expect(`\Amvrc: exec "nope": no such file or directory\r\n\z`) }},
		{name: "without pid, a job left holding the terminal does not keep mvrc",
			args: run(o("--ns", "user,mount", "-t"), "sh", "-c", "trap '' HUP; sleep 100 & echo hi"),
			play: func(p *onPTY) { p.expect(`\r\nhi\r\n\z`) }},
		{name: "10 MiB of output arrive whole",
			args: run(o("-t"), "sh", "-c", `head -c 10485760 /dev/zero | tr '\000' x`),
			play: func(*onPTY) {}},
	}
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				p := startOnPTY(t, st, twin, c.args...)
				c.play(p)
				code, screen := p.wait()
				if code != c.code {
					t.Errorf("exit %d, want %d; the screen:\n%s", code, c.code, visible(screen))
				}
				if strings.HasPrefix(c.name, "10 MiB") && screen != strings.Repeat("x", 10<<20) {
					t.Errorf("got %d bytes (%d of them x), want 10485760 x", len(screen), strings.Count(screen, "x"))
				}
			})
		}
	})
}

// Without a terminal on stdin, -t is refused up front; stdin is attached with or without -i.
func TestTerminalNeedsATerminal(t *testing.T) {
	forEachTwin(t, []tcase{
		{name: "-t without a terminal", args: run(o("-t"), "true"), code: 125, stderr: fail(`mvrc: --tty: stdin is not a terminal`)},
		{name: "-it without a terminal", args: run(o("-it"), "true"), code: 125, stderr: fail(`mvrc: --tty: stdin is not a terminal`)},
		{name: "tty needs mount", args: run(o("--ns", "user,pid", "-t"), "true"), code: 125, stderr: usage(`mvrc: --tty needs the mount namespace`)},
		{name: "stdin is attached without -i", args: run(nil, "cat"), stdin: "hi\n", stdout: "hi\n"},
		{name: "stdin is attached with -i", args: run(o("-i"), "cat"), stdin: "hi\n", stdout: "hi\n"},
	})
}

// expectRaw checks that mvrc has put the terminal in raw mode (so that restoring it is news).
func (p *onPTY) expectRaw() {
	p.t.Helper()
	now, err := p.termios()
	if err != nil || now.Lflag&(unix.ICANON|unix.ECHO|unix.ISIG) != 0 {
		p.t.Errorf("the terminal is not raw while mvrc runs: lflag %#x (%v)", now.Lflag, err)
	}
}

// signal sends sig to mvrc itself.
func (p *onPTY) signal(sig syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %v to mvrc: %v", sig, err)
	}
}

// processState is the state letter of pid in /proc (S sleeping, T stopped, ...).
func processState(pid int) string {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "gone"
	}
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return f[0]
}
