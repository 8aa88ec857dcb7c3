package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"mvrc/internal/errs"
	"mvrc/internal/vectors"
)

// vector is one case of testdata/unit/cli.json, shared with the Rust twin.
type vector struct {
	Name  string            `json:"name"`
	Args  []string          `json:"args"`
	Env   map[string]string `json:"env"`
	UID   uint32            `json:"uid"`
	GID   uint32            `json:"gid"`
	Host  string            `json:"host"`
	Want  json.RawMessage   `json:"want"`
	Error string            `json:"error"`
	Usage bool              `json:"usage"`
	Print string            `json:"print"`
}

func TestParseVectors(t *testing.T) {
	for _, v := range vectors.Load[vector](t, "cli.json") {
		t.Run(v.Name, func(t *testing.T) {
			got, err := Parse(v.Args, Caller{Env: v.Env, UID: v.UID, GID: v.GID, Hostname: v.Host})
			switch {
			case v.Error != "":
				if err == nil {
					t.Fatalf("Parse(%q) = %+v, want error %q", v.Args, got.Spec, v.Error)
				}
				lines, code := errs.Report(err)
				if lines[0] != v.Error || code != errs.Failed || (len(lines) == 2) != v.Usage {
					t.Fatalf("Parse(%q) error = %q (code %d), want %q (usage %v)", v.Args, lines, code, v.Error, v.Usage)
				}
			case v.Print != "":
				if err != nil {
					t.Fatalf("Parse(%q) error: %v", v.Args, err)
				}
				if want := printed(t, v.Print); got.Print != want {
					t.Fatalf("Parse(%q) prints %q, want %q", v.Args, got.Print, want)
				}
			default:
				if err != nil {
					t.Fatalf("Parse(%q) error: %v", v.Args, err)
				}
				if got.Spec == nil {
					t.Fatalf("Parse(%q) gave no spec", v.Args)
				}
				gotJSON, _ := json.Marshal(got.Spec)
				if !sameJSON(t, gotJSON, v.Want) {
					t.Fatalf("Parse(%q)\n got %s\nwant %s", v.Args, gotJSON, v.Want)
				}
			}
		})
	}
}

func TestUsageFilesMatch(t *testing.T) {
	for file, text := range map[string]string{"mvrc.txt": usage, "run.txt": runUsage} {
		if want := printed(t, file); text != want {
			t.Errorf("usage text differs from testdata/usage/%s:\n%s", file, text)
		}
	}
}

func TestVersionMatchesFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(vectors.Root(t), "VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSpace(string(data)); version != want {
		t.Fatalf("Version = %q, VERSION file says %q", version, want)
	}
	if versionLine != "mvrc "+version+" (go)\n" {
		t.Fatalf("VersionLine = %q", versionLine)
	}
}

func printed(t *testing.T, what string) string {
	t.Helper()
	if what == "version" {
		return versionLine
	}
	data, err := os.ReadFile(filepath.Join(vectors.Root(t), "testdata", "usage", what))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}
