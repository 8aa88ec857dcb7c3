//! The system-call filter: --seccomp's profile (the embedded default, or a file in the same
//! format) becomes BPF in the parent, before anything starts, and the child installs it as its
//! last step before exec.

mod compile;
mod policy;
mod syscalls;

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::Write;

use seccompiler::{BpfProgram, sock_filter};
use thiserror::Error;

use crate::errs::{io_text, quote};
pub use policy::PolicyError;

/// Why a profile could not be loaded or installed.
#[derive(Debug, Error)]
pub enum Error {
    #[error("seccomp profile {}: {}", quote(.profile), io_text(.source))]
    Read { profile: OsString, source: std::io::Error },
    #[error("seccomp profile {}: {source}", quote(.profile))]
    Policy { profile: OsString, source: PolicyError },
    #[error("seccomp profile {}: {source}", quote(.profile))]
    Compile { profile: OsString, source: seccompiler::BackendError },
    #[error("seccomp: no system call table for {arch}")]
    Arch { arch: &'static str },
    #[error("{}", install_text(.source))]
    Install { source: seccompiler::Error },
}

/// A failed installation in the Go twin's words.
fn install_text(err: &seccompiler::Error) -> String {
    match err {
        seccompiler::Error::Prctl(source) => format!("prctl no_new_privs: {}", io_text(source)),
        seccompiler::Error::Seccomp(source) => format!("seccomp: {}", io_text(source)),
        other => format!("seccomp: {other}"),
    }
}

/// The profiles --seccomp knows by name; anything else is a path.
pub const DEFAULT: &str = "default";
pub const UNCONFINED: &str = "unconfined";

/// The system call table and, for the tests, the policy: `default` is built in compiled.
const SYSCALLS: &str = include_str!("../../../seccomp/syscalls.txt");
#[cfg(test)]
const DEFAULT_POLICY: &str = include_str!("../../../seccomp/default.policy");

/// The default policy compiled for this architecture when mvrc was built (by the Go
/// twin's generator, seccomp/default-ARCH.bpf): no file to read, nothing to compile.
#[cfg(target_arch = "x86_64")]
const DEFAULT_PROGRAM: &[u8] = include_bytes!("../../../seccomp/default-x86_64.bpf");
#[cfg(target_arch = "aarch64")]
const DEFAULT_PROGRAM: &[u8] = include_bytes!("../../../seccomp/default-aarch64.bpf");

/// The compiled profile: the filters to install, in order; none for unconfined.
pub type Filters = Vec<BpfProgram>;

/// The filters for the profile --seccomp names. The default was compiled when mvrc was
/// built; a file is compiled here, with seccomp. Every failure names the profile, and the
/// line for a bad entry.
pub fn load(profile: &OsStr) -> Result<Filters, Error> {
    if profile == UNCONFINED {
        return Ok(Vec::new());
    }
    if profile == DEFAULT {
        return Ok(vec![decode(DEFAULT_PROGRAM)]);
    }
    match fs::read(profile) {
        // Bytes, as Go reads them: a stray non-UTF-8 byte is an unknown name, not an I/O error.
        Ok(data) => compile_text(profile, &data),
        Err(source) => Err(Error::Read { profile: profile.into(), source }),
    }
}

fn compile_text(profile: &OsStr, text: &[u8]) -> Result<Filters, Error> {
    let arch = syscalls::native().ok_or(Error::Arch { arch: std::env::consts::ARCH })?;
    let table = syscalls::Table::load(SYSCALLS, arch);
    let policy = policy::parse(text, |name| table.known(name))
        .map_err(|source| Error::Policy { profile: profile.into(), source })?;
    compile::compile(&policy, &table, arch)
        .map_err(|source| Error::Compile { profile: profile.into(), source })
}

/// A program as the generator writes it: 8 bytes an instruction, struct sock_filter on a
/// little-endian machine.
fn decode(data: &[u8]) -> BpfProgram {
    let instruction = |b: &[u8]| sock_filter {
        code: u16::from_le_bytes([b[0], b[1]]),
        jt: b[2],
        jf: b[3],
        k: u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
    };
    data.chunks_exact(8).map(instruction).collect()
}

// slide: seccomp
/// Installs the filters on this thread, the only one: the child is a fork of a
/// single-threaded parent. seccompiler sets no_new_privs first: the kernel accepts a filter
/// from a process without CAP_SYS_ADMIN only under it, so that a setuid program can never
/// run under a filter its caller wrote.
pub fn install(filters: &Filters) -> Result<(), Error> {
    for program in filters {
        seccompiler::apply_filter(program).map_err(|source| Error::Install { source })?;
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
            match policy::parse(case.text.as_bytes(), |n| table.known(n)) {
                Ok(p) => {
                    let mut got = vec![format!("default {}", p.default)];
                    got.extend(p.rules.iter().map(|r| r.to_string()));
                    assert_eq!(Some(got), case.want, "{name}");
                }
                Err(err) => assert_eq!(Some(err.to_string()), case.error, "{name}"),
            }
        }
    }

    /// The programs generated for both architectures (by the Go twin's compiler) and what
    /// seccompiler makes of the same policy decide every call alike: run here through a
    /// small BPF interpreter, with the kernel's rule for several filters.
    #[test]
    fn generated_programs_agree_with_seccompiler() {
        let generated = [
            ("x86_64", include_bytes!("../../../seccomp/default-x86_64.bpf").as_slice(), 0xc000_003e),
            ("aarch64", include_bytes!("../../../seccomp/default-aarch64.bpf").as_slice(), 0xc000_00b7),
        ];
        for ((name, arch), (file_arch, program, audit)) in syscalls::ARCHES.into_iter().zip(generated) {
            assert_eq!(name, file_arch);
            let table = syscalls::Table::load(SYSCALLS, arch);
            let policy = policy::parse(DEFAULT_POLICY.as_bytes(), |n| table.known(n)).unwrap();
            let compiled = compile::compile(&policy, &table, arch).unwrap();
            let embedded = vec![decode(program)];
            let mut allowed = 0;
            for nr in 0..520u32 {
                for arg in [0, 8, 40, 0x1_0000_0000, 0x7e02_0000, 0x1000_0000, 0xffff_ffff, u64::MAX] {
                    let data = seccomp_data(nr, audit, arg);
                    let (want, got) = (verdict(&embedded, &data), verdict(&compiled, &data));
                    assert_eq!(want, got, "{name}: nr {nr} arg0 {arg:#x}");
                    allowed += usize::from(want == 0x7fff_0000 && arg == 0);
                }
            }
            assert!(allowed > 250, "{name}: only {allowed} calls allowed");
            let foreign = seccomp_data(0, 0x4000_0003, 0); // i386
            assert_eq!(verdict(&embedded, &foreign), 0x8000_0000, "{name}: another ABI is killed");
        }
    }

    /// struct seccomp_data on a little-endian machine, with arg0 set.
    fn seccomp_data(nr: u32, arch: u32, arg0: u64) -> Vec<u8> {
        let mut data = Vec::with_capacity(64);
        data.extend(nr.to_le_bytes());
        data.extend(arch.to_le_bytes());
        data.extend(0u64.to_le_bytes());
        data.extend(arg0.to_le_bytes());
        data.extend([0u8; 40]);
        data
    }

    /// The kernel's verdict over several filters: the newest runs first, the strongest
    /// action wins (compared as signed), between equal actions the newest filter's.
    fn verdict(filters: &Filters, data: &[u8]) -> u32 {
        let action = |r: u32| (r & 0xffff_0000) as i32;
        filters
            .iter()
            .rev()
            .map(|f| run(f, data))
            .fold(0x7fff_0000, |v, r| if action(r) < action(v) { r } else { v })
    }

    /// Classic BPF as seccomp filters use it: word loads, AND, jumps, returns.
    fn run(program: &[sock_filter], data: &[u8]) -> u32 {
        let (mut a, mut pc) = (0u32, 0usize);
        loop {
            let i = &program[pc];
            pc += 1;
            let jump = |holds: bool| usize::from(if holds { i.jt } else { i.jf });
            match i.code {
                0x20 => a = u32::from_le_bytes(data[i.k as usize..][..4].try_into().unwrap()),
                0x54 => a &= i.k,
                0x05 => pc += i.k as usize,
                0x15 => pc += jump(a == i.k),
                0x25 => pc += jump(a > i.k),
                0x35 => pc += jump(a >= i.k),
                0x45 => pc += jump(a & i.k != 0),
                0x06 => return i.k,
                code => panic!("opcode {code:#x} at {}", pc - 1),
            }
        }
    }

    /// The built-in profile must load on this machine.
    #[test]
    fn default_loads() {
        let filters = load(DEFAULT.as_ref()).unwrap();
        assert_eq!(filters.len(), 1, "the generated program");
        assert!(filters[0].len() > 100 && filters[0].len() < 4096);
        assert!(load(UNCONFINED.as_ref()).unwrap().is_empty());
        let compiled = compile_text("default.policy".as_ref(), DEFAULT_POLICY.as_bytes()).unwrap();
        assert_eq!(compiled.len(), 2, "the allowlist and clone3's ENOSYS");
    }
}
