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
//! M (mapped) ─────────────────────────────────────▶ hostname → rootfs
//!   -t: + the caller's window size                  -t: open a pty of the container's
//!                         ◀─────────────────────── devpts; T + its master (SCM_RIGHTS)
//!                                                   → network → identity → workdir → command
//!                         ◀─────────────────────── failure: E + exit code + line; exit
//!                                                   execveat the hop (its end left open)
//!                                                   hop: end → CLOEXEC; execve COMMAND
//!                         ◀─────────────────────── failure: X + execve's errno; exit
//!                         ◀─────────────────────── success: execve closes the CLOEXEC end (EOF)
//! recv: EOF → running / E → print "mvrc: LINE", exit with CODE / X → the exec's line
//! -t: the caller's terminal raw, relay master ⇄ stdin/stdout
//! ```
//!
//! SOCK_SEQPACKET keeps each message one datagram, so no framing is needed, and a
//! closed end reads as EOF (a zero-length recv). There is no SPEC message: the
//! Rust child is a clone of the parent and already holds the spec in memory. The child's
//! one exec that keeps its end open is the hop's (hop/src/hop.c), which closes it on
//! COMMAND's execve or sends X.

use std::ffi::OsStr;
use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, FdFlag, fcntl};
use nix::pty::Winsize;
use nix::sys::socket::{
    AddressFamily, ControlMessage, ControlMessageOwned, MsgFlags, RecvMsg, SockFlag, SockType, UnixAddr,
    recvmsg, send, sendmsg, socketpair,
};

use crate::errs::{self, text};
use crate::{command, sealed};

const MAPPED: u8 = b'M'; // with -t, the window size follows: rows, cols, x and y pixels (u16, big-endian)
const TTY: u8 = b'T'; // child → parent: the pty's master, as SCM_RIGHTS
const ERROR: u8 = b'E';
// hop → parent: 'X', COMMAND's execve failed, and its errno (sealed::failed decodes it)

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
    #[error("channel: the child ended without a terminal")]
    NoTerminal,
    #[error("channel: {}", text(*.0))]
    Handover(Errno),
    /// COMMAND's execve, which the hop reported.
    #[error(transparent)]
    Exec(command::Error),
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
    /// With -t it carries the caller's window size (see `mapped`).
    pub fn send_mapped(&self, size: Option<&Winsize>) -> Result<(), Error> {
        send_message(&self.0, &mapped(size))
    }

    // slide: channel
    /// Waits until COMMAND runs (EOF) or the child failed (an ERROR with its line, or the
    /// errno of COMMAND's execve, worded for `argv0`).
    pub fn wait_for_exec(&self, argv0: &OsStr) -> Result<(), Error> {
        let mut buf = vec![0u8; MAX_MESSAGE];
        match receive(&self.0, &mut buf)? {
            [] => Ok(()),
            [ERROR, code, line @ ..] => {
                let line = String::from_utf8_lossy(line).into_owned();
                Err(Error::Child { code: i32::from(*code), line })
            }
            message => match sealed::failed(message) {
                Some(errno) => Err(Error::Exec(command::exec_error(argv0, errno))),
                None => Err(Error::Unexpected(message[0])),
            },
        }
    }
    // end slide
}

impl ParentEnd {
    /// Waits, under -t, for the child's pty master, which comes before the child execs; a
    /// step that failed before it comes as the child's error, as in `wait_for_exec`.
    pub fn receive_terminal(&self) -> Result<OwnedFd, Error> {
        let mut buf = vec![0u8; MAX_MESSAGE];
        match receive_fd(&self.0, &mut buf)? {
            ([TTY], Some(master)) => Ok(master),
            ([], _) => Err(Error::NoTerminal),
            ([ERROR, code, line @ ..], _) => {
                let line = String::from_utf8_lossy(line).into_owned();
                Err(Error::Child { code: i32::from(*code), line })
            }
            ([other, ..], _) => Err(Error::Unexpected(*other)),
        }
    }
}

/// MAPPED, and under -t the caller's window size after it, which the child gives its pty
/// before COMMAND can ask for it: rows, columns, x and y pixels, each a big-endian u16.
fn mapped(size: Option<&Winsize>) -> Vec<u8> {
    let mut message = vec![MAPPED];
    if let Some(ws) = size {
        for v in [ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel] {
            message.extend_from_slice(&v.to_be_bytes());
        }
    }
    message
}

impl ChildEnd {
    /// Waits until the parent has written the id maps; returns the caller's window size
    /// under -t. An error means the parent failed or died: it says why, the child stops silently.
    pub fn wait_for_mapped(&self) -> Result<Option<Winsize>, Error> {
        let mut buf = [0u8; 9];
        match receive(&self.0, &mut buf)? {
            [MAPPED] => Ok(None),
            [MAPPED, size @ ..] if size.len() == 8 => {
                let v = |i: usize| u16::from_be_bytes([size[2 * i], size[2 * i + 1]]);
                Ok(Some(Winsize { ws_row: v(0), ws_col: v(1), ws_xpixel: v(2), ws_ypixel: v(3) }))
            }
            [] => Err(Error::ParentGone),
            [other, ..] => Err(Error::Unexpected(*other)),
        }
    }

    // slide: pty
    /// Hands the pty's master to the parent: only a descriptor passed over the socket
    /// crosses from the container's devpts to the host.
    pub fn send_terminal(&self, master: &OwnedFd) -> Result<(), Error> {
        let fds = [master.as_raw_fd()];
        let rights = [ControlMessage::ScmRights(&fds)];
        let iov = [IoSlice::new(&[TTY])];
        let sent = sendmsg::<UnixAddr>(self.0.as_raw_fd(), &iov, &rights, MsgFlags::MSG_NOSIGNAL, None);
        sent.map(drop).map_err(Error::Send)
    }
    // end slide

    /// Leaves our end open across the next execve, the hop's, and returns its number for the
    /// hop's command line: the hop closes it on COMMAND's execve, or reports.
    pub fn handover(&self) -> Result<RawFd, Error> {
        fcntl(&self.0, FcntlArg::F_SETFD(FdFlag::empty())).map_err(Error::Handover)?;
        Ok(self.0.as_raw_fd())
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

/// Receives one message whole, without a descriptor (one sent along is closed).
fn receive<'a>(fd: &OwnedFd, buf: &'a mut [u8]) -> Result<&'a [u8], Error> {
    receive_fd(fd, buf).map(|(message, _)| message)
}

/// Receives one message whole and the descriptor passed with it, if any (close-on-exec).
/// With MSG_TRUNC the kernel returns the message's real length, so one longer than `buf`
/// is an error instead of a silently cut line.
fn receive_fd<'a>(fd: &OwnedFd, buf: &'a mut [u8]) -> Result<(&'a [u8], Option<OwnedFd>), Error> {
    let mut space = nix::cmsg_space!([RawFd; 1]);
    let flags = MsgFlags::MSG_TRUNC | MsgFlags::MSG_CMSG_CLOEXEC;
    let (n, passed) = loop {
        let mut iov = [IoSliceMut::new(buf)];
        match recvmsg::<UnixAddr>(fd.as_raw_fd(), &mut iov, Some(&mut space), flags) {
            Ok(msg) => break (msg.bytes, passed_fd(&msg)),
            Err(Errno::EINTR) => continue,
            Err(errno) => return Err(Error::Recv(errno)),
        }
    };
    if n > buf.len() {
        return Err(Error::TooLong);
    }
    Ok((&buf[..n], passed))
}

/// The descriptor an SCM_RIGHTS message carried, owned from here on.
fn passed_fd(msg: &RecvMsg<'_, '_, UnixAddr>) -> Option<OwnedFd> {
    let mut fds = msg.cmsgs().ok()?.flat_map(|c| match c {
        ControlMessageOwned::ScmRights(fds) => fds,
        _ => Vec::new(),
    });
    // SAFETY: nix hands received descriptors out raw; the kernel just installed this one
    // in our table for us, and nothing else owns it.
    let first = fds.next().map(|fd| unsafe { OwnedFd::from_raw_fd(fd) });
    // SAFETY: as above, for any extra descriptor a confused sender passed: closed at once.
    fds.for_each(|fd| drop(unsafe { OwnedFd::from_raw_fd(fd) }));
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_round_trip() {
        let (parent, child) = pair().unwrap();
        child.send_error(&crate::command::exec_error("nope", Errno::ENOENT).into());
        let err = parent.wait_for_exec(OsStr::new("x")).unwrap_err();
        assert!(matches!(err, Error::Child { code: 127, .. }), "{err:?}");
        assert_eq!(err.to_string(), r#"exec "nope": no such file or directory"#);
    }

    /// The hop's report of a failed execve is worded by the parent for COMMAND as written.
    #[test]
    fn hops_errno_reaches_parent() {
        use std::os::unix::ffi::OsStrExt;
        for (errno, line, code) in [
            (2u8, r#"exec "a\xffb": no such file or directory"#, 127),
            (13, r#"exec "a\xffb": permission denied"#, 126),
            (8, r#"exec "a\xffb": exec format error"#, 126),
        ] {
            let (parent, child) = pair().unwrap();
            send_message(&child.0, &[b'X', 0, 0, 0, errno]).unwrap();
            match parent.wait_for_exec(OsStr::from_bytes(b"a\xffb")) {
                Err(Error::Exec(err)) => assert_eq!((err.to_string().as_str(), err.code()), (line, code)),
                other => panic!("errno {errno}: {other:?}"),
            }
        }
    }

    #[test]
    fn long_lines_arrive_whole() {
        let (parent, child) = pair().unwrap();
        let cmd = format!("/{}", "b".repeat(MAX_MESSAGE - 100));
        child.send_error(&crate::command::exec_error(&cmd, Errno::ENAMETOOLONG).into());
        let err = parent.wait_for_exec(OsStr::new("x")).unwrap_err();
        assert_eq!(err.to_string(), format!(r#"exec "{cmd}": file name too long"#));
        let (parent, child) = pair().unwrap();
        child.send_error(&crate::command::exec_error("b".repeat(MAX_MESSAGE), Errno::ENOENT).into());
        let err = parent.wait_for_exec(OsStr::new("x")).unwrap_err();
        assert_eq!(err.to_string(), "channel: message too long", "a message beyond the bound");
    }

    /// With -t the window size rides on MAPPED, and the master comes back before EOF.
    #[test]
    fn terminal_travels() {
        let (parent, child) = pair().unwrap();
        let want = Winsize { ws_row: 24, ws_col: 80, ws_xpixel: 640, ws_ypixel: 480 };
        parent.send_mapped(Some(&want)).unwrap();
        let got = child.wait_for_mapped().unwrap().expect("a window size");
        let fields = |w: Winsize| (w.ws_row, w.ws_col, w.ws_xpixel, w.ws_ypixel);
        assert_eq!(fields(got), fields(want));
        let (read, write) = nix::unistd::pipe().unwrap(); // any descriptor: the test checks it is the same file
        child.send_terminal(&write).unwrap();
        drop((write, child));
        let master = parent.receive_terminal().expect("the passed descriptor");
        assert!(parent.wait_for_exec(OsStr::new("x")).is_ok(), "EOF after the terminal");
        nix::unistd::write(&master, b"x").unwrap();
        let mut buf = [0u8; 1];
        assert_eq!(nix::unistd::read(&read, &mut buf), Ok(1));
        assert_eq!(&buf, b"x", "the passed descriptor is not the child's");
    }

    #[test]
    fn closed_ends_read_as_eof() {
        let (parent, child) = pair().unwrap();
        parent.send_mapped(None).unwrap();
        assert!(child.wait_for_mapped().is_ok_and(|size| size.is_none()));
        drop(child);
        assert!(parent.wait_for_exec(OsStr::new("x")).is_ok());
        let (parent, child) = pair().unwrap();
        drop(parent);
        assert!(matches!(child.wait_for_mapped(), Err(Error::ParentGone)));
    }
}
