// Package testenv is the test environment every mvrc black-box test starts from: where the
// repository is, which twins to run, which user runs them, and a private staged copy of the
// binaries and the rootfs that this user can reach. A test reads in three lines:
//
//	st := testenv.Stage(t)
//	for _, twin := range st.Twins {
//		out, err := st.Command(ctx, twin, "run", st.Rootfs, "true").Output()
package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Twin is one implementation of the mvrc contract.
type Twin struct {
	Name string // "go" or "rust"
	Path string // the binary
}

// HostPath is the PATH a Command gets: mvrc finds newuidmap/newgidmap on it.
const HostPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// WaitDelay bounds how long Wait waits for the pipes once mvrc has exited.
const WaitDelay = 5 * time.Second

// StagePrefix starts the name of every stage directory, so leak checks can tell them apart.
const StagePrefix = "mvrc-stage-"

// Root is the repository root: the nearest directory above the working directory with a go.work.
func Root() string {
	dir, err := os.Getwd()
	if err != nil {
		panic(fmt.Sprintf("testenv: %v", err))
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return d
		}
		if d == filepath.Dir(d) {
			panic(fmt.Sprintf("testenv: no go.work above %s", dir))
		}
	}
}

// TestUser is the account the twins run as when the tests run as root.
func TestUser() string {
	if name := os.Getenv("MVRC_TEST_USER"); name != "" {
		return name
	}
	return "mvrctest"
}

// Cred is the identity the twins run with: nil when the tests are not root (they run as
// ourselves); as root, the test user with no supplementary groups, because rootless is the
// point and root would hide every permission bug.
func Cred() (*syscall.Credential, error) {
	if os.Getuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(TestUser())
	if err != nil {
		return nil, fmt.Errorf("test user %q: %w (run ./bootstrap, or set MVRC_TEST_USER)", TestUser(), err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("test user %q: uid %q: %w", u.Username, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("test user %q: gid %q: %w", u.Username, u.Gid, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}

// Twins lists the twins to test: go and rust, or only those named in MVRC_TWINS (comma
// separated). A twin that is asked for but not built fails the test: a skipped twin is a
// twin nobody tested.
func Twins(tb testing.TB) []Twin {
	tb.Helper()
	names := []string{"go", "rust"}
	if env := os.Getenv("MVRC_TWINS"); env != "" {
		names = strings.Split(env, ",")
	}
	var twins []Twin
	for _, name := range names {
		if name != "go" && name != "rust" {
			tb.Fatalf("MVRC_TWINS: unknown twin %q (want go, rust)", name)
		}
		path := filepath.Join(Root(), name, "mvrc")
		if info, err := os.Stat(path); err != nil || !info.Mode().IsRegular() {
			tb.Fatalf("twin %s: %s is not built: run just build", name, path)
		}
		twins = append(twins, Twin{Name: name, Path: path})
	}
	return twins
}

// RootfsSource is the busybox rootfs the stage copies (MVRC_ROOTFS overrides).
func RootfsSource() string {
	if dir := os.Getenv("MVRC_ROOTFS"); dir != "" {
		return dir
	}
	return filepath.Join(Root(), "rootfs", "busybox")
}

// Staged is a fresh directory, owned by the test user, holding copies of the twins and the rootfs.
type Staged struct {
	Dir    string // 0755, removed when the test ends
	Rootfs string // Dir/rootfs, a copy of RootfsSource()
	Twins  []Twin // Path points into Dir
	UID    int    // the caller's ids as the twins see them
	GID    int
	cred   *syscall.Credential
}

// Stage copies the twins (all of Twins, or only those given) and the rootfs into a fresh
// directory: the repository may sit below a directory the test user cannot traverse, and a
// test may change its rootfs.
func Stage(tb testing.TB, only ...Twin) *Staged {
	tb.Helper()
	cred, err := Cred()
	if err != nil {
		tb.Fatal(err)
	}
	twins := only
	if len(twins) == 0 {
		twins = Twins(tb)
	}
	src := RootfsSource()
	if info, err := os.Stat(filepath.Join(src, "bin", "busybox")); err != nil || !info.Mode().IsRegular() {
		tb.Fatalf("rootfs %s has no bin/busybox: run just rootfs", src)
	}
	dir, err := os.MkdirTemp("", StagePrefix)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			tb.Errorf("removing stage: %v", err)
		}
	})
	st := &Staged{Dir: dir, Rootfs: filepath.Join(dir, "rootfs"), UID: os.Getuid(), GID: os.Getgid(), cred: cred}
	if cred != nil {
		st.UID, st.GID = int(cred.Uid), int(cred.Gid)
	}
	for _, twin := range twins {
		staged := Twin{Name: twin.Name, Path: filepath.Join(dir, "mvrc-"+twin.Name)}
		if err := copyFile(twin.Path, staged.Path, 0o755); err != nil {
			tb.Fatal(err)
		}
		st.Twins = append(st.Twins, staged)
	}
	if err := copyTree(src, st.Rootfs); err != nil {
		tb.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := st.own(dir); err != nil {
		tb.Fatal(err)
	}
	return st
}

// Mkdir makes the directory NAME (relative to Dir, with its parents) owned by the test user.
func (s *Staged) Mkdir(tb testing.TB, name string) string {
	tb.Helper()
	path := filepath.Join(s.Dir, name)
	if err := os.MkdirAll(path, 0o755); err != nil {
		tb.Fatal(err)
	}
	s.ownBelowDir(tb, path)
	return path
}

// WriteFile writes NAME (relative to Dir) owned by the test user and returns its path.
func (s *Staged) WriteFile(tb testing.TB, name string, data []byte, perm os.FileMode) string {
	tb.Helper()
	path := filepath.Join(s.Dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, data, perm); err != nil {
		tb.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil {
		tb.Fatal(err)
	}
	s.ownBelowDir(tb, path)
	return path
}

// ownBelowDir owns path and every directory between it and Dir (MkdirAll may have made them).
func (s *Staged) ownBelowDir(tb testing.TB, path string) {
	tb.Helper()
	rel, err := filepath.Rel(s.Dir, path)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		tb.Fatalf("stage: %q is not below the stage", path)
	}
	if err := s.own(filepath.Join(s.Dir, strings.Split(rel, string(filepath.Separator))[0])); err != nil {
		tb.Fatal(err)
	}
}

// Command runs a twin as the test user with a clean environment (only PATH; append TERM or
// anything else to Env when a test wants it). Pdeathsig: a dying test leaves no mvrc behind.
func (s *Staged) Command(ctx context.Context, twin Twin, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, twin.Path, args...)
	cmd.Env = []string{"PATH=" + HostPath}
	cmd.Dir = s.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGKILL}
	// A container that outlives its mvrc holds our pipes open; Wait gives up on them after this.
	cmd.WaitDelay = WaitDelay
	return cmd
}

// own hands the tree at path to the test user (a no-op when we are that user).
func (s *Staged) own(path string) error {
	if s.cred == nil {
		return nil
	}
	return filepath.Walk(path, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(s.cred.Uid), int(s.cred.Gid))
	})
}

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
	if err := os.WriteFile(dst, data, perm); err != nil {
		return err
	}
	// WriteFile's perm passes through the umask; the copy must keep the exact mode.
	return os.Chmod(dst, perm)
}
