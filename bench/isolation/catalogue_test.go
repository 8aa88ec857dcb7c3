package isolation

import (
	"strings"
	"testing"
)

// contained is a view where every assertion holds.
func contained() View {
	return View{
		Inside: map[string]string{
			"pid": "1", "uid": "0", "uid_map": "0 1001 1", "hostname": "mvrc",
			"secret": "cat: can't open '/tmp/x/host-secret': No such file or directory",
			"escape": "escape: open /tmp/x/host-secret: No such file or directory ",
			"netdev": "lo ", "lo": "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000",
			"caps":    "CapEff: 00000000a80425fb CapBnd: 00000000a80425fb",
			"mknod":   "mknod: /tmp/n: Operation not permitted",
			"seccomp": "Seccomp:2",
			"ns-user": "user:[11]", "ns-mnt": "mnt:[12]", "ns-pid": "pid:[13]",
			"ns-uts": "uts:[14]", "ns-ipc": "ipc:[15]", "ns-net": "net:[16]",
		},
		Outside: Outside{
			PID: 4242, NSpid: []uint64{4242, 1}, UID: 1001, UIDMap: "0 1001 1", NetDevs: []string{"lo"},
			NS:         map[string]uint32{"user": 11, "mnt": 12, "pid": 13, "uts": 14, "ipc": 15, "net": 16},
			RootIsOurs: true, LoUp: true, CapEff: 0xa80425fb, CapBnd: 0xa80425fb,
			Seccomp: "2", SeccompFilters: 1,
		},
		Host: Host{
			NS:        map[string]uint32{"user": 1, "mnt": 2, "pid": 3, "uts": 4, "ipc": 5, "net": 6},
			CallerUID: 1001, Hostname: "host", HostnameAfter: "host",
			SecretPath: "/tmp/x/host-secret", SecretContents: "host-secret x", Caps: 41,
		},
	}
}

func TestCatalogueHoldsForAContainedProcess(t *testing.T) {
	for _, a := range Catalogue {
		if v := a.Check(contained()); !v.Pass {
			t.Errorf("%s: fails on a contained view: inside %q, outside %q", a.Name, v.Inside, v.Outside)
		}
	}
}

// Each escape breaks exactly the assertion named, seen from one side.
func TestCatalogueCatchesEachEscape(t *testing.T) {
	tests := []struct {
		assertion string
		escape    func(v *View)
	}{
		{"user namespace", func(v *View) { v.Outside.NS["user"] = 1; v.Inside["ns-user"] = "user:[1]" }},
		{"mnt namespace", func(v *View) { v.Inside["ns-mnt"] = "mnt:[99]" }}, // the sides disagree
		{"net namespace", func(v *View) { v.Inside["ns-net"] = "readlink: no such file" }},
		{"pid 1 inside", func(v *View) { v.Inside["pid"] = "7" }},
		{"pid 1 inside", func(v *View) { v.Outside.NSpid = []uint64{4242} }},
		{"uid 0 is the caller", func(v *View) { v.Outside.UID = 0 }},
		{"uid 0 is the caller", func(v *View) { v.Inside["uid_map"] = "0 0 4294967295" }},
		{"hostname", func(v *View) { v.Inside["hostname"] = "host" }},
		{"hostname", func(v *View) { v.Host.HostnameAfter = "mvrc" }},
		{"host files unreachable", func(v *View) { v.Inside["secret"] = "host-secret x" }},
		{"host files unreachable", func(v *View) { v.Outside.RootIsOurs = false }},
		{"host files unreachable", func(v *View) { v.Inside["escape"] = "escape: reached /tmp/x/host-secret: host-secret x " }},
		{"only lo, up", func(v *View) { v.Inside["netdev"] = "lo eth0 " }},
		{"only lo, up", func(v *View) { v.Outside.NetDevs = []string{"eth0", "lo"} }},
		{"only lo, up", func(v *View) { v.Outside.LoUp = false }},
		{"only lo, up", func(v *View) { v.Inside["lo"] = "1: lo: <LOOPBACK> mtu 65536 qdisc noop qlen 1000" }},
		{"capabilities dropped", func(v *View) { v.Inside["mknod"] = "created" }},
		{"capabilities dropped", func(v *View) { v.Outside.NS["user"] = 1 }},
		{"capabilities dropped", func(v *View) { v.Outside.CapBnd |= capSysAdmin }},
		{"capabilities dropped", func(v *View) { v.Outside.CapEff, v.Outside.CapBnd = 1<<41-1, 1<<41-1 }},
		{"capabilities dropped", func(v *View) { v.Inside["caps"] = "CapEff: 000001ffffffffff CapBnd: 000001ffffffffff" }},
		{"seccomp filter active", func(v *View) { v.Inside["seccomp"] = "Seccomp:0" }},
		{"seccomp filter active", func(v *View) { v.Outside.Seccomp, v.Outside.SeccompFilters = "0", 0 }},
		// Under a harness that runs filtered itself, an inherited filter is not the runtime's.
		{"seccomp filter active", func(v *View) { v.Host.SeccompFilters = 1 }},
	}
	for _, tt := range tests {
		v := contained()
		tt.escape(&v)
		for _, a := range Catalogue {
			if a.Name == tt.assertion && a.Check(v).Pass {
				t.Errorf("%s: still holds after the escape", a.Name)
			}
		}
	}
}

func TestReadInside(t *testing.T) {
	got, err := readInside(strings.NewReader("pid 1\nhostname mvrc\nready\nleft over\n"))
	if err != nil || got["pid"] != "1" || got["hostname"] != "mvrc" || len(got) != 2 {
		t.Fatalf("readInside = %v, %v", got, err)
	}
	if _, err := readInside(strings.NewReader("pid 1\n")); err == nil {
		t.Fatal("readInside without ready: want an error")
	}
}
