// TestMain: after every test, nothing the twins started may be left on the host (SPEC, Lifecycle):
// no process, no mount, no file. Only what this suite's own runs made counts: the twins run
// with a private temp directory (every stage lives in it), processes are our descendants, and
// mounts count where the suite works. Other users of /tmp (podman's first-use state, another
// test run, a demo) are none of our business.
package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"mvrc/bench/internal/testenv"
)

func TestMain(m *testing.M) {
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	// As a subreaper we inherit orphans instead of the host's init, so a container process
	// that outlives its mvrc stays findable among our descendants.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		fmt.Fprintf(os.Stderr, "conformance: PR_SET_CHILD_SUBREAPER: %v\n", err)
		return 2
	}
	private, err := testenv.PrivateTempDir("mvrc-conformance-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "conformance: %v\n", err)
		return 2
	}
	defer os.RemoveAll(private)
	mountsBefore := mountPoints()
	code := m.Run()
	if err := testenv.RemoveProbes(); err != nil {
		fmt.Fprintf(os.Stderr, "conformance: %v\n", err)
	}
	if leaks := leftBehind(private, mountsBefore); len(leaks) > 0 {
		fmt.Fprintf(os.Stderr, "--- FAIL: cleanup: mvrc left things on the host:\n\t%s\n", strings.Join(leaks, "\n\t"))
		code = 1
	}
	return code
}

// leftBehind lists what the twins left: live descendants, new mounts where the suite works,
// anything in the private temp directory (every stage in it has been removed by now).
func leftBehind(private string, mountsBefore map[string]bool) []string {
	reapZombies()
	var leaks []string
	for _, pid := range descendants(os.Getpid()) {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		leaks = append(leaks, fmt.Sprintf("process %d (%s) still runs (killed now)", pid, strings.TrimSpace(string(comm))))
		_ = syscall.Kill(pid, syscall.SIGKILL) // reported; the next run starts clean
	}
	for target := range mountPoints() {
		isNew := !mountsBefore[target] && (under(target, private) || under(target, testenv.Root()))
		if isNew || strings.Contains(target, "/"+testenv.StagePrefix) {
			leaks = append(leaks, "mount on "+target)
		}
	}
	entries, _ := os.ReadDir(private)
	for _, e := range entries {
		leaks = append(leaks, "temp entry "+filepath.Join(private, e.Name()))
	}
	return leaks
}

// reapZombies collects the exit status of orphans that re-parented to us and died: they are
// gone, only their status waited for a parent.
func reapZombies() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}

// descendants lists every process below pid, from the parent links in /proc.
func descendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, ok := parentOf(p); ok {
			children[ppid] = append(children[ppid], p)
		}
	}
	var all []int
	for queue := children[pid]; len(queue) > 0; queue = queue[1:] {
		all = append(all, queue[0])
		queue = append(queue, children[queue[0]]...)
	}
	return all
}

// parentOf reads the PPid of pid; ok is false when the process is gone.
func parentOf(pid int) (int, bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command name may hold spaces and parentheses: fields start after the last ')'.
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return ppid, err == nil
}

// mountPoints is the set of mount points in our mount namespace.
func mountPoints() map[string]bool {
	targets := map[string]bool{}
	mountinfo, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mountinfo), "\n") {
		if f := strings.Fields(line); len(f) > 4 {
			targets[f[4]] = true
		}
	}
	return targets
}

// under reports whether path is dir or below it.
func under(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, strings.TrimSuffix(dir, "/")+"/")
}
