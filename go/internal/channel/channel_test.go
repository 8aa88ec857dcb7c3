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
	if err := p.SendMapped(nil); err != nil {
		t.Fatal(err)
	}
	got, err := c.ReceiveSpec()
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ReceiveSpec = %+v, %v; want %+v", got, err, want)
	}
	if size, err := c.WaitMapped(); size != nil || err != nil {
		t.Fatalf("WaitMapped = %+v, %v; want no size", size, err)
	}
	c.Close() // what a successful execve does to the close-on-exec end
	if err := p.WaitExec("sh"); err != nil {
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
	lines, code := errs.Report(p.WaitExec("nope"))
	if want := `mvrc: exec "nope": no such file or directory`; len(lines) != 1 || lines[0] != want || code != 127 {
		t.Fatalf("WaitExec reports %q, %d; want %q, 127", lines, code, want)
	}
}

// The hop's report of a failed execve is worded by the parent for COMMAND as the user wrote it.
func TestHopsErrnoReachesParent(t *testing.T) {
	for _, c := range []struct {
		errno byte
		line  string
		code  int
	}{
		{2, `mvrc: exec "a\xffb": no such file or directory`, 127},
		{13, `mvrc: exec "a\xffb": permission denied`, 126},
		{8, `mvrc: exec "a\xffb": exec format error`, 126},
	} {
		p, c2 := pair(t)
		if err := send(c2.fd, []byte{'X', 0, 0, 0, c.errno}); err != nil {
			t.Fatal(err)
		}
		lines, code := errs.Report(p.WaitExec("a\xffb"))
		if len(lines) != 1 || lines[0] != c.line || code != c.code {
			t.Errorf("errno %d: WaitExec reports %q, %d; want %q, %d", c.errno, lines, code, c.line, c.code)
		}
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
	if err := p.SendMapped(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReceiveSpec(); err == nil {
		t.Fatal("ReceiveSpec got MAPPED: want an error")
	}
}

// With -t the window size rides on MAPPED, and the master comes back before EOF.
func TestTerminalTravels(t *testing.T) {
	p, c := pair(t)
	want := unix.Winsize{Row: 24, Col: 80, Xpixel: 640, Ypixel: 480}
	if err := p.SendMapped(&want); err != nil {
		t.Fatal(err)
	}
	if size, err := c.WaitMapped(); err != nil || size == nil || *size != want {
		t.Fatalf("WaitMapped = %+v, %v; want %+v", size, err, want)
	}
	var pipe [2]int // any descriptor will do: the test checks it is the same file
	if err := unix.Pipe2(pipe[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(pipe[0])
	if err := c.SendTerminal(pipe[1]); err != nil {
		t.Fatal(err)
	}
	unix.Close(pipe[1])
	c.Close()
	master, err := p.ReceiveTerminal()
	if master < 0 || err != nil {
		t.Fatalf("ReceiveTerminal = %d, %v; want a descriptor", master, err)
	}
	defer unix.Close(master)
	if err := p.WaitExec("sh"); err != nil {
		t.Fatalf("WaitExec after the terminal = %v; want nil", err)
	}
	buf := make([]byte, 1)
	if _, err := unix.Write(master, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if n, _ := unix.Read(pipe[0], buf); n != 1 || buf[0] != 'x' {
		t.Fatal("the passed descriptor is not the child's")
	}
}
