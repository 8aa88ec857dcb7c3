// The container's identity: the namespace's root ids first, --user after the mounts, with
// no supplementary groups and no inherited capabilities; the parent-death signal re-armed.

package child

import (
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"mvrc/internal/confine"
	"mvrc/internal/errs"
	"mvrc/internal/idmap"
	"mvrc/internal/namespaces"
	"mvrc/internal/spec"
)

// becomeRoot takes the namespace's root ids as soon as they exist, when mapped: the files
// and directories the mounts create must belong to a mapped id, and our host id may not be
// mapped at all (--uid-map 0:100000:65536).
func becomeRoot(s *spec.Spec, parent *confine.Parent) error {
	if !namespaces.Has(s.Namespaces, "user") || !idmap.Contains(s.UIDMaps, 0) || !idmap.Contains(s.GIDMaps, 0) {
		return nil
	}
	if err := setThreadIDs(spec.User{}); err != nil {
		return err
	}
	return parent.Rearm()
}

// setIdentity becomes --user, after every mount (they need the namespace's root).
// The kernel keeps credentials per thread. Without --init, this thread's are enough: it
// execs, and execve ends every other thread. --init's PID 1 lives on with the runtime's
// threads, so there Go's syscall versions change them all (each call stops every thread).
func setIdentity(u spec.User, setgroupsDenied, init bool, parent *confine.Parent) error {
	setgroups, setIDs := unix.Setgroups, setThreadIDs
	if init {
		setgroups, setIDs = syscall.Setgroups, setProcessIDs
	}
	// With setgroups denied (one mapped id) the kernel refuses setgroups(2); the process
	// then has no supplementary groups to drop anyway.
	if !setgroupsDenied {
		if err := setgroups(nil); err != nil {
			return errs.Failf("setgroups: %w", err)
		}
	}
	if err := setIDs(u); err != nil {
		return err
	}
	if err := dropInheritable(); err != nil {
		return err
	}
	// A change of effective id clears the parent-death signal: set it again, on the
	// locked thread that will exec, and check that mvrc still lives.
	return parent.Rearm()
}

// setThreadIDs sets this thread's real, effective and saved ids with raw system calls:
// Go's syscall.Setres*id stop every thread of the process with a signal to change them
// all (about 0.2 ms a call). The caller runs on the main thread, which execs.
func setThreadIDs(u spec.User) error {
	if _, _, e := unix.RawSyscall(unix.SYS_SETRESGID, uintptr(u.GID), uintptr(u.GID), uintptr(u.GID)); e != 0 {
		return errs.Failf("setresgid %d: %w", u.GID, e)
	}
	if _, _, e := unix.RawSyscall(unix.SYS_SETRESUID, uintptr(u.UID), uintptr(u.UID), uintptr(u.UID)); e != 0 {
		return errs.Failf("setresuid %d: %w", u.UID, e)
	}
	return nil
}

// setProcessIDs sets the ids of every thread of the process.
func setProcessIDs(u spec.User) error {
	if err := syscall.Setresgid(int(u.GID), int(u.GID), int(u.GID)); err != nil {
		return errs.Failf("setresgid %d: %w", u.GID, err)
	}
	if err := syscall.Setresuid(int(u.UID), int(u.UID), int(u.UID)); err != nil {
		return errs.Failf("setresuid %d: %w", u.UID, err)
	}
	return nil
}

// dropInheritable empties the inheritable set, and with it the ambient one: the parent lent
// us capabilities as ambient ones to survive our own re-exec, and COMMAND must get only
// what its identity gives it.
func dropInheritable() error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return errs.Failf("capget: %w", err)
	}
	data[0].Inheritable, data[1].Inheritable = 0, 0
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return errs.Failf("capset: %w", err)
	}
	return nil
}

// setgroupsDenied reads /proc/self/setgroups: the parent writes "deny" for an unprivileged
// gid map. Plain system calls: os.ReadFile would first set up the runtime's network poller,
// which a /proc file never uses.
func setgroupsDenied() bool {
	fd, err := unix.Open("/proc/self/setgroups", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	buf := make([]byte, 16)
	n, err := unix.Read(fd, buf)
	return err == nil && strings.TrimSpace(string(buf[:n])) == "deny"
}
