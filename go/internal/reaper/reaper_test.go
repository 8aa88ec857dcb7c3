package reaper

import (
	"testing"

	"mvrc/internal/errs"
	"mvrc/internal/sealed"
)

// Wait returns COMMAND's own status, reaping what COMMAND left behind on the way; Start
// words an exec failure as SPEC does.
func TestWaitReturnsCommandsStatus(t *testing.T) {
	// Start closes its hop: each gets a new one, and /proc shows it, so the hop is used.
	hop := func() int {
		fd, err := sealed.Hop()
		if err != nil {
			t.Fatal(err)
		}
		if named, err := sealed.Named(fd); named == "" || err != nil {
			t.Fatalf("sealed.Named = %q, %v: want the hop's /proc path", named, err)
		}
		return fd
	}
	for _, tc := range []struct {
		script string
		want   int
	}{
		{"exit 3", 3},
		{"sleep 0 & sleep 0 & exit 4", 4},
		{"kill -TERM $$", 128 + 15},
	} {
		init, err := Start(hop(), "/bin/sh", []string{"sh", "-c", tc.script}, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := init.Wait(); got != tc.want {
			t.Errorf("%q: Wait() = %d, want %d", tc.script, got, tc.want)
		}
	}
	_, err := Start(hop(), "/no/such/command", []string{"nope"}, nil, false)
	if lines, code := errs.Report(err); code != errs.NotFound || lines[0] != `mvrc: exec "nope": no such file or directory` {
		t.Fatalf("Start of a missing command: %q, %d", lines, code)
	}
}
