//! The one table of capabilities COMMAND may keep; the bounding set reduced to it before COMMAND starts.

use nix::errno::Errno;
use nix::libc;

use crate::errs::text;

/// A capability could not be dropped from the bounding set.
#[derive(Debug, thiserror::Error)]
#[error("dropping capability {cap}: {}", text(*.source))]
pub struct Error {
    cap: u32,
    source: Errno,
}

/// Docker's default set, in the kernel's order, by number (linux/capability.h;
/// libc has no names for them). COMMAND is root of its user namespace: with
/// every capability it could remount a read-only / or /sys writable
/// (CAP_SYS_ADMIN), or mount what it likes. The bounding set caps what any
/// execve below us can gain.
const KEPT: [(&str, u32); 14] = [
    ("CHOWN", 0),
    ("DAC_OVERRIDE", 1),
    ("FOWNER", 3),
    ("FSETID", 4),
    ("KILL", 5),
    ("SETGID", 6),
    ("SETUID", 7),
    ("SETPCAP", 8),
    ("NET_BIND_SERVICE", 10),
    ("NET_RAW", 13),
    ("SYS_CHROOT", 18),
    ("MKNOD", 27),
    ("AUDIT_WRITE", 29),
    ("SETFCAP", 31),
];

/// `KEPT` as the bit mask /proc/PID/status shows (CapBnd, CapEff).
fn mask() -> u64 {
    KEPT.iter().fold(0, |mask, (_, cap)| mask | 1 << cap)
}

/// Removes every capability but `KEPT` from the bounding set. It needs
/// CAP_SETPCAP, so it runs while we are still root of the namespace, before the
/// identity. The kernel may know more capabilities than our headers, so ask it
/// until it says EINVAL.
pub fn drop_bounding() -> Result<(), Error> {
    for cap in 0..u64::BITS {
        if mask() & (1 << cap) != 0 {
            continue;
        }
        // SAFETY: nix has no PR_CAPBSET_DROP; this prctl takes one integer and
        // touches no memory of ours.
        match unsafe { libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) } {
            0 => {}
            _ if Errno::last() == Errno::EINVAL => return Ok(()), // past the kernel's last capability
            _ => return Err(Error { cap, source: Errno::last() }),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mask is Docker's default bounding set, as `docker run` shows it in CapBnd.
    #[test]
    fn mask_is_dockers_default() {
        assert_eq!(mask(), 0xa80425fb);
    }
}
