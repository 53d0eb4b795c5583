//! `gate`: the input is an activation in `x`, analysed for two inputs.
#![no_main]
use libfuzzer_sys::fuzz_target;
use taylorgate::gate::{analyze, GateOptions};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some(src) = common::text(data) else { return };
    let defs = taylorgate::library::definitions();
    let Ok(expr) = taylorgate::parse::parse_expr(src, &defs) else { return };
    common::budgeted(|| {
        let Ok(sigma) = taylorgate::diff::inline_definitions(&expr, &defs) else { return };
        if let Err(e) = analyze(&sigma, &GateOptions::default()) {
            common::no_internal_names(&e.to_string());
        }
    });
});
