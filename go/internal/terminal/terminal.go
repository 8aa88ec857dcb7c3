// Package terminal is -t, the container's own pseudo-terminal. The child opens it from the
// container's devpts and makes its slave COMMAND's stdio and controlling terminal; the parent
// (relay.go) joins the caller's terminal to its master.
package terminal

import (
	"fmt"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
	"mvrc/internal/spec"
)

// Open makes a new pty from the container's devpts (/dev/ptmx is a link to pts/ptmx, mounted
// by the rootfs step: a pty of the host's devpts would name a host device inside). Its slave
// gets the caller's window size, belongs to COMMAND's user, is bound at /dev/console and
// becomes our stdin, stdout and stderr; the master is returned for the parent. From here
// on nothing in the container holds the caller's terminal.
func Open(owner spec.User, size *unix.Winsize) (master int, err error) {
	master, err = unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, errs.Failf("terminal: open /dev/ptmx: %w", err)
	}
	if err := openSlave(master, owner, size); err != nil {
		_ = unix.Close(master)
		return -1, err
	}
	return master, nil
}

func openSlave(master int, owner spec.User, size *unix.Winsize) error {
	if err := unix.IoctlSetPointerInt(master, unix.TIOCSPTLCK, 0); err != nil {
		return errs.Failf("terminal: unlockpt: %w", err)
	}
	n, err := unix.IoctlGetUint32(master, unix.TIOCGPTN)
	if err != nil {
		return errs.Failf("terminal: ptsname: %w", err)
	}
	path := fmt.Sprintf("/dev/pts/%d", n)
	slave, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return errs.Failf("terminal: open %s: %w", path, err)
	}
	defer unix.Close(slave)
	// Before COMMAND runs, so that its first look at the size is already right.
	if err := unix.IoctlSetWinsize(slave, unix.TIOCSWINSZ, size); err != nil {
		return errs.Failf("terminal: set window size: %w", err)
	}
	// COMMAND's own, so that it may open it again by name (--user 1000: `exec </dev/tty`).
	if err := unix.Fchown(slave, int(owner.UID), int(owner.GID)); err != nil {
		return errs.Failf("terminal: chown %s: %w", path, err)
	}
	if err := bindConsole(path); err != nil {
		return err
	}
	for fd := range 3 {
		if err := unix.Dup3(slave, fd, 0); err != nil {
			return errs.Failf("terminal: dup3: %w", err)
		}
	}
	return nil
}

// bindConsole binds the slave at /dev/console, where init systems and getty look for the
// container's terminal. /dev is our fresh tmpfs, so the name is ours to create.
func bindConsole(slave string) error {
	fd, err := unix.Open("/dev/console", unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return errs.Failf("terminal: create /dev/console: %w", err)
	}
	_ = unix.Close(fd)
	if err := unix.Mount(slave, "/dev/console", "", unix.MS_BIND, ""); err != nil {
		return errs.Failf("bind %q on %q: %w", slave, "/dev/console", err)
	}
	return nil
}

// Control makes stdin, the slave, the controlling terminal of our new session (setsid just
// before): its ^C, ^Z and window changes now signal COMMAND's foreground job, not mvrc.
func Control() error {
	if err := unix.IoctlSetInt(0, unix.TIOCSCTTY, 0); err != nil {
		return errs.Failf("terminal: TIOCSCTTY: %w", err)
	}
	return nil
}
