package spec

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestCleanVectors pins filepath.Clean, which filepath.Abs applies to ROOTFS and to bind
// sources, on testdata/unit/clean.json: the Rust twin's spec::clean must do the same.
func TestCleanVectors(t *testing.T) {
	data, err := os.ReadFile("../../../testdata/unit/clean.json")
	if err != nil {
		t.Fatal(err)
	}
	var vectors []struct{ Name, In, Want string }
	if err := json.Unmarshal(data, &vectors); err != nil {
		t.Fatal(err)
	}
	for _, v := range vectors {
		if got := filepath.Clean(v.In); got != v.Want {
			t.Errorf("%s: Clean(%q) = %q, want %q", v.Name, v.In, got, v.Want)
		}
	}
}
