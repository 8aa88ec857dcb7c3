#!/usr/bin/env bash
# Builds the exec hop (src/hop.c) for each architecture into hop-ARCH, the files both twins embed:
# no libc, static, stripped, one read+execute segment. `just hop` runs this; the committed
# files must equal a fresh build (hop_test.go checks the native one).
#
#   hop/build.sh [OUTDIR]    (default: hop/; needs gcc, and gcc-aarch64-linux-gnu for aarch64)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
flags=(-static -nostdlib -Os -fno-stack-protector -fno-asynchronous-unwind-tables -fno-pie -no-pie
  -Wall -Wextra -Werror -Wl,--build-id=none -Wl,-z,noseparate-code -Wl,-z,norelro -s)
gcc "${flags[@]}" -fcf-protection=none -o "$out/hop-x86_64" "$here/src/hop.c"
aarch64-linux-gnu-gcc "${flags[@]}" -mbranch-protection=none -o "$out/hop-aarch64" "$here/src/hop.c"
