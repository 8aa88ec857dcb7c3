// Package masks hides what a container must not touch under /proc and /sys: runc's default
// read-only and masked paths, mounted through the new root so a hostile ROOTFS cannot aim them.
package masks

import (
	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
	"mvrc/internal/mounts"
)

// ReadOnly are made read-only: kernel settings (/proc/sys holds core_pattern, a way to run
// code on the host for a root that is root there too), the SysRq trigger, IRQ affinity,
// the bus and filesystem knobs.
var ReadOnly = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}

// Masked are hidden: /dev/null over a file, an empty read-only tmpfs over a directory.
// They show the host's memory (kcore), keys of every user (keys), kernel timers and
// scheduler state (timer_list, sched_debug), firmware tables (acpi, /sys/firmware), devices.
var Masked = []string{"/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/sched_debug",
	"/proc/scsi", "/proc/timer_list", "/sys/firmware"}

// Apply makes every path of ReadOnly under prefix read-only and masks every path of Masked
// under it ("/proc" after /proc is mounted, "/sys" after /sys). A path the kernel lacks is
// skipped: what is not there shows nothing.
func Apply(root *mounts.Root, prefix string) error {
	for _, p := range ReadOnly {
		if under(p, prefix) {
			if err := readOnly(root, p); err != nil {
				return err
			}
		}
	}
	for _, p := range Masked {
		if under(p, prefix) {
			if err := mask(root, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// readOnly binds inside onto itself and makes that bind read-only. The second resolution
// names the new mount: the first descriptor still names the one below it.
func readOnly(root *mounts.Root, inside string) error {
	found, err := root.Existing(inside, func(target string, _ bool) error {
		if err := unix.Mount(target, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return errs.Failf("bind %q on %q: %w", inside, inside, err)
		}
		return nil
	})
	if err != nil || !found {
		return err
	}
	_, err = root.Existing(inside, func(target string, _ bool) error {
		return mounts.ReadOnlyRecursive(target, inside)
	})
	return err
}

// mask hides inside. The /dev/null bound over a file is made read-only too: it is the host's
// node, and a container whose root is the host's root could otherwise chmod it.
func mask(root *mounts.Root, inside string) error {
	var file bool
	found, err := root.Existing(inside, func(target string, dir bool) error {
		if dir {
			return mountEmpty(target, inside)
		}
		file = true
		if err := unix.Mount("/dev/null", target, "", unix.MS_BIND, ""); err != nil {
			return errs.Failf("bind %q on %q: %w", "/dev/null", inside, err)
		}
		return nil
	})
	if err != nil || !found || !file {
		return err
	}
	_, err = root.Existing(inside, func(target string, _ bool) error {
		return mounts.ReadOnlyRecursive(target, inside)
	})
	return err
}

// mountEmpty covers a directory with an empty read-only tmpfs.
func mountEmpty(target, inside string) error {
	flags := uintptr(unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC)
	if err := unix.Mount("tmpfs", target, "tmpfs", flags, "mode=555"); err != nil {
		return errs.Failf("mount tmpfs on %s: %w", inside, err)
	}
	return nil
}

func under(p, prefix string) bool { return len(p) > len(prefix) && p[:len(prefix)+1] == prefix+"/" }
