// Package debug prints --debug's step timings: "mvrc: debug: STEP DURATION" on stderr.
package debug

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// CPU is the processor time this process has used so far (all threads, user and system).
// The child's, at its first step, is what it cost to get there: for the Go child, its exec
// and a second runtime start, which the Rust child, a fork, does not have.
func CPU() time.Duration {
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Timer times the setup steps of one side (parent or child); off, it prints nothing.
type Timer struct {
	on  bool
	out io.Writer
}

// New returns a Timer that prints to stderr when on.
func New(on bool) *Timer { return &Timer{on: on, out: os.Stderr} }

// Step reports that step took from since until now.
func (t *Timer) Step(step string, since time.Time) { t.Report(step, time.Since(since)) }

// Report reports that step took d.
func (t *Timer) Report(step string, d time.Duration) {
	if !t.on {
		return
	}
	fmt.Fprintf(t.out, "mvrc: debug: %s %.3fms\n", step, float64(d.Nanoseconds())/1e6)
}

// Time runs one step and reports how long it took, whatever its outcome.
func (t *Timer) Time(step string, run func() error) error {
	start := time.Now()
	err := run()
	t.Step(step, start)
	return err
}
