// Package command is COMMAND's last hop: find it in the container's PATH, give it a fresh
// signal state, exec it, and word an exec failure as 126 (cannot execute) or 127 (not found).
package command

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
)

// Find returns the file to execute for cmd. A cmd containing "/" is used as is; otherwise
// each directory of pathList is tried in order (empty elements skipped), and the first
// regular file wins (an x bit is not required here: execve then says EACCES, a 126, not a 127).
func Find(cmd string, pathList string) (string, error) {
	if strings.Contains(cmd, "/") {
		return cmd, nil
	}
	if cmd == "" {
		return "", ExecError(cmd, unix.ENOENT)
	}
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			continue // to a shell "" is the working directory; mvrc never searches it
		}
		candidate := filepath.Join(dir, cmd)
		if info, err := os.Stat(candidate); err == nil && info.Mode().IsRegular() {
			return candidate, nil
		}
	}
	return "", ExecError(cmd, unix.ENOENT)
}

// ExecError turns execve's errno into SPEC's line and code; cmd is as the user wrote it.
// What is missing is 127, anything else 126.
func ExecError(cmd string, err error) error {
	var errno syscall.Errno
	errors.As(err, &errno)
	switch errno {
	case syscall.ENOENT, syscall.ENOTDIR:
		return errs.Codef(errs.NotFound, "exec %q: no such file or directory", cmd)
	case syscall.EACCES, syscall.EISDIR, syscall.EPERM:
		return errs.Codef(errs.CannotExec, "exec %q: permission denied", cmd)
	}
	return errs.Codef(errs.CannotExec, "exec %q: %w", cmd, err)
}

// slide: exec

// Exec replaces us with COMMAND (argv[0] as the user wrote it, found at path) through the
// hop (sealed.Hop): execveat(hop) with the channel's end (channel.Handover), then the hop
// execs COMMAND. It returns only the reason the hop could not be exec'd; COMMAND's own
// execve failing comes to the parent from the hop. /proc/self/exe in the container is
// thus never the host's binary (see sealed).
func Exec(hop, channel int, path string, argv, env []string) error {
	resetSignals()
	restoreFileLimit()
	return ExecError(argv[0], execveat(hop, append([]string{strconv.Itoa(channel), path}, argv...), env))
}

// end slide

// restoreFileLimit gives COMMAND the caller's RLIMIT_NOFILE: the Go runtime raises the soft
// limit for itself at start, and puts it back only in syscall.Exec and ForkExec, right
// before their execve. An exec of "" fails at once (ENOENT), after that put-back; the
// real exec is execveat's.
func restoreFileLimit() { _ = syscall.Exec("", nil, nil) }

// execveat runs the program behind fd (AT_EMPTY_PATH: no path through the container's /proc).
// The raw call: x/sys has none, and syscall.Exec takes a path.
func execveat(fd int, argv, env []string) error {
	argvp, err := syscall.SlicePtrFromStrings(argv)
	if err != nil {
		return err
	}
	envp, err := syscall.SlicePtrFromStrings(env)
	if err != nil {
		return err
	}
	empty := []byte{0}
	_, _, errno := unix.RawSyscall6(unix.SYS_EXECVEAT, uintptr(fd), uintptr(unsafe.Pointer(&empty[0])),
		uintptr(unsafe.Pointer(&argvp[0])), uintptr(unsafe.Pointer(&envp[0])), unix.AT_EMPTY_PATH, 0)
	runtime.KeepAlive(argvp)
	runtime.KeepAlive(envp)
	runtime.KeepAlive(empty)
	return errno
}

// resetSignals gives COMMAND the signal state of a fresh process: nothing blocked (execve
// keeps the mask) and every signal at SIG_DFL (DefaultIgnored).
func resetSignals() {
	var none unix.Sigset_t
	_ = unix.PthreadSigmask(unix.SIG_SETMASK, &none, nil)
	DefaultIgnored()
}

// DefaultIgnored sets every ignored signal back to SIG_DFL: execve keeps a signal ignored, and
// the caller may have ignored any (nohup, a shell's trap with an empty action); the Go runtime
// leaves SIGHUP, SIGINT, SIGTSTP, SIGTTIN and SIGTTOU ignored when it found them so. Caught
// signals are left alone: execve (and ForkExec's child) sets them back to SIG_DFL itself, and
// the Go runtime of --init's PID 1, which goes on running after this, needs its handlers.
// The raw call: Go has no way to read or set a disposition it does not handle. SIGKILL and
// SIGSTOP say EINVAL, the only error, and are never ignored.
func DefaultIgnored() {
	var dfl sigaction // the zero value is SIG_DFL, no flags, empty mask
	for sig := uintptr(1); sig <= lastSignal; sig++ {
		var old sigaction
		_, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGACTION, sig, 0, uintptr(unsafe.Pointer(&old)), 8, 0, 0)
		if errno == 0 && old.handler == sigIgn {
			_, _, _ = unix.RawSyscall6(unix.SYS_RT_SIGACTION, sig, uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)
		}
	}
}

const (
	lastSignal = 64 // the kernel's _NSIG - 1
	sigIgn     = 1  // SIG_IGN
)

// sigaction is the kernel's struct sigaction (amd64, arm64, ...): handler, flags, restorer, mask.
type sigaction struct {
	handler, flags, restorer uintptr
	mask                     uint64
}

// PathOf returns PATH from an environment list ("" if it has none).
func PathOf(env []string) string {
	for _, kv := range env {
		if value, ok := strings.CutPrefix(kv, "PATH="); ok {
			return value
		}
	}
	return ""
}
