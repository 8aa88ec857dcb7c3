// Turns an archive member's name into a host path that is inside the target
// directory, following symlinks the way the container will: rooted at the target.
package untar

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ErrEscape means a member's name, or a hard link's target, points outside the target.
var ErrEscape = errors.New("path escapes the target")

// maxLinks bounds symlink resolution, like the kernel's ELOOP limit, so a
// link cycle in the archive cannot make extraction spin forever.
const maxLinks = 40

// memberPath cleans a member name into a relative, slash-separated path.
// Absolute names and names that climb out with ".." are refused outright:
// `docker export` never writes them, so one that does is hostile.
func memberPath(name string) (string, error) {
	if path.IsAbs(name) {
		return "", ErrEscape
	}
	clean := path.Clean(name)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", ErrEscape
	}
	return clean, nil
}

// resolveInside returns the host path of rel under root, resolving every
// symlink already extracted as if root were "/": an absolute link target
// starts again at root and ".." stops at root. The result is therefore always
// inside root, whatever links an earlier member planted (the classic
// "link -> /etc, then link/passwd" escape).
func resolveInside(root, rel string) (string, error) {
	resolved := "" // relative to root, clean, never above it
	rest := strings.Split(rel, "/")
	links := 0
	for len(rest) > 0 {
		part := rest[0]
		rest = rest[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			resolved = parentOf(resolved)
			continue
		}
		next := path.Join(resolved, part)
		info, err := os.Lstat(filepath.Join(root, next))
		if errors.Is(err, fs.ErrNotExist) || (err == nil && info.Mode()&fs.ModeSymlink == 0) {
			resolved = next
			continue
		}
		if err != nil {
			return "", err
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("resolving %q: too many levels of symbolic links", rel)
		}
		target, err := os.Readlink(filepath.Join(root, next))
		if err != nil {
			return "", err
		}
		if path.IsAbs(target) {
			resolved = ""
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	return filepath.Join(root, filepath.FromSlash(resolved)), nil
}

// parentOf is path.Dir for a clean relative path, with "" as the root.
func parentOf(p string) string {
	if dir := path.Dir(p); dir != "." {
		return dir
	}
	return ""
}
