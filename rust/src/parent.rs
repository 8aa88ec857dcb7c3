// The host side: start the child in its new namespaces, map its ids, let it go, wait.
//
// Why Rust needs no re-exec: the Go runtime runs several threads before main,
// and after fork(2) only the forking thread survives, so a Go child can do little
// but exec; the Go twin re-executes /proc/self/exe and its child stage starts from
// main. mvrc in Rust is single-threaded here, so clone(2) yields a whole working
// copy of this process, spec included, that runs the child stage directly.

use std::fs;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::time::Instant;

use nix::errno::Errno;
use nix::libc;
use nix::sched::clone;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, waitpid};
use nix::unistd::{Pid, getegid, geteuid};

use crate::cgroups::{self, Cgroup};
use crate::channel::{self, ParentEnd};
use crate::debug::Debug;
use crate::errs::{self, Error, errno, sys};
use crate::signals::{Forwarder, Signals};
use crate::spec::Spec;
use crate::terminal::{self, Relay};
use crate::{child, idmap, reaper, rootfs};

/// The child's stack: the child stage runs Rust code, not just an exec.
const STACK_SIZE: usize = 1 << 20;

/// Runs the container described by `spec`; returns the exit status for mvrc.
pub fn run(mut spec: Spec, debug: Debug, started: Instant) -> Result<i32, Error> {
    let delegated = prepare(&mut spec)?;
    debug.step("spec", started);
    if spec.chroot && spec.namespaces.contains("mount") {
        let warning = "mvrc: warning: --chroot is escapable; use it for teaching only";
        let _ = writeln!(std::io::stderr(), "{warning}");
    }
    mark_inherited_cloexec()?;
    // Without a PID namespace, nothing kills what COMMAND leaves running in the
    // background: as a subreaper we inherit those orphans, and kill them at the end.
    let orphans = !spec.namespaces.contains("pid");
    if orphans {
        reaper::become_subreaper()?;
    }
    // Blocked before clone, so no signal is lost and the child inherits the mask.
    let signals = Signals::block()?;
    let (parent_end, child_end) = channel::pair()?;
    let child = debug.time("clone", || start_child(&spec, child_end))?;
    // Declared here, so that it is removed only after the child is reaped.
    let mut cgroup = None;
    if let Err(err) = configure(&spec, child, &parent_end, delegated, &mut cgroup, debug) {
        // Closing our end makes the child exit silently; SIGKILL makes sure.
        drop(parent_end);
        let _ = kill(child, Signal::SIGKILL);
        let _ = waitpid(child, None);
        return Err(err);
    }
    let master = wait_for_exec(&parent_end, child)?;
    debug.step("ready", started);
    // Dropped last, on every way out: the caller's terminal as it was.
    let mut relay = match master.map(Relay::attach).transpose() {
        Ok(relay) => relay,
        Err(err) => {
            let _ = kill(child, Signal::SIGKILL);
            let _ = waitpid(child, None);
            return Err(err);
        }
    };
    let status = wait(child, &signals, relay.as_mut());
    if orphans {
        reaper::kill_orphans();
    }
    if let Some(relay) = relay.as_mut() {
        relay.finish(); // every slave is closed now: take the last output
    }
    status
}

/// Checks what can be checked before any namespace exists: ROOTFS, bind
/// sources, cgroup delegation. Paths become absolute, since the child moves.
fn prepare(spec: &mut Spec) -> Result<Option<cgroups::Delegated>, Error> {
    if spec.tty {
        terminal::check()?;
    }
    spec.rootfs = rootfs::check(&spec.rootfs)?;
    for bind in &mut spec.binds {
        let failed = |e: std::io::Error| Error::BindSource { src: bind.source.clone(), source: errno(&e) };
        fs::metadata(&bind.source).map_err(failed)?;
        let absolute = std::path::absolute(&bind.source).map_err(failed)?;
        bind.source = crate::spec::clean(&absolute.display().to_string());
    }
    cgroups::check(&spec.limits)
}

/// Keeps the caller's descriptors out of the container: without close-on-exec
/// they would reach COMMAND. Marked, not closed: mvrc may still need one
/// (--pid-file /dev/fd/5). clone(2) copies them anyway: the child closes every
/// one first thing (child::close_other_fds), since its --init PID 1 never execs.
fn mark_inherited_cloexec() -> Result<(), Error> {
    let flags = libc::CLOSE_RANGE_CLOEXEC as libc::c_int;
    // SAFETY: nix has no close_range; this call only sets a flag on descriptors,
    // it closes none, so no OwnedFd of this process is invalidated.
    match unsafe { libc::close_range(3, libc::c_uint::MAX, flags) } {
        0 => Ok(()),
        _ => Err(sys("close_range")(Errno::last())),
    }
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
    debug: Debug,
) -> Result<(), Error> {
    if spec.namespaces.contains("user") {
        let (uid, gid) = (geteuid().as_raw(), getegid().as_raw());
        debug.time("idmap", || idmap::write(child, uid, gid, &spec.uid_maps, &spec.gid_maps))?;
    }
    if let Some(delegated) = delegated {
        *cgroup = Some(debug.time("cgroup", || delegated.enter(child, &spec.limits))?);
    }
    if !spec.pid_file.is_empty() {
        fs::write(&spec.pid_file, format!("{child}\n"))
            .map_err(|source| Error::PidFile { path: spec.pid_file.clone(), source })?;
    }
    channel.send_mapped(spec.tty.then(terminal::size).as_ref())
}

/// Waits until COMMAND runs, and returns the pty's master under -t; or returns the error
/// that stopped the child. The child is killed first: after a broken channel it may still
/// be waiting for us.
fn wait_for_exec(channel: &ParentEnd, child: Pid) -> Result<Option<OwnedFd>, Error> {
    channel.wait_for_exec().inspect_err(|_| {
        let _ = kill(child, Signal::SIGKILL);
        let _ = waitpid(child, None);
    })
}

/// Forwards signals until the child exits; returns its status (128+N if killed by N).
/// With -t the relay copies bytes while it waits, and SIGWINCH resizes the container's
/// terminal instead: the kernel signals its foreground job.
fn wait(child: Pid, signals: &Signals, mut relay: Option<&mut Relay>) -> Result<i32, Error> {
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
                Err(errno) => return Err(sys("waiting for the container")(errno)),
            },
            Signal::SIGWINCH if relay.is_some() => relay.as_deref().map_or((), Relay::resize),
            sig => forwarder.forward(child, sig),
        }
    }
}
