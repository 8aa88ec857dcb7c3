// An external judge: the OCI project's runtimetest runs inside each twin's container and
// compares what it finds with a config.json that states SPEC's defaults. Rootless runc, given
// the same config, is the control: the config and the reading of its verdict are sound.
package conformance

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"mvrc/bench/internal/testenv"
)

// specCaps is what COMMAND keeps (SPEC: Docker's default set), in every set but inheritable
// and ambient.
var specCaps = []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"}

// specMounts: SPEC's mounts, in the order mvrc makes them, with what runc needs to make them.
var specMounts = []map[string]any{
	{"destination": "/proc", "type": "proc", "source": "proc"},
	{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": []string{"nosuid", "mode=755", "size=65536k"}},
	{"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
	{"destination": "/dev/shm", "type": "tmpfs", "source": "tmpfs", "options": []string{"nosuid", "nodev", "mode=1777", "size=65536k"}},
	{"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": []string{"nosuid", "noexec", "nodev"}},
	{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": []string{"nosuid", "noexec", "nodev", "ro"}},
	{"destination": "/sys/fs/cgroup", "type": "cgroup2", "source": "cgroup2", "options": []string{"nosuid", "noexec", "nodev", "relatime", "ro"}},
}

// specMasked and specReadOnly: SPEC's /proc and /sys masks (runc's defaults).
var (
	specMasked   = []string{"/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug", "/proc/scsi", "/sys/firmware"}
	specReadOnly = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}
)

// judgeConfig is SPEC's defaults as an OCI config: process args run the judge from /judge.
// It returns the checks that prove nothing on this host, by the words runtimetest names them.
func judgeConfig(uid, gid int, extraMounts ...map[string]any) (config map[string]any, vacuous []string) {
	var masked, readOnly []string
	for _, p := range specMasked {
		if _, err := os.Stat(p); err != nil {
			// Not in this kernel: "cannot read" holds for any runtime.
			vacuous = append(vacuous, fmt.Sprintf("cannot read masked path %q", p))
		}
		masked = append(masked, p)
	}
	for _, p := range specReadOnly {
		info, err := os.Stat(p)
		switch {
		case err != nil: // runtimetest stops at a read-only path that does not exist
			vacuous = append(vacuous, fmt.Sprintf("%q: not in this kernel, left out of linux.readonlyPaths", p))
			continue
		case info.IsDir() && strings.HasPrefix(p, "/proc/"):
			// Its test creates a file in the directory, which procfs never allows.
			vacuous = append(vacuous, fmt.Sprintf("%q (linux.readonlyPaths[%d]) is not writable", p, len(readOnly)))
		}
		readOnly = append(readOnly, p)
	}
	var namespaces []map[string]string
	for _, ns := range []string{"user", "mount", "pid", "uts", "ipc", "network", "cgroup"} {
		namespaces = append(namespaces, map[string]string{"type": ns})
	}
	idMap := func(id int) []map[string]int { return []map[string]int{{"containerID": 0, "hostID": id, "size": 1}} }
	config = map[string]any{
		"ociVersion": "1.0.2",
		"process": map[string]any{
			"terminal": false,
			"user":     map[string]int{"uid": 0, "gid": 0},
			"args":     []string{"/judge/runtimetest", "--path=/judge"},
			"env":      []string{"PATH=" + testenv.HostPath, "HOME=/root", "HOSTNAME=mvrc"},
			"cwd":      "/",
			"capabilities": map[string][]string{"bounding": specCaps, "effective": specCaps, "permitted": specCaps,
				"inheritable": {}, "ambient": {}},
			"noNewPrivileges": true, // SPEC: COMMAND runs with no_new_privs
		},
		"root":     map[string]any{"path": "rootfs", "readonly": false},
		"hostname": "mvrc",
		"mounts":   append(append([]map[string]any{}, specMounts...), extraMounts...),
		"linux": map[string]any{
			"uidMappings": idMap(uid), "gidMappings": idMap(gid), "namespaces": namespaces,
			"maskedPaths": masked, "readonlyPaths": readOnly,
		},
	}
	return config, vacuous
}

// tapLine is one test line of TAP: "ok 12 - text", "not ok 3 - text # TODO why", "ok 4 # SKIP why".
var tapLine = regexp.MustCompile(`^(ok|not ok) (\d+)(?: - ([^#]*))?\s*(?:# (SKIP|TODO)\b ?(.*))?$`)

// verdict is runtimetest's output, read.
type verdict struct {
	passed, vacuous, skipped []string
	failed                   []string
	plan                     bool // the closing "1..N": runtimetest got to its end
}

// readTAP sorts every test line: a vacuous check's line counts as neither pass nor fail.
func readTAP(out string, vacuous []string) verdict {
	var v verdict
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "1..") {
			v.plan = true
		}
		m := tapLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		text := strings.TrimSpace(m[3])
		switch {
		case m[4] != "":
			v.skipped = append(v.skipped, strings.TrimSpace(m[4]+" "+m[5]+" "+text))
		case isVacuous(text, vacuous):
			v.vacuous = append(v.vacuous, text)
		case m[1] == "ok":
			v.passed = append(v.passed, text)
		default:
			v.failed = append(v.failed, text)
		}
	}
	return v
}

func isVacuous(text string, vacuous []string) bool {
	for _, v := range vacuous {
		if text == v {
			return true
		}
	}
	return false
}

// writeJudge puts the judge and its config into DIR/judge (the test user's) and returns it.
func writeJudge(t *testing.T, st *testenv.Staged, config map[string]any) string {
	t.Helper()
	bin, err := testenv.Runtimetest()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	st.WriteFile(t, "judge/runtimetest", data, 0o755)
	conf, err := json.MarshalIndent(config, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	st.WriteFile(t, "judge/config.json", conf, 0o644)
	return filepath.Join(st.Dir, "judge")
}

// report fails the test for every failed check and lists what proved nothing.
func (v verdict) report(t *testing.T, out string) {
	t.Helper()
	if !v.plan {
		t.Errorf("runtimetest did not finish:\n%s", out)
	}
	for _, f := range v.failed {
		t.Errorf("runtimetest: not ok: %s", f)
	}
	t.Logf("runtimetest: %d checks passed; vacuous on this host (not counted): %q; skipped by runtimetest: %q",
		len(v.passed), v.vacuous, v.skipped)
	if len(v.passed) == 0 {
		t.Errorf("runtimetest passed nothing:\n%s", out)
	}
}

func TestRuntimetestJudge(t *testing.T) {
	eachTwin(t, func(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
		config, vacuous := judgeConfig(st.UID, st.GID)
		dir := writeJudge(t, st, config)
		r := invoke(t, st, twin, "", nil, "run", "-v", dir+":/judge:ro", "{rootfs}", "/judge/runtimetest", "--path=/judge")
		if r.code != 0 || r.stderr != "" {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
		readTAP(r.stdout, vacuous).report(t, r.stdout)
	})
}

// TestRuntimetestJudgeControl gives rootless runc the same config (plus the judge's own bind,
// which runtimetest marks TODO): if runc passes, the config states what a container should be.
func TestRuntimetestJudgeControl(t *testing.T) {
	if _, err := exec.LookPath("runc"); err != nil {
		t.Fatalf("runc is the judge's control: %v (./bootstrap installs it)", err)
	}
	st := stage(t)
	bind := map[string]any{"destination": "/judge", "type": "bind", "source": filepath.Join(st.Dir, "judge"),
		"options": []string{"rbind", "ro"}}
	config, vacuous := judgeConfig(st.UID, st.GID, bind)
	config["root"] = map[string]any{"path": st.Rootfs, "readonly": false}
	writeJudge(t, st, config)
	state := st.Mkdir(t, "runc-state")
	cmd := exec.CommandContext(t.Context(), "runc", "--root", state, "run", "--bundle", filepath.Join(st.Dir, "judge"), "mvrc-judge")
	cmd.Env = []string{"PATH=" + testenv.HostPath, "XDG_RUNTIME_DIR=" + state}
	cmd.Dir = st.Dir
	cmd.SysProcAttr = st.Command(t.Context(), st.Twins[0]).SysProcAttr
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("runc run: %v: %s", err, stderr.String())
	}
	readTAP(string(out), vacuous).report(t, string(out))
}

func TestReadTAP(t *testing.T) {
	out := "TAP version 13\nok 1 - has expected hostname\nnot ok 2 - mounts[0] (/proc) found\n" +
		"ok 3 # SKIP linux.devices is not set\nnot ok 4 # TODO we need an (r)bind spec to test against\n" +
		"ok 5 - cannot read masked path \"/proc/kcore\"\n  ---\n  expected: x\n  ...\n1..5\n"
	v := readTAP(out, []string{`cannot read masked path "/proc/kcore"`})
	want := verdict{passed: []string{"has expected hostname"}, failed: []string{"mounts[0] (/proc) found"},
		vacuous: []string{`cannot read masked path "/proc/kcore"`}, plan: true,
		skipped: []string{"SKIP linux.devices is not set", "TODO we need an (r)bind spec to test against"}}
	if fmt.Sprint(v) != fmt.Sprint(want) {
		t.Errorf("readTAP = %+v\nwant %+v", v, want)
	}
}
