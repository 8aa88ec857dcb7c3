//! Numeric option values: sizes with a k, m or g suffix (--memory, --tmpfs size=), --pids
//! and --cpus, read the same way by both twins.

use crate::errs::UsageError;

/// The smallest --cpus: a quota of 1000µs per 100000µs period, the least cpu.max takes.
const MIN_CPUS: f64 = 0.01;

/// The smallest `--pids`. pids.max counts threads, and mvrc's own are in the container's
/// cgroup until COMMAND's execve (the Go child: up to 5) and, under --init, all along (the Go
/// init: 5 to 7); below that Go's runtime cannot start a thread and dies with a crash report.
/// One floor for both twins, so that both refuse the same limits (design.md, Go's threads).
pub const MIN_PIDS: u64 = 16;

/// The reason for a `--pids` below `MIN_PIDS` (`invalid` takes a static reason).
const TOO_FEW_PIDS: &str = "want at least 16 (mvrc's own threads count too)";

/// Parses `--memory`: BYTES with an optional k, m or g suffix (powers of 1024, either case).
pub fn parse_memory(text: &str) -> Result<u64, UsageError> {
    parse_bytes(text)
        .ok_or_else(|| UsageError::invalid("--memory", text, "want BYTES with an optional k, m or g suffix"))
}

/// BYTES >= 1 with an optional k, m or g suffix (powers of 1024, either case), at most i64::MAX.
pub(super) fn parse_bytes(text: &str) -> Option<u64> {
    let (digits, unit) = match text.char_indices().last() {
        Some((i, 'k' | 'K')) => (&text[..i], 1u64 << 10),
        Some((i, 'm' | 'M')) => (&text[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&text[..i], 1 << 30),
        _ => (text, 1),
    };
    parse_u64(digits)
        .and_then(|count| count.checked_mul(unit))
        .filter(|bytes| (1..=i64::MAX as u64).contains(bytes))
}

/// Parses `--pids`: a whole number of at least `MIN_PIDS`.
pub fn parse_pids(text: &str) -> Result<u64, UsageError> {
    let pids = parse_u64(text)
        .filter(|n| (1..=i64::MAX as u64).contains(n))
        .ok_or_else(|| UsageError::invalid("--pids", text, "want a positive whole number"))?;
    if pids < MIN_PIDS {
        return Err(UsageError::invalid("--pids", text, TOO_FEW_PIDS));
    }
    Ok(pids)
}

/// Parses `--cpus`: DIGITS or DIGITS.DIGITS, at least 0.01 (no sign, exponent, inf or nan).
pub fn parse_cpus(text: &str) -> Result<f64, UsageError> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    Some(text)
        .filter(|_| digits(whole) && digits(fraction))
        .and_then(|t| t.parse::<f64>().ok())
        .filter(|n| n.is_finite() && *n >= MIN_CPUS)
        .ok_or_else(|| UsageError::invalid("--cpus", text, "want a positive number"))
}

/// A plain decimal u32: digits only, no sign, no spaces.
pub fn parse_u32(text: &str) -> Option<u32> {
    parse_u64(text).and_then(|n| u32::try_from(n).ok())
}

pub fn parse_u64(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}
