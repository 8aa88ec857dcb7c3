//! Waiting for the child: until COMMAND runs (or the child's error), and until it exits,
//! forwarding signals meanwhile.

use std::ffi::OsStr;
use std::os::fd::OwnedFd;

use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, waitpid};
use nix::unistd::Pid;

use super::Error;
use crate::channel::ParentEnd;
use crate::errs;
use crate::signals::{Forwarder, Signals};
use crate::terminal::Relay;

/// Waits until COMMAND runs, and returns the pty's master under -t; or returns the error
/// that stopped the child. The child is killed first: after a broken channel it may still
/// be waiting for us.
pub(super) fn wait_for_exec(
    channel: &ParentEnd,
    child: Pid,
    tty: bool,
    argv0: &OsStr,
) -> Result<Option<OwnedFd>, Error> {
    let master = tty.then(|| channel.receive_terminal()).transpose();
    let waited = master.and_then(|master| channel.wait_for_exec(argv0).map(|()| master));
    Ok(waited.inspect_err(|_| {
        let _ = kill(child, Signal::SIGKILL);
        let _ = waitpid(child, None);
    })?)
}

/// Forwards signals until the child exits; returns its status (128+N if killed by N).
/// With -t the relay copies bytes while it waits, SIGWINCH resizes the container's terminal
/// and SIGHUP hangs it up instead: the kernel signals its foreground job, or its session.
pub(super) fn wait(child: Pid, signals: &Signals, mut relay: Option<&mut Relay>) -> Result<i32, Error> {
    let mut forwarder = Forwarder::default();
    loop {
        let next = match relay.as_deref_mut() {
            Some(relay) => relay.next_signal(signals)?,
            None => signals.next()?,
        };
        match next {
            Signal::SIGCHLD => match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
                Ok(status) => match errs::status(status) {
                    Some(code) => return Ok(code),
                    None => continue,
                },
                Err(errno) => return Err(Error::Wait(errno)),
            },
            Signal::SIGWINCH if relay.is_some() => relay.as_deref().map_or((), Relay::resize),
            // The caller's terminal is gone: hang up the container's, its session gets SIGHUP.
            Signal::SIGHUP if relay.is_some() => relay.as_deref_mut().map_or((), Relay::hang_up),
            sig => forwarder.forward(child, sig),
        }
    }
}
