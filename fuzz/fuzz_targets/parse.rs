//! The parser on arbitrary text: a `.tg` program and a command-line expression; every error
//! message is checked like the commands' (no internal names).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some(src) = common::text(data) else {
        return;
    };
    let src = src.to_string();
    common::worker(move || {
        let defs = taylorgate::library::definitions();
        if let Err(e) = taylorgate::parse::parse_program(&src, &defs) {
            common::check(&src, &e.to_string());
        }
        if let Err(e) = taylorgate::parse::parse_expr(&src, &defs) {
            common::check(&src, &e.to_string());
        }
    });
});
