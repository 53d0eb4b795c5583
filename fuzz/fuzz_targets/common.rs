#![allow(dead_code)] // each target uses a part
//! Shared by the fuzz targets: the input as text, a budget so that a slow or large input is a
//! clean stop (as on the command line), not a libFuzzer time-out or out-of-memory, and the
//! checks of what a user reads (no internal name, errors about the input placed).
//!
//! Every input runs on one long-lived worker thread with the binary's stack, under a budget
//! whose deadline one long-lived watchdog thread enforces through the budget's cancel flag
//! (the engine's cooperative stop points): no thread is started per input. Starting a
//! 512 MiB-stack thread and a timer thread for every input cost more than most inputs do.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};
use taylorgate::budget::{self, Budget, CountingAlloc};

/// The live heap is counted, as in the `taylorgate` binary, so the memory limit is enforced.
#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// Inputs longer than this are skipped (the parser's own limits are tested separately).
pub const MAX_LEN: usize = 2048;

/// The memory one input may add to the live heap (libFuzzer's own `-rss_limit_mb` is above
/// it). Counted from the heap in use when the input starts, which holds what the process keeps
/// (the table of interned constants only grows), so a long campaign does not drift into the
/// limit.
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

/// The watchdog: sets the cancel flag of the input in progress at its deadline.
struct Watchdog {
    /// The deadline of the input in progress, if one is armed.
    armed: Mutex<Option<Instant>>,
    changed: Condvar,
    /// The cancel flag of every budget of [`budgeted`] (reset for each input).
    cancel: Arc<AtomicBool>,
}

impl Watchdog {
    fn get() -> &'static Watchdog {
        static WATCHDOG: OnceLock<&'static Watchdog> = OnceLock::new();
        WATCHDOG.get_or_init(|| {
            let dog: &'static Watchdog = Box::leak(Box::new(Watchdog {
                armed: Mutex::new(None),
                changed: Condvar::new(),
                cancel: Arc::new(AtomicBool::new(false)),
            }));
            std::thread::Builder::new()
                .name("fuzz-watchdog".into())
                .stack_size(64 << 10)
                .spawn(move || dog.watch())
                .expect("starts the watchdog");
            dog
        })
    }

    fn watch(&self) {
        let mut armed = self.armed.lock().unwrap();
        loop {
            armed = match *armed {
                None => self.changed.wait(armed).unwrap(),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        // Under the lock: `disarm` cannot pass between the test and the store.
                        self.cancel.store(true, Ordering::Relaxed);
                        *armed = None;
                        armed
                    } else {
                        self.changed.wait_timeout(armed, deadline - now).unwrap().0
                    }
                }
            };
        }
    }

    /// A fresh flag (under the lock, so no late stop of the previous input sets it) and the
    /// deadline `DEADLINE` from now.
    fn arm(&self) -> Arc<AtomicBool> {
        let mut armed = self.armed.lock().unwrap();
        self.cancel.store(false, Ordering::Relaxed);
        *armed = Some(Instant::now() + DEADLINE);
        self.changed.notify_one();
        self.cancel.clone()
    }

    fn disarm(&self) {
        *self.armed.lock().unwrap() = None;
    }
}

/// Runs `f` under the [`DEADLINE`] and a [`MEMORY`] budget; a stop by the budget is a normal
/// outcome, and its message is checked like any other.
pub fn budgeted<T>(f: impl FnOnce() -> T) -> Option<T> {
    let dog = Watchdog::get();
    let memory = budget::live_bytes().unwrap_or(0).saturating_add(MEMORY);
    let cancel = dog.arm();
    let result = Budget::new().with_cancel(cancel).with_memory(memory).run(f);
    dog.disarm();
    match result {
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

/// Runs a `taylorgate` subcommand as the binary does (the arguments parsed by clap, on the
/// worker thread with the binary's stack, under [`budgeted`]) and checks what a user would
/// read: the output and the error message, and that an error about the input (kind `parse`,
/// `math` or `limit`) says where, with line and column. `input` is the fuzzed text (a leak
/// pattern it contains itself may be echoed back).
pub fn command(input: &str, args: Vec<String>) {
    let input = input.to_string();
    worker(move || {
        // As `Cli::try_parse_from`, on one clap command built once (building it costs more
        // than parsing).
        thread_local! {
            static CLAP: std::cell::RefCell<clap::Command> =
                std::cell::RefCell::new(<Cli as clap::CommandFactory>::command());
        }
        let argv = std::iter::once("taylorgate".to_string()).chain(args);
        let parsed = CLAP.with(|clap| {
            let matches = clap.borrow_mut().try_get_matches_from_mut(argv)?;
            <Cli as clap::FromArgMatches>::from_arg_matches(&matches)
        });
        let cli = match parsed {
            Ok(cli) => cli,
            // The text is an argument clap itself refuses (one starting with `--`, say).
            Err(_) => return,
        };
        let outcome = budgeted(|| run(cli.command));
        match outcome {
            Some(Ok(outcome)) => check(&input, &outcome.output),
            Some(Err(error)) => {
                check(&input, &error.to_string());
                placed(&error);
            }
            None => {}
        }
    });
}

/// An error about the input says where: line and column (what the binary's JSON error
/// carries, and the caret of its text).
pub fn placed(error: &taylorgate::Error) {
    let data = taylorgate::session::ErrorData::new(error);
    if matches!(data.kind, "parse" | "math" | "limit") {
        assert!(
            data.line.is_some() && data.column.is_some(),
            "an error about the input without line and column ({}): {}",
            data.kind,
            data.message
        );
    }
}

type Job = Box<dyn FnOnce() + Send>;
type Done = std::thread::Result<()>;

/// The worker thread's two ends: jobs in, their ends out.
struct Worker {
    jobs: Sender<Job>,
    done: Receiver<Done>,
}

/// Runs `f` on the long-lived worker thread (the binary's stack) and waits for it. A panic
/// aborts first (libFuzzer's panic hook); without the hook it is raised again here.
pub fn worker(f: impl FnOnce() + Send + 'static) {
    static WORKER: OnceLock<Mutex<Worker>> = OnceLock::new();
    let worker = WORKER.get_or_init(|| {
        let (jobs, inbox) = channel::<Job>();
        let (outbox, done) = channel::<Done>();
        std::thread::Builder::new()
            .name("fuzz-worker".into())
            .stack_size(STACK_BYTES)
            .spawn(move || {
                for job in inbox {
                    let ended = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                    if outbox.send(ended).is_err() {
                        break;
                    }
                }
            })
            .expect("spawns the worker");
        Mutex::new(Worker { jobs, done })
    });
    let worker = worker.lock().unwrap_or_else(|e| e.into_inner());
    worker.jobs.send(Box::new(f)).expect("the worker runs");
    if let Err(panic) = worker.done.recv().expect("the worker answers") {
        std::panic::resume_unwind(panic);
    }
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
