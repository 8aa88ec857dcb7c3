// Usage and value errors: the pinned lines of SPEC and design.md, exit 125, one line (plus the
// usage pointer for usage errors), never a panic or a backtrace.
package conformance

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"mvrc/bench/internal/testenv"
)

// unprivileged is the pinned refusal of namespaces without "user" for a non-root caller.
const unprivileged = `mvrc: creating namespaces: operation not permitted (an unprivileged user needs "user" in --ns)`

func TestUsageErrors(t *testing.T) {
	forEachTwin(t, []tcase{
		// The command line.
		{name: "no arguments", args: nil, code: 125, stderr: usage(`mvrc: missing command (want run, version or help)`)},
		{name: "unknown command", args: []string{"nope"}, code: 125, stderr: usage(`mvrc: unknown command "nope"`)},
		{name: "unknown help topic", args: []string{"help", "nope"}, code: 125, stderr: usage(`mvrc: unknown help topic "nope"`)},
		{name: "run alone", args: []string{"run"}, code: 125, stderr: usage(`mvrc: run needs ROOTFS and COMMAND`)},
		{name: "run without command", args: []string{"run", "{rootfs}"}, code: 125, stderr: usage(`mvrc: run needs ROOTFS and COMMAND`)},
		{name: "run with options only", args: []string{"run", "--init"}, code: 125, stderr: usage(`mvrc: run needs ROOTFS and COMMAND`)},
		{name: "unknown long flag", args: run(o("--nope"), "true"), code: 125, stderr: usage(`mvrc: unknown flag "--nope"`)},
		{name: "unknown short flag", args: run(o("-x"), "true"), code: 125, stderr: usage(`mvrc: unknown flag "-x"`)},
		{name: "long flag needs a value", args: []string{"run", "--hostname"}, code: 125, stderr: usage(`mvrc: flag "--hostname" needs a value`)},
		{name: "short flag needs a value", args: []string{"run", "-e"}, code: 125, stderr: usage(`mvrc: flag "-e" needs a value`)},
		{name: "boolean flag takes no value", args: run(o("--overlay=true"), "true"), code: 125, stderr: usage(`mvrc: flag "--overlay" takes no value`)},
		{name: "parsing stops at the rootfs", args: run(nil, "echo", "--nope", "-x"), stdout: "--nope -x\n"},
		{name: "parsing stops at double dash", args: []string{"run", "--hostname", "box", "--", "{rootfs}", "hostname"}, stdout: "box\n"},

		// Values.
		{name: "unknown namespace", args: run(o("--ns", "user,nope"), "true"), code: 125, stderr: usage(`mvrc: unknown namespace "nope" (known: user, mount, pid, uts, ipc, net, cgroup)`)},
		{name: "hostname needs uts", args: run(o("--ns", "user,mount,pid", "--hostname", "box"), "true"), code: 125, stderr: usage(`mvrc: --hostname needs the uts namespace`)},
		{name: "uid map too short", args: run(o("--uid-map", "0:1000"), "true"), code: 125, stderr: usage(`mvrc: invalid --uid-map "0:1000": want CONTAINER:HOST:SIZE`)},
		{name: "uid map size 0", args: run(o("--uid-map", "0:1000:0"), "true"), code: 125, stderr: usage(`mvrc: invalid --uid-map "0:1000:0": want CONTAINER:HOST:SIZE`)},
		{name: "uid map not numbers", args: run(o("--uid-map", "a:b:c"), "true"), code: 125, stderr: usage(`mvrc: invalid --uid-map "a:b:c": want CONTAINER:HOST:SIZE`)},
		{name: "uid map overflows", args: run(o("--uid-map", "0:4294967295:2"), "true"), code: 125, stderr: usage(`mvrc: invalid --uid-map "0:4294967295:2": want CONTAINER:HOST:SIZE`)},
		{name: "gid map invalid", args: run(o("--gid-map", "1:2:3:4"), "true"), code: 125, stderr: usage(`mvrc: invalid --gid-map "1:2:3:4": want CONTAINER:HOST:SIZE`)},
		{name: "uid map needs user", args: run(o("--ns", "mount", "--uid-map", "0:{uid}:1"), "true"), code: 125, stderr: usage(`mvrc: --uid-map needs the user namespace`)},
		{name: "gid map needs user", args: run(o("--ns", "mount", "--gid-map", "0:{gid}:1"), "true"), code: 125, stderr: usage(`mvrc: --gid-map needs the user namespace`)},
		{name: "user needs user", args: run(o("--ns", "mount", "--user", "1:1"), "true"), code: 125, stderr: usage(`mvrc: --user needs the user namespace`)},
		{name: "user invalid", args: run(o("--user", "abc"), "true"), code: 125, stderr: usage(`mvrc: invalid --user "abc": want UID[:GID]`)},
		{name: "user uid not mapped", args: run(o("--user", "5:5"), "true"), code: 125, stderr: usage(`mvrc: --user "5:5": uid 5 is not mapped (see --uid-map)`)},
		{name: "user gid not mapped", args: run(o("--user", "0:5"), "true"), code: 125, stderr: usage(`mvrc: --user "0:5": gid 5 is not mapped (see --gid-map)`)},
		{name: "bind without destination", args: run(o("--bind", "/etc"), "true"), code: 125, stderr: usage(`mvrc: invalid --bind "/etc": want SRC:DST[:ro]`)},
		{name: "bind bad option", args: run(o("-v", "/etc:/x:rw"), "true"), code: 125, stderr: usage(`mvrc: invalid --bind "/etc:/x:rw": want SRC:DST[:ro]`)},
		{name: "bind relative destination", args: run(o("-v", "/etc:x"), "true"), code: 125, stderr: usage(`mvrc: invalid --bind "/etc:x": destination must be an absolute path`)},
		{name: "tmpfs relative", args: run(o("--tmpfs", "tmp"), "true"), code: 125, stderr: usage(`mvrc: invalid --tmpfs "tmp": want an absolute path`)},
		{name: "workdir relative", args: run(o("-w", "etc"), "true"), code: 125, stderr: usage(`mvrc: invalid --workdir "etc": want an absolute path`)},
		{name: "memory invalid", args: run(o("--memory", "10x"), "true"), code: 125, stderr: usage(`mvrc: invalid --memory "10x": want BYTES with an optional k, m or g suffix`)},
		{name: "memory zero", args: run(o("--memory", "0"), "true"), code: 125, stderr: usage(`mvrc: invalid --memory "0": want BYTES with an optional k, m or g suffix`)},
		{name: "memory unknown suffix", args: run(o("--memory", "1x"), "true"), code: 125, stderr: usage(`mvrc: invalid --memory "1x": want BYTES with an optional k, m or g suffix`)},
		{name: "cpus negative", args: run(o("--cpus", "-1"), "true"), code: 125, stderr: usage(`mvrc: invalid --cpus "-1": want a positive number`)},
		{name: "pids zero", args: run(o("--pids", "0"), "true"), code: 125, stderr: usage(`mvrc: invalid --pids "0": want a positive whole number`)},
		{name: "pids below the floor", args: run(o("--pids", "3"), "true"), code: 125, stderr: usage(`mvrc: invalid --pids "3": want at least 16 (mvrc's own threads count too)`)},
		{name: "pids one under init", args: run(o("--init", "--pids", "1"), "true"), code: 125, stderr: usage(`mvrc: invalid --pids "1": want at least 16 (mvrc's own threads count too)`)},
		{name: "pids fraction", args: run(o("--pids", "1.5"), "true"), code: 125, stderr: usage(`mvrc: invalid --pids "1.5": want a positive whole number`)},
		{name: "cpus invalid", args: run(o("--cpus", "abc"), "true"), code: 125, stderr: usage(`mvrc: invalid --cpus "abc": want a positive number`)},
		{name: "cpus zero", args: run(o("--cpus", "0"), "true"), code: 125, stderr: usage(`mvrc: invalid --cpus "0": want a positive number`)},
		{name: "e empty", args: run(o("-e", ""), "true"), code: 125, stderr: usage(`mvrc: invalid -e "": want KEY=VALUE or KEY`)},
		{name: "read-only needs mount", args: run(o("--ns", "user", "--read-only"), "true"), code: 125, stderr: usage(`mvrc: --read-only needs the mount namespace`)},
		{name: "overlay needs mount", args: run(o("--ns", "user", "--overlay"), "true"), code: 125, stderr: usage(`mvrc: --overlay needs the mount namespace`)},
		{name: "tmpfs needs mount", args: run(o("--ns", "user", "--tmpfs", "/tmp"), "true"), code: 125, stderr: usage(`mvrc: --tmpfs needs the mount namespace`)},
		{name: "bind needs mount", args: run(o("--ns", "user", "-v", "{stage}/hostdir:/mnt"), "true"), code: 125, stderr: usage(`mvrc: --bind needs the mount namespace`)},
		{name: "tmpfs with dot dot", args: run(o("--tmpfs", "/a/../b"), "true"), code: 125, stderr: usage(`mvrc: invalid --tmpfs "/a/../b": ".." is not allowed`)},
		{name: "bind with dot dot", args: run(o("-v", "{stage}/hostdir:/mnt/.."), "true"), code: 125, stderr: usage(`mvrc: invalid --bind "{stage}/hostdir:/mnt/..": ".." is not allowed`)},
		{name: "workdir with dot dot", args: run(o("-w", "/etc/../bin"), "true"), code: 125, stderr: usage(`mvrc: invalid --workdir "/etc/../bin": ".." is not allowed`)},
		{name: "short help takes no value", args: run(o("-h=x"), "true"), code: 125, stderr: usage(`mvrc: flag "--help" takes no value`)},
		{name: "long help takes no value", args: run(o("--help=x"), "true"), code: 125, stderr: usage(`mvrc: flag "--help" takes no value`)},
		{name: "e equals sign", args: run(o("-e="), "true"), code: 125, stderr: usage(`mvrc: invalid -e "=": want KEY=VALUE or KEY`)},
		{name: "w equals sign", args: run(o("-w="), "true"), code: 125, stderr: usage(`mvrc: invalid --workdir "=": want an absolute path`)},
		{name: "hostname empty", args: run(o("--hostname", ""), "true"), code: 125, stderr: usage(`mvrc: invalid --hostname "": want 1 to 64 characters`)},
		{name: "hostname too long", args: run(o("--hostname", strings.Repeat("h", 65)), "true"), code: 125, stderr: usage(`mvrc: invalid --hostname "` + strings.Repeat("h", 65) + `": want 1 to 64 characters`)},
		{name: "cpus below the minimum", args: run(o("--cpus", "0.009"), "true"), code: 125, stderr: usage(`mvrc: invalid --cpus "0.009": want a positive number`)},
		{name: "version with an argument", args: []string{"version", "x"}, code: 125, stderr: usage(`mvrc: unexpected argument "x"`)},
		{name: "help run with an argument", args: []string{"help", "run", "x"}, code: 125, stderr: usage(`mvrc: unexpected argument "x"`)},
		{name: "first error in flag table order", args: run(o("-w", "etc", "--ns", "nope"), "true"), code: 125, stderr: usage(`mvrc: unknown namespace "nope" (known: user, mount, pid, uts, ipc, net, cgroup)`)},
		{name: "flag errors before rootfs", args: []string{"run", "--tmpfs", "t", "/nope", "true"}, code: 125, stderr: usage(`mvrc: invalid --tmpfs "t": want an absolute path`)},

		// Runtime refusals: one line, no usage pointer.
		{name: "bind source missing", args: run(o("-v", "{stage}/nope:/x"), "true"), code: 125, stderr: fail(`mvrc: bind source "{stage}/nope": no such file or directory`)},
		{name: "pid file unwritable", args: run(o("--pid-file", "{stage}/nope/pid"), "true"), code: 125, stderr: fail(`mvrc: pid file "{stage}/nope/pid": no such file or directory`)},
		{name: "no namespaces unprivileged", args: run(o("--ns", ""), "true"), code: 125, stderr: fail(unprivileged)},
		{name: "pid without user unprivileged", args: run(o("--ns", "pid"), "true"), code: 125, stderr: fail(unprivileged)},
		{name: "mount without user unprivileged", args: run(o("--ns", "mount,uts,ipc,net"), "true"), code: 125, stderr: fail(unprivileged)},
		{name: "exec quotes like Go", args: run(nil, "/x\x01\x7fy\u00e9\u0085\""), code: 127, stderr: fail(`mvrc: exec "/x\x01\x7fyé\u0085\"": no such file or directory`)},
		{name: "a long error line arrives whole", args: run(nil, "/"+strings.Repeat("b", 5000)), code: 126, stderr: fail(`mvrc: exec "/` + strings.Repeat("b", 5000) + `": file name too long`)},
		{name: "empty PATH elements are skipped", args: run(o("-e", "PATH=:", "-w", "/bin"), "sh", "-c", "echo ran"), code: 127, stderr: fail(`mvrc: exec "sh": no such file or directory`)},
		{name: "newuidmap missing", args: run(o("--uid-map", "0:{uid}:1", "--uid-map", "1:{subuid}:10"), "true"), env: []string{"PATH=/nonexistent"}, code: 125, stderr: fail(`mvrc: newuidmap: no such file or directory`)},
		{name: "newuidmap refuses", args: run(o("--uid-map", "0:{uid}:1", "--uid-map", "1:{subuid}:10"), "true"), env: []string{"PATH={stage}/helpers/refuses"}, code: 125, stderr: fail(`mvrc: newuidmap: exit status 3: first line`)},
		{name: "newuidmap killed", args: run(o("--uid-map", "0:{uid}:1", "--uid-map", "1:{subuid}:10"), "true"), env: []string{"PATH={stage}/helpers/killed"}, code: 125, stderr: fail(`mvrc: newuidmap: killed by signal 9`)},
	})
}

// TestHopRefusedByTheKernel: where the kernel refuses executable memfds (vm.memfd_noexec = 2,
// set here in a PID namespace of the test's own, which the twins' namespaces inherit), the
// hop cannot be made: mvrc says so in one line and exits 125, and COMMAND never runs. Setting
// the sysctl needs root: without it the suite has no way to make the kernel refuse.
func TestHopRefusedByTheKernel(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root: vm.memfd_noexec is set in a PID namespace made for the case")
	}
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		args := expandAll(t, st, twin, run(nil, "echo", "ran"))
		as := "exec"
		if st.Cred != nil {
			as = fmt.Sprintf("exec setpriv --reuid=%d --regid=%d --clear-groups --", st.Cred.Uid, st.Cred.Gid)
		}
		script := `echo 2 > /proc/sys/vm/memfd_noexec && ` + as + ` "$0" "$@"`
		ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, "unshare", append([]string{"--pid", "--fork", "--mount-proc", "sh", "-c", script, twin.Path}, args...)...)
		cmd.Dir, cmd.Env = st.Dir, []string{"PATH=" + testenv.HostPath}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := cmd.ProcessState.ExitCode()
		if want := "mvrc: exec hop: memfd_create: permission denied\n"; code != 125 || stderr.String() != want || stdout.Len() != 0 {
			t.Errorf("mvrc %s with vm.memfd_noexec=2: exit %d (%v), stdout %q, stderr %q; want 125, nothing, %q",
				quote(args), code, err, stdout.String(), stderr.String(), want)
		}
	})
}
