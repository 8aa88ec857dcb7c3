#!/usr/bin/env bash
# The talk's live demo (just demo), in the talk's order: a PID, a PID namespace, the hostname
# that needs root, the user namespace that makes it rootless, the mount namespace, the busybox
# rootfs, chroot, and a container seen from a second terminal. Each step is one short command
# and its output, run against $MVRC (default: the Rust twin).
#
#   just demo                   on a terminal: waits for a key between steps; with tmux, the
#                               last step is two panes (container left, host right)
#   just demo </dev/null        check mode (CI): runs straight through and fails if a step
#                               stops showing what the talk says; the panes are shown at the end
#   MVRC=./go/mvrc just demo    the Go twin
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
# shellcheck source=walkthrough/lib.sh
source docs/walkthrough/lib.sh

MVRC=${MVRC:-./rust/mvrc}
# Built only when missing, and quietly: the demo shows the talk, not a compiler.
if [[ ! -x $MVRC ]]; then
  case $MVRC in
    *go/mvrc) recipe=build-go ;;
    *) recipe=build-rust ;;
  esac
  just "$recipe" >/dev/null 2>&1 || { echo "demo: $MVRC missing and just $recipe failed" >&2; exit 1; }
fi
[[ -x rootfs/busybox/bin/busybox ]] || just rootfs >/dev/null 2>&1 ||
  { echo "demo: rootfs/busybox missing and just rootfs failed" >&2; exit 1; }

# Rootless is the point: run by root, the demo runs its user's commands as the test user
# (without that user, root would pass for "the caller" and the story would prove nothing).
me=$(rootless_user)
id "$me" >/dev/null 2>&1 || { echo "demo: user $me not found: useradd -m $me (see ./bootstrap)" >&2; exit 1; }

interactive=false
[[ -t 0 && -t 1 ]] && interactive=true
panes=false
command -v tmux >/dev/null && panes=true

# On a terminal with tmux, the demo runs in a tmux session of its own, so that the last step
# can open the host's pane next to it.
if $interactive && $panes && [[ -z ${TMUX:-} ]]; then
  exec tmux new-session -s "mvrc-demo-$$" -e MVRC="$MVRC" -e MVRC_TEST_USER="$me" "$0"
fi

# The demo happens in a short, stable directory owned by $me that looks like the repository's
# top: `mvrc` on PATH (the chosen twin) and rootfs/busybox. Copies, not links: $me may not
# reach into the repository (a clone under root's 0700 home).
scratch=/tmp/mvrc-demo.$me
rm -rf "$scratch"
mkdir -p "$scratch/bin" "$scratch/rootfs"
cp "$MVRC" "$scratch/bin/mvrc"
cp -a rootfs/busybox "$scratch/rootfs/busybox"
chmod 755 "$scratch"
chown -R "$me:$(id -gn "$me")" "$scratch"
export MVRC_BIN=$scratch/bin
cd "$scratch"

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

# show [WHO] CMD: prints the command as typed by WHO (default: the user), runs it and prints
# its output. Sets out and status; a failing command does not stop the demo.
show() {
  local who=$me
  (($# == 2)) && { who=$1; shift; }
  printf '%s%s %s%s\n' "$bold" "$(prompt "$who")" "$1" "$plain"
  status=0
  out=$(run_as "$who" "$1" 2>&1) || status=$?
  out=${out//$'\r'/} # a terminal's line ends, under -t
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

tty_flags=""
run_as "$me" "mvrc run --help" 2>&1 | grep -q -- '--tty' && tty_flags="-it "
version=$(run_as "$me" "mvrc version") || { echo "demo: $me cannot run $MVRC" >&2; exit 1; }
say "$version, Linux $(uname -r), as $me (uid $(id -u "$me"))"

say "The talk opens with Docker: a daemon, an image, a shell."
printf '%s$ docker run -it busybox /bin/sh%s\n' "$bold" "$plain"
say "mvrc's equivalent: no daemon, no root, a directory as the image."
opening_flags=""
$interactive && opening_flags=$tty_flags
show "mvrc run ${opening_flags}rootfs/busybox /bin/sh -c 'hostname; id'"
expect "$out" '^mvrc$' "the container's hostname"
expect "$out" '^uid=0\(root\) gid=0\(root\)' "root inside"
pause

say "1. Every process has a PID."
show "sh -c 'echo \"my PID is \$\$\"'"
expect "$out" '^my PID is [0-9]+$' "a process's PID"
[[ $out != "my PID is 1" ]] || missed "a host PID other than 1"
pause

say "2. A PID namespace: its first process is PID 1. A user may not make one..."
pidns="mvrc run --ns pid rootfs/busybox sh -c 'echo \"my PID is \$\$\"'"
show "$pidns"
expect "$status $out" '^125 mvrc: creating namespaces: operation not permitted' "a PID namespace refused to a user"
say "...root may."
show root "$pidns"
expect "$out" '^my PID is 1$' "PID 1 in a PID namespace"
pause

say "3. Changing the hostname needs root; a uts namespace keeps it inside."
show "hostname demo"
expect "$status" '^[1-9]' "hostname refused to a user"
show root "mvrc run --ns pid,uts --hostname demo rootfs/busybox hostname"
expect "$out" '^demo$' "the container's own hostname"
show "hostname"
expect "$out" "^$(hostname)\$" "the host's hostname, unchanged"
pause

say "4. A user namespace, our uid mapped to 0 inside: we're rootless."
show "mvrc run --ns user,pid,uts rootfs/busybox sh -c 'id; hostname'"
expect "$out" '^uid=0\(root\) gid=0\(root\)' "uid 0 inside, for a user"
expect "$out" '^mvrc$' "a hostname of its own, for a user"
pause

say "5. A mount namespace: a /proc of its own, so ps sees only the container."
show "mvrc run --ns user,mount,pid,uts rootfs/busybox ps"
expect "$out" '^ *1 +root .*ps$' "ps inside lists itself as PID 1"
[[ $(grep -c . <<<"$out") == 2 ]] || missed "only ps in the container's /proc"
pause

say "6. An extracted busybox rootfs: a directory, one static binary and its links."
show "ls rootfs/busybox"
expect "$out" '^bin$' "the rootfs's /bin"
show "ls -l rootfs/busybox/bin | head -n 3"
expect "$out" 'busybox' "the busybox binary"
pause

say "7. chroot and chdir into it: / is the rootfs."
show "mvrc run --chroot rootfs/busybox ls /"
expect "$(grep -v '^mvrc: warning' <<<"$out" | paste -sd' ')" "^$(ls rootfs/busybox | paste -sd' ')\$" "only the rootfs in /"
pause

say "8. It thinks it's root, and the host's programs are not there."
show "mvrc run rootfs/busybox sh -c 'whoami; ls /usr/bin/bash'"
expect "$out" '^root$' "root inside"
expect "$out" "can't access|No such file" "no host programs inside"
show "ls /usr/bin/bash"
expect "$out" '^/usr/bin/bash$' "bash on the host"
pause

# The sleep step: a container's shell runs `sleep 1000 &`, and a second terminal on the host
# finds it. Both terminals are typed by send_keys; wait_for reads what a pane shows.
container_cmd="mvrc run ${tty_flags}rootfs/busybox /bin/sh"
[[ -n $tty_flags ]] || container_cmd+=" -i"
host_steps=(
  "ps -eaf | grep sleep"
  "P=\$(pgrep -nx -u $me sleep); echo \$P"
  "ls -l /proc/\$P/ns"
  "paste <(readlink /proc/\$P/ns/*) <(readlink /proc/self/ns/*)"
  "grep -E '^(Uid|NSpid)' /proc/\$P/status"
  "cat /proc/\$P/uid_map"
)

# pane_shell WHO: a shell line that starts an interactive host shell as WHO, prompt "host$ ".
pane_shell() {
  as_argv "$1" "PS1='host\$ ' exec bash --norc --noprofile -i"
  printf '%q ' "${argv[@]}"
}

# wait_for PANE REGEX: until the pane shows a line matching REGEX (10 s at most).
wait_for() {
  local i
  for ((i = 0; i < 100; i++)); do
    tmux "${sock[@]}" capture-pane -p -t "$1" | grep -qE -- "$2" && return 0
    sleep 0.1
  done
  return 1
}

# type_in PANE LINE READY: types LINE and Enter into PANE, then waits for READY.
type_in() {
  tmux "${sock[@]}" send-keys -t "$1" -l -- "$2"
  tmux "${sock[@]}" send-keys -t "$1" Enter
  wait_for "$1" "$3" || missed "pane $1: '$2' did not show /$3/"
}

# sleep_step LEFT RIGHT: the second-terminal scene, typed into the two panes.
sleep_step() {
  local left=$1 right=$2 step
  wait_for "$left" '[#$] ?$' || missed "a shell prompt in the container"
  type_in "$left" "sleep 1000 &" '[#$] ?$'
  type_in "$left" "ps" 'sleep 1000'
  wait_for "$right" 'host\$ ?$' || missed "a shell prompt on the host"
  for step in "${host_steps[@]}"; do
    $interactive && sleep 1
    type_in "$right" "$step" 'host\$ ?$'
  done
}

# check_panes LEFT RIGHT: what the two panes must show once the sleep step is done.
check_panes() {
  local left right host_pid
  left=$(tmux "${sock[@]}" capture-pane -p -J -S - -t "$1")
  right=$(tmux "${sock[@]}" capture-pane -p -J -S - -t "$2")
  printf '\n%s--- container pane ---%s\n%s\n' "$dim" "$plain" "$(sed '/^$/d' <<<"$left")"
  printf '%s--- host pane ---%s\n%s\n' "$dim" "$plain" "$(sed '/^$/d' <<<"$right")"
  expect "$left" '^ *1 +root +/bin/sh' "the container's shell is PID 1 inside"
  expect "$left" '^ *[0-9]+ +root +sleep 1000' "sleep inside, run by root"
  host_pid=$(sed -n 's/^host\$ P=.*//; /^[0-9][0-9]*$/p' <<<"$right" | head -n 1)
  expect "$host_pid" '^[0-9]+$' "the host PID of sleep"
  expect "$right" "^$me +$host_pid .*sleep 1000" "sleep on the host, run by $me"
  expect "$right" "^NSpid:[[:space:]]+$host_pid[[:space:]]+[0-9]+\$" "both PIDs of sleep in NSpid"
  expect "$right" "^Uid:[[:space:]]+$(id -u "$me")[[:space:]]" "the caller's uid, seen from the host"
  expect "$right" "^ +0 +$(id -u "$me") +1\$" "the uid map: 0 inside is the caller outside"
  expect "$right" 'pid -> .pid:\[[0-9]+\]' "ls -l /proc/PID/ns"
  grep -E '^pid:\[[0-9]+\][[:space:]]+pid:\[[0-9]+\]$' <<<"$right" | grep -qvE '^(pid:\[[0-9]+\])[[:space:]]+\1$' ||
    missed "another pid namespace than the host's"
}

say "9. One container, two terminals: a shell inside, the host beside it."
if $panes && $interactive; then
  # Left: this pane runs the container; right: a host shell. Keys are typed for the presenter;
  # 'exit' in the container's shell ends the step.
  sock=()
  right=$(tmux split-window -h -d -P -F '#{pane_id}' "$(pane_shell "$me")")
  printf '%s%s %s%s\n' "$bold" "$(prompt "$me")" "$container_cmd" "$plain"
  (sleep_step "$TMUX_PANE" "$right") &
  run_as "$me" "$container_cmd" || true
  tmux kill-pane -t "$right" 2>/dev/null || true
elif $panes; then
  # Check mode: the same two panes in a tmux server of our own, 160x50.
  sock=(-L "mvrc-demo-$$")
  trap 'tmux "${sock[@]}" kill-server 2>/dev/null || true' EXIT
  as_argv "$me" "$container_cmd"
  tmux "${sock[@]}" new-session -d -x 160 -y 50 -s demo "$(printf '%q ' "${argv[@]}")"
  tmux "${sock[@]}" set-option -g remain-on-exit on >/dev/null
  left=$(tmux "${sock[@]}" display-message -p -t demo '#{pane_id}')
  right=$(tmux "${sock[@]}" split-window -h -d -P -F '#{pane_id}' -t demo "$(pane_shell "$me")")
  printf '%s%s %s%s\n' "$bold" "$(prompt "$me")" "$container_cmd" "$plain"
  sleep_step "$left" "$right"
  check_panes "$left" "$right"
  tmux "${sock[@]}" send-keys -t "$left" -l exit
  tmux "${sock[@]}" send-keys -t "$left" Enter
  for ((i = 0; i < 100; i++)); do
    [[ $(tmux "${sock[@]}" display-message -p -t "$left" '#{pane_dead}' 2>/dev/null) != 0 ]] && break
    sleep 0.1
  done
  ((i < 100)) || missed "the container's end at exit"
  tmux "${sock[@]}" kill-server 2>/dev/null || true
else
  say "(tmux not found: both terminals in one; apt-get install tmux for two panes)"
  cmd="mvrc run rootfs/busybox sh -c 'sleep 1000 & echo \"sleep is PID \$!\"; read x'"
  printf '%s%s %s%s\n' "$bold" "$(prompt "$me")" "$cmd" "$plain"
  HOLD_ECHO="echo" hold_open "$me" "$cmd" '^sleep is PID' || { kill_held; echo "demo: the container did not start" >&2; exit 1; }
  expect "$held_head" '^sleep is PID [0-9]+$' "sleep's PID inside"
  say "From a second terminal:"
  for step in "${host_steps[@]}"; do
    [[ $step != P=* ]] || continue
    show "${step//\$P/\$(pgrep -nx -u $me sleep)}"
  done
  expect "$(run_as "$me" "ps -eaf | grep sleep")" "^$me .*sleep 1000" "sleep on the host, run by $me"
  press_enter
  release
fi
pause

say "PID 1 and root inside, the caller outside: no daemon, no setuid."
exit "$broken"
