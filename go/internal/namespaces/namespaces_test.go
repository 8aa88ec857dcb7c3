package namespaces

import (
	"reflect"
	"testing"

	"mvrc/internal/errs"
	"mvrc/internal/vectors"
)

func TestVectors(t *testing.T) {
	type vector struct {
		Name  string   `json:"name"`
		In    string   `json:"in"`
		Want  []string `json:"want"`
		Flags uintptr  `json:"flags"`
		Error string   `json:"error"`
	}
	for _, v := range vectors.Load[vector](t, "namespaces.json") {
		t.Run(v.Name, func(t *testing.T) {
			got, err := Parse(v.In)
			if v.Error != "" {
				if err == nil {
					t.Fatalf("Parse(%q) = %q, want error", v.In, got)
				}
				if lines, _ := errs.Report(err); lines[0] != v.Error || len(lines) != 2 {
					t.Fatalf("Parse(%q) error %q, want usage error %q", v.In, lines, v.Error)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, v.Want) {
				t.Fatalf("Parse(%q) = %q, %v; want %q", v.In, got, err, v.Want)
			}
			if flags := Flags(got); flags != v.Flags {
				t.Fatalf("Flags(%q) = %#x, want %#x", got, flags, v.Flags)
			}
		})
	}
}

func TestTableStartsWithUser(t *testing.T) {
	if table[0].Name != "user" {
		t.Fatalf("Table[0] = %q: user must come first", table[0].Name)
	}
	if got := Default(); len(got) != 7 {
		t.Fatalf("Default() = %q, want all seven", got)
	}
}
