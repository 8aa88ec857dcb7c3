package errs

import (
	"strconv"
	"testing"

	"mvrc/internal/vectors"
)

// TestQuoteVectors pins Go's %q (strconv.Quote) on testdata/unit/quote.json, which the Rust
// twin's errs::quote must reproduce: every quoted value in an error line goes through it.
func TestQuoteVectors(t *testing.T) {
	for _, v := range vectors.Load[struct{ Name, In, Want string }](t, "quote.json") {
		if got := strconv.Quote(v.In); got != v.Want {
			t.Errorf("%s: Quote(%q) = %s, want %s", v.Name, v.In, got, v.Want)
		}
	}
}
