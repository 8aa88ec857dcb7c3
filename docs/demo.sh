#!/usr/bin/env bash
# The talk's live demo (just demo): each step is printed, run against $MVRC (default: the Rust
# twin) and, on a terminal, waits for a key. Off a terminal it runs straight through and checks
# the story it tells, so `just demo </dev/null` fails if the story stops being true.
#
#   MVRC=./go/mvrc just demo
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
# shellcheck source=walkthrough/lib.sh
source docs/walkthrough/lib.sh

MVRC=${MVRC:-./rust/mvrc}
[[ -x $MVRC ]] || { echo "demo: $MVRC not found: run just build" >&2; exit 1; }
[[ -x rootfs/busybox/bin/busybox ]] || { echo "demo: rootfs/busybox not found: run just rootfs" >&2; exit 1; }

# Rootless is the point: run by root, the demo runs its commands as the test user instead
# (without that user, root would pass for "the caller" and the story would prove nothing).
me=$(rootless_user)
id "$me" >/dev/null 2>&1 || { echo "demo: user $me not found: useradd -m $me (see ./bootstrap)" >&2; exit 1; }

# The demo happens in a scratch directory, owned by $me, that looks like the repository's top:
# `mvrc` on PATH (the chosen twin), rootfs/busybox, and room for a pid file. Copies, not links:
# $me may not reach into the repository (a clone under root's 0700 home).
scratch=$(mktemp -d /tmp/mvrc-demo.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/bin" "$scratch/rootfs"
cp "$MVRC" "$scratch/bin/mvrc"
cp -a rootfs/busybox "$scratch/rootfs/busybox"
cp docs/walkthrough/escape.c "$scratch/escape.c"
chmod 755 "$scratch"
chown -R "$me:$(id -gn "$me")" "$scratch"
export MVRC_BIN=$scratch/bin
cd "$scratch"

interactive=false
[[ -t 0 && -t 1 ]] && interactive=true
bold=$'\e[1m' dim=$'\e[2m' plain=$'\e[0m'
$interactive || bold="" dim="" plain=""

# say TEXT: the presenter's line.
say() { printf '\n%s# %s%s\n' "$dim" "$*" "$plain"; }

# pause: on a terminal, wait for a key (the presenter talks meanwhile); otherwise go on.
pause() {
  if $interactive; then
    read -rsn1 -p "${dim}(any key)${plain}" </dev/tty
    printf '\r\e[K'
  fi
}

# show CMD: prints the command as typed, runs it as the caller and prints its output.
# Sets out and status; a failing command does not stop the demo.
show() {
  printf '%s%s %s%s\n' "$bold" "$(prompt "$me")" "$1" "$plain"
  status=0
  out=$(run_as "$me" "$1" 2>&1) || status=$?
  [[ -z $out ]] || printf '%s\n' "$out"
  [[ $status == 0 ]] || printf '%s(exit status %s)%s\n' "$dim" "$status" "$plain"
}

# expect TEXT REGEX WHAT: the demo's own check that it showed WHAT.
broken=0
missed() {
  printf 'demo: did not show: %s\n' "$1" >&2
  broken=1
}
expect() { grep -qE -- "$2" <<<"$1" || missed "$3"; }

version=$(run_as "$me" "mvrc version") || { echo "demo: $me cannot run $MVRC" >&2; exit 1; }
say "Demo: $version on Linux $(uname -r), as $me (uid $(id -u "$me"))"
pause

say "One command: a shell in the busybox rootfs, in every namespace, no root needed."
show "mvrc run rootfs/busybox sh -c 'echo \"PID \$\$\"; id; hostname; ls /'"
expect "$out" '^PID 1$' "the command is PID 1 inside"
expect "$out" '^uid=0\(root\) gid=0\(root\)' "the command is root inside"
expect "$out" '^mvrc$' "the container's hostname"
expect "$out" '^bin$' "the rootfs"
expect "$(tail -n +4 <<<"$out" | paste -sd' ')" "^$(ls rootfs/busybox/ | paste -sd' ')\$" "only the rootfs in /"
pause

say "Its /proc is its own: ps sees the container, and nothing of the host."
show "mvrc run rootfs/busybox ps"
expect "$out" '^ *1 +root .*ps$' "ps inside lists itself as PID 1"
pause

say "And from the host? Terminal 1 holds a container open until Enter..."
cmd="mvrc run --pid-file container.pid rootfs/busybox sh -c 'echo \"inside: PID \$\$, uid \$(id -u)\"; read line'"
printf '%s%s %s%s\n' "$bold" "$(prompt "$me")" "$cmd" "$plain"
HOLD_ECHO="echo" hold_open "$me" "$cmd" '^inside: ' || { kill_held; echo "demo: the container did not start" >&2; exit 1; }
inside=$held_head
pause
say "...while terminal 2 looks at the same process from the host:"
show "ps -o pid,user,args -p \$(cat container.pid)"
host_pid=$(cat container.pid)
expect "$inside" '^inside: PID 1, uid 0$' "PID 1 and uid 0 inside"
expect "$out" "^ *$host_pid +$me " "another PID and the caller's uid on the host"
expect "$host_pid" '^[0-9]+$' "a host PID in the pid file"
[[ $host_pid != 1 ]] || missed "a host PID other than 1"
show "grep NSpid /proc/\$(cat container.pid)/status"
expect "$out" "^NSpid:[[:space:]]+${host_pid}[[:space:]]+1$" "both PIDs of one process in NSpid"
show "hostname"
expect "$out" "^$(hostname)\$" "the host's hostname, unchanged"
say "Enter in terminal 1 ends the container."
press_enter
HOLD_ECHO="echo" release
pause

say "Bad input: one line, and an exit status that says whose fault it was."
show "mvrc run rootfs/nope sh"
expect "$status $out" '^125 mvrc: rootfs "rootfs/nope": no such directory$' "125 for a missing rootfs"
show "mvrc run rootfs/busybox nope"
expect "$status $out" '^127 mvrc: exec "nope": no such file or directory$' "127 for a missing command"
pause

if command -v gcc >/dev/null; then
  say "Why pivot_root: the classic chroot escape, built static into a copy of the rootfs."
  # A copy of $me's own, as a rootless user's rootfs is: the escape writes into it.
  run_as "$me" "cp -a rootfs/busybox/. rootfs/escape &&
    echo 'a line that lives only on the host' >host-secret.txt"
  show "gcc -static -O2 -o rootfs/escape/escape escape.c"
  show "mvrc run --chroot rootfs/escape /escape $scratch/host-secret.txt"
  expect "$out" '^a line that lives only on the host$' "the escape under --chroot"
  show "mvrc run rootfs/escape /escape $scratch/host-secret.txt"
  expect "$status" '^1$' "no escape under pivot_root"
  pause
else
  say "(gcc not found: the chroot escape is skipped; apt-get install build-essential)"
fi

say "That's the story: PID 1, root, its own hostname and rootfs inside; the caller outside."
exit "$broken"
