// The options of run, one behaviour per row (SPEC, Options of run; design.md, Mounts).
package conformance

import (
	"regexp"
	"testing"
)

// chrootWarning is the pinned warning of --chroot: a warning, the run goes on.
const chrootWarning = "mvrc: warning: --chroot is escapable; use it for teaching only\n"

// readOnly is busybox touch failing on a read-only mount, then its status.
const readOnly = ": Read-only file system\n1\n"

// ranges maps root to the caller and 65536 ids from the test user's subordinate range.
var ranges = o("--uid-map", "0:{uid}:1", "--uid-map", "1:{subuid}:65536", "--gid-map", "0:{gid}:1", "--gid-map", "1:{subgid}:65536")

func TestFlags(t *testing.T) {
	forEachTwin(t, []tcase{
		// --ns: fewer namespaces, as in the walkthrough's early steps.
		{name: "ns user enters ROOTFS by chroot with nothing mounted", args: runSh(o("--ns", "user"), "cat /etc/mvrc-marker; echo /proc/* /sys/*; id -u"), stdout: "{stage}\n/proc/* /sys/*\n0\n", stderr: noPidWarning},
		{name: "ns user keeps the host pid namespace", args: runSh(o("--ns", "user"), `[ $$ != 1 ] && echo not-pid-1`), stdout: "not-pid-1\n", stderr: noPidWarning},
		{name: "ns user mount binds the host proc", args: runSh(o("--ns", "user,mount"), `[ $$ != 1 ] && test -d /proc/$$ && hostname`), stdout: "{host}\n", stderr: noPidWarning},
		{name: "ns user mount pid mounts a fresh proc", args: runSh(o("--ns", "user,mount,pid"), "echo $$ /proc/[0-9]*"), stdout: "1 /proc/1\n"},
		{name: "ns in any order with duplicates", args: run(o("--ns", "cgroup,net,ipc,uts,pid,mount,user,pid"), "hostname"), stdout: "mvrc\n"},
		{name: "ns without net sees the host interfaces", args: run(o("--ns", "user,mount,pid,uts"), "ls", "/sys/class/net"), stdout: "{hostnets}"},
		{name: "ns without net the sys bind is read-only", args: runSh(o("--ns", "user,mount,pid,uts"), "touch /sys/x 2>&1; echo $?"), stdout: "touch: /sys/x" + readOnly},

		// --user, --uid-map, --gid-map: ranges through newuidmap and newgidmap.
		{name: "user with mapped ranges", args: runSh(append(ranges, "--user", "1000:1000"), "id -u; id -g; grep ^Groups: /proc/self/status"), stdoutRE: "1000\n1000\nGroups:\\s*\n"},
		{name: "user without gid uses the uid", args: runSh(append(ranges, "--user", "5"), "id -u; id -g"), stdout: "5\n5\n"},
		{name: "uid map ranges are written", args: run(ranges, "cat", "/proc/self/uid_map"), stdoutRE: `\s+0\s+{uid}\s+1\n\s+1\s+{subuid}\s+65536\n`},
		{name: "gid map ranges are written", args: run(ranges, "cat", "/proc/self/gid_map"), stdoutRE: `\s+0\s+{gid}\s+1\n\s+1\s+{subgid}\s+65536\n`},
		{name: "uid map beyond the subordinate range fails", args: run(o("--uid-map", "0:{uid}:1", "--uid-map", "1:1:1"), "true"), code: 125, stderrRE: `mvrc: newuidmap: exit status 1: [^\n]+\n`},
		{name: "workdir is entered as the user", args: run(append(ranges, "--user", "1000", "-w", "/private"), "pwd"), code: 125, stderr: fail(`mvrc: workdir "/private": permission denied`)},
		{name: "user switches after the mounts", args: runSh(append(ranges, "--user", "1000", "--tmpfs", "/scratch-{twin}"), "id -u; stat -f -c %T /scratch-{twin}"), stdout: "1000\ntmpfs\n"},

		// -v, --bind.
		{name: "bind a host directory", args: run(o("-v", "{stage}/hostdir:/mnt/host"), "cat", "/mnt/host/file"), stdout: "from the host\n"},
		{name: "bind long form", args: run(o("--bind={stage}/hostdir:/mnt/long"), "cat", "/mnt/long/file"), stdout: "from the host\n"},
		{name: "bind creates the destination", args: run(o("-v", "{stage}/hostdir:/new/{twin}/dir"), "ls", "/new/{twin}/dir"), stdout: "file\n"},
		{name: "bind a file", args: run(o("-v", "{stage}/hostdir/file:/etc/bound-{twin}"), "cat", "/etc/bound-{twin}"), stdout: "from the host\n"},
		{name: "bind read-only", args: runSh(o("-v", "{stage}/hostdir:/mnt/ro:ro"), "cat /mnt/ro/file; touch /mnt/ro/x 2>&1; echo $?"), stdout: "from the host\ntouch: /mnt/ro/x" + readOnly},
		{name: "binds go on top of the tmpfs", args: run(o("-v", "{stage}/hostdir:/mnt/t/h", "--tmpfs", "/mnt/t"), "ls", "/mnt/t/h"), stdout: "file\n"},
		{name: "binds keep their order", args: run(o("-v", "{stage}/hostdir:/mnt/a", "-v", "{stage}/rootfs/etc:/mnt/a"), "cat", "/mnt/a/mvrc-marker"), stdout: "{stage}\n"},

		// --read-only, --tmpfs.
		{name: "read-only root", args: runSh(o("--read-only"), "touch /x 2>&1; echo $?"), stdout: "touch: /x" + readOnly},
		{name: "read-only keeps dev writable", args: runSh(o("--read-only"), "echo x > /dev/null && touch /dev/shm/x && echo ok"), stdout: "ok\n"},
		{name: "read-only with a tmpfs", args: runSh(o("--read-only", "--tmpfs", "/tmp"), "touch /tmp/x && echo ok"), stdout: "ok\n"},
		{name: "read-only with a rw bind", args: runSh(o("--read-only", "-v", "{stage}/hostdir:/mnt/rw"), "test -w /mnt/rw && cat /mnt/rw/file"), stdout: "from the host\n"},
		{name: "tmpfs mounts a fresh tmpfs", args: runSh(o("--tmpfs", "/tmp"), "stat -f -c %T /tmp; ls -A /tmp | wc -l"), stdoutRE: `tmpfs\n\s*0\n`},
		{name: "tmpfs creates its directory", args: runSh(o("--tmpfs", "/scratch/{twin}"), "touch /scratch/{twin}/a && stat -f -c %T /scratch/{twin}"), stdout: "tmpfs\n"},
		{name: "tmpfs repeats", args: runSh(o("--tmpfs", "/tmp", "--tmpfs", "/mnt"), "stat -f -c %T /tmp /mnt"), stdout: "tmpfs\ntmpfs\n"},

		// --overlay (the host side is in TestOverlayLeavesRootfs).
		{name: "overlay root is writable", args: runSh(o("--overlay"), "echo new > /etc/overlay-probe && cat /etc/overlay-probe && grep ' / ' /proc/mounts | cut -d' ' -f3"), stdout: "new\noverlay\n"},
		{name: "overlay leaves no fd to the host", args: runSh(o("--overlay"), hostLinks), stdout: "end\n"},
		{name: "overlay with read-only", args: runSh(o("--overlay", "--read-only"), "touch /x 2>&1; echo $?"), stdout: "touch: /x" + readOnly},

		// --chroot.
		{name: "chroot works and warns", args: run(o("--chroot"), "cat", "/etc/mvrc-marker"), stdout: "{stage}\n", stderr: chrootWarning},
		{name: "chroot still mounts", args: run(o("--chroot"), "stat", "-f", "-c", "%T", "/proc"), stdout: "proc\n", stderr: chrootWarning},

		// --init.
		{name: "init starts the command as its first child", args: runSh(o("--init"), initFirstChild), stdout: "first child of pid 1\n"},
		{name: "init holds no fd to the host", args: runSh(o("--init"), hostLinks), stdout: "end\n"},
		{name: "init reaps orphans", args: runSh(o("--init"), reapScript), stdout: "reaped\n"},

		// --debug: the steps in design.md's order, each once.
		{name: "debug lists the steps", args: run(o("--debug"), "true"), stderrRE: debugLines("spec", "clone", "signals", "idmap", "child-runtime", "hostname", "rootfs", "network", "identity", "seccomp", "ready")},
		{name: "debug without uts and net", args: run(o("--debug", "--ns", "user,mount"), "true"), stderrRE: debugLines("spec", "clone", "signals") + regexp.QuoteMeta(noPidWarning) + debugLines("idmap", "child-runtime", "rootfs", "identity", "seccomp", "ready")},
		{name: "debug unconfined", args: run(o("--debug", "--seccomp", "unconfined"), "true"), stderrRE: debugLines("spec", "clone", "signals", "idmap", "child-runtime", "hostname", "rootfs", "network", "identity", "ready")},
		{name: "debug keeps stdout clean", args: run(o("--debug"), "echo", "hi"), stdout: "hi\n", stderrRE: `(mvrc: debug: [^\n]+\n)+`},
	})
}

// initFirstChild checks that COMMAND is the first process the init starts: its parent is
// PID 1 and every lower pid is one of PID 1's own threads (SPEC, --init). For the Rust init
// (one thread) that is PID 2. A Go init cannot: the Go runtime starts its threads (sysmon,
// GC workers) before any of mvrc's code runs, and in the new pid namespace their thread ids
// are 2, 3, ... (docs/architecture.md, "Why the Go init's COMMAND is not PID 2").
const initFirstChild = `grep -q '^PPid:[[:space:]]*1$' /proc/$$/status || { echo "parent is not pid 1"; exit; }
p=2; while [ $p -lt $$ ]; do [ -d /proc/1/task/$p ] || { echo "pid $p is not the init's"; exit; }; p=$((p+1)); done
echo first child of pid 1`

// reapScript makes an orphan that re-parents to PID 1 and dies, then waits (boundedly) for
// no zombie to be left: a PID 1 that does not reap leaves it as Z forever. grep -s: a pid
// the glob found may be gone before grep opens it (the zombie itself, reaped meanwhile).
const reapScript = `mkfifo /tmp/f$$; (exec echo x > /tmp/f$$ &); cat /tmp/f$$ > /dev/null; rm /tmp/f$$
for i in $(seq 2000); do
	grep -qs '^State:.Z' /proc/[0-9]*/status || { echo reaped; exit 0; }
done
echo zombie`

// debugLines is the regexp of --debug lines for the steps, in order.
func debugLines(steps ...string) string {
	re := ""
	for _, s := range steps {
		re += `mvrc: debug: ` + s + ` [0-9]+\.[0-9]{3}ms\n`
	}
	return re
}
