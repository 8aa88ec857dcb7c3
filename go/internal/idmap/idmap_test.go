package idmap

import (
	"encoding/json"
	"reflect"
	"testing"

	"mvrc/internal/errs"
	"mvrc/internal/vectors"
)

// vector is a case of testdata/unit/idmap.json: a parse case (flag, in) or a plan case (caller, maps).
type vector struct {
	Name   string          `json:"name"`
	Flag   string          `json:"flag"`
	In     *string         `json:"in"`
	Caller uint32          `json:"caller"`
	Maps   []IDMap         `json:"maps"`
	Want   json.RawMessage `json:"want"`
	Error  string          `json:"error"`
	Args   []string        `json:"args"`
	Lines  string          `json:"lines"`
}

func TestVectors(t *testing.T) {
	for _, v := range vectors.Load[vector](t, "idmap.json") {
		t.Run(v.Name, func(t *testing.T) {
			if v.In != nil {
				checkParse(t, v)
			} else {
				checkPlan(t, v)
			}
		})
	}
}

func checkParse(t *testing.T, v vector) {
	got, err := Parse(v.Flag, *v.In)
	if v.Error != "" {
		if err == nil {
			t.Fatalf("Parse(%q) = %+v, want error", *v.In, got)
		}
		if lines, _ := errs.Report(err); lines[0] != v.Error || len(lines) != 2 {
			t.Fatalf("Parse(%q) error %q, want usage error %q", *v.In, lines, v.Error)
		}
		return
	}
	var want IDMap
	if err := json.Unmarshal(v.Want, &want); err != nil {
		t.Fatal(err)
	}
	if err != nil || got != want {
		t.Fatalf("Parse(%q) = %+v, %v; want %+v", *v.In, got, err, want)
	}
}

func checkPlan(t *testing.T, v vector) {
	var want Plan
	if err := json.Unmarshal(v.Want, &want); err != nil {
		t.Fatal(err)
	}
	if got := plan(v.Caller, v.Maps); got != want {
		t.Fatalf("plan(%d, %+v) = %q, want %q", v.Caller, v.Maps, got, want)
	}
	if got := mapLines(v.Maps); got != v.Lines {
		t.Fatalf("mapLines(%+v) = %q, want %q", v.Maps, got, v.Lines)
	}
	if want == Helper {
		if got := helperArgs("PID", v.Maps); !reflect.DeepEqual(got, v.Args) {
			t.Fatalf("helperArgs(%+v) = %q, want %q", v.Maps, got, v.Args)
		}
	}
}

func TestContains(t *testing.T) {
	maps := []IDMap{{Container: 0, Host: 1000, Size: 1}, {Container: 1, Host: 100000, Size: 65536}}
	for _, tc := range []struct {
		id   uint32
		want bool
	}{{0, true}, {1, true}, {65536, true}, {65537, false}, {4294967295, false}} {
		if got := Contains(maps, tc.id); got != tc.want {
			t.Errorf("Contains(%d) = %v, want %v", tc.id, got, tc.want)
		}
	}
	top := []IDMap{{Container: 4294967294, Host: 0, Size: 1}}
	if !Contains(top, 4294967294) || Contains(top, 4294967295) {
		t.Errorf("Contains at the top of the id space is wrong")
	}
}
