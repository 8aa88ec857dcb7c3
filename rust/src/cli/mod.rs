//! The command line: argv → a Spec or a usage error; help and version are answered here.

mod flags;
mod usage;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use lexopt::{Arg, Parser};

use crate::errs::UsageError;
use crate::idmap::{self, IdMap};
use crate::namespaces::{self, Namespaces};
use crate::spec::{self, DEFAULT_HOSTNAME, Limits, Spec, User};

pub use usage::{RUN_USAGE, USAGE, VERSION};

/// What the command line asks for: a container to run, or text to print.
#[derive(Debug, PartialEq)]
pub enum Action {
    Run(Box<Spec>),
    Help(&'static str),
    Version,
    /// The hidden `mvrc debug seccomp [PROFILE]`: print the compiled filters for the
    /// cross-twin test (design.md, "Seccomp").
    DumpSeccomp(OsString),
}

/// What the caller brings: its environment, ids and hostname. Parsing is a pure function of it.
/// Arguments, environment and hostname are bytes (OsStr): what the user gave reaches the
/// container exactly, UTF-8 or not.
pub struct Caller<'a> {
    pub env: &'a dyn Fn(&OsStr) -> Option<OsString>,
    pub uid: u32,
    pub gid: u32,
    pub hostname: &'a OsStr,
}

/// Parses the arguments after the program name.
pub fn parse(args: &[OsString], caller: &Caller) -> Result<Action, UsageError> {
    let Some((command, rest)) = args.split_first() else {
        return Err(UsageError::MissingCommand);
    };
    match command.as_bytes() {
        b"run" => parse_run(rest, caller),
        b"version" | b"--version" => printing(Action::Version, rest),
        b"help" | b"-h" | b"--help" => match rest.first() {
            None => Ok(Action::Help(USAGE)),
            Some(topic) if topic == "run" => printing(Action::Help(RUN_USAGE), &rest[1..]),
            Some(topic) => Err(UsageError::UnknownHelpTopic(topic.clone())),
        },
        b"debug" => match rest {
            [topic] if topic == "seccomp" => Ok(Action::DumpSeccomp(crate::seccomp::DEFAULT.into())),
            [topic, profile] if topic == "seccomp" => Ok(Action::DumpSeccomp(profile.clone())),
            [topic, _, extra, ..] if topic == "seccomp" => Err(UsageError::UnexpectedArgument(extra.clone())),
            _ => Err(UsageError::UnknownCommand(command.clone())),
        },
        _ => Err(UsageError::UnknownCommand(command.clone())),
    }
}

/// The answer of a command that prints text and takes no further argument.
fn printing(action: Action, extra: &[OsString]) -> Result<Action, UsageError> {
    match extra.first() {
        Some(arg) => Err(UsageError::UnexpectedArgument(arg.clone())),
        None => Ok(action),
    }
}

/// The flags of `run` as written, checked in `build` in the order of SPEC's table.
#[derive(Default)]
struct Options {
    ns: Option<OsString>,
    hostname: Option<OsString>,
    env: Vec<OsString>,
    workdir: Option<OsString>,
    user: Option<OsString>,
    uid_maps: Vec<OsString>,
    gid_maps: Vec<OsString>,
    binds: Vec<OsString>,
    tmpfs: Vec<OsString>,
    memory: Option<OsString>,
    pids: Option<OsString>,
    cpus: Option<OsString>,
    pid_file: Option<OsString>,
    seccomp: Option<OsString>,
    read_only: bool,
    overlay: bool,
    chroot: bool,
    init: bool,
    tty: bool,
    debug: bool,
}

fn parse_run(args: &[OsString], caller: &Caller) -> Result<Action, UsageError> {
    let mut parser = Parser::from_args(args);
    parser.set_short_equals(false); // pflag's `-e=` is the value "=": see flags::value
    let mut o = Options::default();
    let mut operands = Vec::new();
    while let Some(arg) = parser.next().map_err(|e| flags::lexer_error(&e))? {
        let name = match arg {
            Arg::Short(c) => format!("-{c}"),
            Arg::Long(l) => format!("--{l}"),
            Arg::Value(first) => {
                // The first non-option ends the options: it is ROOTFS, the rest is COMMAND.
                operands.push(first);
                let rest = parser.raw_args().map_err(|e| flags::lexer_error(&e))?;
                operands.extend(rest);
                break;
            }
        };
        let mut value = || flags::value(&mut parser, &name);
        match name.as_str() {
            "--ns" => o.ns = Some(value()?),
            "--hostname" => o.hostname = Some(value()?),
            "-e" | "--env" => o.env.push(value()?),
            "-w" | "--workdir" => o.workdir = Some(value()?),
            "--user" => o.user = Some(value()?),
            "--uid-map" => o.uid_maps.push(value()?),
            "--gid-map" => o.gid_maps.push(value()?),
            "-v" | "--bind" => o.binds.push(value()?),
            "--tmpfs" => o.tmpfs.push(value()?),
            "--memory" => o.memory = Some(value()?),
            "--pids" => o.pids = Some(value()?),
            "--cpus" => o.cpus = Some(value()?),
            "--pid-file" => o.pid_file = Some(value()?),
            "--seccomp" => o.seccomp = Some(value()?),
            "--read-only" => o.read_only = flags::switch(&mut parser, &name)?,
            "--overlay" => o.overlay = flags::switch(&mut parser, &name)?,
            "--chroot" => o.chroot = flags::switch(&mut parser, &name)?,
            "--init" => o.init = flags::switch(&mut parser, &name)?,
            // Accepted for docker's habit (-it): mvrc always attaches stdin.
            "--interactive" => _ = flags::switch(&mut parser, &name)?,
            "-i" => _ = flags::short_switch(&mut parser, "--interactive")?,
            "--tty" => o.tty = flags::switch(&mut parser, &name)?,
            "-t" => o.tty = flags::short_switch(&mut parser, "--tty")?,
            "--debug" => o.debug = flags::switch(&mut parser, &name)?,
            "-h" | "--help" => return flags::help(&mut parser, &name).map(|()| Action::Help(RUN_USAGE)),
            _ => return Err(flags::unknown(&mut parser, name, args)),
        }
    }
    build(o, operands, caller).map(|spec| Action::Run(Box::new(spec)))
}

/// Validates the options in the order of SPEC's table, then ROOTFS and COMMAND.
fn build(o: Options, mut operands: Vec<OsString>, caller: &Caller) -> Result<Spec, UsageError> {
    let default = || namespaces::default().join(",").into();
    let namespaces = parse_namespaces(&o.ns.clone().unwrap_or_else(default))?;
    let (has_user, has_uts, has_mount) =
        (namespaces.contains("user"), namespaces.contains("uts"), namespaces.contains("mount"));
    if let Some(name) = &o.hostname {
        spec::check_hostname(name)?;
        if !has_uts {
            return Err(UsageError::HostnameNeedsUts);
        }
    }
    let hostname = match o.hostname.clone() {
        _ if !has_uts => caller.hostname.to_owned(),
        Some(name) => name,
        None => DEFAULT_HOSTNAME.into(),
    };
    let env = spec::env(caller.env, &o.env, &hostname)?;
    let workdir = o.workdir.clone().unwrap_or_else(|| "/".into());
    inside_path("--workdir", &workdir)?;
    let user = match &o.user {
        Some(text) => ascii(text, spec::parse_user)?,
        None => User::default(),
    };
    if user != User::default() && !has_user {
        return Err(UsageError::NeedsUserNamespace("--user"));
    }
    let uid_maps = maps("--uid-map", &o.uid_maps, caller.uid, has_user)?;
    let gid_maps = maps("--gid-map", &o.gid_maps, caller.gid, has_user)?;
    if has_user {
        let text = o.user.as_deref().unwrap_or("0:0".as_ref());
        mapped(text, "uid", user.uid, &uid_maps)?;
        mapped(text, "gid", user.gid, &gid_maps)?;
    }
    let binds: Vec<_> = o.binds.iter().map(|b| spec::parse_bind(b)).collect::<Result<_, _>>()?;
    needs_mount("--bind", !binds.is_empty(), has_mount)?;
    needs_mount("--read-only", o.read_only, has_mount)?;
    let tmpfs: Vec<_> = o.tmpfs.iter().map(|t| spec::parse_tmpfs(t)).collect::<Result<_, _>>()?;
    needs_mount("--tmpfs", !o.tmpfs.is_empty(), has_mount)?;
    needs_mount("--overlay", o.overlay, has_mount)?;
    // The pty comes from the container's own devpts, which only a mount namespace has.
    needs_mount("--tty", o.tty, has_mount)?;
    let limits = parse_limits(&o)?;
    let seccomp = o.seccomp.unwrap_or_else(|| crate::seccomp::DEFAULT.into());
    if seccomp.is_empty() {
        return Err(UsageError::invalid("--seccomp", "", "want default, unconfined or a file"));
    }
    if operands.len() < 2 {
        return Err(UsageError::MissingOperands);
    }
    let command = operands.split_off(1);
    Ok(Spec {
        rootfs: operands.remove(0),
        command,
        namespaces,
        hostname,
        env,
        workdir,
        user,
        uid_maps,
        gid_maps,
        binds,
        tmpfs,
        read_only: o.read_only,
        overlay: o.overlay,
        chroot: o.chroot,
        init: o.init,
        tty: o.tty,
        pid_file: o.pid_file.unwrap_or_default(),
        debug: o.debug,
        limits,
        seccomp,
        filters: Vec::new(),
    })
}

/// A path inside the container: absolute, and without a ".." that could climb out of ROOTFS.
fn inside_path(flag: &'static str, dir: &OsStr) -> Result<(), UsageError> {
    if !spec::is_absolute(dir) {
        return Err(UsageError::invalid(flag, dir, "want an absolute path"));
    }
    if spec::has_dot_dot(dir) {
        return Err(UsageError::invalid(flag, dir, spec::NO_DOT_DOT));
    }
    Ok(())
}

/// Without a mount namespace nothing is mounted, so a flag that mounts would be ignored.
fn needs_mount(flag: &'static str, given: bool, has_mount: bool) -> Result<(), UsageError> {
    if given && !has_mount {
        return Err(UsageError::NeedsMountNamespace(flag));
    }
    Ok(())
}

/// The maps of one kind: as given, or the caller's own id as container root.
fn maps(flag: &'static str, texts: &[OsString], own: u32, has_user: bool) -> Result<Vec<IdMap>, UsageError> {
    let parsed: Vec<IdMap> =
        texts.iter().map(|t| ascii(t, |t| IdMap::parse(flag, t))).collect::<Result<_, _>>()?;
    match (has_user, parsed.is_empty()) {
        (false, true) => Ok(parsed),
        (false, false) => Err(UsageError::NeedsUserNamespace(flag)),
        (true, true) => Ok(vec![IdMap { container: 0, host: own, size: 1 }]),
        (true, false) => Ok(parsed),
    }
}

fn mapped(user: &OsStr, kind: &'static str, id: u32, maps: &[IdMap]) -> Result<(), UsageError> {
    if !idmap::contains(maps, id) {
        return Err(UsageError::NotMapped { user: user.into(), kind, id });
    }
    Ok(())
}

fn parse_limits(o: &Options) -> Result<Limits, UsageError> {
    Ok(Limits {
        memory: o.memory.as_deref().map(|t| ascii(t, spec::parse_memory)).transpose()?.unwrap_or(0),
        pids: o.pids.as_deref().map(|t| ascii(t, spec::parse_pids)).transpose()?.unwrap_or(0),
        cpus: o.cpus.as_deref().map(|t| ascii(t, spec::parse_cpus)).transpose()?.unwrap_or(0.0),
    })
}

/// Parses a value that is plain ASCII when valid (ids, maps, sizes): bytes that are not
/// UTF-8 fail its parser through the lossy text, and the error then names them as given.
fn ascii<T>(raw: &OsStr, parse: impl FnOnce(&str) -> Result<T, UsageError>) -> Result<T, UsageError> {
    parse(&raw.to_string_lossy()).map_err(|err| match err {
        UsageError::Invalid { flag, want, .. } => UsageError::Invalid { flag, value: raw.to_owned(), want },
        other => other,
    })
}

/// `--ns`, whose unknown name is quoted as given, bytes and all.
fn parse_namespaces(raw: &OsStr) -> Result<Namespaces, UsageError> {
    Namespaces::parse(&raw.to_string_lossy()).map_err(|err| match err {
        UsageError::UnknownNamespace(lossy) => {
            let items = raw.as_bytes().split(|b| *b == b',');
            let name =
                items.map(OsStr::from_bytes).find(|item| item.to_string_lossy() == lossy.to_string_lossy());
            UsageError::UnknownNamespace(name.map_or(lossy, OsStr::to_owned))
        }
        other => other,
    })
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::vectors;
    use serde_json::Value;
    use std::collections::HashMap;

    #[derive(serde::Deserialize)]
    struct Case {
        name: String,
        #[serde(with = "crate::vectors::os_list")]
        args: Vec<OsString>,
        #[serde(default)]
        env: HashMap<String, String>,
        #[serde(default)]
        uid: u32,
        #[serde(default)]
        gid: u32,
        #[serde(default)]
        host: String,
        want: Option<Value>,
        print: Option<String>,
        error: Option<String>,
    }

    fn usage_file(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/usage").join(name);
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn shared_vectors() {
        for case in vectors::load::<Case>("cli.json") {
            let env = |key: &OsStr| case.env.get(key.to_str()?).map(OsString::from);
            let caller = Caller { env: &env, uid: case.uid, gid: case.gid, hostname: case.host.as_ref() };
            let name = &case.name;
            match (parse(&case.args, &caller), &case.print) {
                (Ok(Action::Run(spec)), None) => {
                    let got = vectors::normalize(serde_json::to_value(&spec).unwrap());
                    assert_eq!(Some(got), case.want.clone().map(vectors::normalize), "{name}");
                }
                (Ok(Action::Help(text)), Some(file)) => {
                    assert_eq!(text, usage_file(file), "{name}")
                }
                (Ok(Action::Version), Some(print)) => assert_eq!(print, "version", "{name}"),
                (Err(e), None) => assert_eq!(Some(format!("mvrc: {e}")), case.error, "{name}"),
                (got, _) => panic!("{name}: got {got:?}"),
            }
        }
    }
}
