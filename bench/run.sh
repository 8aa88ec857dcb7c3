#!/usr/bin/env bash
# just bench: measure every runtime (go test -bench), check its isolation (the catalogue),
# then render docs/results.md and docs/charts with the compare step.
#
#   bench/run.sh [COUNT]   COUNT rounds per figure (default 10, at least 6: benchmath's 95%
#                          CI needs 6) → bench/results/<UTC>.txt (benchfmt) and
#                          <UTC>.isolation.json, then docs/
#   bench/run.sh smoke     one iteration of everything (a throughput round: one container per
#                          slot) into temp dirs: the same code, for CI, and nothing committed
#                          is rewritten
#
# Progress goes to stderr; BENCHTIME (default 500ms) is the go test -benchtime of a round.
set -euo pipefail

die() { echo "bench: $*" >&2; exit 1; }

bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
mode=${1:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ $mode == smoke ]]; then
  count=1 benchtime=1x short=-test.short
  results=$work/results docs=$work/docs
  mkdir -p "$results" "$docs"
elif [[ $mode =~ ^[1-9][0-9]*$ ]]; then
  ((mode >= 6)) || die "COUNT $mode is too few rounds: a 95% confidence interval needs at least 6 (default 10)"
  count=$mode benchtime=${BENCHTIME:-500ms} short=
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

echo "bench: figures, $count round(s) of $benchtime per runtime → $out" >&2
# Result lines reach the terminal whole (sed -u passes complete lines), not split by progress.
# The file is written in $work first: a failed run leaves nothing in bench/results.
"$work/figures.test" -test.run '^$' -test.bench . -test.count "$count" -test.benchtime "$benchtime" \
  $short | tee "$work/figures.txt" | sed -u -n 's/^Benchmark/  &/p' >&2
# A b.Fatal in one round of -count > 1 prints FAIL yet the binary ends with PASS and 0.
if grep -q -- '--- FAIL' "$work/figures.txt"; then
  grep -A3 -- '--- FAIL' "$work/figures.txt" >&2
  die "a figure round failed (above): no results written"
fi
mv "$work/figures.txt" "$out"

# A twin failing an assertion fails the run, but only after the matrix is rendered.
echo "bench: isolation catalogue → $matrix" >&2
isolation=0
"$work/isolation.test" -test.run '^TestIsolation$' -matrix "$matrix" >"$work/isolation.log" || isolation=$?
[[ $isolation -eq 0 ]] || cat "$work/isolation.log" >&2

echo "bench: rendering $docs/results.md" >&2
(cd "$root/compare" && go run ./cmd/compare render -results "$out" -matrix "$matrix" -docs "$docs" -repo "$root")

[[ $isolation -eq 0 ]] || die "a twin failed the isolation catalogue (see above)"
if [[ $mode == smoke ]]; then
  echo "bench: smoke run passed (its results and docs were temporary)" >&2
else
  echo "bench: done: $out, $matrix, $docs/results.md" >&2
fi
