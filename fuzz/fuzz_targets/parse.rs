//! The parser on arbitrary text: a `.tg` program and a command-line expression; every error
//! message is checked like the commands' (no internal names, line and column).
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
        // The library's definitions, read once (parsing takes them by reference).
        static DEFS: std::sync::OnceLock<taylorgate::expr::Definitions> =
            std::sync::OnceLock::new();
        let defs = DEFS.get_or_init(taylorgate::library::definitions);
        if let Err(e) = taylorgate::parse::parse_program(&src, defs) {
            common::check(&src, &e.to_string());
            common::placed(&e.into());
        }
        if let Err(e) = taylorgate::parse::parse_expr(&src, defs) {
            common::check(&src, &e.to_string());
            common::placed(&e.into());
        }
    });
});
