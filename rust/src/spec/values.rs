//! Option values that are text rules: --hostname, --user, --bind and --tmpfs, and the
//! path checks they share (absolute, no "..").

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use super::numbers::{parse_bytes, parse_u32};
use super::{Bind, DEFAULT_TMPFS_SIZE, Tmpfs, User};
use crate::errs::UsageError;

/// The reason given for a ".." in a path inside the container.
pub const NO_DOT_DOT: &str = r#"".." is not allowed"#;

/// The kernel's limit on a hostname, in bytes (HOST_NAME_MAX).
const MAX_HOSTNAME: usize = 64;

/// Checks `--hostname`: 1 to 64 bytes, what sethostname(2) takes.
pub fn check_hostname(name: &OsStr) -> Result<(), UsageError> {
    if !(1..=MAX_HOSTNAME).contains(&name.len()) {
        return Err(UsageError::invalid("--hostname", name, "want 1 to 64 characters"));
    }
    Ok(())
}

/// Whether a path has a ".." component; a mount target with one could climb out of ROOTFS.
pub fn has_dot_dot(path: &OsStr) -> bool {
    path.as_bytes().split(|b| *b == b'/').any(|part| part == b"..")
}

/// Whether a path inside the container is absolute.
pub fn is_absolute(path: &OsStr) -> bool {
    path.as_bytes().starts_with(b"/")
}

/// Parses `UID[:GID]`; without GID the gid equals the uid.
pub fn parse_user(text: &str) -> Result<User, UsageError> {
    let invalid = || UsageError::invalid("--user", text, "want UID[:GID]");
    let (uid, gid) = text.split_once(':').unwrap_or((text, text));
    Ok(User { uid: parse_u32(uid).ok_or_else(invalid)?, gid: parse_u32(gid).ok_or_else(invalid)? })
}

/// Parses `SRC:DST[:ro]`; DST must be absolute because it names a path in the container.
pub fn parse_bind(text: &OsStr) -> Result<Bind, UsageError> {
    let fields: Vec<&[u8]> = text.as_bytes().split(|b| *b == b':').collect();
    let (source, destination, read_only) = match fields[..] {
        [src, dst] => (OsStr::from_bytes(src), OsStr::from_bytes(dst), false),
        [src, dst, b"ro"] => (OsStr::from_bytes(src), OsStr::from_bytes(dst), true),
        _ => return Err(UsageError::invalid("--bind", text, "want SRC:DST[:ro]")),
    };
    if source.is_empty() || destination.is_empty() {
        return Err(UsageError::invalid("--bind", text, "want SRC:DST[:ro]"));
    }
    if !is_absolute(destination) {
        return Err(UsageError::invalid("--bind", text, "destination must be an absolute path"));
    }
    if has_dot_dot(destination) {
        return Err(UsageError::invalid("--bind", text, NO_DOT_DOT));
    }
    Ok(Bind { source: source.into(), destination: destination.into(), read_only })
}

/// Parses `DIR[:size=SIZE]`; DIR is a path inside the container, SIZE bytes with an
/// optional k, m or g suffix, DEFAULT_TMPFS_SIZE without one.
pub fn parse_tmpfs(text: &OsStr) -> Result<Tmpfs, UsageError> {
    let invalid = |want| UsageError::invalid("--tmpfs", text, want);
    let mut parts = text.as_bytes().splitn(2, |b| *b == b':');
    let dir = OsStr::from_bytes(parts.next().unwrap_or_default());
    let option = parts.next();
    if !is_absolute(dir) {
        return Err(invalid("want an absolute path"));
    }
    if has_dot_dot(dir) {
        return Err(invalid(NO_DOT_DOT));
    }
    let size = match option.map(|o| o.strip_prefix(b"size=")) {
        None => DEFAULT_TMPFS_SIZE,
        Some(None) => return Err(invalid("want DIR[:size=SIZE]")),
        Some(Some(size)) => std::str::from_utf8(size)
            .ok()
            .and_then(parse_bytes)
            .ok_or_else(|| invalid("want SIZE in bytes with an optional k, m or g suffix"))?,
    };
    Ok(Tmpfs { path: dir.into(), size })
}
