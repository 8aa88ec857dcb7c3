package testenv

// The stage: a private copy of the twins and the rootfs that the test user owns, for the
// conformance tests (Stage) and the bench workspace (NewStaged).

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Staged is a fresh directory, owned by the test user, holding copies of the twins and the rootfs.
type Staged struct {
	Dir    string // 0755, removed by Close (by Stage: when the test ends)
	Rootfs string // Dir/rootfs, a copy of RootfsSource()
	Twins  []Twin // Path points into Dir
	UID    int    // the caller's ids as the twins see them
	GID    int
	Cred   *syscall.Credential // nil: run as ourselves (see Cred)
}

// Stage copies the twins (all of Twins, or only those given) and the rootfs into a fresh
// directory, removed when the test ends.
func Stage(tb testing.TB, only ...Twin) *Staged {
	tb.Helper()
	twins := only
	if len(twins) == 0 {
		twins = Twins(tb)
	}
	st, err := NewStaged(twins...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("removing stage: %v", err)
		}
	})
	return st
}

// NewStaged copies the given twins and the rootfs into a fresh directory and hands it to
// the test user: the repository may sit below a directory that user cannot traverse, and a
// test may change its rootfs. The caller removes it with Close.
func NewStaged(twins ...Twin) (*Staged, error) {
	cred, err := Cred()
	if err != nil {
		return nil, err
	}
	src := RootfsSource()
	if info, err := os.Stat(filepath.Join(src, "bin", "busybox")); err != nil || !info.Mode().IsRegular() {
		return nil, fmt.Errorf("rootfs %s has no bin/busybox: run just rootfs", src)
	}
	dir, err := os.MkdirTemp("", StagePrefix)
	if err != nil {
		return nil, err
	}
	st := &Staged{Dir: dir, Rootfs: filepath.Join(dir, "rootfs"), UID: os.Getuid(), GID: os.Getgid(), Cred: cred}
	if cred != nil {
		st.UID, st.GID = int(cred.Uid), int(cred.Gid)
	}
	if err := st.fill(src, twins); err != nil {
		_ = st.Close() // the copy's error is the one worth reporting
		return nil, err
	}
	return st, nil
}

func (s *Staged) fill(src string, twins []Twin) error {
	for _, twin := range twins {
		staged := Twin{Name: twin.Name, Path: filepath.Join(s.Dir, "mvrc-"+twin.Name)}
		if err := copyFile(twin.Path, staged.Path, 0o755); err != nil {
			return err
		}
		s.Twins = append(s.Twins, staged)
	}
	if err := copyTree(src, s.Rootfs); err != nil {
		return err
	}
	if err := os.Chmod(s.Dir, 0o755); err != nil {
		return err
	}
	return s.own(s.Dir)
}

// Close removes the stage.
func (s *Staged) Close() error {
	return os.RemoveAll(s.Dir)
}

// Mkdir makes the directory NAME (relative to Dir, with its parents) owned by the test user.
func (s *Staged) Mkdir(tb testing.TB, name string) string {
	tb.Helper()
	path, err := s.MkdirAll(name)
	if err != nil {
		tb.Fatal(err)
	}
	return path
}

// MkdirAll is Mkdir returning its error.
func (s *Staged) MkdirAll(name string) (string, error) {
	path := filepath.Join(s.Dir, name)
	if err := os.MkdirAll(path, 0o755); err != nil {
		return "", err
	}
	return path, s.ownBelowDir(path)
}

// WriteFile writes NAME (relative to Dir) owned by the test user and returns its path.
func (s *Staged) WriteFile(tb testing.TB, name string, data []byte, perm os.FileMode) string {
	tb.Helper()
	path, err := s.Write(name, data, perm)
	if err != nil {
		tb.Fatal(err)
	}
	return path
}

// Write is WriteFile returning its error.
func (s *Staged) Write(name string, data []byte, perm os.FileMode) (string, error) {
	path := filepath.Join(s.Dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	if err := writeFile(path, data, perm); err != nil {
		return "", err
	}
	if err := os.Chmod(path, perm); err != nil {
		return "", err
	}
	return path, s.ownBelowDir(path)
}

// ownBelowDir owns path and every directory between it and Dir (MkdirAll may have made them).
func (s *Staged) ownBelowDir(path string) error {
	rel, err := filepath.Rel(s.Dir, path)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("stage: %q is not below the stage", path)
	}
	return s.own(filepath.Join(s.Dir, strings.Split(rel, string(filepath.Separator))[0]))
}

// Command runs a twin as the test user with a clean environment (PATH, and TMPDIR: anything a
// twin left in its temp directory is then found by PrivateTempDir's owner; append TERM or
// anything else to Env when a test wants it). Pdeathsig: a dying test leaves no mvrc behind.
func (s *Staged) Command(ctx context.Context, twin Twin, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, twin.Path, args...)
	cmd.Env = []string{"PATH=" + HostPath, "TMPDIR=" + os.TempDir()}
	cmd.Dir = s.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.Cred, Pdeathsig: syscall.SIGKILL}
	// A container that outlives its mvrc holds our pipes open; Wait gives up on them after this.
	cmd.WaitDelay = WaitDelay
	return cmd
}

// own hands the tree at path to the test user (a no-op when we are that user).
func (s *Staged) own(path string) error {
	if s.Cred == nil {
		return nil
	}
	return filepath.Walk(path, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(s.Cred.Uid), int(s.Cred.Gid))
	})
}

// AsCaller makes the twins run as the suite's own user from now on, root when the suite runs
// as root (CI): the cases for root running mvrc, to whom SPEC's rules apply the same.
func (s *Staged) AsCaller() {
	s.Cred = nil
	s.UID, s.GID = os.Getuid(), os.Getgid()
}
