//! Shared by the fuzz targets: the input as text, and a budget so that a slow input is a
//! clean stop (as on the command line), not a libFuzzer time-out.

use std::time::Duration;
use taylorgate::budget::Budget;

/// Inputs longer than this are skipped (the parser's own limits are tested separately).
pub const MAX_LEN: usize = 2048;

/// The input as UTF-8 text, if it is.
pub fn text(data: &[u8]) -> Option<&str> {
    if data.len() > MAX_LEN {
        return None;
    }
    std::str::from_utf8(data).ok()
}

/// Runs `f` under a one-second budget; a stop by the budget is a normal outcome.
pub fn budgeted<T>(f: impl FnOnce() -> T) -> Option<T> {
    Budget::new()
        .with_timeout(Duration::from_secs(1))
        .run(f)
        .ok()
}

/// No error message names an internal variable.
pub fn no_internal_names(message: &str) {
    assert!(!message.contains("__"), "internal name in a message: {message}");
}
