package sealed

import (
	"bytes"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// The copy holds the running binary's bytes and carries every seal: no write, no resize.
func TestExeIsASealedCopy(t *testing.T) {
	fd, made, err := Exe()
	if err != nil || !made {
		t.Fatalf("made %v, %v: want a new copy", made, err)
	}
	copied := os.NewFile(uintptr(fd), "copy")
	defer copied.Close()
	seals, err := unix.FcntlInt(copied.Fd(), unix.F_GET_SEALS, 0)
	if err != nil || seals&Seals != Seals {
		t.Fatalf("seals %#x (%v), want %#x", seals, err, Seals)
	}
	want, err := os.ReadFile("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(want)+1)
	n, _ := copied.ReadAt(got, 0)
	if !bytes.Equal(got[:n], want) {
		t.Fatalf("the copy holds %d bytes that differ from the binary's %d", n, len(want))
	}
	if _, err := unix.Pwrite(int(copied.Fd()), []byte("x"), 0); err == nil {
		t.Error("a write to the copy succeeded")
	}
	if err := unix.Ftruncate(int(copied.Fd()), 0); err == nil {
		t.Error("a truncate of the copy succeeded")
	}
}

// BenchmarkExe is the start cost the copy adds to every run.
func BenchmarkExe(b *testing.B) {
	for b.Loop() {
		fd, _, err := Exe()
		if err != nil {
			b.Fatal(err)
		}
		unix.Close(fd)
	}
}
