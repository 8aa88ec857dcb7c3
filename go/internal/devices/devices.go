// Package devices builds the container's /dev: a small tmpfs with the host's harmless device
// nodes bound in, a private devpts, /dev/shm and the usual links.
package devices

import (
	"golang.org/x/sys/unix"

	"mvrc/internal/mounts"
)

// nodes are bound from the host: a user namespace may not mknod(2), but it may bind a node
// that already exists, and these six give no access to any hardware.
var nodes = []string{"null", "zero", "full", "random", "urandom", "tty"}

// links are the /dev symlinks programs expect.
var links = [][2]string{
	{"/dev/fd", "/proc/self/fd"},
	{"/dev/stdin", "/proc/self/fd/0"},
	{"/dev/stdout", "/proc/self/fd/1"},
	{"/dev/stderr", "/proc/self/fd/2"},
	{"/dev/ptmx", "pts/ptmx"},
}

// shmSize bounds /dev/shm as docker does (the kernel's default is half of RAM).
const shmSize = "64m"

// Setup mounts /dev under root; with the ipc namespace, its POSIX message queues at /dev/mqueue.
func Setup(root *mounts.Root, newIPC bool) error {
	if err := root.Mount("tmpfs", "/dev", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=65536k"); err != nil {
		return err
	}
	// Read-only binds: I/O to a device goes on, but its inode is the host's, and a container
	// whose root is the host's root could otherwise chmod or chown the host's /dev/null.
	for _, name := range nodes {
		if err := root.Bind("/dev/"+name, "/dev/"+name, true); err != nil {
			return err
		}
	}
	// A new devpts instance, so the container sees only its own ptys. No gid= option:
	// with a single mapped id the tty group does not exist in the namespace and the
	// mount would fail with EINVAL.
	if err := root.Mount("devpts", "/dev/pts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err != nil {
		return err
	}
	if err := root.Mount("tmpfs", "/dev/shm", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777,size="+shmSize); err != nil {
		return err
	}
	if newIPC {
		if err := root.Mount("mqueue", "/dev/mqueue", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
			return err
		}
	}
	for _, link := range links {
		if err := root.Symlink(link[1], link[0]); err != nil {
			return err
		}
	}
	return nil
}
