package isolation

// The catalogue: each assertion by name, why it matters, and how both sides prove it.

import (
	"fmt"
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
	{"host files unreachable", "/ is the rootfs and the host's files are not reachable from it",
		func(v View) (bool, string, string) {
			inside := v.Inside["secret"] != v.Host.SecretContents
			outside := v.Outside.RootIsOurs && !v.Outside.SeesSecret
			return inside && outside, "cat secret: " + v.Inside["secret"],
				fmt.Sprintf("root is rootfs: %t, secret under root: %t", v.Outside.RootIsOurs, v.Outside.SeesSecret)
		}},
	{"only lo", "a fresh network namespace: no host interface to sniff or reach",
		func(v View) (bool, string, string) {
			inside := strings.Fields(v.Inside["netdev"])
			return slices.Equal(inside, []string{"lo"}) && slices.Equal(v.Outside.NetDevs, []string{"lo"}),
				"interfaces " + strings.Join(inside, " "), "interfaces " + strings.Join(v.Outside.NetDevs, " ")
		}},
	{"no host capabilities", "capabilities count only in the container's own user namespace",
		func(v View) (bool, string, string) {
			// mknod of a device needs CAP_MKNOD in the host's user namespace (the kernel
			// checks the initial namespace for devices), so it is the cheapest probe.
			inside := strings.Contains(v.Inside["mknod"], "not permitted")
			outside := v.Outside.NS["user"] != v.Host.NS["user"] && v.Outside.UID != 0
			return inside && outside, "mknod: " + v.Inside["mknod"],
				fmt.Sprintf("user ns %d (host %d), Uid %d", v.Outside.NS["user"], v.Host.NS["user"], v.Outside.UID)
		}},
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
