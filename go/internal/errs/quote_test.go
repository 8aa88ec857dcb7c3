package errs

import (
	"encoding/hex"
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

// TestQuoteBytesVectors pins the bytes that are not UTF-8 (testdata/unit/quote_bytes.json,
// given in hex): quoted, %q's \xNN; unquoted (Shown), the same escapes and nothing else.
func TestQuoteBytesVectors(t *testing.T) {
	for _, v := range vectors.Load[struct{ Name, Hex, Quote, Shown string }](t, "quote_bytes.json") {
		in, err := hex.DecodeString(v.Hex)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		if got := strconv.Quote(string(in)); got != v.Quote {
			t.Errorf("%s: Quote = %s, want %s", v.Name, got, v.Quote)
		}
		if got := Shown(string(in)); got != v.Shown {
			t.Errorf("%s: Shown = %q, want %q", v.Name, got, v.Shown)
		}
	}
}
