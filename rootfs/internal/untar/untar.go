// Package untar extracts a `docker export` tarball (plain or gzip) into a
// directory, and nothing outside it: no member may escape the target, device
// nodes and FIFOs are skipped, setuid and setgid bits are dropped.
package untar

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
)

// ErrLinkTarget means a hard link names no member extracted before it; a
// link to anything else could share an inode with a host file.
var ErrLinkTarget = errors.New("hard link target is not a file extracted before it")

// Owner is who the extracted files belong to.
type Owner struct{ UID, GID int }

// Summary counts what an extraction made and what it skipped.
type Summary struct {
	Files, Dirs, Symlinks, Hardlinks int
	Skipped                          int // device nodes, FIFOs and other special files
}

func (s Summary) String() string {
	return fmt.Sprintf("%d files, %d directories, %d symlinks, %d hard links; skipped %d device nodes, FIFOs and other special files",
		s.Files, s.Dirs, s.Symlinks, s.Hardlinks, s.Skipped)
}

// Extract writes the archive r into root, an existing empty directory. With a
// non-nil owner every extracted path is chowned to it (sudo: the real user).
func Extract(r io.Reader, root string, owner *Owner) (Summary, error) {
	var sum Summary
	tr, err := tarReader(r)
	if err != nil {
		return sum, err
	}
	// Directories are made writable while extracting and get their own mode
	// at the end, so a read-only directory can still receive its members.
	dirModes := map[string]fs.FileMode{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, fmt.Errorf("reading archive: %w", err)
		}
		if err := extractOne(tr, hdr, root, &sum, dirModes); err != nil {
			return sum, fmt.Errorf("member %q: %w", hdr.Name, err)
		}
	}
	if err := applyDirModes(dirModes); err != nil {
		return sum, err
	}
	if owner != nil {
		return sum, chownTree(root, *owner)
	}
	return sum, nil
}

// tarReader reads plain tar, or gzip-compressed tar (magic bytes 1f 8b).
func tarReader(r io.Reader) (*tar.Reader, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("reading gzip: %w", err)
		}
		return tar.NewReader(zr), nil
	}
	return tar.NewReader(br), nil
}

func extractOne(tr *tar.Reader, hdr *tar.Header, root string, sum *Summary, dirModes map[string]fs.FileMode) error {
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeDir, tar.TypeSymlink, tar.TypeLink:
	default:
		// A device node would hand the container (or whoever reads the tree)
		// a door to host hardware; FIFOs and the rest have no use in a rootfs.
		sum.Skipped++
		return nil
	}
	name, err := memberPath(hdr.Name)
	if err != nil {
		return err
	}
	if name == "." {
		return nil // the archive's own root: root already exists
	}
	parent, err := resolveInside(root, filepath.Dir(name))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	target := filepath.Join(parent, filepath.Base(name))

	// Only permission bits and the sticky bit survive: a setuid binary from
	// an untrusted archive must not become one on the host.
	mode := hdr.FileInfo().Mode()
	keep := mode.Perm() | mode&fs.ModeSticky

	delete(dirModes, target) // a later member replaces an earlier directory
	switch hdr.Typeflag {
	case tar.TypeDir:
		sum.Dirs++
		dirModes[target] = keep
		return makeDir(target)
	case tar.TypeReg:
		sum.Files++
		return writeFile(target, tr, keep)
	case tar.TypeSymlink:
		sum.Symlinks++
		// Kept as written: an absolute target means the container's "/".
		return replace(target, func() error { return os.Symlink(hdr.Linkname, target) })
	default: // tar.TypeLink
		sum.Hardlinks++
		src, err := linkSource(root, hdr.Linkname)
		if err != nil {
			return fmt.Errorf("hard link to %q: %w", hdr.Linkname, err)
		}
		return replace(target, func() error { return os.Link(src, target) })
	}
}

// linkSource resolves a hard link's target inside root and checks that an
// earlier member put a file there.
func linkSource(root, linkname string) (string, error) {
	name, err := memberPath(linkname)
	if err != nil {
		return "", err
	}
	parent, err := resolveInside(root, filepath.Dir(name))
	if err != nil {
		return "", err
	}
	src := filepath.Join(parent, filepath.Base(name))
	info, err := os.Lstat(src)
	if err != nil || info.IsDir() {
		return "", ErrLinkTarget
	}
	return src, nil
}

func makeDir(target string) error {
	info, err := os.Lstat(target)
	if err == nil && info.IsDir() {
		return os.Chmod(target, 0o700)
	}
	return replace(target, func() error { return os.Mkdir(target, 0o700) })
}

func writeFile(target string, r io.Reader, mode fs.FileMode) error {
	return replace(target, func() error {
		// O_NOFOLLOW|O_EXCL: never write through a link, never into a file we did not just make.
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, r); err != nil {
			f.Close()
			return err
		}
		if err := f.Chmod(mode); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
}

// replace removes whatever an earlier member left at target (a later member
// wins, as with tar itself), then makes the new entry.
func replace(target string, create func() error) error {
	if err := os.RemoveAll(target); err != nil {
		return err
	}
	return create()
}

// applyDirModes sets the deepest directories first, so a parent that loses
// its search bit does not lock us out of its children.
func applyDirModes(modes map[string]fs.FileMode) error {
	dirs := make([]string, 0, len(modes))
	for dir := range modes {
		dirs = append(dirs, dir)
	}
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	for _, dir := range dirs {
		if err := os.Chmod(dir, modes[dir]); err != nil {
			return err
		}
	}
	return nil
}

func chownTree(root string, owner Owner) error {
	return filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, owner.UID, owner.GID)
	})
}
