// Waiting for the child: until COMMAND runs (or the child's error), and until it exits.

package parent

import (
	"syscall"

	"golang.org/x/sys/unix"

	"mvrc/internal/channel"
)

// wait reaps the child and returns how it ended.
func wait(pid int) syscall.WaitStatus {
	var ws syscall.WaitStatus
	for {
		if _, err := syscall.Wait4(pid, &ws, 0, nil); err != syscall.EINTR {
			return ws
		}
	}
}

// kill ends a child that has not reached COMMAND, and reaps it.
func kill(pid int) {
	_ = syscall.Kill(pid, syscall.SIGKILL)
	wait(pid)
}

// waitForExec waits until COMMAND runs and returns the pty's master under -t (else -1), or
// returns the error that stopped the child. The child is killed first: after a broken
// channel it may still be waiting for us.
func waitForExec(ch *channel.ParentEnd, pid int, tty bool, argv0 string) (master int, err error) {
	master = -1
	if tty {
		master, err = ch.ReceiveTerminal()
	}
	if err == nil {
		err = ch.WaitExec(argv0)
	}
	if err != nil {
		if master >= 0 {
			_ = unix.Close(master)
		}
		kill(pid)
		return -1, err
	}
	return master, nil
}
