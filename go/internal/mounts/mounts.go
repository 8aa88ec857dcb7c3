// Package mounts wraps mount(2) with op/path errors and mounts /proc, /sys, --tmpfs and --bind
// under the new root, resolving every target inside that root (resolve.go); read-only mounts
// are in readonly.go.
package mounts

import (
	"fmt"
	"os"
	"path"

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
