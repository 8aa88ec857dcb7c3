// Package reaper is --init's PID 1: it starts COMMAND, forwards signals to it, reaps every
// zombie, and exits with COMMAND's status (COMMAND gets the namespace's next free PID: in Go
// that is not 2, because the runtime's own threads take PIDs first).
package reaper

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"mvrc/internal/command"
	"mvrc/internal/errs"
	"mvrc/internal/sealed"
	"mvrc/internal/signals"
)

// Init is a running init with COMMAND started.
type Init struct {
	command int
	caught  chan os.Signal
}

// Start forks COMMAND (already looked up as path) through the hop (see sealed) and returns
// once it runs, or with the reason it could not be exec'd. Signals are caught first, so
// none that arrives while COMMAND starts is lost. With tty (-t, our stdin is the pty),
// COMMAND leads a session of its own with the pty as its controlling terminal. The hop is
// closed when Start returns: PID 1 holds nothing of the host's for the container's life.
func Start(hop int, path string, argv, env []string, tty bool) (*Init, error) {
	defer unix.Close(hop)
	caught := signals.Catch()
	command.DefaultIgnored() // COMMAND starts with every signal at SIG_DFL, like a fresh process
	attr := &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{0, 1, 2},
		Sys:   &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setsid: tty, Setctty: tty, Ctty: 0},
	}
	pid, err := forkHop(hop, path, argv, attr)
	if err != nil {
		signals.Stop(caught)
		return nil, err
	}
	return &Init{command: pid, caught: caught}, nil
}

// forkHop starts the hop with COMMAND's command line. ForkExec takes a path, not a
// descriptor: the hop is named through the container's /proc (sealed.Named). The hop's
// channel is a pipe, its fd 3: EOF once COMMAND's execve worked, or X and the errno (the
// hop's own exec failing, ForkExec reports). Without a /proc that shows the hop, COMMAND is
// exec'd directly: there is no /proc/self/exe to lead back to mvrc then either.
func forkHop(hop int, path string, argv []string, attr *syscall.ProcAttr) (int, error) {
	named, err := sealed.Named(hop)
	if err != nil {
		return 0, err
	}
	if named == "" {
		pid, err := syscall.ForkExec(path, argv, attr)
		if err != nil {
			return 0, command.ExecError(argv[0], err)
		}
		return pid, nil
	}
	var report [2]int
	if err := unix.Pipe2(report[:], unix.O_CLOEXEC); err != nil {
		return 0, errs.Failf("pipe: %w", err)
	}
	defer unix.Close(report[0])
	attr.Files = append(attr.Files, uintptr(report[1]))
	pid, err := syscall.ForkExec(named, append([]string{"3", path}, argv...), attr)
	unix.Close(report[1])
	if err != nil {
		return 0, command.ExecError(argv[0], err)
	}
	if errno, failed := hopReport(report[0]); failed {
		var ws syscall.WaitStatus
		_, _ = syscall.Wait4(pid, &ws, 0, nil)
		return 0, command.ExecError(argv[0], errno)
	}
	return pid, nil
}

// hopReport reads what the hop wrote: X and the errno of COMMAND's execve, or nothing (EOF:
// the execve worked and closed the pipe).
func hopReport(fd int) (errno syscall.Errno, failed bool) {
	msg := make([]byte, 5)
	for {
		n, err := unix.Read(fd, msg)
		if err != unix.EINTR {
			return sealed.Failed(msg[:max(n, 0)])
		}
	}
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
