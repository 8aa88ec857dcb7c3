// Package mounts wraps mount(2) with op/path errors and mounts /proc, /sys, --tmpfs and --bind
// under the new root, resolving every target inside that root.
package mounts

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
	"mvrc/internal/spec"
)

// Root is the new root, before pivot_root, as an O_PATH descriptor. Targets are resolved
// under it with RESOLVE_IN_ROOT, so a symlink in ROOTFS (say /proc → /etc) can not make us
// mount over a host path: the kernel resolves it as if Root were already "/".
type Root struct {
	dir string
	fd  int
}

// OpenRoot opens dir as the root targets are resolved in.
func OpenRoot(dir string) (*Root, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, errs.Failf("rootfs %q: %w", dir, err)
	}
	return &Root{dir: dir, fd: fd}, nil
}

// Close releases the root's descriptor.
func (r *Root) Close() { _ = unix.Close(r.fd) }

// Mount mounts fstype at inside (created as a directory if missing); errors read
// "mount TYPE on TARGET" with TARGET as the container will see it.
func (r *Root) Mount(fstype, inside string, flags uintptr, data string) error {
	return r.at(inside, false, func(target string) error {
		if err := unix.Mount(fstype, target, fstype, flags, data); err != nil {
			return errs.Failf("mount %s on %s: %w", fstype, errs.Shown(inside), err)
		}
		return nil
	})
}

// Bind bind-mounts the host path src at inside (created if missing: a directory, or an
// empty file when src is a file), read-only if asked.
func (r *Root) Bind(src, inside string, readOnly bool) error {
	info, err := os.Stat(src)
	if err != nil {
		return errs.Failf("bind source %q: %w", src, err)
	}
	err = r.at(inside, !info.IsDir(), func(target string) error {
		if err := unix.Mount(src, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return errs.Failf("bind %q on %q: %w", src, inside, err)
		}
		return nil
	})
	if err != nil || !readOnly {
		return err
	}
	// Resolve again: the descriptor above still names the mount underneath the new one.
	return r.at(inside, false, func(target string) error { return ReadOnlyRecursive(target, inside) })
}

// Proc gives the container its /proc: a fresh procfs of its own PID namespace, or, without
// one, the host's (a new procfs would show the host's processes anyway).
func (r *Root) Proc(newPID bool) error {
	if newPID {
		return r.Mount("proc", "/proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
	}
	return r.Bind("/proc", "/proc", false)
}

// Sys gives the container a read-only /sys: a fresh sysfs shows only its own network
// namespace's devices; without one, the host's /sys is bound read-only. That bind is
// recursive (the kernel refuses to reveal what host mounts hide), so the host's cgroup
// mounts below it come along: Bind makes them read-only too.
func (r *Root) Sys(newNet bool) error {
	if newNet {
		return r.Mount("sysfs", "/sys", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
	}
	return r.Bind("/sys", "/sys", true)
}

// Cgroup mounts, with the cgroup namespace, the cgroup2 tree of the container's own cgroup
// at /sys/fs/cgroup, read-only as in runc's default spec: a writable one would let the
// container lift its own --memory limit. It hides the host's hierarchies that a /sys
// without net brings along.
func (r *Root) Cgroup() error {
	return r.Mount("cgroup2", "/sys/fs/cgroup", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
}

// Tmpfs mounts a fresh tmpfs of size bytes for --tmpfs DIR[:size=SIZE].
func (r *Root) Tmpfs(dir string, size int64) error {
	return r.Mount("tmpfs", dir, unix.MS_NOSUID|unix.MS_NODEV, fmt.Sprintf("mode=755,size=%d", size))
}

// Binds mounts every --bind in order.
func (r *Root) Binds(binds []spec.Bind) error {
	for _, b := range binds {
		if err := r.Bind(b.Source, b.Destination, b.ReadOnly); err != nil {
			return err
		}
	}
	return nil
}

// Symlink makes the link inside pointing at target (the /dev links).
func (r *Root) Symlink(target, inside string) error {
	return r.at(path.Dir(inside), false, func(dir string) error {
		if err := unix.Symlinkat(target, unix.AT_FDCWD, path.Join(dir, path.Base(inside))); err != nil {
			return errs.Failf("symlink %s: %w", errs.Shown(inside), err)
		}
		return nil
	})
}

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

// at resolves inside under the root, creating what is missing, and calls use with a path
// that names exactly that inode (/proc/self/fd/N).
func (r *Root) at(inside string, file bool, use func(target string) error) error {
	fd, err := r.ensure(inside, file)
	if err != nil {
		return errs.Failf("mount point %s: %w", errs.Shown(inside), err)
	}
	defer unix.Close(fd)
	return use(fmt.Sprintf("/proc/self/fd/%d", fd))
}

// Existing calls use, like at, with a path naming inside and whether it is a directory,
// but creates nothing: a path the kernel lacks (no /proc/sched_debug here) is no error,
// and found reports it.
func (r *Root) Existing(inside string, use func(target string, dir bool) error) (found bool, err error) {
	fd, err := r.open(inside)
	if errors.Is(err, unix.ENOENT) {
		return false, nil
	}
	if err != nil {
		return false, errs.Failf("mount point %s: %w", errs.Shown(inside), err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return false, errs.Failf("mount point %s: %w", errs.Shown(inside), err)
	}
	return true, use(fmt.Sprintf("/proc/self/fd/%d", fd), st.Mode&unix.S_IFMT == unix.S_IFDIR)
}

// ensure opens inside (O_PATH), making missing directories on the way and the last
// component as a directory or, if file, an empty file.
func (r *Root) ensure(inside string, file bool) (int, error) {
	parts := strings.Split(strings.Trim(path.Clean(inside), "/"), "/")
	current := "/"
	fd, err := r.open(current)
	for i, part := range parts {
		if err != nil || part == "" {
			break
		}
		_ = unix.Close(fd)
		next := path.Join(current, part)
		if fd, err = r.open(next); errors.Is(err, unix.ENOENT) {
			// EEXIST: another container on the same ROOTFS made it first; use theirs.
			err = r.create(current, part, file && i == len(parts)-1)
			if err == nil || errors.Is(err, unix.EEXIST) {
				fd, err = r.open(next)
			}
		}
		current = next
	}
	return fd, err
}

func (r *Root) open(inside string) (int, error) {
	return unix.Openat2(r.fd, inside, &unix.OpenHow{
		Flags:   unix.O_PATH | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	})
}

// create makes name in the directory dir (inside the root): a directory, or an empty file.
func (r *Root) create(dir, name string, file bool) error {
	parent, err := unix.Openat2(r.fd, dir, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		return err
	}
	defer unix.Close(parent)
	if !file {
		return unix.Mkdirat(parent, name, 0o755)
	}
	fd, err := unix.Openat(parent, name, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	if err == nil {
		err = unix.Close(fd)
	}
	return err
}
