// Targets resolved inside the new root: openat2 with RESOLVE_IN_ROOT, creating what is
// missing, and a /proc/self/fd/N path that names exactly the inode found.

package mounts

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
)

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
