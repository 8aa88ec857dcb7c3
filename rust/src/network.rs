//! Bringing up `lo` in the new network namespace (SIOCGIFFLAGS / SIOCSIFFLAGS).

use std::os::fd::AsRawFd;

use nix::errno::Errno;
use nix::libc;
use nix::sys::socket::{AddressFamily, SockFlag, SockType, socket};

use crate::errs::text;

/// `lo` could not be brought up.
#[derive(Debug, thiserror::Error)]
#[error("bringing up lo: {}", text(*.0))]
pub struct Error(Errno);

nix::ioctl_readwrite_bad!(get_flags, libc::SIOCGIFFLAGS, libc::ifreq);
nix::ioctl_write_ptr_bad!(set_flags, libc::SIOCSIFFLAGS, libc::ifreq);

/// A new network namespace has only `lo`, and it is down: nothing, not even
/// 127.0.0.1, answers until it is up.
pub fn loopback_up() -> Result<(), Error> {
    let failed = Error;
    let sock =
        socket(AddressFamily::Inet, SockType::Datagram, SockFlag::SOCK_CLOEXEC, None).map_err(failed)?;
    // SAFETY: ifreq is plain old data (names, numbers, a union of them); all zeros is valid.
    let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, src) in req.ifr_name.iter_mut().zip(b"lo\0") {
        *dst = *src as libc::c_char;
    }
    // SAFETY: the fd is an open socket and `req` a valid ifreq that outlives both calls;
    // SIOCGIFFLAGS fills ifru_flags, the union member read and written here.
    unsafe {
        get_flags(sock.as_raw_fd(), &mut req).map_err(failed)?;
        req.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
        set_flags(sock.as_raw_fd(), &req).map_err(failed)?;
    }
    Ok(())
}
