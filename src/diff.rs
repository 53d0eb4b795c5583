//! Symbolic differentiation, simplification, and exact evaluation at a point.
//!
//! STATUS: API fixed; implementation in progress.

use crate::expr::{Definitions, Expr};
use crate::number::{Const, NumberError};
use thiserror::Error;

/// Errors of differentiation and exact evaluation.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum DiffError {
    /// Exact arithmetic failed.
    #[error(transparent)]
    Number(#[from] NumberError),
}

/// Replaces calls of definitions, named constants and `name''(arg)` by built-in-only
/// expressions.
pub fn inline_definitions(_expr: &Expr, _defs: &Definitions) -> Result<Expr, DiffError> {
    todo!()
}

/// `d/d var` of `expr` (built-in only), simplified.
pub fn derivative(_expr: &Expr, _var: &str) -> Result<Expr, DiffError> {
    todo!()
}

/// A readable normal form: constants folded, like terms collected, no `0*`, `1*`, `+0`, `x^1`.
pub fn simplify(_expr: &Expr) -> Expr {
    todo!()
}

/// The exact value of `expr` with `var = point`.
pub fn evaluate(_expr: &Expr, _var: &str, _point: &Const) -> Result<Const, DiffError> {
    todo!()
}
