//! Flag-level rules: values, switches and lexer errors, in pflag's semantics and design.md's
//! wording (pflag, which the Go twin uses, is the reference for what a command line means).

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use lexopt::Parser;

use crate::errs::UsageError;

/// The value of the option just read: `--name=value`, `--name value`, `-xvalue`, `-x value`,
/// and `-x=value`. As in pflag, `-x=` alone is the value "=" (the `=` is dropped only when
/// something follows it); lexopt's own `-x=` handling is switched off in `parser`.
pub fn value(parser: &mut Parser, name: &str) -> Result<OsString, UsageError> {
    if let Some(rest) = parser.optional_value() {
        return Ok(if name.starts_with("--") { rest } else { short_value(rest) });
    }
    parser.value().map_err(|_| UsageError::NeedsValue(name.to_string()))
}

/// What pflag makes of the rest of a short cluster: `-x=v` gives "v", `-x=` gives "=".
fn short_value(rest: OsString) -> OsString {
    match rest.as_bytes().strip_prefix(b"=") {
        Some(after) if !after.is_empty() => OsString::from_vec(after.to_vec()),
        _ => rest,
    }
}

/// A boolean flag: present means on, and any written value (`--overlay=true`) is refused.
pub fn switch(parser: &mut Parser, name: &str) -> Result<bool, UsageError> {
    match parser.optional_value() {
        Some(_) => Err(UsageError::TakesNoValue(name.to_string())),
        None => Ok(true),
    }
}

/// A short switch (`-i`, `-t`), read as pflag does: `-t=x` is a value (refused, named by the
/// long flag), and whatever else follows in the cluster is more flags (`-it`, `-tiw/tmp`).
pub fn short_switch(parser: &mut Parser, long: &str) -> Result<bool, UsageError> {
    let Some(rest) = parser.optional_value() else {
        return Ok(true);
    };
    let rest = rest.to_string_lossy().into_owned();
    if rest.len() > 1 && rest.starts_with('=') {
        return Err(UsageError::TakesNoValue(long.to_string()));
    }
    // lexopt has handed us the rest of the cluster: give it back as a cluster of its own.
    let after: Vec<_> = parser.raw_args().map_err(|e| lexer_error(&e))?.collect();
    *parser = Parser::from_args(std::iter::once(format!("-{rest}").into()).chain(after));
    parser.set_short_equals(false);
    Ok(true)
}

/// `-h`/`--help`, which prints the run usage. A written value is refused like any switch's
/// (`--help=x`, `-h=x`), but `-hx` and `-h=` are help: pflag reads a short cluster one
/// letter at a time and stops at the help.
pub fn help(parser: &mut Parser, name: &str) -> Result<(), UsageError> {
    let refused = match parser.optional_value() {
        None => false,
        Some(_) if name == "--help" => true,
        Some(rest) => rest.len() > 1 && rest.to_string_lossy().starts_with('='),
    };
    if refused {
        return Err(UsageError::TakesNoValue("--help".into()));
    }
    Ok(())
}

/// An unknown flag as pflag spells it: `--nope=1` is "--nope", but `--=x` (which lexopt
/// reads as an empty name with the value "x") is named in full. lexopt names a long option
/// that is not UTF-8 lossily: its bytes are taken back from the argument it came from.
pub fn unknown(parser: &mut Parser, name: String, args: &[OsString]) -> UsageError {
    if let ("--", Some(value)) = (name.as_str(), parser.optional_value()) {
        return UsageError::UnknownFlag([OsString::from("--="), value].into_iter().collect());
    }
    let name_of = |arg: &OsString| arg.as_bytes().split(|b| *b == b'=').next().map(<[u8]>::to_vec);
    let raw = args.iter().filter_map(name_of).find(|raw| String::from_utf8_lossy(raw) == name);
    UsageError::UnknownFlag(raw.map_or_else(|| name.into(), OsString::from_vec))
}

/// lexopt's errors in design.md's wording.
pub fn lexer_error(err: &lexopt::Error) -> UsageError {
    match err {
        lexopt::Error::UnexpectedOption(o) => UsageError::UnknownFlag(o.into()),
        lexopt::Error::MissingValue { option: Some(o) } => UsageError::NeedsValue(o.clone()),
        lexopt::Error::UnexpectedValue { option, .. } => UsageError::TakesNoValue(option.clone()),
        other => UsageError::UnknownFlag(other.to_string().into()),
    }
}
