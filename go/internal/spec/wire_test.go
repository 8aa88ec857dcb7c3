package spec

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"mvrc/internal/idmap"
)

// odd holds bytes that are not UTF-8 in every string field: they must come back as they went.
var odd = &Spec{
	Rootfs: "/r/\xff", Command: []string{"sh", "-c", "printf '\xfe'", ""}, Namespaces: []string{"user", "mount"},
	Hostname: "h\x80", Env: []string{"A=\xc3\x28", "PATH=/bin"}, Workdir: "/w\xff", User: User{UID: 4294967295, GID: 7},
	UIDMaps: []idmap.IDMap{{Container: 0, Host: 1000, Size: 1}, {Container: 1, Host: 100000, Size: 65536}},
	GIDMaps: []idmap.IDMap{{Container: 0, Host: 1000, Size: 1}},
	Binds:   []Bind{{Source: "/x/d\xff", Destination: "/data", ReadOnly: true}, {Source: "/a", Destination: "/b\xff"}},
	Tmpfs:   []Tmpfs{{Path: "/t\xff", Size: 64 << 20}}, ReadOnly: true, Chroot: true, Init: true, TTY: true,
	PidFile: "/run/\xffc.pid", Debug: true, Limits: Limits{Memory: 1 << 40, Pids: 9, CPUs: 0.25},
	Seccomp: "/p\xff.policy", Filter: []byte{0x20, 0, 0, 0, 4, 0, 0, 0},
}

func TestWireRoundTrip(t *testing.T) {
	for name, s := range map[string]*Spec{"zero": {}, "every field, bytes not UTF-8": odd} {
		data, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var got Spec
		if err := got.UnmarshalBinary(data); err != nil || !reflect.DeepEqual(&got, s) {
			t.Errorf("%s: round trip = %+v, %v; want %+v", name, got, err, s)
		}
	}
}

// TestWireCoversEveryField: odd sets every field of Spec (Overlay aside, to try a false), so a
// field added to Spec and not to the wire form fails the round trip once it is set here.
func TestWireCoversEveryField(t *testing.T) {
	v := reflect.ValueOf(*odd)
	for i := range v.NumField() {
		if name := v.Type().Field(i).Name; v.Field(i).IsZero() && name != "Overlay" {
			t.Errorf("odd leaves Spec.%s unset: set it, and encode it in wire.go", name)
		}
	}
}

// TestWireKeepsWhatJSONLoses: the reason this format exists.
func TestWireKeepsWhatJSONLoses(t *testing.T) {
	data, _ := json.Marshal(odd)
	var viaJSON Spec
	if err := json.Unmarshal(data, &viaJSON); err != nil || viaJSON.Binds[0].Source == odd.Binds[0].Source {
		t.Fatalf("JSON kept %q (%v): this test would prove nothing", viaJSON.Binds[0].Source, err)
	}
}

func TestWireRefusesMalformed(t *testing.T) {
	good, _ := odd.MarshalBinary()
	cases := map[string][]byte{
		"empty":           {},
		"truncated":       good[:len(good)-1],
		"trailing byte":   append(append([]byte{}, good...), 0),
		"string too long": {0xff, 0x01},
		"count too long":  {0x00, 0x7f},
	}
	for i := range good { // every prefix fails, none panics
		cases[fmt.Sprintf("first %d bytes", i)] = good[:i]
	}
	for name, data := range cases {
		var s Spec
		if err := s.UnmarshalBinary(data); err == nil {
			t.Errorf("%s: UnmarshalBinary(% x) = nil, want an error", name, data)
		}
	}
}

func BenchmarkWire(b *testing.B) {
	for b.Loop() {
		data, _ := odd.MarshalBinary()
		var s Spec
		_ = s.UnmarshalBinary(data)
	}
}

func BenchmarkJSON(b *testing.B) {
	for b.Loop() {
		data, _ := json.Marshal(odd)
		var s Spec
		_ = json.Unmarshal(data, &s)
	}
}
