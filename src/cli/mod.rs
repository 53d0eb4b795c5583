//! The `taylorgate` command: reads the arguments ([`args`]), runs the subcommand of the library
//! on a worker thread under a budget, prints its answer or its error.
//!
//! Exit codes: 0 done, 1 a negative mathematical answer, 2 bad input or an error. With
//! `--format json`, every error (a bad command line too) is the schema's JSON error object on
//! standard output.

pub mod args;

use clap::error::ErrorKind;
use clap::Parser;
use std::ffi::OsString;
use std::time::Duration;
use taylorgate::budget::{self, Budget};
use taylorgate::commands::{self, Command};
use taylorgate::session::ErrorData;

/// The expression argument `-` means: read it from standard input.
fn expression(text: &mut String) -> Result<(), taylorgate::Error> {
    if text == "-" {
        *text = taylorgate::session::read_source(std::path::Path::new("-"))?
            .trim()
            .to_string();
    }
    Ok(())
}

/// Runs a subcommand, its expression read from standard input when it is `-`.
fn run(mut command: Command) -> Result<commands::Outcome, taylorgate::Error> {
    match &mut command {
        Command::Diff(args) => expression(&mut args.expr)?,
        Command::Expand(args) => expression(&mut args.expr)?,
        Command::Gate(args) => expression(&mut args.activation)?,
        _ => {}
    }
    command.run()
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
fn report_error(error: &ErrorData, command: Option<&'static str>, json: bool) -> i32 {
    if json {
        // A closed standard output (`| head`) has nothing left to tell: the code says it.
        let _ = write_output(&error.to_json(command));
    } else {
        eprintln!("error: {}", error.message);
    }
    2
}

/// Writes the output on standard output. `print!` panics when the reader has gone (`| head`
/// closes the pipe); this returns the error instead.
fn write_output(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Whether the raw command line asks for JSON: `--format json` or `--format=json` anywhere
/// before a `--`.
fn asks_json(argv: &[OsString]) -> bool {
    let argv: Vec<&str> = argv
        .iter()
        .skip(1)
        .map(|a| a.to_str().unwrap_or(""))
        .take_while(|a| *a != "--")
        .collect();
    argv.contains(&"--format=json")
        || argv
            .windows(2)
            .any(|w| w[0] == "--format" && w[1] == "json")
}

/// The subcommand a raw command line names: its first word that is neither an option nor the
/// value of a global option, when it is a subcommand's name.
fn named_command(argv: &[OsString]) -> Option<&'static str> {
    let mut words = argv.iter().skip(1).map(|a| a.to_str().unwrap_or(""));
    while let Some(word) = words.next() {
        match word {
            "--timeout" | "--memory" => {
                words.next();
            }
            w if w.starts_with('-') => {}
            w => return args::COMMANDS.iter().copied().find(|c| *c == w),
        }
    }
    None
}

/// A command line clap refuses: its help, version and usage errors as clap prints them, or,
/// with `--format json`, the schema's error object of kind `usage` (exit 2). `plot` has no JSON
/// output (its data is `--format csv`): asking for it is such an error.
fn refused(error: clap::Error, argv: &[OsString]) -> ! {
    let shown = matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if shown || !asks_json(argv) {
        error.exit()
    }
    let command = named_command(argv);
    let message = if command == Some("plot") {
        PLOT_JSON.to_string()
    } else {
        let text = error.render().to_string();
        let text = text.trim();
        text.strip_prefix("error: ").unwrap_or(text).to_string()
    };
    std::process::exit(report_error(&ErrorData::usage(message), command, true))
}

/// The usage error of `plot --format json`.
const PLOT_JSON: &str =
    "`plot` has no JSON output: `--format csv` gives the plotted data, `--format svg` the picture";

/// Reads the command line, runs the subcommand, prints, and exits.
pub fn main() -> ! {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let cli = match args::Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(error) => refused(error, &argv),
    };
    let mut command: Command = cli.command.into();
    let (command_name, json) = (Some(command.name()), command.json());
    let memory = usize::try_from(cli.memory.saturating_mul(1 << 20)).unwrap_or(usize::MAX);
    let timeout = match cli.timeout.map(seconds).transpose() {
        Ok(t) => t,
        Err(message) => {
            let error = ErrorData::usage(message);
            std::process::exit(report_error(&error, command_name, json));
        }
    };
    // `scan` spends the time-out on each activation; every other command on the whole run.
    let timeout = match &mut command {
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
        Ok(Ok(Ok(outcome))) => match write_output(&outcome.output) {
            // The reader stopped reading (`| head`): not an error of the command.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => outcome.status.code(),
            Err(e) => {
                eprintln!("error: cannot write the output: {e}");
                2
            }
            Ok(()) => outcome.status.code(),
        },
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

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<OsString> {
        std::iter::once("taylorgate")
            .chain(words.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn json_is_asked_before_a_double_dash() {
        assert!(asks_json(&argv(&["gate", "x", "--format", "json"])));
        assert!(asks_json(&argv(&["--format=json", "gate"])));
        assert!(!asks_json(&argv(&["gate", "x", "--format", "text"])));
        assert!(!asks_json(&argv(&["expand", "--", "--format", "json"])));
    }

    #[test]
    fn the_named_command_skips_global_options() {
        assert_eq!(
            named_command(&argv(&["--timeout", "5", "scan"])),
            Some("scan")
        );
        assert_eq!(
            named_command(&argv(&["--memory", "9", "-x", "gate"])),
            Some("gate")
        );
        assert_eq!(named_command(&argv(&["bogus", "gate"])), None);
        assert_eq!(named_command(&argv(&["--format", "json"])), None);
    }
}
