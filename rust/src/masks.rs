//! What a container must not touch under /proc and /sys: runc's default read-only and masked
//! paths, mounted through the new root so a hostile ROOTFS cannot aim them.

use nix::mount::{MsFlags, mount};

use crate::mounts::{Error, Root, read_only_recursive};

/// Made read-only: kernel settings (/proc/sys holds core_pattern, a way to run code
/// on the host for a root that is root there too), the SysRq trigger, IRQ affinity,
/// the bus and filesystem knobs.
pub const READ_ONLY: [&str; 5] = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

/// Hidden: /dev/null over a file, an empty read-only tmpfs over a directory. They
/// show the host's memory (kcore), keys of every user (keys), kernel timers and
/// scheduler state (timer_list, sched_debug), firmware tables (acpi, /sys/firmware), devices.
pub const MASKED: [&str; 7] = [
    "/proc/acpi",
    "/proc/kcore",
    "/proc/keys",
    "/proc/sched_debug",
    "/proc/scsi",
    "/proc/timer_list",
    "/sys/firmware",
];

/// Makes every path of READ_ONLY under `prefix` read-only and masks every path of
/// MASKED under it ("/proc" after /proc is mounted, "/sys" after /sys). A path the
/// kernel lacks is skipped: what is not there shows nothing.
pub fn apply(root: &Root, prefix: &str) -> Result<(), Error> {
    let under = |p: &&&str| p.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'));
    READ_ONLY.iter().filter(under).try_for_each(|p| read_only(root, p))?;
    MASKED.iter().filter(under).try_for_each(|p| mask(root, p))
}

/// Binds `inside` onto itself and makes that bind read-only. The second resolution
/// names the new mount: the first descriptor still names the one below it.
fn read_only(root: &Root, inside: &str) -> Result<(), Error> {
    let found = root.existing(inside, |target, _| {
        let flags = MsFlags::MS_BIND | MsFlags::MS_REC;
        mount(Some(target), target, None::<&str>, flags, None::<&str>).map_err(|source| Error::Bind {
            src: inside.into(),
            dst: inside.into(),
            source,
        })
    })?;
    if !found {
        return Ok(());
    }
    root.existing(inside, |target, _| read_only_recursive(target, inside)).map(drop)
}

/// Hides `inside`. The /dev/null bound over a file is made read-only too: it is the
/// host's node, and a container whose root is the host's root could otherwise chmod it.
fn mask(root: &Root, inside: &str) -> Result<(), Error> {
    let mut file = false;
    let found =
        root.existing(inside, |target, dir| {
            if dir {
                return mount_empty(target, inside);
            }
            file = true;
            let flags = MsFlags::MS_BIND;
            mount(Some("/dev/null"), target, None::<&str>, flags, None::<&str>)
                .map_err(|source| Error::Bind { src: "/dev/null".into(), dst: inside.into(), source })
        })?;
    if !(found && file) {
        return Ok(());
    }
    root.existing(inside, |target, _| read_only_recursive(target, inside)).map(drop)
}

/// Covers a directory with an empty read-only tmpfs.
fn mount_empty(target: &str, inside: &str) -> Result<(), Error> {
    let flags = MsFlags::MS_RDONLY | MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC;
    mount(Some("tmpfs"), target, Some("tmpfs"), flags, Some("mode=555")).map_err(|source| Error::Mount {
        fstype: "tmpfs",
        target: inside.into(),
        source,
    })
}
