//! Exact truncated power series of one variable, at any exact point.
//!
//! STATUS: API fixed; implementation in progress.

use crate::expr::Expr;
use crate::number::{Const, NumberError};
use thiserror::Error;

/// Highest order accepted by [`taylor`].
pub const MAX_ORDER: usize = 5000;

/// Errors of the series engine.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SeriesError {
    /// Exact arithmetic failed.
    #[error(transparent)]
    Number(#[from] NumberError),
}

/// A truncated power series `c_0 + c_1 t + ... + c_{n-1} t^{n-1} + O(t^n)`; the truncation
/// order `n` is part of the value.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    coefficients: Vec<Const>,
}

impl Series {
    /// The known coefficients `c_0 .. c_{n-1}`.
    pub fn coefficients(&self) -> &[Const] {
        &self.coefficients
    }
    /// The truncation order `n` (the remainder is `O(t^n)`).
    pub fn order(&self) -> usize {
        self.coefficients.len()
    }
}

/// The Taylor series of `expr` (built-in only) in `var` around `point`, with coefficients
/// `c_0 .. c_n` (`c_k = f^(k)(point) / k!`; remainder `O((var - point)^(n+1))`).
pub fn taylor(_expr: &Expr, _var: &str, _point: &Const, _n: usize) -> Result<Series, SeriesError> {
    todo!()
}
