package seccomp

import (
	"bytes"
	"reflect"
	"testing"

	"mvrc/internal/vectors"
	files "mvrc/seccomp"
)

func TestParseVectors(t *testing.T) {
	type vector struct {
		Name  string   `json:"name"`
		Text  string   `json:"text"`
		Want  []string `json:"want"`
		Error string   `json:"error"`
	}
	arch, ok := Native()
	if !ok {
		t.Fatal("no native architecture")
	}
	table := LoadTable(files.Syscalls, arch)
	for _, v := range vectors.Load[vector](t, "seccomp.json") {
		t.Run(v.Name, func(t *testing.T) {
			p, err := Parse(v.Text, table.Known)
			if v.Error != "" {
				if err == nil || err.Error() != v.Error {
					t.Fatalf("Parse(%q) error %v, want %q", v.Text, err, v.Error)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", v.Text, err)
			}
			got := []string{"default " + p.Default.String()}
			for _, r := range p.Rules {
				got = append(got, r.String())
			}
			if !reflect.DeepEqual(got, v.Want) {
				t.Fatalf("Parse(%q)\n got %q\nwant %q", v.Text, got, v.Want)
			}
		})
	}
}

// The programs mvrc embeds must be the policy's, for every architecture.
func TestGeneratedIsCurrent(t *testing.T) {
	for _, arch := range Arches() {
		want, err := Generate(arch)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(files.Programs[arch.Name], want) {
			t.Errorf("seccomp/default-%s.bpf is not default.policy's program: run go generate ./internal/seccomp in go/", arch.Name)
		}
	}
}

// The built-in profile must load on this machine, and survive the trip to the child.
func TestDefaultLoads(t *testing.T) {
	filter, err := Load(Default)
	if err != nil {
		t.Fatal(err)
	}
	if len(filter) < 100 || len(filter) > 4096 {
		t.Fatalf("default filter has %d instructions", len(filter))
	}
	if back := Decode(Encode(filter)); !reflect.DeepEqual(back, filter) {
		t.Fatal("Decode(Encode(filter)) differs from filter")
	}
	if filter, err := Load(Unconfined); filter != nil || err != nil {
		t.Fatalf("Load(unconfined) = %d instructions, %v; want none", len(filter), err)
	}
}
