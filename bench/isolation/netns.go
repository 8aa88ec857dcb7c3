package isolation

// Whether lo is up, seen from the host: /proc/PID/net/dev lists lo even when it is down.

import (
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// loopbackUp reads lo's flags (SIOCGIFFLAGS) inside the network namespace of pid: one
// locked thread enters it, asks, and comes back to ours. Needs CAP_SYS_ADMIN over that
// namespace: root, or the user who owns it.
func loopbackUp(pid int) (bool, error) {
	theirs, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", pid))
	if err != nil {
		return false, err
	}
	defer theirs.Close()
	ours, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		return false, err
	}
	defer ours.Close()

	runtime.LockOSThread()
	if err := unix.Setns(int(theirs.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return false, fmt.Errorf("setns into the net namespace of %d: %w", pid, err)
	}
	flags, askErr := loFlags()
	if err := unix.Setns(int(ours.Fd()), unix.CLONE_NEWNET); err != nil {
		// The thread stays locked: Go ends it with this goroutine instead of reusing it.
		return false, fmt.Errorf("setns back to our net namespace: %w", err)
	}
	runtime.UnlockOSThread()
	if askErr != nil {
		return false, askErr
	}
	return flags&unix.IFF_UP != 0, nil
}

// loFlags asks this thread's network namespace for lo's interface flags.
func loFlags() (uint16, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return 0, err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return 0, fmt.Errorf("SIOCGIFFLAGS lo: %w", err)
	}
	return ifr.Uint16(), nil
}
