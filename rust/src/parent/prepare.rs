//! What the parent checks before any namespace exists: ROOTFS, bind sources, the seccomp
//! profile, cgroup delegation.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use super::Error;
use crate::errs::errno;
use crate::spec::{self, Spec};
use crate::{cgroups, seccomp, terminal};

/// Checks what can be checked before any namespace exists: ROOTFS, bind
/// sources, the seccomp profile (compiled here, installed by the child), cgroup
/// delegation. Paths become absolute, since the child moves.
pub fn prepare(spec: &mut Spec) -> Result<Option<cgroups::Delegated>, Error> {
    if spec.tty {
        terminal::check()?;
    }
    spec.rootfs = check_rootfs(&spec.rootfs)?;
    for bind in &mut spec.binds {
        let failed = |e: std::io::Error| Error::BindSource { src: bind.source.clone(), source: errno(&e) };
        fs::metadata(&bind.source).map_err(failed)?;
        let absolute = std::path::absolute(&bind.source).map_err(failed)?;
        bind.source = spec::clean(absolute.as_os_str());
    }
    spec.filters = seccomp::load(&spec.seccomp)?;
    Ok(cgroups::check(&spec.limits)?)
}

/// Resolves ROOTFS to an absolute directory; errors name it as the user wrote it.
fn check_rootfs(dir: &OsStr) -> Result<OsString, Error> {
    let path = || dir.to_owned();
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(Error::RootfsNotDir { path: path() }),
        Err(e) if e.kind() == ErrorKind::NotFound => return Err(Error::RootfsMissing { path: path() }),
        Err(e) => return Err(Error::Rootfs { path: path(), source: errno(&e) }),
    }
    let absolute = std::path::absolute(dir).map_err(|e| Error::Rootfs { path: path(), source: errno(&e) })?;
    let cleaned = spec::clean(absolute.as_os_str());
    // The host's own root as ROOTFS would bind the host's /dev onto itself and fail
    // half-way; a link to "/" is the same directory, so compare what it resolves to. Resolve
    // the cleaned path, the one we mount: "link/.." cleans differently than it resolves.
    if fs::canonicalize(&cleaned).is_ok_and(|real| real == Path::new("/")) {
        return Err(Error::RootfsIsHostRoot { path: path() });
    }
    Ok(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_rootfs_names_the_path_as_given() {
        let file = std::env::current_exe().unwrap().display().to_string();
        let cases = [
            ("/no/such/rootfs", r#"rootfs "/no/such/rootfs": no such directory"#.to_string()),
            (file.as_str(), format!("rootfs {file:?}: not a directory")),
            ("/", r#"rootfs "/": cannot be the host's root directory"#.to_string()),
            (
                "../../../../../../..",
                r#"rootfs "../../../../../../..": cannot be the host's root directory"#.to_string(),
            ),
        ];
        for (path, want) in cases {
            assert_eq!(check_rootfs(path.as_ref()).unwrap_err().to_string(), want);
        }
        assert!(check_rootfs(".".as_ref()).unwrap().as_encoded_bytes().starts_with(b"/"));
    }
}
