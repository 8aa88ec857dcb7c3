//! The sealed copy of mvrc's own binary that every process of a run executes from: a memfd
//! that no one can write, shrink or grow, so nothing in the container reaches the host's file.
//!
//! Why (CVE-2019-5736, runc's "/proc/self/exe" breakout): the child is a clone of mvrc and
//! --init's PID 1 stays one, so inside the container /proc/self/exe (before COMMAND's
//! execve), /proc/1/exe, and a script whose "#!" names /proc/self/exe all lead to the file
//! mvrc runs from. Were that the host's binary, COMMAND could exec it, keep an O_PATH handle
//! on it, and once mvrc is gone open it for writing: the next mvrc on the host would run the
//! container's code. The Go twin execs its child from the copy; a clone cannot change its
//! executable, so here `run` re-executes itself from the copy once, before anything else.

use std::ffi::CString;
use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::time::Instant;

use nix::errno::Errno;
use nix::fcntl::{FcntlArg, SealFlag, fcntl};
use nix::libc;
use nix::sys::memfd::{MFdFlags, memfd_create};
use nix::unistd::fexecve;

use crate::debug::Timer;
use crate::errs::{errno, text};

/// A step of making or entering the copy that failed: `sealed copy: OP: ERRNO TEXT`.
#[derive(Debug, thiserror::Error)]
#[error("sealed copy: {op}: {}", text(*.source))]
pub struct Error {
    op: &'static str,
    source: Errno,
}

/// The seals the copy carries; F_SEAL_SEAL, so no one can lift the others.
fn seals() -> SealFlag {
    SealFlag::F_SEAL_SHRINK | SealFlag::F_SEAL_GROW | SealFlag::F_SEAL_WRITE | SealFlag::F_SEAL_SEAL
}

/// Returns when mvrc already runs from a sealed copy; otherwise makes one and re-executes
/// this very command line from it (same argv, same environment), and does not return.
/// The copy is made in the kernel (copy_file_range/sendfile), not through a buffer. With
/// --debug the copy is the step `sealed`, printed here: the re-executed mvrc counts its
/// steps from its own start.
pub fn reexec_unless_sealed(timer: Timer) -> Result<(), Error> {
    let began = Instant::now();
    let failed = |op: &'static str| move |source: Errno| Error { op, source };
    let mut exe = File::open("/proc/self/exe").map_err(|e| failed("open /proc/self/exe")(errno(&e)))?;
    if fcntl(&exe, FcntlArg::F_GET_SEALS).is_ok_and(|got| SealFlag::from_bits_truncate(got).contains(seals()))
    {
        return Ok(());
    }
    let copy = File::from(memfd().map_err(failed("memfd_create"))?);
    std::io::copy(&mut exe, &mut &copy).map_err(|e| failed("copy")(errno(&e)))?;
    fcntl(&copy, FcntlArg::F_ADD_SEALS(seals())).map_err(failed("F_ADD_SEALS"))?;
    timer.step("sealed", began);
    let args: Vec<CString> = std::env::args_os().filter_map(|a| CString::new(a.as_bytes()).ok()).collect();
    let env: Vec<CString> = std::env::vars_os()
        .filter_map(|(k, v)| CString::new([k.as_bytes(), b"=", v.as_bytes()].concat()).ok())
        .collect();
    // The copy is close-on-exec: the kernel holds it as our executable, no fd remains.
    let Err(source) = fexecve(&copy, &args, &env);
    Err(Error { op: "exec", source })
}

/// An executable memfd: since Linux 6.3 vm.memfd_noexec may make memfds non-executable
/// unless MFD_EXEC says otherwise; older kernels reject the flag.
fn memfd() -> nix::Result<std::os::fd::OwnedFd> {
    let flags = MFdFlags::MFD_CLOEXEC | MFdFlags::MFD_ALLOW_SEALING;
    let exec = MFdFlags::from_bits_retain(libc::MFD_EXEC);
    match memfd_create(c"mvrc", flags | exec) {
        Err(Errno::EINVAL) => memfd_create(c"mvrc", flags),
        made => made,
    }
}
