//! The table of system call names and numbers (seccomp/syscalls.txt), for one architecture.

use std::collections::HashMap;

/// What the filter needs to know of an architecture: the kernel's name for it in
/// seccomp_data.arch (via seccompiler), and its column in syscalls.txt.
#[derive(Debug, Clone, Copy)]
pub struct Arch {
    pub target: seccompiler::TargetArch,
    column: usize,
}

/// The architectures a filter is built for, by name (std::env::consts::ARCH).
pub const ARCHES: [(&str, Arch); 2] = [
    ("x86_64", Arch { target: seccompiler::TargetArch::x86_64, column: 1 }),
    ("aarch64", Arch { target: seccompiler::TargetArch::aarch64, column: 2 }),
];

/// The architecture mvrc runs on; None on any other.
pub fn native() -> Option<Arch> {
    ARCHES.iter().find(|(name, _)| *name == std::env::consts::ARCH).map(|(_, arch)| *arch)
}

/// Names → numbers on one architecture; a name listed with "-" for it is known but absent.
pub struct Table {
    numbers: HashMap<&'static str, Option<i64>>,
}

impl Table {
    /// Reads `text`'s column for `arch`.
    pub fn load(text: &'static str, arch: Arch) -> Table {
        let mut numbers = HashMap::with_capacity(400);
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if let [name, ..] = fields[..]
                && fields.len() == 3
            {
                numbers.insert(name, fields[arch.column].parse().ok());
            }
        }
        Table { numbers }
    }

    /// Whether `name` is a system call on some architecture.
    pub fn known(&self, name: &str) -> bool {
        self.numbers.contains_key(name)
    }

    /// `name`'s number on the table's architecture; None where it has none.
    pub fn number(&self, name: &str) -> Option<i64> {
        self.numbers.get(name).copied().flatten()
    }
}
