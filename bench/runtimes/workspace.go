// Package runtimes is the line-up under test: the twins and the peer runtimes, each able to
// run one command in the same busybox rootfs with the same namespaces, as the same non-root
// user. This file prepares the workspace they share.
package runtimes

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"mvrc/bench/internal/testenv"
)

// Workspace is a stage (testenv.Staged: a private directory the test user owns, with a copy
// of the rootfs and of the built twins) plus the per-runtime state (OCI bundles, state
// roots). Rootless runtimes refuse, or behave differently on, a rootfs or state directory
// owned by someone else.
type Workspace struct {
	*testenv.Staged        // Dir, Rootfs, Twins, the test user's Cred, UID and GID; Close removes it
	Home            string // the caller's home: podman keeps its storage there
	Floor           string // the C floor's binary in Dir; "" when it did not build (FloorErr says why)
	FloorErr        error
	GoFloor         string // the Go floor's binary in Dir; "" when it did not build (GoFloorErr says why)
	GoFloorErr      error

	mu      sync.Mutex
	bundles map[string]string // OCI bundle directory per command line
}

// NewWorkspace stages the rootfs and the twins that are built; a twin that is not is left
// out, and its runtime's Probe reports it.
func NewWorkspace() (*Workspace, error) {
	var built []testenv.Twin
	for _, name := range []string{"go", "rust"} {
		if twin := testenv.Built(name); exists(twin.Path) {
			built = append(built, twin)
		}
	}
	st, err := testenv.NewStaged(built...)
	if err != nil {
		return nil, err
	}
	ws := &Workspace{Staged: st, bundles: map[string]string{}}
	if ws.Home, err = home(st); err != nil {
		st.Close()
		return nil, err
	}
	ws.Floor, ws.FloorErr = ws.buildFloor()
	ws.GoFloor, ws.GoFloorErr = ws.buildGoFloor()
	return ws, nil
}

// FloorSource is the C floor, compiled by the bench (gcc -static) into the workspace.
const FloorSource = "bench/floor/floor.c"

func (ws *Workspace) buildFloor() (string, error) {
	bin, err := testenv.Probe(FloorSource)
	if err != nil {
		return "", err
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	return ws.Write("floor", data, 0o755)
}

// GoFloorPackage is the Go floor, built by the bench (go build, static and stripped like the
// Go twin) from the bench module into the workspace.
const GoFloorPackage = "./floor/gofloor"

// goFloorFlags are the build's flags after "go build": the Go twin's (justfile build-go);
// the go-floor row's version line says them.
var goFloorFlags = []string{"-trimpath", "-ldflags=-s -w"}

func (ws *Workspace) buildGoFloor() (string, error) {
	tmp, err := os.MkdirTemp("", "mvrc-gofloor-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "gofloor")
	cmd := exec.Command("go", append(append([]string{"build"}, goFloorFlags...), "-o", bin, GoFloorPackage)...)
	cmd.Dir = filepath.Join(testenv.Root(), "bench")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		if out := strings.TrimSpace(string(out)); out != "" {
			err = fmt.Errorf("%w: %s", err, out)
		}
		return "", fmt.Errorf("go build %s: %w", GoFloorPackage, err)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	return ws.Write("gofloor", data, 0o755)
}

// Close removes the workspace and the probes built for it.
func (ws *Workspace) Close() error {
	return errors.Join(ws.Staged.Close(), testenv.RemoveProbes())
}

// home is the home directory of the user the runtimes run as.
func home(st *testenv.Staged) (string, error) {
	if st.Cred == nil {
		return os.UserHomeDir()
	}
	u, err := user.LookupId(strconv.Itoa(st.UID))
	if err != nil {
		return "", err
	}
	return u.HomeDir, nil
}

// twinPath is the workspace's copy of a twin; for a twin that is not built, where the
// build would have put it (Probe then says it is not built).
func (ws *Workspace) twinPath(name string) string {
	for _, twin := range ws.Twins {
		if twin.Name == name {
			return twin.Path
		}
	}
	return testenv.Built(name).Path
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
