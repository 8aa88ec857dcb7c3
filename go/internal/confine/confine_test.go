package confine

import (
	"os"
	"testing"
)

func TestPPid(t *testing.T) {
	for _, c := range []struct {
		status string
		pid    int
		ok     bool
	}{
		{"Name:\tmvrc\nPid:\t7\nPPid:\t42\nTracerPid:\t0\n", 42, true},
		{"PPid:\t0\n", 0, true},
		{"Pid:\t7\n", 0, false},
		{"PPid:\tx\n", 0, false},
	} {
		if pid, ok := PPid([]byte(c.status)); pid != c.pid || ok != c.ok {
			t.Errorf("PPid(%q) = %d, %v, want %d, %v", c.status, pid, ok, c.pid, c.ok)
		}
	}
}

func TestWatchParent(t *testing.T) {
	p, err := WatchParent()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.pid != os.Getppid() {
		t.Errorf("watching pid %d, want our parent %d", p.pid, os.Getppid())
	}
	if now, err := p.current(); err != nil || now != p.pid {
		t.Errorf("a second read sees %d (%v), want %d", now, err, p.pid)
	}
}
