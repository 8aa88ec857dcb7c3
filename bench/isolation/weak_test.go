package isolation

import (
	"reflect"
	"slices"
	"testing"

	"mvrc/bench/runtimes"
)

// failsFor names, for each weak configuration (runtimes.Weak), the assertions it must fail.
// Every assertion of the catalogue is somewhere in this table: one that no real weak
// configuration fails proves nothing when it holds.
var failsFor = map[string][]string{
	"no runtime": {"user namespace", "mnt namespace", "pid namespace", "uts namespace", "ipc namespace",
		"net namespace", "pid 1 inside", "uid 0 is the caller", "hostname", "host files unreachable",
		"only lo, up", "capabilities dropped", "seccomp filter active"},
	"mvrc without pid namespace": {"pid namespace", "pid 1 inside"},
	"mvrc without uts, ipc, net": {"uts namespace", "ipc namespace", "net namespace", "hostname", "only lo, up"},
	"mvrc --chroot":              {"host files unreachable"},
	"unshare":                    {"host files unreachable", "only lo, up", "capabilities dropped", "seccomp filter active"},
	"mvrc --seccomp unconfined":  {"seccomp filter active"},
	"c-floor":                    floorFails,
	"go-floor":                   floorFails,
}

// floorFails is what the floors leave out (bench/floor/floor.c's comment): no capability
// dropped, no seccomp filter, lo left down.
var floorFails = []string{"only lo, up", "capabilities dropped", "seccomp filter active"}

// sameAs: a configuration that takes another's steps a different way must come out the same,
// every verdict and the work table's column: go-floor is c-floor in Go.
var sameAs = map[string]string{"go-floor": "c-floor"}

// enteredBy is how the work table must see "/" entered, where the configuration says it.
var enteredBy = map[string]string{"mvrc --chroot": "chroot", "unshare": "chroot", "mvrc without pid namespace": "pivot_root"}

func TestEveryAssertionHasAWeakRuntime(t *testing.T) {
	for _, a := range Catalogue {
		var by []string
		for name, fails := range failsFor {
			if slices.Contains(fails, a.Name) {
				by = append(by, name)
			}
		}
		if len(by) == 0 {
			t.Errorf("%q: no weak configuration in failsFor fails it (add one to runtimes.Weak)", a.Name)
		}
	}
}

// TestCatalogueFailsWeakRuntimes runs the catalogue against each weak configuration: the
// assertions it lacks the means for must come out ✗, with the evidence shown; one that
// takes another's steps (sameAs) must have the same verdicts and work.
func TestCatalogueFailsWeakRuntimes(t *testing.T) {
	ws := workspace(t)
	host := hostView(t, ws)
	judged := map[string]Outcome{}
	for _, rt := range runtimes.Weak {
		t.Run(rt.Name, func(t *testing.T) {
			want, ok := failsFor[rt.Name]
			if !ok {
				t.Fatalf("no entry in failsFor")
			}
			if err := rt.Probe(ws); err != nil {
				t.Fatalf("unavailable: %v", err)
			}
			view, err := Observe(ws, rt, host)
			if err != nil {
				t.Fatalf("observing: %v", err)
			}
			if root, ok := enteredBy[rt.Name]; ok && WorkOf(view).Root != root {
				t.Errorf("work: / entered by %s, want %s", WorkOf(view).Root, root)
			}
			outcome := Judge(rt.Name, view)
			judged[rt.Name] = outcome
			for _, r := range outcome.Verdicts {
				switch {
				case slices.Contains(want, r.Assertion) && r.Pass:
					t.Errorf("%s: ✓, want ✗: inside %q, outside %q", r.Assertion, r.Inside, r.Outside)
				case slices.Contains(want, r.Assertion):
					t.Logf("%s: ✗ as it must: inside %q, outside %q", r.Assertion, r.Inside, r.Outside)
				}
			}
		})
	}
	for name, like := range sameAs {
		got, ok1 := judged[name]
		want, ok2 := judged[like]
		if !ok1 || !ok2 {
			t.Logf("%s beside %s: not compared (one of them did not run)", name, like)
			continue
		}
		for i, r := range got.Verdicts {
			if w := want.Verdicts[i]; r.Pass != w.Pass {
				t.Errorf("%s: %s %s, %s %s: want the same", r.Assertion, name, mark(r.Pass), like, mark(w.Pass))
			}
		}
		if !reflect.DeepEqual(got.Work, want.Work) {
			t.Errorf("work: %s %+v, %s %+v: want the same", name, *got.Work, like, *want.Work)
		}
	}
}

func mark(pass bool) string {
	if pass {
		return "✓"
	}
	return "✗"
}
