// Package lookup finds COMMAND in the container's PATH and classifies exec failures as
// 126 (cannot execute) or 127 (not found).
package lookup

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"mvrc/internal/errs"
)

// Find returns the file to execute for cmd. A cmd containing "/" is used as is; otherwise
// each directory of pathList is tried in order, and the first regular file wins (an x bit
// is not required here: execve then says EACCES, and that is a 126, not a 127).
func Find(cmd string, pathList string) (string, error) {
	if strings.Contains(cmd, "/") {
		return cmd, nil
	}
	if cmd != "" {
		for _, dir := range filepath.SplitList(pathList) {
			candidate := filepath.Join(dir, cmd)
			if info, err := os.Stat(candidate); err == nil && info.Mode().IsRegular() {
				return candidate, nil
			}
		}
	}
	return "", NotFound(cmd)
}

// PathOf returns PATH from an environment list ("" if it has none).
func PathOf(env []string) string {
	for _, kv := range env {
		if value, ok := strings.CutPrefix(kv, "PATH="); ok {
			return value
		}
	}
	return ""
}

// NotFound is the 127 error for cmd.
func NotFound(cmd string) error {
	return errs.Codef(errs.NotFound, "exec %q: no such file or directory", cmd)
}

// ExecError turns execve's errno into SPEC's line and code; cmd is as the user wrote it.
func ExecError(cmd string, err error) error {
	var errno syscall.Errno
	errors.As(err, &errno)
	switch errno {
	case syscall.ENOENT, syscall.ENOTDIR:
		return NotFound(cmd)
	case syscall.EACCES, syscall.EISDIR, syscall.EPERM:
		return errs.Codef(errs.CannotExec, "exec %q: permission denied", cmd)
	}
	return errs.Codef(errs.CannotExec, "exec %q: %s", cmd, errs.Errno(err))
}
