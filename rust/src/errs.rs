// The exit-code table, the typed errors of every stage, and their one-line wording.

use std::io;

use nix::errno::Errno;
use nix::sys::wait::WaitStatus;
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
    #[error("rootfs {}: no such directory", quote(.path))]
    RootfsMissing { path: String },
    #[error("rootfs {}: not a directory", quote(.path))]
    RootfsNotDir { path: String },
    #[error("rootfs {}: cannot be the host's root directory", quote(.path))]
    RootfsIsHostRoot { path: String },
    #[error("rootfs {}: {}", quote(.path), text(*.source))]
    Rootfs { path: String, source: Errno },
    #[error("bind source {}: {}", quote(.src), text(*.source))]
    BindSource { src: String, source: Errno },
    #[error("creating namespaces: {}{}", text(*.source), user_hint(*.without_user))]
    Clone { source: Errno, without_user: bool },
    #[error("writing {what}: {}", io_text(.source))]
    Write { what: String, source: io::Error },
    #[error("{helper}: {detail}")]
    Helper { helper: String, detail: String },
    #[error("mount {fstype} on {target}: {}", text(*.source))]
    Mount { fstype: &'static str, target: String, source: Errno },
    #[error("bind {} on {}: {}", quote(.src), quote(.dst), text(*.source))]
    Bind { src: String, dst: String, source: Errno },
    #[error("mount point {inside}: {}", text(*.source))]
    MountPoint { inside: String, source: Errno },
    #[error("remount {inside} read-only: {}", text(*.source))]
    Remount { inside: String, source: Errno },
    #[error("symlink {inside}: {}", text(*.source))]
    Symlink { inside: String, source: Errno },
    #[error("{op}: {}", text(*.source))]
    Sys { op: String, source: Errno },
    #[error("workdir {}: no such directory in the container", quote(.dir))]
    WorkdirMissing { dir: String },
    #[error("workdir {}: {}", quote(.dir), text(*.source))]
    Workdir { dir: String, source: Errno },
    /// Made by lookup, which classifies execve's errno (126 or 127).
    #[error("exec {}: {}", quote(.cmd), text(*.source))]
    Exec { cmd: String, source: Errno, code: i32 },
    #[error("pid file {}: {}", quote(.path), io_text(.source))]
    PidFile { path: String, source: io::Error },
    #[error("{flag} needs a delegated cgroup v2: {reason}")]
    NoCgroup { flag: &'static str, reason: String },
    #[error("cgroup {dir}: {}", io_text(.source))]
    Cgroup { dir: String, source: io::Error },
    #[error("cgroup {dir}: writing {file}: {}", io_text(.source))]
    CgroupWrite { dir: String, file: &'static str, source: io::Error },
    #[error("--tty: stdin is not a terminal")]
    NotATerminal,
    /// A failure the child reported over the channel, already worded.
    #[error("{line}")]
    Child { code: i32, line: String },
}

impl Error {
    /// The exit status this failure ends mvrc with (SPEC, "Exit status").
    pub fn code(&self) -> i32 {
        match self {
            Error::Exec { code, .. } | Error::Child { code, .. } => *code,
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
    #[error("unknown command {}", quote(.0))]
    UnknownCommand(String),
    #[error("unknown help topic {}", quote(.0))]
    UnknownHelpTopic(String),
    #[error("unknown flag {}", quote(.0))]
    UnknownFlag(String),
    #[error("flag {} needs a value", quote(.0))]
    NeedsValue(String),
    #[error("flag {} takes no value", quote(.0))]
    TakesNoValue(String),
    #[error("run needs ROOTFS and COMMAND")]
    MissingOperands,
    #[error("unknown namespace {} (known: user, mount, pid, uts, ipc, net, cgroup)", quote(.0))]
    UnknownNamespace(String),
    #[error("--hostname needs the uts namespace")]
    HostnameNeedsUts,
    #[error("{0} needs the user namespace")]
    NeedsUserNamespace(&'static str),
    #[error("{0} needs the mount namespace")]
    NeedsMountNamespace(&'static str),
    #[error("unexpected argument {}", quote(.0))]
    UnexpectedArgument(String),
    #[error("--user {}: {kind} {id} is not mapped (see --{kind}-map)", quote(.user))]
    NotMapped { user: String, kind: &'static str, id: u32 },
    #[error("invalid {flag} {}: {want}", quote(.value))]
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

/// The exit status mvrc reports for a process that ended: its own exit code, or
/// 128+N when signal N killed it (the shell's convention); None while it runs.
pub fn status(status: WaitStatus) -> Option<i32> {
    match status {
        WaitStatus::Exited(_, code) => Some(code),
        WaitStatus::Signaled(_, sig, _) => Some(128 + sig as i32),
        _ => None,
    }
}

/// The errno inside an I/O error (EIO if it has none).
pub fn errno(err: &io::Error) -> Errno {
    err.raw_os_error().map_or(Errno::EIO, Errno::from_raw)
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

/// `text` quoted as Go's strconv.Quote (`%q`) does, so both twins print the same line:
/// `\"` and `\\`, the named escapes `\a \b \f \n \r \t \v`, `\xNN` for the other ASCII
/// controls and DEL, `\uNNNN` for non-ASCII controls and spaces. Go also
/// escapes format characters (U+200B, U+FEFF, ...) and unassigned code points; Rust has no
/// table of them, so those are printed as they are (design.md, Command line).
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            // All of them lie below U+10000, so Go's long form \UNNNNNNNN is never needed.
            c if c.is_control() || (c.is_whitespace() && !c.is_ascii()) => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_vectors() {
        #[derive(serde::Deserialize)]
        struct Case {
            name: String,
            #[serde(rename = "in")]
            input: String,
            want: String,
        }
        for case in crate::vectors::load::<Case>("quote.json") {
            assert_eq!(quote(&case.input), case.want, "{}", case.name);
        }
    }

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
        assert_eq!(Error::RootfsMissing { path: "r".into() }.code(), FAILED);
        assert_eq!(Error::Child { code: 127, line: String::new() }.code(), 127);
    }

    #[test]
    fn wait_statuses() {
        let pid = nix::unistd::Pid::from_raw(9);
        let killed = WaitStatus::Signaled(pid, nix::sys::signal::Signal::SIGKILL, false);
        assert_eq!(status(WaitStatus::Exited(pid, 3)), Some(3));
        assert_eq!(status(killed), Some(137));
        assert_eq!(status(WaitStatus::StillAlive), None);
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
