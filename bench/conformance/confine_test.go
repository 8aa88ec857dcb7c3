// What confines COMMAND's process (design.md, "Confinement"): a pid file that is replaced and
// never followed, a session keyring of its own, no_new_privs.
package conformance

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"mvrc/bench/internal/testenv"
)

// The keyring probes: keyhold runs mvrc with a key in its session keyring, keyprobe looks.
const (
	keyHold  = "bench/conformance/probes/keyhold.c"
	keyProbe = "bench/conformance/probes/keyprobe.c"
)

// TestPidFileReplacesSymlink: a container that can write the pid file's directory (through
// -v) plants DIR/c.pid -> a host file; the next run's pid file replaces the link, and the
// file it pointed to keeps its bytes. As root too: there the file is root's.
func TestPidFileReplacesSymlink(t *testing.T) {
	eachIdentity(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		victim := st.WriteFile(t, "victim", []byte("untouched\n"), 0o600)
		if st.Cred == nil && os.Getuid() == 0 {
			if err := os.Chown(victim, 0, 0); err != nil {
				t.Fatal(err)
			}
		}
		dir := st.Mkdir(t, "pids")
		link := filepath.Join(dir, "c.pid")
		if err := os.Symlink(victim, link); err != nil {
			t.Fatal(err)
		}
		quiet := "" // root, whose container root is the host's, is warned (SPEC)
		if st.Cred == nil && os.Getuid() == 0 {
			quiet = rootWarning + "\n"
		}
		if r := invoke(t, st, twin, "", nil, run(o("--pid-file", link), "true")...); r.code != 0 || r.stderr != quiet {
			t.Fatalf("exit %d, stderr %q, want 0 and %q", r.code, r.stderr, quiet)
		}
		if data, err := os.ReadFile(victim); err != nil || string(data) != "untouched\n" {
			t.Errorf("the link's target holds %q (%v), want it untouched", data, err)
		}
		if info, err := os.Lstat(link); err != nil || !info.Mode().IsRegular() {
			t.Fatalf("%s after the run: %v (%v), want a regular file", link, info.Mode(), err)
		}
		readPidFile(t, link)
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("%s holds %d entries, want the pid file alone (no temporary left)", dir, len(entries))
		}
	})
}

func TestPidFileErrors(t *testing.T) {
	cases := []tcase{
		{name: "directory missing", args: run(o("--pid-file", "{stage}/nope/c.pid"), "true"), code: 125,
			stderr: fail(`mvrc: pid file "{stage}/nope/c.pid": no such file or directory`)},
		{name: "a directory in the way", args: run(o("--pid-file", "{stage}/hostdir"), "true"), code: 125,
			stderr: fail(`mvrc: pid file "{stage}/hostdir": is a directory`)},
	}
	// Root may write any directory.
	if os.Getuid() != 0 || testenv.TestUser() != "root" {
		cases = append(cases, tcase{name: "directory not writable", args: run(o("--pid-file", "{stage}/ro/c.pid"), "true"), code: 125,
			stderr: fail(`mvrc: pid file "{stage}/ro/c.pid": permission denied`)})
	}
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		if err := os.Chmod(st.Mkdir(t, "ro"), 0o555); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				c.check(t, st, twin)
			})
		}
	})
}

// TestSessionKeyring: a key in the caller's session keyring is out of COMMAND's reach: its
// session keyring is a new one, the key is not found from it, and reading it by its id is
// refused (COMMAND no longer possesses it).
func TestSessionKeyring(t *testing.T) {
	const want = "session new\nsearch ENOKEY\nread EACCES\n"
	// The default seccomp filter denies keyctl altogether (TestSeccomp); without it, the
	// keyring itself must keep the caller's key out of reach.
	keys := o("--seccomp", "unconfined", "-e", "MVRC_KEY", "-e", "MVRC_SESSION")
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		probe, err := st.CopyProbe(keyProbe)
		if err != nil {
			t.Fatal(err)
		}
		hold, err := testenv.Probe(keyHold)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(hold)
		if err != nil {
			t.Fatal(err)
		}
		hold = st.WriteFile(t, "keyhold", data, 0o755)
		for _, c := range []struct {
			name string
			opts []string
		}{
			{"default", keys},
			{"init", append(o("--init"), keys...)},
			{"user over ranges under init", append(append(o("--init", "--user", "1000:1000"), ranges...), keys...)},
		} {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				args := expandAll(t, st, twin, run(c.opts, probe))
				ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
				defer cancel()
				cmd := st.Command(ctx, twin, args...)
				cmd.Path, cmd.Args = hold, append([]string{hold, twin.Path}, args...)
				out, err := cmd.Output()
				if err != nil || string(out) != want {
					t.Errorf("keyhold mvrc %s: %v, stdout %q, want %q", quote(args), err, out, want)
				}
			})
		}
	})
}

func TestNoNewPrivs(t *testing.T) {
	nnp := "grep NoNewPrivs /proc/self/status /proc/1/status"
	want := "/proc/self/status:NoNewPrivs:\t1\n/proc/1/status:NoNewPrivs:\t1\n"
	forEachTwin(t, []tcase{
		{name: "command", args: runSh(nil, nnp), stdout: want},
		{name: "command and init", args: runSh(o("--init"), nnp), stdout: want},
		{name: "another user", args: runSh(append(o("--user", "1000:1000"), ranges...), nnp), stdout: want},
	})
}
