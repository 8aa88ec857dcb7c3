//! Targets resolved inside the new root: openat2 with RESOLVE_IN_ROOT, creating what is
//! missing, and a /proc/self/fd/N path that names exactly the inode found.

use std::ffi::{OsStr, OsString};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;

use nix::errno::Errno;
use nix::fcntl::{OFlag, OpenHow, ResolveFlag, openat, openat2};
use nix::libc;
use nix::sys::stat::{Mode, fstat, mkdirat};

use super::{Error, Root};
use crate::errs::shown;

impl Root {
    /// Resolves `inside`, creating what is missing, and hands `use_it` a path
    /// naming exactly that inode (`/proc/self/fd/N`).
    pub(super) fn at<T>(
        &self,
        inside: &OsStr,
        file: bool,
        use_it: impl FnOnce(&str) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let fd = self
            .ensure(inside, file)
            .map_err(|source| Error::MountPoint { inside: shown(inside), source })?;
        use_it(&format!("/proc/self/fd/{}", fd.as_raw_fd()))
    }

    /// Like `at`, with whether `inside` is a directory, but creates nothing: a path
    /// the kernel lacks (no /proc/sched_debug here) is no error; `Ok(false)` says so.
    pub fn existing(
        &self,
        inside: &str,
        use_it: impl FnOnce(&str, bool) -> Result<(), Error>,
    ) -> Result<bool, Error> {
        let failed = |source| Error::MountPoint { inside: shown(inside), source };
        let fd = match self.resolve(inside.as_ref(), OFlag::O_PATH) {
            Err(Errno::ENOENT) => return Ok(false),
            other => other.map_err(failed)?,
        };
        let dir = fstat(&fd).map_err(failed)?.st_mode & libc::S_IFMT == libc::S_IFDIR;
        use_it(&format!("/proc/self/fd/{}", fd.as_raw_fd()), dir).map(|()| true)
    }

    /// Opens `inside` (O_PATH), making missing directories on the way and the last
    /// component a directory or, if `file`, an empty file.
    pub(super) fn ensure(&self, inside: &OsStr, file: bool) -> nix::Result<OwnedFd> {
        let parts: Vec<&[u8]> =
            inside.as_bytes().split(|b| *b == b'/').filter(|p| !p.is_empty() && *p != b".").collect();
        let mut current = OsString::new();
        let mut fd = self.resolve("/".as_ref(), OFlag::O_PATH)?;
        for (i, part) in parts.iter().enumerate() {
            let next: OsString =
                [current.as_os_str(), "/".as_ref(), OsStr::from_bytes(part)].into_iter().collect();
            fd = match self.resolve(&next, OFlag::O_PATH) {
                Err(Errno::ENOENT) => {
                    let parent_dir: OsString = [current.as_os_str(), "/".as_ref()].into_iter().collect();
                    let parent = self.resolve(&parent_dir, OFlag::O_RDONLY | OFlag::O_DIRECTORY)?;
                    // EEXIST: another container on the same ROOTFS made it first; use theirs.
                    match create(&parent, OsStr::from_bytes(part), file && i == parts.len() - 1) {
                        Ok(()) | Err(Errno::EEXIST) => self.resolve(&next, OFlag::O_PATH)?,
                        Err(errno) => return Err(errno),
                    }
                }
                other => other?,
            };
            current = next;
        }
        Ok(fd)
    }

    /// openat2 with the root as "/": neither `..` nor a symlink leads out of it.
    fn resolve(&self, inside: &OsStr, flags: OFlag) -> nix::Result<OwnedFd> {
        let resolve = ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_MAGICLINKS;
        openat2(&self.0, inside, OpenHow::new().flags(flags | OFlag::O_CLOEXEC).resolve(resolve))
    }
}

/// Makes `name` in `dir`: a directory, or an empty file.
fn create(dir: &OwnedFd, name: &OsStr, file: bool) -> nix::Result<()> {
    if !file {
        return mkdirat(dir, name, Mode::from_bits_truncate(0o755));
    }
    let flags = OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_WRONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    openat(dir, name, flags, Mode::from_bits_truncate(0o644)).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::symlink;

    /// Every target resolves inside the root, whatever symlinks and ".." the root
    /// holds, and what is missing is created there: a directory, or an empty file
    /// for a file's bind (the Go twin's TestTargetsResolveInsideTheRoot).
    #[test]
    fn targets_resolve_inside_the_root() {
        let dir = std::env::temp_dir().join(format!("mvrc-mounts-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for d in ["etc", "real"] {
            fs::create_dir_all(dir.join(d)).unwrap();
        }
        for (link, target) in [("proc", "/etc"), ("up", "../../../.."), ("rel", "real")] {
            symlink(target, dir.join(link)).unwrap();
        }
        let root = Root::open(&dir).unwrap();
        let cases = [
            ("/a/b", false, "a/b"),
            ("/proc/x", false, "etc/x"), // an absolute link is read from the root, not the host
            ("/up/y", false, "y"),       // ".." stops at the root
            ("/../../z", false, "z"),
            ("/rel/w", false, "real/w"),
            ("/dev/null", true, "dev/null"),
        ];
        for (inside, file, want) in cases {
            let got = root.at(inside.as_ref(), file, |target| Ok(fs::read_link(target).unwrap()));
            assert_eq!(got.unwrap(), dir.join(want), "{inside}");
            let meta = fs::metadata(dir.join(want)).unwrap();
            assert_eq!(meta.is_file(), file, "{inside}: want a file: {file}");
        }
        fs::remove_dir_all(dir).unwrap();
    }
}
