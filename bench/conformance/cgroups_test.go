// --memory, --pids and --cpus (SPEC, Options and Errors; design.md, cgroups): applied where the
// caller sits in a cgroup v2 delegated to it, refused with SPEC's pinned line anywhere else.
// What this host must do is declared, not worked out with a copy of mvrc's rule:
// MVRC_TEST_CGROUP=delegated (the limits must apply; `just test-vm` sets it) or =REASON (the
// refusal's reason). Unset: a host without cgroup v2 must refuse with SPEC's pinned line; on a
// cgroup v2 host either outcome passes, each checked in full.
package conformance

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"mvrc/bench/internal/testenv"
)

// cgroupRoot is where cgroup v2 must be mounted; cgroup2Magic is its statfs type.
const (
	cgroupRoot   = "/sys/fs/cgroup"
	cgroup2Magic = 0x63677270
)

// noCgroup2 is the reason in SPEC's pinned refusal on a host without cgroup v2; specReasons are
// every reason SPEC lists (FLAG, DIR and CONTROLLER vary).
const (
	noCgroup2   = "/sys/fs/cgroup is not cgroup2"
	specReasons = `/sys/fs/cgroup is not cgroup2|mvrc runs in the root cgroup, which has no parent|no write access to /\S+|the (memory|pids|cpu) controller is not delegated`
)

// refusal is SPEC's pinned line for a limit that cannot be applied.
func refusal(flag, reason string) string {
	return "mvrc: " + flag + " needs a delegated cgroup v2: " + reason
}

// limited runs body where the limit FLAG VALUE must apply, with the directory that holds the
// container's cgroups (the parent of the caller's: SPEC); where it must be refused, it checks
// the refusal instead.
func limited(t *testing.T, st *testenv.Staged, twin testenv.Twin, flag, value string, body func(parent string)) {
	t.Helper()
	refuse := tcase{args: run(o(flag, value), "true"), code: 125}
	var fs syscall.Statfs_t
	expect, declared := os.LookupEnv("MVRC_TEST_CGROUP")
	switch {
	case expect == "delegated":
		body(callersParent(t))
	case declared:
		refuse.stderr = fail(refusal(flag, expect))
		refuse.check(t, st, twin)
	case syscall.Statfs(cgroupRoot, &fs) != nil || fs.Type != cgroup2Magic:
		refuse.stderr = fail(refusal(flag, noCgroup2))
		refuse.check(t, st, twin)
	default:
		// Undeclared cgroup v2 host: what mvrc does decides which contract is checked.
		if r := invoke(t, st, twin, "", nil, expandAll(t, st, twin, refuse.args)...); r.code == 0 {
			body(callersParent(t))
			return
		}
		refuse.stderrRE = regexp.QuoteMeta(refusal(flag, "")) + `(` + specReasons + `)\n`
		refuse.check(t, st, twin)
	}
}

// callersParent is where mvrc puts a container's cgroup: beside the caller's own cgroup, from
// the "0::/PATH" line of /proc/self/cgroup (the twins run in ours).
func callersParent(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if own, ok := strings.CutPrefix(line, "0::"); ok {
			return filepath.Join(cgroupRoot, path.Dir(own))
		}
	}
	t.Fatal("MVRC_TEST_CGROUP=delegated, but /proc/self/cgroup has no cgroup v2 line")
	return ""
}

func TestLimits(t *testing.T) {
	cases := []struct {
		name, flag, value string
		file, want        string // the file's content in the container's cgroup
	}{
		{"memory", "--memory", "64m", "memory.max", "67108864"},
		{"memory takes a suffix", "--memory", "16384K", "memory.max", "16777216"},
		{"pids", "--pids", "16", "pids.max", "16"},
		{"cpus", "--cpus", "0.5", "cpu.max", "50000 100000"},
		{"cpus quota is truncated", "--cpus", "1.333333", "cpu.max", "133333 100000"},
	}
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				limited(t, st, twin, c.flag, c.value, func(parent string) {
					// Inside, the cgroup namespace and /sys/fs/cgroup start at the container's own cgroup.
					tcase{args: runSh(o(c.flag, c.value), "cut -d: -f3 /proc/self/cgroup; cat /sys/fs/cgroup/"+c.file),
						stdout: "/\n" + c.want + "\n"}.check(t, st, twin)
					pidFile := filepath.Join(st.Dir, "pid-"+c.name)
					l := start(t, st, twin, runSh(o(c.flag, c.value, "--pid-file", pidFile), "echo ready; read x; exit 0")...)
					l.expect("ready")
					dir := containerCgroup(t, parent, pidFile)
					if got, err := os.ReadFile(filepath.Join(dir, c.file)); err != nil || strings.TrimSpace(string(got)) != c.want {
						t.Errorf("%s/%s holds %q (%v), want %q", dir, c.file, got, err, c.want)
					}
					if got, want := procCgroup(t, readPidFile(t, pidFile)), strings.TrimPrefix(dir, cgroupRoot); got != want {
						t.Errorf("the container's PID 1 is in cgroup %q, want %q", got, want)
					}
					if r := l.wait(); r.code != 0 || r.stderr != "" {
						t.Errorf("exit %d, stderr %q, want 0 and nothing", r.code, r.stderr)
					}
					removed(t, dir)
				})
			})
		}
	})
}

// A process over --memory is killed by the kernel's OOM killer: here COMMAND itself (dd reads 64
// MiB into one buffer), so mvrc exits 128+9 and, as for any signal, prints nothing (SPEC).
func TestMemoryLimit(t *testing.T) {
	dd := []string{"dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"}
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		limited(t, st, twin, "--memory", "16m", func(parent string) {
			pidFile := filepath.Join(st.Dir, "pid")
			tcase{args: run(o("--memory", "16m", "--pid-file", pidFile), dd...), code: 137}.check(t, st, twin)
			removed(t, containerCgroup(t, parent, pidFile))
			// The same dd without the limit: it was the limit that killed it.
			tcase{args: run(nil, dd...), stderr: "1+0 records in\n1+0 records out\n"}.check(t, st, twin)
		})
	})
}

// With --pids 20 the container holds 20 tasks: the shell and 19 sleeps; fork 21 fails with
// EAGAIN, which busybox's sh reports before it gives up (exit 2).
func TestPidsLimit(t *testing.T) {
	script := `i=0; while [ $i -lt 30 ]; do sleep 1000 & i=$((i+1)); echo $i; done`
	var want strings.Builder
	for i := 1; i <= 19; i++ {
		fmt.Fprintln(&want, i)
	}
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		limited(t, st, twin, "--pids", "20", func(parent string) {
			pidFile := filepath.Join(st.Dir, "pid")
			tcase{args: runSh(o("--pids", "20", "--pid-file", pidFile), script), code: 2, stdout: want.String(),
				stderr: "sh: can't fork: Resource temporarily unavailable\n"}.check(t, st, twin)
			removed(t, containerCgroup(t, parent, pidFile))
		})
	})
}

// TestPidsFloor: at the floor (--pids 16, spec.MinPids) both twins start COMMAND, with and
// without --init, and a COMMAND that forks until the cgroup is full gets EAGAIN, never a Go
// crash report from mvrc's child or init. Below it both refuse alike (TestUsageErrors): the Go
// child's runtime threads count against pids.max until execve, and the Go init's all along.
func TestPidsFloor(t *testing.T) {
	fill := `while :; do sleep 1000 & done`
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		limited(t, st, twin, "--pids", "16", func(string) {
			for _, opts := range [][]string{o("--pids", "16"), o("--pids", "16", "--init")} {
				tcase{args: run(opts, "echo", "started"), stdout: "started\n"}.check(t, st, twin)
				tcase{args: runSh(opts, fill), code: 2, stderr: "sh: can't fork: Resource temporarily unavailable\n"}.check(t, st, twin)
			}
		})
	})
}

// --cpus 0.5 gives a busy loop half a CPU: its cgroup's usage over two seconds of wall time is
// near one second. The tolerance is wide below (a busy host slows the loop) and narrow above
// (the limit). Killing COMMAND from the host ends the run; the cgroup goes with it.
func TestCPULimit(t *testing.T) {
	const window = 2 * time.Second
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		limited(t, st, twin, "--cpus", "0.5", func(parent string) {
			pidFile := filepath.Join(st.Dir, "pid")
			l := start(t, st, twin, runSh(o("--cpus", "0.5", "--pid-file", pidFile), "echo ready; while :; do :; done")...)
			l.expect("ready")
			dir := containerCgroup(t, parent, pidFile)
			used, began := cpuUsage(t, dir), time.Now()
			time.Sleep(window)
			share := float64(cpuUsage(t, dir)-used) / float64(time.Since(began))
			t.Logf("the busy loop got %.3f of a CPU", share)
			if share < 0.25 || share > 0.6 {
				t.Errorf("the busy loop got %.2f of a CPU, want 0.5 (0.25 to 0.6)", share)
			}
			if err := syscall.Kill(readPidFile(t, pidFile), syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			if r := l.wait(); r.code != 137 || r.stderr != "" {
				t.Errorf("exit %d, stderr %q, want 137 and nothing", r.code, r.stderr)
			}
			removed(t, dir)
		})
	})
}

// When mvrc itself is killed, the kernel kills the container (SPEC, Lifecycle), so nothing runs
// in its cgroup any more; the empty cgroup stays, since no one is left to remove it (SPEC).
func TestCgroupRemoved(t *testing.T) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		limited(t, st, twin, "--pids", "20", func(parent string) {
			pidFile := filepath.Join(st.Dir, "pid")
			l := start(t, st, twin, runSh(o("--pids", "20", "--pid-file", pidFile), "sleep 1000 & echo ready; exec sleep 1000")...)
			l.expect("ready")
			pid1 := readPidFile(t, pidFile)
			dir := containerCgroup(t, parent, pidFile)
			l.signal(syscall.SIGKILL)
			<-l.ended()
			// PID 1 re-parented to us (TestMain made us the subreaper): reaped, it is gone.
			if _, err := reap(pid1, 10*time.Second); err != nil {
				t.Fatalf("container PID 1 (host pid %d) after mvrc was killed: %v", pid1, err)
			}
			events, err := os.ReadFile(filepath.Join(dir, "cgroup.events"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(events), "populated 0\n") {
				t.Errorf("%s/cgroup.events after mvrc was killed: %q, want populated 0", dir, events)
			}
			if err := syscall.Rmdir(dir); err != nil {
				t.Errorf("removing the empty cgroup %s: %v", dir, err)
			}
		})
	})
}

// procCgroup is the cgroup v2 path of pid, from its /proc/PID/cgroup.
func procCgroup(t *testing.T, pid int) string {
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

// Without a pid namespace, what COMMAND leaves running in the background is killed by mvrc
// (SPEC, Lifecycle) before it removes the cgroup, which is then empty: nothing is left.
func TestCgroupRemovedWithoutPidNamespace(t *testing.T) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		limited(t, st, twin, "--pids", "20", func(parent string) {
			pidFile := filepath.Join(st.Dir, "pid")
			tcase{args: runSh(o("--ns", "user,mount", "--pids", "20", "--pid-file", pidFile), "sleep 1000 & sleep 1000 & echo started"),
				stdout: "started\n", stderr: noPidWarning}.check(t, st, twin)
			removed(t, containerCgroup(t, parent, pidFile))
		})
	})
}

// containerCgroup is the container's cgroup: mvrc-PID beside the caller's, PID the host pid of
// the container's PID 1 (from the pid file).
func containerCgroup(t *testing.T, parent, pidFile string) string {
	t.Helper()
	return filepath.Join(parent, "mvrc-"+strconv.Itoa(readPidFile(t, pidFile)))
}

// removed fails unless the cgroup dir is gone: mvrc removes it once the container is reaped.
func removed(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cgroup %s is still there after mvrc exited (%v)", dir, err)
	}
}

// cpuUsage is the CPU time the cgroup's processes used, from usage_usec in its cpu.stat.
func cpuUsage(t *testing.T, dir string) time.Duration {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "cpu.stat"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "usage_usec "); ok {
			usec, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("%s/cpu.stat: %q", dir, line)
			}
			return time.Duration(usec) * time.Microsecond
		}
	}
	t.Fatalf("%s/cpu.stat has no usage_usec", dir)
	return 0
}
