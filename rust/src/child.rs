// The container side, top to bottom: wait for maps → hostname → rootfs → network → identity → workdir → exec / init.

use std::fs;
use std::os::fd::{AsRawFd, RawFd};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::libc;
use nix::pty::Winsize;
use nix::sys::prctl;
use nix::sys::signal::Signal;
use nix::unistd::{Gid, Uid, chdir, setgroups, sethostname, setresgid, setresuid, setsid};

use crate::channel::ChildEnd;
use crate::debug::Debug;
use crate::errs::{Error, FAILED, sys};
use crate::idmap::IdMap;
use crate::spec::{Spec, User};
use crate::{caps, lookup, network, reaper, rootfs, terminal};

// slide: child
/// Entry point of the cloned child; its return value is the child's exit status.
/// A failed step goes to the parent, which prints the one line; the child stays silent.
pub fn run(spec: &Spec, channel: ChildEnd) -> i32 {
    // First: die with mvrc. Then drop every descriptor clone(2) copied but ours:
    // the parent's end (so that a parent that died before this line still reads
    // as EOF below), its signalfd, and whatever the caller left open.
    if prctl::set_pdeathsig(Signal::SIGKILL).is_err() || close_other_fds(channel.as_raw_fd()).is_err() {
        return FAILED;
    }
    // Nothing below may run before the maps exist: until then we are nobody here.
    let Some(size) = channel.wait_for_mapped() else {
        return FAILED; // the parent failed and says why
    };
    let path = match setup(spec, &channel, size) {
        Ok(path) => path,
        Err(err) => return fail(&channel, &err),
    };
    if spec.init {
        return run_init(channel, spec, &path);
    }
    fail(&channel, &lookup::exec(&path, &spec.command, &spec.env))
}
// end slide

/// Every step between the maps and the exec, in design.md's order; returns the
/// file COMMAND runs from. `size` is the caller's window size under -t.
fn setup(spec: &Spec, channel: &ChildEnd, size: Option<Winsize>) -> Result<PathBuf, Error> {
    let debug = Debug::new(spec.debug);
    become_root(spec)?;
    // Read while /proc is still the host's: after the rootfs step it may be gone
    // (no mount namespace, chroot into a tree without /proc).
    let denied = setgroups_denied();
    if spec.namespaces.contains("uts") {
        debug.time("hostname", || set_hostname(&spec.hostname))?;
    }
    debug.time("rootfs", || rootfs::setup(spec))?;
    if spec.tty {
        let none = Winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
        // The parent holds the master from here on; ours closes when this returns.
        channel.send_terminal(&terminal::open_pty(spec.user, &size.unwrap_or(none))?)?;
    }
    if spec.namespaces.contains("net") {
        debug.time("network", network::loopback_up)?;
    }
    // While we are still root of the namespace: dropping from the bounding set needs CAP_SETPCAP.
    caps::drop_bounding()?;
    debug.time("identity", || set_identity(spec.user, denied))?;
    set_workdir(&spec.workdir)?;
    let path = lookup::find(&spec.command[0], lookup::path_of(&spec.env))?;
    new_session()?;
    // Under --init the pty is COMMAND's: it leads a session of its own (reaper::start),
    // and PID 1 stays out of the terminal's signals.
    if spec.tty && !spec.init {
        terminal::control()?;
    }
    // Last, so that nothing opened above is missed; before the fork of --init too.
    close_on_exec()?;
    Ok(path)
}

/// Takes the namespace's root ids as soon as they exist, when mapped: the files
/// and directories the mounts create must belong to a mapped id, and our host id
/// may not be mapped at all (`--uid-map 0:100000:65536`).
fn become_root(spec: &Spec) -> Result<(), Error> {
    let mapped = |maps: &[IdMap]| maps.iter().any(|m| m.contains(0));
    if !spec.namespaces.contains("user") || !mapped(&spec.uid_maps) || !mapped(&spec.gid_maps) {
        return Ok(());
    }
    let (uid, gid) = (Uid::from_raw(0), Gid::from_raw(0));
    setresgid(gid, gid, gid).map_err(sys("setresgid 0"))?;
    setresuid(uid, uid, uid).map_err(sys("setresuid 0"))?;
    set_pdeathsig()
}

// slide: hostname
/// The UTS namespace is the container's own: this name is invisible to the host.
fn set_hostname(name: &str) -> Result<(), Error> {
    sethostname(name).map_err(sys(format!("sethostname {}", crate::errs::quote(name))))
}
// end slide

/// Becomes `user`, with no supplementary groups: after every mount, because
/// they need the namespace's root.
fn set_identity(user: User, setgroups_denied: bool) -> Result<(), Error> {
    // With setgroups denied (one mapped id) the kernel refuses setgroups(2);
    // the process then has no supplementary groups to drop anyway.
    if !setgroups_denied {
        setgroups(&[]).map_err(sys("setgroups"))?;
    }
    let (uid, gid) = (Uid::from_raw(user.uid), Gid::from_raw(user.gid));
    setresgid(gid, gid, gid).map_err(sys(format!("setresgid {gid}")))?;
    setresuid(uid, uid, uid).map_err(sys(format!("setresuid {uid}")))?;
    set_pdeathsig()
}

/// Makes the kernel kill us when mvrc dies. A change of effective uid clears
/// it, so every setres*id above is followed by this.
fn set_pdeathsig() -> Result<(), Error> {
    prctl::set_pdeathsig(Signal::SIGKILL).map_err(sys("prctl"))
}

/// Makes us the leader of a new session without a controlling terminal: the
/// caller's terminal stays bound at /dev/tty, and a process in the caller's
/// session could push keystrokes into it with ioctl(TIOCSTI) (CVE-2017-5226,
/// bubblewrap's escape).
fn new_session() -> Result<(), Error> {
    setsid().map(drop).map_err(sys("setsid"))
}

/// Reads /proc/self/setgroups: the parent writes "deny" for an unprivileged gid map.
fn setgroups_denied() -> bool {
    fs::read_to_string("/proc/self/setgroups").is_ok_and(|s| s.trim() == "deny")
}

fn set_workdir(dir: &str) -> Result<(), Error> {
    match chdir(dir) {
        Ok(()) => Ok(()),
        Err(Errno::ENOENT | Errno::ENOTDIR) => Err(Error::WorkdirMissing { dir: dir.into() }),
        Err(source) => Err(Error::Workdir { dir: dir.into(), source }),
    }
}

/// Closes every descriptor but stdio and `keep`: clone(2) copied the parent's
/// whole table, and the parent only marked the caller's fds close-on-exec (it may
/// still need one: --pid-file /dev/fd/5). The Go child gets the same from its re-exec.
fn close_other_fds(keep: RawFd) -> nix::Result<()> {
    let keep = keep as libc::c_uint;
    let ranges = [(3, keep.wrapping_sub(1)), (keep + 1, libc::c_uint::MAX)];
    for (first, last) in ranges.into_iter().filter(|(first, last)| first <= last) {
        // SAFETY: nix has no close_range. The OwnedFds that own the closed
        // descriptors (the parent's end, its signalfd) live on the parent's stack,
        // which this child never unwinds: nothing closes them a second time.
        if unsafe { libc::close_range(first, last, 0) } != 0 {
            return Err(Errno::last());
        }
    }
    Ok(())
}

/// Marks every descriptor above stderr close-on-exec: the caller's inherited
/// ones (without the flag, execve passes them on, a way out of the container)
/// and the channel's end, whose closing on exec is the parent's EOF. COMMAND
/// starts with 0, 1, 2. One close_range(2): no loop over fds, no /proc (a chroot
/// without mounts has none).
fn close_on_exec() -> Result<(), Error> {
    let flags = libc::CLOSE_RANGE_CLOEXEC as libc::c_int;
    // SAFETY: nix has no close_range; this call only sets a flag on descriptors,
    // it closes none, so no OwnedFd of this process is invalidated.
    match unsafe { libc::close_range(3, libc::c_uint::MAX, flags) } {
        0 => Ok(()),
        _ => Err(sys("close_range")(Errno::last())),
    }
}

/// Stays as PID 1 and starts COMMAND as PID 2; dropping the channel tells the
/// parent that COMMAND started.
fn run_init(channel: ChildEnd, spec: &Spec, path: &Path) -> i32 {
    let init = match reaper::start(&channel, spec, path) {
        Ok(init) => init,
        Err(err) => return fail(&channel, &err),
    };
    // Only COMMAND's copy may remain: the parent's EOF then means COMMAND was exec'd.
    drop(channel);
    init.wait()
}

// slide: errors
/// Sends the error to the parent, which prints the one line; returns the exit code.
fn fail(channel: &ChildEnd, err: &Error) -> i32 {
    channel.report(err);
    err.code()
}
// end slide

#[cfg(test)]
mod tests {
    use super::*;
    use nix::fcntl::{FcntlArg, FdFlag, fcntl};
    use std::os::fd::{AsFd, BorrowedFd, FromRawFd, OwnedFd};

    fn cloexec(fd: BorrowedFd) -> bool {
        let flags = fcntl(fd, FcntlArg::F_GETFD).expect("F_GETFD");
        FdFlag::from_bits_truncate(flags).contains(FdFlag::FD_CLOEXEC)
    }

    /// close_on_exec must mark every inherited descriptor above stderr, however
    /// high, and leave stdin, stdout and stderr to COMMAND.
    #[test]
    fn close_on_exec_leaves_only_stdio() {
        let (read, write) = nix::unistd::pipe().unwrap(); // no O_CLOEXEC: like a caller's fd
        let raw = fcntl(&read, FcntlArg::F_DUPFD(512)).unwrap();
        // SAFETY: F_DUPFD just returned this new descriptor; nothing else owns it.
        let high = unsafe { OwnedFd::from_raw_fd(raw) };
        let inherited = [read.as_fd(), write.as_fd(), high.as_fd()];
        for fd in inherited {
            assert!(!cloexec(fd), "{fd:?} is close-on-exec before the call: the test would prove nothing");
        }
        let (stdin, stdout, stderr) = (std::io::stdin(), std::io::stdout(), std::io::stderr());
        let stdio = [stdin.as_fd(), stdout.as_fd(), stderr.as_fd()];
        let before = stdio.map(cloexec);

        close_on_exec().unwrap();

        for fd in inherited {
            assert!(cloexec(fd), "{fd:?}: not close-on-exec, COMMAND would inherit it");
        }
        assert_eq!(stdio.map(cloexec), before, "stdio must stay as it is");
    }
}
