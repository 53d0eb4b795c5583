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

/// Reads a source file; the path `-` reads standard input.
pub fn read_source(path: &std::path::Path) -> Result<String, crate::Error> {
    let read = |e: std::io::Error| crate::UsageError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(read)?;
        Ok(text)
    } else {
        Ok(std::fs::read_to_string(path).map_err(read)?)
    }
}

/// Reads the `--file` argument, if any, into the definitions in scope (on top of the built-in
/// activation library).
pub fn load_definitions(
    file: Option<&std::path::Path>,
) -> Result<crate::Definitions, crate::Error> {
    let mut defs = crate::library::definitions();
    if let Some(path) = file {
        let src = read_source(path)?;
        let program = crate::parse::parse_program(&src, &defs)
            .map_err(|e| e.with_path(&path.display().to_string()))?;
        defs.extend_with(&program);
    }
    Ok(defs)
}

/// The function of one variable `var` that a command argument names, with every definition
/// inlined, validated the same way by every command: the name of a one-argument built-in or
/// definition means that function of `var` (`tanh` is `tanh(x)`, `softplus` is
/// `softplus(x)`); anything else is parsed as an expression, which may use no other free name
/// than `var`.
pub fn function_of(
    text: &str,
    var: &str,
    defs: &crate::Definitions,
) -> Result<crate::Expr, crate::Error> {
    use crate::expr::{Expr, Func};
    let name = text.trim();
    let expr = match (Func::from_name(name), defs.function(name)) {
        (Some(f), _) if f.arity() == 1 => Expr::call(f, Expr::var(var)),
        (_, Some(def)) if def.params.len() == 1 => {
            Expr::Apply(name.to_string(), vec![Expr::var(var)])
        }
        (_, Some(def)) => {
            return Err(crate::UsageError::NotUnary {
                name: name.to_string(),
                arity: def.params.len(),
            }
            .into())
        }
        _ => crate::parse::parse_expr(text, defs)?,
    };
    let inlined = crate::diff::inline_definitions(&expr, defs)
        .map_err(|e| crate::Error::from(e).located(text))?;
    let mut free = inlined.free_variables();
    free.retain(|v| v != var);
    if !free.is_empty() {
        return Err(crate::UsageError::UnknownNames {
            names: free,
            var: var.to_string(),
        }
        .into());
    }
    Ok(inlined)
}
