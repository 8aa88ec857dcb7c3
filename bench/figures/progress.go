package figures

// Progress on stderr: which figure, which runtime, how far through the whole run.

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Progress counts rounds: one round is one benchmark function call, which b.Loop makes
// exactly once per -count.
type Progress struct {
	mu    sync.Mutex
	w     io.Writer
	total int // rounds in the whole run
	done  int
	start time.Time
}

// NewProgress expects total rounds: figures × runtimes × count.
func NewProgress(w io.Writer, total int) *Progress {
	return &Progress{w: w, total: total, start: time.Now()}
}

// Step announces the next round.
func (p *Progress) Step(figure, runtime string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	fmt.Fprintf(p.w, "bench: [%*d/%d] %-12s %-15s %s elapsed\n", width(p.total), p.done, p.total,
		figure, runtime, time.Since(p.start).Round(time.Second))
}

func width(n int) int {
	return len(fmt.Sprint(n))
}
