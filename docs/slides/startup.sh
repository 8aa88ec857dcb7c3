#!/usr/bin/env bash
# Measures where each twin's start goes, from a real run, and writes docs/slides/startup.md:
# the slides "Where Go's time goes" and "--init: who is PID 2?", which generate.sh puts in
# place of template.md's `<!-- startup -->`. Each figure is the median of N interleaved runs
# of `run --debug rootfs/busybox /bin/true` (the --debug steps of design.md), next to the whole
# run of each twin, of `mvrc version`, of the C floor (bench/floor/floor.c) and of a static C
# program that does nothing; the "× floor" is the median of the per-round ratios, as in the bench.
#
#   docs/slides/startup.sh [N]   (default 101; needs just build and just rootfs)
#
# As root, the twins run as MVRC_TEST_USER (default mvrctest), as in the bench.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD

die() {
  echo "startup: $*" >&2
  exit 1
}

runs=${1:-101}
rootfs=rootfs/busybox
[[ -x go/mvrc && -x rust/mvrc ]] || die "go/mvrc or rust/mvrc missing: run just build"
[[ -x $rootfs/bin/true ]] || die "$rootfs missing: run just rootfs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
gcc -static -O2 -o "$work/bin-floor" bench/floor/floor.c
(cd bench && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$work/bin-gofloor" ./floor/gofloor)
echo 'int main(void) { return 0; }' | gcc -static -O2 -x c -o "$work/bin-noop" -
as_user=()
if [[ $(id -u) -eq 0 ]]; then
  user=${MVRC_TEST_USER:-mvrctest}
  as_user=(setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --clear-groups --)
  chown "$user" "$work"
fi

# The harness: N rounds; in each, every "NAME=COMMAND ARG..." once, in turn; prints "NAME MS"
# per run (the wall time of spawn to exit) and appends each run's stderr to NAME.debug.
cat >"$work/harness.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
extern char **environ;
int main(int argc, char **argv) {
	int rounds = atoi(argv[1]);
	for (int r = 0; r < rounds; r++)
		for (int c = 2; c < argc; c++) {
			char *name = strdup(argv[c]), *cmd = strchr(name, '='), *args[16], debug[256];
			int n = 0, status;
			*cmd++ = 0;
			for (char *a = strtok(cmd, " "); a && n < 15; a = strtok(NULL, " ")) args[n++] = a;
			args[n] = NULL;
			snprintf(debug, sizeof debug, "%s.debug", name);
			posix_spawn_file_actions_t fa;
			posix_spawn_file_actions_init(&fa);
			posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
			posix_spawn_file_actions_addopen(&fa, 2, debug, O_WRONLY | O_CREAT | O_APPEND, 0644);
			struct timespec t0, t1;
			pid_t pid;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if (posix_spawn(&pid, args[0], &fa, NULL, args, environ) || waitpid(pid, &status, 0) < 0 || status)
				return fprintf(stderr, "%s failed\n", args[0]), 1;
			clock_gettime(CLOCK_MONOTONIC, &t1);
			printf("%s %.3f\n", name, (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
			free(name);
		}
	return 0;
}
C
gcc -O2 -o "$work/harness" "$work/harness.c"

echo "startup: $runs interleaved runs of each figure" >&2
load=$(cut -d' ' -f1 /proc/loadavg)
(cd "$work" && "${as_user[@]}" ./harness "$runs" base="$work/bin-noop" floor="$work/bin-floor $root/$rootfs /bin/true" \
  gofloor="$work/bin-gofloor $root/$rootfs /bin/true" \
  go="$root/go/mvrc run --debug $root/$rootfs /bin/true" go-version="$root/go/mvrc version" \
  rust="$root/rust/mvrc run --debug $root/$rootfs /bin/true" rust-version="$root/rust/mvrc version") >"$work/walls" ||
  die "a run failed: $(cat "$work"/*.debug | tail -3)"
for name in base floor gofloor go go-version rust rust-version; do
  awk -v n="$name" '$1 == n { print $2 }' "$work/walls" >"$work/$name"
done

# median FILE: the median of a file of numbers, one a line.
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# step TWIN STEP: the median of a --debug step over the runs.
step() {
  sed -n "s/^mvrc: debug: $2 \([0-9.]*\)ms$/\1/p" "$work/$1.debug" >"$work/step"
  median "$work/step"
}
# setup TWIN: the child's steps between its runtime and the exec, summed per run.
setup() {
  awk '/^mvrc: debug: (hostname|rootfs|network|identity) / { sub(/ms$/, "", $4); s += $4 }
       /^mvrc: debug: ready / { print s; s = 0 }' "$work/$1.debug" >"$work/step"
  median "$work/step"
}

# rest TWIN: per run, `ready` less every step before it: hand-offs and waits between parent
# and child (and between a Go process's threads), COMMAND's execve.
rest() {
  awk '/^mvrc: debug: / { sub(/ms$/, "", $4) }
       /^mvrc: debug: (spec|clone|signals|idmap|child-runtime|hostname|rootfs|network|identity) / { s += $4 }
       /^mvrc: debug: ready / { print $4 - s; s = 0 }' "$work/$1.debug" >"$work/step"
  median "$work/step"
}

declare -A fig
for twin in go rust; do
  fig[$twin-version]=$(median "$work/$twin-version")
  fig[$twin-run]=$(median "$work/$twin")
  for s in spec clone signals idmap child-runtime ready; do fig[$twin-$s]=$(step "$twin" "$s"); done
  fig[$twin-setup]=$(setup "$twin")
  fig[$twin-rest]=$(rest "$twin")
  # Each round prints its runs in turn: the twin's run over the floor's of the same round.
  awk -v t="$twin" '$1 == "floor" { f = $2 } $1 == t { printf "%.4f\n", $2 / f }' "$work/walls" >"$work/ratio"
  fig[$twin-ratio]=$(median "$work/ratio")
done
floor=$(median "$work/floor")
gofloor=$(median "$work/gofloor")
awk '$1 == "floor" { f = $2 } $1 == "gofloor" { printf "%.4f\n", $2 / f }' "$work/walls" >"$work/ratio"
gofloor_ratio=$(median "$work/ratio")
# mvrc's own work in each language: the twin's run over its language's floor, per round.
awk '$1 == "gofloor" { f = $2 } $1 == "go" { printf "%.4f\n", $2 / f }' "$work/walls" >"$work/ratio"
go_over=$(median "$work/ratio")
awk '$1 == "floor" { f = $2 } $1 == "rust" { printf "%.4f\n", $2 / f }' "$work/walls" >"$work/ratio"
rust_over=$(median "$work/ratio")
noop=$(median "$work/base")

# The --init slide: what COMMAND and the init's threads see, from each twin.
init_script='echo "COMMAND: pid $$, parent $PPID"; echo "PID 1 threads: $(ls /proc/1/task | sort -n | xargs)"'
go_init=$("${as_user[@]}" go/mvrc run --init "$rootfs" sh -c "$init_script")
rust_init=$("${as_user[@]}" rust/mvrc run --init "$rootfs" sh -c "$init_script")

cat >docs/slides/startup.md <<EOF
<!-- Generated by docs/slides/startup.sh from a real run ($runs runs, $(date -u +%Y-%m-%d), $(nproc) CPUs, load average $load when it began): rerun it, do not edit. -->
<!-- _class: table -->
<!-- preview: startup -->

## Where Go's time goes: one container start, step by step

| medians of $runs interleaved runs, ms ($(nproc) CPUs, load average $load) | go/mvrc | rust/mvrc |
|---|---:|---:|
| \`mvrc version\`: a process of the twin starts and exits (a static C no-op: $noop) | ${fig[go-version]} | ${fig[rust-version]} |
| \`spec\`: parse the command line, check ROOTFS | ${fig[go-spec]} | ${fig[rust-spec]} |
| \`clone\`: one clone(2) with every namespace (Go: also the child's exec of mvrc) | ${fig[go-clone]} | ${fig[rust-clone]} |
| \`signals\`: signal catching in place (Go: the rest of a goroutine's \`signal.Notify\`) | ${fig[go-signals]} | ${fig[rust-signals]} |
| \`idmap\`: write uid_map, setgroups, gid_map | ${fig[go-idmap]} | ${fig[rust-idmap]} |
| \`child-runtime\`: the child's CPU before its first step | ${fig[go-child-runtime]} | ${fig[rust-child-runtime]} |
| hostname, rootfs, network, identity (the container's setup) | ${fig[go-setup]} | ${fig[rust-setup]} |
| the rest: waits between parent and child and between threads, the exec hop and COMMAND's execve | ${fig[go-rest]} | ${fig[rust-rest]} |
| \`ready\`: from main to COMMAND running | ${fig[go-ready]} | ${fig[rust-ready]} |
| **the whole run of \`/bin/true\`**, and × the C floor ($floor) | **${fig[go-run]}** (${fig[go-ratio]}×) | **${fig[rust-run]}** (${fig[rust-ratio]}×) |
| the floor's steps alone, in Go (bench/floor/gofloor: two runtime starts) and in C | $gofloor (${gofloor_ratio}×) | $floor (1.00×) |

- Go cannot fork its running runtime, so its child re-executes mvrc, with a second runtime start, and an \`execve\` (of the exec hop, which execs COMMAND) that must first end the runtime's threads.
- Go's floor is already ${gofloor_ratio}× C's; mvrc's own work costs each twin about as much again over its language's floor: go ${go_over}×, rust ${rust_over}×.
- Each Go process starts threads (sysmon, GC, signals) and hands work between them: dear when the cores are busy.
- Paid off (issue 13): a 1 KB sealed exec hop instead of a sealed copy of mvrc (both twins); no \`signal.Stop\`; \`Notify\` overlapping the clone; ids per thread; the child from \`init()\`; \`ForkExec\` with \`CLONE_VFORK\`; one P; no poller; Rust static.

---

<!-- _class: code -->
<!-- preview: init_pids -->

## \`--init\`: who is PID 2?

\`mvrc run --init rootfs/busybox sh -c '…'\`, from each twin:

\`\`\`
go/mvrc:
$go_init

rust/mvrc:
$rust_init
\`\`\`

- The Go runtime starts its threads before any line of mvrc runs; in the new PID namespace each thread takes the next PID, so COMMAND comes after them.
- Only code that runs before the runtime (runc's C \`nsexec\` constructor) could avoid it; the Go twin takes no cgo. Rust's init is one thread: COMMAND is PID 2.
- SPEC promises what both can keep: COMMAND is the init's first child process.
EOF
echo "startup: wrote docs/slides/startup.md" >&2
