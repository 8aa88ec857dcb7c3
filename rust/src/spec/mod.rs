// The Spec of one run: its defaults, and the option values that are pure text rules
// (--hostname, --user, --bind, sizes); the environment rules live in spec/env.rs.

mod env;

pub use env::env;

use crate::errs::UsageError;
use crate::idmap::IdMap;
use crate::namespaces::Namespaces;

/// The container's PATH, as every OCI runtime sets it.
pub const DEFAULT_PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
pub const DEFAULT_HOSTNAME: &str = "mvrc";

/// The reason given for a ".." in a path inside the container.
pub const NO_DOT_DOT: &str = r#"".." is not allowed"#;

/// The kernel's limit on a hostname, in bytes (HOST_NAME_MAX).
const MAX_HOSTNAME: usize = 64;

/// The smallest --cpus: a quota of 1000µs per 100000µs period, the least cpu.max takes.
const MIN_CPUS: f64 = 0.01;

/// Everything one `mvrc run` needs, validated; the child reads it from memory.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Spec {
    pub rootfs: String,
    pub command: Vec<String>,
    pub namespaces: Namespaces,
    pub hostname: String,
    pub env: Vec<String>,
    pub workdir: String,
    pub user: User,
    pub uid_maps: Vec<IdMap>,
    pub gid_maps: Vec<IdMap>,
    pub binds: Vec<Bind>,
    pub tmpfs: Vec<String>,
    pub read_only: bool,
    pub overlay: bool,
    pub chroot: bool,
    pub init: bool,
    pub tty: bool,
    pub pid_file: String,
    pub debug: bool,
    pub limits: Limits,
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
    pub source: String,
    pub destination: String,
    pub read_only: bool,
}

/// cgroup v2 limits; zero means "not set".
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Limits {
    pub memory: u64,
    pub pids: u64,
    pub cpus: f64,
}

/// Checks `--hostname`: 1 to 64 bytes, what sethostname(2) takes.
pub fn check_hostname(name: &str) -> Result<(), UsageError> {
    match (1..=MAX_HOSTNAME).contains(&name.len()) {
        true => Ok(()),
        false => Err(UsageError::invalid("--hostname", name, "want 1 to 64 characters")),
    }
}

/// Whether a path has a ".." component; a mount target with one could climb out of ROOTFS.
pub fn has_dot_dot(path: &str) -> bool {
    path.split('/').any(|part| part == "..")
}

/// Parses `UID[:GID]`; without GID the gid equals the uid.
pub fn parse_user(text: &str) -> Result<User, UsageError> {
    let invalid = || UsageError::invalid("--user", text, "want UID[:GID]");
    let (uid, gid) = text.split_once(':').unwrap_or((text, text));
    Ok(User { uid: parse_u32(uid).ok_or_else(invalid)?, gid: parse_u32(gid).ok_or_else(invalid)? })
}

/// Parses `SRC:DST[:ro]`; DST must be absolute because it names a path in the container.
pub fn parse_bind(text: &str) -> Result<Bind, UsageError> {
    let fields: Vec<&str> = text.split(':').collect();
    let (source, destination, read_only) = match fields[..] {
        [src, dst] => (src, dst, false),
        [src, dst, "ro"] => (src, dst, true),
        _ => return Err(UsageError::invalid("--bind", text, "want SRC:DST[:ro]")),
    };
    if source.is_empty() || destination.is_empty() {
        return Err(UsageError::invalid("--bind", text, "want SRC:DST[:ro]"));
    }
    if !destination.starts_with('/') {
        return Err(UsageError::invalid("--bind", text, "destination must be an absolute path"));
    }
    if has_dot_dot(destination) {
        return Err(UsageError::invalid("--bind", text, NO_DOT_DOT));
    }
    Ok(Bind { source: source.into(), destination: destination.into(), read_only })
}

/// Parses `--memory`: BYTES with an optional k, m or g suffix (powers of 1024, either case).
pub fn parse_memory(text: &str) -> Result<u64, UsageError> {
    let invalid = || UsageError::invalid("--memory", text, "want BYTES with an optional k, m or g suffix");
    let (digits, unit) = match text.char_indices().last() {
        Some((i, 'k' | 'K')) => (&text[..i], 1u64 << 10),
        Some((i, 'm' | 'M')) => (&text[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&text[..i], 1 << 30),
        _ => (text, 1),
    };
    parse_u64(digits)
        .and_then(|count| count.checked_mul(unit))
        .filter(|bytes| (1..=i64::MAX as u64).contains(bytes))
        .ok_or_else(invalid)
}

/// Parses `--pids`: a whole number of at least 1.
pub fn parse_pids(text: &str) -> Result<u64, UsageError> {
    parse_u64(text)
        .filter(|n| (1..=i64::MAX as u64).contains(n))
        .ok_or_else(|| UsageError::invalid("--pids", text, "want a positive whole number"))
}

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
pub fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut names: Vec<&str> = Vec::new();
    for name in path.split('/') {
        match name {
            "" | "." => {}
            ".." if names.last().is_some_and(|last| *last != "..") => drop(names.pop()),
            ".." if rooted => {}
            name => names.push(name),
        }
    }
    match (rooted, names.join("/")) {
        (true, joined) => format!("/{joined}"),
        (false, joined) if joined.is_empty() => ".".into(),
        (false, joined) => joined,
    }
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
        check("clean.json", |s: &String| Ok::<_, UsageError>(clean(s)));
    }

    #[test]
    fn bind_vectors() {
        check("bind.json", |s: &String| parse_bind(s));
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
            env(|key| input.caller.get(key).cloned(), &input.e, hostname)
        });
    }
}
