//! COMMAND's last hop: find it in the container's PATH, give it a fresh signal state, exec it,
//! and word an exec failure as 126 (cannot execute) or 127 (not found).

use std::ffi::{CString, OsStr, OsString};
use std::os::fd::{OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::AtFlags;
use nix::libc;
use nix::sys::signal::SigSet;
use nix::unistd::{execve, execveat};

use crate::errs::{CANNOT_EXEC, NOT_FOUND, quote, text};

/// Why COMMAND could not run, as SPEC words it: `exec "CMD": ERRNO TEXT`.
#[derive(Debug, thiserror::Error)]
#[error("exec {}: {}", quote(.cmd), text(*.errno))]
pub struct Error {
    /// COMMAND as the user wrote it.
    cmd: OsString,
    /// execve's errno, in SPEC's classes: ENOENT (missing), EACCES, or as it came.
    errno: Errno,
}

impl Error {
    /// 127 when COMMAND is missing, 126 when it cannot be executed.
    pub fn code(&self) -> i32 {
        match self.errno {
            Errno::ENOENT => NOT_FOUND,
            _ => CANNOT_EXEC,
        }
    }

    pub fn errno(&self) -> Errno {
        self.errno
    }
}

/// The file to execute for `cmd`. A `cmd` containing "/" is used as is; otherwise
/// each directory of `path_list` is tried in order (empty elements skipped) and the
/// first regular file wins (no x bit needed here: execve then says EACCES, a 126, not a 127).
pub fn find(cmd: impl AsRef<OsStr>, path_list: impl AsRef<OsStr>) -> Result<PathBuf, Error> {
    let (cmd, path_list) = (cmd.as_ref(), path_list.as_ref());
    if cmd.as_bytes().contains(&b'/') {
        return Ok(PathBuf::from(cmd));
    }
    if cmd.is_empty() {
        return Err(exec_error(cmd, Errno::ENOENT));
    }
    let found = path_list
        .as_bytes()
        .split(|b| *b == b':')
        .filter(|dir| !dir.is_empty()) // to a shell "" is the working directory; never searched
        .map(|dir| Path::new(OsStr::from_bytes(dir)).join(cmd))
        .find(|candidate| candidate.metadata().is_ok_and(|m| m.is_file()));
    found.ok_or_else(|| exec_error(cmd, Errno::ENOENT))
}

/// execve's errno as SPEC words it; `cmd` is as the user wrote it. What is
/// missing is 127, anything else 126.
pub fn exec_error(cmd: impl AsRef<OsStr>, errno: Errno) -> Error {
    let cmd = cmd.as_ref();
    let errno = match errno {
        Errno::ENOENT | Errno::ENOTDIR => Errno::ENOENT,
        Errno::EACCES | Errno::EISDIR | Errno::EPERM => Errno::EACCES,
        other => other,
    };
    Error { cmd: cmd.into(), errno }
}

// slide: exec
/// Replaces this process with COMMAND (`argv[0]` as the user wrote it, found at `path`)
/// through the hop (sealed::hop): execveat(hop) with the channel's end (`channel`, see
/// ChildEnd::handover), then the hop execs COMMAND. Returns only the reason the hop could
/// not be exec'd; COMMAND's own execve failing comes to the parent from the hop.
/// /proc/self/exe in the container is thus never the host's binary (see sealed). The
/// child's way; --init's PID 1 names the hop (exec_named).
pub fn exec(hop: &OwnedFd, channel: RawFd, path: &Path, argv: &[OsString], env: &[OsString]) -> Error {
    reset_signals();
    let errno = match (cstrings(&hop_args(channel, path, argv)), cstrings(env)) {
        (Some(args), Some(env)) => {
            let Err(errno) = execveat(hop, c"", &args, &env, AtFlags::AT_EMPTY_PATH);
            errno
        }
        _ => Errno::EINVAL, // a NUL inside an argument
    };
    exec_error(&argv[0], errno)
}
// end slide

/// --init's exec of the hop by name (`hop`, see sealed::named), with execve: the Go twin's
/// PID 1 can only name it (ForkExec takes a path), and both twins make the same calls.
pub fn exec_named(hop: &Path, channel: RawFd, path: &Path, argv: &[OsString], env: &[OsString]) -> Error {
    reset_signals();
    exec_error(&argv[0], execve_all(hop.as_os_str(), &hop_args(channel, path, argv), env))
}

/// The hop's command line: its channel's number, COMMAND's path, then COMMAND's argv.
fn hop_args(channel: RawFd, path: &Path, argv: &[OsString]) -> Vec<OsString> {
    let head = [OsString::from(channel.to_string()), path.as_os_str().to_owned()];
    head.into_iter().chain(argv.iter().cloned()).collect()
}

/// COMMAND itself, not through the hop: --init in a container whose /proc does not show
/// the hop (see reaper), where no /proc/self/exe can lead back to mvrc either.
pub fn exec_direct(path: &Path, argv: &[OsString], env: &[OsString]) -> Error {
    reset_signals();
    exec_error(&argv[0], execve_all(path.as_os_str(), argv, env))
}

/// execve(2) of `file` with `args` and `env`, as bytes; returns its errno.
fn execve_all<'a>(file: &OsStr, args: impl IntoIterator<Item = &'a OsString>, env: &[OsString]) -> Errno {
    match (CString::new(file.as_bytes()), cstrings(args), cstrings(env)) {
        (Ok(file), Some(args), Some(env)) => {
            let Err(errno) = execve(&file, &args, &env);
            errno
        }
        _ => Errno::EINVAL, // a NUL inside an argument
    }
}

/// Gives COMMAND the signal state of a fresh process: nothing blocked and every
/// signal at SIG_DFL. execve keeps the mask and ignored dispositions: the caller may
/// have ignored any (nohup, a shell's `trap ''`), and Rust's runtime ignores SIGPIPE.
/// The raw call, because libc's sigaction refuses the signals it keeps for itself
/// (32, 33); SIGKILL and SIGSTOP say EINVAL, the only error, and are already SIG_DFL.
fn reset_signals() {
    // The kernel's struct sigaction, all zero: SIG_DFL, no flags, no restorer, empty mask.
    let dfl = [0u64; 4];
    for sig in 1..=NSIG {
        // SAFETY: nix's sigaction takes only the named signals; SIG_DFL installs no handler
        // of ours, and the kernel reads `dfl`, which outlives the call.
        let _ = unsafe { libc::syscall(libc::SYS_rt_sigaction, sig, dfl.as_ptr(), 0usize, 8usize) };
    }
    let _ = SigSet::empty().thread_set_mask();
}

/// The number of the last signal (the kernel's _NSIG - 1).
const NSIG: i64 = 64;

fn cstrings<'a>(all: impl IntoIterator<Item = &'a OsString>) -> Option<Vec<CString>> {
    all.into_iter().map(|s| CString::new(s.as_bytes()).ok()).collect()
}

/// PATH from an environment list ("" if it has none).
pub fn path_of(env: &[OsString]) -> &OsStr {
    let path = env.iter().find_map(|kv| kv.as_bytes().strip_prefix(b"PATH="));
    OsStr::from_bytes(path.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn first_regular_file_in_path_order() {
        let dir = std::env::temp_dir().join(format!("mvrc-command-{}", std::process::id()));
        let (a, b) = (dir.join("a"), dir.join("b"));
        fs::create_dir_all(b.join("sub")).unwrap();
        fs::create_dir_all(&a).unwrap();
        fs::write(b.join("tool"), "").unwrap();
        fs::write(a.join("tool"), "").unwrap();
        fs::write(b.join("other"), "").unwrap();
        let path = format!("{}:{}", a.display(), b.display());
        let found = |cmd: &str| find(cmd, &path).map_err(|e| (e.code(), e.to_string()));
        assert_eq!(found("tool"), Ok(a.join("tool")));
        assert_eq!(found("other"), Ok(b.join("other")));
        assert_eq!(found("nope"), Err((127, r#"exec "nope": no such file or directory"#.into())));
        assert_eq!(found("sub").unwrap_err().0, 127, "a directory is not a command");
        assert_eq!(found("").unwrap_err().0, 127);
        // cargo test runs in the crate's directory: an empty PATH element must not find it there.
        assert_eq!(find("Cargo.toml", ":").map_err(|e| e.code()), Err(127), "empty elements are skipped");
        assert_eq!(found("./x/y"), Ok(PathBuf::from("./x/y")), "a path is left to execve");
        assert_eq!(path_of(&["A=1".into(), "PATH=/bin".into()]), "/bin");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn exec_errors() {
        let exec = |errno| {
            let err = exec_error("x", errno);
            (err.code(), err.to_string())
        };
        assert_eq!(exec(Errno::ENOENT), (127, r#"exec "x": no such file or directory"#.into()));
        assert_eq!(exec(Errno::ENOTDIR), (127, r#"exec "x": no such file or directory"#.into()));
        assert_eq!(exec(Errno::EACCES), (126, r#"exec "x": permission denied"#.into()));
        assert_eq!(exec(Errno::EISDIR), (126, r#"exec "x": permission denied"#.into()));
        assert_eq!(exec(Errno::ENOEXEC), (126, r#"exec "x": exec format error"#.into()));
    }
}
