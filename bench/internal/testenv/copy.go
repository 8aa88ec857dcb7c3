package testenv

// Copying into a stage: the rootfs tree and the twins, with their exact modes.

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// keptMode is the part of a file's mode a copy keeps.
const keptMode = os.ModePerm | os.ModeSticky | os.ModeSetuid | os.ModeSetgid

// copyTree copies directories, regular files and symlinks: all a rootfs we test needs.
func copyTree(src, dst string) error {
	return filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch mode := info.Mode(); {
		case mode.IsDir():
			if err := os.Mkdir(target, 0o700); err != nil {
				return err
			}
			return os.Chmod(target, mode&keptMode) // keeps /tmp's sticky bit
		case mode&os.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case mode.IsRegular():
			return copyFile(p, target, mode&keptMode)
		default:
			return fmt.Errorf("copying rootfs: %s: unsupported file type %v", p, mode.Type())
		}
	})
}

// copyFile copies a regular file with exactly the mode perm.
func copyFile(src, dst string, perm os.FileMode) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := writeFile(dst, data, perm); err != nil {
		return err
	}
	// WriteFile's perm passes through the umask; the copy must keep the exact mode.
	return os.Chmod(dst, perm)
}

// writeFile is os.WriteFile with no fork meanwhile (ForkLock's read side): a parallel test's
// fork while the file is open for writing carries the writable fd into its child until that
// child execs, and an exec of the file in that window fails with "text file busy" (ETXTBSY).
func writeFile(path string, data []byte, perm os.FileMode) error {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	return os.WriteFile(path, data, perm)
}
