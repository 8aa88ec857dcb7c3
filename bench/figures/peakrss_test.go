package figures

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// The point of the separate pass: the harness's own RSS must not leak into the figure. The
// test process first grows well past anything /bin/true needs, then measures /bin/true;
// through os/exec's wait4 alone the peak would be at least this process's high-water mark.
func TestPeakRSSExcludesTheHarness(t *testing.T) {
	ballast := make([]byte, 64<<20)
	for i := range ballast {
		ballast[i] = 1 // touched, so resident
	}
	hwm := vmHWM(t)
	rss, err := PeakRSS(exec.Command("/bin/true"))
	if err != nil {
		t.Fatal(err)
	}
	if rss < 100<<10 || rss >= hwm/2 {
		t.Errorf("peak RSS of /bin/true = %d bytes, this process's VmHWM = %d: want 100KiB <= peak < VmHWM/2",
			rss, hwm)
	}
	_ = ballast[len(ballast)-1]
}

// The peak is the tree's: a child the command waited for counts (wait4 folds its maxrss
// into the parent's).
func TestPeakRSSCountsReapedChildren(t *testing.T) {
	small, err := PeakRSS(exec.Command("/bin/sh", "-c", "true"))
	if err != nil {
		t.Fatal(err)
	}
	// sort holds the one 32 MiB line in memory; the shell only waits for it.
	big, err := PeakRSS(exec.Command("/bin/sh", "-c", "head -c 33554432 /dev/zero | sort >/dev/null"))
	if err != nil {
		t.Fatal(err)
	}
	if big < small+16<<20 {
		t.Errorf("peak RSS with a big child = %d, without = %d: want the child's ~32MiB counted", big, small)
	}
}

func TestPeakRSSFailures(t *testing.T) {
	tests := []struct {
		name string
		cmd  *exec.Cmd
		want string
	}{
		{"exit status and first stderr line", exec.Command("/bin/sh", "-c", "echo no such rootfs >&2; exit 125"), "exit status 125: no such rootfs"},
		{"not startable", exec.Command("/nonexistent/runtime"), "no such file"},
		{"not found on PATH", exec.Command("no-such-runtime-here"), "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := PeakRSS(tt.cmd)
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseMaxRSS(t *testing.T) {
	tests := []struct {
		report string
		want   int64 // bytes; 0: an error
	}{
		{"2144\n", 2144 << 10},
		{"Command exited with non-zero status 1\n3400\n", 3400 << 10},
		{"", 0},
		{"0\n", 0},
		{"Command terminated by signal 9\n", 0},
	}
	for _, tt := range tests {
		got, err := parseMaxRSS(tt.report)
		if got != tt.want || (err == nil) != (tt.want != 0) {
			t.Errorf("parseMaxRSS(%q) = %d, %v; want %d", tt.report, got, err, tt.want)
		}
	}
}

// vmHWM is this process's peak resident set, from /proc/self/status (in kB there).
func vmHWM(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}
