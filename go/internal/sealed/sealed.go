// Package sealed makes the sealed file COMMAND is exec'd through: mvrc's exec hop
// (hop/src/hop.c, 1 KB) in a memfd that no one can write, shrink or grow, so nothing in the
// container reaches a file of the host's.
//
// Why (CVE-2019-5736, runc's "/proc/self/exe" breakout): inside the container
// /proc/self/exe of the process that execs COMMAND, and a script whose "#!" names
// /proc/self/exe, lead to the file that process runs from. Were that the host's mvrc
// binary, COMMAND could exec it, keep an O_PATH handle on it, and once mvrc is gone open it
// for writing: the next mvrc on the host would run the container's code. So the child, and
// --init's PID 1 for COMMAND, exec the hop from this memfd, and the hop execs COMMAND.
// --init's PID 1 runs mvrc for the container's life: it is not dumpable, and nothing in the
// container holds CAP_SYS_PTRACE, so /proc/1/exe does not open for the container.
package sealed

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"

	"mvrc/hop"
	"mvrc/internal/errs"
)

// Seals are the seals the hop's memfd carries; F_SEAL_SEAL, so no one can lift the others.
const Seals = unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE | unix.F_SEAL_SEAL

// slide: hop

// Hop returns a descriptor of a sealed memfd holding the exec hop for this architecture,
// close-on-exec, for execveat (command.Exec). Its 1 KB are written with one write(2).
func Hop() (int, error) {
	fd, err := memfdCreate("mvrc-hop")
	if err != nil {
		return -1, failed("memfd_create", err)
	}
	if err := fill(fd, hop.Programs[map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]]); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// fill writes the program into fd, whole, and seals it.
func fill(fd int, program []byte) error {
	if len(program) == 0 {
		return failed("copy", unix.ENOEXEC) // an architecture the hop was not built for
	}
	n, err := unix.Write(fd, program)
	switch {
	case err != nil:
		return failed("copy", err)
	case n != len(program):
		return failed("copy", unix.EIO) // a short write
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, Seals); err != nil {
		return failed("F_ADD_SEALS", err)
	}
	return nil
}

// end slide

// Failed decodes what the hop writes to its channel when COMMAND's execve fails: X and the
// errno, big-endian (hop/src/hop.c); ok is false for anything else.
func Failed(msg []byte) (errno syscall.Errno, ok bool) {
	if len(msg) != 5 || msg[0] != 'X' {
		return 0, false
	}
	return syscall.Errno(binary.BigEndian.Uint32(msg[1:])), true
}

// Named returns /proc/self/fd/N, the hop's name in the container's /proc, for --init's
// ForkExec, which takes a path; "" when that /proc does not show the hop there (no mount
// namespace and a ROOTFS without a /proc).
func Named(hop int) (string, error) {
	var held, named unix.Stat_t
	if err := unix.Fstat(hop, &held); err != nil {
		return "", failed("fstat", err)
	}
	path := fmt.Sprintf("/proc/self/fd/%d", hop)
	if unix.Stat(path, &named) != nil || named.Dev != held.Dev || named.Ino != held.Ino {
		return "", nil
	}
	return path, nil
}

// memfdCreate asks for an executable memfd: since Linux 6.3 vm.memfd_noexec may make
// memfds non-executable unless MFD_EXEC says otherwise; older kernels reject the flag.
func memfdCreate(name string) (int, error) {
	const flags = unix.MFD_CLOEXEC | unix.MFD_ALLOW_SEALING
	fd, err := unix.MemfdCreate(name, flags|unix.MFD_EXEC)
	if errors.Is(err, unix.EINVAL) {
		fd, err = unix.MemfdCreate(name, flags)
	}
	return fd, err
}

// failed is the error line of a step: `mvrc: exec hop: OP: ERRNO TEXT`.
func failed(op string, err error) error {
	return errs.Failf("exec hop: %s: %w", op, err)
}
