#!/usr/bin/env bash
# just bench: measure every runtime (go test -bench), check its isolation (the catalogue) and
# measure its work from inside, then render docs/results.md and docs/charts with the compare step.
#
#   bench/run.sh [COUNT]   COUNT rounds per figure (default 10, at least 6: benchmath's 95%
#                          CI needs 6), after one warm-up round that is discarded →
#                          bench/results/<UTC>.txt (benchfmt) and <UTC>.isolation.json, then docs/
#   bench/run.sh smoke     one iteration of everything (a throughput round: one container per
#                          slot), no warm-up, into temp dirs: the same code, for CI, and nothing
#                          committed is rewritten
#
# Rounds are interleaved: each is one process running every figure for every runtime, the
# line-up rotated by one per round (round r starts with runtime r mod N), so slow drift in the
# machine's load spreads over every runtime. Nothing is written to bench/results or docs/
# until every round and the isolation catalogue have passed.
# Progress goes to stderr; BENCHTIME (default 500ms) is the go test -benchtime of a round.
set -euo pipefail

die() { echo "bench: $*" >&2; exit 1; }

bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
mode=${1:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ $mode == smoke ]]; then
  count=1 warmup=0 benchtime=1x short=-test.short
  results=$work/results docs=$work/docs
  mkdir -p "$results" "$docs"
elif [[ $mode =~ ^[1-9][0-9]*$ ]]; then
  ((mode >= 6)) || die "COUNT $mode is too few rounds: a 95% confidence interval needs at least 6 (default 10)"
  count=$mode warmup=1 benchtime=${BENCHTIME:-500ms} short=
  results=$bench/results docs=$root/docs
else
  die "usage: bench/run.sh [COUNT|smoke]"
fi
[[ $(id -u) -eq 0 ]] || die "run as root: the runtimes run as the test user (MVRC_TEST_USER, default mvrctest)"

stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
out=$results/$stamp.txt
matrix=$results/$stamp.isolation.json

cd "$bench" # the test binaries find the repository (go.work) from here
echo "bench: building the harness" >&2
go test -c -o "$work/figures.test" ./figures
go test -c -o "$work/isolation.test" ./isolation

echo "bench: figures, $warmup warm-up + $count round(s) of $benchtime per runtime" >&2
: >"$work/figures.txt"
for ((r = 1 - warmup; r <= count; r++)); do
  if ((r < 1)); then label="warm-up round (discarded)"; else label="round $r/$count"; fi
  echo "bench: $label" >&2
  # Result lines reach the terminal whole (sed -u passes complete lines), not split by progress.
  "$work/figures.test" -test.run '^$' -test.bench . -test.count 1 -test.benchtime "$benchtime" \
    -round "$r" $short | tee "$work/round.txt" | sed -u -n 's/^Benchmark/  &/p' >&2
  # A b.Fatal prints FAIL; the binary may still end with PASS and 0.
  if grep -q -- '--- FAIL' "$work/round.txt"; then
    grep -A3 -- '--- FAIL' "$work/round.txt" >&2
    die "a figure failed in the $label (above): no results written"
  fi
  ((r < 1)) || cat "$work/round.txt" >>"$work/figures.txt"
done

# A twin failing an assertion fails the run before anything is written.
echo "bench: isolation catalogue and work table" >&2
if ! "$work/isolation.test" -test.run '^TestIsolation$' -matrix "$work/isolation.json" >"$work/isolation.log"; then
  cat "$work/isolation.log" >&2
  die "a twin failed the isolation catalogue (above): no results written"
fi
mv "$work/figures.txt" "$out"
mv "$work/isolation.json" "$matrix"

echo "bench: rendering $docs/results.md" >&2
(cd "$root/compare" && go run ./cmd/compare render -results "$out" -matrix "$matrix" -docs "$docs" -repo "$root")

if [[ $mode == smoke ]]; then
  echo "bench: smoke run passed (its results and docs were temporary)" >&2
else
  echo "bench: done: $out, $matrix, $docs/results.md" >&2
fi
