//! Environment rules: exactly what the container's environment is, from the caller's and -e.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use super::DEFAULT_PATH;
use crate::errs::UsageError;

/// Builds the container's environment: PATH, HOME, HOSTNAME, TERM (only if the caller has
/// it), then each `-e` in order. Nothing else leaks from the caller. A key already present
/// keeps its place and takes the later value; `-e KEY` copies KEY from the caller, if set there.
/// Entries are bytes, as the kernel passes them: a value need not be UTF-8.
pub fn env(
    caller: impl Fn(&OsStr) -> Option<OsString>,
    entries: &[OsString],
    hostname: &OsStr,
) -> Result<Vec<OsString>, UsageError> {
    let pair = |key: &OsStr, value: &OsStr| [key, "=".as_ref(), value].into_iter().collect::<OsString>();
    let mut env = vec![
        pair("PATH".as_ref(), DEFAULT_PATH.as_ref()),
        "HOME=/root".into(),
        pair("HOSTNAME".as_ref(), hostname),
    ];
    if let Some(term) = caller("TERM".as_ref()) {
        env.push(pair("TERM".as_ref(), &term));
    }
    for entry in entries {
        let entry_pair = match key(entry) {
            Some(key) if !key.is_empty() => entry.clone(),
            None if !entry.is_empty() => match caller(entry) {
                Some(value) => pair(entry, &value),
                None => continue,
            },
            _ => return Err(UsageError::invalid("-e", entry, "want KEY=VALUE or KEY")),
        };
        set(&mut env, entry_pair);
    }
    Ok(env)
}

/// The KEY of KEY=VALUE; None without "=".
fn key(entry: &OsStr) -> Option<&[u8]> {
    let bytes = entry.as_bytes();
    bytes.iter().position(|b| *b == b'=').map(|i| &bytes[..i])
}

/// Replaces KEY's entry in place, or appends it.
fn set(env: &mut Vec<OsString>, pair: OsString) {
    let key_of = |kv: &OsStr| key(kv).unwrap_or(kv.as_bytes()).to_vec();
    let wanted = key_of(&pair);
    match env.iter_mut().find(|kv| key_of(kv) == wanted) {
        Some(slot) => *slot = pair,
        None => env.push(pair),
    }
}
