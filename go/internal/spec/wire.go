package spec

// The Spec's wire form, for the channel to the re-exec'd child: every field in declaration
// order; a string is its length (uvarint) then its bytes, exactly as they are; a list is its
// count then its items; a bool one byte; an integer a varint; a float its IEEE 754 bits.
// Byte-safe where JSON is not (encoding/json turns bytes that are not UTF-8 into U+FFFD: a
// -v $'/x/d\xff:/data' would bind another directory), and a single pass with no reflection.

import (
	"encoding/binary"
	"errors"
	"math"

	"mvrc/internal/idmap"
)

// errWire is any malformed input: a truncated or overlong Spec.
var errWire = errors.New("spec: malformed wire form")

// MarshalBinary encodes s; it cannot fail.
func (s *Spec) MarshalBinary() ([]byte, error) {
	var w writer
	w.str(s.Rootfs)
	w.strs(s.Command)
	w.strs(s.Namespaces)
	w.str(s.Hostname)
	w.strs(s.Env)
	w.str(s.Workdir)
	w.uint(uint64(s.User.UID))
	w.uint(uint64(s.User.GID))
	w.maps(s.UIDMaps)
	w.maps(s.GIDMaps)
	w.uint(uint64(len(s.Binds)))
	for _, b := range s.Binds {
		w.str(b.Source)
		w.str(b.Destination)
		w.bool(b.ReadOnly)
	}
	w.uint(uint64(len(s.Tmpfs)))
	for _, t := range s.Tmpfs {
		w.str(t.Path)
		w.int(t.Size)
	}
	for _, b := range []bool{s.ReadOnly, s.Overlay, s.Chroot, s.Init, s.TTY} {
		w.bool(b)
	}
	w.str(s.PidFile)
	w.bool(s.Debug)
	w.int(s.Limits.Memory)
	w.int(s.Limits.Pids)
	w.uint(math.Float64bits(s.Limits.CPUs))
	w.str(s.Seccomp)
	w.str(string(s.Filter))
	return w.buf, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote into s; anything else is an error.
func (s *Spec) UnmarshalBinary(data []byte) error {
	r := reader{buf: data}
	*s = Spec{Rootfs: r.str(), Command: r.strs(), Namespaces: r.strs(), Hostname: r.str(),
		Env: r.strs(), Workdir: r.str(), User: User{UID: r.uint32(), GID: r.uint32()},
		UIDMaps: r.maps(), GIDMaps: r.maps()}
	for n := r.count(); n > 0; n-- {
		s.Binds = append(s.Binds, Bind{Source: r.str(), Destination: r.str(), ReadOnly: r.bool()})
	}
	for n := r.count(); n > 0; n-- {
		s.Tmpfs = append(s.Tmpfs, Tmpfs{Path: r.str(), Size: r.int()})
	}
	s.ReadOnly, s.Overlay, s.Chroot, s.Init, s.TTY = r.bool(), r.bool(), r.bool(), r.bool(), r.bool()
	s.PidFile, s.Debug = r.str(), r.bool()
	s.Limits = Limits{Memory: r.int(), Pids: r.int(), CPUs: math.Float64frombits(r.uint())}
	s.Seccomp = r.str()
	if filter := r.str(); filter != "" {
		s.Filter = []byte(filter)
	}
	if r.bad || len(r.buf) != 0 {
		return errWire
	}
	return nil
}

type writer struct{ buf []byte }

func (w *writer) uint(v uint64) { w.buf = binary.AppendUvarint(w.buf, v) }
func (w *writer) int(v int64)   { w.buf = binary.AppendVarint(w.buf, v) }
func (w *writer) str(s string)  { w.uint(uint64(len(s))); w.buf = append(w.buf, s...) }

func (w *writer) bool(b bool) {
	if b {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

func (w *writer) strs(list []string) {
	w.uint(uint64(len(list)))
	for _, s := range list {
		w.str(s)
	}
}

func (w *writer) maps(maps []idmap.IDMap) {
	w.uint(uint64(len(maps)))
	for _, m := range maps {
		w.uint(uint64(m.Container))
		w.uint(uint64(m.Host))
		w.uint(uint64(m.Size))
	}
}

// reader takes values off buf; after the first error every value is zero and bad stays set.
type reader struct {
	buf []byte
	bad bool
}

func (r *reader) uint() uint64 {
	v, n := binary.Uvarint(r.buf)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.buf = r.buf[n:]
	return v
}

func (r *reader) int() int64 {
	v, n := binary.Varint(r.buf)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.buf = r.buf[n:]
	return v
}

func (r *reader) uint32() uint32 {
	v := r.uint()
	if v > math.MaxUint32 {
		r.fail()
	}
	return uint32(v)
}

// count reads a list's length, which cannot exceed the bytes left (each item takes one or more).
func (r *reader) count() int {
	n := r.uint()
	if n > uint64(len(r.buf)) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *reader) str() string {
	n := r.uint()
	if n > uint64(len(r.buf)) {
		r.fail()
		return ""
	}
	s := string(r.buf[:n])
	r.buf = r.buf[n:]
	return s
}

func (r *reader) bool() bool {
	if len(r.buf) == 0 || r.buf[0] > 1 {
		r.fail()
		return false
	}
	b := r.buf[0] == 1
	r.buf = r.buf[1:]
	return b
}

func (r *reader) strs() []string {
	var list []string
	for n := r.count(); n > 0; n-- {
		list = append(list, r.str())
	}
	return list
}

func (r *reader) maps() []idmap.IDMap {
	var maps []idmap.IDMap
	for n := r.count(); n > 0; n-- {
		maps = append(maps, idmap.IDMap{Container: r.uint32(), Host: r.uint32(), Size: r.uint32()})
	}
	return maps
}

func (r *reader) fail() { r.bad, r.buf = true, nil }
