//! The `taylorgate` command: reads arguments, runs a subcommand, prints its answer.
//!
//! Exit codes: 0 done, 1 a negative mathematical answer, 2 bad input or an error.

use clap::{Parser, Subcommand};
use std::time::Duration;
use taylorgate::budget::{self, Budget};
use taylorgate::commands;
use taylorgate::session::ErrorData;

/// The live heap is counted for the memory limit (`--memory`).
#[global_allocator]
static ALLOC: budget::CountingAlloc = budget::CountingAlloc;

/// Exact Taylor series, and proofs of what small neural networks compute.
#[derive(Parser)]
#[command(name = "taylorgate", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Stop with exit 2 after this many seconds, saying what was being computed (default 60;
    /// for `scan`, per activation, default 20)
    #[arg(long, global = true, value_name = "SECONDS")]
    timeout: Option<f64>,
    /// Stop with exit 2 when the computation holds more than this many MiB of memory
    #[arg(long, global = true, value_name = "MIB", default_value_t = budget::DEFAULT_MEMORY_MIB)]
    memory: u64,
}

#[derive(Subcommand)]
enum Command {
    /// Symbolic derivatives, and their exact values at a point.
    Diff(commands::diff::DiffArgs),
    /// The exact Taylor expansion of an expression at a point.
    Expand(commands::expand::ExpandArgs),
    /// Does an activation admit the multiplication gate, and what exactly does the network compute.
    Gate(commands::gate::GateArgs),
    /// Decide the claims of a `.tg` file.
    Prove(commands::prove::ProveArgs),
    /// The built-in library of named activations.
    List(commands::list::ListArgs),
    /// The gate analysis of every activation of the library (or of a file).
    Scan(commands::scan::ScanArgs),
    /// Plots: the gate's error against lambda, its heat map, Taylor polynomials (SVG, PNG, CSV).
    Plot(commands::plot::PlotArgs),
}

impl Command {
    /// The subcommand's name, and whether it was asked for JSON (errors are then printed as a
    /// JSON object on standard output).
    fn name_and_json(&self) -> (&'static str, bool) {
        use commands::*;
        match self {
            Command::Diff(a) => ("diff", a.format == diff::Format::Json),
            Command::Expand(a) => ("expand", a.format == expand::Format::Json),
            Command::Gate(a) => ("gate", a.format == gate::GateFormat::Json),
            Command::Prove(a) => ("prove", a.format == prove::ProveFormat::Json),
            Command::List(a) => ("list", a.format == list::ListFormat::Json),
            Command::Scan(a) => ("scan", a.format == scan::ScanFormat::Json),
            Command::Plot(_) => ("plot", false),
        }
    }
}

/// The expression argument `-` means: read it from standard input.
fn expression(text: &mut String) -> Result<(), taylorgate::Error> {
    if text == "-" {
        *text = taylorgate::session::read_source(std::path::Path::new("-"))?
            .trim()
            .to_string();
    }
    Ok(())
}

fn run(command: Command) -> Result<commands::Outcome, taylorgate::Error> {
    match command {
        Command::Diff(mut args) => {
            expression(&mut args.expr)?;
            commands::diff::run(&args)
        }
        Command::Expand(mut args) => {
            expression(&mut args.expr)?;
            commands::expand::run(&args)
        }
        Command::Gate(mut args) => {
            expression(&mut args.activation)?;
            commands::gate::run(&args)
        }
        Command::Prove(args) => commands::prove::run(&args),
        Command::List(args) => commands::list::run(&args),
        Command::Scan(args) => commands::scan::run(&args),
        Command::Plot(args) => commands::plot::run(&args),
    }
}

/// Deep (but bounded) expressions recurse; run on a thread with a large stack.
const STACK_BYTES: usize = 512 << 20;

/// After the deadline, the stop points of the engine end the computation within moments; a
/// computation still running this much later is stopped by the process itself.
const GRACE: Duration = Duration::from_secs(5);

fn seconds(s: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(s)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("--timeout must be a positive number of seconds, not {s}"))
}

/// Prints an error: a JSON object on standard output when JSON was asked, else a line on
/// standard error. Returns the exit code 2.
fn report_error(error: &ErrorData, command: &'static str, json: bool) -> i32 {
    if json {
        print!("{}", error.to_json(command));
    } else {
        eprintln!("error: {}", error.message);
    }
    2
}

fn main() {
    let mut cli = Cli::parse();
    let (command_name, json) = cli.command.name_and_json();
    let memory = usize::try_from(cli.memory.saturating_mul(1 << 20)).unwrap_or(usize::MAX);
    let timeout = match cli.timeout.map(seconds).transpose() {
        Ok(t) => t,
        Err(message) => {
            let error = ErrorData::usage(message);
            std::process::exit(report_error(&error, command_name, json));
        }
    };
    // `scan` spends the time-out on each activation; every other command on the whole run.
    let timeout = match &mut cli.command {
        Command::Scan(args) => {
            args.timeout =
                timeout.unwrap_or(Duration::from_secs(budget::DEFAULT_SCAN_TIMEOUT_SECS));
            None
        }
        _ => Some(timeout.unwrap_or(Duration::from_secs(budget::DEFAULT_TIMEOUT_SECS))),
    };
    let mut budget = Budget::new().with_memory(memory).with_progress(true);
    if let Some(t) = timeout {
        budget = budget.with_timeout(t);
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let command = cli.command;
    let spawned = std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                budget
                    .run(|| run(command))
                    .unwrap_or_else(|i| Err(i.into()))
            }));
            let _ = tx.send(result);
        });
    if let Err(e) = spawned {
        let error = ErrorData::internal_with(format!("cannot start the worker thread: {e}"));
        std::process::exit(report_error(&error, command_name, json));
    }
    let received = match timeout {
        Some(t) => rx.recv_timeout(t + GRACE).map_err(|_| ()),
        None => rx.recv().map_err(|_| ()),
    };
    let code = match received {
        Ok(Ok(Ok(outcome))) => {
            print!("{}", outcome.output);
            outcome.status.code()
        }
        Ok(Ok(Err(error))) => report_error(&ErrorData::new(&error), command_name, json),
        Ok(Err(_)) => report_error(&ErrorData::internal(), command_name, json),
        Err(()) => {
            let error = ErrorData {
                kind: "interrupted",
                message: format!(
                    "timeout after {} s (raise it with --timeout); the computation did not reach a stop point (please report the input)",
                    timeout.unwrap_or_default().as_secs_f64()
                ),
                line: None,
                column: None,
            };
            report_error(&error, command_name, json)
        }
    };
    std::process::exit(code);
}
