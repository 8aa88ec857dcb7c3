# shellcheck shell=bash
# The eight steps of the talk's build-up: what to say, the command, and the claim it proves.
# Sourced by generate.sh, which provides step, prose, run, hold, peek and claim.
# Commands and prose are quoted heredocs: what is pasted on the page is exactly what ran, and a
# backquote in the prose stays text.

# SPEC's warning for root whose container root is the host's root.
root_warning="mvrc: warning: container root is host root: run as a user, or map a subuid range"

step_1_plain_process() {
  step 1 "A plain process and its PID (as root)"
  prose <<'EOF'
With `--ns ''` mvrc creates no namespace at all: the command is an ordinary process that only
sees another root directory (chroot needs root here, hence `root#`). It waits for Enter, so we
can look at it from a second terminal: its namespaces are the host's own, inode for inode.
EOF
  hold root 'my PID is [0-9]+' step_1_look <<'CMD'
mvrc run --ns '' rootfs/busybox sh -c 'echo "my PID is $$"; read line'
CMD
  claim "its pid, uts, user and mount namespaces are the host's own (the same inodes)" \
    same_namespaces "$plain_ns" "$host_ns"
}

step_1_look() {
  local pid=${held_head//[!0-9]/}
  peek root "ls -l /proc/$pid/ns"
  plain_ns=$out
  peek root "readlink /proc/self/ns/pid /proc/self/ns/uts /proc/self/ns/user /proc/self/ns/mnt"
  host_ns=$out
  press_enter
}

step_2_pid_namespace() {
  step 2 "A PID namespace: refused to a user, granted to root"
  prose <<'EOF'
Creating any namespace but a user namespace needs CAP_SYS_ADMIN. An unprivileged user gets
EPERM from clone(2), and mvrc says what to do about it in one line, with exit status 125:
EOF
  run "$user" <<'CMD'
mvrc run --ns pid rootfs/busybox sh -c 'echo "my PID is $$"'
CMD
  claim "an unprivileged user gets the one-line EPERM error and exit status 125" \
    is "$status/$out" '125/mvrc: creating namespaces: operation not permitted (an unprivileged user needs "user" in --ns)'
  prose <<'EOF'
The same command as root: the shell is PID 1 of a new PID namespace. Without a user namespace
the container's root is the host's root, and mvrc says so, once COMMAND runs:
EOF
  run root <<'CMD'
mvrc run --ns pid rootfs/busybox sh -c 'echo "my PID is $$"'
CMD
  claim "as root the command is PID 1" is "$status/$(grep -vxF "$root_warning" <<<"$out")" "0/my PID is 1"
  claim "root is warned that the container's root is the host's" has "$out" "^${root_warning//[()]/.}\$"
}

step_3_uts_namespace() {
  step 3 "Adding uts: a hostname of its own (as root)"
  prose <<'EOF'
With `uts` the container gets its own hostname, `mvrc` unless `--hostname` says otherwise;
sethostname(2) inside changes nothing outside.
EOF
  run root <<'CMD'
mvrc run --ns pid,uts rootfs/busybox hostname
CMD
  local inside=$out inside_status=$status
  run root <<'CMD'
hostname
CMD
  claim "inside, the hostname is mvrc" is "$inside_status/$(grep -vxF "$root_warning" <<<"$inside")" "0/mvrc"
  claim "the host keeps its own hostname" is "$out" "$(hostname)"
  claim "the host's hostname is not the container's" differ "$out" "$inside"
}

step_4_user_namespace() {
  step 4 "Adding user: rootless, uid 0 inside, the caller outside"
  prose <<'EOF'
A user namespace needs no privilege, and inside it the other namespaces are allowed too. The
parent writes `/proc/PID/uid_map` (`0 <caller's uid> 1`): the command is root inside, and
outside it is still the caller, with no more power on the host than the caller has.
EOF
  hold "$user" '^uid=' step_4_look <<'CMD'
mvrc run --ns user,pid,uts --pid-file container.pid rootfs/busybox sh -c 'id; read line'
CMD
  local uid
  uid=$(id -u "$user")
  claim "inside, the command is uid 0 and gid 0" has "$out" '^uid=0\(root\) gid=0\(root\)'
  claim "on the host, the same process runs as $user (uid $uid)" \
    is "$(status_field "$host_status" Uid)" "$uid"
  claim "the uid map sends uid 0 inside to $uid outside, one id wide" \
    is "$(awk '{ print $1, $2, $3 }' <<<"$host_map")" "0 $uid 1"
  claim "its user namespace is not the host's (the two inodes differ)" \
    differ "$(ns_links "$user_ns" | head -n 1)" "$(ns_links "$user_ns" | tail -n 1)"
}

step_4_look() {
  peek "$user" 'grep Uid /proc/$(cat container.pid)/status'
  host_status=$out
  peek "$user" 'cat /proc/$(cat container.pid)/uid_map'
  host_map=$out
  peek "$user" 'readlink /proc/$(cat container.pid)/ns/user /proc/self/ns/user'
  user_ns=$out
  press_enter
}

step_5_mount_namespace() {
  step 5 "Adding mount: a private /proc"
  prose <<'EOF'
A mount namespace lets the container mount without touching the host: mvrc mounts a fresh
procfs for the new PID namespace, so `ps` (which reads `/proc`) sees only the container.
EOF
  run "$user" <<'CMD'
mvrc run --ns user,mount,pid,uts rootfs/busybox ps
CMD
  claim "inside, ps lists a single process" is "$status/$(process_count "$out")" "0/1"
  claim "and that process is ps itself, as PID 1" has "$out" '^ *1 +root .*ps$'
  local inside
  inside=$(process_count "$out")
  run "$user" <<'CMD'
ps -e | wc -l
CMD
  # Lines less the header, less this pipeline's own bash, ps and wc.
  claim "the host has many more" test $((out - 1 - 3)) -gt "$inside"
}

step_6_rootfs() {
  step 6 "The busybox rootfs, entered with --chroot"
  prose <<'EOF'
From here on, all namespaces (the default). `/` inside is the busybox tree, and nothing else.
Without `mount` mvrc can only chroot(2); with it, mvrc uses pivot_root unless `--chroot`
asks for the old way, which it allows for teaching, with a warning:
EOF
  run "$user" <<'CMD'
mvrc run --chroot rootfs/busybox ls /
CMD
  local inside=$out
  run "$user" <<'CMD'
ls rootfs/busybox
CMD
  claim "mvrc warns that --chroot is escapable" \
    has "$inside" '^mvrc: warning: --chroot is escapable; use it for teaching only$'
  claim "/ inside lists exactly the rootfs directory" is "$(names "$inside")" "$(names "$out")"
}

step_7_escape() {
  step 7 "Why pivot_root: the classic chroot escape"
  prose <<'EOF'
chroot(2) moves `/` but not the working directory. uid 0 in a user namespace may chroot, so a
program can chroot into a subdirectory, `chdir("..")` its way up from outside its new root and
chroot there: back on the host. [escape.c](walkthrough/escape.c) does exactly that, built
static so it runs in the busybox rootfs, and prints a file that only the host has:
EOF
  run "$user" <<'CMD'
gcc -static -O2 -o rootfs/busybox/escape escape.c
CMD
  claim "the escape program builds" is "$status" 0
  local cmd
  printf -v cmd 'mvrc run --chroot rootfs/busybox /escape %s' "$secret"
  run "$user" <<<"$cmd"
  claim "under --chroot, the container reads the host's file" \
    is "$status/$(tail -n 1 <<<"$out")" "0/$(cat "$secret")"
  prose <<'EOF'
The default: pivot_root makes the rootfs the root of the mount namespace and the old root is
detached, so there is nothing above `/` to climb to. The same program finds no such file:
EOF
  printf -v cmd 'mvrc run rootfs/busybox /escape %s' "$secret"
  run "$user" <<<"$cmd"
  claim "with pivot_root, the host's file cannot be reached" \
    is "$status/$out" "1/escape: open $secret: No such file or directory"
}

step_8_pid_inside_outside() {
  step 8 "One process, two PIDs"
  prose <<'EOF'
`sleep` is PID 1 in its namespace and an ordinary process with another PID on the host.
`--pid-file` tells the host which one; `--debug`'s `ready` line comes once the command has
been exec'd, so terminal 2 knows it is looking at `sleep`. `NSpid` in `/proc/PID/status` lists
the process's PID in each namespace, outermost first. A PID 1 ignores signals it has no
handler for, even from the host, except SIGKILL: terminal 2 sends TERM, then KILL.
EOF
  hold "$user" '^mvrc: debug: ready ' step_8_look <<'CMD'
mvrc run --debug --pid-file container.pid rootfs/busybox sleep 600
CMD
  claim "inside, sleep is PID 1" is "$(nspid_inside "$proc_status")" 1
  claim "outside, the same process has another PID, the one in the pid file" \
    is "$(status_field "$proc_status" NSpid)" "$host_pid"
  claim "which is not 1" differ "$host_pid" 1
  claim "on the host it runs as the caller, $user" has "$ps_line" "^ *$host_pid +$user +sleep 600$"
  claim "after SIGTERM from the host, sleep still runs" has "$after_term" "^ *$host_pid +$user +sleep 600$"
  claim "SIGKILL from the host ends the container: mvrc exits 128+9, not 128+15" is "$status" 137
}

step_8_look() {
  peek "$user" 'cat container.pid'
  host_pid=$out
  peek "$user" 'grep -E "^(Name|NSpid|Uid)" /proc/$(cat container.pid)/status'
  proc_status=$out
  peek "$user" 'ps -o pid,user,args -p $(cat container.pid)'
  ps_line=$(tail -n 1 <<<"$out")
  peek "$user" 'kill -TERM $(cat container.pid)'
  peek "$user" 'ps -o pid,user,args -p $(cat container.pid)'
  after_term=$(tail -n 1 <<<"$out")
  peek "$user" 'kill -KILL $(cat container.pid)'
}
