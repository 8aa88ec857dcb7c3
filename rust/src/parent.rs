// The host side: start the child in its new namespaces, map its ids, let it go, wait.
//
// Why Rust needs no re-exec: the Go runtime runs several threads before main,
// and after fork(2) only the forking thread survives, so a Go child can do little
// but exec; the Go twin re-executes /proc/self/exe and its child stage starts from
// main. mvrc in Rust is single-threaded here, so clone(2) yields a whole working
// copy of this process, spec included, that runs the child stage directly.

use std::fs;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::time::Instant;

use nix::errno::Errno;
use nix::libc;
use nix::sched::clone;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{Pid, getegid, geteuid};

use crate::cgroups::{self, Cgroup};
use crate::channel::{self, ParentEnd};
use crate::debug::Debug;
use crate::errs::{Error, sys};
use crate::mounts::errno;
use crate::signals::{Forwarder, Signals};
use crate::spec::Spec;
use crate::{child, idmap, rootfs};

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
    close_inherited()?;
    // Blocked before clone, so no signal is lost and the child inherits the mask.
    let signals = Signals::block()?;
    let (parent_end, child_end) = channel::pair()?;
    let child = debug.time("clone", || start_child(&spec, &parent_end, child_end))?;
    // Declared here, so that it is removed only after the child is reaped.
    let mut cgroup = None;
    if let Err(err) = configure(&spec, child, &parent_end, delegated, &mut cgroup, debug) {
        // Closing our end makes the child exit silently; SIGKILL makes sure.
        drop(parent_end);
        let _ = kill(child, Signal::SIGKILL);
        let _ = waitpid(child, None);
        return Err(err);
    }
    if let Err(err) = parent_end.wait_for_exec() {
        let _ = waitpid(child, None);
        return Err(err);
    }
    debug.step("ready", started);
    wait(child, &signals)
}

/// Checks what can be checked before any namespace exists: ROOTFS, bind
/// sources, cgroup delegation. Paths become absolute, since the child moves.
fn prepare(spec: &mut Spec) -> Result<Option<cgroups::Delegated>, Error> {
    spec.rootfs = rootfs::check(&spec.rootfs)?;
    for bind in &mut spec.binds {
        let failed = |e: std::io::Error| Error::BindSource { src: bind.source.clone(), source: errno(&e) };
        fs::metadata(&bind.source).map_err(failed)?;
        bind.source = std::path::absolute(&bind.source).map_err(failed)?.display().to_string();
    }
    cgroups::check(&spec.limits)
}

/// Keeps the caller's descriptors out of the container: clone(2) copies every
/// one, close-on-exec or not, and under --init the container's PID 1 never execs
/// (a directory fd leads back to the host's files). Closed: mvrc has opened
/// nothing yet and has no use for them.
fn close_inherited() -> Result<(), Error> {
    // SAFETY: nix has no close_range. No OwnedFd of this process exists yet (the
    // signalfd and the channel come next), so none is closed behind its back.
    match unsafe { libc::close_range(3, libc::c_uint::MAX, 0) } {
        0 => Ok(()),
        _ => Err(sys("close_range")(Errno::last())),
    }
}

/// Creates the child with all its namespaces in one clone(2): with `user` among
/// them the kernel grants the new namespaces to an unprivileged caller.
fn start_child(spec: &Spec, parent_end: &ParentEnd, child_end: channel::ChildEnd) -> Result<Pid, Error> {
    let without_user = !spec.namespaces.contains("user");
    if spec.namespaces.is_empty() && !geteuid().is_root() {
        // With no namespace at all, clone(2) would succeed and only the chroot(2) would
        // fail, half-way into the setup: say it now. Any namespace makes the kernel refuse.
        return Err(Error::Clone { source: Errno::EPERM, without_user });
    }
    let mut stack = vec![0u8; STACK_SIZE];
    let mut end = Some(child_end);
    let parent_fd = parent_end.as_raw_fd();
    let body = Box::new(|| match end.take() {
        Some(end) => child::run(spec, end, parent_fd) as isize,
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
        debug.time("idmap", || idmap::write_maps(child, uid, gid, &spec.uid_maps, &spec.gid_maps))?;
    }
    if let Some(delegated) = delegated {
        *cgroup = Some(debug.time("cgroup", || delegated.enter(child, &spec.limits))?);
    }
    if !spec.pid_file.is_empty() {
        fs::write(&spec.pid_file, format!("{child}\n"))
            .map_err(|source| Error::PidFile { path: spec.pid_file.clone(), source })?;
    }
    channel.send_mapped()
}

/// Forwards signals until the child exits; returns its status (128+N if killed by N).
fn wait(child: Pid, signals: &Signals) -> Result<i32, Error> {
    let mut forwarder = Forwarder::default();
    loop {
        match signals.next()? {
            Signal::SIGCHLD => match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::Exited(_, code)) => return Ok(code),
                Ok(WaitStatus::Signaled(_, sig, _)) => return Ok(128 + sig as i32),
                Ok(_) => continue,
                Err(errno) => return Err(sys("waiting for the container")(errno)),
            },
            sig => forwarder.forward(child, sig),
        }
    }
}
