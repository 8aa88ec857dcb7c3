// Package ab compares two results files the way benchstat does: per benchmark and unit,
// the median of each side with its interval, the change, and whether it is significant
// (Mann-Whitney U test, alpha 0.05; "~" when it is not).
package ab

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"golang.org/x/perf/benchmath"

	"mvrc/compare/internal/results"
)

// Row is one benchmark, runtime and unit present in both files.
type Row struct {
	Key      results.Key
	Old, New results.Summary
	Delta    string // "+12.30%", "-4.00%" or "~"
	Test     string // "p=0.008 n=5"
}

// Compare pairs every sample of old with the same one in new.
func Compare(old, new *results.File) []Row {
	var rows []Row
	for _, key := range sortedKeys(old) {
		nv, ok := new.Samples[key]
		if !ok {
			continue
		}
		before := benchmath.NewSample(old.Samples[key], &benchmath.DefaultThresholds)
		after := benchmath.NewSample(nv, &benchmath.DefaultThresholds)
		test := benchmath.AssumeNothing.Compare(before, after)
		row := Row{Key: key, Old: results.Summarize(before.Values), New: results.Summarize(after.Values),
			Test: test.String()}
		row.Delta = test.FormatDelta(row.Old.Center, row.New.Center)
		rows = append(rows, row)
	}
	return rows
}

// Write prints the rows as an aligned table.
func Write(w io.Writer, oldName, newName string, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "benchmark\tunit\t%s\t±\t%s\t±\tvs base\t\t\n", oldName, newName)
	for _, r := range rows {
		name := r.Key.Bench + "/runtime=" + r.Key.Runtime
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t(%s)\t\n", name, r.Key.Unit,
			results.Format(r.Old.Center, r.Key.Unit), r.Old.PctRangeString(),
			results.Format(r.New.Center, r.Key.Unit), r.New.PctRangeString(), r.Delta, r.Test)
	}
	return tw.Flush()
}

// sortedKeys orders by benchmark, unit, then the runtimes' order in the file.
func sortedKeys(f *results.File) []results.Key {
	keys := slices.Collect(maps.Keys(f.Samples))
	slices.SortFunc(keys, func(a, b results.Key) int {
		return cmp.Or(strings.Compare(a.Bench, b.Bench), strings.Compare(a.Unit, b.Unit),
			slices.Index(f.Runtimes, a.Runtime)-slices.Index(f.Runtimes, b.Runtime))
	})
	return keys
}
