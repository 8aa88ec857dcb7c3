package figures

import (
	"os/exec"
	"strings"
	"testing"
)

// Run is measured on plain processes: no runtime, no namespaces, just the accounting.
func TestRun(t *testing.T) {
	s, err := Run(exec.Command("/bin/sh", "-c", "printf x; exec sleep 0.05"), true)
	if err != nil {
		t.Fatal(err)
	}
	if s.Ready <= 0 || s.Exit < s.Ready {
		t.Errorf("Ready %v, Exit %v: want 0 < Ready <= Exit", s.Ready, s.Exit)
	}
	if s.Exit-s.Ready < 40e6 {
		t.Errorf("Exit - Ready = %v: the first byte came before the 50ms sleep, want ~50ms", s.Exit-s.Ready)
	}
}

func TestRunCountsCPUOfReapedChildren(t *testing.T) {
	// The shell itself idles; its child spins. wait4 charges the child to the tree.
	s, err := Run(exec.Command("/bin/sh", "-c", `sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done'`), false)
	if err != nil {
		t.Fatal(err)
	}
	if s.CPU < 5e6 {
		t.Errorf("CPU = %v: the busy child's time is missing", s.CPU)
	}
}

func TestRunFailures(t *testing.T) {
	tests := []struct {
		name  string
		cmd   *exec.Cmd
		ready bool
		want  string
	}{
		{"exit status and first stderr line", exec.Command("/bin/sh", "-c", "echo no such rootfs >&2; echo more >&2; exit 125"), false, "exit status 125: no such rootfs"},
		{"silent when a byte was due", exec.Command("/bin/true"), true, "wrote nothing"},
		{"not startable", exec.Command("/nonexistent/runtime"), false, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(tt.cmd, tt.ready)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestRotateStartsEachRoundWithTheNextRuntime(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "abc"}, {1, "bca"}, {2, "cab"}, {3, "abc"}, {7, "bca"}} {
		if got := string(rotate([]byte("abc"), tt.n)); got != tt.want {
			t.Errorf("rotate(abc, %d) = %s, want %s", tt.n, got, tt.want)
		}
	}
	if got := rotate([]int(nil), 3); len(got) != 0 {
		t.Errorf("rotate(nil) = %v", got)
	}
}
