//! The sealed file COMMAND is exec'd through: mvrc's exec hop (hop/src/hop.c, 1 KB) in a
//! memfd that no one can write, shrink or grow, so nothing in the container reaches a file
//! of the host's.
//!
//! Why (CVE-2019-5736, runc's "/proc/self/exe" breakout): inside the container
//! /proc/self/exe of the process that execs COMMAND, and a script whose "#!" names
//! /proc/self/exe, lead to the file that process runs from. Were that the host's mvrc
//! binary, COMMAND could exec it, keep an O_PATH handle on it, and once mvrc is gone open it
//! for writing: the next mvrc on the host would run the container's code. So the child, and
//! --init's PID 1 for COMMAND, exec the hop from this memfd, and the hop execs COMMAND.
//! --init's PID 1 runs mvrc for the container's life: it is not dumpable, and nothing in the
//! container holds CAP_SYS_PTRACE, so /proc/1/exe does not open for the container (here PID
//! 1 is a clone, whose memory belongs to the host's user namespace besides).

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::PathBuf;

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, SealFlag, fcntl};
use nix::libc;
use nix::sys::memfd::{MFdFlags, memfd_create};
use nix::sys::stat::{fstat, stat};
use nix::unistd::write;

use crate::errs::text;

/// A step of making the hop's memfd that failed: `exec hop: OP: ERRNO TEXT`.
#[derive(Debug, thiserror::Error)]
#[error("exec hop: {op}: {}", text(*.source))]
pub struct Error {
    op: &'static str,
    source: Errno,
}

/// The hop for the architecture we were built for (empty for any other).
#[cfg(target_arch = "x86_64")]
const HOP: &[u8] = include_bytes!("../../hop/hop-x86_64");
#[cfg(target_arch = "aarch64")]
const HOP: &[u8] = include_bytes!("../../hop/hop-aarch64");
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
const HOP: &[u8] = &[];

/// The seals the memfd carries; F_SEAL_SEAL, so no one can lift the others.
fn seals() -> SealFlag {
    SealFlag::F_SEAL_SHRINK | SealFlag::F_SEAL_GROW | SealFlag::F_SEAL_WRITE | SealFlag::F_SEAL_SEAL
}

// slide: hop
/// A sealed memfd holding the exec hop, close-on-exec, for execveat (command::exec).
/// Its 1 KB are written with one write(2).
pub fn hop() -> Result<OwnedFd, Error> {
    let step = |op: &'static str| move |source: Errno| Error { op, source };
    let fd = memfd().map_err(step("memfd_create"))?;
    if HOP.is_empty() {
        return Err(step("copy")(Errno::ENOEXEC)); // an architecture the hop was not built for
    }
    match write(&fd, HOP) {
        Ok(n) if n == HOP.len() => {}
        Ok(_) => return Err(step("copy")(Errno::EIO)), // a short write
        Err(errno) => return Err(step("copy")(errno)),
    }
    fcntl(&fd, FcntlArg::F_ADD_SEALS(seals())).map_err(step("F_ADD_SEALS"))?;
    Ok(fd)
}
// end slide

/// What the hop writes to its channel when COMMAND's execve fails: X and the errno,
/// big-endian (hop/src/hop.c); --init's fork writes the same when the hop's own exec fails.
pub fn failure(errno: Errno) -> [u8; 5] {
    let [a, b, c, d] = (errno as i32).to_be_bytes();
    [b'X', a, b, c, d]
}

/// Decodes `failure`'s message; None for anything else.
pub fn failed(msg: &[u8]) -> Option<Errno> {
    match *msg {
        [b'X', a, b, c, d] => Some(Errno::from_raw(i32::from_be_bytes([a, b, c, d]))),
        _ => None,
    }
}

/// The hop's name in the container's /proc, /proc/self/fd/N, for --init's PID 1, which
/// execs it by name as the Go twin's ForkExec must; None when that /proc does not show the
/// hop there (no mount namespace and a ROOTFS without a /proc).
pub fn named(hop: &OwnedFd) -> Result<Option<PathBuf>, Error> {
    let held = fstat(hop).map_err(|source| Error { op: "fstat", source })?;
    let path = PathBuf::from(format!("/proc/self/fd/{}", hop.as_raw_fd()));
    Ok(stat(&path).ok().filter(|st| (st.st_dev, st.st_ino) == (held.st_dev, held.st_ino)).map(|_| path))
}

/// An executable memfd: since Linux 6.3 vm.memfd_noexec may make memfds non-executable
/// unless MFD_EXEC says otherwise; older kernels reject the flag.
fn memfd() -> nix::Result<OwnedFd> {
    let flags = MFdFlags::MFD_CLOEXEC | MFdFlags::MFD_ALLOW_SEALING;
    let exec = MFdFlags::from_bits_retain(libc::MFD_EXEC);
    match memfd_create(c"mvrc-hop", flags | exec) {
        Err(Errno::EINVAL) => memfd_create(c"mvrc-hop", flags),
        made => made,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::fcntl::FdFlag;
    use nix::sys::uio::{pread, pwrite};

    /// The memfd holds the hop's ELF, sealed, close-on-exec: no write goes in.
    #[test]
    fn hop_is_sealed() {
        let fd = hop().unwrap();
        let sealed = SealFlag::from_bits_truncate(fcntl(&fd, FcntlArg::F_GET_SEALS).unwrap());
        assert!(sealed.contains(seals()), "{sealed:?}");
        let flags = FdFlag::from_bits_truncate(fcntl(&fd, FcntlArg::F_GETFD).unwrap());
        assert!(flags.contains(FdFlag::FD_CLOEXEC));
        let mut head = [0u8; 4];
        assert_eq!(pread(&fd, &mut head, 0), Ok(4));
        assert_eq!(&head, b"\x7fELF");
        assert_eq!(pwrite(&fd, b"x", 0), Err(Errno::EPERM));
    }
}
