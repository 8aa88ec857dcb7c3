// Read-only mounts: a whole mount tree at once (mount_setattr), or one mount by a remount
// that keeps the flags the kernel locks.

package mounts

import (
	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
)

// ReadOnlyRecursive makes the mount at target and every mount below it read-only, in one
// mount_setattr(2). A remount with MS_RDONLY would change the top mount only, and the
// submounts a recursive bind brings along (/dev/shm under -v /:/host:ro) would stay
// writable. Only the read-only bit changes: the flags the kernel locks stay as they are.
func ReadOnlyRecursive(target, shown string) error {
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}
	if err := unix.MountSetattr(unix.AT_FDCWD, target, unix.AT_RECURSIVE, &attr); err != nil {
		return errs.Failf("remount %s read-only: %w", errs.Shown(shown), err)
	}
	return nil
}

// RemountReadOnly makes the mount at target read-only, and only that one (--read-only
// leaves /dev, /proc, tmpfs and binds as they are). In a user namespace the kernel
// locks nosuid/nodev/noexec/atime flags inherited from the host: a remount must repeat
// them or fail with EPERM, so they are read back with statfs first.
func RemountReadOnly(target, shown string) error {
	var fs unix.Statfs_t
	if err := unix.Statfs(target, &fs); err != nil {
		return errs.Failf("remount %s read-only: %w", errs.Shown(shown), err)
	}
	flags := uintptr(unix.MS_BIND | unix.MS_REMOUNT | unix.MS_RDONLY)
	for st, ms := range map[int64]uintptr{unix.ST_NOSUID: unix.MS_NOSUID, unix.ST_NODEV: unix.MS_NODEV,
		unix.ST_NOEXEC: unix.MS_NOEXEC, unix.ST_NOATIME: unix.MS_NOATIME,
		unix.ST_NODIRATIME: unix.MS_NODIRATIME, unix.ST_RELATIME: unix.MS_RELATIME} {
		if fs.Flags&st != 0 {
			flags |= ms
		}
	}
	if err := unix.Mount("", target, "", flags, ""); err != nil {
		return errs.Failf("remount %s read-only: %w", errs.Shown(shown), err)
	}
	return nil
}
