#!/usr/bin/env bash
# Builds a minimal root filesystem from Debian's static busybox, offline.
#
#   rootfs/build.sh DIR          (just rootfs → rootfs/busybox)
#
# The tree is built next to DIR and swapped in only when it differs from what
# is there, so a re-run is cheap and never pulls files from under a container
# that is running on the current tree.
set -euo pipefail

die() { echo "rootfs: $*" >&2; exit 1; }

[[ $# -eq 1 && -n $1 ]] || die "usage: rootfs/build.sh DIR"
dir=${1%/}
busybox=${BUSYBOX:-/bin/busybox}

# A dynamic busybox would need the host's libc inside the container; only the
# static build (package busybox-static) runs in an empty root.
[[ -x $busybox ]] || die "$busybox not found: install busybox-static (sudo apt-get install busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then
  die "$busybox is dynamically linked: install busybox-static (sudo apt-get install busybox-static)"
fi

# Files belong to whoever asked for the tree: under sudo that is the real user.
owner=$(id -u):$(id -g)
if [[ $(id -u) -eq 0 && -n ${SUDO_UID:-} ]]; then
  owner=$SUDO_UID:${SUDO_GID:-$SUDO_UID}
fi

# Refuse to replace something that is not a rootfs we made.
if [[ -e $dir && ! -e $dir/bin/busybox && -n $(ls -A "$dir" 2>/dev/null) ]]; then
  die "$dir exists and is not a busybox rootfs; refusing to replace it"
fi

mkdir -p "$(dirname "$dir")"
new=$(mktemp -d "$dir.new.XXXXXX")
trap 'rm -rf "$new"' EXIT

for d in bin sbin usr/bin usr/sbin etc root proc dev sys tmp var run; do
  mkdir -p "$new/$d"
done
# /root is 755, not Debian's 700: the tree may belong to a uid that is not
# mapped in the container, and its root still needs to enter its HOME.
chmod 755 "$new" "$new"/{bin,sbin,usr,usr/bin,usr/sbin,etc,root,proc,dev,sys,var,run}
chmod 1777 "$new/tmp"

install -m 755 "$busybox" "$new/bin/busybox"

# Relative links (../../bin/busybox) work both inside the container and when
# the tree is inspected from the host.
count=0
while read -r applet; do
  [[ $applet == bin/busybox ]] && continue
  up=${applet//[^\/]/}  # one "../" per "/" in the applet's path
  up=${up//\//../}
  ln -sfn "${up}bin/busybox" "$new/$applet"
  count=$((count + 1))
done < <("$busybox" --list-full)

cat >"$new/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$new/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
cat >"$new/etc/hosts" <<'EOF'
127.0.0.1	localhost
::1	localhost
EOF
chmod 644 "$new"/etc/{passwd,group,hosts}

chown -R -h "$owner" "$new"

# What the tree is: every path with its type, mode, owner and link target,
# plus the content of each regular file.
fingerprint() {
  (cd "$1" && find . -printf '%P %y %m %U:%G %l\n' | sort && find . -type f -exec md5sum {} + | sort)
}

if [[ -d $dir ]] && [[ $(fingerprint "$dir") == "$(fingerprint "$new")" ]]; then
  echo "rootfs: $dir is up to date (busybox with $count applets)"
  exit 0
fi

if [[ -e $dir ]]; then
  old=$(mktemp -d "$dir.old.XXXXXX")
  mv -T "$dir" "$old/tree"
  mv -T "$new" "$dir"
  rm -rf "$old"
else
  mv -T "$new" "$dir"
fi
echo "rootfs: built $dir (busybox with $count applets, owner $owner)"
