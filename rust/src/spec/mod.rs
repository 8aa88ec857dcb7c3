//! The Spec of one run: its defaults, and the option values that are pure text rules
//! (--hostname, --user, --bind, sizes); the environment rules live in spec/env.rs.

mod env;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

pub use env::env;

use crate::errs::UsageError;
use crate::idmap::IdMap;
use crate::namespaces::Namespaces;

/// The container's PATH unless -e replaces it, as every OCI runtime sets it.
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
pub const DEFAULT_HOSTNAME: &str = "mvrc";

/// The reason given for a ".." in a path inside the container.
pub const NO_DOT_DOT: &str = r#"".." is not allowed"#;

/// The kernel's limit on a hostname, in bytes (HOST_NAME_MAX).
const MAX_HOSTNAME: usize = 64;

/// The smallest --cpus: a quota of 1000µs per 100000µs period, the least cpu.max takes.
const MIN_CPUS: f64 = 0.01;

/// The smallest `--pids`. pids.max counts threads, and mvrc's own are in the container's
/// cgroup until COMMAND's execve (the Go child: up to 5) and, under --init, all along (the Go
/// init: 5 to 7); below that Go's runtime cannot start a thread and dies with a crash report.
/// One floor for both twins, so that both refuse the same limits (design.md, Go's threads).
pub const MIN_PIDS: u64 = 16;

/// Everything one `mvrc run` needs, validated; the child reads it from memory. What the
/// user gave as paths, arguments, environment and hostname stays bytes (OsString): Linux
/// takes any byte but NUL and "/" in a name, and a lossy conversion would name another file.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Spec {
    #[cfg_attr(test, serde(with = "crate::vectors::os"))]
    pub rootfs: OsString,
    #[cfg_attr(test, serde(with = "crate::vectors::os_list"))]
    pub command: Vec<OsString>,
    pub namespaces: Namespaces,
    #[cfg_attr(test, serde(with = "crate::vectors::os"))]
    pub hostname: OsString,
    #[cfg_attr(test, serde(with = "crate::vectors::os_list"))]
    pub env: Vec<OsString>,
    #[cfg_attr(test, serde(with = "crate::vectors::os"))]
    pub workdir: OsString,
    pub user: User,
    pub uid_maps: Vec<IdMap>,
    pub gid_maps: Vec<IdMap>,
    pub binds: Vec<Bind>,
    pub tmpfs: Vec<Tmpfs>,
    pub read_only: bool,
    pub overlay: bool,
    pub chroot: bool,
    pub init: bool,
    pub tty: bool,
    #[cfg_attr(test, serde(with = "crate::vectors::os"))]
    pub pid_file: OsString,
    pub debug: bool,
    pub limits: Limits,
    #[cfg_attr(test, serde(with = "crate::vectors::os"))]
    pub seccomp: OsString,
    /// The compiled --seccomp profile, empty for unconfined: the parent compiles it before
    /// anything starts, the child installs it.
    #[cfg_attr(test, serde(skip))]
    pub filters: crate::seccomp::Filters,
}

/// The identity of COMMAND inside the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct User {
    pub uid: u32,
    pub gid: u32,
}

/// One `--bind SRC:DST[:ro]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct Bind {
    #[cfg_attr(test, serde(with = "crate::vectors::os"))]
    pub source: OsString,
    #[cfg_attr(test, serde(with = "crate::vectors::os"))]
    pub destination: OsString,
    pub read_only: bool,
}

/// One `--tmpfs DIR[:size=SIZE]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct Tmpfs {
    #[cfg_attr(test, serde(with = "crate::vectors::os"))]
    pub path: OsString,
    /// Bytes.
    pub size: u64,
}

/// Bounds a `--tmpfs` without `size=`, as docker bounds /dev/shm: 64 MiB (the
/// kernel's default is half of RAM).
const DEFAULT_TMPFS_SIZE: u64 = 64 << 20;

/// cgroup v2 limits; zero means "not set".
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Limits {
    pub memory: u64,
    pub pids: u64,
    pub cpus: f64,
}

impl Limits {
    /// Whether a limit was asked for.
    pub fn any(&self) -> bool {
        self.memory > 0 || self.pids > 0 || self.cpus > 0.0
    }
}

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

/// Parses `--memory`: BYTES with an optional k, m or g suffix (powers of 1024, either case).
pub fn parse_memory(text: &str) -> Result<u64, UsageError> {
    parse_bytes(text)
        .ok_or_else(|| UsageError::invalid("--memory", text, "want BYTES with an optional k, m or g suffix"))
}

/// BYTES >= 1 with an optional k, m or g suffix (powers of 1024, either case), at most i64::MAX.
fn parse_bytes(text: &str) -> Option<u64> {
    let (digits, unit) = match text.char_indices().last() {
        Some((i, 'k' | 'K')) => (&text[..i], 1u64 << 10),
        Some((i, 'm' | 'M')) => (&text[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&text[..i], 1 << 30),
        _ => (text, 1),
    };
    parse_u64(digits)
        .and_then(|count| count.checked_mul(unit))
        .filter(|bytes| (1..=i64::MAX as u64).contains(bytes))
}

/// Parses `--pids`: a whole number of at least `MIN_PIDS`.
pub fn parse_pids(text: &str) -> Result<u64, UsageError> {
    let pids = parse_u64(text)
        .filter(|n| (1..=i64::MAX as u64).contains(n))
        .ok_or_else(|| UsageError::invalid("--pids", text, "want a positive whole number"))?;
    if pids < MIN_PIDS {
        return Err(UsageError::invalid("--pids", text, TOO_FEW_PIDS));
    }
    Ok(pids)
}

/// The reason for a `--pids` below `MIN_PIDS` (16, spelled out: `invalid`'s reason is static).
const TOO_FEW_PIDS: &str = "want at least 16 (mvrc's own threads count too)";

/// Parses `--cpus`: DIGITS or DIGITS.DIGITS, at least 0.01 (no sign, exponent, inf or nan).
pub fn parse_cpus(text: &str) -> Result<f64, UsageError> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    Some(text)
        .filter(|_| digits(whole) && digits(fraction))
        .and_then(|t| t.parse::<f64>().ok())
        .filter(|n| n.is_finite() && *n >= MIN_CPUS)
        .ok_or_else(|| UsageError::invalid("--cpus", text, "want a positive number"))
}

/// `path` cleaned lexically as Go's filepath.Clean does, so that an absolute ROOTFS or
/// bind source reads the same in both twins: one "/" between names, no "." names, each
/// ".." removed with the name before it (at the root, just removed); "" is ".".
pub fn clean(path: &OsStr) -> OsString {
    let path = path.as_bytes();
    let rooted = path.starts_with(b"/");
    let mut names: Vec<&[u8]> = Vec::new();
    for name in path.split(|b| *b == b'/') {
        match name {
            b"" | b"." => {}
            b".." if names.last().is_some_and(|last| *last != b"..") => drop(names.pop()),
            b".." if rooted => {}
            name => names.push(name),
        }
    }
    let joined = names.join(&b'/');
    OsString::from_vec(match (rooted, joined.is_empty()) {
        (true, _) => [b"/".as_slice(), &joined].concat(),
        (false, true) => b".".to_vec(),
        (false, false) => joined,
    })
}

/// A plain decimal u32: digits only, no sign, no spaces.
pub fn parse_u32(text: &str) -> Option<u32> {
    parse_u64(text).and_then(|n| u32::try_from(n).ok())
}

pub fn parse_u64(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vectors;

    #[derive(serde::Deserialize)]
    struct Case<I, W> {
        name: String,
        #[serde(rename = "in")]
        input: I,
        want: Option<W>,
        error: Option<String>,
    }

    fn check<I, W: PartialEq + std::fmt::Debug>(file: &str, parse: impl Fn(&I) -> Result<W, UsageError>)
    where
        Case<I, W>: serde::de::DeserializeOwned,
    {
        for case in vectors::load::<Case<I, W>>(file) {
            match parse(&case.input) {
                Ok(got) => assert_eq!(Some(got), case.want, "{file}: {}", case.name),
                Err(e) => assert_eq!(Some(format!("mvrc: {e}")), case.error, "{file}: {}", case.name),
            }
        }
    }

    #[test]
    fn clean_vectors() {
        check("clean.json", |s: &String| Ok::<_, UsageError>(clean(s.as_ref()).into_string().unwrap()));
    }

    #[test]
    fn bind_vectors() {
        check("bind.json", |s: &String| parse_bind(s.as_ref()));
    }

    #[test]
    fn tmpfs_vectors() {
        check("tmpfs.json", |s: &String| parse_tmpfs(s.as_ref()));
    }

    #[test]
    fn user_vectors() {
        check("user.json", |s: &String| parse_user(s));
    }

    #[test]
    fn size_vectors() {
        #[derive(serde::Deserialize)]
        struct SizeCase {
            name: String,
            flag: String,
            #[serde(rename = "in")]
            input: String,
            want: Option<f64>,
            error: Option<String>,
        }
        for case in vectors::load::<SizeCase>("size.json") {
            let got = match case.flag.as_str() {
                "--memory" => parse_memory(&case.input).map(|n| n as f64),
                "--pids" => parse_pids(&case.input).map(|n| n as f64),
                _ => parse_cpus(&case.input),
            };
            match got {
                Ok(n) => assert_eq!(Some(n), case.want, "{}", case.name),
                Err(e) => assert_eq!(Some(format!("mvrc: {e}")), case.error, "{}", case.name),
            }
        }
    }

    #[test]
    fn env_vectors() {
        #[derive(serde::Deserialize)]
        struct EnvIn {
            caller: std::collections::HashMap<String, String>,
            e: Vec<String>,
            uts: bool,
            hostname: String,
            host: String,
        }
        check("env.json", |input: &EnvIn| {
            let hostname = if input.uts { &input.hostname } else { &input.host };
            let caller = |key: &OsStr| input.caller.get(key.to_str()?).map(OsString::from);
            let entries: Vec<OsString> = input.e.iter().map(OsString::from).collect();
            let got = env(caller, &entries, hostname.as_ref())?;
            Ok::<_, UsageError>(got.into_iter().map(|kv| kv.into_string().unwrap()).collect::<Vec<_>>())
        });
    }
}
