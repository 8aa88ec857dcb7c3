package spec

import (
	"path/filepath"
	"testing"

	"mvrc/internal/vectors"
)

// TestCleanVectors pins filepath.Clean, which filepath.Abs applies to ROOTFS and to bind
// sources, on testdata/unit/clean.json: the Rust twin's spec::clean must do the same.
func TestCleanVectors(t *testing.T) {
	for _, v := range vectors.Load[struct{ Name, In, Want string }](t, "clean.json") {
		if got := filepath.Clean(v.In); got != v.Want {
			t.Errorf("%s: Clean(%q) = %q, want %q", v.Name, v.In, got, v.Want)
		}
	}
}
