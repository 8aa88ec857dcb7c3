// The stage every table runs in: the twins, a rootfs with the suite's fixtures, and the
// placeholders ({rootfs}, {stage}, {uid}, ...) that tables use for what differs per run.
package conformance

import (
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"mvrc/bench/internal/testenv"
)

// stage is a staged copy of the twins (only those given, if any) and the rootfs with the
// suite's fixtures in it. /tmp and /mnt exist so parallel cases never race to make them.
func stage(t *testing.T, twins ...testenv.Twin) *testenv.Staged {
	t.Helper()
	st := testenv.Stage(t, twins...)
	st.Mkdir(t, "rootfs/tmp")
	st.Mkdir(t, "rootfs/mnt")
	st.WriteFile(t, "rootfs/etc/mvrc-marker", []byte(st.Dir+"\n"), 0o644)
	st.WriteFile(t, "rootfs/bin/garbage", []byte("\x00\x01\x02\x03 not a program\n"), 0o755)
	st.WriteFile(t, "rootfs/bin/notexec", []byte("#!/bin/sh\necho ran\n"), 0o644)
	st.WriteFile(t, "rootfs/opt/first/true", []byte("#!/bin/sh\n"), 0o644)
	st.Mkdir(t, "rootfs/opt/shadow/sh")
	st.Mkdir(t, "rootfs/private")
	if err := os.Chmod(filepath.Join(st.Rootfs, "private"), 0o700); err != nil {
		t.Fatal(err)
	}
	st.WriteFile(t, "hostdir/file", []byte("from the host\n"), 0o644)
	st.WriteFile(t, "mvrc-host-secret", []byte("secret\n"), 0o644)
	// Stand-ins for newuidmap on mvrc's PATH: one refuses with two lines, one is killed.
	st.WriteFile(t, "helpers/refuses/newuidmap", []byte("#!/bin/sh\necho 'first line' >&2\necho second >&2\nexit 3\n"), 0o755)
	st.WriteFile(t, "helpers/killed/newuidmap", []byte("#!/bin/sh\nkill -KILL $$\n"), 0o755)
	// Stand-ins that signal mvrc (their parent) in the middle of the setup, then map the ids.
	for dir, sigs := range map[string]string{"hup": "HUP", "stops": "INT TERM"} {
		script := "#!/bin/sh\nfor s in " + sigs + "; do kill -$s $PPID; done\n" +
			"PATH=" + testenv.HostPath + " exec newuidmap \"$@\"\n"
		st.WriteFile(t, "helpers/"+dir+"/newuidmap", []byte(script), 0o755)
	}
	return st
}

// expand fills in the placeholders of a case for one twin.
func expand(t *testing.T, st *testenv.Staged, twin testenv.Twin) *strings.Replacer {
	t.Helper()
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	version, err := os.ReadFile(filepath.Join(testenv.Root(), "VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer(
		"{rootfs}", st.Rootfs,
		"{stage}", st.Dir,
		"{uid}", strconv.Itoa(st.UID),
		"{gid}", strconv.Itoa(st.GID),
		"{subuid}", subID(t, "/etc/subuid"),
		"{subgid}", subID(t, "/etc/subgid"),
		"{host}", host,
		"{twin}", twin.Name,
		"{hostnets}", hostInterfaces(t),
		"{groups}", inheritedGroups(t, st),
		"{version}", strings.TrimSpace(string(version)),
	)
}

// expandAll is list with the placeholders filled in.
func expandAll(t *testing.T, st *testenv.Staged, twin testenv.Twin, list []string) []string {
	t.Helper()
	x := expand(t, st, twin)
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = x.Replace(s)
	}
	return out
}

// subID is the first id of the test user's range in /etc/subuid or /etc/subgid.
func subID(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	name := testenv.TestUser()
	if os.Getuid() != 0 {
		u, err := user.Current()
		if err != nil {
			t.Fatal(err)
		}
		name = u.Username
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Split(line, ":"); len(f) == 3 && f[0] == name {
			return f[1]
		}
	}
	t.Fatalf("%s has no range for %s: run ./bootstrap", file, name)
	return ""
}

// eachTwin runs body for every twin as a parallel subtest TestX/TWIN, each with its own stage.
func eachTwin(t *testing.T, body func(t *testing.T, st *testenv.Staged, twin testenv.Twin)) {
	for _, twin := range testenv.Twins(t) {
		t.Run(twin.Name, func(t *testing.T) {
			t.Parallel()
			st := stage(t, twin)
			body(t, st, st.Twins[0])
		})
	}
}

// hostInterfaces is `ls /sys/class/net` on the host.
func hostInterfaces(t *testing.T) string {
	t.Helper()
	entries, err := os.ReadDir("/sys/class/net")
	if err != nil {
		t.Fatal(err)
	}
	var list string
	for _, e := range entries {
		list += e.Name() + "\n"
	}
	return list
}

// inheritedGroups is the Groups line a default container shows: none when the tests run as
// root (the test user gets no groups), else the caller's own supplementary groups, which
// setgroups=deny keeps (as root inside for the caller's gid, the overflow gid for the rest).
func inheritedGroups(t *testing.T, st *testenv.Staged) string {
	t.Helper()
	if os.Getuid() == 0 {
		return ""
	}
	gids, err := os.Getgroups()
	if err != nil {
		t.Fatal(err)
	}
	sort.Ints(gids)
	var inside []string
	for _, g := range gids {
		if g == st.GID {
			inside = append(inside, "0")
		} else {
			inside = append(inside, "65534")
		}
	}
	return strings.Join(inside, " ")
}

// forEachTwin runs the cases for every twin as parallel subtests TestX/TWIN/CASE.
func forEachTwin(t *testing.T, cases []tcase) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				c.check(t, st, twin)
			})
		}
	})
}
