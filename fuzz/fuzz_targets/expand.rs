//! `expand`: the input is an expression in `x` (the library's definitions in scope), expanded
//! as `taylorgate expand` does: at 0 to order 4 with 6 guaranteed digits (text), and at 1/2 to
//! order 3 (JSON).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some(src) = common::text(data) else {
        return;
    };
    // The options first, then `--`: the input is always the expression, never an option.
    let args = |options: &[&str]| {
        std::iter::once("expand")
            .chain(options.iter().copied())
            .chain(["--", src])
            .map(|s| s.to_string())
            .collect()
    };
    common::command(src, args(&["--order", "4", "--digits", "6"]));
    common::command(
        src,
        args(&["--at", "1/2", "--order", "3", "--format", "json"]),
    );
});
