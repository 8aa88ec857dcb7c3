// What the container cannot reach of mvrc itself (design.md, "The exec hop"): no process
// in it gets a handle on the host's mvrc binary (CVE-2019-5736): not by exec'ing
// /proc/self/exe, not as a script's "#!" interpreter (both lead to the sealed hop), not
// through /proc/1/exe or mvrc's own /proc entry, and not in the moment mvrc is killed.
package conformance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"mvrc/bench/internal/testenv"
)

// The suite's hostile C programs (built with gcc -static by testenv.Probe).
const (
	exeProbe    = "bench/conformance/probes/exeprobe.c"
	attackProbe = "bench/conformance/probes/attack.c"
)

// fileID is a file's identity as the probes print it: "DEV:INO".
func fileID(t *testing.T, path string) string {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}

// stageLoader copies a dynamically linked twin's ELF interpreter and libraries into the
// rootfs at the paths the loader looks for them, so that the twin's own binary could run in
// the container (the busybox rootfs has no libc): a missing loader must not be what stops
// the exec of /proc/self/exe. A static twin needs nothing.
func stageLoader(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
	t.Helper()
	f, err := elf.Open(twin.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var interp string
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			data, err := io.ReadAll(p.Open())
			if err != nil {
				t.Fatal(err)
			}
			interp = strings.TrimRight(string(data), "\x00")
		}
	}
	if interp == "" {
		return
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	files := []string{interp}
	for _, lib := range libs {
		found := ""
		for _, dir := range []string{"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"} {
			if _, err := os.Stat(filepath.Join(dir, lib)); err == nil {
				found = filepath.Join(dir, lib)
				break
			}
		}
		if found == "" {
			t.Fatalf("twin %s needs %s: not found on the host", twin.Name, lib)
		}
		files = append(files, found)
	}
	for _, file := range files {
		data, err := os.ReadFile(file) // through symlinks: the rootfs gets the file itself
		if err != nil {
			t.Fatal(err)
		}
		st.WriteFile(t, filepath.Join("rootfs", file), data, 0o755)
	}
}

// TestSelfExeIsNotTheHostBinary: COMMAND /proc/self/exe, or a script whose interpreter is
// /proc/self/exe, runs whatever the process that execs COMMAND runs from. It must never be
// the host's file: it is the hop, from its sealed memfd, which says what it is and exits
// 125. The exec'd hop is held while the host looks at it: its line goes to a stderr pipe
// that is already full, so it blocks in write(2) until the test reads.
func TestSelfExeIsNotTheHostBinary(t *testing.T) {
	cases := []struct {
		name    string
		opts    []string
		command []string
		cmdline string // of the exec'd process, as /proc/PID/cmdline shows it
		stderr  string
	}{
		{"proc self exe", nil, []string{"/proc/self/exe", "nope"}, "/proc/self/exe\x00nope\x00", hopLine},
		{"proc self exe under init", o("--init"), []string{"/proc/self/exe", "nope"}, "/proc/self/exe\x00nope\x00", hopLine},
		{"script interpreter", nil, []string{"/selfexe"}, "/proc/self/exe\x00/selfexe\x00", hopLine},
		{"script interpreter under init", o("--init"), []string{"/selfexe"}, "/proc/self/exe\x00/selfexe\x00", hopLine},
	}
	eachIdentity(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		stageLoader(t, st, twin)
		st.WriteFile(t, "rootfs/selfexe", []byte("#!/proc/self/exe\n"), 0o755)
		host := fileID(t, twin.Path)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				args := expandAll(t, st, twin, run(c.opts, c.command...))
				id, link, r := heldExe(t, st, twin, args, c.cmdline)
				if id == host || !strings.HasPrefix(link, "/memfd:mvrc-hop ") {
					t.Errorf("mvrc %s: the container runs %s (%s), want the sealed hop; the host's binary is %s", quote(args), link, id, host)
				}
				// As root, mvrc's warning (one write) may land amid the exec'd mvrc's line.
				if r.code != 125 || !strings.Contains(strings.Replace(r.stderr, rootWarning+"\n", "", 1), c.stderr) {
					t.Errorf("mvrc %s: exit %d, stderr %q, want 125 and %q", quote(args), r.code, r.stderr, c.stderr)
				}
			})
		}
	})
}

// hopLine is what the hop says when anything but mvrc runs it.
const hopLine = "mvrc: this is mvrc's exec hop: mvrc runs COMMAND through it, nothing else does"

// heldExe runs mvrc with a full stderr pipe, finds the process below it whose command line
// is cmdline, and returns the identity of its executable ("" if none showed up) and where
// /proc/PID/exe leads; then it drains the pipe and returns how mvrc ended (stderr without
// the filler).
func heldExe(t *testing.T, st *testenv.Staged, twin testenv.Twin, args []string, cmdline string) (string, string, result) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil { // blocking: a write must wait
		t.Fatal(err)
	}
	rd, wr := os.NewFile(uintptr(p[0]), "stderr-r"), os.NewFile(uintptr(p[1]), "stderr-w")
	defer rd.Close()
	size, err := unix.FcntlInt(uintptr(p[1]), unix.F_SETPIPE_SZ, 4096)
	if err == nil {
		_, err = unix.Write(p[1], make([]byte, size))
	}
	if err != nil {
		wr.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	cmd := st.Command(ctx, twin, args...)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, wr
	err = cmd.Start()
	wr.Close()
	if err != nil {
		t.Fatal(err)
	}
	id, link := "", ""
	for deadline := time.Now().Add(lineTimeout); id == "" && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		for _, pid := range descendants(cmd.Process.Pid) {
			var st syscall.Stat_t
			got, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
			if string(got) == cmdline && syscall.Stat(fmt.Sprintf("/proc/%d/exe", pid), &st) == nil {
				id = fmt.Sprintf("%d:%d", st.Dev, st.Ino)
				link, _ = os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
			}
		}
	}
	drained := make(chan []byte, 1)
	go func() { data, _ := io.ReadAll(rd); drained <- data }()
	_ = cmd.Wait()
	stderr := <-drained
	stderr = stderr[min(size, len(stderr)):]
	if id == "" {
		t.Fatalf("mvrc %s: no process ran %q within %v; exit %d, stderr %q", quote(args), cmdline, lineTimeout, cmd.ProcessState.ExitCode(), stderr)
	}
	return id, link, result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: string(stderr)}
}

// TestNoHandleOnMvrc: the probe tries every way to open the executable of --init's PID 1
// and, without a PID namespace (the host's /proc), of mvrc itself: nothing it opens is the
// host's binary, and nothing is written.
func TestNoHandleOnMvrc(t *testing.T) {
	eachIdentity(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		probe, err := st.CopyProbe(exeProbe)
		if err != nil {
			t.Fatal(err)
		}
		host := fileID(t, twin.Path)
		user := append(o("--init", "--user", "1000:1000"), ranges...)
		for _, c := range []struct {
			name string
			args []string
		}{
			{"init", run(o("--init"), probe, "/proc/1/exe")},
			{"init as another user", run(user, probe, "/proc/1/exe")},
			{"mvrc without pid", run(o("--ns", "user,mount"), probe, "ppid")},
		} {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				r := invoke(t, st, twin, "", nil, c.args...)
				if r.code != 0 || strings.Count(r.stdout, "\n") < 3 {
					t.Fatalf("mvrc %s: exit %d, stdout %q, stderr %q", quote(c.args), r.code, r.stdout, r.stderr)
				}
				for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
					if strings.HasSuffix(line, " "+host) || strings.HasSuffix(line, " wrote") {
						t.Errorf("mvrc %s: %s (the host's binary is %s)", quote(c.args), line, host)
					}
				}
			})
		}
	})
}

// raceRuns and raceBudget bound the kill race: at most this many runs, or this long.
const (
	raceRuns   = 60
	raceBudget = 20 * time.Second
)

// TestKillRaceLeavesBinary is the attack of issue 9 on what is left of mvrc in the
// container. Its route then, a nested mvrc run from /proc/self/exe, now ends at the hop
// (TestSelfExeIsNotTheHostBinary); what remains is --init's PID 1, the one process of a run
// that stays in the container running mvrc's code. COMMAND, root in the container and
// unconfined, climbs out of any chroot, holds /proc/1/exe with O_PATH and, while mvrc is
// killed with SIGKILL, tries to write into it. The held file, if any, must not be the
// host's binary, and the binary's bytes never change.
func TestKillRaceLeavesBinary(t *testing.T) {
	eachIdentity(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		bin, err := testenv.Probe(attackProbe)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		st.WriteFile(t, "rootfs/attack", data, 0o755)
		host, before := fileID(t, twin.Path), sum(t, twin.Path)
		args := run(o("--init", "--seccomp", "unconfined"), "/attack")
		runs := 0
		for began := time.Now(); runs < raceRuns && time.Since(began) < raceBudget; runs++ {
			l := start(t, st, twin, args...)
			line, err := l.stdout.ReadString('\n')
			if err != nil || !strings.HasPrefix(line, "handle ") {
				l.signal(syscall.SIGKILL)
				<-l.ended()
				t.Fatalf("run %d: stdout %q (%v), want the attacker's handle line; stderr %q", runs, line, err, l.fin.stderr)
			}
			if held := strings.TrimSpace(strings.TrimPrefix(line, "handle ")); held == host {
				t.Errorf("run %d: the container holds the host's mvrc binary (%s)", runs, held)
			}
			l.expect("ready")
			l.signal(syscall.SIGKILL)
			<-l.ended() // stdout closes when every process of the container has ended
			if strings.Contains(l.fin.stdout, "wrote") {
				t.Errorf("run %d: the attacker wrote into the file it held", runs)
			}
			if t.Failed() {
				break
			}
		}
		if after := sum(t, twin.Path); after != before {
			t.Fatalf("the host's mvrc binary changed during %d killed runs", runs)
		}
	})
}

// sum is the SHA-256 of a file.
func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// eachIdentity is eachTwin, once as the test user and, when the suite runs as root (CI), once
// more with root running mvrc: then container root is host root, and a root-owned binary
// is as writable to it as the user's own binary is to the user.
func eachIdentity(t *testing.T, body func(t *testing.T, st *testenv.Staged, twin testenv.Twin)) {
	eachTwin(t, body)
	if os.Getuid() != 0 {
		return
	}
	t.Run("root", func(t *testing.T) {
		eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
			st.AsCaller()
			if err := os.Chown(twin.Path, 0, 0); err != nil {
				t.Fatal(err)
			}
			body(t, st, twin)
		})
	})
}
