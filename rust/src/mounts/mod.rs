//! Mount helpers with op/path errors: /proc, /sys, --tmpfs and --bind, every target resolved
//! inside the new root (mounts/resolve.rs); read-only mounts in mounts/readonly.rs.

mod readonly;
mod resolve;

use std::ffi::{OsStr, OsString};
use std::os::fd::OwnedFd;
use std::path::Path;

use nix::errno::Errno;
use nix::fcntl::{OFlag, open};
use nix::mount::{MsFlags, mount};
use nix::sys::stat::Mode;
use nix::unistd::symlinkat;

pub use readonly::{read_only_recursive, remount_read_only};

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
}
