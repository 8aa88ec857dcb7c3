//! The container's root: build it from ROOTFS (bind or overlay, submounts) and make it "/".

use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{OFlag, open};
use nix::mount::{MntFlags, MsFlags, mount, umount2};
use nix::sys::stat::Mode;
use nix::unistd::{self, chdir, chroot, mkdir};

use crate::errs::text;
use crate::mounts::{self, Root};
use crate::spec::Spec;
use crate::{devices, masks};

/// A step of building the new root or entering it that failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("mount private on /: {}", text(*.0))]
    MakePrivate(Errno),
    #[error("overlay: {}", text(*.0))]
    Overlay(Errno),
    #[error("pivot_root: {}", text(*.0))]
    PivotRoot(Errno),
    #[error("pivot_root: detaching the old root: {}", text(*.0))]
    DetachOldRoot(Errno),
    #[error("chroot: {}", text(*.0))]
    Chroot(Errno),
    #[error(transparent)]
    Mounts(#[from] mounts::Error),
}

/// Builds the container's root from `spec.rootfs` (absolute) and makes it "/".
/// Without a mount namespace nothing is mounted: ROOTFS is entered with chroot(2).
pub fn setup(spec: &Spec) -> Result<(), Error> {
    if !spec.namespaces.contains("mount") {
        return enter_chroot(Path::new(&spec.rootfs));
    }
    // Our mount namespace is a copy of the host's, still joined to it by shared
    // propagation: make everything private so that no mount below reaches the host.
    let private = MsFlags::MS_REC | MsFlags::MS_PRIVATE;
    mount(None::<&str>, "/", None::<&str>, private, None::<&str>).map_err(Error::MakePrivate)?;
    let dir = new_root(spec)?;
    submounts(&Root::open(&dir)?, spec)?;
    if spec.chroot {
        enter_chroot(&dir)?;
    } else {
        pivot_root(&dir)?;
    }
    if !spec.read_only {
        return Ok(());
    }
    Ok(mounts::remount_read_only(Path::new("/"), "/")?)
}

/// The mount that becomes "/": ROOTFS bound onto itself (pivot_root needs a
/// mount point), or an overlay whose writable layer lives in a tmpfs and dies with us.
fn new_root(spec: &Spec) -> Result<PathBuf, Error> {
    let rootfs = Path::new(&spec.rootfs);
    if !spec.overlay {
        let flags = MsFlags::MS_BIND | MsFlags::MS_REC;
        mount(Some(rootfs), rootfs, None::<&str>, flags, None::<&str>)
            .map_err(|source| mounts::Error::Bind { src: spec.rootfs.clone(), dst: "/".into(), source })?;
        return Ok(rootfs.to_path_buf());
    }
    // Hold ROOTFS by descriptor before the tmpfs hides its path: the overlay's lower
    // layer is then named through /proc/self/fd, and ROOTFS itself is never written.
    let lower = open(rootfs, OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())
        .map_err(|source| mounts::Error::Open { path: spec.rootfs.clone(), source })?;
    mount(Some("tmpfs"), rootfs, Some("tmpfs"), MsFlags::empty(), Some("mode=755"))
        .map_err(|source| mounts::Error::Mount { fstype: "tmpfs", target: "/".into(), source })?;
    // Named relative to the tmpfs, our working directory: a "," or ":" in the
    // ROOTFS path would otherwise split the overlay's option string.
    chdir(rootfs).map_err(Error::Overlay)?;
    for dir in ["upper", "work", "root"] {
        mkdir(dir, Mode::from_bits_truncate(0o755)).map_err(Error::Overlay)?;
    }
    let mut data = format!("lowerdir=/proc/self/fd/{},upperdir=upper,workdir=work", lower.as_raw_fd());
    if spec.namespaces.contains("user") {
        // Inside a user namespace the trusted.* xattrs that record whiteouts are out of
        // reach: without user.* ones, deleting a lower directory fails with EIO.
        data.push_str(",userxattr");
    }
    mount(Some("overlay"), "root", Some("overlay"), MsFlags::empty(), Some(data.as_str()))
        .map_err(|source| mounts::Error::Mount { fstype: "overlay", target: "/".into(), source })?;
    Ok(rootfs.join("root"))
}

/// Fills the new root in design.md's order: /proc, /dev, /sys, --tmpfs, --bind.
fn submounts(root: &Root, spec: &Spec) -> Result<(), Error> {
    root.proc(spec.namespaces.contains("pid"))?;
    masks::apply(root, "/proc")?;
    devices::setup(root, spec.namespaces.contains("ipc"))?;
    root.sys(spec.namespaces.contains("net"))?;
    masks::apply(root, "/sys")?;
    if spec.namespaces.contains("cgroup") {
        root.cgroup()?;
    }
    spec.tmpfs.iter().try_for_each(|t| root.tmpfs(&t.path, t.size))?;
    Ok(root.binds(&spec.binds)?)
}

// slide: pivot_root
/// Makes `dir` "/" and detaches the old root, so no path, descriptor or chroot
/// trick leads back to the host. pivot_root(".", ".") stacks the old root on
/// top of the new one; unmounting "." then removes exactly the old root, and no
/// directory for it has to exist in ROOTFS.
fn pivot_root(dir: &Path) -> Result<(), Error> {
    chdir(dir).map_err(Error::PivotRoot)?;
    unistd::pivot_root(".", ".").map_err(Error::PivotRoot)?;
    umount2(".", MntFlags::MNT_DETACH).map_err(Error::DetachOldRoot)?;
    chdir("/").map_err(Error::PivotRoot)
}
// end slide

/// chroot(2) only changes what "/" means for path lookup: the old root stays
/// mounted and a process with CAP_SYS_CHROOT can climb out. For teaching only.
fn enter_chroot(dir: &Path) -> Result<(), Error> {
    chdir(dir).map_err(Error::Chroot)?;
    chroot(".").map_err(Error::Chroot)?;
    chdir("/").map_err(Error::Chroot)
}
