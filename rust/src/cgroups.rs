// `--memory/--pids/--cpus` on a delegated cgroup v2, or the clear refusal.

use std::fs;
use std::path::{Path, PathBuf};

use nix::sys::statfs::{CGROUP2_SUPER_MAGIC, statfs};
use nix::unistd::{AccessFlags, Pid, access};

use crate::errs::{Error, io_text};
use crate::spec::Limits;

const ROOT: &str = "/sys/fs/cgroup";

/// The caller's own cgroup, checked to be delegated for every limit asked for.
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
    let refuse = |reason: String| Error::NoCgroup { flag, reason };
    if !statfs(ROOT).is_ok_and(|fs| fs.filesystem_type() == CGROUP2_SUPER_MAGIC) {
        return Err(refuse(format!("{ROOT} is not cgroup2")));
    }
    let own = fs::read_to_string("/proc/self/cgroup").map_err(|e| refuse(io_text(&e)))?;
    let Some(relative) = own.lines().find_map(|l| l.strip_prefix("0::")) else {
        return Err(refuse("no cgroup v2 entry in /proc/self/cgroup".into()));
    };
    let dir = Path::new(ROOT).join(relative.trim_start_matches('/'));
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
    /// Makes `mvrc-<pid>`, writes the limits and moves the child in before it runs.
    pub fn enter(&self, child: Pid, limits: &Limits) -> Result<Cgroup, Error> {
        let dir = self.0.join(format!("mvrc-{child}"));
        let shown = dir.display().to_string();
        let write = |file: &'static str, value: String| {
            fs::write(dir.join(file), value).map_err(|source| Error::CgroupWrite {
                dir: shown.clone(),
                file,
                source,
            })
        };
        fs::create_dir(&dir).map_err(|source| Error::Cgroup { dir: shown.clone(), source })?;
        let cgroup = Cgroup(dir.clone());
        if limits.memory > 0 {
            write("memory.max", limits.memory.to_string())?;
        }
        if limits.pids > 0 {
            write("pids.max", limits.pids.to_string())?;
        }
        if limits.cpus > 0.0 {
            write("cpu.max", format!("{} 100000", (limits.cpus * 100000.0) as u64))?;
        }
        write("cgroup.procs", child.to_string())?;
        Ok(cgroup)
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        // rmdir succeeds once the container's processes are gone; nothing else is left.
        let _ = fs::remove_dir(&self.0);
    }
}
