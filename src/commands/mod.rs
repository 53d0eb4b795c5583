//! The command-line subcommands as library functions.
//!
//! Each subcommand takes its parsed arguments and returns an [`Outcome`]: the text and JSON
//! renderings of its answer and the exit status. `main.rs` only parses arguments and prints.

use serde_json::Value;

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

    /// Pretty-printed JSON with a trailing newline.
    pub fn json(value: &Value, status: Status) -> Outcome {
        let mut output = serde_json::to_string_pretty(value).expect("JSON values always print");
        output.push('\n');
        Outcome { output, status }
    }
}

/// Reads the `--file` argument, if any, into the definitions in scope (on top of the built-in
/// activation library).
pub fn load_definitions(
    file: Option<&std::path::Path>,
) -> Result<crate::Definitions, crate::Error> {
    let mut defs = crate::library::definitions();
    if let Some(path) = file {
        let src = std::fs::read_to_string(path)
            .map_err(|e| crate::Error::Usage(format!("cannot read {}: {e}", path.display())))?;
        let program = crate::parse::parse_program(&src, &defs)
            .map_err(|e| e.with_path(&path.display().to_string()))?;
        defs.extend_with(&program);
    }
    Ok(defs)
}
