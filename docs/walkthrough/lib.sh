# shellcheck shell=bash
# Runs the talk's commands as a chosen user, and holds a container open while the host looks at it.
# Sourced by docs/walkthrough/generate.sh and docs/demo.sh; needs $MVRC_BIN (a directory with `mvrc`).

# The user the rootless steps run as: the caller, or the test user when the caller is root
# (CI runs as root, and a rootless story told by root proves nothing).
rootless_user() {
  if [[ $(id -u) -eq 0 ]]; then
    echo "${MVRC_TEST_USER:-mvrctest}"
  else
    id -un
  fi
}

# prompt WHO: how a command line is shown, so a reader sees who typed it.
prompt() {
  if [[ $1 == root ]]; then echo "root#"; else echo "$1\$"; fi
}

# as_argv WHO CMD: sets argv to run the shell line CMD as WHO (root or a user name), `mvrc`
# first on PATH. Every program in it execs the next, so a job's $! ends up being mvrc itself.
as_argv() {
  local who=$1 cmd=$2
  argv=()
  if [[ $who == root && $(id -u) -ne 0 ]]; then
    argv=(sudo -n)
  elif [[ $who != root && $who != "$(id -un)" ]]; then
    # setpriv, not su: no PAM, no login shell, and the groups are dropped, as for a real user.
    argv=(setpriv --reuid="$(id -u "$who")" --regid="$(id -g "$who")" --clear-groups)
  fi
  argv+=(env PATH="$MVRC_BIN:$PATH" bash -c "$cmd")
}

# run_as WHO CMD: runs CMD as WHO in the foreground.
run_as() {
  as_argv "$1" "$2"
  "${argv[@]}"
}

# How long a held container may take to print its readiness line before the step fails.
# A safety net for a broken twin, not a synchronisation: the readiness line is the sync.
HOLD_TIMEOUT=${HOLD_TIMEOUT:-30}

# hold_open WHO CMD READY: starts CMD in the background (the talk's "terminal 1") with its stdin
# and output on fifos, and returns once a line matching the regex READY has been printed,
# so the host can look at the running container. Sets held_head (the output so far).
# Output lines are also passed to $HOLD_ECHO (a command, e.g. `echo`) as they arrive.
hold_open() {
  local who=$1 cmd=$2 ready=$3 line
  held_dir=$(mktemp -d)
  chmod 755 "$held_dir"
  mkfifo -m 666 "$held_dir/in" "$held_dir/out"
  as_argv "$who" "$cmd"
  "${argv[@]}" <"$held_dir/in" >"$held_dir/out" 2>&1 &
  held_pid=$!
  # Opening a fifo blocks until both ends are open: this pairs us with the job above.
  exec {held_in}>"$held_dir/in" {held_out}<"$held_dir/out"
  held_head=""
  while IFS= read -r -t "$HOLD_TIMEOUT" -u "$held_out" line; do
    held_head+=$line$'\n'
    ${HOLD_ECHO:-true} "$line"
    [[ $line =~ $ready ]] && return 0
  done
  return 1
}

# look WHO CMD: runs CMD while a container is held ("terminal 2"), without our end of its stdin.
look() {
  as_argv "$1" "$2"
  "${argv[@]}" {held_in}>&- {held_out}<&-
}

# press_enter: what a person in terminal 1 does when terminal 2 is done looking.
press_enter() {
  printf '\n' >&"$held_in"
}

# release: closes the held container's stdin (a `read` in it returns), collects the rest of its
# output into held_tail and its exit status into held_status. kill_held first if it must die.
release() {
  local line
  exec {held_in}>&-
  held_tail=""
  while IFS= read -r -u "$held_out" line; do
    held_tail+=$line$'\n'
    ${HOLD_ECHO:-true} "$line"
  done
  exec {held_out}<&-
  held_status=0
  wait "$held_pid" || held_status=$?
  rm -rf "$held_dir"
}

# kill_held: for a step that failed while holding: mvrc dies, and takes its container with it.
kill_held() {
  kill -KILL "$held_pid" 2>/dev/null || true
  release
}
