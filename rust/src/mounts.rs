//! Mount helpers with op/path errors: /proc, /sys, --tmpfs and --bind, every target resolved inside the new root.

use std::ffi::{CString, OsStr, OsString};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use nix::errno::Errno;
use nix::fcntl::{OFlag, OpenHow, ResolveFlag, open, openat, openat2};
use nix::libc;
use nix::mount::{MsFlags, mount};
use nix::sys::stat::{Mode, fstat, mkdirat};
use nix::sys::statvfs::{FsFlags, statvfs};
use nix::unistd::symlinkat;

use crate::errs::{errno, quote, shown, text};
use crate::spec::Bind;

/// A mount that failed; each names its target as the container will see it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("rootfs {}: {}", quote(.path), text(*.source))]
    Open { path: OsString, source: Errno },
    #[error("mount {fstype} on {target}: {}", text(*.source))]
    Mount { fstype: &'static str, target: String, source: Errno },
    #[error("bind source {}: {}", quote(.src), text(*.source))]
    BindSource { src: OsString, source: Errno },
    #[error("bind {} on {}: {}", quote(.src), quote(.dst), text(*.source))]
    Bind { src: OsString, dst: OsString, source: Errno },
    #[error("mount point {inside}: {}", text(*.source))]
    MountPoint { inside: String, source: Errno },
    #[error("remount {inside} read-only: {}", text(*.source))]
    Remount { inside: String, source: Errno },
    #[error("symlink {inside}: {}", text(*.source))]
    Symlink { inside: String, source: Errno },
}

/// The new root, before pivot_root, held as an O_PATH descriptor. Targets are
/// resolved under it with RESOLVE_IN_ROOT, so a symlink in ROOTFS (say /proc →
/// /etc) cannot make us mount over a host path: the kernel resolves it as if
/// the root were already "/".
pub struct Root(OwnedFd);

impl Root {
    pub fn open(dir: &Path) -> Result<Root, Error> {
        let flags = OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        let path = || dir.as_os_str().to_owned();
        open(dir, flags, Mode::empty()).map(Root).map_err(|source| Error::Open { path: path(), source })
    }

    /// Mounts a fresh `fstype` at `inside` (made a directory if missing).
    pub fn mount(
        &self,
        fstype: &'static str,
        inside: impl AsRef<OsStr>,
        flags: MsFlags,
        data: &str,
    ) -> Result<(), Error> {
        let inside = inside.as_ref();
        self.at(inside, false, |target| {
            let data = Some(data).filter(|d| !d.is_empty());
            mount(Some(fstype), target, Some(fstype), flags, data).map_err(|source| Error::Mount {
                fstype,
                target: shown(inside),
                source,
            })
        })
    }

    /// Bind-mounts host path `src` at `inside` (made missing: a directory, or an
    /// empty file when `src` is a file), read-only if asked.
    pub fn bind(
        &self,
        src: impl AsRef<OsStr>,
        inside: impl AsRef<OsStr>,
        read_only: bool,
    ) -> Result<(), Error> {
        let (src, inside) = (src.as_ref(), inside.as_ref());
        let meta =
            std::fs::metadata(src).map_err(|e| Error::BindSource { src: src.into(), source: errno(&e) })?;
        self.at(inside, !meta.is_dir(), |target| {
            let failed = |source| Error::Bind { src: src.into(), dst: inside.into(), source };
            let flags = MsFlags::MS_BIND | MsFlags::MS_REC;
            mount(Some(src), target, None::<&str>, flags, None::<&str>).map_err(failed)
        })?;
        // Resolved again: the old descriptor still names the directory under the new mount.
        if !read_only {
            return Ok(());
        }
        self.at(inside, false, |target| read_only_recursive(target, inside))
    }

    /// `/proc`: a fresh procfs of the new PID namespace; without one, the host's
    /// (a new procfs would show the host's processes anyway).
    pub fn proc(&self, new_pid: bool) -> Result<(), Error> {
        if !new_pid {
            return self.bind("/proc", "/proc", false);
        }
        self.mount("proc", "/proc", MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC, "")
    }

    /// `/sys`, read-only: a fresh sysfs shows only the new network namespace's
    /// devices; without one, the host's is bound read-only. That bind is
    /// recursive (the kernel refuses to reveal what host mounts hide), so the
    /// host's cgroup mounts below it come along: `bind` makes them read-only too.
    pub fn sys(&self, new_net: bool) -> Result<(), Error> {
        let flags = MsFlags::MS_RDONLY | MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC;
        if !new_net {
            return self.bind("/sys", "/sys", true);
        }
        self.mount("sysfs", "/sys", flags, "")
    }

    /// With the cgroup namespace: the cgroup2 tree of the container's own cgroup at
    /// `/sys/fs/cgroup`, read-only as in runc's default spec: a writable one would let the
    /// container lift its own `--memory` limit. It hides the host's hierarchies that a
    /// `/sys` without net brings along.
    pub fn cgroup(&self) -> Result<(), Error> {
        let flags = MsFlags::MS_RDONLY | MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC;
        self.mount("cgroup2", "/sys/fs/cgroup", flags, "")
    }

    /// `--tmpfs DIR[:size=SIZE]`, `size` in bytes.
    pub fn tmpfs(&self, dir: &OsStr, size: u64) -> Result<(), Error> {
        self.mount("tmpfs", dir, MsFlags::MS_NOSUID | MsFlags::MS_NODEV, &format!("mode=755,size={size}"))
    }

    /// Every `--bind`, in order.
    pub fn binds(&self, binds: &[Bind]) -> Result<(), Error> {
        binds.iter().try_for_each(|b| self.bind(&b.source, &b.destination, b.read_only))
    }

    /// Makes the link `inside` pointing at `target` (the /dev links).
    pub fn symlink(&self, target: &str, inside: &str) -> Result<(), Error> {
        let (dir, name) = inside.rsplit_once('/').unwrap_or(("", inside));
        let dir = self
            .ensure(dir.as_ref(), false)
            .map_err(|source| Error::MountPoint { inside: shown(inside), source })?;
        symlinkat(target, &dir, name).map_err(|source| Error::Symlink { inside: shown(inside), source })
    }

    /// Resolves `inside`, creating what is missing, and hands `use_it` a path
    /// naming exactly that inode (`/proc/self/fd/N`).
    fn at<T>(
        &self,
        inside: &OsStr,
        file: bool,
        use_it: impl FnOnce(&str) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let fd = self
            .ensure(inside, file)
            .map_err(|source| Error::MountPoint { inside: shown(inside), source })?;
        use_it(&format!("/proc/self/fd/{}", fd.as_raw_fd()))
    }

    /// Like `at`, with whether `inside` is a directory, but creates nothing: a path
    /// the kernel lacks (no /proc/sched_debug here) is no error; `Ok(false)` says so.
    pub fn existing(
        &self,
        inside: &str,
        use_it: impl FnOnce(&str, bool) -> Result<(), Error>,
    ) -> Result<bool, Error> {
        let failed = |source| Error::MountPoint { inside: shown(inside), source };
        let fd = match self.resolve(inside.as_ref(), OFlag::O_PATH) {
            Err(Errno::ENOENT) => return Ok(false),
            other => other.map_err(failed)?,
        };
        let dir = fstat(&fd).map_err(failed)?.st_mode & libc::S_IFMT == libc::S_IFDIR;
        use_it(&format!("/proc/self/fd/{}", fd.as_raw_fd()), dir).map(|()| true)
    }

    /// Opens `inside` (O_PATH), making missing directories on the way and the last
    /// component a directory or, if `file`, an empty file.
    fn ensure(&self, inside: &OsStr, file: bool) -> nix::Result<OwnedFd> {
        let parts: Vec<&[u8]> =
            inside.as_bytes().split(|b| *b == b'/').filter(|p| !p.is_empty() && *p != b".").collect();
        let mut current = OsString::new();
        let mut fd = self.resolve("/".as_ref(), OFlag::O_PATH)?;
        for (i, part) in parts.iter().enumerate() {
            let next: OsString =
                [current.as_os_str(), "/".as_ref(), OsStr::from_bytes(part)].into_iter().collect();
            fd = match self.resolve(&next, OFlag::O_PATH) {
                Err(Errno::ENOENT) => {
                    let parent_dir: OsString = [current.as_os_str(), "/".as_ref()].into_iter().collect();
                    let parent = self.resolve(&parent_dir, OFlag::O_RDONLY | OFlag::O_DIRECTORY)?;
                    // EEXIST: another container on the same ROOTFS made it first; use theirs.
                    match create(&parent, OsStr::from_bytes(part), file && i == parts.len() - 1) {
                        Ok(()) | Err(Errno::EEXIST) => self.resolve(&next, OFlag::O_PATH)?,
                        Err(errno) => return Err(errno),
                    }
                }
                other => other?,
            };
            current = next;
        }
        Ok(fd)
    }

    /// openat2 with the root as "/": neither `..` nor a symlink leads out of it.
    fn resolve(&self, inside: &OsStr, flags: OFlag) -> nix::Result<OwnedFd> {
        let resolve = ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_MAGICLINKS;
        openat2(&self.0, inside, OpenHow::new().flags(flags | OFlag::O_CLOEXEC).resolve(resolve))
    }
}

/// Makes `name` in `dir`: a directory, or an empty file.
fn create(dir: &OwnedFd, name: &OsStr, file: bool) -> nix::Result<()> {
    if !file {
        return mkdirat(dir, name, Mode::from_bits_truncate(0o755));
    }
    let flags = OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_WRONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    openat(dir, name, flags, Mode::from_bits_truncate(0o644)).map(drop)
}

/// Makes the mount at `target` and every mount below it read-only, in one
/// mount_setattr(2). A remount with MS_RDONLY would change the top mount only,
/// and the submounts a recursive bind brings along (/dev/shm under
/// `-v /:/host:ro`) would stay writable. Only the read-only bit changes: the
/// flags the kernel locks stay as they are.
pub fn read_only_recursive(target: &str, inside: impl AsRef<OsStr>) -> Result<(), Error> {
    let inside = inside.as_ref();
    let attr =
        libc::mount_attr { attr_set: libc::MOUNT_ATTR_RDONLY, attr_clr: 0, propagation: 0, userns_fd: 0 };
    let target =
        CString::new(target).map_err(|_| Error::Remount { inside: shown(inside), source: Errno::EINVAL })?;
    let flags = libc::AT_RECURSIVE as libc::c_uint;
    // SAFETY: nix has no mount_setattr. The path is a NUL-terminated string and
    // `attr` a mount_attr of the size passed; the kernel only reads both.
    let done = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            libc::AT_FDCWD,
            target.as_ptr(),
            flags,
            &attr,
            size_of_val(&attr),
        )
    };
    match done {
        0 => Ok(()),
        _ => Err(Error::Remount { inside: shown(inside), source: Errno::last() }),
    }
}

/// Remounts the mount at `target` read-only, and only that one (--read-only
/// leaves /dev, /proc, tmpfs and binds as they are). In a user namespace the kernel
/// locks the nosuid/nodev/noexec/atime flags inherited from the host: a remount
/// must repeat them or fail with EPERM, so they are read back first.
pub fn remount_read_only(target: &Path, inside: &str) -> Result<(), Error> {
    let failed = |source| Error::Remount { inside: shown(inside), source };
    let have = statvfs(target).map_err(failed)?.flags();
    let locked = [
        (FsFlags::ST_NOSUID, MsFlags::MS_NOSUID),
        (FsFlags::ST_NODEV, MsFlags::MS_NODEV),
        (FsFlags::ST_NOEXEC, MsFlags::MS_NOEXEC),
        (FsFlags::ST_NOATIME, MsFlags::MS_NOATIME),
        (FsFlags::ST_NODIRATIME, MsFlags::MS_NODIRATIME),
        (FsFlags::ST_RELATIME, MsFlags::MS_RELATIME),
    ];
    let flags = locked
        .iter()
        .filter(|(st, _)| have.contains(*st))
        .fold(MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY, |all, (_, ms)| all | *ms);
    mount(None::<&str>, target, None::<&str>, flags, None::<&str>).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::symlink;

    /// Every target resolves inside the root, whatever symlinks and ".." the root
    /// holds, and what is missing is created there: a directory, or an empty file
    /// for a file's bind (the Go twin's TestTargetsResolveInsideTheRoot).
    #[test]
    fn targets_resolve_inside_the_root() {
        let dir = std::env::temp_dir().join(format!("mvrc-mounts-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for d in ["etc", "real"] {
            fs::create_dir_all(dir.join(d)).unwrap();
        }
        for (link, target) in [("proc", "/etc"), ("up", "../../../.."), ("rel", "real")] {
            symlink(target, dir.join(link)).unwrap();
        }
        let root = Root::open(&dir).unwrap();
        let cases = [
            ("/a/b", false, "a/b"),
            ("/proc/x", false, "etc/x"), // an absolute link is read from the root, not the host
            ("/up/y", false, "y"),       // ".." stops at the root
            ("/../../z", false, "z"),
            ("/rel/w", false, "real/w"),
            ("/dev/null", true, "dev/null"),
        ];
        for (inside, file, want) in cases {
            let got = root.at(inside.as_ref(), file, |target| Ok(fs::read_link(target).unwrap()));
            assert_eq!(got.unwrap(), dir.join(want), "{inside}");
            let meta = fs::metadata(dir.join(want)).unwrap();
            assert_eq!(meta.is_file(), file, "{inside}: want a file: {file}");
        }
        fs::remove_dir_all(dir).unwrap();
    }
}
