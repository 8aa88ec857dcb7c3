#!/usr/bin/env bash
# A cross-check of the closing numbers in one command: start-to-exit of go-mvrc and rust-mvrc
# beside unshare(1) + chroot, measured in one hyperfine run, which prints the ratios. The same
# job as the harness (bench/runtimes/runtimes.go): /bin/true in a private copy of the
# busybox rootfs, new user, mount, pid, uts, ipc and net namespaces, as the test user.
# hyperfine reports mean ± σ of single runs; results.md's closing numbers are the harness's
# medians of per-round means, so the two agree closely but not digit for digit.
#
#   bench/hyperfine.sh [RUNS]     (default 200; as root, after just build rootfs)
set -euo pipefail

die() { echo "hyperfine.sh: $*" >&2; exit 1; }

root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-200}
user=${MVRC_TEST_USER:-mvrctest}
[[ $(id -u) -eq 0 ]] || die "run as root: the runtimes run as $user"
id "$user" >/dev/null 2>&1 || die "no user $user: run ./bootstrap"
command -v hyperfine >/dev/null || die "hyperfine not found: run ./bootstrap"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$root/rootfs/busybox" "$work/rootfs"
cp "$root/go/mvrc" "$work/go-mvrc"
cp "$root/rust/mvrc" "$work/rust-mvrc"
chmod 755 "$work"
chown -R "$user:" "$work"

ns=user,mount,pid,uts,ipc,net
cd "$work"
# -N: no shell between hyperfine and the runtime; setpriv: hyperfine and everything it
# starts run as the test user with no supplementary groups, as in the harness.
setpriv --reuid="$user" --regid="$user" --clear-groups env -i PATH="$PATH" HOME="$work" \
  hyperfine -N --warmup 20 --runs "$runs" \
    -n unshare "unshare --user --map-root-user --mount --pid --fork --uts --ipc --net --mount-proc=$work/rootfs/proc chroot $work/rootfs /bin/true" \
    -n go-mvrc "$work/go-mvrc run --ns $ns $work/rootfs /bin/true" \
    -n rust-mvrc "$work/rust-mvrc run --ns $ns $work/rootfs /bin/true"
