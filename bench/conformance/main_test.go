// TestMain: after every test, nothing the twins started may be left on the host (SPEC, Lifecycle):
// no process, no mount under a stage, no new entry in the temp directory.
package conformance

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"mvrc/bench/internal/testenv"
)

// prSetChildSubreaper makes orphans re-parent to us instead of to the host's init, so a
// container process that outlives its mvrc stays findable among our descendants.
const prSetChildSubreaper = 36

// privateTmp marks the re-executed suite that runs with its own /tmp.
const privateTmp = "MVRC_CONFORMANCE_PRIVATE_TMP"

func TestMain(m *testing.M) {
	// As root, the suite re-runs itself in a mount namespace with a fresh tmpfs on /tmp: then
	// every temp entry and mount left at the end is the twins' doing, not another program's.
	if os.Getuid() == 0 && os.Getenv(privateTmp) == "" {
		os.Exit(reexecWithPrivateTmp())
	}
	if os.Getenv(privateTmp) != "" {
		if err := syscall.Mount("tmpfs", os.TempDir(), "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=1777"); err != nil {
			fmt.Fprintf(os.Stderr, "conformance: mount tmpfs on %s: %v\n", os.TempDir(), err)
			os.Exit(2)
		}
	}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		fmt.Fprintf(os.Stderr, "conformance: PR_SET_CHILD_SUBREAPER: %v\n", errno)
		os.Exit(2)
	}
	tempBefore, mountsBefore := tempEntries(), mountPoints()
	code := m.Run()
	if leaks := leftBehind(tempBefore, mountsBefore); len(leaks) > 0 {
		fmt.Fprintf(os.Stderr, "--- FAIL: cleanup: mvrc left things on the host:\n\t%s\n", strings.Join(leaks, "\n\t"))
		code = 1
	}
	os.Exit(code)
}

// reexecWithPrivateTmp runs this test binary again, with the same arguments, in a new mount
// namespace (Go makes its root private first, so nothing propagates back to the host).
func reexecWithPrivateTmp() int {
	cmd := exec.Command("/proc/self/exe", os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), privateTmp+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Run(); err != nil && cmd.ProcessState == nil {
		fmt.Fprintf(os.Stderr, "conformance: re-running in a private /tmp: %v\n", err)
		return 2
	}
	return cmd.ProcessState.ExitCode()
}

// leftBehind lists what the twins left: live descendants, mounts (under a stage, or any new
// one in our private namespace), new temp entries of the test user.
func leftBehind(tempBefore, mountsBefore map[string]bool) []string {
	reapZombies()
	var leaks []string
	for _, pid := range descendants(os.Getpid()) {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		leaks = append(leaks, fmt.Sprintf("process %d (%s) still runs (killed now)", pid, strings.TrimSpace(string(comm))))
		_ = syscall.Kill(pid, syscall.SIGKILL) // reported; the next run starts clean
	}
	for target := range mountPoints() {
		// Outside our private namespace, other programs may mount too: only stages count there.
		isNew := !mountsBefore[target] && os.Getenv(privateTmp) != ""
		if isNew || strings.Contains(target, "/"+testenv.StagePrefix) {
			leaks = append(leaks, "mount on "+target)
		}
	}
	cred, _ := testenv.Cred()
	for name := range tempEntries() {
		if tempBefore[name] || strings.HasPrefix(name, testenv.StagePrefix) {
			continue
		}
		path := filepath.Join(os.TempDir(), name)
		var st syscall.Stat_t
		// Only the test user's entries: other programs on the host may use the temp dir too.
		if syscall.Lstat(path, &st) == nil && (cred == nil && int(st.Uid) == os.Getuid() || cred != nil && st.Uid == cred.Uid) {
			leaks = append(leaks, "temp entry "+path)
		}
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

// tempEntries is the set of names in the temp directory.
func tempEntries() map[string]bool {
	names := map[string]bool{}
	entries, _ := os.ReadDir(os.TempDir())
	for _, e := range entries {
		names[e.Name()] = true
	}
	return names
}
