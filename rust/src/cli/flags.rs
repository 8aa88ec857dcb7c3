// Flag-level rules: values, switches and lexer errors, in pflag's semantics and design.md's
// wording (pflag, which the Go twin uses, is the reference for what a command line means).

use lexopt::Parser;

use crate::errs::UsageError;

/// The value of the option just read: `--name=value`, `--name value`, `-xvalue`, `-x value`,
/// and `-x=value`. As in pflag, `-x=` alone is the value "=" (the `=` is dropped only when
/// something follows it); lexopt's own `-x=` handling is switched off in `parser`.
pub fn value(parser: &mut Parser, name: &str) -> Result<String, UsageError> {
    if let Some(rest) = parser.optional_value() {
        let rest = rest.to_string_lossy().into_owned();
        return Ok(match name.starts_with("--") {
            true => rest,
            false => short_value(rest),
        });
    }
    match parser.value() {
        Ok(v) => Ok(v.to_string_lossy().into_owned()),
        Err(_) => Err(UsageError::NeedsValue(name.to_string())),
    }
}

/// What pflag makes of the rest of a short cluster: `-x=v` gives "v", `-x=` gives "=".
fn short_value(rest: String) -> String {
    match rest.strip_prefix('=') {
        Some(after) if !after.is_empty() => after.to_string(),
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
    match refused {
        true => Err(UsageError::TakesNoValue("--help".into())),
        false => Ok(()),
    }
}

/// An unknown flag as pflag spells it: `--nope=1` is "--nope", but `--=x` (which lexopt
/// reads as an empty name with the value "x") is named in full.
pub fn unknown(parser: &mut Parser, name: String) -> UsageError {
    match (name.as_str(), parser.optional_value()) {
        ("--", Some(value)) => UsageError::UnknownFlag(format!("--={}", value.to_string_lossy())),
        _ => UsageError::UnknownFlag(name),
    }
}

/// lexopt's errors in design.md's wording.
pub fn lexer_error(err: &lexopt::Error) -> UsageError {
    match err {
        lexopt::Error::UnexpectedOption(o) => UsageError::UnknownFlag(o.clone()),
        lexopt::Error::MissingValue { option: Some(o) } => UsageError::NeedsValue(o.clone()),
        lexopt::Error::UnexpectedValue { option, .. } => UsageError::TakesNoValue(option.clone()),
        other => UsageError::UnknownFlag(other.to_string()),
    }
}
