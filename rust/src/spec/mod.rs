//! The Spec of one run and its defaults; spec/values.rs and spec/numbers.rs parse the option
//! values that are pure text rules, spec/env.rs builds the environment.

mod clean;
mod env;
mod numbers;
mod values;

use std::ffi::OsString;

pub use clean::clean;
pub use env::env;
pub use numbers::{parse_cpus, parse_memory, parse_pids, parse_u32};
pub use values::{NO_DOT_DOT, check_hostname, has_dot_dot, is_absolute, parse_bind, parse_tmpfs, parse_user};

use crate::idmap::IdMap;
use crate::namespaces::Namespaces;

/// The container's PATH unless -e replaces it, as every OCI runtime sets it.
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
pub const DEFAULT_HOSTNAME: &str = "mvrc";

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errs::UsageError;
    use crate::vectors;
    use std::ffi::OsStr;

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
