package signals

import (
	"syscall"
	"testing"
)

// The same cases as the Rust twin's second_stop_is_sigkill.
func TestSecondStopIsSigkill(t *testing.T) {
	for _, tc := range []struct {
		sent []syscall.Signal
		want syscall.Signal
	}{
		{[]syscall.Signal{syscall.SIGINT}, syscall.SIGINT},
		{[]syscall.Signal{syscall.SIGINT, syscall.SIGTERM}, syscall.SIGKILL},
		{[]syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGWINCH}, syscall.SIGWINCH},
		{[]syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR1, syscall.SIGTERM}, syscall.SIGTERM},
		{[]syscall.Signal{syscall.SIGTERM, syscall.SIGTERM, syscall.SIGTERM}, syscall.SIGKILL},
	} {
		var f forwarder
		var got syscall.Signal
		for _, sig := range tc.sent {
			got = f.translate(sig)
		}
		if got != tc.want {
			t.Errorf("after %v: sent %v, want %v", tc.sent, got, tc.want)
		}
	}
}
