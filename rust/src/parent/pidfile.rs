//! --pid-file: the container's host PID written atomically, never through a planted symlink.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::Write;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::OpenOptionsExt;

use nix::errno::Errno;
use nix::libc;
use nix::unistd::Pid;

/// How many temporary names write_pid_file tries.
const PID_FILE_TRIES: u32 = 100;

/// Writes "PID\n" to a new file beside `path` and renames it over `path`: a reader
/// never sees half a file, and whatever sits at `path` (a symlink planted by a
/// container that can write the directory) is replaced, never followed. The temporary
/// name is `.BASE.mvrc-OURPID-N`, made with O_EXCL|O_NOFOLLOW.
pub(super) fn write_pid_file(path: &OsStr, pid: Pid) -> std::io::Result<()> {
    // As Go's filepath.Split: DIR is everything up to and with the last '/'.
    let bytes = path.as_bytes();
    let cut = bytes.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
    let (dir, base) = bytes.split_at(cut);
    let mut last = std::io::Error::from(Errno::EEXIST);
    for n in 0..PID_FILE_TRIES {
        let suffix = format!(".mvrc-{}-{n}", std::process::id());
        let tmp = OsString::from_vec([dir, b".", base, suffix.as_bytes()].concat());
        let created = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&tmp);
        let mut file = match created {
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                last = err;
                continue;
            }
            created => created?,
        };
        let written = file.write_all(format!("{pid}\n").as_bytes()).and_then(|()| fs::rename(&tmp, path));
        return written.inspect_err(|_| drop(fs::remove_file(&tmp)));
    }
    Err(last)
}
