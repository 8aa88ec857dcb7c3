//! `--memory/--pids/--cpus` on a delegated cgroup v2, or the clear refusal.

use std::fs;
use std::path::{Path, PathBuf};

use nix::sys::statfs::{CGROUP2_SUPER_MAGIC, statfs};
use nix::unistd::{AccessFlags, Pid, access};

use crate::errs::io_text;
use crate::spec::Limits;

const ROOT: &str = "/sys/fs/cgroup";

/// A limit that cannot be applied, or a cgroup the parent could not make.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{flag} needs a delegated cgroup v2: {reason}")]
    NotDelegated { flag: &'static str, reason: String },
    #[error("cgroup {dir}: {}", io_text(.source))]
    Create { dir: String, source: std::io::Error },
    #[error("cgroup {dir}: writing {file}: {}", io_text(.source))]
    Write { dir: String, file: &'static str, source: std::io::Error },
}

/// Where the container's cgroup goes, checked to be delegated for every limit
/// asked for: the PARENT of the caller's own cgroup. The caller's cgroup holds
/// processes (mvrc, its shell), and the kernel lets only a cgroup without
/// processes hand controllers to children ("no internal processes"); in a
/// delegated subtree (user@UID.service/app.slice) processes sit in leaves, so
/// the container's cgroup is a sibling of the caller's.
pub struct Delegated(PathBuf);

/// The container's cgroup; removed once the container is reaped.
pub struct Cgroup(PathBuf);

/// Checks, before any clone, that the limits can be applied.
pub fn check(limits: &Limits) -> Result<Option<Delegated>, Error> {
    let wanted: Vec<(&'static str, &str)> = [
        (limits.memory > 0, "--memory", "memory"),
        (limits.pids > 0, "--pids", "pids"),
        (limits.cpus > 0.0, "--cpus", "cpu"),
    ]
    .into_iter()
    .filter(|(asked, ..)| *asked)
    .map(|(_, flag, controller)| (flag, controller))
    .collect();
    let Some(&(flag, _)) = wanted.first() else {
        return Ok(None);
    };
    let refuse = |reason: String| Error::NotDelegated { flag, reason };
    if !statfs(ROOT).is_ok_and(|fs| fs.filesystem_type() == CGROUP2_SUPER_MAGIC) {
        return Err(refuse(format!("{ROOT} is not cgroup2")));
    }
    let own = fs::read_to_string("/proc/self/cgroup").map_err(|e| refuse(io_text(&e)))?;
    let dir = parent_dir(&own).map_err(|reason| refuse(reason.into()))?;
    if access(&dir, AccessFlags::W_OK).is_err() {
        return Err(refuse(format!("no write access to {}", dir.display())));
    }
    let enabled = fs::read_to_string(dir.join("cgroup.subtree_control")).map_err(|e| refuse(io_text(&e)))?;
    for (_, controller) in &wanted {
        if !enabled.split_whitespace().any(|c| c == *controller) {
            return Err(refuse(format!("the {controller} controller is not delegated")));
        }
    }
    Ok(Some(Delegated(dir)))
}

impl Delegated {
    /// Makes `mvrc-<pid>` beside the caller's cgroup, writes the limits and moves the child in before it runs.
    pub fn enter(&self, child: Pid, limits: &Limits) -> Result<Cgroup, Error> {
        let dir = self.0.join(format!("mvrc-{child}"));
        let shown = dir.display().to_string();
        let write = |file: &'static str, value: String| {
            fs::write(dir.join(file), value).map_err(|source| Error::Write {
                dir: shown.clone(),
                file,
                source,
            })
        };
        fs::create_dir(&dir).map_err(|source| Error::Create { dir: shown.clone(), source })?;
        let cgroup = Cgroup(dir.clone());
        if limits.memory > 0 {
            write("memory.max", limits.memory.to_string())?;
        }
        if limits.pids > 0 {
            write("pids.max", limits.pids.to_string())?;
        }
        if limits.cpus > 0.0 {
            write("cpu.max", cpu_max(limits.cpus))?;
        }
        write("cgroup.procs", child.to_string())?;
        Ok(cgroup)
    }
}

/// The directory of the parent of the cgroup named by the `0::/PATH` line of
/// /proc/self/cgroup (given as text).
fn parent_dir(proc_self_cgroup: &str) -> Result<PathBuf, &'static str> {
    let own = proc_self_cgroup.lines().find_map(|l| l.strip_prefix("0::"));
    match own.map(Path::new) {
        None => Err("no cgroup v2 entry in /proc/self/cgroup"),
        Some(own) => match own.parent() {
            None => Err("mvrc runs in the root cgroup, which has no parent"),
            // Joined without its leading "/", which would replace ROOT; "/" itself adds nothing.
            Some(parent) => Ok(parent.components().skip(1).fold(PathBuf::from(ROOT), |dir, c| dir.join(c))),
        },
    }
}

/// cpu.max's period in microseconds (100ms): `--cpus N` allows N periods' worth
/// of CPU time per period.
const CPU_PERIOD: u32 = 100_000;

/// cpu.max's text for --cpus: QUOTA PERIOD, in microseconds.
fn cpu_max(cpus: f64) -> String {
    format!("{} {CPU_PERIOD}", (cpus * f64::from(CPU_PERIOD)) as u64)
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        // rmdir succeeds once the container's processes are gone; nothing else is left.
        let _ = fs::remove_dir(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_dirs() {
        let cases = [
            (
                "0::/user.slice/user-1000.slice/user@1000.service/app.slice/run.scope\n",
                Ok("/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice"),
            ),
            ("12:pids:/x\n1:name=systemd:/x\n0::/a/b\n", Ok("/sys/fs/cgroup/a")),
            ("0::/a\n", Ok("/sys/fs/cgroup")),
            ("0::/\n", Err("mvrc runs in the root cgroup, which has no parent")),
            ("1:name=systemd:/x\n", Err("no cgroup v2 entry in /proc/self/cgroup")),
        ];
        for (text, want) in cases {
            let got = parent_dir(text).map(|dir| dir.display().to_string());
            assert_eq!(got, want.map(String::from), "{text:?}");
        }
    }

    #[test]
    fn cpu_max_text() {
        let cases =
            [(1.0, "100000 100000"), (0.5, "50000 100000"), (2.25, "225000 100000"), (0.01, "1000 100000")];
        for (cpus, want) in cases {
            assert_eq!(cpu_max(cpus), want, "{cpus}");
        }
    }
}
