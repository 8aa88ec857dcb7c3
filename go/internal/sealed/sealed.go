// Package sealed makes the copy of mvrc's own binary that the child runs from: a memfd,
// sealed against every change, so that nothing in the container can reach the host's file.
//
// Why (CVE-2019-5736, runc's "/proc/self/exe" breakout): the child is a re-exec of mvrc,
// and inside the container /proc/self/exe, /proc/1/exe under --init, and a script whose
// "#!" names /proc/self/exe all lead to the file the child runs from. Were that the host's
// binary, COMMAND could exec it, keep an O_PATH handle on it, and once mvrc is gone open it
// for writing: the next mvrc on the host would run the container's code. A sealed memfd is
// a file of its own that no one can write, shrink or grow; the host's binary never enters
// the container.
package sealed

import (
	"errors"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
)

// ChildFD is where the re-exec'd child finds the copy it was started from (after the
// channel's end, fd 3); the child closes it first thing.
const ChildFD = 4

// Seals are the seals the copy carries; F_SEAL_SEAL last, so no one can lift the others.
const Seals = unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE | unix.F_SEAL_SEAL

// Exe returns a descriptor of a sealed memfd copy of the running binary, to be exec'd
// through /proc/self/fd/N; the caller closes it. When mvrc already runs from such a copy (a
// nested mvrc), that copy is reused: made says whether a copy was made. Plain system calls: os.File would set up the runtime's
// poller for nothing, and the copy is made in the kernel (sendfile), not through a buffer.
func Exe() (fd int, made bool, err error) {
	exe, err := unix.Open("/proc/self/exe", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, false, failed("open /proc/self/exe", err)
	}
	if seals, err := unix.FcntlInt(uintptr(exe), unix.F_GET_SEALS, 0); err == nil && seals&Seals == Seals {
		return exe, false, nil
	}
	defer unix.Close(exe)
	copied, err := memfdCreate()
	if err != nil {
		return -1, false, failed("memfd_create", err)
	}
	if err := copyAll(copied, exe); err != nil {
		unix.Close(copied)
		return -1, false, failed("copy", err)
	}
	if _, err := unix.FcntlInt(uintptr(copied), unix.F_ADD_SEALS, Seals); err != nil {
		unix.Close(copied)
		return -1, false, failed("F_ADD_SEALS", err)
	}
	return copied, true, nil
}

// copyAll copies src to dst with sendfile(2): no user-space buffer, and no copy_file_range
// attempt, which the kernel refuses between two filesystems (EXDEV).
func copyAll(dst, src int) error {
	for {
		n, err := unix.Sendfile(dst, src, nil, 1<<30)
		switch {
		case err == unix.EINTR:
		case err != nil:
			return err
		case n == 0:
			return nil
		}
	}
}

// memfdCreate asks for an executable memfd: since Linux 6.3 vm.memfd_noexec may make
// memfds non-executable unless MFD_EXEC says otherwise; older kernels reject the flag.
func memfdCreate() (int, error) {
	const flags = unix.MFD_CLOEXEC | unix.MFD_ALLOW_SEALING
	fd, err := unix.MemfdCreate("mvrc", flags|unix.MFD_EXEC)
	if errors.Is(err, unix.EINVAL) {
		fd, err = unix.MemfdCreate("mvrc", flags)
	}
	return fd, err
}

// failed is the error line of a step: `mvrc: sealed copy: OP: ERRNO TEXT`.
func failed(op string, err error) error {
	return errs.Failf("sealed copy: %s: %w", op, err)
}
