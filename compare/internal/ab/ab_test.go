package ab

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"mvrc/compare/internal/results"
)

// file builds a results file: one Start line per value, in ms, for runtime rt.
func file(t *testing.T, rt string, ms ...float64) *results.File {
	t.Helper()
	var b strings.Builder
	for _, v := range ms {
		fmt.Fprintf(&b, "BenchmarkStart/runtime=%s-2 1 %.0f ns/op\n", rt, v*1e6)
	}
	f, err := results.Parse(strings.NewReader(b.String()), rt)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name      string
		old, new  []float64
		wantDelta string
	}{
		{"clearly slower", []float64{4, 4.1, 3.9, 4, 4.05, 3.95}, []float64{8, 8.1, 7.9, 8, 8.05, 7.95}, "+100.00%"},
		{"clearly faster", []float64{8, 8.1, 7.9, 8, 8.05, 7.95}, []float64{4, 4.1, 3.9, 4, 4.05, 3.95}, "-50.00%"},
		{"same distribution", []float64{4, 5, 4, 5, 4, 5}, []float64{5, 4, 5, 4, 5, 4}, "~"},
		{"too few to tell", []float64{4}, []float64{8}, "~"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := Compare(file(t, "go-mvrc", tt.old...), file(t, "go-mvrc", tt.new...))
			if len(rows) != 1 {
				t.Fatalf("rows = %d, want 1", len(rows))
			}
			if rows[0].Delta != tt.wantDelta {
				t.Errorf("delta = %s (%s), want %s", rows[0].Delta, rows[0].Test, tt.wantDelta)
			}
		})
	}
}

func TestCompareOnlyCommonBenchmarks(t *testing.T) {
	rows := Compare(file(t, "go-mvrc", 4, 4), file(t, "rust-mvrc", 3, 3))
	if len(rows) != 0 {
		t.Fatalf("rows = %+v, want none: the files share no runtime", rows)
	}
}

func TestWrite(t *testing.T) {
	rows := Compare(file(t, "go-mvrc", 4, 4.1, 3.9, 4, 4.05, 3.95), file(t, "go-mvrc", 8, 8.1, 7.9, 8, 8.05, 7.95))
	var out bytes.Buffer
	if err := Write(&out, "old.txt", "new.txt", rows); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"old.txt", "new.txt", "Start/runtime=go-mvrc", "4.000ms", "8.000ms", "+100.00%", "p=0.002 n=6"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
