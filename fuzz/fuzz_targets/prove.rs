//! `prove`: the input is a `.tg` program whose claims are decided.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some(src) = common::text(data) else { return };
    let defs = taylorgate::library::definitions();
    let Ok(program) = taylorgate::parse::parse_program(src, &defs) else { return };
    common::budgeted(|| {
        for report in taylorgate::prove::prove_program(&program, &defs) {
            common::no_internal_names(&format!("{report:?}"));
        }
    });
});
