// Without a PID namespace: the parent as a subreaper, which kills what COMMAND leaves running.

package parent

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
)

// becomeSubreaper makes the orphans of our descendants ours instead of the host's init's.
// Without a PID namespace, nothing kills what COMMAND leaves running in the background
// when it exits: killOrphans then does.
func becomeSubreaper() error {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return errs.Failf("prctl: %w", err)
	}
	return nil
}

// killOrphans kills and reaps every child left to the subreaper, again until none is left:
// one may fork while we look. It runs after the container has ended, never on the start path.
func killOrphans() {
	for {
		children := childrenOf(os.Getpid())
		if len(children) == 0 {
			return
		}
		for _, pid := range children {
			_ = unix.Kill(pid, unix.SIGKILL)
		}
		for _, pid := range children {
			for {
				if _, err := unix.Wait4(pid, nil, 0, nil); err != unix.EINTR {
					break
				}
			}
		}
	}
}

// childrenOf lists the processes whose parent is pid, from the PPid lines in /proc.
func childrenOf(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	ppid := fmt.Sprintf("\nPPid:\t%d\n", pid)
	var children []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err == nil && strings.Contains(string(status), ppid) {
			children = append(children, child)
		}
	}
	return children
}
