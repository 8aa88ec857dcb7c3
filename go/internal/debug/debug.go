// Package debug prints --debug's step timings: "mvrc: debug: STEP DURATION" on stderr.
package debug

import (
	"fmt"
	"io"
	"os"
	"time"
)

// Timer times the setup steps of one side (parent or child); off, it prints nothing.
type Timer struct {
	on  bool
	out io.Writer
}

// New returns a Timer that prints to stderr when on.
func New(on bool) *Timer { return &Timer{on: on, out: os.Stderr} }

// Step reports that step took from since until now.
func (t *Timer) Step(step string, since time.Time) {
	if !t.on {
		return
	}
	ms := float64(time.Since(since).Nanoseconds()) / 1e6
	fmt.Fprintf(t.out, "mvrc: debug: %s %.3fms\n", step, ms)
}

// Time runs one step and reports how long it took, whatever its outcome.
func (t *Timer) Time(step string, run func() error) error {
	start := time.Now()
	err := run()
	t.Step(step, start)
	return err
}
