package channel

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
	"mvrc/internal/spec"
)

// pair returns both ends in this process; the child's end is normally fd 3 of the re-exec.
func pair(t *testing.T) (*ParentEnd, *ChildEnd) {
	t.Helper()
	p, f, err := Pair()
	if err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Dup(int(f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	t.Cleanup(func() { p.Close() })
	return p, &ChildEnd{fd: fd}
}

func TestSpecThenMappedThenEOF(t *testing.T) {
	p, c := pair(t)
	want := &spec.Spec{Rootfs: "/r", Command: []string{"sh", "-c", "echo hi"}, Namespaces: []string{"user"},
		Env: []string{"PATH=/bin"}, Limits: spec.Limits{CPUs: 0.5}}
	if err := p.SendSpec(want); err != nil {
		t.Fatal(err)
	}
	if err := p.SendMapped(); err != nil {
		t.Fatal(err)
	}
	got, err := c.ReceiveSpec()
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ReceiveSpec = %+v, %v; want %+v", got, err, want)
	}
	if err := c.WaitMapped(); err != nil {
		t.Fatal(err)
	}
	c.Close() // what a successful execve does to the close-on-exec end
	if err := p.WaitExec(); err != nil {
		t.Fatalf("WaitExec after EOF = %v; want nil", err)
	}
}

func TestLargeSpecTravelsInChunks(t *testing.T) {
	p, c := pair(t)
	big := strings.Repeat("x", 300_000) // beyond any one datagram and the socket's buffer
	want := &spec.Spec{Rootfs: "/r", Command: []string{"true"}, Env: []string{"A=" + big, "B=" + big}}
	sent := make(chan error, 1)
	go func() { sent <- p.SendSpec(want) }() // blocks until the child reads the chunks
	got, err := c.ReceiveSpec()
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ReceiveSpec of a 600 KB spec: %v (equal: %v)", err, reflect.DeepEqual(got, want))
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
}

func TestErrorReachesParent(t *testing.T) {
	p, c := pair(t)
	c.SendError(errs.Codef(127, `exec "nope": no such file or directory`))
	lines, code := errs.Report(p.WaitExec())
	if want := `mvrc: exec "nope": no such file or directory`; len(lines) != 1 || lines[0] != want || code != 127 {
		t.Fatalf("WaitExec reports %q, %d; want %q, 127", lines, code, want)
	}
}

func TestChildSeesParentGoAway(t *testing.T) {
	p, c := pair(t)
	p.Close()
	if _, err := c.ReceiveSpec(); err == nil {
		t.Fatal("ReceiveSpec after the parent closed: want an error")
	}
}

func TestMessagesArriveInOrder(t *testing.T) {
	p, c := pair(t)
	if err := p.SendMapped(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReceiveSpec(); err == nil {
		t.Fatal("ReceiveSpec got MAPPED: want an error")
	}
}
