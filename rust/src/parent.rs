//! The host side: start the child in its new namespaces, map its ids, let it go, wait.
//!
//! Why Rust needs no re-exec: the Go runtime runs several threads before main,
//! and after fork(2) only the forking thread survives, so a Go child can do little
//! but exec; the Go twin re-executes /proc/self/exe and its child stage starts from
//! main. mvrc in Rust is single-threaded here, so clone(2) yields a whole working
//! copy of this process, spec included, that runs the child stage directly.

mod orphans;
mod prepare;

use std::fs;
use std::io::Write;
use std::time::Instant;

use nix::errno::Errno;
use nix::sched::clone;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, waitpid};
use nix::unistd::{Pid, getegid, geteuid};

use crate::cgroups::{self, Cgroup};
use crate::channel::{self, ParentEnd};
use crate::debug::Timer;
use crate::errs::{self, Error, sys};
use crate::signals::{Forwarder, Signals};
use crate::spec::Spec;
use crate::{child, fds, idmap};

/// The child's stack: the child stage runs Rust code, not just an exec.
const STACK_SIZE: usize = 1 << 20;

/// Printed without a PID namespace: mvrc kills the orphans it finds when COMMAND
/// exits, but a SIGKILL gives mvrc no chance to, and no kernel rule ends them.
const NO_PID_WARNING: &str =
    "mvrc: warning: without the pid namespace, processes COMMAND leaves behind survive a SIGKILL of mvrc";

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
    let signals = Signals::block()?;
    let (parent_end, child_end) = channel::pair()?;
    let child = timer.time("clone", || start_child(&spec, child_end))?;
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
    wait_for_exec(&parent_end, child)?;
    timer.step("ready", started);
    let status = wait(child, &signals);
    if orphans {
        orphans::kill_orphans();
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

/// Everything the child waits for: id maps, cgroup, pid file; then MAPPED.
fn configure(
    spec: &Spec,
    child: Pid,
    channel: &ParentEnd,
    delegated: Option<cgroups::Delegated>,
    cgroup: &mut Option<Cgroup>,
    timer: Timer,
) -> Result<(), Error> {
    if spec.namespaces.contains("user") {
        let (uid, gid) = (geteuid().as_raw(), getegid().as_raw());
        timer.time("idmap", || idmap::write(child, uid, gid, &spec.uid_maps, &spec.gid_maps))?;
    }
    if let Some(delegated) = delegated {
        *cgroup = Some(timer.time("cgroup", || delegated.enter(child, &spec.limits))?);
    }
    if !spec.pid_file.is_empty() {
        fs::write(&spec.pid_file, format!("{child}\n"))
            .map_err(|source| Error::PidFile { path: spec.pid_file.clone(), source })?;
    }
    Ok(channel.send_mapped()?)
}

/// Waits until COMMAND runs, or returns the error that stopped the child. The
/// child is killed first: after a broken channel it may still be waiting for us.
fn wait_for_exec(channel: &ParentEnd, child: Pid) -> Result<(), Error> {
    channel.wait_for_exec().map_err(Error::from).inspect_err(|_| {
        let _ = kill(child, Signal::SIGKILL);
        let _ = waitpid(child, None);
    })
}

/// Forwards signals until the child exits; returns its status (128+N if killed by N).
fn wait(child: Pid, signals: &Signals) -> Result<i32, Error> {
    let mut forwarder = Forwarder::default();
    loop {
        match signals.next()? {
            Signal::SIGCHLD => match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
                Ok(status) => match errs::status(status) {
                    Some(code) => return Ok(code),
                    None => continue,
                },
                Err(errno) => return Err(sys("waiting for the container")(errno)),
            },
            sig => forwarder.forward(child, sig),
        }
    }
}
