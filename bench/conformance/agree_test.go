// The identical twins: the same invocation through both must give the same stdout, exit
// status and stderr (SPEC: "Both implementations print the same line for the same failure").
package conformance

import (
	"regexp"
	"testing"
)

// agreeCases cover success paths, every error class and every flag.
var agreeCases = []struct {
	name string
	args []string
	env  []string
}{
	{"true", run(nil, "true"), nil},
	{"what the command sees", run(nil, "sh", "-c", "echo $$; id; hostname; pwd; ls -A /dev; cat /proc/self/uid_map"), nil},
	{"environment", run(o("-e", "A=1", "-e", "TERM", "-e", "NOPE", "-e", "A=2", "-e", "PATH=/bin:/usr/bin"), "env"), []string{"TERM=vt100", "LEAK=1"}},
	{"hostname and workdir", run(o("--hostname", "twin", "-w", "/etc"), "sh", "-c", "hostname; pwd; echo $HOSTNAME"), nil},
	{"own exit code", run(nil, "sh", "-c", "exit 42"), nil},
	{"killed under init", run(o("--init"), "sh", "-c", "kill -USR1 $$"), nil},
	{"init pid", run(o("--init"), "sh", "-c", initFirstChild), nil},
	{"workdir missing", run(o("-w", "/nope"), "true"), nil},
	{"not found", run(nil, "nope"), nil},
	{"not executable", run(nil, "/etc/mvrc-marker"), nil},
	{"exec format error", run(nil, "/bin/garbage"), nil},
	{"rootfs missing", []string{"run", "/nope", "true"}, nil},
	{"rootfs a file", []string{"run", "{stage}/mvrc-host-secret", "true"}, nil},
	{"no arguments", nil, nil},
	{"unknown command", []string{"launch"}, nil},
	{"run alone", []string{"run"}, nil},
	{"unknown flag", run(o("--privileged"), "true"), nil},
	{"flag needs a value", []string{"run", "-w"}, nil},
	{"boolean with a value", run(o("--init=1"), "true"), nil},
	{"unknown namespace", run(o("--ns", "user,time"), "true"), nil},
	{"hostname needs uts", run(o("--ns", "user,mount", "--hostname", "x"), "true"), nil},
	{"no namespaces", run(o("--ns", ""), "true"), nil},
	{"pid only", run(o("--ns", "pid"), "true"), nil},
	{"user only", run(o("--ns", "user"), "sh", "-c", "id -u; echo /proc/*"), nil},
	{"user and mount", run(o("--ns", "user,mount"), "sh", "-c", "hostname; ls /sys/class/net"), nil},
	{"ns with spaces", run(o("--ns", "user, mount"), "true"), nil},
	{"ns with an empty item", run(o("--ns", "user,,mount"), "true"), nil},
	{"uid map invalid", run(o("--uid-map", "0:1:x"), "true"), nil},
	{"gid map overflow", run(o("--gid-map", "4294967295:0:2"), "true"), nil},
	{"maps without user", run(o("--ns", "mount,pid", "--gid-map", "0:0:1"), "true"), nil},
	{"user ranges", run(append(ranges, "--user", "7:8"), "sh", "-c", "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map"), nil},
	{"user without gid", run(append(ranges, "--user", "9"), "id"), nil},
	{"user not mapped", run(o("--user", "5"), "true"), nil},
	{"user invalid", run(o("--user", "5:x"), "true"), nil},
	{"user with maps without user ns", run(o("--ns", "mount", "--user", "0:0"), "true"), nil},
	{"map beyond subordinate range", run(o("--uid-map", "0:{uid}:1", "--uid-map", "1:1:1"), "true"), nil},
	{"bind", run(o("-v", "{stage}/hostdir:/mnt/agree:ro"), "sh", "-c", "cat /mnt/agree/file; touch /mnt/agree/x"), nil},
	{"bind invalid", run(o("--bind", "/a"), "true"), nil},
	{"bind relative", run(o("--bind", "/a:b"), "true"), nil},
	{"bind source missing", run(o("--bind", "/nope:/x"), "true"), nil},
	{"read-only", run(o("--read-only"), "touch", "/x"), nil},
	{"tmpfs", run(o("--tmpfs", "/tmp", "--read-only"), "sh", "-c", "touch /tmp/x && stat -f -c %T /tmp"), nil},
	{"tmpfs relative", run(o("--tmpfs", "x"), "true"), nil},
	{"overlay", run(o("--overlay"), "sh", "-c", "rm /bin/true && ls /bin/true"), nil},
	{"chroot", run(o("--chroot"), "cat", "/etc/mvrc-marker"), nil},
	{"chroot without mount", run(o("--ns", "user", "--chroot"), "true"), nil},
	{"pid file unwritable", run(o("--pid-file", "/nope/pid"), "true"), nil},
	{"debug", run(o("--debug"), "true"), nil},
	{"memory", run(o("--memory", "1g"), "true"), nil},
	{"memory invalid", run(o("--memory", "1t"), "true"), nil},
	{"pids", run(o("--pids", "16"), "true"), nil},
	{"pids invalid", run(o("--pids", "-5"), "true"), nil},
	{"cpus", run(o("--cpus", "1.5"), "true"), nil},
	{"cpus invalid", run(o("--cpus", "1,5"), "true"), nil},
	{"env empty key", run(o("-e", "=x"), "true"), nil},
	{"double dash", []string{"run", "--", "{rootfs}", "echo", "--init"}, nil},
	{"help unknown topic", []string{"help", "nope"}, nil},
	{"help", []string{"--help"}, nil},
	{"help run", []string{"run", "--help"}, nil},
}

// durations differ from run to run; everything else must not.
var durations = regexp.MustCompile(`[0-9]+\.[0-9]{3}ms`)

func TestTwinsAgree(t *testing.T) {
	st := stage(t)
	if len(st.Twins) != 2 {
		t.Fatalf("TestTwinsAgree compares two twins, MVRC_TWINS gives %d (use -skip TestTwinsAgree)", len(st.Twins))
	}
	first, second := st.Twins[0], st.Twins[1]
	for _, c := range agreeCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			args := expandAll(t, st, first, c.args) // the same for both: no {twin} here
			a := invoke(t, st, first, "", c.env, args...)
			b := invoke(t, st, second, "", c.env, args...)
			a.stderr = durations.ReplaceAllString(a.stderr, "Nms")
			b.stderr = durations.ReplaceAllString(b.stderr, "Nms")
			if a != b {
				t.Errorf("mvrc %s\n%s: exit %d, stdout %q, stderr %q\n%s: exit %d, stdout %q, stderr %q",
					quote(args), first.Name, a.code, a.stdout, a.stderr, second.Name, b.code, b.stdout, b.stderr)
			}
		})
	}
}
