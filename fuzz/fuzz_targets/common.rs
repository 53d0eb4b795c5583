#![allow(dead_code)] // each target uses a part
//! Shared by the fuzz targets: the input as text, a budget so that a slow or large input is a
//! clean stop (as on the command line), not a libFuzzer time-out or out-of-memory, and the
//! check that no message names an internal variable.

use std::time::Duration;
use taylorgate::budget::{Budget, CountingAlloc};

/// The live heap is counted, as in the `taylorgate` binary, so the memory limit is enforced.
#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// Inputs longer than this are skipped (the parser's own limits are tested separately).
pub const MAX_LEN: usize = 2048;

/// The memory limit of one input (libFuzzer's own `-rss_limit_mb` is above it).
const MEMORY: usize = 512 << 20;

/// The input as UTF-8 text, if it is.
pub fn text(data: &[u8]) -> Option<&str> {
    if data.len() > MAX_LEN {
        return None;
    }
    std::str::from_utf8(data).ok()
}

/// The deadline of one input: short, so that the fuzzer spends its time on many inputs; an
/// input that runs on past it (a loop without a stop point) is caught by libFuzzer's
/// `-timeout=10`.
const DEADLINE: Duration = Duration::from_millis(250);

/// Runs `f` under the [`DEADLINE`] and a 512 MiB budget; a stop by the budget is a normal
/// outcome, and its message is checked like any other.
pub fn budgeted<T>(f: impl FnOnce() -> T) -> Option<T> {
    match Budget::new()
        .with_timeout(DEADLINE)
        .with_memory(MEMORY)
        .run(f)
    {
        Ok(v) => Some(v),
        Err(stop) => {
            no_internal_names(&stop.to_string());
            None
        }
    }
}

/// No message names an internal variable (the engine's own names start with `__`) or carries
/// an internal error (a Rust `Debug` dump or a panic text).
pub fn no_internal_names(message: &str) {
    check("", message);
}

/// What no message may contain: the engine's internal names start with `__`; the others are
/// a panic's text, the binary's "internal error" and Rust `Debug` dumps.
const LEAKS: [&str; 6] = [
    "__",
    "panicked",
    "RUST_BACKTRACE",
    "internal error",
    "Some(",
    "None)",
];

/// The deepest recursion of the binary's worker thread (`src/main.rs`), so that a deep input
/// behaves here as it does on the command line.
const STACK_BYTES: usize = 512 << 20;

/// Runs a `taylorgate` subcommand as the binary does (the arguments parsed by clap, a worker
/// thread with the binary's stack, under [`budgeted`]) and checks what a user would read: the
/// output and the error message. `input` is the fuzzed text (a leak pattern it contains itself
/// may be echoed back).
pub fn command(input: &str, args: Vec<String>) {
    let input = input.to_string();
    worker(move || {
        let cli = match <Cli as clap::Parser>::try_parse_from(
            std::iter::once("taylorgate".to_string()).chain(args),
        ) {
            Ok(cli) => cli,
            // The text is an argument clap itself refuses (one starting with `--`, say).
            Err(_) => return,
        };
        let outcome = budgeted(|| run(cli.command));
        match outcome {
            Some(Ok(outcome)) => check(&input, &outcome.output),
            Some(Err(error)) => check(&input, &error.to_string()),
            None => {}
        }
    });
}

/// Runs `f` on a thread with the binary's stack and waits for it.
pub fn worker(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(f)
        .expect("spawns")
        .join()
        .expect("no panic (the panic hook aborts first)");
}

/// The checks of [`no_internal_names`], minus what the input itself contains.
pub fn check(input: &str, message: &str) {
    // The caret display drops control characters: `RUST_BACK\rTRACE` is shown joined.
    let shown: String = input.chars().filter(|c| !c.is_control()).collect();
    for leak in LEAKS {
        assert!(
            input.contains(leak) || shown.contains(leak) || !message.contains(leak),
            "`{leak}` in a message: {message}"
        );
    }
}

/// The binary's command line, read as the binary reads it.
#[path = "../../src/cli/args.rs"]
mod args;

use args::Cli;

/// Runs a parsed subcommand (an expression `-` is the text `-` here, not standard input).
fn run(command: args::Command) -> Result<taylorgate::commands::Outcome, taylorgate::Error> {
    taylorgate::commands::Command::from(command).run()
}
