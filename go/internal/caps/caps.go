// Package caps holds the one table of capabilities COMMAND may keep, and reduces the
// bounding set to it before COMMAND (or --init's COMMAND) starts.
package caps

import (
	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
)

// kept is Docker's default set, in the kernel's order. COMMAND is root of its user
// namespace: with every capability it could remount a read-only / or /sys writable
// (CAP_SYS_ADMIN), or mount what it likes. The bounding set caps what any execve below
// us can gain.
var kept = []uintptr{
	unix.CAP_CHOWN,
	unix.CAP_DAC_OVERRIDE,
	unix.CAP_FOWNER,
	unix.CAP_FSETID,
	unix.CAP_KILL,
	unix.CAP_SETGID,
	unix.CAP_SETUID,
	unix.CAP_SETPCAP,
	unix.CAP_NET_BIND_SERVICE,
	unix.CAP_NET_RAW,
	unix.CAP_SYS_CHROOT,
	unix.CAP_MKNOD,
	unix.CAP_AUDIT_WRITE,
	unix.CAP_SETFCAP,
}

// mask is kept as the bit mask /proc/PID/status shows (CapBnd, CapEff).
func mask() uint64 {
	var mask uint64
	for _, c := range kept {
		mask |= 1 << c
	}
	return mask
}

// DropBounding removes every capability but kept from the bounding set. It needs
// CAP_SETPCAP, so it runs while we are still root of the namespace, before the identity.
// The kernel may know more capabilities than our headers, so ask it until it says EINVAL.
func DropBounding() error {
	for c := uintptr(0); ; c++ {
		if mask()&(1<<c) != 0 {
			continue
		}
		err := unix.Prctl(unix.PR_CAPBSET_DROP, c, 0, 0, 0)
		switch {
		case err == unix.EINVAL: // past the kernel's last capability
			return nil
		case err != nil:
			return errs.Failf("dropping capability %d: %w", c, err)
		}
	}
}
