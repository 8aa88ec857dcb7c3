//! The host side: start the child in its new namespaces, map its ids, let it go, wait.
//!
//! Why Rust needs no re-exec: the Go runtime runs several threads before main,
//! and after fork(2) only the forking thread survives, so a Go child can do little
//! but exec; the Go twin re-executes /proc/self/exe and its child stage starts from
//! main. mvrc in Rust is single-threaded here, so clone(2) yields a whole working
//! copy of this process, spec included, that runs the child stage directly.

mod configure;
mod orphans;
mod pidfile;
mod prepare;
mod wait;

use std::ffi::OsString;
use std::io::Write;
use std::time::Instant;

use nix::errno::Errno;
use nix::sched::clone;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::waitpid;
use nix::unistd::{Pid, geteuid};

use configure::configure;
use wait::{wait, wait_for_exec};

use crate::cgroups;
use crate::channel;
use crate::debug::Timer;
use crate::errs::{self, FAILED, quote, text};
use crate::signals::{self, Signals};
use crate::spec::Spec;
use crate::terminal::{self, Relay};
use crate::{child, fds, idmap};

/// Every way the host side can fail, and the child's failure it passes on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("rootfs {}: no such directory", quote(.path))]
    RootfsMissing { path: OsString },
    #[error("rootfs {}: not a directory", quote(.path))]
    RootfsNotDir { path: OsString },
    #[error("rootfs {}: cannot be the host's root directory", quote(.path))]
    RootfsIsHostRoot { path: OsString },
    #[error("rootfs {}: {}", quote(.path), text(*.source))]
    Rootfs { path: OsString, source: Errno },
    #[error("bind source {}: {}", quote(.src), text(*.source))]
    BindSource { src: OsString, source: Errno },
    #[error("prctl: {}", text(*.0))]
    Subreaper(Errno),
    #[error("creating namespaces: {}{}", text(*.source), user_hint(*.without_user))]
    Clone { source: Errno, without_user: bool },
    #[error("pid file {}: {}", quote(.path), errs::io_text(.source))]
    PidFile { path: OsString, source: std::io::Error },
    #[error("waiting for the container: {}", text(*.0))]
    Wait(Errno),
    #[error("prctl dumpable: {}", text(*.0))]
    Dumpable(Errno),
    #[error(transparent)]
    Fds(#[from] fds::Error),
    #[error(transparent)]
    Signals(#[from] signals::Error),
    #[error(transparent)]
    Idmap(#[from] idmap::Error),
    #[error(transparent)]
    Cgroups(#[from] cgroups::Error),
    #[error(transparent)]
    Seccomp(#[from] crate::seccomp::Error),
    #[error(transparent)]
    Channel(#[from] channel::Error),
    #[error(transparent)]
    Terminal(#[from] terminal::Error),
}

impl Error {
    /// The exit status: a failure the child sent carries its own, anything else is 125.
    pub fn code(&self) -> i32 {
        match self {
            Error::Channel(channel::Error::Child { code, .. }) => *code,
            Error::Channel(channel::Error::Exec(err)) => err.code(),
            _ => FAILED,
        }
    }
}

fn user_hint(without_user: bool) -> &'static str {
    if without_user { r#" (an unprivileged user needs "user" in --ns)"# } else { "" }
}

/// The child's stack: the child stage runs Rust code, not just an exec.
const STACK_SIZE: usize = 1 << 20;

/// Printed without a PID namespace: mvrc kills the orphans it finds when COMMAND
/// exits, but a SIGKILL gives mvrc no chance to, and no kernel rule ends them.
const NO_PID_WARNING: &str =
    "mvrc: warning: without the pid namespace, processes COMMAND leaves behind survive a SIGKILL of mvrc";

/// Printed when root runs mvrc and the container's uid 0 is the host's: no user
/// namespace, or root mapped to root (the default map for root is 0:0:1).
const ROOT_WARNING: &str = "mvrc: warning: container root is host root: run as a user, or map a subuid range";

/// Whether uid 0 in the container is uid 0 on the host.
fn host_root(spec: &Spec) -> bool {
    !spec.namespaces.contains("user")
        || spec.uid_maps.iter().any(|m| m.container == 0 && m.host == 0 && m.size > 0)
}

/// Runs the container described by `spec`; returns the exit status for mvrc.
pub fn run(mut spec: Spec, started: Instant) -> Result<i32, Error> {
    let timer = Timer::new(spec.debug);
    let delegated = prepare::prepare(&mut spec)?;
    timer.step("spec", started);
    if spec.chroot && spec.namespaces.contains("mount") {
        let warning = "mvrc: warning: --chroot is escapable; use it for teaching only";
        let _ = writeln!(std::io::stderr(), "{warning}");
    }
    // The caller's descriptors would reach COMMAND. clone(2) copies them anyway: the
    // child closes every one first thing (fds::close_all_but), since its --init PID 1 never execs.
    fds::close_on_exec()?;
    // Without a PID namespace, nothing kills what COMMAND leaves running in the
    // background: as a subreaper we inherit those orphans, and kill them at the end.
    let orphans = !spec.namespaces.contains("pid");
    if orphans {
        orphans::become_subreaper()?;
    }
    // Blocked before clone, so no signal is lost and the child inherits the mask.
    let blocking = Instant::now();
    let signals = Signals::block()?;
    let blocked = blocking.elapsed();
    let (parent_end, child_end) = channel::pair()?;
    let child = timer.time("clone", || start_child(&spec, child_end))?;
    timer.report("signals", blocked); // after clone, where the Go twin waits for its catching
    if orphans {
        let _ = writeln!(std::io::stderr(), "{NO_PID_WARNING}");
    }
    // Declared here, so that it is removed only after the child is reaped.
    let mut cgroup = None;
    if let Err(err) = configure(&spec, child, &parent_end, delegated, &mut cgroup, timer) {
        // Closing our end makes the child exit silently; SIGKILL makes sure.
        drop(parent_end);
        let _ = kill(child, Signal::SIGKILL);
        let _ = waitpid(child, None);
        return Err(err);
    }
    let master = wait_for_exec(&parent_end, child, spec.tty, &spec.command[0])?;
    timer.step("ready", started);
    // Once COMMAND runs (a full stderr may hold us here, never the container's start).
    if geteuid().is_root() && host_root(&spec) {
        // One write: the container's own stderr lines may be arriving meanwhile.
        let _ = std::io::stderr().write_all(format!("{ROOT_WARNING}\n").as_bytes());
    }
    // Dropped last, on every way out: the caller's terminal as it was.
    let mut relay = match master.map(Relay::attach).transpose() {
        Ok(relay) => relay,
        Err(err) => {
            let _ = kill(child, Signal::SIGKILL);
            let _ = waitpid(child, None);
            return Err(err.into());
        }
    };
    let status = wait(child, &signals, relay.as_mut());
    if orphans {
        orphans::kill_orphans();
    }
    if let Some(relay) = relay.as_mut() {
        relay.finish(); // every slave is closed now: take the last output
    }
    status
}

/// Creates the child with all its namespaces in one clone(2): with `user` among
/// them the kernel grants the new namespaces to an unprivileged caller.
fn start_child(spec: &Spec, child_end: channel::ChildEnd) -> Result<Pid, Error> {
    let without_user = !spec.namespaces.contains("user");
    if spec.namespaces.is_empty() && !geteuid().is_root() {
        // With no namespace at all, clone(2) would succeed and only the chroot(2) would
        // fail, half-way into the setup: say it now. Any namespace makes the kernel refuse.
        return Err(Error::Clone { source: Errno::EPERM, without_user });
    }
    let mut stack = vec![0u8; STACK_SIZE];
    let mut end = Some(child_end);
    let body = Box::new(|| match end.take() {
        Some(end) => child::run(spec, end) as isize,
        None => crate::errs::FAILED as isize,
    });
    let flags = spec.namespaces.flags();
    // SAFETY: mvrc is single-threaded, so the child (a copy of this process, no
    // CLONE_VM) may run any code; the stack is ours alone and large enough for it.
    let cloned = unsafe { clone(body, &mut stack, flags, Some(Signal::SIGCHLD as i32)) };
    cloned.map_err(|source| Error::Clone { source, without_user })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_lines_and_codes() {
        let clone = Error::Clone { source: Errno::EPERM, without_user: true };
        assert_eq!(
            clone.to_string(),
            r#"creating namespaces: operation not permitted (an unprivileged user needs "user" in --ns)"#
        );
        assert_eq!(clone.code(), FAILED);
        let child = Error::from(channel::Error::Child { code: 127, line: "exec \"x\": no".into() });
        assert_eq!((child.code(), child.to_string()), (127, "exec \"x\": no".into()));
    }
}
