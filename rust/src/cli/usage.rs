//! The usage texts and the version; testdata/usage/*.txt are the texts themselves, so the
//! twins print them byte for byte.

/// mvrc's version; the repository's VERSION file says the same.
pub const VERSION: &str = "0.1.0";

/// `mvrc help`.
pub const USAGE: &str = include_str!("../../../testdata/usage/mvrc.txt");

/// `mvrc help run`.
pub const RUN_USAGE: &str = include_str!("../../../testdata/usage/run.txt");
