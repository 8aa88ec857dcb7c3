//! The parent's half of -t: the caller's terminal in raw mode, joined to the pty's master.

use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::pty::Winsize;
use nix::sys::signal::Signal;
use nix::sys::signal::killpg;
use nix::sys::termios::{SetArg, Termios, cfmakeraw, tcgetattr, tcsetattr};
use nix::unistd::{isatty, read, tcgetpgrp, write};

use super::{Error, get_window_size, set_window_size};
use crate::signals::{self, Signals};

/// Refuses -t when stdin is not a terminal: there would be nothing to put in raw mode and no
/// size to follow (docker: "the input device is not a TTY").
pub fn check() -> Result<(), Error> {
    match isatty(io::stdin()) {
        Ok(true) => Ok(()),
        _ => Err(Error::NotATerminal),
    }
}

/// The caller's window size (zero if it has none), for the child's pty.
pub fn size() -> Winsize {
    let mut ws = Winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: nix has no safe TIOCGWINSZ; the kernel writes one Winsize into ws, which we own.
    if unsafe { get_window_size(0, &mut ws) }.is_err() {
        ws = Winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
    }
    ws
}

/// The caller's terminal in raw mode, joined to the master. One poll(2) waits for a key, for
/// output and for the signals, so mvrc stays single-threaded and never spins.
pub struct Relay {
    master: Option<OwnedFd>, // None once hung up
    saved: Termios,
    pending: Vec<u8>, // keys read but not yet taken by the master
    stdin_open: bool,
    master_open: bool,
    broken: bool, // stdout failed: output is read and dropped, so COMMAND never blocks
}

impl Relay {
    /// Puts the caller's terminal in raw mode (every key, ^C and ^Z included, goes to the
    /// container as a byte); dropping the relay puts it back exactly as it was.
    pub fn attach(master: OwnedFd) -> Result<Relay, Error> {
        // Non-blocking: a master that takes no more input must not stop the output.
        let flags = OFlag::from_bits_truncate(fcntl(&master, FcntlArg::F_GETFL).map_err(Error::Relay)?);
        fcntl(&master, FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK)).map_err(Error::Relay)?;
        let saved = tcgetattr(io::stdin()).map_err(Error::RawMode)?;
        let mut raw = saved.clone();
        cfmakeraw(&mut raw);
        tcsetattr(io::stdin(), SetArg::TCSANOW, &raw).map_err(Error::RawMode)?;
        let relay = Relay {
            master: Some(master),
            saved,
            pending: Vec::new(),
            stdin_open: true,
            master_open: true,
            broken: false,
        };
        relay.resize(); // the size may have changed since the child set it
        Ok(relay)
    }

    /// Gives the pty the caller's window size; the kernel then sends SIGWINCH to the
    /// container's foreground job. Called on every SIGWINCH mvrc gets.
    pub fn resize(&self) {
        if let Some(master) = &self.master {
            // SAFETY: nix has no safe TIOCSWINSZ; the pointer is to a live Winsize the call only reads.
            let _ = unsafe { set_window_size(master.as_raw_fd(), &size()) };
        }
    }

    /// What a terminal emulator does when its window closes, or sshd when the connection
    /// drops: close the master. The kernel then hangs up the container's terminal (SIGHUP and
    /// SIGCONT to the leader of its session, COMMAND; EOF to reads, EIO to writes), and mvrc
    /// waits until COMMAND has ended, as always. Keys still pending are dropped. Called on
    /// SIGHUP to mvrc, and when stdin says the caller's terminal is gone. The foreground job
    /// gets SIGHUP too, as when a session's leader dies of it: a shell that is the container's
    /// PID 1 does not (a kernel rule), and would wait for its job forever.
    pub fn hang_up(&mut self) {
        let job = self.master.as_ref().and_then(|master| tcgetpgrp(master).ok()); // a host pid
        self.master = None;
        if let Some(job) = job.filter(|job| job.as_raw() > 0) {
            let _ = killpg(job, Signal::SIGHUP);
        }
        (self.master_open, self.stdin_open) = (false, false);
        self.pending.clear();
    }

    /// Copies keys and output until a signal arrives, and returns it. A caller's terminal
    /// that hangs up (EOF or an error on stdin) hangs up the container's.
    pub fn next_signal(&mut self, signals: &Signals) -> Result<Signal, signals::Error> {
        loop {
            let (out, keys, sig) = self.wait(signals)?;
            if out.intersects(PollFlags::POLLIN | PollFlags::POLLHUP | PollFlags::POLLERR) && self.master_open
            {
                self.master_open = !self.copy_out();
            }
            if out.contains(PollFlags::POLLOUT) {
                self.copy_in();
            }
            // Any event on stdin, POLLHUP and POLLNVAL too, leads to a read that says what it is.
            if !keys.is_empty() {
                self.read_keys();
            }
            if sig {
                return signals.next();
            }
        }
    }

    /// One poll(2) over what may move now: the master (output, or room for pending keys),
    /// stdin (only while no keys are pending), the signals. A side that is done is left out,
    /// since poll reports its hang-up whatever it is asked, and would never block again.
    fn wait(&self, signals: &Signals) -> Result<(PollFlags, PollFlags, bool), signals::Error> {
        let stdin = io::stdin();
        let mut on_master = PollFlags::empty();
        if self.master_open {
            on_master |= PollFlags::POLLIN;
        }
        if !self.pending.is_empty() {
            on_master |= PollFlags::POLLOUT;
        }
        let mut fds = vec![PollFd::new(signals.as_fd(), PollFlags::POLLIN)];
        let master = self.master.as_ref().filter(|_| !on_master.is_empty());
        if let Some(master) = master {
            fds.push(PollFd::new(master.as_fd(), on_master));
        }
        let read_keys = self.stdin_open && self.pending.is_empty();
        if read_keys {
            fds.push(PollFd::new(stdin.as_fd(), PollFlags::POLLIN));
        }
        loop {
            match poll(&mut fds, PollTimeout::NONE) {
                Err(Errno::EINTR) => continue,
                Err(errno) => return Err(signals::Error::Read(errno)),
                Ok(_) => break,
            }
        }
        let ready = |i: usize| fds[i].revents().unwrap_or(PollFlags::empty());
        let out = if master.is_none() { PollFlags::empty() } else { ready(1) };
        let keys = if read_keys { ready(fds.len() - 1) } else { PollFlags::empty() };
        Ok((out, keys, !ready(0).is_empty()))
    }

    /// Takes the output that is left once COMMAND has exited (every slave is closed then:
    /// the kernel hands out what they wrote, then says EIO).
    pub fn finish(&mut self) {
        if self.master_open {
            self.copy_out();
        }
    }

    /// Copies what the master holds to stdout; true when the master is done (EIO: no slave open).
    fn copy_out(&mut self) -> bool {
        let mut buf = [0u8; 64 << 10];
        loop {
            let Some(master) = &self.master else { return true };
            match read(master, &mut buf) {
                Ok(0) => return true,
                Ok(n) => self.write_out(&buf[..n]),
                Err(Errno::EINTR) => continue,
                Err(Errno::EAGAIN) => return false,
                Err(_) => return true,
            }
        }
    }

    fn write_out(&mut self, data: &[u8]) {
        if !self.broken && io::stdout().write_all(data).and_then(|()| io::stdout().flush()).is_err() {
            self.broken = true;
        }
    }

    /// Hands pending keys to the master, as many as it takes now.
    fn copy_in(&mut self) {
        let Some(master) = &self.master else { return };
        match write(master, &self.pending) {
            Ok(n) => drop(self.pending.drain(..n)),
            Err(Errno::EINTR | Errno::EAGAIN) => {}
            Err(_) => self.pending.clear(),
        }
    }

    fn read_keys(&mut self) {
        let mut buf = [0u8; 32 << 10];
        match read(io::stdin(), &mut buf) {
            Ok(0) => self.hang_up(), // raw mode: EOF only on a hang-up
            Ok(n) => self.pending.extend_from_slice(&buf[..n]),
            Err(Errno::EINTR | Errno::EAGAIN) => {}
            Err(_) => self.hang_up(), // EIO, EBADF: the caller's terminal is gone
        }
    }
}

/// On every way out, the caller's terminal as it was.
impl Drop for Relay {
    fn drop(&mut self) {
        let _ = tcsetattr(io::stdin(), SetArg::TCSANOW, &self.saved);
    }
}
