// Package conformance holds the shared black-box suite that every mvrc twin must pass: SPEC.md
// and docs/design.md written as tables of invocations and what must come out. It has no code of
// its own; run it with `cd bench && go test -count=1 ./conformance/...`.
package conformance
