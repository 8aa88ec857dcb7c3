// Package reaper reaps what the container leaves behind. Under --init it is PID 1: it starts
// COMMAND, forwards signals to it, reaps every child, and exits with COMMAND's status
// (COMMAND gets the namespace's next free PID: in Go that is not 2, because the runtime's
// own threads take PIDs first). Without a PID namespace, the parent is a subreaper that
// kills COMMAND's orphans.
package reaper

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
	"mvrc/internal/signals"
)

// Init is a running init with COMMAND started.
type Init struct {
	pid    int
	caught chan os.Signal
}

// Start forks COMMAND (already looked up as path). Signals are caught first, so none that
// arrives while COMMAND starts is lost. With tty (-t, our stdin is the pty), COMMAND leads a
// session of its own with the pty as its controlling terminal.
func Start(path string, argv, env []string, tty bool) (*Init, error) {
	caught := signals.Catch()
	pid, err := syscall.ForkExec(path, argv, &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{0, 1, 2},
		Sys:   &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setsid: tty, Setctty: tty, Ctty: 0},
	})
	if err != nil {
		signals.Stop(caught)
		return nil, err
	}
	return &Init{pid: pid, caught: caught}, nil
}

// Wait forwards signals to COMMAND and reaps every process that ends: orphans re-parented
// to PID 1 would otherwise stay zombies. It returns COMMAND's status; when PID 1 exits,
// the kernel kills whatever is left in the namespace.
func (i *Init) Wait() int {
	go signals.Forward(i.caught, i.pid, nil)
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return errs.Failed
		case pid == i.pid:
			return errs.Status(ws)
		}
	}
}

// BecomeSubreaper makes the orphans of our descendants ours instead of the host's init's.
// Without a PID namespace, nothing kills what COMMAND leaves running in the background
// when it exits: KillOrphans then does.
func BecomeSubreaper() error {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return errs.Failf("prctl: %w", err)
	}
	return nil
}

// KillOrphans kills and reaps every child left to the subreaper, again until none is left:
// one may fork while we look. It runs after the container has ended, never on the start path.
func KillOrphans() {
	for {
		children := childrenOf(os.Getpid())
		if len(children) == 0 {
			return
		}
		for _, pid := range children {
			_ = unix.Kill(pid, unix.SIGKILL)
		}
		for _, pid := range children {
			for {
				if _, err := unix.Wait4(pid, nil, 0, nil); err != unix.EINTR {
					break
				}
			}
		}
	}
}

// childrenOf lists the processes whose parent is pid, from the PPid lines in /proc.
func childrenOf(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	ppid := fmt.Sprintf("\nPPid:\t%d\n", pid)
	var children []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err == nil && strings.Contains(string(status), ppid) {
			children = append(children, child)
		}
	}
	return children
}
