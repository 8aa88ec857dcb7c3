// Linux paths, arguments and environment values are bytes, not text: they reach the container
// exactly as given, and error lines quote the bytes that are not UTF-8 as \xNN in both twins.
package conformance

import (
	"os"
	"path/filepath"
	"testing"

	"mvrc/bench/internal/testenv"
)

// hex prints what sh got as $1, in hex: printf %s "$1" | od.
const hex = `printf %s "$1" | od -An -tx1 | tr -d ' \n'; echo`

func TestBytesRoundTrip(t *testing.T) {
	cases := []tcase{
		{name: "command argument", args: run(nil, "sh", "-c", hex, "sh", "a\xffb\xc3("), stdout: "61ff62c328\n"},
		{name: "env value", args: run(o("-e", "V=a\xffb"), "sh", "-c", `printf %s "$V" | od -An -tx1 | tr -d ' \n'; echo`), stdout: "61ff62\n"},
		{name: "env key", args: run(o("-e", "K\xff=1"), "sh", "-c", `tr '\0' '\n' < /proc/1/environ | sed -n '/^K/p' | od -An -tx1 | tr -d ' \n'; echo`), stdout: "4bff3d310a\n"},
		{name: "env value copied from the caller", env: []string{"C=a\xffb"}, args: run(o("-e", "C"), "sh", "-c", `printf %s "$C" | od -An -tx1 | tr -d ' \n'; echo`), stdout: "61ff62\n"},
		{name: "TERM from the caller", env: []string{"TERM=x\xff"}, args: run(nil, "sh", "-c", `printf %s "$TERM" | od -An -tx1 | tr -d ' \n'; echo`), stdout: "78ff\n"},
		{name: "hostname", args: run(o("--hostname", "h\xff"), "sh", "-c", `hostname | od -An -tx1 | tr -d ' \n'; echo`), stdout: "68ff0a\n"},
		{name: "rootfs path", args: []string{"run", "{stage}/r\xff", "cat", "/etc/mvrc-marker"}, stdout: "{stage}\n"},
		{name: "bind source is that directory, not a lossy sibling", args: run(o("-v", "{stage}/d\xff:/data"), "cat", "/data/file"), stdout: "right\n"},
		{name: "bind destination", args: run(o("-v", "{stage}/hostdir:/d\xff"), "sh", "-c", `cat "$(printf '/d\377')/file"`), stdout: "from the host\n"},
		{name: "tmpfs path", args: run(o("--tmpfs", "/t\xff"), "sh", "-c", `stat -f -c %T "$(printf '/t\377')"`), stdout: "tmpfs\n"},
		{name: "workdir", args: run(o("-w", "/w\xff"), "sh", "-c", `pwd | od -An -tx1 | tr -d ' \n'; echo`), stdout: "2f77ff0a\n"},
		{name: "pid file path", args: run(o("--pid-file", "{stage}/p\xff.pid"), "sh", "-c", "true"), stdout: ""},

		// Error lines: %q's quoting, \xNN for a byte that is not UTF-8; unquoted paths alike.
		{name: "error quotes rootfs bytes", args: []string{"run", "{stage}/no\xff", "true"}, code: 125,
			stderr: fail(`mvrc: rootfs "{stage}/no\xff": no such directory`)},
		{name: "error quotes command bytes", args: run(nil, "no\xff"), code: 127,
			stderr: fail(`mvrc: exec "no\xff": no such file or directory`)},
		{name: "error quotes bind source bytes", args: run(o("-v", "{stage}/none\xff:/x"), "true"), code: 125,
			stderr: fail(`mvrc: bind source "{stage}/none\xff": no such file or directory`)},
		{name: "error shows mount point bytes", args: run(o("--tmpfs", "/etc/mvrc-marker/x\xff"), "true"), code: 125,
			stderr: fail(`mvrc: mount point /etc/mvrc-marker/x\xff: not a directory`)},
		{name: "usage error quotes bytes", args: run(o("--tmpfs", "t\xff"), "true"), code: 125,
			stderr: usage(`mvrc: invalid --tmpfs "t\xff": want an absolute path`)},
		{name: "usage error quotes flag value bytes", args: run(o("--memory", "1\xff"), "true"), code: 125,
			stderr: usage(`mvrc: invalid --memory "1\xff": want BYTES with an optional k, m or g suffix`)},
		{name: "usage error quotes a namespace's bytes", args: run(o("--ns", "user,\xffx"), "true"), code: 125,
			stderr: usage(`mvrc: unknown namespace "\xffx" (known: user, mount, pid, uts, ipc, net, cgroup)`)},
		{name: "usage error quotes an unknown flag's bytes", args: run(o("--n\xff"), "true"), code: 125,
			stderr: usage(`mvrc: unknown flag "--n\xff"`)},
	}
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		if err := os.Symlink("rootfs", filepath.Join(st.Dir, "r\xff")); err != nil {
			t.Fatal(err)
		}
		// The sibling a lossy conversion of "d\xff" names: it must never be the one bound.
		st.WriteFile(t, "d\xff/file", []byte("right\n"), 0o644)
		st.WriteFile(t, "d\uFFFD/file", []byte("wrong\n"), 0o644)
		st.Mkdir(t, "rootfs/w\xff")
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				c.check(t, st, twin)
			})
		}
		if _, err := os.Stat(filepath.Join(st.Dir, "p\xff.pid")); err != nil {
			t.Errorf("pid file: %v", err)
		}
	})
}
