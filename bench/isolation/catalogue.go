package isolation

// The catalogue: each assertion by name, why it matters, and how both sides prove it.

import (
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// Assertion is one isolation property, checked on a View.
type Assertion struct {
	Name  string
	Why   string
	check func(v View) (pass bool, inside, outside string)
}

// Verdict is an assertion's outcome, with the evidence from each side.
type Verdict struct {
	Pass    bool
	Inside  string
	Outside string
}

// Check applies the assertion.
func (a Assertion) Check(v View) Verdict {
	pass, inside, outside := a.check(v)
	return Verdict{Pass: pass, Inside: inside, Outside: outside}
}

// Catalogue lists every assertion in the order the matrix shows them.
var Catalogue = append(namespaceAssertions(), []Assertion{
	{"pid 1 inside", "the command is its namespace's init: it cannot see or signal host processes",
		func(v View) (bool, string, string) {
			pids := v.Outside.NSpid
			outside := len(pids) >= 2 && pids[0] != 1 && pids[len(pids)-1] == 1
			return v.Inside["pid"] == "1" && outside, "pid " + v.Inside["pid"], "NSpid " + joinUints(pids)
		}},
	{"uid 0 is the caller", "root inside is the unprivileged caller outside, not host root",
		func(v View) (bool, string, string) {
			caller := strconv.Itoa(v.Host.CallerUID)
			inside := v.Inside["uid"] == "0" && mapsZeroTo(v.Inside["uid_map"], caller)
			outside := v.Outside.UID == uint64(v.Host.CallerUID) && mapsZeroTo(v.Outside.UIDMap, caller)
			return inside && outside, "uid " + v.Inside["uid"] + ", uid_map " + v.Inside["uid_map"],
				fmt.Sprintf("Uid %d, uid_map %s", v.Outside.UID, v.Outside.UIDMap)
		}},
	{"hostname", "the container names itself without renaming the host",
		func(v View) (bool, string, string) {
			inside := v.Inside["hostname"] != "" && v.Inside["hostname"] != v.Host.Hostname
			return inside && v.Host.HostnameAfter == v.Host.Hostname,
				"hostname " + v.Inside["hostname"], "host " + v.Host.Hostname + " → " + v.Host.HostnameAfter
		}},
	{"host files unreachable", "/ is the rootfs, and neither a path nor the chroot breakout (escape.c) reaches the host's files",
		func(v View) (bool, string, string) {
			inside := !strings.Contains(v.Inside["secret"], v.Host.SecretContents) &&
				!strings.Contains(v.Inside["escape"], v.Host.SecretContents)
			outside := v.Outside.RootIsOurs && !v.Outside.SeesSecret
			return inside && outside, "cat secret: " + v.Inside["secret"] + "; escape: " + v.Inside["escape"],
				fmt.Sprintf("root is rootfs: %t, secret under root: %t", v.Outside.RootIsOurs, v.Outside.SeesSecret)
		}},
	{"only lo, up", "a fresh network namespace: no host interface to sniff or reach, and a working loopback",
		func(v View) (bool, string, string) {
			inside := strings.Fields(v.Inside["netdev"])
			onlyLo := slices.Equal(inside, []string{"lo"}) && slices.Equal(v.Outside.NetDevs, []string{"lo"})
			return onlyLo && linkUp(v.Inside["lo"]) && v.Outside.LoUp,
				"interfaces " + strings.Join(inside, " ") + "; " + v.Inside["lo"],
				fmt.Sprintf("interfaces %s; lo up: %t", strings.Join(v.Outside.NetDevs, " "), v.Outside.LoUp)
		}},
	{"capabilities dropped", "root inside keeps no CAP_SYS_ADMIN, not even in its bounding set, and what it keeps counts only in its own user namespace",
		func(v View) (bool, string, string) {
			eff, bnd := capsOf(v.Inside["caps"])
			// mknod of a device needs CAP_MKNOD in the host's user namespace (the kernel
			// checks the initial namespace for devices): capabilities inside stay inside.
			inside := eff == v.Outside.CapEff && bnd == v.Outside.CapBnd && strings.Contains(v.Inside["mknod"], "not permitted")
			outside := v.Outside.NS["user"] != v.Host.NS["user"] && v.Outside.UID != 0 &&
				v.Outside.CapEff&capSysAdmin == 0 && v.Outside.CapBnd&capSysAdmin == 0
			return inside && outside, v.Inside["caps"] + "; mknod: " + v.Inside["mknod"],
				fmt.Sprintf("CapEff keeps %d of %d, CapBnd %d of %d, CAP_SYS_ADMIN %s; user ns %d (host %d), Uid %d",
					bits.OnesCount64(v.Outside.CapEff), v.Host.Caps, bits.OnesCount64(v.Outside.CapBnd), v.Host.Caps,
					keptOrNot(v.Outside.CapBnd|v.Outside.CapEff), v.Outside.NS["user"], v.Host.NS["user"], v.Outside.UID)
		}},
	seccompFilter, // seccomp.go
}...)

// namespaceAssertions: one per namespace; procfs and readlink both name them by type.
func namespaceAssertions() []Assertion {
	var list []Assertion
	for _, ns := range []string{"user", "mnt", "pid", "uts", "ipc", "net"} {
		list = append(list, Assertion{ns + " namespace", "the " + ns + " namespace is not the host's",
			func(v View) (bool, string, string) {
				inside := nsInode(v.Inside["ns-"+ns])
				outside, host := v.Outside.NS[ns], v.Host.NS[ns]
				pass := inside != 0 && inside == outside && outside != host
				return pass, v.Inside["ns-"+ns], fmt.Sprintf("%s:[%d] (host %d)", ns, outside, host)
			}})
	}
	return list
}

// capSysAdmin is the bit of CAP_SYS_ADMIN (21): mounts, namespaces, most of what a container
// must not do to itself.
const capSysAdmin = 1 << 21

// capsOf reads "CapEff: HEX CapBnd: HEX" as /proc/self/status prints them; 0 when missing.
func capsOf(line string) (eff, bnd uint64) {
	f := strings.Fields(line)
	for i := 0; i+1 < len(f); i += 2 {
		n, _ := strconv.ParseUint(f[i+1], 16, 64)
		switch f[i] {
		case "CapEff:":
			eff = n
		case "CapBnd:":
			bnd = n
		}
	}
	return eff, bnd
}

func keptOrNot(caps uint64) string {
	if caps&capSysAdmin != 0 {
		return "kept"
	}
	return "dropped"
}

// linkUp reads the flags of `ip link show` ("1: lo: <LOOPBACK,UP,LOWER_UP> mtu ...").
func linkUp(line string) bool {
	_, rest, ok := strings.Cut(line, "<")
	flags, _, _ := strings.Cut(rest, ">")
	return ok && slices.Contains(strings.Split(flags, ","), "UP")
}

// nsInode reads the inode from readlink's "net:[4026531840]"; 0 when it is not that.
func nsInode(link string) uint32 {
	_, rest, ok := strings.Cut(link, ":[")
	n, err := strconv.ParseUint(strings.TrimSuffix(rest, "]"), 10, 32)
	if !ok || err != nil {
		return 0
	}
	return uint32(n)
}

// mapsZeroTo says whether a uid_map (fields joined by spaces) maps container id 0 to host.
func mapsZeroTo(uidMap, host string) bool {
	f := strings.Fields(uidMap)
	for i := 0; i+2 < len(f); i += 3 {
		if f[i] == "0" && f[i+1] == host {
			return true
		}
	}
	return false
}

func joinUints(ns []uint64) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.FormatUint(n, 10)
	}
	return strings.Join(s, " ")
}
