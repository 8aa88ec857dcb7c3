// --memory, --pids and --cpus: applied on a host with a delegated cgroup v2, refused with the
// reason on any other (SPEC, Options; design.md, cgroups). Each host runs the variant it can.
package conformance

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"mvrc/bench/internal/testenv"
)

// cgroupRoot is where cgroup v2 must be mounted; cgroup2Magic is its statfs type.
const (
	cgroupRoot   = "/sys/fs/cgroup"
	cgroup2Magic = 0x63677270
)

func TestLimits(t *testing.T) {
	cases := []struct {
		name, flag, value string
		controller, file  string
		want              string // the file's content in the container's cgroup
	}{
		{"memory", "--memory", "64m", "memory", "memory.max", "67108864"},
		{"memory takes a suffix", "--memory", "512K", "memory", "memory.max", "524288"},
		{"pids", "--pids", "10", "pids", "pids.max", "10"},
		{"cpus", "--cpus", "0.5", "cpu", "cpu.max", "50000 100000"},
	}
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				parent, refusal := delegation(t, st, c.controller)
				if refusal != "" {
					tcase{args: run(o(c.flag, c.value), "true"), code: 125,
						stderr: fail("mvrc: " + c.flag + " needs a delegated cgroup v2: " + refusal)}.check(t, st, twin)
					return
				}
				// Inside, the cgroup namespace and /sys/fs/cgroup start at the container's own cgroup.
				tcase{args: runSh(o(c.flag, c.value), "cut -d: -f3 /proc/self/cgroup; cat /sys/fs/cgroup/"+c.file),
					stdout: "/\n" + c.want + "\n"}.check(t, st, twin)
				pidFile := filepath.Join(st.Dir, "pid-"+c.name)
				l := start(t, st, twin, runSh(o(c.flag, c.value, "--pid-file", pidFile), "echo ready; read x")...)
				l.expect("ready")
				pid := readPidFile(t, pidFile)
				dir := filepath.Join(parent, fmt.Sprintf("mvrc-%d", pid))
				if got, err := os.ReadFile(filepath.Join(dir, c.file)); err != nil || strings.TrimSpace(string(got)) != c.want {
					t.Errorf("%s/%s holds %q (%v), want %q", dir, c.file, got, err, c.want)
				}
				if got := procStatusCgroup(t, pid); got != strings.TrimPrefix(dir, cgroupRoot) {
					t.Errorf("the container's PID 1 is in cgroup %q, want %q", got, strings.TrimPrefix(dir, cgroupRoot))
				}
				if r := l.wait(); r.code != 0 || r.stderr != "" {
					t.Errorf("exit %d, stderr %q, want 0 and nothing", r.code, r.stderr)
				}
				if left, _ := filepath.Glob(filepath.Join(parent, "mvrc-*")); len(left) > 0 {
					t.Errorf("cgroups left behind: %v", left)
				}
			})
		}
	})
}

// delegation says where mvrc puts a container's cgroup for a limit on controller, as
// design.md defines a delegated cgroup v2: /sys/fs/cgroup is cgroup2, and the parent of the
// caller's cgroup is writable by the caller (the test user) with controller in its
// cgroup.subtree_control. Otherwise refusal is the reason mvrc must give.
func delegation(t *testing.T, st *testenv.Staged, controller string) (parent, refusal string) {
	t.Helper()
	var fs syscall.Statfs_t
	if err := syscall.Statfs(cgroupRoot, &fs); err != nil || fs.Type != cgroup2Magic {
		return "", cgroupRoot + " is not cgroup2"
	}
	// mvrc inherits our cgroup: the test user runs in the same one.
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	own, ok := "", false
	for _, line := range strings.Split(string(data), "\n") {
		if own, ok = strings.CutPrefix(line, "0::"); ok {
			break
		}
	}
	switch {
	case !ok:
		return "", "no cgroup v2 entry in /proc/self/cgroup"
	case own == "/":
		return "", "mvrc runs in the root cgroup, which has no parent"
	}
	parent = filepath.Join(cgroupRoot, path.Dir(own))
	// access(2) as the test user, as mvrc does it: `test -w` run with its credentials.
	test := exec.CommandContext(context.Background(), "/bin/sh", "-c", `test -w "$0"`, parent)
	test.SysProcAttr = &syscall.SysProcAttr{Credential: st.Cred}
	if test.Run() != nil {
		return "", "no write access to " + parent
	}
	enabled, err := os.ReadFile(filepath.Join(parent, "cgroup.subtree_control"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range strings.Fields(string(enabled)) {
		if c == controller {
			return parent, ""
		}
	}
	return "", "the " + controller + " controller is not delegated"
}

// procStatusCgroup is the cgroup v2 path of pid, from its /proc/PID/cgroup.
func procStatusCgroup(t *testing.T, pid int) string {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if own, ok := strings.CutPrefix(line, "0::"); ok {
			return own
		}
	}
	return ""
}
