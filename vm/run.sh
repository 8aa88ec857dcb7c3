#!/usr/bin/env bash
# `just test-vm`: the cgroup v2 limits and a slice of the conformance suite on Debian 12's own
# kernel, booted under qemu with software emulation (this machine's KVM guests hang, and its own
# cgroups are hybrid: no limit can apply here). No network, no image download: the kernel is
# Debian's linux-image package, unpacked (never installed) into vm/cache; the initramfs holds
# busybox, both twins, the busybox rootfs and the suite compiled as a static test binary.
#
#   vm/run.sh [TESTS]     TESTS: a -test.run regexp for the delegated run (default: see below)
#
# Results come back over the serial console; the script prints a PASS/FAIL line per case and
# twin and fails unless every case passed for both twins.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

die() { echo "test-vm: $*" >&2; exit 1; }
say() { echo "test-vm: $*"; }

# The delegated run: every cgroup case, and the conformance slice that shows the rest works on
# this kernel too (hostname, PID 1, id maps, read-only root, exit codes, usage errors, signals).
# `vm/run.sh .` runs the whole suite; only the cases that compile probes at run time (gcc, go)
# cannot pass in the guest.
tests=${1:-'^(TestLimits|TestMemoryLimit|TestPidsLimit|TestPidsFloor|TestCPULimit|TestCgroupRemoved|TestCgroupRemovedWithoutPidNamespace|TestContainerSees|TestFlags|TestExitStatus|TestUsageErrors|TestVersionAndHelp|TestPidFileOnInheritedFd|TestKilledFromHost|TestKilledMvrcLeavesNoContainer)$'}
# The refused run: the same limits from a cgroup the test user was not given.
refused_tests='^(TestLimits|TestMemoryLimit|TestPidsLimit|TestPidsFloor|TestCPULimit|TestCgroupRemoved|TestCgroupRemovedWithoutPidNamespace)$'

cache=$repo/vm/cache
work=$cache/work
mkdir -p "$cache"

# The kernel: the linux-image-6.1.0-N-amd64 that linux-image-amd64 depends on.
kernel_package() {
  apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1
}
pkg=$(kernel_package)
if [[ -z $pkg && $(id -u) -eq 0 ]]; then
  apt-get update -qq
  pkg=$(kernel_package)
fi
[[ -n $pkg ]] || die "apt-cache knows no linux-image-amd64 (run apt-get update)"
release=${pkg#linux-image-}
kdir=$cache/$release
if [[ ! -f $kdir/vmlinuz ]]; then
  say "fetching $pkg (apt-get download; not installed)"
  rm -rf "$cache/deb" "$kdir.new"
  mkdir -p "$cache/deb"
  # apt drops to the _apt user to download; it must be able to write there.
  chmod 777 "$cache/deb"
  (cd "$cache/deb" && apt-get download -q "$pkg")
  mkdir -p "$kdir.new/unpacked"
  dpkg-deb -x "$cache"/deb/"$pkg"_*.deb "$kdir.new/unpacked"
  # Keep the kernel and the few modules the suite needs (--overlay), not the 400 MB.
  cp "$kdir.new/unpacked/boot/vmlinuz-$release" "$kdir.new/vmlinuz"
  cp "$kdir.new/unpacked/lib/modules/$release/kernel/fs/overlayfs/overlay.ko" "$kdir.new/"
  rm -rf "$kdir.new/unpacked" "$cache/deb"
  mv -T "$kdir.new" "$kdir"
fi
say "kernel $release"

# What goes in: the twins and the rootfs as `just test-vm` built them, and the suite.
rm -rf "$work" && mkdir -p "$work/root"
(cd bench && CGO_ENABLED=0 go test -c -trimpath -o "$work/root/repo/conformance.test" ./conformance/)

root=$work/root
mkdir -p "$root"/{bin,etc,lib/modules,repo/go,repo/rust,repo/rootfs,repo/bench/conformance}
install -m 755 /bin/busybox "$root/bin/busybox"
install -m 755 vm/init "$root/init"
cp "$kdir"/*.ko "$root/lib/modules/"
cp -r VERSION go.work testdata seccomp "$root/repo/"
cp go/mvrc "$root/repo/go/mvrc"
cp rust/mvrc "$root/repo/rust/mvrc"
cp -a rootfs/busybox "$root/repo/rootfs/busybox"
# A dynamically linked binary brings its loader and libraries (newuidmap and newgidmap, setuid
# root, for the --uid-map cases; a twin, should it ever link dynamically).
for bin in go/mvrc rust/mvrc /usr/bin/newuidmap /usr/bin/newgidmap; do
  if [[ $bin == /* ]]; then
    install -D -m 4755 "$bin" "$root$bin"
  fi
  for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' || true); do
    [[ -e $root$lib ]] || install -D -m 755 "$lib" "$root$lib"
  done
done
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
tester:x:1000:1000:tester:/tmp:/bin/sh
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
tester:x:1000:
EOF
echo 'tester:100000:65536' >"$root/etc/subuid"
echo 'tester:100000:65536' >"$root/etc/subgid"
echo "$tests" >"$root/etc/vm-tests"
echo "$refused_tests" >"$root/etc/vm-tests-refused"
[[ -z ${MVRC_VM_DEBUG:-} ]] || cp "$MVRC_VM_DEBUG" "$root/etc/vm-debug"
(cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 >"$work/initramfs.gz")
say "initramfs $(du -h "$work/initramfs.gz" | cut -f1)"

# KVM only where a guest boots with it (here it hangs after "Booting from ROM"): probed once per
# host kernel and qemu, with a 10 s limit; the answer is kept in the cache.
accel=${MVRC_VM_ACCEL:-}
probe=$cache/accel-$(uname -r)-$(qemu-system-x86_64 --version | head -1 | tr -cd '0-9.')
if [[ -z $accel && -f $probe ]]; then
  accel=$(cat "$probe")
elif [[ -z $accel ]]; then
  accel=tcg
  if [[ -r /dev/kvm && -w /dev/kvm ]]; then
    mkdir -p "$work/probe/bin"
    install -m 755 /bin/busybox "$work/probe/bin/busybox"
    printf '#!/bin/busybox sh\necho vm-probe-booted\n/bin/busybox poweroff -f\n' >"$work/probe/init"
    chmod 755 "$work/probe/init"
    (cd "$work/probe" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 >"$work/probe.gz")
    if timeout 10 qemu-system-x86_64 -accel kvm -m 256 -nographic -no-reboot -nic none \
      -kernel "$kdir/vmlinuz" -initrd "$work/probe.gz" -append "console=ttyS0 quiet panic=-1" \
      </dev/null 2>&1 | grep -q vm-probe-booted; then
      accel=kvm
    fi
  fi
  echo "$accel" >"$probe"
fi
say "booting with -accel $accel"

log=$cache/console.log
start=$SECONDS
# loglevel=1: the OOM killer's report stays off the console the results come back on.
# -icount: under TCG the guest's clock counts its instructions (1 ns each), and idle time is
# skipped: a busy host slows the run down but cannot make a guest-side timeout fire, and the
# suite's sleeps cost nothing.
icount=()
[[ $accel == tcg ]] && icount=(-icount shift=0,sleep=off)
timeout 900 qemu-system-x86_64 -accel "$accel" "${icount[@]}" -m 1024 -smp 1 -nographic -no-reboot -nic none \
  -kernel "$kdir/vmlinuz" -initrd "$work/initramfs.gz" \
  -append "console=ttyS0 loglevel=1 panic=-1 rdinit=/init" </dev/null |
  while IFS= read -r line; do
    line=${line%$'\r'}
    # The first line of the guest's /init: the kernel has booted.
    [[ $line == vm:* && ! -f $work/booted ]] && echo $((SECONDS - start)) >"$work/booted"
    printf '%s\n' "$line"
  done >"$log" || true
elapsed=$((SECONDS - start))
booted=$(cat "$work/booted" 2>/dev/null || echo "?")

grep -a '^vm: ' "$log" || true
# One line per case and twin: "--- PASS: TestX/go/case" in suite S → "S TestX/case  go PASS".
summary=$(awk '
  /^vm: suite [a-z]+: from/ { suite = $3; sub(":", "", suite) }
  /^ *--- (PASS|FAIL): / {
    n = split($3, p, "/"); if (p[2] != "go" && p[2] != "rust") next
    c = suite " " p[1]; for (i = 3; i <= n; i++) c = c "/" p[i]
    if (!(c in seen)) { seen[c] = 1; order[k++] = c }
    r[c, p[2]] = $2 == "PASS:" ? "PASS" : "FAIL"
  }
  END { for (i = 0; i < k; i++) { c = order[i]
          printf "%-72s go %-4s  rust %-4s\n", c, r[c, "go"] ? r[c, "go"] : "-", r[c, "rust"] ? r[c, "rust"] : "-" } }
' "$log")
echo "$summary"
passed=$(grep -c -E 'go PASS +rust PASS' <<<"$summary" || true)
failed=$(grep -c -v -E 'go PASS +rust PASS' <<<"$summary" || true)
say "boot + tests: ${elapsed}s, of which boot ${booted}s (-accel $accel, console log: ${log#"$repo"/})"
if grep -a -q '^--- FAIL\|^FAIL\|panic:' "$log" || ! grep -a -q '^vm: done' "$log" ||
  [[ $(grep -a -c '^vm: suite .*: exit 0 ' "$log") -ne 2 || $passed -eq 0 ]]; then
  grep -a -E -B2 -A12 '^ *--- FAIL' "$log" | head -150 >&2 || true
  echo "$passed passed, $((failed > 0 ? failed : 1)) failed"
  exit 1
fi
echo "$passed passed, $failed failed"
