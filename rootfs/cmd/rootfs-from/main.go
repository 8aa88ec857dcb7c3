// Command rootfs-from turns a `docker export` tarball into a root filesystem
// directory for mvrc, refusing any member that would land outside it.
//
//	rootfs-from FILE DIR      (just rootfs-from FILE [NAME] → rootfs/NAME)
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"mvrc/rootfs/internal/untar"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: rootfs-from FILE DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintf(os.Stderr, "rootfs-from: %v\n", err)
		os.Exit(1)
	}
}

func run(file, dest string) error {
	if err := replaceable(dest); err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()

	// Extract beside DEST and swap it in only when the whole archive went
	// well: a hostile or broken archive leaves no half-made rootfs behind.
	tmp, err := os.MkdirTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".partial-")
	if err != nil {
		return err
	}
	defer removeTree(tmp)

	owner := invokingUser()
	sum, err := untar.Extract(f, tmp, owner)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if owner != nil {
		if err := os.Lchown(tmp, owner.UID, owner.GID); err != nil {
			return err
		}
	}
	if err := swapIn(tmp, dest); err != nil {
		return err
	}
	fmt.Printf("%s: %s\n", dest, sum)
	return nil
}

// invokingUser is the real user behind sudo; nil means "whoever runs this",
// which is already the owner of every file it creates.
func invokingUser() *untar.Owner {
	uid, errU := strconv.Atoi(os.Getenv("SUDO_UID"))
	gid, errG := strconv.Atoi(os.Getenv("SUDO_GID"))
	if os.Geteuid() != 0 || errU != nil || errG != nil {
		return nil
	}
	return &untar.Owner{UID: uid, GID: gid}
}

// replaceable refuses to overwrite a directory that is not a root
// filesystem, such as a typo'd NAME that matches a source directory.
func replaceable(dest string) error {
	if _, err := os.Lstat(dest); err != nil {
		return nil
	}
	if info, err := os.Stat(filepath.Join(dest, "etc")); err != nil || !info.IsDir() {
		return fmt.Errorf("%s exists and is not a root filesystem (no etc/); refusing to replace it", dest)
	}
	return nil
}

// swapIn replaces dest (if any) with dir.
func swapIn(dir, dest string) error {
	if _, err := os.Lstat(dest); err == nil {
		old := dir + ".old"
		if err := os.Rename(dest, old); err != nil {
			return err
		}
		defer removeTree(old)
	}
	return os.Rename(dir, dest)
}

// removeTree is os.RemoveAll that first gives back write access to
// directories the archive made read-only, so a non-root user can clean up.
func removeTree(dir string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o700)
		}
		return nil
	})
	os.RemoveAll(dir)
}
