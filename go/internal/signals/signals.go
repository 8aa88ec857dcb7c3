// Package signals forwards SPEC's signals to the container's PID 1 (or, under --init, to
// COMMAND), turning the second SIGINT/SIGTERM into SIGKILL.
package signals

import (
	"os"
	"os/signal"
	"syscall"
)

// Forwarded are the signals mvrc passes on rather than dying of.
var Forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH}

// Catch starts catching Forwarded. Call it before the child exists, so that no signal
// between clone and Forward kills mvrc with its default action.
func Catch() chan os.Signal {
	c := make(chan os.Signal, 16)
	signal.Notify(c, Forwarded...)
	return c
}

// Forward sends each caught signal to pid until c is closed. A PID 1 without a handler
// ignores SIGINT and SIGTERM (the kernel protects a namespace's init), so the second of
// them, counted together, is SIGKILL, which the kernel always delivers. With resize (-t),
// SIGWINCH calls it instead: the container's terminal signals its own foreground job.
func Forward(c chan os.Signal, pid int, resize func()) {
	stops := 0
	for sig := range c {
		s := sig.(syscall.Signal)
		if s == syscall.SIGWINCH && resize != nil {
			resize()
			continue
		}
		if s == syscall.SIGINT || s == syscall.SIGTERM {
			if stops++; stops > 1 {
				s = syscall.SIGKILL
			}
		}
		_ = syscall.Kill(pid, s)
	}
}

// Stop ends catching; Forward returns.
func Stop(c chan os.Signal) {
	signal.Stop(c)
	close(c)
}
