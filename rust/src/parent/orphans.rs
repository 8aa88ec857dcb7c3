//! Without a PID namespace: the parent as a subreaper, which kills what COMMAND leaves running.

use std::fs;

use nix::errno::Errno;
use nix::sys::prctl;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::waitpid;
use nix::unistd::{Pid, getpid};

use super::Error;

/// Makes the orphans of our descendants ours instead of the host's init's.
/// Without a PID namespace, nothing kills what COMMAND leaves running in the
/// background when it exits: `kill_orphans` then does.
pub fn become_subreaper() -> Result<(), Error> {
    prctl::set_child_subreaper(true).map_err(Error::Subreaper)
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
