#!/usr/bin/env bash
# Prints the "code facts" slide body: lines, binary size, dependencies and unsafe code of the
# two twins, measured from the tree and the built binaries (just build), never typed by hand.
#   docs/slides/facts.sh    (run from anywhere; prints Markdown)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# nonblank FILE...: non-blank lines in the files, summed.
nonblank() { cat "$@" /dev/null | grep -c '[^[:space:]]' || true; }

# rust_code FILE...: non-blank lines before each file's `#[cfg(test)]` module.
rust_code() { awk '/^#\[cfg\(test\)\]/ { nextfile } /[^[:space:]]/ { n++ } END { print n + 0 }' "$@"; }

# size FILE: the file's size in MiB, one decimal.
size() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

mapfile -t go_src < <(find go -name '*.go' ! -name '*_test.go' | sort)
mapfile -t go_tests < <(find go -name '*_test.go' | sort)
mapfile -t rust_src < <(find rust/src -name '*.rs' | sort)
mapfile -t rust_tests < <(find rust/tests -name '*.rs' 2>/dev/null | sort)

go_lines=$(nonblank "${go_src[@]}")
rust_lines=$(rust_code "${rust_src[@]}")
go_test_lines=$(nonblank "${go_tests[@]}")
rust_test_lines=$(($(nonblank "${rust_src[@]}" "${rust_tests[@]}") - rust_lines))

# Direct dependencies, as declared; then every third-party module or crate that is linked in.
go_direct=$(cd go && go list -f '{{join .Imports "\n"}}' ./... | sort -u |
  xargs go list -f '{{with .Module}}{{if not .Main}}{{.Path}}{{end}}{{end}}' | sort -u | paste -sd, | sed 's/,/, /g')
go_linked=$(cd go && go list -deps -f '{{with .Module}}{{if not .Main}}{{.Path}}{{end}}{{end}}' ./cmd/mvrc |
  sort -u | awk 'NF' | wc -l)
rust_direct=$(awk '/^\[/ { on = ($0 == "[dependencies]") ; next } on && /^[a-z]/ { print $1 }' rust/Cargo.toml |
  paste -sd, | sed 's/,/, /g')
rust_linked=$(cd rust && cargo tree --locked --offline -e normal --prefix none |
  awk '$1 != "mvrc" { print $1 }' | sort -u | wc -l)

# unsafe: Rust blocks outside tests, and their SAFETY notes; Go files importing package unsafe.
rust_unsafe=$(awk '/^#\[cfg\(test\)\]/ { nextfile } /unsafe[[:space:]]*\{/ { n++ } END { print n + 0 }' "${rust_src[@]}")
rust_safety=$(awk '/^#\[cfg\(test\)\]/ { nextfile } /\/\/ SAFETY:/ { n++ } END { print n + 0 }' "${rust_src[@]}")
go_unsafe=$(grep -l '"unsafe"' "${go_src[@]}" /dev/null | grep -c . || true)

cat <<EOF
| | Go | Rust |
|---|---:|---:|
| source files (without tests) | ${#go_src[@]} | ${#rust_src[@]} |
| lines of code (non-blank, without tests) | $go_lines | $rust_lines |
| lines of tests (non-blank) | $go_test_lines | $rust_test_lines |
| binary size, as built by \`just build\` | $(size go/mvrc) | $(size rust/mvrc) |
| direct dependencies | ${go_direct:-none} | ${rust_direct:-none} |
| third-party modules / crates in the build | $go_linked | $rust_linked |
| \`unsafe\` blocks (Rust) / files importing \`unsafe\` (Go) | $go_unsafe | $rust_unsafe |
| \`// SAFETY:\` notes on them | — | $rust_safety |
EOF
