#!/usr/bin/env bash
# Prints the "code facts" slide body: lines, binary size, dependencies and unsafe code of the
# two twins, measured from the tree and the built binaries (just build), never typed by hand;
# what docs/results.md also shows is taken from there.
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

# Files, lines, binary sizes and direct dependencies have one source: the Code facts table of
# docs/results.md (compare's facts package, re-rendered by just results), so slide and page agree.
# results_fact TWIN COLUMN: a cell of that table (2 binary, 3 lines, 4 files, 5 dependencies).
results_fact() {
  awk -F' *[|] *' -v twin="$1" -v col="$2" '
    /^## Code facts/ { on = 1; next }
    on && /^## / { on = 0 }
    on && $2 == twin { print $(col + 1); found = 1; exit }
    END { if (!found) exit 1 }
  ' docs/results.md || { echo "facts: no $1 row in docs/results.md's Code facts (just results)" >&2; exit 1; }
}
# deps TWIN: the direct dependencies' short names.
deps() { results_fact "$1" 5 | sed -E 's/^[0-9]+: //; s#(github\.com/[^/]+|golang\.org)/##g'; }
count() { results_fact "$1" 5 | sed -E 's/:.*//'; }
mib() { results_fact "$1" 2 | sed -E 's/([0-9.]+)MiB/\1 MiB/'; }

cat <<EOF
| | Go | Rust |
|---|---:|---:|
| source files (without tests) | $(results_fact go-mvrc 4) | $(results_fact rust-mvrc 4) |
| lines of code (non-blank, without tests) | $(results_fact go-mvrc 3) | $(results_fact rust-mvrc 3) |
| lines of tests (non-blank) | $go_test_lines | $rust_test_lines |
| binary size, as built by \`just build\` | $(mib go-mvrc) | $(mib rust-mvrc) |
| direct dependencies | $(count go-mvrc) | $(count rust-mvrc) |
| third-party modules / crates in the build | $go_linked | $rust_linked |
| \`unsafe\` blocks (Rust) / files importing \`unsafe\` (Go) | $go_unsafe | $rust_unsafe |
| \`// SAFETY:\` notes on them | — | $rust_safety |

Direct dependencies: Go $(deps go-mvrc); Rust $(deps rust-mvrc).
EOF
