//! The child's process-wide locks: the parent-death signal, re-armed after every change of
//! identity and checked against the parent it was armed for; a fresh session keyring;
//! no_new_privs. The mounts confine the files; these confine the process.

use std::fs::File;
use std::os::unix::fs::FileExt;

use nix::errno::Errno;
use nix::libc;
use nix::sys::prctl;
use nix::sys::signal::Signal;

use crate::errs::{errno, text};

/// What failed while confining the child.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("prctl: {}", text(*.0))]
    Pdeathsig(Errno),
    #[error("parent check: {what}: {}", text(*.source))]
    Status { what: &'static str, source: Errno },
    #[error("parent check: no PPid in /proc/self/status")]
    NoPPid,
    #[error("parent check: mvrc (pid {pid}) is gone")]
    ParentGone { pid: i32 },
    #[error("joining a new session keyring: {}", text(*.0))]
    Keyring(Errno),
    #[error("prctl no_new_privs: {}", text(*.0))]
    NoNewPrivs(Errno),
}

/// Watches the parent mvrc from the child. The kernel forgets PR_SET_PDEATHSIG at every
/// change of effective id; a parent that dies between that change and the re-arm sends no
/// signal, and the container would run on without it. So after each re-arm we look at our
/// parent again: the kernel updates it before it reads the signal to send, and we arm
/// before we look, so one of the two sees the other.
///
/// getppid(2) cannot tell: in a new PID namespace it is 0 whether mvrc lives or not. Our
/// status file in the caller's /proc, opened while that /proc is still mounted (before the
/// rootfs step), names the parent in the caller's PID namespace, where mvrc is visible.
pub struct Parent {
    status: File,
    /// The parent's pid in that /proc when we started; 0: it cannot see mvrc.
    pid: i32,
}

impl Parent {
    /// Opens our status file and notes our parent. Call it before any change of id.
    pub fn watch() -> Result<Parent, Error> {
        let status = File::open("/proc/self/status")
            .map_err(|e| Error::Status { what: "open /proc/self/status", source: errno(&e) })?;
        let mut parent = Parent { status, pid: 0 };
        parent.pid = parent.current()?;
        Ok(parent)
    }

    /// Sets the parent-death signal again and fails if the parent is no longer the one we
    /// started with (it died and we were handed to a reaper).
    pub fn rearm(&self) -> Result<(), Error> {
        prctl::set_pdeathsig(Signal::SIGKILL).map_err(Error::Pdeathsig)?;
        match self.current()? {
            now if now == self.pid => Ok(()),
            _ => Err(Error::ParentGone { pid: self.pid }),
        }
    }

    /// Reads PPid from the status file again (a read at offset 0 regenerates it).
    fn current(&self) -> Result<i32, Error> {
        let mut buf = [0u8; 4096];
        let n = self
            .status
            .read_at(&mut buf, 0)
            .map_err(|e| Error::Status { what: "read /proc/self/status", source: errno(&e) })?;
        ppid(&buf[..n]).ok_or(Error::NoPPid)
    }
}

/// Finds the "PPid:" line of a /proc/PID/status text.
pub fn ppid(status: &[u8]) -> Option<i32> {
    let line = status.split(|&b| b == b'\n').find_map(|line| line.strip_prefix(b"PPid:"))?;
    std::str::from_utf8(line).ok()?.trim().parse().ok()
}

/// Joins a new, empty session keyring (KEYCTL_JOIN_SESSION_KEYRING with no name), so
/// that COMMAND cannot read or use the keys of the caller's session: the kernel's keyrings
/// are not namespaced. Called as COMMAND's identity, which then owns it. A NULL name makes
/// it anonymous: a named one could be joined by name. A kernel without keys (ENOSYS) has
/// nothing to leak.
pub fn new_session_keyring() -> Result<(), Error> {
    let join = libc::KEYCTL_JOIN_SESSION_KEYRING as libc::c_long;
    let none: *const libc::c_char = std::ptr::null();
    // SAFETY: nix has no keyctl. This operation takes one pointer argument, NULL here,
    // and touches no memory of ours.
    match unsafe { libc::syscall(libc::SYS_keyctl, join, none) } {
        -1 => match Errno::last() {
            Errno::ENOSYS => Ok(()),
            errno => Err(Error::Keyring(errno)),
        },
        _ => Ok(()),
    }
}

/// Sets no_new_privs: no execve in the container can gain privileges (setuid, setgid and
/// file capabilities are ignored), and it survives every fork and exec.
pub fn no_new_privs() -> Result<(), Error> {
    prctl::set_no_new_privs().map_err(Error::NoNewPrivs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ppid_is_found_in_a_status_text() {
        assert_eq!(ppid(b"Name:\tmvrc\nPid:\t7\nPPid:\t42\nTracerPid:\t0\n"), Some(42));
        assert_eq!(ppid(b"PPid:\t0\n"), Some(0));
        assert_eq!(ppid(b"Pid:\t7\n"), None);
        assert_eq!(ppid(b"PPid:\tx\n"), None);
    }

    #[test]
    fn our_parent_is_watched() {
        let parent = Parent::watch().unwrap();
        assert_eq!(parent.pid, nix::unistd::getppid().as_raw());
        assert_eq!(parent.current().unwrap(), parent.pid, "a second read sees the same parent");
    }
}
