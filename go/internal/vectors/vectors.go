// Package vectors loads the shared unit vectors of testdata/unit, the same inputs and expected
// outputs the Rust twin's tests read (rust/src/vectors.rs). Tests only: it takes a testing.TB.
package vectors

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// Load reads testdata/unit/NAME, a JSON list of cases; any error fails the test.
func Load[T any](tb testing.TB, name string) []T {
	tb.Helper()
	path := filepath.Join(Root(tb), "testdata", "unit", name)
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var cases []T
	if err := json.Unmarshal(data, &cases); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return cases
}

// Root is the repository root: the nearest directory above the test's working directory
// (its package) that holds go.work, so no test depends on how deep its package sits.
func Root(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return d
		}
		if d == filepath.Dir(d) {
			tb.Fatalf("no go.work above %s", dir)
		}
	}
}
