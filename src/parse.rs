//! Source text -> checked syntax tree -> [`crate::expr`].
//!
//! STATUS: API fixed; implementation in progress.

use crate::expr::{Definitions, Expr, Program};
use thiserror::Error;

/// Longest accepted source text, in bytes.
pub const MAX_INPUT_BYTES: usize = 16 << 20;
/// Deepest accepted nesting of parentheses, brackets and operators.
pub const MAX_DEPTH: usize = 1000;

/// One or more errors in a source text, each with its line, column and a caret under the
/// offending text.
#[derive(Debug, Error)]
#[error("{message}")]
pub struct ParseError {
    message: String,
}

impl ParseError {
    /// The same errors, reported as coming from the file `path`.
    pub fn with_path(self, path: &str) -> ParseError {
        ParseError {
            message: format!("{path}: {}", self.message),
        }
    }
}

/// Parses and checks one expression (names resolved against `defs`; other bare names are free
/// variables).
pub fn parse_expr(_src: &str, _defs: &Definitions) -> Result<Expr, ParseError> {
    todo!()
}

/// Parses and checks a `.tg` file: one statement per line, `#` comments.
pub fn parse_program(_src: &str, _defs: &Definitions) -> Result<Program, ParseError> {
    todo!()
}
