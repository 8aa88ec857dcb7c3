package isolation

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/procfs"

	"mvrc/bench/internal/testenv"
	"mvrc/bench/runtimes"
)

var matrixPath = flag.String("matrix", "", "write the runtime × assertion matrix (JSON) here")

// TestIsolation runs the catalogue against every runtime. The twins must pass all of it; a
// peer's failures are findings, recorded in the matrix, not test failures. A runtime that
// cannot run here is a row with its reason, and its subtest a SKIP saying why.
func TestIsolation(t *testing.T) {
	ws := workspace(t)
	host := hostView(t, ws)
	m := NewMatrix()
	for i, rt := range runtimes.All {
		t.Run(rt.Name, func(t *testing.T) {
			outcome := Outcome{Runtime: rt.Name, Verdicts: []Result{}}
			if err := rt.Probe(ws); err != nil {
				outcome.Reason = err.Error()
				m.Runtimes = append(m.Runtimes, outcome)
				progress(i+1, outcome)
				if rt.Twin {
					t.Fatalf("unavailable: %v", err)
				}
				t.Skipf("unavailable: %v", err)
			}
			if view, err := Observe(ws, rt, host); err != nil {
				outcome.Reason = err.Error()
				t.Errorf("observing: %v", err)
			} else {
				outcome = Judge(rt.Name, view)
			}
			for _, r := range outcome.Verdicts {
				if !r.Pass && rt.Twin {
					t.Errorf("%s: inside %q, outside %q", r.Assertion, r.Inside, r.Outside)
				} else if !r.Pass {
					t.Logf("finding: %s: inside %q, outside %q", r.Assertion, r.Inside, r.Outside)
				}
			}
			m.Runtimes = append(m.Runtimes, outcome)
			progress(i+1, outcome)
		})
	}
	if *matrixPath != "" {
		if err := m.Write(*matrixPath); err != nil {
			t.Fatal(err)
		}
	}
}

func progress(i int, o Outcome) {
	status := fmt.Sprintf("%d/%d assertions hold", o.Passed(), len(Catalogue))
	if o.Reason != "" {
		status = "unavailable: " + o.Reason
	}
	fmt.Fprintf(os.Stderr, "isolation: [%d/%d] %-15s %s\n", i, len(runtimes.All), o.Runtime, status)
}

// workspace stages the rootfs and the twins, with the static chroot breakout as /escape.
func workspace(t *testing.T) *runtimes.Workspace {
	ws, err := runtimes.NewWorkspace()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	t.Cleanup(func() { _ = testenv.RemoveProbes() })
	if _, err := ws.CopyProbe(testenv.EscapeSource); err != nil {
		t.Fatal(err)
	}
	return ws
}

// hostView is the host's side, taken once: our own namespaces are the host's.
func hostView(t *testing.T, ws *runtimes.Workspace) Host {
	self, err := procfs.Self()
	if err != nil {
		t.Fatal(err)
	}
	namespaces, err := self.Namespaces()
	if err != nil {
		t.Fatal(err)
	}
	host := Host{NS: map[string]uint32{}, CallerUID: ws.UID, SecretContents: "host-secret " + filepath.Base(ws.Dir)}
	for name, ns := range namespaces {
		host.NS[name] = ns.Inode
	}
	lastCap, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err != nil {
		t.Fatal(err)
	}
	if host.Caps, err = strconv.Atoi(strings.TrimSpace(string(lastCap))); err != nil {
		t.Fatal(err)
	}
	host.Caps++
	if _, host.SeccompFilters, err = seccompOf("self"); err != nil {
		t.Fatal(err)
	}
	if host.Hostname, err = os.Hostname(); err != nil {
		t.Fatal(err)
	}
	if host.SecretPath, err = ws.Write("host-secret", []byte(host.SecretContents), 0o644); err != nil {
		t.Fatal(err)
	}
	return host
}
