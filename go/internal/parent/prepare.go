// What the parent checks before any namespace exists: ROOTFS, bind sources, the seccomp
// profile, cgroup delegation.

package parent

import (
	"errors"
	"os"
	"path/filepath"

	"mvrc/internal/cgroups"
	"mvrc/internal/errs"
	"mvrc/internal/seccomp"
	"mvrc/internal/spec"
	"mvrc/internal/terminal"
)

// prepare checks what can be checked before any namespace exists: ROOTFS, bind sources,
// the seccomp profile (compiled here, installed by the child), cgroup delegation. It makes
// the paths absolute, since the child moves.
func prepare(s *spec.Spec) (delegated *cgroups.Delegated, err error) {
	if s.TTY {
		if err := terminal.Check(); err != nil {
			return nil, err
		}
	}
	if s.Rootfs, err = checkRootfs(s.Rootfs); err != nil {
		return nil, err
	}
	for i, b := range s.Binds {
		if _, err := os.Stat(b.Source); err != nil {
			return nil, errs.Failf("bind source %q: %w", b.Source, err)
		}
		if s.Binds[i].Source, err = filepath.Abs(b.Source); err != nil {
			return nil, errs.Failf("bind source %q: %w", b.Source, err)
		}
	}
	filter, err := seccomp.Load(s.Seccomp)
	if err != nil {
		return nil, err
	}
	s.Filter = seccomp.Encode(filter)
	return cgroups.Check(s.Limits)
}

// checkRootfs resolves ROOTFS to an absolute directory; errors name it as the user wrote it.
func checkRootfs(dir string) (string, error) {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", errs.Failf("rootfs %q: no such directory", dir)
	case err != nil:
		return "", errs.Failf("rootfs %q: %w", dir, err)
	case !info.IsDir():
		return "", errs.Failf("rootfs %q: not a directory", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", errs.Failf("rootfs %q: %w", dir, err)
	}
	// The host's own root as ROOTFS would bind the host's /dev onto itself and fail
	// half-way; a link to "/" is the same directory, so compare what it resolves to.
	if real, err := filepath.EvalSymlinks(abs); err == nil && real == "/" {
		return "", errs.Failf("rootfs %q: cannot be the host's root directory", dir)
	}
	return abs, nil
}
