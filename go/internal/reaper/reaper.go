// Package reaper is --init's PID 1: it starts COMMAND, forwards signals to it, reaps every
// zombie, and exits with COMMAND's status (COMMAND gets the namespace's next free PID: in Go
// that is not 2, because the runtime's own threads take PIDs first).
package reaper

import (
	"os"
	"syscall"

	"mvrc/internal/command"
	"mvrc/internal/errs"
	"mvrc/internal/signals"
)

// Init is a running init with COMMAND started.
type Init struct {
	command int
	caught  chan os.Signal
}

// Start forks COMMAND (already looked up as path) and returns once it runs, or with the
// reason it could not be exec'd (ForkExec reads it from a close-on-exec pipe). Signals are
// caught first, so none that arrives while COMMAND starts is lost. With tty (-t, our stdin
// is the pty), COMMAND leads a session of its own with the pty as its controlling terminal.
func Start(path string, argv, env []string, tty bool) (*Init, error) {
	caught := signals.Catch()
	command.DefaultIgnored() // COMMAND starts with every signal at SIG_DFL, like a fresh process
	pid, err := syscall.ForkExec(path, argv, &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{0, 1, 2},
		Sys:   &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setsid: tty, Setctty: tty, Ctty: 0},
	})
	if err != nil {
		signals.Stop(caught)
		return nil, command.ExecError(argv[0], err)
	}
	return &Init{command: pid, caught: caught}, nil
}

// Wait forwards signals to COMMAND and reaps every process that ends: orphans re-parented
// to PID 1 would otherwise stay zombies. It returns COMMAND's status; when PID 1 exits,
// the kernel kills whatever is left in the namespace.
func (i *Init) Wait() int {
	go signals.Forward(i.caught, i.command, nil)
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return errs.Failed
		case pid == i.command:
			return errs.Status(ws)
		}
	}
}
