//! A profile's text → Policy: the default action and the rules, in the file's order.

use std::collections::HashMap;
use std::fmt;

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
    UnsupportedAction(String),
    #[error("errno needs an error name")]
    ErrnoNeedsName,
    #[error("unsupported errno {} (want EPERM, EACCES, EINVAL or ENOSYS)", quote(.0))]
    UnsupportedErrno(String),
    #[error("a second default action")]
    SecondDefault,
    #[error("unexpected {} after the default action", quote(.0))]
    AfterDefault(String),
    #[error("missing system call name")]
    MissingName,
    #[error("bad condition {} (want argN == V, argN != V or argN & MASK == V)", quote(.0))]
    BadCondition(String),
    #[error("bad condition {}: the value has bits outside the mask", quote(.0))]
    OutsideMask(String),
    #[error("unknown system call {}", quote(.0))]
    UnknownSyscall(String),
    #[error("system call {} already has another action", quote(.0))]
    TwoActions(String),
}

/// Reads a profile's text; `known` says whether a system call name exists on some
/// architecture. An error names the line and the entry.
pub fn parse(text: &str, known: impl Fn(&str) -> bool) -> Result<Policy, PolicyError> {
    let mut default = None;
    let mut rules = Vec::new();
    let mut actions: HashMap<String, Action> = HashMap::new();
    for (i, line) in text.split('\n').enumerate() {
        let fail = |problem| PolicyError::Line { line: i + 1, problem };
        let mut fields: Vec<&str> = line.split_whitespace().collect();
        if fields.first().is_none_or(|f| f.starts_with('#')) {
            continue;
        }
        let is_default = fields[0] == "default";
        if is_default {
            fields.remove(0);
        }
        let (action, rest) = parse_action(&fields).map_err(fail)?;
        if is_default {
            if default.is_some() {
                return Err(fail(Problem::SecondDefault));
            }
            if let Some(extra) = rest.first() {
                return Err(fail(Problem::AfterDefault(extra.to_string())));
            }
            default = Some(action);
            continue;
        }
        let (names, conditions) = parse_rule(rest).map_err(fail)?;
        for name in names {
            if !known(name) {
                return Err(fail(Problem::UnknownSyscall(name.to_string())));
            }
            if actions.insert(name.to_string(), action).is_some_and(|prev| prev != action) {
                return Err(fail(Problem::TwoActions(name.to_string())));
            }
            rules.push(Rule { action, syscall: name.to_string(), conditions: conditions.clone() });
        }
    }
    let default = default.ok_or(PolicyError::NoDefault)?;
    Ok(Policy { default, rules })
}

/// Reads `allow` or `errno ENAME` and returns what follows.
fn parse_action<'a>(fields: &'a [&'a str]) -> Result<(Action, &'a [&'a str]), Problem> {
    match fields {
        [] => Err(Problem::MissingAction),
        ["allow", rest @ ..] => Ok((Action::Allow, rest)),
        ["errno"] => Err(Problem::ErrnoNeedsName),
        ["errno", name, rest @ ..] => match ERRNOS.iter().find(|(n, _)| n == name) {
            Some(&(_, value)) => Ok((Action::Errno(value), rest)),
            None => Err(Problem::UnsupportedErrno(name.to_string())),
        },
        [other, ..] => Err(Problem::UnsupportedAction(other.to_string())),
    }
}

/// Reads `NAME... [if COND [and COND]...]`.
fn parse_rule<'a>(fields: &'a [&'a str]) -> Result<(&'a [&'a str], Vec<Condition>), Problem> {
    let (names, conditions) = match fields.iter().position(|f| *f == "if") {
        Some(at) => {
            let text = fields[at + 1..].join(" ");
            (&fields[..at], text.split(" and ").map(parse_condition).collect::<Result<_, _>>()?)
        }
        None => (fields, Vec::new()),
    };
    if names.is_empty() {
        return Err(Problem::MissingName);
    }
    Ok((names, conditions))
}

/// Reads `argN == V`, `argN != V` or `argN & MASK == V`.
fn parse_condition(text: &str) -> Result<Condition, Problem> {
    let bad = || Problem::BadCondition(text.to_string());
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
        return Err(Problem::OutsideMask(text.to_string()));
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
