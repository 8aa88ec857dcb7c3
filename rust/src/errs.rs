//! The exit-code table, the usage error, and the wording every stage's errors share:
//! errno text as Go prints it, and Go's quoting.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::unix::ffi::OsStrExt;

use nix::errno::Errno;
use nix::sys::wait::WaitStatus;
use thiserror::Error;

/// mvrc itself failed: usage, rootfs, namespace, mapping, mount or cgroup.
pub const FAILED: i32 = 125;
/// COMMAND exists in the container but cannot be executed.
pub const CANNOT_EXEC: i32 = 126;
/// COMMAND was not found in the container.
pub const NOT_FOUND: i32 = 127;

/// The second line printed after a usage error.
pub const USAGE_HINT: &str = "Run 'mvrc help run' for usage.";

/// A mistake on the command line: printed with a hint to `mvrc help run`, exit 125.
#[derive(Debug, Error, PartialEq)]
pub enum UsageError {
    #[error("missing command (want run, version or help)")]
    MissingCommand,
    #[error("unknown command {}", quote(.0))]
    UnknownCommand(OsString),
    #[error("unknown help topic {}", quote(.0))]
    UnknownHelpTopic(OsString),
    #[error("unknown flag {}", quote(.0))]
    UnknownFlag(OsString),
    #[error("flag {} needs a value", quote(.0))]
    NeedsValue(String),
    #[error("flag {} takes no value", quote(.0))]
    TakesNoValue(String),
    #[error("run needs ROOTFS and COMMAND")]
    MissingOperands,
    #[error("unknown namespace {} (known: {})", quote(.0), crate::namespaces::default().join(", "))]
    UnknownNamespace(OsString),
    #[error("--hostname needs the uts namespace")]
    HostnameNeedsUts,
    #[error("{0} needs the user namespace")]
    NeedsUserNamespace(&'static str),
    #[error("{0} needs the mount namespace")]
    NeedsMountNamespace(&'static str),
    #[error("unexpected argument {}", quote(.0))]
    UnexpectedArgument(OsString),
    #[error("--user {}: {kind} {id} is not mapped (see --{kind}-map)", quote(.user))]
    NotMapped { user: OsString, kind: &'static str, id: u32 },
    #[error("invalid {flag} {}: {want}", quote(.value))]
    Invalid { flag: &'static str, value: OsString, want: &'static str },
}

impl UsageError {
    pub fn invalid(flag: &'static str, value: impl AsRef<OsStr>, want: &'static str) -> Self {
        UsageError::Invalid { flag, value: value.as_ref().to_owned(), want }
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
/// controls, DEL and each byte that is not UTF-8, `\uNNNN` for non-ASCII controls and spaces.
/// Go also escapes format characters (U+200B, U+FEFF, ...) and unassigned code points; Rust
/// has no table of them, so those are printed as they are (design.md, Command line).
pub fn quote(text: impl AsRef<OsStr>) -> String {
    let bytes = text.as_ref().as_bytes();
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for chunk in bytes.utf8_chunks() {
        quote_str(&mut out, chunk.valid());
        chunk.invalid().iter().for_each(|b| out.push_str(&format!("\\x{b:02x}")));
    }
    out.push('"');
    out
}

/// A path for an error line where it stands unquoted (`mount point DIR: ...`): as it
/// is, but each byte that is not UTF-8 as `\xNN`, the way `quote` shows it, so a line is
/// text and both twins print the same one (Go: errs.Shown).
pub fn shown(text: impl AsRef<OsStr>) -> String {
    let mut out = String::new();
    for chunk in text.as_ref().as_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        chunk.invalid().iter().for_each(|b| out.push_str(&format!("\\x{b:02x}")));
    }
    out
}

fn quote_str(out: &mut String, text: &str) {
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
    fn quote_bytes_vectors() {
        #[derive(serde::Deserialize)]
        struct Case {
            name: String,
            hex: String,
            quote: String,
            shown: String,
        }
        for case in crate::vectors::load::<Case>("quote_bytes.json") {
            let bytes: Vec<u8> = (0..case.hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&case.hex[i..i + 2], 16).unwrap())
                .collect();
            let input = OsStr::from_bytes(&bytes);
            assert_eq!(quote(input), case.quote, "{}", case.name);
            assert_eq!(shown(input), case.shown, "{}", case.name);
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
    fn wait_statuses() {
        let pid = nix::unistd::Pid::from_raw(9);
        let killed = WaitStatus::Signaled(pid, nix::sys::signal::Signal::SIGKILL, false);
        assert_eq!(status(WaitStatus::Exited(pid, 3)), Some(3));
        assert_eq!(status(killed), Some(137));
        assert_eq!(status(WaitStatus::StillAlive), None);
    }
}
