package results

// The figures the report shows, and their statistics: benchstat's own (benchmath, no
// distribution assumed: the median with a 95% confidence interval).

import (
	"golang.org/x/perf/benchmath"
)

// Figure is one table (and possibly one chart) of the report.
type Figure struct {
	ID     string // file-name stem: charts/ID.svg
	Title  string
	Bench  string // the benchmark, without its runtime part
	Unit   string // tidied benchfmt unit
	Higher bool   // higher is better (throughput); otherwise lower is
	About  string // one sentence under the title
}

// Figures, in report order. The tables' format is stable: the talk's slides include them.
var Figures = []Figure{
	{"start", "Start-to-exit time", "Start", "sec/op", false,
		"From the harness starting the runtime until it has exited, running /bin/true."},
	{"ready", "Time to ready", "Ready", "sec/op", false,
		"From the harness starting the runtime until the contained command's first byte arrives."},
	{"cpu", "CPU time (user + system)", "Start", "cpu-sec/op", false,
		"Per container, of the runtime and every process it reaped (wait4 rusage). podman's conmon " +
			"and container leave its process tree (a double fork), so its row counts podman alone."},
	{"rss", "Peak RSS", "Start", "peak-RSS-B", false,
		"Measured through GNU time (`/usr/bin/time -f %M`), in a pass of its own after the timed runs; " +
			"each sample is the largest of 5 runs: " +
			"the maximum resident set over the runtime and the processes it waited for (wait4 rusage " +
			"ru_maxrss, a max, not a sum). GNU time's own ~1.5 MiB is a floor under every value, so ratios " +
			"near 1 understate the differences. Not the harness's own wait4: " +
			"a child started by it inherits the harness's RSS high-water mark until execve. For podman, " +
			"podman alone (see CPU time)."},
	{"throughput-2", "Throughput, 2 at once", "Throughput/conc=2", "containers/s", true,
		"Containers started and finished per second with 2 running concurrently; a round is at " +
			"least 20 containers, so the slots are full for most of it."},
	{"throughput-8", "Throughput, 8 at once", "Throughput/conc=8", "containers/s", true,
		"Containers started and finished per second with 8 running concurrently; a round is at " +
			"least 80 containers, so the slots are full for most of it."},
}

// Confidence of every interval.
const Confidence = 0.95

// Summary is one runtime's row of a figure.
type Summary struct {
	benchmath.Summary
	N int
}

// Summarize computes the median and its confidence interval of a sample.
func Summarize(values []float64) Summary {
	s := benchmath.NewSample(values, &benchmath.DefaultThresholds)
	return Summary{benchmath.AssumeNothing.Summary(s, Confidence), len(values)}
}

// Row is a figure's entry for one runtime: its summary, or why there is none.
type Row struct {
	Runtime string
	Summary Summary
	Ratio   float64 // times slower than the best runtime: 1 for the best, higher is slower (times and rates alike)
	Floor   float64 // times slower than c-floor (0: no floor in the file): what the row costs over the least a start can do
	Missing string  // not measured: the runtime's reason
}

// Rows summarises a figure for every runtime of the file, in file order.
func (f *File) Rows(fig Figure) []Row {
	var rows []Row
	var best float64
	found := false
	for _, rt := range f.Runtimes {
		values := f.Samples[Key{fig.Bench, rt, fig.Unit}]
		if len(values) == 0 {
			reason := f.Unavailable[rt]
			if reason == "" {
				reason = "not measured"
			}
			rows = append(rows, Row{Runtime: rt, Missing: reason})
			continue
		}
		s := Summarize(values)
		if !found || (fig.Higher && s.Center > best) || (!fig.Higher && s.Center < best) {
			best, found = s.Center, true
		}
		rows = append(rows, Row{Runtime: rt, Summary: s})
	}
	var floor float64
	if values := f.Samples[Key{fig.Bench, f.Get("floor"), fig.Unit}]; len(values) > 0 {
		floor = Summarize(values).Center
	}
	// slower: how many times slower than ref a value is, for times and rates alike.
	slower := func(c, ref float64) float64 {
		if fig.Higher {
			return ref / c
		}
		return c / ref
	}
	for i := range rows {
		if c := rows[i].Summary.Center; rows[i].Missing == "" && c > 0 && best > 0 {
			rows[i].Ratio = slower(c, best)
		}
		if c := rows[i].Summary.Center; rows[i].Missing == "" && c > 0 && floor > 0 {
			rows[i].Floor = slower(c, floor)
		}
	}
	return rows
}
