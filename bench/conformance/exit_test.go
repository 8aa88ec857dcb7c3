// Exit statuses (SPEC, Exit status) and the runtime errors that come with them.
package conformance

import "testing"

func TestExitStatus(t *testing.T) {
	forEachTwin(t, []tcase{
		// The command's own.
		{name: "true is 0", args: run(nil, "true")},
		{name: "false is 1", args: run(nil, "false"), code: 1},
		{name: "own code", args: runSh(nil, "exit 3"), code: 3},
		{name: "own code 255", args: runSh(nil, "exit 255"), code: 255},
		{name: "own code from a killed child", args: runSh(nil, "exec 2>/dev/null; sleep 100 & kill -TERM $!; wait $!; exit $?"), code: 143},
		{name: "killed by a signal is 128 plus N", args: runSh(o("--init"), "kill -KILL $$"), code: 137},
		{name: "killed by SIGTERM is 143", args: runSh(o("--init"), "kill -TERM $$"), code: 143},

		// 125: mvrc itself failed.
		{name: "rootfs missing", args: []string{"run", "/nope", "true"}, code: 125, stderr: fail(`mvrc: rootfs "/nope": no such directory`)},
		{name: "rootfs missing relative", args: []string{"run", "nope/rootfs", "true"}, code: 125, stderr: fail(`mvrc: rootfs "nope/rootfs": no such directory`)},
		{name: "rootfs not a directory", args: []string{"run", "{stage}/mvrc-host-secret", "true"}, code: 125, stderr: fail(`mvrc: rootfs "{stage}/mvrc-host-secret": not a directory`)},
		{name: "rootfs relative", args: []string{"run", "rootfs", "cat", "/etc/mvrc-marker"}, stdout: "{stage}\n"},

		// 126: found but cannot be executed.
		{name: "not executable", args: run(nil, "/etc/mvrc-marker"), code: 126, stderr: fail(`mvrc: exec "/etc/mvrc-marker": permission denied`)},
		{name: "not executable on PATH", args: run(nil, "notexec"), code: 126, stderr: fail(`mvrc: exec "notexec": permission denied`)},
		{name: "a directory", args: run(nil, "/etc"), code: 126, stderr: fail(`mvrc: exec "/etc": permission denied`)},
		{name: "exec format error", args: run(nil, "/bin/garbage"), code: 126, stderr: fail(`mvrc: exec "/bin/garbage": exec format error`)},
		{name: "exec format error on PATH", args: run(nil, "garbage"), code: 126, stderr: fail(`mvrc: exec "garbage": exec format error`)},

		// Lookup: the first regular file on the container's PATH is the answer.
		{name: "lookup skips a directory on PATH", args: run(o("-e", "PATH=/opt/shadow:/bin"), "sh", "-c", "echo found"), stdout: "found\n"},
		{name: "lookup stops at the first regular file", args: run(o("-e", "PATH=/opt/first:/bin"), "true"), code: 126, stderr: fail(`mvrc: exec "true": permission denied`)},

		// 127: not found.
		{name: "missing command", args: run(nil, "nope"), code: 127, stderr: fail(`mvrc: exec "nope": no such file or directory`)},
		{name: "missing path", args: run(nil, "/bin/nope"), code: 127, stderr: fail(`mvrc: exec "/bin/nope": no such file or directory`)},
		{name: "missing relative path", args: run(nil, "./nope"), code: 127, stderr: fail(`mvrc: exec "./nope": no such file or directory`)},
		{name: "host binary is not found", args: run(nil, "{stage}/mvrc-{twin}"), code: 127, stderr: fail(`mvrc: exec "{stage}/mvrc-{twin}": no such file or directory`)},

		// Under --init, exec failures read exactly as without it.
		{name: "init missing command", args: run(o("--init"), "nope"), code: 127, stderr: fail(`mvrc: exec "nope": no such file or directory`)},
		{name: "init not executable", args: run(o("--init"), "/etc/mvrc-marker"), code: 126, stderr: fail(`mvrc: exec "/etc/mvrc-marker": permission denied`)},
		{name: "init own code", args: runSh(o("--init"), "exit 7"), code: 7},
	})
}
