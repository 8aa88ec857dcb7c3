// What the container cannot touch on the host (design.md, "Containment"): runc's read-only and
// masked paths, read-only device binds, its own /dev/mqueue and /sys/fs/cgroup, bounded tmpfs.
package conformance

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"mvrc/bench/internal/testenv"
)

// The contract's lists (design.md), written out here so that a twin cannot shorten them.
var (
	runcReadOnly = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}
	runcMasked   = []string{"/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/sched_debug", "/proc/scsi", "/proc/timer_list", "/sys/firmware"}
)

// noPidWarning is the pinned warning of --ns without pid: a warning, the run goes on.
const noPidWarning = "mvrc: warning: without the pid namespace, processes COMMAND leaves behind survive a SIGKILL of mvrc\n"

// hostHas keeps the paths this kernel has (the container's /proc and /sys are of the same kernel).
func hostHas(paths []string) []string {
	var have []string
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			have = append(have, p)
		}
	}
	return have
}

// mountOf prints "MOUNTPOINT FIRSTOPTION FSTYPE" for each path given that is a mount point.
func mountOf(paths ...string) string {
	return fmt.Sprintf(`for p in %s; do sed -n "s|^[^ ]* [^ ]* [^ ]* [^ ]* \($p\) \([^, ]*\).* - \([^ ]*\) .*|\1 \2 \3|p" /proc/self/mountinfo; done`,
		strings.Join(paths, " "))
}

// maskLines is what mountOf prints for the masks this kernel has: each read-only, a masked
// file's /dev/null keeps the type of the file system it came from (devtmpfs), so only the
// mount point and "ro" are compared.
func maskLines() string {
	var b strings.Builder
	for _, p := range hostHas(append(append([]string{}, runcReadOnly...), runcMasked...)) {
		b.WriteString(p + " ro\n")
	}
	return b.String()
}

// emptyMasks prints, for each masked path there is, how much it shows: bytes or entries.
var emptyMasks = `for p in ` + strings.Join(runcMasked, " ") + `; do
	if [ -d $p ]; then echo "$p $(ls -A $p | wc -l)"; elif [ -e $p ]; then echo "$p $(wc -c < $p)"; fi
done`

func TestContainment(t *testing.T) {
	masks := mountOf(append(append([]string{}, runcReadOnly...), runcMasked...)...) + " | cut -d' ' -f1,2"
	var masked strings.Builder
	for _, p := range hostHas(runcMasked) {
		masked.WriteString(p + " 0\n")
	}
	noPid := o("--ns", "user,mount,uts,ipc,net,cgroup")
	forEachTwin(t, []tcase{
		// runc's defaults, with and without a pid namespace (then /proc is the host's, bound).
		{name: "proc and sys masks are read-only mounts", args: runSh(nil, masks), stdout: maskLines()},
		{name: "proc masks without pid", args: runSh(noPid, masks), stdout: maskLines(), stderr: noPidWarning},
		{name: "masked paths show nothing", args: runSh(nil, emptyMasks), stdout: masked.String()},
		{name: "masked paths without pid show nothing", args: runSh(noPid, emptyMasks), stdout: masked.String(), stderr: noPidWarning},
		{name: "kernel settings are read-only", args: runSh(nil, "echo box > /proc/sys/kernel/hostname; hostname"),
			stdout: "mvrc\n", stderr: "sh: can't create /proc/sys/kernel/hostname: Read-only file system\n"},

		// Device nodes: the host's inodes, bound read-only; I/O goes on.
		{name: "device nodes keep their metadata", args: runSh(nil, "for d in null zero full random urandom tty; do chmod 666 /dev/$d || echo refused; done"),
			stdout: strings.Repeat("refused\n", 6), stderr: devReadOnly("null", "zero", "full", "random", "urandom", "tty")},
		{name: "device nodes still do io", args: runSh(nil, "echo x > /dev/null && head -c 3 /dev/zero | wc -c && head -c 3 /dev/urandom | wc -c"), stdout: "3\n3\n"},

		// runc's default mounts: /dev/mqueue with ipc, /sys/fs/cgroup with cgroup.
		{name: "dev mqueue with ipc", args: runSh(nil, mountOf("/dev/mqueue")), stdout: "/dev/mqueue rw mqueue\n"},
		{name: "no dev mqueue without ipc", args: runSh(o("--ns", "user,mount,pid,uts,net,cgroup"), "[ -e /dev/mqueue ] || echo none"), stdout: "none\n"},
		{name: "sys fs cgroup with cgroup", args: runSh(nil, mountOf("/sys/fs/cgroup")), stdout: "/sys/fs/cgroup ro cgroup2\n"},
		{name: "sys fs cgroup is read-only", args: runSh(nil, "mkdir /sys/fs/cgroup/x"), code: 1, stderr: "mkdir: can't create directory '/sys/fs/cgroup/x': Read-only file system\n"},
		{name: "no cgroup2 without cgroup", args: runSh(o("--ns", "user,mount,pid,uts,ipc,net"), mountOf("/sys/fs/cgroup")+"; echo end"), stdout: "end\n"},

		// Bounded tmpfs: docker's 64 MiB, not half of RAM.
		{name: "dev shm is 64 MiB", args: runSh(nil, "df -k /dev/shm | awk 'NR==2 {print $2}'; stat -c %a /dev/shm"), stdout: "65536\n1777\n"},
		{name: "tmpfs is 64 MiB by default", args: runSh(o("--tmpfs", "/t"), "df -k /t | awk 'NR==2 {print $2}'; stat -c %a /t"), stdout: "65536\n755\n"},
		{name: "tmpfs size", args: runSh(o("--tmpfs", "/t:size=1m", "--tmpfs=/u:size=8k"), "df -k /t /u | awk 'NR>1 {print $2}'"), stdout: "1024\n8\n"},
		{name: "tmpfs bad size", args: run(o("--tmpfs", "/t:size=1t"), "true"), code: 125,
			stderr: usage(`mvrc: invalid --tmpfs "/t:size=1t": want SIZE in bytes with an optional k, m or g suffix`)},
		{name: "tmpfs bad option", args: run(o("--tmpfs", "/t:mode=700"), "true"), code: 125,
			stderr: usage(`mvrc: invalid --tmpfs "/t:mode=700": want DIR[:size=SIZE]`)},

		// Without a pid namespace a SIGKILL of mvrc leaves COMMAND's orphans: said once.
		{name: "ns without pid warns", args: run(o("--ns", "user,mount"), "true"), stderr: noPidWarning},
		{name: "ns with pid does not warn", args: run(o("--ns", "user,mount,pid"), "true")},
	})
}

// devReadOnly is busybox chmod's complaint for each node.
func devReadOnly(names ...string) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString("chmod: /dev/" + n + ": Read-only file system\n")
	}
	return b.String()
}

// rootWarning is SPEC's line for root whose container root is the host's root.
const rootWarning = "mvrc: warning: container root is host root: run as a user, or map a subuid range"

// TestRootIsContained: root running mvrc is root on the host too (the default map 0:0:1), and
// must still not write kernel settings or change host device nodes (SPEC, Lifecycle). Run as
// the suite's user: root in CI. A failure here would not change anything: the probes open
// core_pattern without writing and chmod the nodes to the mode they already have.
func TestRootIsContained(t *testing.T) {
	mode := func(p string) string {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%o", info.Mode().Perm())
	}
	keep := func(p string) string { return fmt.Sprintf("chmod %s %s 2>&1 || echo refused", mode("/dev/null"), p) }
	// Root is told, once, before the container starts (SPEC, Lifecycle); a map to a subuid range
	// makes the container's root someone else, and nothing is said.
	warned := ""
	if os.Getuid() == 0 {
		warned = rootWarning + "\n"
	}
	cases := []tcase{
		{name: "uid 0 is the caller", args: run(nil, "cat", "/proc/self/uid_map"), stdoutRE: `\s+0\s+{uid}\s+1\n`, stderr: warned},
		{name: "core_pattern cannot be opened for writing", args: runSh(nil, "{ true >> /proc/sys/kernel/core_pattern; } 2>&1 || echo refused"),
			stdout: "sh: can't create /proc/sys/kernel/core_pattern: Read-only file system\nrefused\n", stderr: warned},
		{name: "dev null keeps its mode", args: runSh(nil, keep("/dev/null")), stdout: "chmod: /dev/null: Read-only file system\nrefused\n", stderr: warned},
		{name: "a masked file keeps its mode", args: runSh(nil, keep("/proc/timer_list")), stdout: "chmod: /proc/timer_list: Read-only file system\nrefused\n", stderr: warned},
	}
	if os.Getuid() == 0 {
		cases = append(cases, tcase{name: "no user namespace is warned too", args: run(o("--ns", "mount,pid"), "true"), stderr: warned}, tcase{name: "root mapped to a subuid range is not warned",
			args:     run(o("--uid-map", "0:100000:65536", "--gid-map", "0:100000:65536"), "cat", "/proc/self/uid_map"),
			stdoutRE: `\s+0\s+100000\s+65536\n`})
	}
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		st.AsCaller()
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				c.check(t, st, twin)
			})
		}
	})
}
