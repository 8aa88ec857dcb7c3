//! Lexical path cleaning, Go's filepath.Clean in Rust (the Go twin calls the standard
//! library's; both are pinned on testdata/unit/clean.json, Go's in clean_test.go).

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// `path` cleaned lexically as Go's filepath.Clean does, so that an absolute ROOTFS or
/// bind source reads the same in both twins: one "/" between names, no "." names, each
/// ".." removed with the name before it (at the root, just removed); "" is ".".
pub fn clean(path: &OsStr) -> OsString {
    let path = path.as_bytes();
    let rooted = path.starts_with(b"/");
    let mut names: Vec<&[u8]> = Vec::new();
    for name in path.split(|b| *b == b'/') {
        match name {
            b"" | b"." => {}
            b".." if names.last().is_some_and(|last| *last != b"..") => drop(names.pop()),
            b".." if rooted => {}
            name => names.push(name),
        }
    }
    let joined = names.join(&b'/');
    OsString::from_vec(match (rooted, joined.is_empty()) {
        (true, _) => [b"/".as_slice(), &joined].concat(),
        (false, true) => b".".to_vec(),
        (false, false) => joined,
    })
}
