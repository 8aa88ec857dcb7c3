package errs

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"
)

// TestQuoteVectors pins Go's %q (strconv.Quote) on testdata/unit/quote.json, which the Rust
// twin's errs::quote must reproduce: every quoted value in an error line goes through it.
func TestQuoteVectors(t *testing.T) {
	data, err := os.ReadFile("../../../testdata/unit/quote.json")
	if err != nil {
		t.Fatal(err)
	}
	var vectors []struct{ Name, In, Want string }
	if err := json.Unmarshal(data, &vectors); err != nil {
		t.Fatal(err)
	}
	for _, v := range vectors {
		if got := strconv.Quote(v.In); got != v.Want {
			t.Errorf("%s: Quote(%q) = %s, want %s", v.Name, v.In, got, v.Want)
		}
	}
}
