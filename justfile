# mvrc — the front door. `just --list` describes every recipe.
set shell := ["bash", "-euo", "pipefail", "-c"]

# twin used by run/demo/walkthrough: MVRC=./go/mvrc or ./rust/mvrc
export MVRC := env_var_or_default("MVRC", "./rust/mvrc")

# list the recipes
default:
    @just --list

# build both twins: ./go/mvrc and ./rust/mvrc
build: build-go build-rust

# build the Go twin into ./go/mvrc (static and stripped, like the Rust release build)
build-go:
    cd go && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o mvrc.new ./cmd/mvrc && mv mvrc.new mvrc

# The C runtime is linked in statically, like the Go twin: no dynamic loader at each start
# (measured 1.46x -> 1.27x the C floor). The explicit --target keeps the flag off the
# proc-macros, which must stay dynamic libraries.
# build the Rust twin (release, static) into ./rust/mvrc
build-rust:
    cd rust && target=$(rustc -vV | sed -n 's/^host: //p') && \
      RUSTFLAGS='-C target-feature=+crt-static' cargo build --release --locked --quiet --target "$target" && \
      cp "target/$target/release/mvrc" mvrc.new && mv mvrc.new mvrc

# rebuild the exec hop both twins embed (hop/hop-x86_64, hop/hop-aarch64) from hop/src/hop.c
hop:
    ./hop/build.sh

# build the busybox root filesystem in rootfs/busybox (offline, from Debian's busybox-static)
rootfs:
    ./rootfs/build.sh rootfs/busybox

# make rootfs/NAME from a `docker export` tarball, safely (no escapes, no device nodes)
rootfs-from FILE NAME="imported":
    go run ./rootfs/cmd/rootfs-from {{quote(FILE)}} rootfs/{{quote(NAME)}}

# run a container with $MVRC (default ./rust/mvrc): just run rootfs/busybox sh
[positional-arguments]
run *ARGS: ready
    @"$MVRC" run "$@"

# builds $MVRC and rootfs/busybox only when missing, quietly (no Go or Rust needed otherwise)
[private]
ready:
    @[[ -x "$MVRC" ]] || just "build-$(case "$MVRC" in *go/mvrc) echo go;; *) echo rust;; esac)" >/dev/null
    @[[ -x rootfs/busybox/bin/busybox ]] || just rootfs >/dev/null

# the talk's demo in its order, against $MVRC; tmux: two panes; no terminal: checks each step
demo:
    @./docs/demo.sh

# every test: both twins' unit tests, the tools' tests, then the conformance and isolation suites against both
test: build rootfs
    cd go && go test ./...
    cd rust && cargo test --locked --quiet
    go test ./rootfs/... ./compare/... ./hop/...
    cd bench && go test -count=1 ./...

# gofmt, go vet, cargo fmt --check, clippy -D warnings
lint:
    test -z "$(gofmt -l go bench compare rootfs seccomp hop)" || { gofmt -l go bench compare rootfs seccomp hop; exit 1; }
    go vet ./go/... ./bench/... ./compare/... ./rootfs/... ./seccomp/... ./hop/...
    cd rust && cargo fmt --check && cargo clippy --locked --all-targets --quiet -- -D warnings

# the cgroup v2 limits and a conformance slice on Debian 12's kernel under qemu (TESTS: a -test.run regexp)
test-vm TESTS="": build rootfs
    ./vm/run.sh {{quote(TESTS)}}

# start latency, resources and isolation of both twins and the peers; writes bench/results and docs/results.md
bench count="10": build rootfs
    ./bench/run.sh {{count}}

# re-render docs/results.md and docs/charts from the newest committed bench results (measures nothing)
results: build
    latest=$(ls bench/results/*.txt | sort | tail -n 1) && cd compare && go run ./cmd/compare render \
      -results "../$latest" -matrix "../${latest%.txt}.isolation.json" -docs ../docs -repo ..

# benchstat-style A/B of two result files
compare OLD NEW:
    go run ./compare/cmd/compare ab {{quote(OLD)}} {{quote(NEW)}}

# quick bench run for CI: every runtime once, checks the harness works, measures nothing
bench-smoke: build rootfs
    ./bench/run.sh smoke

# regenerate docs/walkthrough.md from real runs; fails if a step no longer shows its claim
walkthrough: build rootfs
    ./docs/walkthrough/generate.sh

# docs/quiz.xlsx (Kahoot's import spreadsheet) from docs/quiz.md; fails on a line over Kahoot's limits
quiz:
    go run ./compare/cmd/quiz -in docs/quiz.md -out docs/quiz.xlsx

# regenerate docs/slides/go-vs-rust.md from the code and results, render HTML and previews
slides: build
    ./docs/slides/generate.sh
