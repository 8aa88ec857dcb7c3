// `--init`: PID 1 that starts COMMAND as PID 2, reaps every zombie and forwards signals.

use std::path::Path;

use nix::errno::Errno;
use nix::sys::prctl;
use nix::sys::signal::Signal;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork};

use crate::channel::ChildEnd;
use crate::child;
use crate::errs::{Error, FAILED, sys};
use crate::signals::{Forwarder, Signals};
use crate::spec::Spec;

/// A running init with COMMAND started.
pub struct Init {
    command: Pid,
    signals: Signals,
}

/// Forks COMMAND (already looked up as `path`), which becomes PID 2. Its exec
/// failure goes to the parent over `channel`, exactly as without --init.
pub fn start(channel: &ChildEnd, spec: &Spec, path: &Path) -> Result<Init, Error> {
    // SAFETY: this process is single-threaded (a clone of a single-threaded mvrc), so
    // the forked child may run any code, not only async-signal-safe functions.
    match unsafe { fork() }.map_err(sys("fork"))? {
        // SIGCHLD and the forwarded signals are still blocked, as the parent left
        // them, so none is lost before the signalfd exists.
        ForkResult::Parent { child } => Ok(Init { command: child, signals: Signals::block()? }),
        ForkResult::Child => {
            // Without a PID namespace, init's death would not end COMMAND by itself.
            let _ = prctl::set_pdeathsig(Signal::SIGKILL);
            let err = child::exec(spec, path);
            channel.report(&err);
            std::process::exit(err.code());
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
            Ok(WaitStatus::Exited(pid, code)) if pid == command => return Some(code),
            Ok(WaitStatus::Signaled(pid, sig, _)) if pid == command => {
                return Some(128 + sig as i32);
            }
            Ok(WaitStatus::StillAlive) | Err(Errno::ECHILD) => return None,
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(_) => return None,
        }
    }
}
