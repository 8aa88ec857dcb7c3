//! The parent/child protocol over one socketpair, drawn once, here (the Go twin's
//! channel.go draws the same):
//!
//! ```text
//! parent (host, the caller's ids)                  child (new namespaces)
//! ───────────────────────────────                  ──────────────────────
//! socketpair; clone ──────────────────────────────▶ starts, blocked in recv
//! [Go only] S + the spec (binary), in chunks,
//!   then an empty S ──────────────────────────────▶ decode the spec
//! write uid_map, "deny" to setgroups, gid_map
//!   (newuidmap/newgidmap for ranges)
//! cgroup, pid file
//! M (mapped) ─────────────────────────────────────▶ hostname → rootfs → network
//!                                                   → identity → workdir → command
//!                         ◀─────────────────────── failure: E + exit code + line; exit
//!                         ◀─────────────────────── success: execve closes the CLOEXEC end (EOF)
//! recv: EOF → running / E → print "mvrc: LINE", exit with CODE
//! ```
//!
//! SOCK_SEQPACKET keeps each message one datagram, so no framing is needed, and a
//! closed end reads as EOF (a zero-length recv). There is no SPEC message: the
//! Rust child is a clone of the parent and already holds the spec in memory.

use std::os::fd::{AsRawFd, OwnedFd};

use nix::errno::Errno;
use nix::sys::socket::{AddressFamily, MsgFlags, SockFlag, SockType, recv, send, socketpair};

use crate::errs::{self, text};

const MAPPED: u8 = b'M';
const ERROR: u8 = b'E';

/// The largest message: an ERROR with its line (the Go twin's bound too).
const MAX_MESSAGE: usize = 64 << 10;

/// What can go wrong on the channel, and the failure the child sends through it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("socketpair: {}", text(*.0))]
    Socketpair(Errno),
    #[error("channel: send: {}", text(*.0))]
    Send(Errno),
    #[error("channel: recv: {}", text(*.0))]
    Recv(Errno),
    #[error("channel: message too long")]
    TooLong,
    #[error("channel: unexpected message {:?}", char::from(*.0))]
    Unexpected(u8),
    #[error("channel: parent went away")]
    ParentGone,
    /// A setup step that failed in the child: its line (without `mvrc: `) and exit code.
    #[error("{line}")]
    Child { code: i32, line: String },
}

/// The parent's end.
pub struct ParentEnd(OwnedFd);

/// The child's end; close-on-exec, so a successful execve closes it.
pub struct ChildEnd(OwnedFd);

/// Creates both ends. Both are close-on-exec: the user's command never inherits them.
pub fn pair() -> Result<(ParentEnd, ChildEnd), Error> {
    let flags = SockFlag::SOCK_CLOEXEC;
    let (parent, child) =
        socketpair(AddressFamily::Unix, SockType::SeqPacket, None, flags).map_err(Error::Socketpair)?;
    Ok((ParentEnd(parent), ChildEnd(child)))
}

impl ParentEnd {
    /// Tells the child its id maps are written: it may now act as container root.
    pub fn send_mapped(&self) -> Result<(), Error> {
        send_message(&self.0, &[MAPPED])
    }

    // slide: channel
    /// Waits until the child has exec'd (EOF) or failed (an ERROR with its line).
    pub fn wait_for_exec(&self) -> Result<(), Error> {
        let mut buf = vec![0u8; MAX_MESSAGE];
        match receive(&self.0, &mut buf)? {
            [] => Ok(()),
            [ERROR, code, line @ ..] => {
                let line = String::from_utf8_lossy(line).into_owned();
                Err(Error::Child { code: i32::from(*code), line })
            }
            [other, ..] => Err(Error::Unexpected(*other)),
        }
    }
    // end slide
}

impl ChildEnd {
    /// Waits until the parent has written the id maps. An error means the parent
    /// failed or died: it says why, the child stops silently.
    pub fn wait_for_mapped(&self) -> Result<(), Error> {
        let mut buf = [0u8; 1];
        match receive(&self.0, &mut buf)? {
            [MAPPED] => Ok(()),
            [] => Err(Error::ParentGone),
            [other, ..] => Err(Error::Unexpected(*other)),
        }
    }

    /// Hands a setup failure to the parent, which prints its line and exits with its code.
    pub fn send_error(&self, err: &crate::child::Error) {
        let mut message = vec![ERROR, u8::try_from(err.code()).unwrap_or(errs::FAILED as u8)];
        message.extend_from_slice(err.to_string().as_bytes());
        // Nothing is left to do if the parent is gone: the child exits anyway.
        let _ = send_message(&self.0, &message);
    }
}

/// The child keeps this one descriptor besides stdio (see fds::close_all_but).
impl AsRawFd for ChildEnd {
    fn as_raw_fd(&self) -> i32 {
        self.0.as_raw_fd()
    }
}

fn send_message(fd: &OwnedFd, message: &[u8]) -> Result<(), Error> {
    send(fd.as_raw_fd(), message, MsgFlags::MSG_NOSIGNAL).map(drop).map_err(Error::Send)
}

/// Receives one message whole: with MSG_TRUNC the kernel returns the message's real
/// length, so one longer than `buf` is an error instead of a silently cut line.
fn receive<'a>(fd: &OwnedFd, buf: &'a mut [u8]) -> Result<&'a [u8], Error> {
    loop {
        match recv(fd.as_raw_fd(), buf, MsgFlags::MSG_TRUNC) {
            Ok(n) if n > buf.len() => return Err(Error::TooLong),
            Ok(n) => return Ok(&buf[..n]),
            Err(Errno::EINTR) => continue,
            Err(errno) => return Err(Error::Recv(errno)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_round_trip() {
        let (parent, child) = pair().unwrap();
        child.send_error(&crate::command::exec_error("nope", Errno::ENOENT).into());
        let err = parent.wait_for_exec().unwrap_err();
        assert!(matches!(err, Error::Child { code: 127, .. }), "{err:?}");
        assert_eq!(err.to_string(), r#"exec "nope": no such file or directory"#);
    }

    #[test]
    fn long_lines_arrive_whole() {
        let (parent, child) = pair().unwrap();
        let cmd = format!("/{}", "b".repeat(MAX_MESSAGE - 100));
        child.send_error(&crate::command::exec_error(&cmd, Errno::ENAMETOOLONG).into());
        let err = parent.wait_for_exec().unwrap_err();
        assert_eq!(err.to_string(), format!(r#"exec "{cmd}": file name too long"#));
        let (parent, child) = pair().unwrap();
        child.send_error(&crate::command::exec_error("b".repeat(MAX_MESSAGE), Errno::ENOENT).into());
        let err = parent.wait_for_exec().unwrap_err();
        assert_eq!(err.to_string(), "channel: message too long", "a message beyond the bound");
    }

    #[test]
    fn closed_ends_read_as_eof() {
        let (parent, child) = pair().unwrap();
        parent.send_mapped().unwrap();
        assert!(child.wait_for_mapped().is_ok());
        drop(child);
        assert!(parent.wait_for_exec().is_ok());
        let (parent, child) = pair().unwrap();
        drop(parent);
        assert!(matches!(child.wait_for_mapped(), Err(Error::ParentGone)));
    }
}
