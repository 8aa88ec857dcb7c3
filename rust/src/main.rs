// Entry point: the command line → help, version, or a container run by the parent stage.

mod caps;
mod cgroups;
mod channel;
mod child;
mod cli;
mod debug;
mod devices;
mod errs;
mod idmap;
mod lookup;
mod mounts;
mod namespaces;
mod network;
mod parent;
mod reaper;
mod rootfs;
mod signals;
mod spec;
mod terminal;
#[cfg(test)]
mod vectors;

use std::io::{self, Write};
use std::time::Instant;

use cli::{Action, Caller};
use errs::Error;

fn main() {
    let started = Instant::now();
    let code = match run(started) {
        Ok(code) => code,
        Err(err) => {
            // A closed stderr must not turn a clean failure into a panic: writes are best effort.
            let mut stderr = io::stderr();
            let _ = writeln!(stderr, "mvrc: {err}");
            if matches!(err, Error::Usage(_)) {
                let _ = writeln!(stderr, "Run 'mvrc help run' for usage.");
            }
            err.code()
        }
    };
    std::process::exit(code);
}

fn run(started: Instant) -> Result<i32, Error> {
    let args: Vec<String> = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
    let hostname = nix::unistd::gethostname().map(|h| h.to_string_lossy().into_owned()).unwrap_or_default();
    let caller = Caller {
        env: &|key| std::env::var_os(key).map(|v| v.to_string_lossy().into_owned()),
        uid: nix::unistd::geteuid().as_raw(),
        gid: nix::unistd::getegid().as_raw(),
        hostname: &hostname,
    };
    match cli::parse(&args, &caller)? {
        Action::Help(text) => {
            let _ = io::stdout().write_all(text.as_bytes());
        }
        Action::Version => {
            let _ = writeln!(io::stdout(), "mvrc {} (rust)", cli::VERSION);
        }
        Action::Run(spec) => {
            let debug = debug::Debug::new(spec.debug);
            return parent::run(*spec, debug, started);
        }
    }
    Ok(0)
}
