// The environment and the working directory of the command (SPEC; design.md, Environment).
package conformance

import (
	"strings"
	"testing"
)

// big is a value far larger than one channel datagram (64 KiB).
var big = strings.Repeat("a", 100000)

// baseEnv is the whole environment of a default run, in order.
const baseEnv = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOME=/root\nHOSTNAME=mvrc\n"

// noUTS is the default namespace list without uts.
var noUTS = o("--ns", "user,mount,pid,ipc,net,cgroup")

func TestEnvironment(t *testing.T) {
	// The caller's own variables that must not leak in.
	leaky := []string{"HOME=/home/caller", "LANG=C.UTF-8", "FOO=bar", "HOSTNAME=caller", "USER=caller"}
	forEachTwin(t, []tcase{
		{name: "exactly the contract", args: run(nil, "env"), env: leaky, stdout: baseEnv},
		{name: "TERM passes through", args: run(nil, "env"), env: []string{"TERM=xterm-256color"}, stdout: baseEnv + "TERM=xterm-256color\n"},
		{name: "e adds in order", args: run(o("-e", "B=2", "-e", "A=1"), "env"), stdout: baseEnv + "B=2\nA=1\n"},
		{name: "env long form", args: run(o("--env", "A=1", "--env=B=2"), "env"), stdout: baseEnv + "A=1\nB=2\n"},
		{name: "e short attached", args: run(o("-eA=1"), "env"), stdout: baseEnv + "A=1\n"},
		{name: "e KEY copies from the caller", args: run(o("-e", "FOO"), "env"), env: leaky, stdout: baseEnv + "FOO=bar\n"},
		{name: "e KEY absent adds nothing", args: run(o("-e", "NOPE"), "env"), env: leaky, stdout: baseEnv},
		{name: "e KEY= sets an empty value", args: run(o("-e", "EMPTY="), "env"), stdout: baseEnv + "EMPTY=\n"},
		{name: "e value keeps its equals signs", args: run(o("-e", "A=b=c"), "env"), stdout: baseEnv + "A=b=c\n"},
		{name: "later e replaces earlier in place", args: run(o("-e", "A=1", "-e", "B=2", "-e", "A=3"), "env"), stdout: baseEnv + "A=3\nB=2\n"},
		{name: "e PATH replaces PATH in place", args: run(o("-e", "PATH=/usr/bin:/bin"), "env"), stdout: "PATH=/usr/bin:/bin\nHOME=/root\nHOSTNAME=mvrc\n"},
		{name: "e HOME replaces HOME in place", args: run(o("-e", "HOME=/tmp"), "env"), stdout: "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOME=/tmp\nHOSTNAME=mvrc\n"},
		{name: "e TERM replaces TERM in place", args: run(o("-e", "TERM=dumb", "-e", "A=1"), "env"), env: []string{"TERM=xterm"}, stdout: baseEnv + "TERM=dumb\nA=1\n"},
		{name: "HOSTNAME follows hostname flag", args: run(o("--hostname", "box"), "env"), stdout: "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOME=/root\nHOSTNAME=box\n"},
		{name: "HOSTNAME without uts is the host's", args: runSh(noUTS, "echo $HOSTNAME; hostname"), stdout: "{host}\n{host}\n"},
		{name: "e equals then pair", args: run(o("-e=A=1"), "env"), stdout: baseEnv + "A=1\n"},
		{name: "a spec beyond one datagram", args: runSh(o("-e", "X="+big, "-e", "Y="+big, "-e", "Z="+big), "echo ${#X} ${#Y} ${#Z}"), stdout: "100000 100000 100000\n"},
		{name: "command is found on the container PATH", args: run(o("-e", "PATH=/nowhere"), "sh", "-c", "true"), code: 127, stderr: fail(`mvrc: exec "sh": no such file or directory`)},

		{name: "workdir default is root", args: run(nil, "pwd"), stdout: "/\n"},
		{name: "w sets the workdir", args: run(o("-w", "/etc"), "pwd"), stdout: "/etc\n"},
		{name: "workdir long form", args: run(o("--workdir=/bin"), "pwd"), stdout: "/bin\n"},
		{name: "workdir missing", args: run(o("-w", "/nope"), "pwd"), code: 125, stderr: fail(`mvrc: workdir "/nope": no such directory in the container`)},
		{name: "workdir is a file", args: run(o("-w", "/etc/mvrc-marker"), "pwd"), code: 125, stderr: fail(`mvrc: workdir "/etc/mvrc-marker": no such directory in the container`)},
		{name: "workdir is a host path", args: run(o("-w", "{stage}"), "pwd"), code: 125, stderr: fail(`mvrc: workdir "{stage}": no such directory in the container`)},
	})
}
