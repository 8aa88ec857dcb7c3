//! The parent's half of the setup while the child waits: id maps, cgroup, pid file, then
//! MAPPED; and mvrc made non-dumpable before the container runs.

use nix::unistd::{Pid, getegid, geteuid};

use super::Error;
use super::pidfile::write_pid_file;
use crate::cgroups::{self, Cgroup};
use crate::channel::ParentEnd;
use crate::debug::Timer;
use crate::spec::Spec;
use crate::{idmap, terminal};

/// Everything the child waits for: id maps, cgroup, pid file; then MAPPED.
pub(super) fn configure(
    spec: &Spec,
    child: Pid,
    channel: &ParentEnd,
    delegated: Option<cgroups::Delegated>,
    cgroup: &mut Option<Cgroup>,
    timer: Timer,
) -> Result<(), Error> {
    if spec.namespaces.contains("user") {
        let (uid, gid) = (geteuid().as_raw(), getegid().as_raw());
        timer.time("idmap", || idmap::write(child, uid, gid, &spec.uid_maps, &spec.gid_maps))?;
    }
    if let Some(delegated) = delegated {
        *cgroup = Some(timer.time("cgroup", || delegated.enter(child, &spec.limits))?);
    }
    if !spec.pid_file.is_empty() {
        write_pid_file(&spec.pid_file, child)
            .map_err(|source| Error::PidFile { path: spec.pid_file.clone(), source })?;
    }
    hide_from_container()?;
    Ok(channel.send_mapped(spec.tty.then(terminal::size).as_ref())?)
}

/// Makes mvrc itself non-dumpable once the child no longer needs it (newuidmap checks
/// that the child's /proc entry is ours, and a clone shares the flag until then). Without
/// a PID namespace the container sees the host's /proc, and through /proc/MVRC/exe,
/// root, cwd and fd it would reach mvrc's binary and the host's files.
fn hide_from_container() -> Result<(), Error> {
    nix::sys::prctl::set_dumpable(false).map_err(Error::Dumpable)
}
