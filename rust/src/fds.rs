//! Keeping the caller's descriptors out of the container: every descriptor above
//! stderr marked close-on-exec in one close_range(2), with no loop over fds and no
//! /proc (a chroot without mounts has none).

use std::os::fd::RawFd;

use nix::errno::Errno;
use nix::libc;

use crate::errs::text;

/// close_range(2) failed.
#[derive(Debug, thiserror::Error)]
#[error("close_range: {}", text(*.0))]
pub struct Error(Errno);

/// Marks every descriptor above stderr close-on-exec: without the flag, execve
/// passes them on, a way out of the container. Marked, not closed: the caller
/// may still need one (--pid-file /dev/fd/5).
pub fn close_on_exec() -> Result<(), Error> {
    let flags = libc::CLOSE_RANGE_CLOEXEC as libc::c_int;
    // SAFETY: nix has no close_range; this call only sets a flag on descriptors,
    // it closes none, so no OwnedFd of this process is invalidated.
    match unsafe { libc::close_range(3, libc::c_uint::MAX, flags) } {
        0 => Ok(()),
        _ => Err(Error(Errno::last())),
    }
}

/// Closes every descriptor but stdio and `keep` (the cloned child's first step:
/// clone(2) copied the parent's whole table; the Go child gets the same from its re-exec).
pub fn close_all_but(keep: RawFd) -> nix::Result<()> {
    let keep = keep as libc::c_uint;
    let ranges = [(3, keep.wrapping_sub(1)), (keep + 1, libc::c_uint::MAX)];
    for (first, last) in ranges.into_iter().filter(|(first, last)| first <= last) {
        // SAFETY: nix has no close_range. The OwnedFds that own the closed
        // descriptors (the parent's end, its signalfd) live on the parent's stack,
        // which the cloned child never unwinds: nothing closes them a second time.
        if unsafe { libc::close_range(first, last, 0) } != 0 {
            return Err(Errno::last());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::fcntl::{FcntlArg, FdFlag, fcntl};
    use std::os::fd::{AsFd, BorrowedFd, FromRawFd, OwnedFd};

    fn cloexec(fd: BorrowedFd) -> bool {
        let flags = fcntl(fd, FcntlArg::F_GETFD).expect("F_GETFD");
        FdFlag::from_bits_truncate(flags).contains(FdFlag::FD_CLOEXEC)
    }

    /// close_on_exec must mark every inherited descriptor above stderr, however
    /// high, and leave stdin, stdout and stderr to COMMAND.
    #[test]
    fn close_on_exec_leaves_only_stdio() {
        let (read, write) = nix::unistd::pipe().unwrap(); // no O_CLOEXEC: like a caller's fd
        let raw = fcntl(&read, FcntlArg::F_DUPFD(512)).unwrap();
        // SAFETY: F_DUPFD just returned this new descriptor; nothing else owns it.
        let high = unsafe { OwnedFd::from_raw_fd(raw) };
        let inherited = [read.as_fd(), write.as_fd(), high.as_fd()];
        for fd in inherited {
            assert!(!cloexec(fd), "{fd:?} is close-on-exec before the call: the test would prove nothing");
        }
        let (stdin, stdout, stderr) = (std::io::stdin(), std::io::stdout(), std::io::stderr());
        let stdio = [stdin.as_fd(), stdout.as_fd(), stderr.as_fd()];
        let before = stdio.map(cloexec);

        close_on_exec().unwrap();

        for fd in inherited {
            assert!(cloexec(fd), "{fd:?}: not close-on-exec, COMMAND would inherit it");
        }
        assert_eq!(stdio.map(cloexec), before, "stdio must stay as it is");
    }
}
