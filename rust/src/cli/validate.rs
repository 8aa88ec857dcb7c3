//! Validation of run's options in the order of SPEC's table: Options → a Spec or a usage error.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use super::Caller;
use super::run::Options;
use crate::errs::UsageError;
use crate::idmap::{self, IdMap};
use crate::namespaces::{self, Namespaces};
use crate::spec::{self, DEFAULT_HOSTNAME, Limits, Spec, User};

/// Validates the options in the order of SPEC's table, then ROOTFS and COMMAND.
pub(super) fn build(o: Options, mut operands: Vec<OsString>, caller: &Caller) -> Result<Spec, UsageError> {
    let default = || namespaces::default().join(",").into();
    let namespaces = parse_namespaces(&o.ns.clone().unwrap_or_else(default))?;
    let (has_user, has_uts, has_mount) =
        (namespaces.contains("user"), namespaces.contains("uts"), namespaces.contains("mount"));
    if let Some(name) = &o.hostname {
        spec::check_hostname(name)?;
        if !has_uts {
            return Err(UsageError::HostnameNeedsUts);
        }
    }
    let hostname = match o.hostname.clone() {
        _ if !has_uts => caller.hostname.to_owned(),
        Some(name) => name,
        None => DEFAULT_HOSTNAME.into(),
    };
    let env = spec::env(caller.env, &o.env, &hostname)?;
    let workdir = o.workdir.clone().unwrap_or_else(|| "/".into());
    inside_path("--workdir", &workdir)?;
    let user = match &o.user {
        Some(text) => ascii(text, spec::parse_user)?,
        None => User::default(),
    };
    if user != User::default() && !has_user {
        return Err(UsageError::NeedsUserNamespace("--user"));
    }
    let uid_maps = maps("--uid-map", &o.uid_maps, caller.uid, has_user)?;
    let gid_maps = maps("--gid-map", &o.gid_maps, caller.gid, has_user)?;
    if has_user {
        let text = o.user.as_deref().unwrap_or("0:0".as_ref());
        mapped(text, "uid", user.uid, &uid_maps)?;
        mapped(text, "gid", user.gid, &gid_maps)?;
    }
    let binds: Vec<_> = o.binds.iter().map(|b| spec::parse_bind(b)).collect::<Result<_, _>>()?;
    needs_mount("--bind", !binds.is_empty(), has_mount)?;
    needs_mount("--read-only", o.read_only, has_mount)?;
    let tmpfs: Vec<_> = o.tmpfs.iter().map(|t| spec::parse_tmpfs(t)).collect::<Result<_, _>>()?;
    needs_mount("--tmpfs", !o.tmpfs.is_empty(), has_mount)?;
    needs_mount("--overlay", o.overlay, has_mount)?;
    // The pty comes from the container's own devpts, which only a mount namespace has.
    needs_mount("--tty", o.tty, has_mount)?;
    let limits = parse_limits(&o)?;
    let seccomp = o.seccomp.unwrap_or_else(|| crate::seccomp::DEFAULT.into());
    if seccomp.is_empty() {
        return Err(UsageError::invalid("--seccomp", "", "want default, unconfined or a file"));
    }
    if operands.len() < 2 {
        return Err(UsageError::MissingOperands);
    }
    let command = operands.split_off(1);
    Ok(Spec {
        rootfs: operands.remove(0),
        command,
        namespaces,
        hostname,
        env,
        workdir,
        user,
        uid_maps,
        gid_maps,
        binds,
        tmpfs,
        read_only: o.read_only,
        overlay: o.overlay,
        chroot: o.chroot,
        init: o.init,
        tty: o.tty,
        pid_file: o.pid_file.unwrap_or_default(),
        debug: o.debug,
        limits,
        seccomp,
        filters: Vec::new(),
    })
}

/// A path inside the container: absolute, and without a ".." that could climb out of ROOTFS.
fn inside_path(flag: &'static str, dir: &OsStr) -> Result<(), UsageError> {
    if !spec::is_absolute(dir) {
        return Err(UsageError::invalid(flag, dir, "want an absolute path"));
    }
    if spec::has_dot_dot(dir) {
        return Err(UsageError::invalid(flag, dir, spec::NO_DOT_DOT));
    }
    Ok(())
}

/// Without a mount namespace nothing is mounted, so a flag that mounts would be ignored.
fn needs_mount(flag: &'static str, given: bool, has_mount: bool) -> Result<(), UsageError> {
    if given && !has_mount {
        return Err(UsageError::NeedsMountNamespace(flag));
    }
    Ok(())
}

/// The maps of one kind: as given, or the caller's own id as container root.
fn maps(flag: &'static str, texts: &[OsString], own: u32, has_user: bool) -> Result<Vec<IdMap>, UsageError> {
    let parsed: Vec<IdMap> =
        texts.iter().map(|t| ascii(t, |t| IdMap::parse(flag, t))).collect::<Result<_, _>>()?;
    match (has_user, parsed.is_empty()) {
        (false, true) => Ok(parsed),
        (false, false) => Err(UsageError::NeedsUserNamespace(flag)),
        (true, true) => Ok(vec![IdMap { container: 0, host: own, size: 1 }]),
        (true, false) => Ok(parsed),
    }
}

fn mapped(user: &OsStr, kind: &'static str, id: u32, maps: &[IdMap]) -> Result<(), UsageError> {
    if !idmap::contains(maps, id) {
        return Err(UsageError::NotMapped { user: user.into(), kind, id });
    }
    Ok(())
}

fn parse_limits(o: &Options) -> Result<Limits, UsageError> {
    Ok(Limits {
        memory: o.memory.as_deref().map(|t| ascii(t, spec::parse_memory)).transpose()?.unwrap_or(0),
        pids: o.pids.as_deref().map(|t| ascii(t, spec::parse_pids)).transpose()?.unwrap_or(0),
        cpus: o.cpus.as_deref().map(|t| ascii(t, spec::parse_cpus)).transpose()?.unwrap_or(0.0),
    })
}

/// Parses a value that is plain ASCII when valid (ids, maps, sizes): bytes that are not
/// UTF-8 fail its parser through the lossy text, and the error then names them as given.
fn ascii<T>(raw: &OsStr, parse: impl FnOnce(&str) -> Result<T, UsageError>) -> Result<T, UsageError> {
    parse(&raw.to_string_lossy()).map_err(|err| match err {
        UsageError::Invalid { flag, want, .. } => UsageError::Invalid { flag, value: raw.to_owned(), want },
        other => other,
    })
}

/// `--ns`, whose unknown name is quoted as given, bytes and all.
fn parse_namespaces(raw: &OsStr) -> Result<Namespaces, UsageError> {
    Namespaces::parse(&raw.to_string_lossy()).map_err(|err| match err {
        UsageError::UnknownNamespace(lossy) => {
            let items = raw.as_bytes().split(|b| *b == b',');
            let name =
                items.map(OsStr::from_bytes).find(|item| item.to_string_lossy() == lossy.to_string_lossy());
            UsageError::UnknownNamespace(name.map_or(lossy, OsStr::to_owned))
        }
        other => other,
    })
}
