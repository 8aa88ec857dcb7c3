package fds

import (
	"testing"

	"golang.org/x/sys/unix"
)

// CloseOnExec must mark every inherited descriptor above stderr, however high, and leave
// stdin, stdout and stderr to COMMAND.
func TestCloseOnExecLeavesOnlyStdio(t *testing.T) {
	var pipe [2]int
	if err := unix.Pipe2(pipe[:], 0); err != nil { // no O_CLOEXEC: like a caller's fd
		t.Fatal(err)
	}
	high, err := unix.FcntlInt(uintptr(pipe[0]), unix.F_DUPFD, 512)
	if err != nil {
		t.Fatal(err)
	}
	inherited := []int{pipe[0], pipe[1], high}
	for _, fd := range inherited {
		defer unix.Close(fd)
		if cloexec(t, fd) {
			t.Fatalf("fd %d is close-on-exec before the call: the test would prove nothing", fd)
		}
	}
	stdio := map[int]bool{}
	for fd := 0; fd <= 2; fd++ {
		stdio[fd] = cloexec(t, fd)
	}

	if err := CloseOnExec(); err != nil {
		t.Fatal(err)
	}

	for _, fd := range inherited {
		if !cloexec(t, fd) {
			t.Errorf("fd %d: not close-on-exec, COMMAND would inherit it", fd)
		}
	}
	for fd, was := range stdio {
		if got := cloexec(t, fd); got != was {
			t.Errorf("fd %d: close-on-exec %v, was %v: stdio must stay as it is", fd, got, was)
		}
	}
}

func cloexec(t *testing.T, fd int) bool {
	t.Helper()
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	if err != nil {
		t.Fatalf("F_GETFD %d: %v", fd, err)
	}
	return flags&unix.FD_CLOEXEC != 0
}
