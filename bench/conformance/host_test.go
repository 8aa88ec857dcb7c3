// What the host sees of a container: its pid file and identity, writes through binds, an
// untouched ROOTFS under --overlay, an unchanged hostname, parallel containers.
package conformance

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"mvrc/bench/internal/testenv"
)

func TestPidFile(t *testing.T) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		pidFile := filepath.Join(st.Dir, "pid")
		l := start(t, st, twin, runSh(o("--pid-file", pidFile), "echo ready; read x; echo done")...)
		l.expect("ready")
		pid := readPidFile(t, pidFile)

		status := procStatus(t, pid)
		if want := fmt.Sprintf("%d\t1", pid); status["NSpid"] != want {
			t.Errorf("NSpid %q, want %q: the pid file holds the host pid of the container's PID 1", status["NSpid"], want)
		}
		// Root inside is the caller outside: no more power on the host than the caller.
		for _, id := range []struct{ field, want string }{{"Uid", strconv.Itoa(st.UID)}, {"Gid", strconv.Itoa(st.GID)}} {
			if got := strings.Fields(status[id.field]); len(got) != 4 || got[0] != id.want || got[1] != id.want || got[2] != id.want || got[3] != id.want {
				t.Errorf("host sees %s %q, want the caller's %s four times", id.field, status[id.field], id.want)
			}
		}
		for _, ns := range []string{"user", "mnt", "pid", "uts", "ipc", "net", "cgroup"} {
			ours, _ := os.Readlink("/proc/self/ns/" + ns)
			theirs, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, ns))
			if err != nil || theirs == ours {
				t.Errorf("ns %s of the container %q (%v), want a new one (ours %q)", ns, theirs, err, ours)
			}
		}

		if _, err := l.stdin.Write([]byte("go\n")); err != nil {
			t.Fatal(err)
		}
		l.expect("done")
		if r := l.wait(); r.code != 0 || r.stderr != "" {
			t.Errorf("exit %d, stderr %q, want 0 and nothing", r.code, r.stderr)
		}
		// The file is left for the user, like docker --cidfile.
		if again := readPidFile(t, pidFile); again != pid {
			t.Errorf("pid file after exit holds %d, want %d", again, pid)
		}
	})
}

func TestBindWriteReachesHost(t *testing.T) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		dir := st.Mkdir(t, "rw")
		r := invoke(t, st, twin, "", nil, runSh(o("-v", dir+":/mnt/rw"), "echo written > /mnt/rw/f")...)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("exit %d, stderr %q, want 0 and nothing", r.code, r.stderr)
		}
		data, err := os.ReadFile(filepath.Join(dir, "f"))
		if err != nil || string(data) != "written\n" {
			t.Errorf("host reads %q (%v), want %q", data, err, "written\n")
		}
		if uid := fileOwner(t, filepath.Join(dir, "f")); uid != st.UID {
			t.Errorf("the file root made inside belongs to uid %d on the host, want the caller %d", uid, st.UID)
		}
	})
}

func TestOverlayLeavesRootfs(t *testing.T) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		before := tree(t, st.Rootfs)
		script := "echo new > /etc/overlay-probe && echo changed > /etc/mvrc-marker && rm /bin/true && mkdir /newdir && cat /etc/mvrc-marker"
		r := invoke(t, st, twin, "", nil, runSh(o("--overlay"), script)...)
		if r.code != 0 || r.stdout != "changed\n" || r.stderr != "" {
			t.Fatalf("exit %d, stdout %q, stderr %q, want 0, %q and nothing", r.code, r.stdout, r.stderr, "changed\n")
		}
		if after := tree(t, st.Rootfs); after != before {
			t.Errorf("ROOTFS changed under --overlay:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}

func TestHostHostnameUnchanged(t *testing.T) {
	before, _ := os.Hostname()
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		r := invoke(t, st, twin, "", nil, run(o("--hostname", "changed-"+twin.Name), "hostname")...)
		if r.code != 0 || r.stdout != "changed-"+twin.Name+"\n" {
			t.Fatalf("exit %d, stdout %q", r.code, r.stdout)
		}
		if after, _ := os.Hostname(); after != before {
			t.Errorf("host hostname %q after the run, want %q", after, before)
		}
	})
}

// TestCallerFdsStayOutside gives mvrc an open host directory beyond stdio, as a careless
// caller might: no process of the container may reach the host through it (a leaked fd is
// how CVE-2024-21626 escaped runc).
func TestCallerFdsStayOutside(t *testing.T) {
	// The shell's own fds 3 and 10 are probed without /proc (with --ns user nothing is mounted);
	// /proc, where there is one, shows those of every other process too (--init's PID 1).
	// Stderr is closed, not sent to /dev/null: without a mount namespace /dev is ROOTFS's.
	probe := "(: <&3) 2>&- && echo leak3; (: <&10) 2>&- && echo leak10; cat /proc/[0-9]*/fd/*/file 2>&-; echo end"
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		for _, v := range []struct {
			name string
			opts []string
		}{{"default", nil}, {"init", o("--init")}, {"user only", o("--ns", "user")}} {
			t.Run(v.name, func(t *testing.T) {
				dir, err := os.Open(filepath.Join(st.Dir, "hostdir"))
				if err != nil {
					t.Fatal(err)
				}
				defer dir.Close()
				cmd := st.Command(t.Context(), twin, expandAll(t, st, twin, runSh(v.opts, probe))...)
				cmd.ExtraFiles = []*os.File{dir, nil, nil, nil, nil, nil, nil, dir} // fds 3 and 10
				out, err := cmd.Output()
				if err != nil || string(out) != "end\n" {
					t.Errorf("stdout %q (%v), want %q: the caller's fd 3 or 10 reached the container", out, err, "end\n")
				}
			})
		}
	})
}

// parallelRuns is how many containers TestParallelContainers starts at once.
const parallelRuns = 16

func TestParallelContainers(t *testing.T) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		results := make([]result, parallelRuns)
		errs := make([]error, parallelRuns)
		args := make([][]string, parallelRuns)
		for i := range args {
			pidFile := filepath.Join(st.Dir, fmt.Sprintf("pid-%d", i))
			args[i] = expandAll(t, st, twin, runSh(o("--pid-file", pidFile, "--hostname", fmt.Sprintf("c%d", i)), "echo $$ $(hostname)"))
		}
		var wg sync.WaitGroup
		for i := range parallelRuns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = execute(st, twin, "", nil, args[i]...)
				results[i].stdout = strings.TrimSuffix(results[i].stdout, "\n")
			}()
		}
		wg.Wait()
		pids := map[int]int{}
		for i, r := range results {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if want := fmt.Sprintf("1 c%d", i); r.code != 0 || r.stdout != want || r.stderr != "" {
				t.Errorf("container %d: exit %d, stdout %q, stderr %q, want 0, %q and nothing", i, r.code, r.stdout, r.stderr, want)
			}
			pid := readPidFile(t, filepath.Join(st.Dir, fmt.Sprintf("pid-%d", i)))
			if j, seen := pids[pid]; seen {
				t.Errorf("containers %d and %d share host pid %d", j, i, pid)
			}
			pids[pid] = i
		}
	})
}

// readPidFile reads a pid file, which must be a pid and a newline.
func readPidFile(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`\A[1-9][0-9]*\n\z`).Match(data) {
		t.Fatalf("pid file holds %q, want a pid and a newline", data)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return pid
}

// procStatus reads /proc/PID/status into its fields.
func procStatus(t *testing.T, pid int) map[string]string {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			fields[k] = strings.TrimSpace(v)
		}
	}
	return fields
}

// tree lists every path under root with its type, mode, size and link target: equal trees,
// equal lists.
func tree(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		link, _ := os.Readlink(path)
		data := ""
		if info.Mode().IsRegular() && info.Size() < 4096 {
			content, _ := os.ReadFile(path)
			data = strconv.Quote(string(content))
		}
		fmt.Fprintf(&b, "%s %v %d %s %s\n", strings.TrimPrefix(path, root), info.Mode(), info.Size(), link, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// fileOwner is the uid owning path on the host.
func fileOwner(t *testing.T, path string) int {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return int(info.Sys().(*syscall.Stat_t).Uid)
}
