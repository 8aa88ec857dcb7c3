package figures

// The benchmark run's setup: one workspace, the runtimes that work here, and the config
// lines (host, versions, unavailable runtimes with their reason) at the top of the results.

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"mvrc/bench/runtimes"
)

// round rotates the line-up: bench/run.sh runs one round per process, each starting with the
// next runtime, so a change in the machine's load is spread over every runtime instead of
// landing on the one that happened to run then.
var round = flag.Int("round", 0, "this round's number: the line-up starts at runtime round mod len")

var (
	ws       *runtimes.Workspace
	lineup   []runtimes.Runtime // the runtimes that can run here
	progress *Progress
)

// figureRounds is how many rounds each available runtime gets per -count: start, ready,
// and throughput at two concurrency levels.
const figureRounds = 4

func TestMain(m *testing.M) {
	flag.Parse()
	if flag.Lookup("test.bench").Value.String() == "" {
		os.Exit(m.Run()) // unit tests only: no workspace, no runtimes
	}
	var err error
	if ws, err = runtimes.NewWorkspace(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	go removeOnSignal(ws)
	header(os.Stdout)
	count, _ := strconv.Atoi(flag.Lookup("test.count").Value.String())
	progress = NewProgress(os.Stderr, figureRounds*len(lineup)*max(count, 1))
	code := m.Run()
	ws.Close()
	os.Exit(code)
}

// removeOnSignal: a run stopped with Ctrl-C leaves no workspace behind. The runtimes die
// with us (Pdeathsig), the workspace would not.
func removeOnSignal(ws *runtimes.Workspace) {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	ws.Close()
	os.Exit(130)
}

// header probes every runtime and writes benchfmt config lines; the results file then
// says on its own where and with what it was measured.
func header(w *os.File) {
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	fmt.Fprintf(w, "kernel: %s\n", strings.TrimSpace(string(kernel)))
	fmt.Fprintf(w, "host-cpus: %d\n", runtime.NumCPU())
	fmt.Fprintf(w, "namespaces: %s\n", runtimes.Namespaces)
	for _, rt := range runtimes.All {
		fmt.Fprintf(os.Stderr, "bench: probing %s\n", rt.Name)
		if err := rt.Probe(ws); err != nil {
			fmt.Fprintf(w, "unavailable-%s: %s\n", rt.Name, oneLine(err.Error()))
			fmt.Fprintf(os.Stderr, "bench: %s unavailable: %v\n", rt.Name, err)
			continue
		}
		fmt.Fprintf(w, "version-%s: %s\n", rt.Name, oneLine(rt.VersionLine(ws)))
		if rt.Floor {
			fmt.Fprintf(w, "floor: %s\n", rt.Name)
		}
		lineup = append(lineup, rt)
	}
	lineup = rotate(lineup, *round)
}

// rotate starts the list at element n mod its length.
func rotate[T any](list []T, n int) []T {
	if len(list) == 0 {
		return list
	}
	n %= len(list)
	return append(append([]T{}, list[n:]...), list[:n]...)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
