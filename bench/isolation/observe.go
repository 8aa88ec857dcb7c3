// Package isolation checks what a contained process can see and be, from both sides: the
// process reports its own view (inside), and the harness looks at the same process through
// the host's /proc (outside, with github.com/prometheus/procfs).
package isolation

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/procfs"

	"mvrc/bench/runtimes"
)

// View is one contained process seen from both sides, and the host around it.
type View struct {
	Inside  map[string]string // key → value, as the inside script printed them
	Outside Outside
	Host    Host
}

// Outside is the contained process as the host's /proc shows it.
type Outside struct {
	PID        int
	NS         map[string]uint32 // namespace type (user, mnt, ...) → inode
	NSpid      []uint64          // its pid in each pid namespace, outermost first
	UID        uint64            // effective uid on the host
	UIDMap     string            // /proc/PID/uid_map, fields joined by one space
	NetDevs    []string          // interfaces in its network namespace
	RootIsOurs bool              // /proc/PID/root is the workspace rootfs
	SeesSecret bool              // the host's secret file is reachable under /proc/PID/root
	LoUp       bool              // lo has IFF_UP in its network namespace
	CapEff     uint64            // effective capabilities
	CapBnd     uint64            // bounding set: what an exec could still gain
	Pivoted    bool              // its root is the root of its mount namespace: nothing above "/"
	Seccomp    string            // seccomp mode: 0 none, 1 strict, 2 filter
	// SeccompFilters counts the filters it runs under, inherited ones included.
	SeccompFilters int
}

// Host is the host side: its namespaces, the caller, the hostname before and after.
type Host struct {
	NS             map[string]uint32
	CallerUID      int
	Hostname       string
	HostnameAfter  string
	SecretPath     string
	SecretContents string
	Caps           int // capabilities this kernel knows (cap_last_cap + 1): what a runtime could keep
	SeccompFilters int // the harness's own seccomp filters, which every runtime inherits
}

// script prints the inside view as "key value" lines, then "ready", then waits for stdin
// to close so the harness can look at the live process. The token marks the process's
// command line so the harness can find it in the host's /proc whatever runtime started it.
// /escape is the walkthrough's static chroot breakout (testenv.EscapeSource), put into the
// rootfs by the harness: under chroot it reads the host's secret, under pivot_root it cannot.
func script(token, secret string) string {
	return strings.Join([]string{
		": " + token,
		`echo "pid $$"`,
		`for ns in user mnt pid uts ipc net; do echo "ns-$ns $(readlink /proc/$$/ns/$ns)"; done`,
		`echo "uid $(id -u)"`,
		`echo "uid_map $(tr -s ' \n' '  ' </proc/$$/uid_map)"`,
		`echo "hostname $(hostname)"`,
		`echo "secret $(cat ` + secret + ` 2>&1)"`,
		`echo "escape $(/escape ` + secret + ` 2>&1 | tr '\n' ' ')"`,
		`echo "netdev $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')"`,
		`echo "lo $(ip link show lo 2>&1 | head -n 1)"`,
		`echo "caps $(grep -E '^Cap(Eff|Bnd):' /proc/self/status | tr -s '\t\n' '  ')"`,
		`echo "mounts $(wc -l </proc/self/mountinfo)"`,
		`echo "devs $(ls -A /dev 2>/dev/null | wc -l)"`,
		`echo "sys $(grep ' /sys ' /proc/self/mounts | head -n 1)"`,
		`echo "seccomp $(grep '^Seccomp:' /proc/self/status | tr -d '\t')"`,
		`echo "mknod $(mknod /tmp/.mvrc-bench-null c 1 3 2>&1 && rm /tmp/.mvrc-bench-null && echo created)"`,
		`echo ready`,
		`read -r _ || :`, // EOF is the signal to go: exit 0
	}, "\n")
}

// Observe runs the inside script under rt and takes the outside view while it waits.
func Observe(ws *runtimes.Workspace, rt runtimes.Runtime, host Host) (View, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	token := "mvrc-bench-" + rand.Text()
	cmd, err := rt.Command(ctx, ws, "/bin/sh", "-c", script(token, host.SecretPath))
	if err != nil {
		return View{}, err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return View{}, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return View{}, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return View{}, err
	}
	view := View{Host: host}
	view.Inside, err = readInside(stdout)
	if err == nil {
		view.Outside, err = lookOutside(ws, token, host)
	}
	stdin.Close() // the script's read returns: it exits
	_, _ = io.Copy(io.Discard, stdout)
	if werr := cmd.Wait(); err == nil {
		err = werr
	}
	if err != nil {
		return View{}, fmt.Errorf("%w: %s", err, runtimes.FirstErrorLine(stderr.String()))
	}
	view.Host.HostnameAfter, err = os.Hostname()
	return view, err
}

// readInside reads "key value" lines up to "ready".
func readInside(r io.Reader) (map[string]string, error) {
	inside := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if sc.Text() == "ready" {
			return inside, nil
		}
		key, value, _ := strings.Cut(sc.Text(), " ")
		inside[key] = strings.TrimSpace(value)
	}
	return inside, errors.New("the inside script ended before it was ready")
}

// lookOutside finds the contained shell by its token and reads its /proc entries.
func lookOutside(ws *runtimes.Workspace, token string, host Host) (Outside, error) {
	fs, err := procfs.NewDefaultFS()
	if err != nil {
		return Outside{}, err
	}
	p, err := findShell(fs, token)
	if err != nil {
		return Outside{}, err
	}
	out := Outside{PID: p.PID, NS: map[string]uint32{}}
	namespaces, err := p.Namespaces()
	if err != nil {
		return out, err
	}
	for name, ns := range namespaces {
		out.NS[name] = ns.Inode
	}
	status, err := p.NewStatus()
	if err != nil {
		return out, err
	}
	out.NSpid, out.UID = status.NSpids, status.UIDs[1]
	out.CapEff, out.CapBnd = status.CapEff, status.CapBnd
	uidMap, err := os.ReadFile(fmt.Sprintf("/proc/%d/uid_map", p.PID))
	if err != nil {
		return out, err
	}
	out.UIDMap = strings.Join(strings.Fields(string(uidMap)), " ")
	devs, err := p.NetDev()
	if err != nil {
		return out, err
	}
	for name := range devs {
		out.NetDevs = append(out.NetDevs, name)
	}
	slices.Sort(out.NetDevs)
	if out.LoUp, err = loopbackUp(p.PID); err != nil {
		return out, err
	}
	if out.Pivoted, err = rootIsNamespaceRoot(p.PID); err != nil {
		return out, err
	}
	if out.Seccomp, out.SeccompFilters, err = seccompOf(strconv.Itoa(p.PID)); err != nil {
		return out, err
	}
	root := fmt.Sprintf("/proc/%d/root", p.PID)
	out.RootIsOurs = sameFile(filepath.Join(root, "bin/busybox"), filepath.Join(ws.Rootfs, "bin/busybox"))
	_, err = os.Stat(filepath.Join(root, host.SecretPath))
	out.SeesSecret = err == nil
	return out, nil
}

// findShell is the process whose argv[0] is /bin/sh and whose command line carries the
// token: the runtime's own processes carry the token too, but not as /bin/sh.
func findShell(fs procfs.FS, token string) (procfs.Proc, error) {
	procs, err := fs.AllProcs()
	if err != nil {
		return procfs.Proc{}, err
	}
	for _, p := range procs {
		argv, err := p.CmdLine()
		if err == nil && len(argv) == 3 && argv[0] == "/bin/sh" && strings.Contains(argv[2], token) {
			return p, nil
		}
	}
	return procfs.Proc{}, errors.New("no contained /bin/sh with the token in the host's /proc")
}

func sameFile(a, b string) bool {
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}
