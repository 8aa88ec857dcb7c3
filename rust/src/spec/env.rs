// Environment rules: exactly what the container's environment is, from the caller's and -e.

use super::DEFAULT_PATH;
use crate::errs::UsageError;

/// Builds the container's environment: PATH, HOME, HOSTNAME, TERM (only if the caller has
/// it), then each `-e` in order. Nothing else leaks from the caller. A key already present
/// keeps its place and takes the later value; `-e KEY` copies KEY from the caller, if set there.
pub fn env(
    caller: impl Fn(&str) -> Option<String>,
    entries: &[String],
    hostname: &str,
) -> Result<Vec<String>, UsageError> {
    let mut env = vec![format!("PATH={DEFAULT_PATH}"), "HOME=/root".into(), format!("HOSTNAME={hostname}")];
    if let Some(term) = caller("TERM") {
        env.push(format!("TERM={term}"));
    }
    for entry in entries {
        let pair = match entry.split_once('=') {
            Some((key, _)) if !key.is_empty() => entry.clone(),
            None if !entry.is_empty() => match caller(entry) {
                Some(value) => format!("{entry}={value}"),
                None => continue,
            },
            _ => return Err(UsageError::invalid("-e", entry, "want KEY=VALUE or KEY")),
        };
        set(&mut env, pair);
    }
    Ok(env)
}

/// Replaces KEY's entry in place, or appends it.
fn set(env: &mut Vec<String>, pair: String) {
    let key = |kv: &str| kv.split_once('=').map_or(kv, |(k, _)| k).to_string();
    match env.iter_mut().find(|kv| key(kv) == key(&pair)) {
        Some(slot) => *slot = pair,
        None => env.push(pair),
    }
}
