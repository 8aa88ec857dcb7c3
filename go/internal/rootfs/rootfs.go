// Package rootfs builds the container's root from ROOTFS (bind or overlay, then /proc, /dev,
// /sys, --tmpfs, --bind) and makes it "/" with pivot_root, or chroot when asked.
package rootfs

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"mvrc/internal/devices"
	"mvrc/internal/errs"
	"mvrc/internal/masks"
	"mvrc/internal/mounts"
	"mvrc/internal/namespaces"
	"mvrc/internal/spec"
)

// Setup builds the container's root from s.Rootfs (absolute) and makes it "/".
// Without a mount namespace nothing is mounted: ROOTFS is entered with chroot(2).
func Setup(s *spec.Spec) error {
	if !namespaces.Has(s.Namespaces, "mount") {
		return enterChroot(s.Rootfs)
	}
	// Our mount namespace is a copy of the host's, still joined to it by shared
	// propagation: make everything private so that no mount below reaches the host.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return errs.Failf("mount private on /: %w", err)
	}
	dir, err := newRoot(s)
	if err != nil {
		return err
	}
	root, err := mounts.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	if err := submounts(root, s); err != nil {
		return err
	}
	if s.Chroot {
		err = enterChroot(dir)
	} else {
		err = pivotRoot(dir)
	}
	if err != nil || !s.ReadOnly {
		return err
	}
	return mounts.RemountReadOnly("/", "/")
}

// newRoot makes the mount that becomes "/": ROOTFS bound onto itself (pivot_root needs a
// mount point), or an overlay whose writable layer lives in a tmpfs and dies with us.
func newRoot(s *spec.Spec) (string, error) {
	if !s.Overlay {
		if err := unix.Mount(s.Rootfs, s.Rootfs, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return "", errs.Failf("bind %q on %q: %w", s.Rootfs, "/", err)
		}
		return s.Rootfs, nil
	}
	// Hold ROOTFS by descriptor before the tmpfs hides its path: the overlay's lower
	// layer is then named through /proc/self/fd, and ROOTFS itself is never written.
	lower, err := unix.Open(s.Rootfs, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", errs.Failf("rootfs %q: %w", s.Rootfs, err)
	}
	defer unix.Close(lower)
	if err := unix.Mount("tmpfs", s.Rootfs, "tmpfs", 0, "mode=755"); err != nil {
		return "", errs.Failf("mount tmpfs on /: %w", err)
	}
	// Named relative to the tmpfs, our working directory: a "," or ":" in the ROOTFS path
	// would otherwise split the overlay's option string.
	if err := unix.Chdir(s.Rootfs); err != nil {
		return "", errs.Failf("overlay: %w", err)
	}
	for _, d := range []string{"upper", "work", "root"} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return "", errs.Failf("overlay: %w", err)
		}
	}
	data := fmt.Sprintf("lowerdir=/proc/self/fd/%d,upperdir=upper,workdir=work", lower)
	if namespaces.Has(s.Namespaces, "user") {
		// Inside a user namespace the trusted.* xattrs that record whiteouts are out of
		// reach: without user.* ones, deleting a lower directory fails with EIO.
		data += ",userxattr"
	}
	if err := unix.Mount("overlay", "root", "overlay", 0, data); err != nil {
		return "", errs.Failf("mount overlay on /: %w", err)
	}
	return filepath.Join(s.Rootfs, "root"), nil
}

// submounts fills the new root in design.md's order: /proc, /dev, /sys, --tmpfs, --bind.
func submounts(root *mounts.Root, s *spec.Spec) error {
	if err := root.Proc(namespaces.Has(s.Namespaces, "pid")); err != nil {
		return err
	}
	if err := masks.Apply(root, "/proc"); err != nil {
		return err
	}
	if err := devices.Setup(root, namespaces.Has(s.Namespaces, "ipc")); err != nil {
		return err
	}
	if err := root.Sys(namespaces.Has(s.Namespaces, "net")); err != nil {
		return err
	}
	if err := masks.Apply(root, "/sys"); err != nil {
		return err
	}
	if namespaces.Has(s.Namespaces, "cgroup") {
		if err := root.Cgroup(); err != nil {
			return err
		}
	}
	for _, t := range s.Tmpfs {
		if err := root.Tmpfs(t.Path, t.Size); err != nil {
			return err
		}
	}
	return root.Binds(s.Binds)
}

// slide: pivot_root

// pivotRoot makes dir "/" and detaches the old root, so no path, descriptor or chroot
// trick leads back to the host. pivot_root(".", ".") stacks the old root on top of the
// new one; unmounting "." then removes exactly the old root, and no directory for it
// has to exist in ROOTFS.
func pivotRoot(dir string) error {
	if err := unix.Chdir(dir); err != nil {
		return errs.Failf("pivot_root: %w", err)
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return errs.Failf("pivot_root: %w", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return errs.Failf("pivot_root: detaching the old root: %w", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return errs.Failf("pivot_root: %w", err)
	}
	return nil
}

// end slide

// enterChroot only changes what "/" means for path lookup: the old root stays mounted and
// a process with CAP_SYS_CHROOT can climb out. For teaching only.
func enterChroot(dir string) error {
	if err := unix.Chdir(dir); err != nil {
		return errs.Failf("chroot: %w", err)
	}
	if err := unix.Chroot("."); err != nil {
		return errs.Failf("chroot: %w", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return errs.Failf("chroot: %w", err)
	}
	return nil
}
