// Package seccomp is the system-call filter: --seccomp's profile (the embedded default, or a
// file in the same format) becomes one BPF program in the parent, before anything starts,
// and the child installs it as its last step before exec.
package seccomp

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
	files "mvrc/seccomp"
)

// The profiles --seccomp knows by name; anything else is a path.
const (
	Default    = "default"
	Unconfined = "unconfined"
)

//go:generate go run ./generate

// Load returns the program for the profile --seccomp names, ready for Install; nil for
// unconfined. The default was compiled when mvrc was built (Generate); a file is compiled
// here. Every failure names the profile, and the line for a bad entry.
func Load(profile string) ([]unix.SockFilter, error) {
	arch, ok := Native()
	switch {
	case profile == Unconfined:
		return nil, nil
	case !ok:
		return nil, errs.Failf("seccomp: no system call table for %s", runtime.GOARCH)
	case profile == Default:
		return Decode(files.Programs[arch.Name]), nil
	}
	text, err := os.ReadFile(profile)
	if err != nil {
		return nil, errs.Failf("seccomp profile %q: %w", profile, err)
	}
	filter, err := compileText(string(text), arch)
	if err != nil {
		return nil, errs.Failf("seccomp profile %q: %w", profile, err)
	}
	return filter, nil
}

// Generate compiles the default policy for arch, as Encode writes it: what
// seccomp/default-ARCH.bpf holds.
func Generate(arch Arch) ([]byte, error) {
	filter, err := compileText(files.Default, arch)
	return Encode(filter), err
}

func compileText(text string, arch Arch) ([]unix.SockFilter, error) {
	table := LoadTable(files.Syscalls, arch)
	p, err := Parse(text, table.Known)
	if err != nil {
		return nil, err
	}
	return Compile(p, table, arch)
}

// Install applies the filter to every thread of the process (TSYNC: the Go runtime has
// several, and a thread without the filter could run unfiltered). no_new_privs first: the
// kernel accepts a filter from a process without CAP_SYS_ADMIN only under it, so that a
// setuid program can never run under a filter its caller wrote.
// slide: seccomp
func Install(filter []unix.SockFilter) error {
	if filter == nil {
		return nil
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return errs.Failf("prctl no_new_privs: %w", err)
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	// A positive result is the id of a thread that could not take the filter.
	r, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER,
		unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&prog)))
	switch {
	case errno != 0:
		return errs.Failf("seccomp: %w", errno)
	case r != 0:
		return errs.Failf("seccomp: thread %d could not be synchronised", r)
	}
	return nil
}

// end slide

// Dump writes the programs for `mvrc debug seccomp`, one instruction a line as
// "CODE JT JF K" in hex after a "filter N" line, the order in which they are installed.
func Dump(w io.Writer, filter []unix.SockFilter) {
	if filter == nil {
		return
	}
	fmt.Fprintln(w, "filter 1")
	for _, f := range filter {
		fmt.Fprintf(w, "%#04x %d %d %#08x\n", f.Code, f.Jt, f.Jf, f.K)
	}
}

// Encode and Decode carry a program in the Spec to the re-exec'd child and in the generated
// files: 8 bytes an instruction, as struct sock_filter on a little-endian machine (x86_64
// and aarch64 both are).
func Encode(filter []unix.SockFilter) []byte {
	data := make([]byte, 0, 8*len(filter))
	for _, f := range filter {
		data = binary.LittleEndian.AppendUint16(data, f.Code)
		data = append(data, f.Jt, f.Jf)
		data = binary.LittleEndian.AppendUint32(data, f.K)
	}
	return data
}

// Decode is Encode's inverse; nil (unconfined) for no data.
func Decode(data []byte) []unix.SockFilter {
	if len(data) == 0 {
		return nil
	}
	filter := make([]unix.SockFilter, len(data)/8)
	for i := range filter {
		b := data[8*i:]
		filter[i] = unix.SockFilter{Code: binary.LittleEndian.Uint16(b), Jt: b[2], Jf: b[3], K: binary.LittleEndian.Uint32(b[4:])}
	}
	return filter
}
