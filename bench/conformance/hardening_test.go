// What the container cannot undo or reach: its read-only mounts, the caller's terminal, the
// host's root; what it cannot leave behind: background processes without a PID namespace.
package conformance

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"mvrc/bench/internal/testenv"
)

// writableUnderSys prints every mount at or below /sys that is not read-only, then "end".
const writableUnderSys = `awk '$5 ~ /^\/sys/ && $6 !~ /^ro/ {print $5}' /proc/self/mountinfo; echo end`

func TestHardening(t *testing.T) {
	noNet := o("--ns", "user,mount,pid")
	cases := []tcase{
		// The capabilities COMMAND keeps (Docker's default set) include no CAP_SYS_ADMIN:
		// nothing read-only can be made writable again, nothing new mounted.
		{name: "read-only root cannot be remounted rw", args: runSh(o("--read-only"),
			"mount -o remount,bind,rw / 2>/dev/null || echo refused; touch /pwned 2>/dev/null || echo read-only"),
			stdout: "refused\nread-only\n"},
		{name: "sys cannot be remounted rw", args: runSh(nil, "mount -o remount,bind,rw /sys 2>/dev/null || echo refused"), stdout: "refused\n"},
		{name: "sys without net cannot be remounted rw", args: runSh(noNet, "mount -o remount,bind,rw /sys 2>/dev/null || echo refused"), stdout: "refused\n"},
		{name: "no new mounts", args: runSh(nil, "mount -t tmpfs tmpfs /mnt 2>/dev/null || echo refused"), stdout: "refused\n"},

		// Read-only binds are read-only all the way down (mount_setattr AT_RECURSIVE).
		{name: "ro bind makes its submounts ro", args: runSh(o("-v", "/:/host:ro"), "touch /host/dev/shm/mvrc-ro-{twin} 2>&1 || echo refused"),
			stdout: "touch: /host/dev/shm/mvrc-ro-{twin}: Read-only file system\nrefused\n"},
		{name: "sys without net is ro below", args: runSh(noNet, writableUnderSys), stdout: "end\n"},
		{name: "sys without net is ro below through a linked rootfs", args: []string{"run", "--ns", "user,mount,pid", "{stage}/rootfs-link", "sh", "-c", writableUnderSys}, stdout: "end\n"},

		// A new session without a controlling terminal: no TIOCSTI into the caller's (CVE-2017-5226).
		{name: "command leads its own session", args: runSh(nil, "cut -d' ' -f6 /proc/$$/stat"), stdout: "1\n"},
		{name: "init leads the session of command", args: runSh(o("--init"), "cut -d' ' -f6 /proc/$$/stat"), stdout: "1\n"},

		// ROOTFS.
		{name: "rootfs cannot be the host's root", args: []string{"run", "/", "true"}, code: 125,
			stderr: fail(`mvrc: rootfs "/": cannot be the host's root directory`)},
		{name: "rootfs cannot link to the host's root", args: []string{"run", "{stage}/hostroot", "true"}, code: 125,
			stderr: fail(`mvrc: rootfs "{stage}/hostroot": cannot be the host's root directory`)},
		{name: "overlay on a rootfs path with a comma and a colon", args: []string{"run", "--overlay", "{stage}/a,b:c", "sh", "-c", "touch /x && cat /etc/mvrc-marker"},
			stdout: "{stage}\n"},
	}
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		for name, target := range map[string]string{"rootfs-link": "rootfs", "a,b:c": "rootfs", "hostroot": "/"} {
			if err := os.Symlink(target, filepath.Join(st.Dir, name)); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				c.check(t, st, twin)
			})
		}
	})
}

// orphanWait bounds the wait for a background process to be gone after mvrc exited.
const orphanWait = 10 * time.Second

// TestOrphansDieWithoutPidNamespace: without a PID namespace the kernel does not end the
// container's processes with COMMAND; mvrc must (SPEC, Lifecycle).
func TestOrphansDieWithoutPidNamespace(t *testing.T) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		l := start(t, st, twin, runSh(o("--ns", "user,mount"), "sleep 100 >/dev/null 2>&1 & echo $!; read x; exit 0")...)
		line, err := l.stdout.ReadString('\n')
		pid, perr := strconv.Atoi(strings.TrimSpace(line))
		if err != nil || perr != nil {
			t.Fatalf("stdout %q (%v), want the pid of sleep", line, err)
		}
		// A pidfd, taken while sleep surely runs (its shell waits on stdin), names that process
		// and no later one that reuses its pid.
		pidfd, err := unix.PidfdOpen(pid, 0)
		if err != nil {
			t.Fatalf("pidfd_open %d: %v", pid, err)
		}
		defer unix.Close(pidfd)
		if r := l.wait(); r.code != 0 || r.stderr != noPidWarning {
			t.Fatalf("exit %d, stderr %q, want 0 and the warning", r.code, r.stderr)
		}
		// The pidfd turns readable when the process has ended, whoever reaps it: mvrc, or
		// this suite (a subreaper, see TestMain) if mvrc left it behind.
		if err := pidfdWait(pidfd, orphanWait); err != nil {
			_ = unix.PidfdSendSignal(pidfd, unix.SIGKILL, nil, 0)
			t.Fatalf("sleep (pid %d) after mvrc exited: %v", pid, err)
		}
	})
}

// pidfdWait waits up to d for the process of pidfd to end.
func pidfdWait(pidfd int, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(time.Until(deadline).Milliseconds()))
		switch {
		case err == unix.EINTR: // the Go runtime's own signals
		case err != nil:
			return fmt.Errorf("poll: %w", err)
		case n == 1:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("still runs %v later", d)
		}
	}
}

// TestPidFileOnInheritedFd: mvrc may write its pid file through a descriptor the caller gave
// it (a directory: the file is made beside its final name and renamed); keeping the
// caller's fds from the container must not close them under mvrc.
func TestPidFileOnInheritedFd(t *testing.T) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		dir := st.Mkdir(t, "pids")
		f, err := os.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cmd := st.Command(t.Context(), twin, expandAll(t, st, twin, run(o("--pid-file", "/dev/fd/3/pid"), "true"))...)
		cmd.ExtraFiles = []*os.File{f}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("mvrc --pid-file /dev/fd/3/pid: %v, output %q", err, out)
		}
		readPidFile(t, filepath.Join(dir, "pid"))
	})
}

// TestContainerHoldsOnlyItsOwn looks from the host (root may read any /proc/PID/fd; from
// inside, PID 1 is not dumpable and hides its fds) at every process of the container, the
// caller having given mvrc a host directory as fds 3 and 10: each holds stdio and its own
// anonymous descriptors, one signalfd at most. --init's PID 1 never execs, so whatever it
// holds stays for the container's life. mvrc's parent prints its --debug "ready" line once
// the channel's EOF said COMMAND runs: the child's setup descriptors are closed by then.
func TestContainerHoldsOnlyItsOwn(t *testing.T) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		for _, v := range []struct {
			name string
			opts []string
		}{{"default", nil}, {"init", o("--init")}} {
			t.Run(v.name, func(t *testing.T) {
				pidFile := filepath.Join(st.Dir, "pid-"+v.name)
				opts := append(o("--debug", "--pid-file", pidFile), v.opts...)
				pid1, done := startWithCallerFds(t, st, twin, runSh(opts, "echo ready; read x; exit 0"), pidFile)
				for _, pid := range append([]int{pid1}, childrenOf(pid1)...) {
					for _, problem := range foreignFds(pid) {
						t.Errorf("container process %d: %s", pid, problem)
					}
				}
				done()
			})
		}
	})
}

// startWithCallerFds starts mvrc with a host directory as fds 3 and 10 and waits until COMMAND
// printed "ready" and mvrc's --debug said "ready"; it returns the container's PID 1 (from
// pidFile) and the function that ends the run and checks its exit.
func startWithCallerFds(t *testing.T, st *testenv.Staged, twin testenv.Twin, args []string, pidFile string) (int, func()) {
	t.Helper()
	dir, err := os.Open(filepath.Join(st.Dir, "hostdir"))
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	cmd := st.Command(t.Context(), twin, expandAll(t, st, twin, args)...)
	cmd.ExtraFiles = []*os.File{dir, nil, nil, nil, nil, nil, nil, dir}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := func() {
		_ = stdin.Close()
		_, _ = io.Copy(io.Discard, stdout)
		_, _ = io.Copy(io.Discard, stderr)
		if err := cmd.Wait(); err != nil {
			t.Errorf("mvrc: %v", err)
		}
	}
	timer := time.AfterFunc(lineTimeout, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
		stop()
		t.Fatalf("stdout %q (%v), want ready", line, err)
	}
	for sc := bufio.NewScanner(stderr); ; {
		if !sc.Scan() {
			stop()
			t.Fatal("mvrc --debug ended without its ready line")
		}
		if strings.HasPrefix(sc.Text(), "mvrc: debug: ready ") {
			break
		}
	}
	return readPidFile(t, pidFile), stop
}

// foreignFds lists the descriptors of pid beyond stdio that are not its own anonymous ones,
// and more than one signalfd.
func foreignFds(pid int) []string {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	var signalfds int
	for _, e := range entries {
		link, _ := os.Readlink(filepath.Join(dir, e.Name()))
		if n, _ := strconv.Atoi(e.Name()); n > 2 && !strings.HasPrefix(link, "anon_inode:") {
			problems = append(problems, fmt.Sprintf("holds fd %s -> %s", e.Name(), link))
		}
		if link == "anon_inode:[signalfd]" {
			signalfds++
		}
	}
	if signalfds > 1 {
		problems = append(problems, fmt.Sprintf("holds %d signalfds, want at most its own", signalfds))
	}
	return problems
}

// childrenOf lists pid's children (its threads' children files).
func childrenOf(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var children []int
	for _, file := range tasks {
		data, _ := os.ReadFile(file)
		for _, f := range strings.Fields(string(data)) {
			if n, err := strconv.Atoi(f); err == nil {
				children = append(children, n)
			}
		}
	}
	return children
}

// TestNoWayBackToTheHost runs the walkthrough's chroot breakout (escape.c, static) in the
// container: after pivot_root and the detached old root there is nothing above "/" to climb
// to. Under --chroot the same program reads the host's file: the probe works, pivot_root is
// what stops it.
func TestNoWayBackToTheHost(t *testing.T) {
	cases := []tcase{
		{name: "pivot_root leaves nothing above /", args: run(nil, "/escape", "{stage}/mvrc-host-secret"), code: 1,
			stderr: fail("escape: open {stage}/mvrc-host-secret: No such file or directory")},
		{name: "init too", args: run(o("--init"), "/escape", "{stage}/mvrc-host-secret"), code: 1,
			stderr: fail("escape: open {stage}/mvrc-host-secret: No such file or directory")},
		{name: "chroot does not (the probe works)", args: run(o("--chroot"), "/escape", "{stage}/mvrc-host-secret"),
			stdout: "escape: reached {stage}/mvrc-host-secret:\nsecret\n", stderr: chrootWarning},
	}
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		if _, err := st.CopyProbe(testenv.EscapeSource); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				c.check(t, st, twin)
			})
		}
	})
}

// TestRootfsHostRootCheckSeesWhatIsMounted: the host-root check must look at the path mvrc
// mounts, the cleaned one. A link to a deeper directory followed by as many ".." as the
// stage is deep cleans to "/" as text, but resolves to the stage's first directory.
func TestRootfsHostRootCheckSeesWhatIsMounted(t *testing.T) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		link := filepath.Join(st.Dir, "deeplink")
		if err := os.Symlink(filepath.Join(st.Dir, "rootfs", "bin"), link); err != nil {
			t.Fatal(err)
		}
		rootfs := link + strings.Repeat("/..", strings.Count(filepath.Clean(st.Dir), "/")+1)
		c := tcase{args: []string{"run", rootfs, "true"}, code: 125,
			stderr: fail(`mvrc: rootfs "` + rootfs + `": cannot be the host's root directory`)}
		c.check(t, st, twin)
	})
}
