//! The command line: argv → a Spec or a usage error; help and version are answered here.

mod flags;
mod run;
mod usage;
mod validate;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use crate::errs::UsageError;
use crate::spec::Spec;

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
        b"run" => run::parse_run(rest, caller),
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
