//! Read-only mounts: a whole mount tree at once (mount_setattr), or one mount by a remount
//! that keeps the flags the kernel locks.

use std::ffi::{CString, OsStr};
use std::path::Path;

use nix::errno::Errno;
use nix::libc;
use nix::mount::{MsFlags, mount};
use nix::sys::statvfs::{FsFlags, statvfs};

use super::Error;
use crate::errs::shown;

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
