// Package signals forwards SPEC's signals to the container's PID 1 (or, under --init, to
// COMMAND), turning the second SIGINT/SIGTERM into SIGKILL.
package signals

import (
	"os"
	"os/signal"
	"syscall"
)

// forwarded are the signals mvrc passes on rather than dying of.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH}

// Catch starts catching forwarded. Call it before the child exists, so that no signal
// between clone and Forward kills mvrc with its default action.
func Catch() chan os.Signal {
	c := make(chan os.Signal, 16)
	signal.Notify(c, forwarded...)
	return c
}

// CatchSoon is Catch in a goroutine, so that the caller goes on meanwhile; catching returns
// the channel once every signal is caught. signal.Notify is a round trip to the runtime's
// signal thread per signal, about 0.1 ms each.
func CatchSoon() (catching func() chan os.Signal) {
	done := make(chan chan os.Signal, 1)
	go func() { done <- Catch() }()
	return func() chan os.Signal { return <-done }
}

// Terminal is -t's relay: the signals that are about the caller's terminal go to it, not
// to the container.
type Terminal interface {
	Resize() // SIGWINCH: the caller's window changed size
	HangUp() // SIGHUP: the caller's terminal is gone
}

// Forward sends each caught signal to pid until c is closed, as a forwarder translates it.
// With tty (-t), SIGWINCH and SIGHUP go to the relay instead: the container's terminal
// signals its own foreground job, or its session once the relay has hung it up.
func Forward(c chan os.Signal, pid int, tty Terminal) {
	var f forwarder
	for sig := range c {
		switch {
		case tty != nil && sig == syscall.SIGWINCH:
			tty.Resize()
		case tty != nil && sig == syscall.SIGHUP:
			tty.HangUp()
		default:
			// The target may be exiting already; its exit ends the wait.
			_ = syscall.Kill(pid, f.translate(sig.(syscall.Signal)))
		}
	}
}

// forwarder counts the signals that ask the container to stop.
type forwarder struct{ stops int }

// translate is what to send for sig. A PID 1 without a handler ignores SIGINT and SIGTERM
// (the kernel protects a namespace's init), so the second of them, counted together, is
// SIGKILL, which the kernel always delivers.
func (f *forwarder) translate(sig syscall.Signal) syscall.Signal {
	if sig == syscall.SIGINT || sig == syscall.SIGTERM {
		if f.stops++; f.stops > 1 {
			return syscall.SIGKILL
		}
	}
	return sig
}

// Stop ends catching; Forward returns.
func Stop(c chan os.Signal) {
	signal.Stop(c)
	close(c)
}
