//! The command-line subcommands as library functions, thin over [`crate::session`].
//!
//! Each subcommand takes its parsed arguments, asks the [`Session`] for its report and returns
//! an [`Outcome`]: the rendering asked for (text, JSON in the schema `taylorgate/1`, LaTeX,
//! Markdown, CSV) and the exit status. The arguments are plain values ([`Command`]); the
//! binary's `cli` module reads them from the command line (with clap, which the library does
//! not depend on) and prints.

use crate::session::{Report, Session};

pub mod diff;
pub mod expand;
pub mod gate;
pub mod list;
pub mod plot;
pub mod prove;
pub mod scan;

crate::choice::choice_enum! {
    /// The output format of `diff`, `expand`, `gate` and `prove`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    pub enum Format {
        /// Plain text: the report, or the derivation step by step (mathematics in the
        /// language, so that it parses back).
        #[default]
        Text = "text",
        /// The schema `taylorgate/1` (`schema/taylorgate-1.json`).
        Json = "json",
        /// LaTeX (a fragment; a whole document with `--standalone`).
        Latex = "latex",
        /// Markdown with `$...$` mathematics.
        Markdown = "markdown",
    }
}

impl Format {
    /// The format of the teaching layer's document (`None` for JSON, which is no document).
    pub fn document(self) -> Option<crate::teach::Format> {
        match self {
            Format::Text => Some(crate::teach::Format::Text),
            Format::Json => None,
            Format::Latex => Some(crate::teach::Format::Latex),
            Format::Markdown => Some(crate::teach::Format::Markdown),
        }
    }
}

/// A subcommand with its arguments.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// `taylorgate diff`.
    Diff(diff::DiffArgs),
    /// `taylorgate expand`.
    Expand(expand::ExpandArgs),
    /// `taylorgate gate`.
    Gate(gate::GateArgs),
    /// `taylorgate prove`.
    Prove(prove::ProveArgs),
    /// `taylorgate list`.
    List(list::ListArgs),
    /// `taylorgate scan`.
    Scan(scan::ScanArgs),
    /// `taylorgate plot`.
    Plot(plot::PlotArgs),
}

impl Command {
    /// The subcommand's name (the `command` of its JSON).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Diff(_) => "diff",
            Command::Expand(_) => "expand",
            Command::Gate(_) => "gate",
            Command::Prove(_) => "prove",
            Command::List(_) => "list",
            Command::Scan(_) => "scan",
            Command::Plot(_) => "plot",
        }
    }

    /// Whether JSON was asked (an error is then a JSON object of the schema).
    pub fn json(&self) -> bool {
        match self {
            Command::Diff(a) => a.format == Format::Json,
            Command::Expand(a) => a.format == Format::Json,
            Command::Gate(a) => a.format == Format::Json,
            Command::Prove(a) => a.format == Format::Json,
            Command::List(a) => a.format == list::ListFormat::Json,
            Command::Scan(a) => a.format == scan::ScanFormat::Json,
            Command::Plot(_) => false,
        }
    }

    /// Runs the subcommand.
    pub fn run(&self) -> Result<Outcome, crate::Error> {
        match self {
            Command::Diff(a) => diff::run(a),
            Command::Expand(a) => expand::run(a),
            Command::Gate(a) => gate::run(a),
            Command::Prove(a) => prove::run(a),
            Command::List(a) => list::run(a),
            Command::Scan(a) => scan::run(a),
            Command::Plot(a) => plot::run(a),
        }
    }
}

/// Exit status of a subcommand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// 0: done (claims proved, the activation admits the gate).
    Done,
    /// 1: a negative mathematical answer (a refuted or undecided claim, no gate).
    Negative,
}

impl Status {
    /// The process exit code (0 or 1; errors exit with 2).
    pub fn code(self) -> i32 {
        match self {
            Status::Done => 0,
            Status::Negative => 1,
        }
    }
}

/// What a subcommand answers: the rendering asked for, and the exit status.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The answer, rendered in the requested format (text, JSON, LaTeX, markdown, CSV).
    pub output: String,
    /// Exit status.
    pub status: Status,
}

impl Outcome {
    /// A successful answer.
    pub fn done(output: String) -> Outcome {
        Outcome {
            output,
            status: Status::Done,
        }
    }

    /// A report in the JSON schema `taylorgate/1`.
    pub fn report<R: Report>(report: &R, status: Status) -> Outcome {
        Outcome {
            output: report.to_json(),
            status,
        }
    }
}

/// A session with the built-in library and the definitions of the `--file` argument, if any.
pub fn session(file: Option<&std::path::Path>) -> Result<Session, crate::Error> {
    let mut session = Session::new();
    if let Some(path) = file {
        session.load_file(path)?;
    }
    Ok(session)
}
