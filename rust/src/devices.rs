//! The container's /dev: a small tmpfs with the host's harmless nodes bound in, devpts, shm and the usual links.

use nix::mount::MsFlags;

use crate::mounts::{Error, Root};

/// Bound from the host: a user namespace may not mknod(2), but it may bind a
/// node that already exists, and these six give no access to any hardware.
const NODES: [&str; 6] = ["null", "zero", "full", "random", "urandom", "tty"];

/// The /dev symlinks programs expect.
const LINKS: [(&str, &str); 5] = [
    ("/dev/fd", "/proc/self/fd"),
    ("/dev/stdin", "/proc/self/fd/0"),
    ("/dev/stdout", "/proc/self/fd/1"),
    ("/dev/stderr", "/proc/self/fd/2"),
    ("/dev/ptmx", "pts/ptmx"),
];

/// Bounds `/dev/shm` as docker does (the kernel's default is half of RAM).
const SHM_SIZE: &str = "64m";

/// Mounts and fills `/dev` under `root`; with the ipc namespace, its POSIX
/// message queues at `/dev/mqueue`.
pub fn setup(root: &Root, new_ipc: bool) -> Result<(), Error> {
    root.mount("tmpfs", "/dev", MsFlags::MS_NOSUID | MsFlags::MS_STRICTATIME, "mode=755,size=65536k")?;
    // Read-only binds: I/O to a device goes on, but its inode is the host's, and a
    // container whose root is the host's root could otherwise chmod or chown the host's /dev/null.
    for name in NODES {
        let node = format!("/dev/{name}");
        root.bind(&node, &node, true)?;
    }
    // A new devpts instance, so the container sees only its own ptys. No gid=
    // option: with a single mapped id the tty group does not exist in the
    // namespace and the mount would fail with EINVAL.
    let devpts = MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC;
    root.mount("devpts", "/dev/pts", devpts, "newinstance,ptmxmode=0666,mode=0620")?;
    root.mount(
        "tmpfs",
        "/dev/shm",
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV,
        &format!("mode=1777,size={SHM_SIZE}"),
    )?;
    if new_ipc {
        let flags = MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC;
        root.mount("mqueue", "/dev/mqueue", flags, "")?;
    }
    LINKS.iter().try_for_each(|(link, target)| root.symlink(target, link))
}
