package sealed

import (
	"bytes"
	"testing"

	"golang.org/x/sys/unix"
)

// The hop's memfd holds this architecture's hop, sealed and close-on-exec.
func TestHopIsSealed(t *testing.T) {
	fd, err := Hop()
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	seals, err := unix.FcntlInt(uintptr(fd), unix.F_GET_SEALS, 0)
	if err != nil || seals&Seals != Seals {
		t.Fatalf("seals %#x (%v), want %#x", seals, err, Seals)
	}
	if flags, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); flags&unix.FD_CLOEXEC == 0 {
		t.Error("the hop's descriptor is not close-on-exec")
	}
	head := make([]byte, 20)
	if _, err := unix.Pread(fd, head, 0); err != nil || !bytes.HasPrefix(head, []byte("\x7fELF")) {
		t.Fatalf("the hop starts %q (%v), want an ELF header", head, err)
	}
	if _, err := unix.Pwrite(fd, []byte("x"), 0); err == nil {
		t.Error("a write to the hop succeeded")
	}
}

// BenchmarkHop is the start cost the hop's memfd adds to every run.
func BenchmarkHop(b *testing.B) {
	for b.Loop() {
		fd, err := Hop()
		if err != nil {
			b.Fatal(err)
		}
		unix.Close(fd)
	}
}
