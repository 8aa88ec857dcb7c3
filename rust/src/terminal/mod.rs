//! -t, the container's own pseudo-terminal: the child opens it from the container's devpts
//! and makes its slave COMMAND's stdio and controlling terminal; the parent (relay.rs) joins
//! the caller's terminal to its master.

mod relay;

pub use relay::{Relay, check, size};

use std::os::fd::{AsRawFd, OwnedFd};

use nix::errno::Errno;
use nix::fcntl::{OFlag, open};
use nix::libc;
use nix::mount::{MsFlags, mount};
use nix::pty::{Winsize, posix_openpt, ptsname_r, unlockpt};
use nix::sys::stat::Mode;
use nix::unistd::{Gid, Uid, dup2_stderr, dup2_stdin, dup2_stdout, fchown};

use crate::errs::{quote, text};
use crate::spec::User;

/// What can go wrong with the container's terminal, on either side.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("--tty: stdin is not a terminal")]
    NotATerminal,
    #[error("terminal: open /dev/ptmx: {}", text(*.0))]
    OpenPtmx(Errno),
    #[error("terminal: unlockpt: {}", text(*.0))]
    Unlock(Errno),
    #[error("terminal: ptsname: {}", text(*.0))]
    Ptsname(Errno),
    #[error("terminal: open {path}: {}", text(*.source))]
    OpenSlave { path: String, source: Errno },
    #[error("terminal: set window size: {}", text(*.0))]
    WindowSize(Errno),
    #[error("terminal: chown {path}: {}", text(*.source))]
    Chown { path: String, source: Errno },
    #[error("terminal: create /dev/console: {}", text(*.0))]
    Console(Errno),
    #[error("bind {} on \"/dev/console\": {}", quote(.slave), text(*.source))]
    BindConsole { slave: String, source: Errno },
    #[error("terminal: dup3: {}", text(*.0))]
    Dup(Errno),
    #[error("terminal: TIOCSCTTY: {}", text(*.0))]
    Control(Errno),
    #[error("terminal: raw mode: {}", text(*.0))]
    RawMode(Errno),
    #[error("terminal: {}", text(*.0))]
    Relay(Errno),
}

nix::ioctl_write_ptr_bad!(set_window_size, libc::TIOCSWINSZ, Winsize);
nix::ioctl_read_bad!(get_window_size, libc::TIOCGWINSZ, Winsize);
nix::ioctl_write_int_bad!(set_controlling, libc::TIOCSCTTY);

/// Makes a new pty from the container's devpts (/dev/ptmx is a link to pts/ptmx, mounted by
/// the rootfs step: a pty of the host's devpts would name a host device inside). Its slave
/// gets the caller's window size, belongs to COMMAND's user, is bound at /dev/console and
/// becomes our stdin, stdout and stderr; the master is returned for the parent. From here on
/// nothing in the container holds the caller's terminal.
pub fn open_pty(owner: User, size: &Winsize) -> Result<OwnedFd, Error> {
    let flags = OFlag::O_RDWR | OFlag::O_NOCTTY | OFlag::O_CLOEXEC;
    let master = posix_openpt(flags).map_err(Error::OpenPtmx)?;
    unlockpt(&master).map_err(Error::Unlock)?;
    let path = ptsname_r(&master).map_err(Error::Ptsname)?;
    let slave = open(path.as_str(), flags, Mode::empty())
        .map_err(|source| Error::OpenSlave { path: path.clone(), source })?;
    // Before COMMAND runs, so that its first look at the size is already right.
    // SAFETY: nix has no safe TIOCSWINSZ; the pointer is to a live Winsize the call only reads.
    unsafe { set_window_size(slave.as_raw_fd(), size) }.map_err(Error::WindowSize)?;
    // COMMAND's own, so that it may open it again by name (--user 1000: `exec </dev/tty`).
    let (uid, gid) = (Uid::from_raw(owner.uid), Gid::from_raw(owner.gid));
    fchown(&slave, Some(uid), Some(gid)).map_err(|source| Error::Chown { path: path.clone(), source })?;
    bind_console(&path)?;
    dup2_stdin(&slave).map_err(Error::Dup)?;
    dup2_stdout(&slave).map_err(Error::Dup)?;
    dup2_stderr(&slave).map_err(Error::Dup)?;
    Ok(master.into())
}

/// Binds the slave at /dev/console, where init systems and getty look for the container's
/// terminal. /dev is our fresh tmpfs, so the name is ours to create.
fn bind_console(slave: &str) -> Result<(), Error> {
    let create = OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_WRONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    drop(open("/dev/console", create, Mode::from_bits_truncate(0o600)).map_err(Error::Console)?);
    let failed = |source| Error::BindConsole { slave: slave.into(), source };
    mount(Some(slave), "/dev/console", None::<&str>, MsFlags::MS_BIND, None::<&str>).map_err(failed)
}

/// Makes stdin, the slave, the controlling terminal of our new session (setsid just before):
/// its ^C, ^Z and window changes now signal COMMAND's foreground job, not mvrc.
pub fn control() -> Result<(), Error> {
    // SAFETY: nix has no safe TIOCSCTTY; the call takes an integer and touches no memory.
    unsafe { set_controlling(0, 0) }.map(drop).map_err(Error::Control)
}
