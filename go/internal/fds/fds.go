// Package fds keeps the caller's descriptors out of the container: every descriptor above
// stderr marked close-on-exec in one close_range(2), with no loop over fds and no /proc (a
// chroot without mounts has none).
package fds

import (
	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
)

// CloseOnExec marks every descriptor above stderr close-on-exec: without the flag, execve
// passes them on, a way out of the container. Marked, not closed: the caller may still
// need one (--pid-file /dev/fd/5/pid).
func CloseOnExec() error {
	if err := unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil {
		return errs.Failf("close_range: %w", err)
	}
	return nil
}
