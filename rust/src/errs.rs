// The exit-code table, the typed errors of every stage, and their one-line wording.

use std::io;

use nix::errno::Errno;
use thiserror::Error;

/// mvrc itself failed: usage, rootfs, namespace, mapping, mount or cgroup.
pub const FAILED: i32 = 125;
/// COMMAND exists in the container but cannot be executed.
pub const CANNOT_EXECUTE: i32 = 126;
/// COMMAND was not found in the container.
pub const NOT_FOUND: i32 = 127;

/// Every way a run can fail. Display is the line after `mvrc: `.
#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    Usage(#[from] UsageError),
    #[error("rootfs {path:?}: no such directory")]
    RootfsMissing { path: String },
    #[error("rootfs {path:?}: not a directory")]
    RootfsNotDir { path: String },
    #[error("rootfs {path:?}: {}", text(*.source))]
    Rootfs { path: String, source: Errno },
    #[error("bind source {src:?}: {}", text(*.source))]
    BindSource { src: String, source: Errno },
    #[error("creating namespaces: {}{}", text(*.source), user_hint(*.without_user))]
    Clone { source: Errno, without_user: bool },
    #[error("writing {what}: {}", io_text(.source))]
    Write { what: String, source: io::Error },
    #[error("{helper}: {detail}")]
    Helper { helper: String, detail: String },
    #[error("mount {fstype} on {target}: {}", text(*.source))]
    Mount { fstype: &'static str, target: String, source: Errno },
    #[error("bind {src:?} on {dst:?}: {}", text(*.source))]
    Bind { src: String, dst: String, source: Errno },
    #[error("mount point {inside}: {}", text(*.source))]
    MountPoint { inside: String, source: Errno },
    #[error("remount {inside} read-only: {}", text(*.source))]
    Remount { inside: String, source: Errno },
    #[error("symlink {inside}: {}", text(*.source))]
    Symlink { inside: String, source: Errno },
    #[error("{op}: {}", text(*.source))]
    Sys { op: String, source: Errno },
    #[error("workdir {dir:?}: no such directory in the container")]
    WorkdirMissing { dir: String },
    #[error("workdir {dir:?}: {}", text(*.source))]
    Workdir { dir: String, source: Errno },
    #[error("exec {cmd:?}: {}", exec_text(*.source))]
    Exec { cmd: String, source: Errno },
    #[error("pid file {path:?}: {}", io_text(.source))]
    PidFile { path: String, source: io::Error },
    #[error("{flag} needs a delegated cgroup v2: {reason}")]
    NoCgroup { flag: &'static str, reason: String },
    #[error("cgroup {dir}: {}", io_text(.source))]
    Cgroup { dir: String, source: io::Error },
    #[error("cgroup {dir}: writing {file}: {}", io_text(.source))]
    CgroupWrite { dir: String, file: &'static str, source: io::Error },
    /// A failure the child reported over the channel, already worded.
    #[error("{line}")]
    Child { code: i32, line: String },
}

impl Error {
    /// The exit status this failure ends mvrc with (SPEC, "Exit status").
    pub fn code(&self) -> i32 {
        match self {
            Error::Exec { source: Errno::ENOENT | Errno::ENOTDIR, .. } => NOT_FOUND,
            Error::Exec { .. } => CANNOT_EXECUTE,
            Error::Child { code, .. } => *code,
            _ => FAILED,
        }
    }
}

/// `map_err` for a failed system call: `op: ERRNO TEXT`.
pub fn sys(op: impl Into<String>) -> impl FnOnce(Errno) -> Error {
    move |source| Error::Sys { op: op.into(), source }
}

/// A mistake on the command line: printed with a hint to `mvrc help run`, exit 125.
#[derive(Debug, Error, PartialEq)]
pub enum UsageError {
    #[error("missing command (want run, version or help)")]
    MissingCommand,
    #[error("unknown command {0:?}")]
    UnknownCommand(String),
    #[error("unknown help topic {0:?}")]
    UnknownHelpTopic(String),
    #[error("unknown flag {0:?}")]
    UnknownFlag(String),
    #[error("flag {0:?} needs a value")]
    NeedsValue(String),
    #[error("flag {0:?} takes no value")]
    TakesNoValue(String),
    #[error("run needs ROOTFS and COMMAND")]
    MissingOperands,
    #[error("unknown namespace {0:?} (known: user, mount, pid, uts, ipc, net, cgroup)")]
    UnknownNamespace(String),
    #[error("--hostname needs the uts namespace")]
    HostnameNeedsUts,
    #[error("{0} needs the user namespace")]
    NeedsUserNamespace(&'static str),
    #[error("--user {user:?}: {kind} {id} is not mapped (see --{kind}-map)")]
    NotMapped { user: String, kind: &'static str, id: u32 },
    #[error("invalid {flag} {value:?}: {want}")]
    Invalid { flag: &'static str, value: String, want: &'static str },
}

impl UsageError {
    pub fn invalid(flag: &'static str, value: &str, want: &'static str) -> Self {
        UsageError::Invalid { flag, value: value.to_string(), want }
    }
}

fn user_hint(without_user: bool) -> &'static str {
    match without_user {
        true => r#" (an unprivileged user needs "user" in --ns)"#,
        false => "",
    }
}

/// execve's errno as SPEC words it: what is missing is 127, anything else 126.
fn exec_text(errno: Errno) -> String {
    match errno {
        Errno::ENOENT | Errno::ENOTDIR => text(Errno::ENOENT),
        Errno::EACCES | Errno::EISDIR | Errno::EPERM => text(Errno::EACCES),
        other => text(other),
    }
}

/// An errno as Go's syscall.Errno prints it, so both twins say the same words.
/// nix's descriptions follow the kernel headers; where they differ from the
/// C library's strerror (which Go copies), the table wins.
pub fn text(errno: Errno) -> String {
    let go = match errno {
        Errno::EIO => "input/output error",
        Errno::EBADF => "bad file descriptor",
        Errno::EAGAIN => "resource temporarily unavailable",
        Errno::ENOMEM => "cannot allocate memory",
        Errno::EXDEV => "invalid cross-device link",
        Errno::ENFILE => "too many open files in system",
        Errno::ENOTTY => "inappropriate ioctl for device",
        Errno::EDOM => "numerical argument out of domain",
        Errno::ERANGE => "numerical result out of range",
        Errno::EDEADLK => "resource deadlock avoided",
        Errno::ENOLCK => "no locks available",
        Errno::ELOOP => "too many levels of symbolic links",
        Errno::EBADMSG => "bad message",
        Errno::EILSEQ => "invalid or incomplete multibyte or wide character",
        Errno::EOPNOTSUPP => "operation not supported",
        Errno::ENETRESET => "network dropped connection on reset",
        Errno::EREMOTEIO => "remote I/O error",
        Errno::EDQUOT => "disk quota exceeded",
        Errno::UnknownErrno => return "unknown error".into(),
        other => return other.desc().to_lowercase(),
    };
    go.to_string()
}

/// The Go wording of an I/O error: its errno text when it has one.
pub fn io_text(err: &io::Error) -> String {
    match err.raw_os_error() {
        Some(raw) => text(Errno::from_raw(raw)),
        None => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_texts_match_go() {
        let cases = [
            (Errno::EPERM, "operation not permitted"),
            (Errno::ENOENT, "no such file or directory"),
            (Errno::EACCES, "permission denied"),
            (Errno::ENOEXEC, "exec format error"),
            (Errno::EBUSY, "device or resource busy"),
            (Errno::EINVAL, "invalid argument"),
            (Errno::ELOOP, "too many levels of symbolic links"),
            (Errno::EBADF, "bad file descriptor"),
            (Errno::EROFS, "read-only file system"),
        ];
        for (errno, want) in cases {
            assert_eq!(text(errno), want, "{errno:?}");
        }
    }

    #[test]
    fn exit_codes() {
        let exec = |source| Error::Exec { cmd: "x".into(), source };
        assert_eq!(exec(Errno::ENOENT).code(), NOT_FOUND);
        assert_eq!(exec(Errno::EACCES).code(), CANNOT_EXECUTE);
        assert_eq!(exec(Errno::ENOEXEC).code(), CANNOT_EXECUTE);
        assert_eq!(exec(Errno::ENOTDIR).to_string(), r#"exec "x": no such file or directory"#);
        assert_eq!(exec(Errno::EISDIR).to_string(), r#"exec "x": permission denied"#);
        assert_eq!(Error::RootfsMissing { path: "r".into() }.code(), FAILED);
        assert_eq!(Error::Child { code: 127, line: String::new() }.code(), 127);
    }

    #[test]
    fn pinned_lines() {
        let clone = Error::Clone { source: Errno::EPERM, without_user: true };
        assert_eq!(
            clone.to_string(),
            r#"creating namespaces: operation not permitted (an unprivileged user needs "user" in --ns)"#
        );
        let rootfs = Error::RootfsMissing { path: "/x".into() };
        assert_eq!(rootfs.to_string(), r#"rootfs "/x": no such directory"#);
        let workdir = Error::WorkdirMissing { dir: "/nope".into() };
        assert_eq!(workdir.to_string(), r#"workdir "/nope": no such directory in the container"#);
    }
}
