// What the command sees with the default options (SPEC, "What the command sees").
package conformance

import (
	"context"
	"slices"
	"strings"
	"testing"

	"mvrc/bench/internal/testenv"
)

// devList is `ls -A /dev`: the bound nodes, pts/, shm/ and the links, nothing else.
const devList = "fd\nfull\nmqueue\nnull\nptmx\npts\nrandom\nshm\nstderr\nstdin\nstdout\ntty\nurandom\nzero\n"

// devNodes is each bound node with its type and major:minor (hex), as on every Linux host.
const devNodes = `/dev/null character special file 1:3
/dev/zero character special file 1:5
/dev/full character special file 1:7
/dev/random character special file 1:8
/dev/urandom character special file 1:9
/dev/tty character special file 5:0
`

// containerMounts is every mount the container has, sorted: the old root is detached, nothing else
// leaks in; the masks are those of runc this kernel has (contain_test.go).
func containerMounts() string {
	mounts := append([]string{"/", "/dev", "/dev/full", "/dev/mqueue", "/dev/null", "/dev/pts", "/dev/random", "/dev/shm",
		"/dev/tty", "/dev/urandom", "/dev/zero", "/proc", "/sys", "/sys/fs/cgroup"}, hostHas(runcReadOnly)...)
	mounts = append(mounts, hostHas(runcMasked)...)
	slices.Sort(mounts)
	return strings.Join(mounts, "\n") + "\n"
}

// hostLinks prints every fd, cwd and root of every container process that names a path the
// container does not have: a way back to the host's files.
const hostLinks = `for f in /proc/[0-9]*/fd/* /proc/[0-9]*/cwd /proc/[0-9]*/root; do
	l=$(readlink $f) && case $l in /*) [ -e "$l" ] || echo "$f -> $l";; esac
done; echo end`

func TestContainerSees(t *testing.T) {
	forEachTwin(t, []tcase{
		// PID namespace.
		{name: "command is pid 1", args: runSh(nil, "echo $$"), stdout: "1\n"},
		{name: "proc lists only the container", args: runSh(nil, "echo /proc/[0-9]*"), stdout: "/proc/1\n"},
		{name: "proc is a fresh procfs", args: run(nil, "stat", "-f", "-c", "%T", "/proc"), stdout: "proc\n"},

		// User namespace: root inside, the caller outside.
		{name: "uid and gid are 0", args: runSh(nil, "id -u; id -g"), stdout: "0\n0\n"},
		{name: "uid_map is 0 caller 1", args: run(nil, "cat", "/proc/self/uid_map"), stdoutRE: `\s+0\s+{uid}\s+1\n`},
		{name: "gid_map is 0 caller 1", args: run(nil, "cat", "/proc/self/gid_map"), stdoutRE: `\s+0\s+{gid}\s+1\n`},
		{name: "setgroups is denied", args: run(nil, "cat", "/proc/self/setgroups"), stdout: "deny\n"},
		{name: "no supplementary groups of its own", args: run(nil, "grep", "^Groups:", "/proc/self/status"), stdoutRE: "Groups:\\s*{groups}\\s*\n"},
		// Docker's default set, no more (design.md): no CAP_SYS_ADMIN to undo a read-only mount.
		{name: "capabilities are docker's default set", args: run(nil, "grep", "-E", "^Cap(Eff|Bnd):", "/proc/self/status"),
			stdout: "CapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\n"},

		// Cgroup namespace: the host's cgroup paths are hidden.
		{name: "cgroup paths start at the container", args: runSh(nil, "cut -d: -f3 /proc/self/cgroup | sort -u"), stdout: "/\n"},

		// UTS namespace.
		{name: "hostname is mvrc", args: run(nil, "hostname"), stdout: "mvrc\n"},
		{name: "hostname flag sets it", args: run(o("--hostname", "box"), "hostname"), stdout: "box\n"},
		{name: "hostname flag with equals", args: run(o("--hostname=box2"), "hostname"), stdout: "box2\n"},

		// The root filesystem, and no way back to the host's.
		{name: "root is ROOTFS", args: run(nil, "cat", "/etc/mvrc-marker"), stdout: "{stage}\n"},
		{name: "dotdot from root stays root", args: runSh(nil, `cd /../../..; pwd; [ "$(ls -a /..)" = "$(ls -a /)" ] && echo same`), stdout: "/\nsame\n"},
		{name: "host file unreachable by its path", args: runSh(nil, "cat {stage}/mvrc-host-secret || cat /..{stage}/mvrc-host-secret || echo unreachable"),
			stdout: "unreachable\n", stderrRE: `(cat: .*: No such file or directory\n){2}`},
		{name: "host file unreachable by any path", args: runSh(nil, "find / -name mvrc-host-secret 2>/dev/null; echo searched"), stdout: "searched\n"},
		{name: "proc 1 root leads to the container root", args: runSh(nil, `[ "$(ls -a /proc/1/root/)" = "$(ls -a /)" ] && cat /proc/1/root/etc/mvrc-marker`), stdout: "{stage}\n"},
		{name: "no fd or cwd leads to the host", args: runSh(nil, hostLinks), stdout: "end\n"},
		{name: "mounts are only the container's", args: runSh(nil, "cut -d' ' -f5 /proc/self/mountinfo | sort"), stdout: containerMounts()},

		// /dev.
		{name: "dev holds exactly the listed entries", args: run(nil, "ls", "-A", "/dev"), stdout: devList},
		{name: "dev is a tmpfs", args: run(nil, "stat", "-f", "-c", "%T", "/dev"), stdout: "tmpfs\n"},
		{name: "dev nodes are the host's", args: run(nil, "stat", "-c", "%n %F %t:%T", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"), stdout: devNodes},
		{name: "dev modes", args: run(nil, "stat", "-c", "%n %a", "/dev", "/dev/shm", "/dev/pts/ptmx"), stdout: "/dev 755\n/dev/shm 1777\n/dev/pts/ptmx 666\n"},
		{name: "dev links", args: runSh(nil, "for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done"),
			stdout: "/proc/self/fd\n/proc/self/fd/0\n/proc/self/fd/1\n/proc/self/fd/2\npts/ptmx\n"},
		{name: "dev null takes writes", args: runSh(nil, "echo gone > /dev/null && echo ok"), stdout: "ok\n"},
		{name: "dev urandom reads", args: runSh(nil, "head -c 16 /dev/urandom | wc -c"), stdoutRE: `\s*16\n`},
		{name: "dev full refuses writes", args: runSh(nil, "echo x > /dev/full || echo refused"), stdout: "refused\n", stderrRE: `.*No space left on device\n`},
		{name: "devpts is a new instance", args: run(nil, "ls", "/dev/pts"), stdout: "ptmx\n"},
		{name: "a pty can be opened", args: runSh(nil, "exec 3<>/dev/ptmx; ls /dev/pts"), stdout: "0\nptmx\n"},
		{name: "dev shm is a writable tmpfs", args: runSh(nil, "touch /dev/shm/x && stat -f -c %T /dev/shm"), stdout: "tmpfs\n"},

		// /sys and the network.
		{name: "sys is read-only", args: runSh(nil, "touch /sys/x 2>&1; echo $?"), stdout: "touch: /sys/x: Read-only file system\n1\n"},
		{name: "sys is a fresh sysfs", args: run(nil, "stat", "-f", "-c", "%T", "/sys"), stdout: "sysfs\n"},
		{name: "only lo and it is up", args: runSh(nil, "ls /sys/class/net; cat /sys/class/net/lo/flags"), stdout: "lo\n0x9\n"},

		// The rest of the process.
		{name: "workdir is root", args: run(nil, "pwd"), stdout: "/\n"},
		{name: "stdin is the caller's", args: run(nil, "cat"), stdin: "through stdin\n", stdout: "through stdin\n"},
		{name: "stderr is the caller's", args: runSh(nil, "echo oops >&2"), stderr: "oops\n"},
	})
}

// TestCallerFileLimit: COMMAND gets the caller's RLIMIT_NOFILE, soft and hard, with and
// without --init. The Go runtime raises its own soft limit at start and puts it back only
// in its own exec calls: an exec of another kind hands COMMAND the raised limit.
func TestCallerFileLimit(t *testing.T) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		for _, opts := range [][]string{nil, o("--init")} {
			args := expandAll(t, st, twin, runSh(opts, `echo "$(ulimit -Sn) $(ulimit -Hn)"`))
			ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
			cmd := st.Command(ctx, twin, args...)
			// The host's sh sets the limits, then becomes mvrc (same pid, limits kept).
			cmd.Path, cmd.Args = "/bin/sh", append([]string{"/bin/sh", "-c", `ulimit -Sn 1000 && ulimit -Hn 4000 && exec "$0" "$@"`, twin.Path}, args...)
			out, err := cmd.Output()
			cancel()
			if got, want := string(out), "1000 4000\n"; err != nil || got != want {
				t.Errorf("mvrc %s under ulimit -Sn 1000 -Hn 4000: %v, COMMAND saw %q, want %q", quote(args), err, got, want)
			}
		}
	})
}
