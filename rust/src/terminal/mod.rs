// -t, the container's own pseudo-terminal: the child opens it from the container's devpts and
// makes its slave COMMAND's stdio and controlling terminal; the parent (relay.rs) joins the
// caller's terminal to its master.

mod relay;

pub use relay::{Relay, check, size};

use std::os::fd::{AsRawFd, OwnedFd};

use nix::fcntl::{OFlag, open};
use nix::libc;
use nix::mount::{MsFlags, mount};
use nix::pty::{Winsize, posix_openpt, ptsname_r, unlockpt};
use nix::sys::stat::Mode;
use nix::unistd::{Gid, Uid, dup2_stderr, dup2_stdin, dup2_stdout, fchown};

use crate::errs::{Error, sys};
use crate::spec::User;

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
    let master = posix_openpt(flags).map_err(sys("terminal: open /dev/ptmx"))?;
    unlockpt(&master).map_err(sys("terminal: unlockpt"))?;
    let path = ptsname_r(&master).map_err(sys("terminal: ptsname"))?;
    let slave = open(path.as_str(), flags, Mode::empty()).map_err(sys(format!("terminal: open {path}")))?;
    // Before COMMAND runs, so that its first look at the size is already right.
    // SAFETY: nix has no safe TIOCSWINSZ; the pointer is to a live Winsize the call only reads.
    unsafe { set_window_size(slave.as_raw_fd(), size) }.map_err(sys("terminal: set window size"))?;
    // COMMAND's own, so that it may open it again by name (--user 1000: `exec </dev/tty`).
    let (uid, gid) = (Uid::from_raw(owner.uid), Gid::from_raw(owner.gid));
    fchown(&slave, Some(uid), Some(gid)).map_err(sys(format!("terminal: chown {path}")))?;
    bind_console(&path)?;
    dup2_stdin(&slave).map_err(sys("terminal: dup3"))?;
    dup2_stdout(&slave).map_err(sys("terminal: dup3"))?;
    dup2_stderr(&slave).map_err(sys("terminal: dup3"))?;
    Ok(master.into())
}

/// Binds the slave at /dev/console, where init systems and getty look for the container's
/// terminal. /dev is our fresh tmpfs, so the name is ours to create.
fn bind_console(slave: &str) -> Result<(), Error> {
    let create = OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_WRONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    drop(
        open("/dev/console", create, Mode::from_bits_truncate(0o600))
            .map_err(sys("terminal: create /dev/console"))?,
    );
    let failed = |source| Error::Bind { src: slave.into(), dst: "/dev/console".into(), source };
    mount(Some(slave), "/dev/console", None::<&str>, MsFlags::MS_BIND, None::<&str>).map_err(failed)
}

/// Makes stdin, the slave, the controlling terminal of our new session (setsid just before):
/// its ^C, ^Z and window changes now signal COMMAND's foreground job, not mvrc.
pub fn control() -> Result<(), Error> {
    // SAFETY: nix has no safe TIOCSCTTY; the call takes an integer and touches no memory.
    unsafe { set_controlling(0, 0) }.map(drop).map_err(sys("terminal: TIOCSCTTY"))
}
