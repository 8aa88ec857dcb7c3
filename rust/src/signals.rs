//! Forwarding SPEC's signals to one pid; the second SIGINT-or-SIGTERM becomes SIGKILL.

use nix::errno::Errno;
use nix::sys::signal::{SigSet, Signal, kill};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::unistd::Pid;

use crate::errs::text;

/// What can go wrong while blocking or reading signals.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("blocking signals: {}", text(*.0))]
    Block(Errno),
    #[error("signalfd: {}", text(*.0))]
    Signalfd(Errno),
    #[error("reading signals: {}", text(*.0))]
    Read(Errno),
}

/// The signals mvrc passes on to the container's PID 1 (SPEC, "Lifecycle").
pub const FORWARDED: [Signal; 7] = [
    Signal::SIGINT,
    Signal::SIGTERM,
    Signal::SIGHUP,
    Signal::SIGQUIT,
    Signal::SIGUSR1,
    Signal::SIGUSR2,
    Signal::SIGWINCH,
];

/// The forwarded signals and SIGCHLD, blocked and read from a signalfd: one
/// blocking read wakes for either, so waiting needs no handler and no polling.
pub struct Signals(SignalFd);

impl Signals {
    /// Blocks the signals for this thread (and every process cloned from it).
    pub fn block() -> Result<Signals, Error> {
        let mut mask = SigSet::empty();
        FORWARDED.iter().for_each(|s| mask.add(*s));
        mask.add(Signal::SIGCHLD);
        mask.thread_block().map_err(Error::Block)?;
        SignalFd::with_flags(&mask, SfdFlags::SFD_CLOEXEC).map(Signals).map_err(Error::Signalfd)
    }

    /// Waits for the next signal.
    pub fn next(&self) -> Result<Signal, Error> {
        loop {
            match self.0.read_signal() {
                Ok(Some(info)) => match Signal::try_from(info.ssi_signo as i32) {
                    Ok(sig) => return Ok(sig),
                    Err(_) => continue,
                },
                Ok(None) | Err(Errno::EINTR) => continue,
                Err(errno) => return Err(Error::Read(errno)),
            }
        }
    }
}

/// The signalfd, for a poll(2) that waits for more than signals (-t's relay).
impl std::os::fd::AsFd for Signals {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.0.as_fd()
    }
}

/// Sends each forwarded signal on, counting the ones that ask the container to stop.
#[derive(Debug, Default)]
pub struct Forwarder {
    stops: u32,
}

impl Forwarder {
    /// What to send for `sig`. A PID 1 without a handler ignores SIGINT and SIGTERM
    /// (the kernel protects a namespace's init), so a second one must be SIGKILL.
    pub fn translate(&mut self, sig: Signal) -> Signal {
        if matches!(sig, Signal::SIGINT | Signal::SIGTERM) {
            self.stops += 1;
            if self.stops > 1 {
                return Signal::SIGKILL;
            }
        }
        sig
    }

    pub fn forward(&mut self, pid: Pid, sig: Signal) {
        // The target may be exiting already; its SIGCHLD ends the wait.
        let _ = kill(pid, self.translate(sig));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_stop_is_sigkill() {
        let cases: [(&[Signal], Signal); 4] = [
            (&[Signal::SIGINT], Signal::SIGINT),
            (&[Signal::SIGINT, Signal::SIGTERM], Signal::SIGKILL),
            (&[Signal::SIGTERM, Signal::SIGHUP, Signal::SIGWINCH], Signal::SIGWINCH),
            (&[Signal::SIGUSR1, Signal::SIGUSR1, Signal::SIGTERM], Signal::SIGTERM),
        ];
        for (sent, want) in cases {
            let mut forwarder = Forwarder::default();
            let got = sent.iter().map(|s| forwarder.translate(*s)).last();
            assert_eq!(got, Some(want), "{sent:?}");
        }
    }
}
