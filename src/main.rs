//! The `taylorgate` command: reads arguments, runs a subcommand, prints its answer.
//!
//! Exit codes: 0 done, 1 a negative mathematical answer, 2 bad input or an error.

use clap::{Parser, Subcommand};
use taylorgate::commands;

/// Exact Taylor series, and proofs of what small neural networks compute.
#[derive(Parser)]
#[command(name = "taylorgate", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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

fn run(cli: Cli) -> Result<commands::Outcome, taylorgate::Error> {
    match cli.command {
        Command::Diff(args) => commands::diff::run(&args),
        Command::Expand(args) => commands::expand::run(&args),
        Command::Gate(args) => commands::gate::run(&args),
        Command::Prove(args) => commands::prove::run(&args),
        Command::List(args) => commands::list::run(&args),
        Command::Scan(args) => commands::scan::run(&args),
        Command::Plot(args) => commands::plot::run(&args),
    }
}

/// Deep (but bounded) expressions recurse; run on a thread with a large stack.
const STACK_BYTES: usize = 512 << 20;

fn main() {
    let cli = Cli::parse();
    let (command, json) = cli.command.name_and_json();
    let worker = std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(move || run(cli))
        .expect("cannot start the worker thread");
    let code = match worker.join() {
        Ok(Ok(outcome)) => {
            print!("{}", outcome.output);
            outcome.status.code()
        }
        Ok(Err(error)) if json => {
            print!(
                "{}",
                taylorgate::session::ErrorData::new(&error).to_json(command)
            );
            2
        }
        Ok(Err(error)) => {
            eprintln!("error: {error}");
            2
        }
        Err(_) if json => {
            print!(
                "{}",
                taylorgate::session::ErrorData::internal().to_json(command)
            );
            2
        }
        Err(_) => {
            eprintln!("error: internal error (a bug in taylorgate; please report the input)");
            2
        }
    };
    std::process::exit(code);
}
