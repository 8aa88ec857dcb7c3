//! A profile's text → Policy: the default action and the rules, in the file's order.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::os::unix::ffi::OsStrExt;

use thiserror::Error;

use crate::errs::quote;

/// A parsed profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub default: Action,
    pub rules: Vec<Rule>,
}

/// What the filter returns: allow, or fail the call with an errno.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Allow,
    Errno(u32),
}

/// `action` for `syscall` when every condition holds (always, without any).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub action: Action,
    pub syscall: String,
    pub conditions: Vec<Condition>,
}

/// One argument, all 64 bits of it: `(arg & mask) == value`, or `!=` when `not`.
/// A plain comparison has a mask of all ones.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Condition {
    pub arg: u8,
    pub not: bool,
    pub mask: u64,
    pub value: u64,
}

/// The errors an errno action may name; the same numbers on x86_64 and aarch64.
const ERRNOS: [(&str, u32); 4] = [("EPERM", 1), ("EACCES", 13), ("EINVAL", 22), ("ENOSYS", 38)];

/// Why a profile was refused; Display is the text after `seccomp profile "FILE": `.
#[derive(Debug, Error, PartialEq)]
pub enum PolicyError {
    #[error("line {line}: {problem}")]
    Line { line: usize, problem: Problem },
    #[error("no default action")]
    NoDefault,
}

/// What is wrong with one line.
#[derive(Debug, Error, PartialEq)]
pub enum Problem {
    #[error("missing action")]
    MissingAction,
    #[error("unsupported action {} (want allow or errno)", quote(.0))]
    UnsupportedAction(OsString),
    #[error("errno needs an error name")]
    ErrnoNeedsName,
    #[error("unsupported errno {} (want EPERM, EACCES, EINVAL or ENOSYS)", quote(.0))]
    UnsupportedErrno(OsString),
    #[error("a second default action")]
    SecondDefault,
    #[error("unexpected {} after the default action", quote(.0))]
    AfterDefault(OsString),
    #[error("missing system call name")]
    MissingName,
    #[error("bad condition {} (want argN == V, argN != V or argN & MASK == V)", quote(.0))]
    BadCondition(OsString),
    #[error("bad condition {}: the value has bits outside the mask", quote(.0))]
    OutsideMask(OsString),
    #[error("unknown system call {}", quote(.0))]
    UnknownSyscall(OsString),
    #[error("system call {} already has another action", quote(.0))]
    TwoActions(OsString),
}

/// Reads a profile's bytes, as Go reads them: a non-UTF-8 byte is part of a field, quoted
/// as `\xNN` in an error. `known` says whether a system call name exists on some
/// architecture. An error names the line and the entry.
pub fn parse(text: &[u8], known: impl Fn(&str) -> bool) -> Result<Policy, PolicyError> {
    let mut default = None;
    let mut rules = Vec::new();
    let mut actions: HashMap<String, Action> = HashMap::new();
    for (i, line) in text.split(|b| *b == b'\n').enumerate() {
        let fail = |problem| PolicyError::Line { line: i + 1, problem };
        let mut fields = fields(line);
        if fields.first().is_none_or(|f| f.starts_with(b"#")) {
            continue;
        }
        let is_default = fields[0] == b"default";
        if is_default {
            fields.remove(0);
        }
        let (action, rest) = parse_action(&fields).map_err(fail)?;
        if is_default {
            if default.is_some() {
                return Err(fail(Problem::SecondDefault));
            }
            if let Some(extra) = rest.first() {
                return Err(fail(Problem::AfterDefault(os(extra))));
            }
            default = Some(action);
            continue;
        }
        let (names, conditions) = parse_rule(rest).map_err(fail)?;
        for name in names {
            let Some(name) = std::str::from_utf8(name).ok().filter(|n| known(n)) else {
                return Err(fail(Problem::UnknownSyscall(os(name))));
            };
            if actions.insert(name.to_string(), action).is_some_and(|prev| prev != action) {
                return Err(fail(Problem::TwoActions(name.into())));
            }
            rules.push(Rule { action, syscall: name.to_string(), conditions: conditions.clone() });
        }
    }
    let default = default.ok_or(PolicyError::NoDefault)?;
    Ok(Policy { default, rules })
}

/// A line's fields, split at Unicode white space as Go's strings.Fields splits them; a byte
/// that is not UTF-8 is never space.
fn fields(line: &[u8]) -> Vec<&[u8]> {
    let (mut all, mut start, mut at) = (Vec::new(), None, 0);
    for chunk in line.utf8_chunks() {
        for (i, c) in chunk.valid().char_indices() {
            match (c.is_whitespace(), start) {
                (true, Some(from)) => {
                    all.push(&line[from..at + i]);
                    start = None;
                }
                (false, None) => start = Some(at + i),
                _ => {}
            }
        }
        at += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            start = start.or(Some(at));
        }
        at += chunk.invalid().len();
    }
    all.extend(start.map(|from| &line[from..]));
    all
}

fn os(bytes: &[u8]) -> OsString {
    OsStr::from_bytes(bytes).into()
}

/// Reads `allow` or `errno ENAME` and returns what follows.
fn parse_action<'a>(fields: &'a [&'a [u8]]) -> Result<(Action, &'a [&'a [u8]]), Problem> {
    match fields {
        [] => Err(Problem::MissingAction),
        [b"allow", rest @ ..] => Ok((Action::Allow, rest)),
        [b"errno"] => Err(Problem::ErrnoNeedsName),
        [b"errno", name, rest @ ..] => match ERRNOS.iter().find(|(n, _)| n.as_bytes() == *name) {
            Some(&(_, value)) => Ok((Action::Errno(value), rest)),
            None => Err(Problem::UnsupportedErrno(os(name))),
        },
        [other, ..] => Err(Problem::UnsupportedAction(os(other))),
    }
}

/// Reads `NAME... [if COND [and COND]...]`.
fn parse_rule<'a>(fields: &'a [&'a [u8]]) -> Result<(&'a [&'a [u8]], Vec<Condition>), Problem> {
    let (names, conditions) = match fields.iter().position(|f| *f == b"if") {
        Some(at) => {
            let text = fields[at + 1..].join(&b' ');
            let conditions = split(&text, b" and ").into_iter().map(parse_condition);
            (&fields[..at], conditions.collect::<Result<_, _>>()?)
        }
        None => (fields, Vec::new()),
    };
    if names.is_empty() {
        return Err(Problem::MissingName);
    }
    Ok((names, conditions))
}

/// `text` cut at each `sep`, as Go's strings.Split cuts it.
fn split<'a>(text: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let (mut parts, mut from, mut i) = (Vec::new(), 0, 0);
    while i + sep.len() <= text.len() {
        if &text[i..i + sep.len()] == sep {
            parts.push(&text[from..i]);
            i += sep.len();
            from = i;
        } else {
            i += 1;
        }
    }
    parts.push(&text[from..]);
    parts
}

/// Reads `argN == V`, `argN != V` or `argN & MASK == V`.
fn parse_condition(bytes: &[u8]) -> Result<Condition, Problem> {
    let bad = || Problem::BadCondition(os(bytes));
    let text = std::str::from_utf8(bytes).map_err(|_| bad())?; // a valid condition is ASCII
    let f: Vec<&str> = text.split_whitespace().collect();
    let arg = match f.first().and_then(|a| a.strip_prefix("arg")) {
        Some(n) if n.len() == 1 && ("0"..="5").contains(&n) => n.as_bytes()[0] - b'0',
        _ => return Err(bad()),
    };
    let (mask, op, value) = match f[..] {
        [_, op, value] => (u64::MAX, op, value),
        [_, "&", mask, "==", value] => (parse_value(mask).ok_or_else(bad)?, "==", value),
        _ => return Err(bad()),
    };
    let not = match op {
        "==" => false,
        "!=" => true,
        _ => return Err(bad()),
    };
    let value = parse_value(value).ok_or_else(bad)?;
    if value & !mask != 0 {
        return Err(Problem::OutsideMask(os(bytes)));
    }
    Ok(Condition { arg, not, mask, value })
}

/// A decimal or 0x-hex number of at most 64 bits (no sign, no underscores).
fn parse_value(text: &str) -> Option<u64> {
    let (digits, radix) = match text.strip_prefix("0x") {
        Some(hex) => (hex, 16),
        None => (text, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Action::Allow => write!(f, "allow"),
            Action::Errno(value) => match ERRNOS.iter().find(|(_, v)| v == value) {
                Some((name, _)) => write!(f, "errno {name}"),
                None => write!(f, "errno {value}"),
            },
        }
    }
}

/// One canonical profile line (values in hex).
impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} {}", self.action, self.syscall)?;
        for (i, c) in self.conditions.iter().enumerate() {
            write!(f, "{}arg{}", if i == 0 { " if " } else { " and " }, c.arg)?;
            if c.mask != u64::MAX {
                write!(f, " & {:#x}", c.mask)?;
            }
            write!(f, " {} {:#x}", if c.not { "!=" } else { "==" }, c.value)?;
        }
        Ok(())
    }
}
