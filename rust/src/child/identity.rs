//! The container's identity: the namespace's root ids first, --user after the mounts, with
//! no supplementary groups; the parent-death signal re-armed.

use std::fs;

use nix::unistd::{Gid, Uid, setgroups, setresgid, setresuid};

use super::Error;
use crate::confine::Parent;
use crate::idmap;
use crate::spec::{Spec, User};

/// Takes the namespace's root ids as soon as they exist, when mapped: the files
/// and directories the mounts create must belong to a mapped id, and our host id
/// may not be mapped at all (`--uid-map 0:100000:65536`).
pub(super) fn become_root(spec: &Spec, parent: &Parent) -> Result<(), Error> {
    if !spec.namespaces.contains("user")
        || !idmap::contains(&spec.uid_maps, 0)
        || !idmap::contains(&spec.gid_maps, 0)
    {
        return Ok(());
    }
    let (uid, gid) = (Uid::from_raw(0), Gid::from_raw(0));
    setresgid(gid, gid, gid).map_err(|source| Error::Setresgid { gid: 0, source })?;
    setresuid(uid, uid, uid).map_err(|source| Error::Setresuid { uid: 0, source })?;
    Ok(parent.rearm()?)
}

/// Becomes `user`, with no supplementary groups: after every mount, because
/// they need the namespace's root.
pub(super) fn set_identity(user: User, setgroups_denied: bool, parent: &Parent) -> Result<(), Error> {
    // With setgroups denied (one mapped id) the kernel refuses setgroups(2);
    // the process then has no supplementary groups to drop anyway.
    if !setgroups_denied {
        setgroups(&[]).map_err(Error::Setgroups)?;
    }
    let (uid, gid) = (Uid::from_raw(user.uid), Gid::from_raw(user.gid));
    setresgid(gid, gid, gid).map_err(|source| Error::Setresgid { gid: user.gid, source })?;
    setresuid(uid, uid, uid).map_err(|source| Error::Setresuid { uid: user.uid, source })?;
    // A change of effective id clears the parent-death signal: every setres*id is
    // followed by this.
    Ok(parent.rearm()?)
}

/// Reads /proc/self/setgroups: the parent writes "deny" for an unprivileged gid map.
pub(super) fn setgroups_denied() -> bool {
    fs::read_to_string("/proc/self/setgroups").is_ok_and(|s| s.trim() == "deny")
}
