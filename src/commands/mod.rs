//! The command-line subcommands as library functions, thin over [`crate::session`].
//!
//! Each subcommand takes its parsed arguments, asks the [`Session`] for its report and returns
//! an [`Outcome`]: the rendering asked for (text, JSON in the schema `taylorgate/1`, LaTeX,
//! Markdown, CSV) and the exit status. `main.rs` only parses arguments and prints.

use crate::session::{Report, Session};

pub mod diff;
pub mod expand;
pub mod gate;
pub mod list;
pub mod plot;
pub mod prove;
pub mod scan;

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
