// The command line: argv → a Spec or a usage error; the help and version texts.

use crate::errs::UsageError;
use crate::idmap::IdMap;
use crate::namespaces::{self, Namespaces};
use crate::spec::{self, DEFAULT_HOSTNAME, Limits, Spec, User};
use lexopt::{Arg, Parser};

pub const VERSION: &str = "0.1.0";

// The usage texts are the shared files themselves, so the twins print them byte for byte.
pub const USAGE: &str = include_str!("../../testdata/usage/mvrc.txt");
pub const RUN_USAGE: &str = include_str!("../../testdata/usage/run.txt");

/// What the command line asks for.
#[derive(Debug, PartialEq)]
pub enum Action {
    Run(Box<Spec>),
    Help(&'static str),
    Version,
}

/// What the caller brings: its environment, ids and hostname. Parsing is a pure function of it.
pub struct Caller<'a> {
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub uid: u32,
    pub gid: u32,
    pub hostname: &'a str,
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String], caller: &Caller) -> Result<Action, UsageError> {
    let Some((command, rest)) = args.split_first() else {
        return Err(UsageError::MissingCommand);
    };
    match command.as_str() {
        "run" => parse_run(rest, caller),
        "version" | "--version" => Ok(Action::Version),
        "help" | "-h" | "--help" => match rest.first().map(String::as_str) {
            None => Ok(Action::Help(USAGE)),
            Some("run") => Ok(Action::Help(RUN_USAGE)),
            Some(topic) => Err(UsageError::UnknownHelpTopic(topic.into())),
        },
        other => Err(UsageError::UnknownCommand(other.into())),
    }
}

/// The flags of `run` as written, before their values are checked.
#[derive(Default)]
struct Flags {
    ns: Option<String>,
    hostname: Option<String>,
    env: Vec<String>,
    workdir: Option<String>,
    user: Option<String>,
    uid_maps: Vec<String>,
    gid_maps: Vec<String>,
    binds: Vec<String>,
    tmpfs: Vec<String>,
    memory: Option<String>,
    pids: Option<String>,
    cpus: Option<String>,
    pid_file: Option<String>,
    read_only: bool,
    overlay: bool,
    chroot: bool,
    init: bool,
    debug: bool,
}

fn parse_run(args: &[String], caller: &Caller) -> Result<Action, UsageError> {
    let mut parser = Parser::from_args(args);
    let mut flags = Flags::default();
    let mut operands = Vec::new();
    while let Some(arg) = parser.next().map_err(|e| lexer_error(&e))? {
        let name = match arg {
            Arg::Short(c) => format!("-{c}"),
            Arg::Long(l) => format!("--{l}"),
            Arg::Value(first) => {
                // The first non-option ends the options: it is ROOTFS, the rest is COMMAND.
                operands.push(first.to_string_lossy().into_owned());
                operands.extend(
                    parser.raw_args().map_err(|e| lexer_error(&e))?.map(|a| a.to_string_lossy().into()),
                );
                break;
            }
        };
        let mut value = || value_of(&mut parser, &name);
        match name.as_str() {
            "--ns" => flags.ns = Some(value()?),
            "--hostname" => flags.hostname = Some(value()?),
            "-e" | "--env" => flags.env.push(value()?),
            "-w" | "--workdir" => flags.workdir = Some(value()?),
            "--user" => flags.user = Some(value()?),
            "--uid-map" => flags.uid_maps.push(value()?),
            "--gid-map" => flags.gid_maps.push(value()?),
            "-v" | "--bind" => flags.binds.push(value()?),
            "--tmpfs" => flags.tmpfs.push(value()?),
            "--memory" => flags.memory = Some(value()?),
            "--pids" => flags.pids = Some(value()?),
            "--cpus" => flags.cpus = Some(value()?),
            "--pid-file" => flags.pid_file = Some(value()?),
            "-h" | "--help" => return Ok(Action::Help(RUN_USAGE)),
            "--read-only" => flags.read_only = switch(&mut parser, &name)?,
            "--overlay" => flags.overlay = switch(&mut parser, &name)?,
            "--chroot" => flags.chroot = switch(&mut parser, &name)?,
            "--init" => flags.init = switch(&mut parser, &name)?,
            "--debug" => flags.debug = switch(&mut parser, &name)?,
            _ => return Err(UsageError::UnknownFlag(name)),
        }
    }
    validate(flags, operands, caller).map(|spec| Action::Run(Box::new(spec)))
}

fn value_of(parser: &mut Parser, name: &str) -> Result<String, UsageError> {
    match parser.value() {
        Ok(v) => Ok(v.to_string_lossy().into_owned()),
        Err(_) => Err(UsageError::NeedsValue(name.to_string())),
    }
}

/// A boolean flag: present means on, and `--flag=value` is refused.
fn switch(parser: &mut Parser, name: &str) -> Result<bool, UsageError> {
    match parser.optional_value() {
        Some(_) => Err(UsageError::TakesNoValue(name.to_string())),
        None => Ok(true),
    }
}

fn lexer_error(err: &lexopt::Error) -> UsageError {
    match err {
        lexopt::Error::UnexpectedOption(o) => UsageError::UnknownFlag(o.clone()),
        lexopt::Error::MissingValue { option: Some(o) } => UsageError::NeedsValue(o.clone()),
        lexopt::Error::UnexpectedValue { option, .. } => UsageError::TakesNoValue(option.clone()),
        other => UsageError::UnknownFlag(other.to_string()),
    }
}

/// Checks the values in the order of SPEC's flag table, then ROOTFS and COMMAND.
fn validate(flags: Flags, mut operands: Vec<String>, caller: &Caller) -> Result<Spec, UsageError> {
    let namespaces = Namespaces::parse(flags.ns.as_deref().unwrap_or(namespaces::DEFAULT))?;
    let uts = namespaces.contains("uts");
    let userns = namespaces.contains("user");
    if flags.hostname.is_some() && !uts {
        return Err(UsageError::HostnameNeedsUts);
    }
    let hostname = match flags.hostname.clone() {
        _ if !uts => caller.hostname.to_string(),
        Some(name) => name,
        None => DEFAULT_HOSTNAME.to_string(),
    };
    let env = spec::build_env(caller.env, &hostname, &flags.env)?;
    let workdir = flags.workdir.clone().unwrap_or_else(|| "/".into());
    absolute("--workdir", &workdir)?;
    let user = match &flags.user {
        Some(text) => spec::parse_user(text)?,
        None => User::default(),
    };
    if user != User::default() && !userns {
        return Err(UsageError::NeedsUserNamespace("--user"));
    }
    let uid_maps = id_maps("--uid-map", &flags.uid_maps, userns, caller.uid)?;
    let gid_maps = id_maps("--gid-map", &flags.gid_maps, userns, caller.gid)?;
    if userns {
        let text = flags.user.as_deref().unwrap_or("0:0");
        mapped(text, "uid", user.uid, &uid_maps)?;
        mapped(text, "gid", user.gid, &gid_maps)?;
    }
    let binds = flags.binds.iter().map(|b| spec::parse_bind(b)).collect::<Result<_, _>>()?;
    for dir in &flags.tmpfs {
        absolute("--tmpfs", dir)?;
    }
    let limits = limits(&flags)?;
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
        tmpfs: flags.tmpfs,
        read_only: flags.read_only,
        overlay: flags.overlay,
        chroot: flags.chroot,
        init: flags.init,
        pid_file: flags.pid_file.unwrap_or_default(),
        debug: flags.debug,
        limits,
    })
}

fn absolute(flag: &'static str, dir: &str) -> Result<(), UsageError> {
    match dir.starts_with('/') {
        true => Ok(()),
        false => Err(UsageError::invalid(flag, dir, "want an absolute path")),
    }
}

/// The maps of one kind: as given, or the caller's own id as container root.
fn id_maps(flag: &'static str, texts: &[String], userns: bool, own: u32) -> Result<Vec<IdMap>, UsageError> {
    let maps: Vec<IdMap> = texts.iter().map(|t| IdMap::parse(flag, t)).collect::<Result<_, _>>()?;
    match (userns, maps.is_empty()) {
        (false, true) => Ok(maps),
        (false, false) => Err(UsageError::NeedsUserNamespace(flag)),
        (true, true) => Ok(vec![IdMap { container: 0, host: own, size: 1 }]),
        (true, false) => Ok(maps),
    }
}

fn mapped(user: &str, kind: &'static str, id: u32, maps: &[IdMap]) -> Result<(), UsageError> {
    match maps.iter().any(|m| m.contains(id)) {
        true => Ok(()),
        false => Err(UsageError::NotMapped { user: user.into(), kind, id }),
    }
}

fn limits(flags: &Flags) -> Result<Limits, UsageError> {
    Ok(Limits {
        memory: flags.memory.as_deref().map(spec::parse_size).transpose()?.unwrap_or(0),
        pids: flags.pids.as_deref().map(spec::parse_pids).transpose()?.unwrap_or(0),
        cpus: flags.cpus.as_deref().map(spec::parse_cpus).transpose()?.unwrap_or(0.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;
    use serde_json::Value;
    use std::collections::HashMap;

    #[derive(serde::Deserialize)]
    struct Case {
        name: String,
        args: Vec<String>,
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
        for case in testdata::load::<Case>("cli.json") {
            let env = |key: &str| case.env.get(key).cloned();
            let caller = Caller { env: &env, uid: case.uid, gid: case.gid, hostname: &case.host };
            let name = &case.name;
            match (parse(&case.args, &caller), &case.print) {
                (Ok(Action::Run(spec)), None) => {
                    let got = testdata::normalize(serde_json::to_value(&spec).unwrap());
                    assert_eq!(Some(got), case.want.clone().map(testdata::normalize), "{name}");
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
