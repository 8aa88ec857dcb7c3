#!/usr/bin/env bash
# Regenerates README.md's generated parts from real runs: the output under each `$ ` command of
# the examples block (between `<!-- examples -->` and `<!-- end examples -->`), run as the
# rootless user in a copy of the repository's top (both twins, rootfs/busybox, testdata), and
# the `just --list` copy. CI runs it and then .ci/docdiff README.md: an example that stops
# running as written, or prints something else, fails.
#
#   docs/readme/examples.sh
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
# shellcheck source=../walkthrough/lib.sh
source docs/walkthrough/lib.sh

die() {
  echo "readme: $*" >&2
  exit 1
}
[[ -x go/mvrc && -x rust/mvrc ]] || die "go/mvrc or rust/mvrc missing: run just build"
[[ -x rootfs/busybox/bin/busybox ]] || die "rootfs/busybox missing: run just rootfs"
me=$(rootless_user)
id "$me" >/dev/null 2>&1 || die "user $me not found (see ./bootstrap)"

scratch=$(mktemp -d /tmp/mvrc-readme.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/go" "$scratch/rust" "$scratch/rootfs" "$scratch/bin"
cp go/mvrc "$scratch/go/mvrc"
cp rust/mvrc "$scratch/rust/mvrc"
cp -a rootfs/busybox "$scratch/rootfs/busybox"
cp -a testdata "$scratch/testdata"
chmod 755 "$scratch"
chown -R "$me:$(id -gn "$me")" "$scratch"
export MVRC_BIN=$scratch/bin

# examples: README.md on stdin, with each example's output replaced by a real run's.
examples() {
  local line inside=false fence=false
  while IFS= read -r line; do
    case $line in
      "<!-- examples -->") inside=true ;;
      "<!-- end examples -->") inside=false ;;
    esac
    if $inside && [[ $line == '```'* ]]; then
      $fence && fence=false || fence=true
    fi
    if $inside && $fence && [[ $line == '$ '* ]]; then
      printf '%s\n' "$line"
      # shellcheck disable=SC2016 # the example is the user's shell line, run as written
      (cd "$scratch" && run_as "$me" "${line#\$ }" 2>&1) || true
      skip=true
      continue
    fi
    if ${skip:-false}; then
      # The old output runs until a blank line or the fence's end.
      if [[ -z $line || $line == '```'* ]]; then skip=false; else continue; fi
    fi
    printf '%s\n' "$line"
  done
}

# just_list: the `just --list` block brought up to date.
just_list() {
  awk -v list="$(just --list | tail -n +2)" '
    prev == "`just --list`:" && /^$/ { print; getline; print; print list; skip = 1; prev = ""; next }
    skip && /^```$/ { skip = 0 }
    skip { next }
    { print; if (/[^ ]/) prev = $0 }
  '
}

examples <README.md | just_list >README.md.tmp
mv README.md.tmp README.md
echo "readme: README.md's examples and recipe list regenerated"
