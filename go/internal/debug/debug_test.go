package debug

import (
	"bytes"
	"errors"
	"regexp"
	"testing"
	"time"
)

func TestStepFormat(t *testing.T) {
	var out bytes.Buffer
	timer := &Timer{on: true, out: &out}
	timer.Step("clone", time.Now().Add(-1500*time.Microsecond))
	if !regexp.MustCompile(`^mvrc: debug: clone 1\.[0-9]{3}ms\n$`).MatchString(out.String()) {
		t.Fatalf("Step printed %q", out.String())
	}
}

func TestOffPrintsNothing(t *testing.T) {
	var out bytes.Buffer
	timer := &Timer{on: false, out: &out}
	timer.Step("spec", time.Now())
	_ = timer.Time("rootfs", func() error { return nil })
	if out.Len() != 0 {
		t.Fatalf("an off timer printed %q", out.String())
	}
}

func TestTimeReportsFailedStepsToo(t *testing.T) {
	var out bytes.Buffer
	timer := &Timer{on: true, out: &out}
	boom := errors.New("boom")
	if err := timer.Time("rootfs", func() error { return boom }); err != boom {
		t.Fatalf("Time returned %v, want the step's error", err)
	}
	// The step that failed is the one whose time a reader of --debug wants to see.
	if !regexp.MustCompile(`^mvrc: debug: rootfs [0-9]+\.[0-9]{3}ms\n$`).MatchString(out.String()) {
		t.Fatalf("a failed step printed %q", out.String())
	}
}
