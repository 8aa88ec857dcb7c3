// Package testenv is the test environment every mvrc black-box test starts from: where the
// repository is, which twins to run, which user runs them, and a private staged copy of the
// binaries and the rootfs that this user can reach. A test reads in three lines:
//
//	st := testenv.Stage(t)
//	for _, twin := range st.Twins {
//		out, err := st.Command(ctx, twin, "run", st.Rootfs, "true").Output()
package testenv

import (
	"fmt"
	"os"
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
		twin := Built(name)
		if info, err := os.Stat(twin.Path); err != nil || !info.Mode().IsRegular() {
			tb.Fatalf("twin %s: %s is not built: run just build", name, twin.Path)
		}
		twins = append(twins, twin)
	}
	return twins
}

// Built is the twin NAME where `just build` puts it: NAME/mvrc in the repository.
func Built(name string) Twin {
	return Twin{Name: name, Path: filepath.Join(Root(), name, "mvrc")}
}

// RootfsSource is the busybox rootfs the stage copies (MVRC_ROOTFS overrides).
func RootfsSource() string {
	if dir := os.Getenv("MVRC_ROOTFS"); dir != "" {
		return dir
	}
	return filepath.Join(Root(), "rootfs", "busybox")
}
