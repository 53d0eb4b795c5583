//! The parser on arbitrary text: a `.tg` program and a command-line expression.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some(src) = common::text(data) else { return };
    let defs = taylorgate::library::definitions();
    if let Err(e) = taylorgate::parse::parse_program(src, &defs) {
        common::no_internal_names(&e.to_string());
    }
    if let Err(e) = taylorgate::parse::parse_expr(src, &defs) {
        common::no_internal_names(&e.to_string());
    }
});
