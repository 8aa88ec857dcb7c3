// The seccomp filter (SPEC, --seccomp): on by default, in COMMAND and in --init's PID 1; the
// calls Docker's default profile denies fail with EPERM, everyday work still runs; a profile
// file replaces the default, and a bad one stops mvrc before anything starts.
package conformance

import (
	"testing"

	"mvrc/bench/internal/testenv"
)

// deniedByDefault is what testdata/seccomp_probe.c prints under the default filter.
const deniedByDefault = `keyctl EPERM
add_key EPERM
request_key EPERM
bpf EPERM
userfaultfd EPERM
perf_event_open EPERM
kexec_load EPERM
open_by_handle_at EPERM
init_module EPERM
mount EPERM
umount2 EPERM
pivot_root EPERM
unshare EPERM
setns EPERM
sethostname EPERM
swapon EPERM
syslog EPERM
fsopen EPERM
kcmp EPERM
clone3 ENOSYS
personality(PER_BSD) EPERM
personality(query) ok
socket(AF_VSOCK) EPERM
socket(AF_UNIX) ok
clone(CLONE_NEWUSER) EPERM
clone(0) ok
`

// everyday is what a container does all day: a shell, ls, ps, wget, threads.
const everyday = `ls / >/dev/null && ps >/dev/null && echo a > /tmp/f && cat /tmp/f && rm /tmp/f &&
wget -h 2>&1 | grep -q 'Usage: wget' && /threads`

func TestSeccomp(t *testing.T) {
	denyMkdir := "default allow\n# a custom profile: everything but making directories\nerrno EPERM mkdir mkdirat\n"
	cases := []tcase{
		{name: "filter on by default", args: run(nil, "grep", "Seccomp:", "/proc/self/status"), stdout: "Seccomp:\t2\n"},
		{name: "unconfined has none", args: run(o("--seccomp", "unconfined"), "grep", "Seccomp:", "/proc/self/status"), stdout: "Seccomp:\t0\n"},
		// Every thread of PID 1: the Go init has several, and a thread without the filter
		// would be a way around it (TSYNC).
		{name: "init and command filtered", args: runSh(o("--init"), "grep -h Seccomp: /proc/1/task/*/status /proc/self/status | sort -u"),
			stdout: "Seccomp:\t2\n"},
		{name: "denied calls fail with EPERM", args: run(nil, "/seccomp_probe"), stdout: deniedByDefault},
		{name: "denied under init too", args: run(o("--init"), "/seccomp_probe"), stdout: deniedByDefault},
		// The probe can tell: without the filter the same calls succeed or fail otherwise.
		{name: "unconfined lets them through", args: run(o("--seccomp", "unconfined"), "/seccomp_probe"),
			stdoutRE: `keyctl ok\nadd_key ok\n(?s:.*)clone3 EINVAL\npersonality\(PER_BSD\) ok\n(?s:.*)`},
		{name: "everyday work runs", args: runSh(o("--tmpfs", "/tmp"), everyday), stdout: "a\nthreads ok\n"},
		{name: "everyday work runs under init", args: runSh(o("--init", "--tmpfs", "/tmp"), everyday), stdout: "a\nthreads ok\n"},
		{name: "default by name", args: run(o("--seccomp", "default"), "/threads"), stdout: "threads ok\n"},
		{name: "custom profile denies mkdir", args: runSh(o("--seccomp", "{stage}/deny-mkdir", "--tmpfs", "/tmp"), "touch /tmp/f && rm /tmp/f && mkdir /tmp/d"),
			code: 1, stdout: "", stderr: "mkdir: can't create directory '/tmp/d': Operation not permitted\n"},
		{name: "custom profile replaces the default", args: run(o("--seccomp", "{stage}/deny-mkdir"), "/seccomp_probe"),
			stdoutRE: `keyctl ok\n(?s:.*)`},

		// A bad profile: one line naming the file and the entry, before anything starts.
		{name: "profile missing", args: run(o("--seccomp", "{stage}/nope"), "echo", "started"), code: 125,
			stderr: fail(`mvrc: seccomp profile "{stage}/nope": no such file or directory`)},
		{name: "unknown system call", args: run(o("--seccomp", "{stage}/unknown"), "echo", "started"), code: 125,
			stderr: fail(`mvrc: seccomp profile "{stage}/unknown": line 2: unknown system call "nosuchcall"`)},
		{name: "unsupported action", args: run(o("--seccomp", "{stage}/trap"), "echo", "started"), code: 125,
			stderr: fail(`mvrc: seccomp profile "{stage}/trap": line 1: unsupported action "trap" (want allow or errno)`)},
		{name: "malformed condition", args: run(o("--seccomp", "{stage}/cond"), "echo", "started"), code: 125,
			stderr: fail(`mvrc: seccomp profile "{stage}/cond": line 2: bad condition "arg6 == 1" (want argN == V, argN != V or argN & MASK == V)`)},
		// Bytes as they are in the file, quoted as Go's %q does (Rust read the file lossily, U+FFFD);
		// fields split at Unicode spaces too (no-break, em), as Go's strings.Fields does.
		{name: "non-UTF-8 system call name", args: run(o("--seccomp", "{stage}/bytes"), "echo", "started"), code: 125,
			stderr: fail(`mvrc: seccomp profile "{stage}/bytes": line 2: unknown system call "n\xffcall"`)},
		{name: "non-UTF-8 action", args: run(o("--seccomp", "{stage}/bytes-action"), "echo", "started"), code: 125,
			stderr: fail(`mvrc: seccomp profile "{stage}/bytes-action": line 2: unsupported action "tr\xe9p" (want allow or errno)`)},
		{name: "non-UTF-8 condition", args: run(o("--seccomp", "{stage}/bytes-cond"), "echo", "started"), code: 125,
			stderr: fail(`mvrc: seccomp profile "{stage}/bytes-cond": line 2: bad condition "arg0 == 1\xc3" (want argN == V, argN != V or argN & MASK == V)`)},
		{name: "no default action", args: run(o("--seccomp", "{stage}/deny-mkdir-only"), "echo", "started"), code: 125,
			stderr: fail(`mvrc: seccomp profile "{stage}/deny-mkdir-only": no default action`)},
		{name: "empty profile name", args: run(o("--seccomp", ""), "echo", "started"), code: 125,
			stderr: usage(`mvrc: invalid --seccomp "": want default, unconfined or a file`)},
	}
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		for _, source := range []string{"bench/conformance/testdata/seccomp_probe.c", "bench/conformance/testdata/threads.c"} {
			if _, err := st.CopyProbe(source); err != nil {
				t.Fatal(err)
			}
		}
		for name, text := range map[string]string{
			"deny-mkdir":      denyMkdir,
			"deny-mkdir-only": "errno EPERM mkdir\n",
			"unknown":         "default errno EPERM\nallow read nosuchcall write\n",
			"trap":            "default trap\n",
			"cond":            "default errno EPERM\nallow personality if arg6 == 1\n",
			"bytes":           "default errno EPERM\nallow read n\xffcall\u00a0x\u2003write\n",
			"bytes-action":    "# \xff\ndefault tr\xe9p\n",
			"bytes-cond":      "default errno EPERM\nallow personality if arg0 == 0 and arg0 == 1\xc3\n",
		} {
			st.WriteFile(t, name, []byte(text), 0o644)
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				c.check(t, st, twin)
			})
		}
	})
}

// TestSeccompEditor: a full-screen editor on -t, under the default filter: vi draws, reads
// keys in raw mode, writes its file.
func TestSeccompEditor(t *testing.T) {
	script := "grep Seccomp: /proc/self/status; vi /tmp/note; tr a-z A-Z </tmp/note"
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		p := startOnPTY(t, st, twin, runSh(o("-t", "--tmpfs", "/tmp"), script)...)
		p.expect(`\ASeccomp:\t2\r\n`)
		p.expect(`- /tmp/note`) // vi's status line: it reads keys now
		p.typed("i")
		p.expect(`I /tmp/note`)
		p.typed("hello from vi")
		p.expect(`hello from vi`)
		p.typed("\x1b")
		p.expect(`- /tmp/note`)
		p.typed(":wq\r")
		p.expect(`HELLO FROM VI\r\n`)
		if code, screen := p.wait(); code != 0 {
			t.Errorf("exit %d; the screen shows:\n%s", code, screen)
		}
	})
}
