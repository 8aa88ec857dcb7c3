// Package network brings up lo in the container's new network namespace.
package network

import (
	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
)

// LoopbackUp sets IFF_UP on lo. A new network namespace has only lo, and it starts down, so
// even 127.0.0.1 is unreachable until this runs.
func LoopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return errs.Failf("bringing up lo: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return errs.Failf("bringing up lo: %w", err)
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return errs.Failf("bringing up lo: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return errs.Failf("bringing up lo: %w", err)
	}
	return nil
}
