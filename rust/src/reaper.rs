//! `--init`'s PID 1: start COMMAND as its first child, forward signals to it, reap every zombie.

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, FdFlag, OFlag, fcntl};
use nix::sys::prctl;
use nix::sys::signal::Signal;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, pipe2, read, setsid, write};

use crate::errs::{self, FAILED, text};
use crate::signals::{self, Forwarder, Signals};
use crate::{command, sealed, terminal};

/// Why COMMAND could not be started under --init.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("pipe: {}", text(*.0))]
    Pipe(Errno),
    #[error("fork: {}", text(*.0))]
    Fork(Errno),
    #[error(transparent)]
    Exec(#[from] command::Error),
    #[error(transparent)]
    Signals(#[from] signals::Error),
    #[error(transparent)]
    Sealed(#[from] sealed::Error),
}

/// A running init with COMMAND started.
pub struct Init {
    command: Pid,
    signals: Signals,
}

/// Forks COMMAND (already looked up as `path`) through the hop (see sealed); it becomes
/// PID 2 (the first child: Rust's init has one thread). Returns once it runs, or with the
/// reason it could not be exec'd: that reason comes back on a pipe, the hop's channel,
/// as X and the errno; EOF means COMMAND's execve worked. With `tty` (-t, our stdin is
/// the pty), COMMAND leads a session of its own with the pty as its controlling terminal
/// (a failure there is reported like an exec's, as Go's Setctty). The hop is closed on
/// return: PID 1 holds nothing of the host's for the container's life.
pub fn start(
    hop: OwnedFd,
    path: &Path,
    argv: &[std::ffi::OsString],
    env: &[std::ffi::OsString],
    tty: bool,
) -> Result<Init, Error> {
    // By name, as the Go twin's ForkExec must; without a /proc that shows the hop, COMMAND
    // is exec'd directly: there is no /proc/self/exe to lead back to mvrc then either.
    let named = sealed::named(&hop)?;
    let (failure, report) = pipe2(OFlag::O_CLOEXEC).map_err(Error::Pipe)?;
    // SAFETY: this process is single-threaded (a clone of a single-threaded mvrc), so
    // the forked child may run any code, not only async-signal-safe functions.
    match unsafe { fork() }.map_err(Error::Fork)? {
        ForkResult::Child => {
            drop(failure);
            // Without a PID namespace, init's death would not end COMMAND by itself.
            let _ = prctl::set_pdeathsig(Signal::SIGKILL);
            // The report pipe is the hop's channel: left open across the hop's execve,
            // closed by COMMAND's, or carrying X and the errno as from the hop.
            let handover = fcntl(&report, FcntlArg::F_SETFD(FdFlag::empty()));
            let errno = match (take_terminal(tty).and(handover.map(drop)), &named) {
                (Ok(()), Some(hop)) => command::exec_named(hop, report.as_raw_fd(), path, argv, env).errno(),
                (Ok(()), None) => command::exec_direct(path, argv, env).errno(),
                (Err(errno), _) => errno,
            };
            let _ = write(&report, &sealed::failure(errno));
            std::process::exit(FAILED);
        }
        ForkResult::Parent { child } => {
            // PID 1 holds nothing of the host's for the container's life.
            drop((report, hop));
            if let Some(errno) = exec_failure(&failure) {
                let _ = waitpid(child, None);
                return Err(Error::Exec(command::exec_error(&argv[0], errno)));
            }
            // SIGCHLD and the forwarded signals are still blocked, as the parent left
            // them, so none is lost before the signalfd exists.
            Ok(Init { command: child, signals: Signals::block()? })
        }
    }
}

/// Under -t, a new session whose controlling terminal is stdin, the pty; init's has none.
fn take_terminal(tty: bool) -> Result<(), Errno> {
    if !tty {
        return Ok(());
    }
    setsid()?;
    match terminal::control() {
        Err(terminal::Error::Control(errno)) => Err(errno),
        _ => Ok(()),
    }
}

/// Reads the errno a failed exec reported; None at EOF (COMMAND's execve closed the pipe).
fn exec_failure(pipe: &OwnedFd) -> Option<Errno> {
    let mut buf = [0u8; 5];
    loop {
        match read(pipe, &mut buf) {
            Err(Errno::EINTR) => continue,
            Ok(n) => return sealed::failed(&buf[..n]),
            Err(_) => return None,
        }
    }
}

impl Init {
    /// Forwards signals to COMMAND and reaps every process that ends: orphans
    /// re-parented to PID 1 would otherwise stay zombies. Returns COMMAND's status;
    /// when PID 1 exits, the kernel kills whatever is left in the namespace.
    pub fn wait(self) -> i32 {
        let mut forwarder = Forwarder::default();
        loop {
            match self.signals.next() {
                Ok(Signal::SIGCHLD) => {
                    if let Some(status) = reap(self.command) {
                        return status;
                    }
                }
                Ok(sig) => forwarder.forward(self.command, sig),
                Err(_) => return FAILED,
            }
        }
    }
}

/// Collects every exited child (orphans re-parent to PID 1); COMMAND's status once it is gone.
fn reap(command: Pid) -> Option<i32> {
    loop {
        match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) | Err(Errno::ECHILD) => return None,
            Ok(status) if status.pid() == Some(command) && errs::status(status).is_some() => {
                return errs::status(status);
            }
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(_) => return None,
        }
    }
}
