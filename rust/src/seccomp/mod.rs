// The system-call filter: --seccomp's profile (the embedded default, or a file in the same
// format) becomes BPF in the parent, before anything starts, and the child installs it as its
// last step before exec.

mod compile;
mod policy;
mod syscalls;

use std::fs;
use std::io::Write;

use seccompiler::BpfProgram;

use crate::errs::Error;
pub use policy::PolicyError;

/// The profiles --seccomp knows by name; anything else is a path.
pub const DEFAULT: &str = "default";
pub const UNCONFINED: &str = "unconfined";

/// The policy and the system call table, built in: `default` needs no file at run time.
const DEFAULT_POLICY: &str = include_str!("../../../seccomp/default.policy");
const SYSCALLS: &str = include_str!("../../../seccomp/syscalls.txt");

/// The compiled profile: the filters to install, in order; none for unconfined.
pub type Filters = Vec<BpfProgram>;

/// Compiles the profile --seccomp names. Every failure names the profile, and the line
/// for a bad entry.
pub fn load(profile: &str) -> Result<Filters, Error> {
    if profile == UNCONFINED {
        return Ok(Vec::new());
    }
    let text = match profile {
        DEFAULT => DEFAULT_POLICY.to_string(),
        // Bytes, as Go reads them: a stray non-UTF-8 byte is an unknown name, not an I/O error.
        path => match fs::read(path) {
            Ok(data) => String::from_utf8_lossy(&data).into_owned(),
            Err(source) => return Err(Error::SeccompRead { profile: path.into(), source }),
        },
    };
    let arch = syscalls::native().ok_or(Error::SeccompArch { arch: std::env::consts::ARCH })?;
    let table = syscalls::Table::load(SYSCALLS, arch);
    let policy = policy::parse(&text, |name| table.known(name))
        .map_err(|source| Error::SeccompPolicy { profile: profile.into(), source })?;
    compile::compile(&policy, &table, arch)
        .map_err(|source| Error::SeccompCompile { profile: profile.into(), source })
}

// slide: seccomp
/// Installs the filters on this thread, the only one: the child is a fork of a
/// single-threaded parent. seccompiler sets no_new_privs first: the kernel accepts a filter
/// from a process without CAP_SYS_ADMIN only under it, so that a setuid program can never
/// run under a filter its caller wrote.
pub fn install(filters: &Filters) -> Result<(), Error> {
    for program in filters {
        seccompiler::apply_filter(program).map_err(|source| Error::SeccompInstall { source })?;
    }
    Ok(())
}
// end slide

/// Writes the programs for `mvrc debug seccomp`, one instruction a line as
/// "CODE JT JF K" in hex after a "filter N" line, in the order they are installed.
pub fn dump(out: &mut impl Write, filters: &Filters) -> std::io::Result<()> {
    for (i, program) in filters.iter().enumerate() {
        writeln!(out, "filter {}", i + 1)?;
        for f in program {
            writeln!(out, "{:#06x} {} {} {:#010x}", f.code, f.jt, f.jf, f.k)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vectors;

    #[derive(serde::Deserialize)]
    struct Case {
        name: String,
        text: String,
        want: Option<Vec<String>>,
        error: Option<String>,
    }

    #[test]
    fn parse_vectors() {
        let table = syscalls::Table::load(SYSCALLS, syscalls::native().unwrap());
        for case in vectors::load::<Case>("seccomp.json") {
            let name = &case.name;
            match policy::parse(&case.text, |n| table.known(n)) {
                Ok(p) => {
                    let mut got = vec![format!("default {}", p.default)];
                    got.extend(p.rules.iter().map(|r| r.to_string()));
                    assert_eq!(Some(got), case.want, "{name}");
                }
                Err(err) => assert_eq!(Some(err.to_string()), case.error, "{name}"),
            }
        }
    }

    /// The built-in profile must load on this machine.
    #[test]
    fn default_loads() {
        let filters = load(DEFAULT).unwrap();
        assert_eq!(filters.len(), 2, "the allowlist and clone3's ENOSYS");
        assert!(filters.iter().all(|f| !f.is_empty() && f.len() < 4096));
        assert!(load(UNCONFINED).unwrap().is_empty());
    }
}
