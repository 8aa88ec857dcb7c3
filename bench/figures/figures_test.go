package figures

// The figures, one benchmark each, one sub-benchmark per runtime:
//
//	Start       start-to-exit of /bin/true (sec/op), its CPU (cpu-ns/op), and, in a pass of
//	            its own through GNU time, its peak RSS (peak-RSS-B, the largest of 5 runs)
//	Ready       start until the contained command's first byte arrives (sec/op)
//	Throughput  containers per second with 2 and 8 running at once (containers/s), each
//	            round at least 10×conc containers (containers/round)

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"mvrc/bench/runtimes"
)

func BenchmarkStart(b *testing.B) {
	for _, rt := range lineup {
		b.Run("runtime="+rt.Name, func(b *testing.B) {
			progress.Step("start", rt.Name)
			var total Sample
			for b.Loop() {
				s := mustRun(b, rt, false, "/bin/true")
				total.Exit += s.Exit
				total.CPU += s.CPU
			}
			b.ReportMetric(perOp(total.Exit, b.N), "ns/op")
			b.ReportMetric(perOp(total.CPU, b.N), "cpu-ns/op")
			b.ReportMetric(float64(mustPeakRSS(b, rt, "/bin/true")), "peak-RSS-B")
		})
	}
}

func BenchmarkReady(b *testing.B) {
	for _, rt := range lineup {
		b.Run("runtime="+rt.Name, func(b *testing.B) {
			progress.Step("ready", rt.Name)
			var ready time.Duration
			for b.Loop() {
				ready += mustRun(b, rt, true, "/usr/bin/printf", "x").Ready
			}
			b.ReportMetric(perOp(ready, b.N), "ns/op")
		})
	}
}

// roundPerSlot: a throughput round runs at least this many containers per slot, so that
// for most of it every slot is busy; start-up and wind-down (fewer than conc running) are
// a small part of it even for a runtime that manages a handful a second.
const roundPerSlot = 10

// BenchmarkThroughput counts b.N itself instead of using b.Loop: an iteration is a batch of
// roundPerSlot×conc containers handed to free slots, and the time of a round is known only
// after its last container exits; the testing package must see that time to size the next
// round. One round is b.N batches through the same slots, never fewer than one batch.
// In -short mode (bench/run.sh smoke) a batch is one container per slot: the code runs,
// nothing is measured.
func BenchmarkThroughput(b *testing.B) {
	for _, rt := range lineup {
		for _, conc := range []int{2, 8} {
			b.Run(fmt.Sprintf("runtime=%s/conc=%d", rt.Name, conc), func(b *testing.B) {
				if b.N == 1 { // every round starts with a single-batch run
					progress.Step(fmt.Sprintf("throughput/%d", conc), rt.Name)
				}
				batch := roundPerSlot * conc
				if testing.Short() {
					batch = conc
				}
				n := b.N * batch
				slots := make(chan struct{}, conc)
				var wg sync.WaitGroup
				start := time.Now()
				for range n {
					slots <- struct{}{}
					wg.Go(func() {
						defer func() { <-slots }()
						if _, err := start1(rt, false, "/bin/true"); err != nil {
							b.Error(err)
						}
					})
				}
				wg.Wait()
				elapsed := time.Since(start)
				b.ReportMetric(perOp(elapsed, n), "ns/op")
				b.ReportMetric(float64(n)/elapsed.Seconds(), "containers/s")
				b.ReportMetric(float64(n), "containers/round")
			})
		}
	}
}

func mustRun(b *testing.B, rt runtimes.Runtime, ready bool, args ...string) Sample {
	s, err := start1(rt, ready, args...)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// rssRuns: the peak of a round (one sample) is the largest of this many runs, after the
// timed loop (b.Loop has stopped the timer), each through GNU time (see PeakRSS), whose
// own ~1.5 MiB is a floor under every value.
const rssRuns = 5

func mustPeakRSS(b *testing.B, rt runtimes.Runtime, args ...string) int64 {
	var peak int64
	for range rssRuns {
		cmd, err := rt.Command(context.Background(), ws, args...)
		if err != nil {
			b.Fatal(err)
		}
		rss, err := PeakRSS(cmd)
		if err != nil {
			b.Fatal(err)
		}
		peak = max(peak, rss)
	}
	return peak
}

// start1 runs one container of rt in the shared workspace.
func start1(rt runtimes.Runtime, ready bool, args ...string) (Sample, error) {
	cmd, err := rt.Command(context.Background(), ws, args...)
	if err != nil {
		return Sample{}, err
	}
	return Run(cmd, ready)
}

func perOp(d time.Duration, n int) float64 {
	return float64(d.Nanoseconds()) / float64(n)
}
