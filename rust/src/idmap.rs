//! Id maps: parse `C:H:N`, plan a direct write or newuidmap/newgidmap, and write the maps.

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use nix::unistd::Pid;

use crate::errs::{UsageError, io_text};
use crate::spec::parse_u32;

/// One line of /proc/PID/uid_map: container ids [container, container+size) are host ids [host, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct IdMap {
    pub container: u32,
    pub host: u32,
    pub size: u32,
}

impl IdMap {
    /// Parses `CONTAINER:HOST:SIZE`; `flag` (`--uid-map` or `--gid-map`) names it in errors.
    pub fn parse(flag: &'static str, text: &str) -> Result<IdMap, UsageError> {
        let invalid = || UsageError::invalid(flag, text, "want CONTAINER:HOST:SIZE");
        let fields: Vec<u32> = text.split(':').map(parse_u32).collect::<Option<_>>().ok_or_else(invalid)?;
        let [container, host, size] = fields[..] else {
            return Err(invalid());
        };
        // The kernel rejects a range that wraps past the last id.
        let fits = |start: u32| start.checked_add(size).is_some();
        if size == 0 || !fits(container) || !fits(host) {
            return Err(invalid());
        }
        Ok(IdMap { container, host, size })
    }
}

/// Whether container id `id` falls in one of `maps`.
pub fn contains(maps: &[IdMap], id: u32) -> bool {
    maps.iter().any(|m| id >= m.container && u64::from(id) < u64::from(m.container) + u64::from(m.size))
}

/// A map the parent could not write.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// /proc/PID/uid_map, gid_map or setgroups refused the text.
    #[error("writing {what}: {}", io_text(.source))]
    Write { what: String, source: std::io::Error },
    /// newuidmap/newgidmap could not start, refused, or was killed.
    #[error("{helper}: {detail}")]
    Helper { helper: String, detail: String },
}

/// How a set of maps gets into /proc/PID/{uid,gid}_map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// The caller is root: write every line directly.
    Root,
    /// Only the caller's own id: the kernel lets its owner write it.
    Direct,
    /// Anything more: the setuid newuidmap/newgidmap check /etc/sub[ug]id.
    Helper,
}

/// Picks the plan for `maps` written by a caller whose own id is `caller` (0: root).
fn plan(caller: u32, maps: &[IdMap]) -> Plan {
    match maps {
        _ if caller == 0 => Plan::Root,
        [only] if only.host == caller && only.size == 1 => Plan::Direct,
        _ => Plan::Helper,
    }
}

/// The arguments of newuidmap/newgidmap: PID, then every map as three numbers.
fn helper_args(pid: &str, maps: &[IdMap]) -> Vec<String> {
    let lines = maps.iter().flat_map(|m| [m.container, m.host, m.size].map(|n| n.to_string()));
    std::iter::once(pid.to_string()).chain(lines).collect()
}

// slide: idmap
/// Writes the uid maps, then the gid maps, of process `pid` for a caller with
/// the effective ids `uid` and `gid`.
pub fn write(pid: Pid, uid: u32, gid: u32, uid_maps: &[IdMap], gid_maps: &[IdMap]) -> Result<(), Error> {
    write_map(pid, "uid", plan(uid, uid_maps), uid_maps)?;
    let gid_plan = plan(gid, gid_maps);
    if gid_plan == Plan::Direct {
        // Since Linux 3.19 (CVE-2014-8989) an unprivileged gid_map needs setgroups
        // denied first, or the process could drop a group that was denying it access.
        write_proc(pid, "setgroups", "deny")?;
    }
    write_map(pid, "gid", gid_plan, gid_maps)
}
// end slide

fn write_map(pid: Pid, kind: &str, plan: Plan, maps: &[IdMap]) -> Result<(), Error> {
    match plan {
        Plan::Helper => run_helper(&format!("new{kind}map"), &helper_args(&pid.to_string(), maps)),
        Plan::Direct | Plan::Root => write_proc(pid, &format!("{kind}_map"), &map_lines(maps)),
    }
}

/// Writes /proc/PID/FILE; errors read `writing setgroups: ...`, `writing uid map: ...`.
fn write_proc(pid: Pid, file: &str, text: &str) -> Result<(), Error> {
    let what = file.replace('_', " ");
    fs::write(format!("/proc/{pid}/{file}"), text).map_err(|source| Error::Write { what, source })
}

/// The text of /proc/PID/uid_map (or gid_map): one `C H N` line per map, in order.
fn map_lines(maps: &[IdMap]) -> String {
    maps.iter().map(|m| format!("{} {} {}\n", m.container, m.host, m.size)).collect()
}

/// Runs newuidmap/newgidmap. Its failure reads `ERRNO TEXT` when it cannot start,
/// `exit status N: FIRST STDERR LINE` when it refuses, `killed by signal N` when killed.
fn run_helper(helper: &str, args: &[String]) -> Result<(), Error> {
    let failed = |detail: String| Error::Helper { helper: helper.to_string(), detail };
    let out = Command::new(helper).args(args).output().map_err(|e| failed(io_text(&e)))?;
    let status = match (out.status.code(), out.status.signal()) {
        (Some(0), _) => return Ok(()),
        (_, Some(signal)) => return Err(failed(format!("killed by signal {signal}"))),
        (code, None) => format!("exit status {}", code.unwrap_or_default()),
    };
    match String::from_utf8_lossy(&out.stderr).trim().lines().next() {
        Some(first) => Err(failed(format!("{status}: {first}"))),
        None => Err(failed(status)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vectors;

    #[derive(serde::Deserialize)]
    struct Case {
        name: String,
        flag: Option<String>,
        #[serde(rename = "in")]
        input: Option<String>,
        caller: Option<u32>,
        maps: Option<Vec<IdMap>>,
        want: Option<serde_json::Value>,
        args: Option<Vec<String>>,
        lines: Option<String>,
        error: Option<String>,
    }

    #[test]
    fn shared_vectors() {
        for case in vectors::load::<Case>("idmap.json") {
            if let Some(text) = &case.input {
                let flag = if case.flag.as_deref() == Some("--gid-map") { "--gid-map" } else { "--uid-map" };
                match IdMap::parse(flag, text) {
                    Ok(m) => assert_eq!(Some(serde_json::to_value(m).unwrap()), case.want, "{}", case.name),
                    Err(e) => assert_eq!(Some(format!("mvrc: {e}")), case.error, "{}", case.name),
                }
                continue;
            }
            let maps = case.maps.unwrap_or_default();
            let got = match plan(case.caller.unwrap(), &maps) {
                Plan::Direct => "direct",
                Plan::Helper => "helper",
                Plan::Root => "root",
            };
            assert_eq!(Some(serde_json::json!(got)), case.want, "{}", case.name);
            assert_eq!(Some(map_lines(&maps)), case.lines, "{}", case.name);
            if let Some(args) = case.args {
                assert_eq!(helper_args("PID", &maps), args, "{}", case.name);
            }
        }
    }
}
