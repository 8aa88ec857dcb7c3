// Reaping what the container leaves: `--init`'s PID 1 (starts COMMAND as PID 2, reaps every zombie,
// forwards signals), and without a PID namespace the subreaper parent that kills COMMAND's orphans.

use std::fs;
use std::path::Path;

use nix::errno::Errno;
use nix::sys::prctl;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, getpid, setsid};

use crate::channel::ChildEnd;
use crate::errs::{self, Error, FAILED, sys};
use crate::signals::{Forwarder, Signals};
use crate::spec::Spec;
use crate::{lookup, terminal};

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
            let err = match take_terminal(spec.tty) {
                Ok(()) => lookup::exec(path, &spec.command, &spec.env),
                Err(err) => err,
            };
            channel.report(&err);
            std::process::exit(err.code());
        }
    }
}

/// With -t (our stdin is the pty), COMMAND leads a session of its own with the pty as its
/// controlling terminal; init's session has none.
fn take_terminal(tty: bool) -> Result<(), Error> {
    match tty {
        true => setsid().map_err(sys("setsid")).and_then(|_| terminal::control()),
        false => Ok(()),
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

/// Makes the orphans of our descendants ours instead of the host's init's.
/// Without a PID namespace, nothing kills what COMMAND leaves running in the
/// background when it exits: `kill_orphans` then does.
pub fn become_subreaper() -> Result<(), Error> {
    prctl::set_child_subreaper(true).map_err(sys("prctl"))
}

/// Kills and reaps every child left to the subreaper, again until none is left:
/// one may fork while we look. It runs after the container has ended, never on
/// the start path.
pub fn kill_orphans() {
    loop {
        let children = children_of(getpid());
        if children.is_empty() {
            return;
        }
        for &pid in &children {
            let _ = kill(pid, Signal::SIGKILL);
        }
        for &pid in &children {
            while waitpid(pid, None) == Err(Errno::EINTR) {}
        }
    }
}

/// The processes whose parent is `pid`, from the PPid lines in /proc.
fn children_of(pid: Pid) -> Vec<Pid> {
    let ppid = format!("\nPPid:\t{pid}\n");
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .filter(|child| fs::read_to_string(format!("/proc/{child}/status")).is_ok_and(|s| s.contains(&ppid)))
        .map(Pid::from_raw)
        .collect()
}
