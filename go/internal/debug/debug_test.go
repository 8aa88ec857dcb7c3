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

func TestTimeReportsOnlySuccess(t *testing.T) {
	var out bytes.Buffer
	timer := &Timer{on: true, out: &out}
	boom := errors.New("boom")
	if err := timer.Time("rootfs", func() error { return boom }); err != boom {
		t.Fatalf("Time returned %v, want the step's error", err)
	}
	if out.Len() != 0 {
		t.Fatalf("a failed step printed %q", out.String())
	}
}
