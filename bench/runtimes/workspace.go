// Package runtimes is the line-up under test: the twins and the peer runtimes, each able to
// run one command in the same busybox rootfs with the same namespaces, as the same non-root
// user. This file prepares the workspace they share.
package runtimes

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"

	"mvrc/bench/internal/testenv"
)

// Workspace is a private directory the test user owns: a copy of the rootfs, the twins,
// and the per-runtime state (OCI bundles, state roots). Rootless runtimes refuse, or
// behave differently on, a rootfs or state directory owned by someone else.
type Workspace struct {
	Dir    string              // 0755, removed by Close
	Rootfs string              // Dir/rootfs
	Cred   *syscall.Credential // nil: run as ourselves (the harness is not root)
	UID    int                 // the caller's ids as the runtimes see them
	GID    int
	Home   string // the caller's home: podman keeps its storage there

	mu      sync.Mutex
	bundles map[string]string // OCI bundle directory per command line
}

// NewWorkspace copies the rootfs (testenv.RootfsSource) and the built twins into a fresh
// directory and hands it to the test user (testenv.Cred).
func NewWorkspace() (*Workspace, error) {
	cred, err := testenv.Cred()
	if err != nil {
		return nil, err
	}
	src := testenv.RootfsSource()
	if _, err := os.Stat(filepath.Join(src, "bin", "busybox")); err != nil {
		return nil, fmt.Errorf("rootfs %s has no bin/busybox (run just rootfs): %w", src, err)
	}
	dir, err := os.MkdirTemp("", "mvrc-bench-")
	if err != nil {
		return nil, err
	}
	ws := &Workspace{Dir: dir, Rootfs: filepath.Join(dir, "rootfs"), Cred: cred,
		UID: os.Getuid(), GID: os.Getgid(), bundles: map[string]string{}}
	if err := ws.fill(src); err != nil {
		ws.Close()
		return nil, err
	}
	return ws, nil
}

func (ws *Workspace) fill(src string) error {
	if err := os.Chmod(ws.Dir, 0o755); err != nil {
		return err
	}
	// cp -a keeps the applet symlinks and modes exactly; the harness may shell out, the
	// runtimes under test may not.
	if out, err := exec.Command("cp", "-a", src, ws.Rootfs).CombinedOutput(); err != nil {
		return fmt.Errorf("copying rootfs %s: %w: %s", src, err, out)
	}
	for _, twin := range []string{"go", "rust"} {
		built := filepath.Join(testenv.Root(), twin, "mvrc")
		if _, err := os.Stat(built); err != nil {
			continue // not built: the runtime's probe reports it
		}
		if out, err := exec.Command("cp", built, ws.twinPath(twin)).CombinedOutput(); err != nil {
			return fmt.Errorf("copying %s: %w: %s", built, err, out)
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return err
	}
	ws.Home = home
	if ws.Cred == nil {
		return nil
	}
	ws.UID, ws.GID = int(ws.Cred.Uid), int(ws.Cred.Gid)
	u, err := user.LookupId(strconv.Itoa(ws.UID))
	if err != nil {
		return err
	}
	ws.Home = u.HomeDir
	return ws.own(ws.Dir)
}

// twinPath is where the workspace keeps its copy of a twin: the repository may sit below
// a directory the test user cannot traverse.
func (ws *Workspace) twinPath(twin string) string {
	return filepath.Join(ws.Dir, twin+"-mvrc")
}

// own hands a tree to the test user.
func (ws *Workspace) own(path string) error {
	if ws.Cred == nil {
		return nil
	}
	return filepath.Walk(path, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(ws.Cred.Uid), int(ws.Cred.Gid))
	})
}

// WriteFile writes a file into the workspace, owned by the test user, and returns its path.
func (ws *Workspace) WriteFile(name string, data []byte) (string, error) {
	path := filepath.Join(ws.Dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "", err
	}
	return path, ws.own(path)
}

// Mkdir makes a directory in the workspace, owned by the test user.
func (ws *Workspace) Mkdir(name string) (string, error) {
	path := filepath.Join(ws.Dir, name)
	if err := os.MkdirAll(path, 0o755); err != nil {
		return "", err
	}
	return path, ws.own(path)
}

// Close removes the workspace.
func (ws *Workspace) Close() error {
	return os.RemoveAll(ws.Dir)
}
