//! `prove`: the input is a `.tg` program whose claims `taylorgate prove` decides (with the
//! remainder bounds of the proved ones), read from a file as on the command line.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some(src) = common::text(data) else {
        return;
    };
    let path =
        std::env::temp_dir().join(format!("taylorgate-fuzz-prove-{}.tg", std::process::id()));
    std::fs::write(&path, src).expect("writes the program");
    common::command(
        src,
        vec!["prove".into(), "--".into(), path.display().to_string()],
    );
});
