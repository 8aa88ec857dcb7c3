//! The container side, top to bottom: wait for maps → hostname → rootfs → network → identity → workdir → exec / init.

mod identity;

use std::ffi::{OsStr, OsString};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::pty::Winsize;
use nix::sched::{CloneFlags, unshare};
use nix::sys::prctl;
use nix::sys::signal::Signal;
use nix::unistd::{chdir, sethostname, setsid};

use identity::{become_root, set_identity, setgroups_denied};

use crate::channel::{self, ChildEnd};
use crate::confine::{self, Parent};
use crate::debug::{self, Timer};
use crate::errs::{FAILED, quote, text};
use crate::spec::Spec;
use crate::{caps, command, fds, network, reaper, rootfs, sealed, seccomp, terminal};

/// A setup step that failed in the container; the parent prints it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("setresgid {gid}: {}", text(*.source))]
    Setresgid { gid: u32, source: Errno },
    #[error("setresuid {uid}: {}", text(*.source))]
    Setresuid { uid: u32, source: Errno },
    #[error("setgroups: {}", text(*.0))]
    Setgroups(Errno),
    #[error("prctl dumpable: {}", text(*.0))]
    Dumpable(Errno),
    #[error("setsid: {}", text(*.0))]
    Setsid(Errno),
    #[error("creating the cgroup namespace: {}", text(*.0))]
    CgroupNamespace(Errno),
    #[error("sethostname {}: {}", quote(.name), text(*.source))]
    Hostname { name: OsString, source: Errno },
    #[error("workdir {}: no such directory in the container", quote(.dir))]
    WorkdirMissing { dir: OsString },
    #[error("workdir {}: {}", quote(.dir), text(*.source))]
    Workdir { dir: OsString, source: Errno },
    #[error(transparent)]
    Rootfs(#[from] rootfs::Error),
    #[error(transparent)]
    Network(#[from] network::Error),
    #[error(transparent)]
    Caps(#[from] caps::Error),
    #[error(transparent)]
    Fds(#[from] fds::Error),
    #[error(transparent)]
    Command(#[from] command::Error),
    #[error(transparent)]
    Reaper(#[from] reaper::Error),
    #[error(transparent)]
    Seccomp(#[from] seccomp::Error),
    #[error(transparent)]
    Sealed(#[from] sealed::Error),
    #[error(transparent)]
    Confine(#[from] confine::Error),
    #[error(transparent)]
    Terminal(#[from] terminal::Error),
    #[error(transparent)]
    Channel(#[from] channel::Error),
}

impl Error {
    /// The exit status: 126 or 127 when COMMAND could not run, 125 for mvrc's own failures.
    pub fn code(&self) -> i32 {
        match self {
            Error::Command(err) | Error::Reaper(reaper::Error::Exec(err)) => err.code(),
            _ => FAILED,
        }
    }
}

// slide: child
/// Entry point of the cloned child; its return value is the child's exit status.
/// A failed step goes to the parent, which prints the one line; the child stays silent.
pub fn run(spec: &Spec, channel: ChildEnd) -> i32 {
    // First: die with mvrc. Then drop every descriptor clone(2) copied but ours:
    // the parent's end (so that a parent that died before this line still reads
    // as EOF below), its signalfd, and whatever the caller left open.
    if prctl::set_pdeathsig(Signal::SIGKILL).is_err() || fds::close_all_but(channel.as_raw_fd()).is_err() {
        return FAILED;
    }
    // Nothing below may run before the maps exist: until then we are nobody here.
    let Ok(size) = channel.wait_for_mapped() else {
        return FAILED; // the parent failed and says why
    };
    let (path, hop) = match setup(spec, &channel, size) {
        Ok(found) => found,
        Err(err) => return fail(&channel, &err),
    };
    if spec.init {
        return run_init(channel, spec, &path, hop);
    }
    match channel.handover() {
        Ok(end) => fail(&channel, &command::exec(&hop, end, &path, &spec.command, &spec.env).into()),
        Err(err) => fail(&channel, &err.into()),
    }
}
// end slide

/// Every step between the maps and the exec, in design.md's order; returns the
/// file COMMAND runs from and the hop to exec it through. `size` is the caller's window
/// size under -t.
fn setup(spec: &Spec, channel: &ChildEnd, size: Option<Winsize>) -> Result<(PathBuf, OwnedFd), Error> {
    let timer = Timer::new(spec.debug);
    // What the child cost before its first step: the Go child's exec and runtime start.
    timer.report("child-runtime", debug::cpu());
    // Before the first change of id, while the caller's /proc is still mounted; dropped
    // (closed) when setup returns, before --init's PID 1 could keep it.
    let parent = Parent::watch()?;
    become_root(spec, &parent)?;
    own_cgroup_namespace(spec)?;
    // Read while /proc is still the host's: after the rootfs step it may be gone
    // (no mount namespace, chroot into a tree without /proc).
    let denied = setgroups_denied();
    if spec.namespaces.contains("uts") {
        timer.time("hostname", || set_hostname(&spec.hostname))?;
    }
    timer.time("rootfs", || rootfs::setup(spec))?;
    if spec.tty {
        let none = Winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
        // The parent holds the master from here on; ours closes when this returns.
        channel.send_terminal(&terminal::open_pty(spec.user, &size.unwrap_or(none))?)?;
    }
    if spec.namespaces.contains("net") {
        timer.time("network", network::loopback_up)?;
    }
    // While we are still root of the namespace: dropping from the bounding set needs CAP_SETPCAP.
    caps::drop_bounding()?;
    timer.time("identity", || set_identity(spec.user, denied, &parent))?;
    // As COMMAND's identity, which then owns the keyring.
    confine::new_session_keyring()?;
    set_workdir(&spec.workdir)?;
    let path = command::find(&spec.command[0], command::path_of(&spec.env))?;
    new_session()?;
    // Under --init the pty is COMMAND's: it leads a session of its own (reaper::start),
    // and PID 1 stays out of the terminal's signals.
    if spec.tty && !spec.init {
        terminal::control()?;
    }
    confine::no_new_privs()?;
    let hop = sealed::hop()?;
    // Last, so that nothing opened above is missed (the channel's end too: its closing
    // on exec is the parent's EOF); before the fork of --init too.
    fds::close_on_exec()?;
    // The filter comes last: every step above may need what it denies (mount, sethostname).
    // Under --init it holds for our init too, and COMMAND inherits it across fork and exec.
    if !spec.filters.is_empty() {
        timer.time("seccomp", || seccomp::install(&spec.filters))?;
    }
    Ok((path, hop))
}

/// Starts a cgroup namespace again once the parent has moved us into the
/// container's own cgroup (--memory, --pids, --cpus): the one clone made is rooted
/// at the caller's cgroup, and /sys/fs/cgroup and /proc/self/cgroup must start at the container's.
fn own_cgroup_namespace(spec: &Spec) -> Result<(), Error> {
    if !spec.namespaces.contains("cgroup") || !spec.limits.any() {
        return Ok(());
    }
    unshare(CloneFlags::CLONE_NEWCGROUP).map_err(Error::CgroupNamespace)
}

// slide: hostname
/// The UTS namespace is the container's own: this name is invisible to the host.
fn set_hostname(name: &OsStr) -> Result<(), Error> {
    sethostname(name).map_err(|source| Error::Hostname { name: name.into(), source })
}
// end slide

/// Makes us the leader of a new session without a controlling terminal: the
/// caller's terminal stays bound at /dev/tty, and a process in the caller's
/// session could push keystrokes into it with ioctl(TIOCSTI) (CVE-2017-5226,
/// bubblewrap's escape).
fn new_session() -> Result<(), Error> {
    setsid().map(drop).map_err(Error::Setsid)
}

fn set_workdir(dir: &OsStr) -> Result<(), Error> {
    match chdir(dir) {
        Ok(()) => Ok(()),
        Err(Errno::ENOENT | Errno::ENOTDIR) => Err(Error::WorkdirMissing { dir: dir.into() }),
        Err(source) => Err(Error::Workdir { dir: dir.into(), source }),
    }
}

/// Stays as PID 1 and starts COMMAND as its first child; closing the channel tells the
/// parent that COMMAND started.
fn run_init(channel: ChildEnd, spec: &Spec, path: &Path, hop: OwnedFd) -> i32 {
    // Not dumpable: COMMAND cannot open our exe, fds or memory through /proc/1. It never
    // execs, so nothing would reset it; COMMAND's own execve does, for COMMAND.
    if let Err(errno) = prctl::set_dumpable(false) {
        return fail(&channel, &Error::Dumpable(errno));
    }
    let init = match reaper::start(hop, path, &spec.command, &spec.env, spec.tty) {
        Ok(init) => init,
        Err(err) => return fail(&channel, &err.into()),
    };
    drop(channel);
    init.wait()
}

// slide: errors
/// Sends the error to the parent, which prints the one line; returns the exit code.
fn fail(channel: &ChildEnd, err: &Error) -> i32 {
    channel.send_error(err);
    err.code()
}
// end slide

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_lines_and_codes() {
        let workdir = Error::WorkdirMissing { dir: "/nope".into() };
        assert_eq!(workdir.to_string(), r#"workdir "/nope": no such directory in the container"#);
        assert_eq!(workdir.code(), FAILED);
        let missing = Error::from(command::exec_error("x", Errno::ENOTDIR));
        assert_eq!(
            (missing.code(), missing.to_string()),
            (127, r#"exec "x": no such file or directory"#.into())
        );
        let denied = Error::from(reaper::Error::Exec(command::exec_error("x", Errno::EISDIR)));
        assert_eq!((denied.code(), denied.to_string()), (126, r#"exec "x": permission denied"#.into()));
    }
}
