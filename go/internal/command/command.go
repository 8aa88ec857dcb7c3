// Package command is COMMAND's last hop: find it in the container's PATH, give it a fresh
// signal state, exec it, and word an exec failure as 126 (cannot execute) or 127 (not found).
package command

import (
	"errors"
	"os"
	"path/filepath"
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

// Exec replaces us with COMMAND (argv[0] as the user wrote it, found at path); it returns
// only the reason it could not. On success the channel's close-on-exec end closes and the
// parent reads EOF.
func Exec(path string, argv, env []string) error {
	resetSignals()
	return ExecError(argv[0], unix.Exec(path, argv, env))
}

// end slide

// resetSignals unblocks every signal: execve keeps the mask, and a signal blocked now would
// stay blocked in COMMAND. Caught signals need no reset (execve sets them back to their
// defaults), ignored ones do: execve keeps them ignored. The Go runtime catches every signal
// but SIGHUP and SIGINT when the caller ignored them (a shell's background job ignores SIGINT),
// and the parent may clone us before its signal.Notify has caught them.
func resetSignals() {
	var none unix.Sigset_t
	_ = unix.PthreadSigmask(unix.SIG_SETMASK, &none, nil)
	// The raw call: Go has no way to set SIG_DFL on a signal it does not handle.
	var dfl sigaction // the zero value is SIG_DFL, no flags, empty mask
	for _, sig := range []unix.Signal{unix.SIGHUP, unix.SIGINT} {
		_, _, _ = unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)
	}
}

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
