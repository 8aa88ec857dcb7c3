//! Entry point: the command line → help, version, or a container run by the parent stage.

mod caps;
mod cgroups;
mod channel;
mod child;
mod cli;
mod command;
mod confine;
mod debug;
mod devices;
mod errs;
mod fds;
mod idmap;
mod masks;
mod mounts;
mod namespaces;
mod network;
mod parent;
mod reaper;
mod rootfs;
mod sealed;
mod seccomp;
mod signals;
mod spec;
mod terminal;
#[cfg(test)]
mod vectors;

use std::io::{self, Write};
use std::time::Instant;

use cli::{Action, Caller};
use errs::UsageError;

/// Why mvrc failed: its command line, or the run.
#[derive(Debug, thiserror::Error)]
enum Error {
    #[error(transparent)]
    Usage(#[from] UsageError),
    #[error(transparent)]
    Run(#[from] parent::Error),
    #[error(transparent)]
    Seccomp(#[from] seccomp::Error),
}

fn main() {
    let started = Instant::now();
    let code = match run(started) {
        Ok(code) => code,
        Err(err) => report(&err),
    };
    std::process::exit(code);
}

fn run(started: Instant) -> Result<i32, Error> {
    // Bytes, never text: a path or a value need not be UTF-8, and a lossy one names another file.
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let hostname = nix::unistd::gethostname().unwrap_or_default();
    let caller = Caller {
        env: &|key| std::env::var_os(key),
        uid: nix::unistd::geteuid().as_raw(),
        gid: nix::unistd::getegid().as_raw(),
        hostname: &hostname,
    };
    match cli::parse(&args, &caller)? {
        Action::Help(text) => {
            let _ = io::stdout().write_all(text.as_bytes());
        }
        Action::DumpSeccomp(profile) => {
            let filters = seccomp::load(&profile)?;
            let _ = seccomp::dump(&mut io::stdout().lock(), &filters);
        }
        Action::Version => {
            let _ = writeln!(io::stdout(), "mvrc {} (rust)", cli::VERSION);
        }
        Action::Run(spec) => {
            return Ok(parent::run(*spec, started)?);
        }
    }
    Ok(0)
}

/// Prints `err`'s line on stderr (and the hint after a usage error); returns its
/// exit code. A closed stderr must not turn a clean failure into a panic: the write
/// is best effort.
fn report(err: &Error) -> i32 {
    let mut stderr = io::stderr();
    let _ = writeln!(stderr, "mvrc: {err}");
    match err {
        Error::Usage(_) => {
            let _ = writeln!(stderr, "{}", errs::USAGE_HINT);
            errs::FAILED
        }
        Error::Seccomp(_) => errs::FAILED,
        Error::Run(err) => err.code(),
    }
}
