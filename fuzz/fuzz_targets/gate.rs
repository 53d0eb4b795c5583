//! `gate`: the input is an activation in `x`, analysed as `taylorgate gate` does for two inputs
//! (the derivation, the remainder bound on the unit box), and for an input of even length also
//! with a certificate `--epsilon 1e-3`.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some(src) = common::text(data) else {
        return;
    };
    let mut args = vec!["gate".to_string()];
    if data.len() % 2 == 0 {
        args.extend(["--epsilon".to_string(), "1e-3".to_string()]);
    }
    // `--` last: the input is always the activation, never an option.
    args.extend(["--".to_string(), src.to_string()]);
    common::command(src, args);
});
