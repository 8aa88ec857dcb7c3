// Package devices builds the container's /dev: a small tmpfs with the host's harmless device
// nodes bound in, a private devpts, /dev/shm and the usual links.
package devices

import (
	"golang.org/x/sys/unix"

	"mvrc/internal/mounts"
)

// Nodes are bound from the host: a user namespace may not mknod(2), but it may bind a node
// that already exists, and these six give no access to any hardware.
var Nodes = []string{"null", "zero", "full", "random", "urandom", "tty"}

// Links are the /dev symlinks programs expect.
var Links = [][2]string{
	{"/dev/fd", "/proc/self/fd"},
	{"/dev/stdin", "/proc/self/fd/0"},
	{"/dev/stdout", "/proc/self/fd/1"},
	{"/dev/stderr", "/proc/self/fd/2"},
	{"/dev/ptmx", "pts/ptmx"},
}

// Setup mounts /dev under root.
func Setup(root *mounts.Root) error {
	if err := root.Mount("tmpfs", "/dev", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=65536k"); err != nil {
		return err
	}
	for _, name := range Nodes {
		if err := root.Bind("/dev/"+name, "/dev/"+name, false); err != nil {
			return err
		}
	}
	// A new devpts instance, so the container sees only its own ptys. No gid= option:
	// with a single mapped id the tty group does not exist in the namespace and the
	// mount would fail with EINVAL.
	if err := root.Mount("devpts", "/dev/pts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err != nil {
		return err
	}
	if err := root.Mount("tmpfs", "/dev/shm", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777"); err != nil {
		return err
	}
	for _, link := range Links {
		if err := root.Symlink(link[1], link[0]); err != nil {
			return err
		}
	}
	return nil
}
