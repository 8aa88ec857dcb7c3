//! The run command's flags: lexopt reads argv into Options, in pflag's semantics, which
//! validate.rs checks.

use std::ffi::OsString;

use lexopt::{Arg, Parser};

use super::validate::build;
use super::{Action, Caller, RUN_USAGE, flags};
use crate::errs::UsageError;

/// The flags of `run` as written, checked in `build` in the order of SPEC's table.
#[derive(Default)]
pub(super) struct Options {
    pub ns: Option<OsString>,
    pub hostname: Option<OsString>,
    pub env: Vec<OsString>,
    pub workdir: Option<OsString>,
    pub user: Option<OsString>,
    pub uid_maps: Vec<OsString>,
    pub gid_maps: Vec<OsString>,
    pub binds: Vec<OsString>,
    pub tmpfs: Vec<OsString>,
    pub memory: Option<OsString>,
    pub pids: Option<OsString>,
    pub cpus: Option<OsString>,
    pub pid_file: Option<OsString>,
    pub seccomp: Option<OsString>,
    pub read_only: bool,
    pub overlay: bool,
    pub chroot: bool,
    pub init: bool,
    pub tty: bool,
    pub debug: bool,
}

pub(super) fn parse_run(args: &[OsString], caller: &Caller) -> Result<Action, UsageError> {
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
