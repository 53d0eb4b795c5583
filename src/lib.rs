//! # taylorgate
//!
//! Exact Taylor series, and proofs of what small neural networks compute.
//!
//! A two-layer network `f(u, v) = A2 sigma(A1 (u, v) + b)` with four hidden neurons multiplies
//! two numbers for any smooth activation `sigma` with `sigma''(b) != 0` (Lin, Tegmark & Rolnick,
//! 2017). taylorgate reads activations as a mathematician writes them, expands them into exact
//! Taylor series, and proves (or refutes) what such networks compute.
//!
//! The modules follow the data flow:
//!
//! | module | idea |
//! |---|---|
//! | [`parse`] | grammar (`grammar/taylorgate.pest`) -> checked tree with spans -> [`expr`] |
//! | [`expr`] | the span-free syntax tree, its printer, and the definitions in scope |
//! | [`number`] | exact constants: rationals and atoms such as `ln 2`, `sqrt(pi)`, `e` |
//! | [`diff`] | symbolic derivatives, simplification, exact evaluation at a point |
//! | [`series`] | exact truncated power series of one variable at any exact point |
//! | [`multi`] | truncated series in several variables; vectors and matrices |
//! | [`shape`] | vectors and matrices of any scalars (shared by `multi` and `scalar`) |
//! | [`interval`] | rigorous enclosures (interval arithmetic) |
//! | [`gate`] | the multiplication gate: admissibility, bias, exact expansion |
//! | [`certificate`] | rigorous remainder bounds and the epsilon-lambda certificate |
//! | [`scalar`] | lowering of vectors, matrices and definitions to one built-in scalar expression |
//! | [`prove`] | claims `LHS = RHS + O(...)`: proved, refuted or undecided |
//! | [`library`] | the built-in library of named activations |
//! | [`session`] | the library façade: definitions in scope, one entry point per command, reports in the JSON schema `taylorgate/1` |
//! | [`commands`] | the command-line subcommands, as values (text and JSON) |
//!
//! ## Example: does softplus multiply?
//!
//! ```
//! use taylorgate::diff::inline_definitions;
//! use taylorgate::gate::{analyze, GateOptions, Verdict};
//! use taylorgate::parse::parse_expr;
//! use taylorgate::series::taylor;
//! use taylorgate::{Const, Definitions};
//!
//! let defs = Definitions::new();
//! let softplus = inline_definitions(&parse_expr("ln(1 + exp(x))", &defs)?, &defs)?;
//!
//! // Its exact Taylor series at 0: ln(2) + x/2 + x^2/8 - x^4/192 + ...
//! let s = taylor(&softplus, "x", &Const::zero(), 4)?;
//! assert_eq!(s.coefficients()[0].to_string(), "ln(2)");
//! assert_eq!(s.coefficients()[4].to_string(), "-1/192");
//!
//! // The four-neuron network computes uv - 1/12 uv(u^2 + v^2) + O(|x|^6).
//! let gate = analyze(&softplus, &GateOptions::default())?;
//! assert_eq!(gate.verdict, Verdict::Admits);
//! assert_eq!(gate.derivative_at_bias.unwrap().to_string(), "1/4");
//! assert_eq!(gate.remainder.order, Some(4));
//! assert_eq!(gate.remainder.leading[0].coefficient.to_string(), "-1/12");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod certificate;
pub mod commands;
pub mod diff;
pub mod expr;
pub mod gate;
pub mod interval;
pub mod ir;
pub mod library;
pub mod multi;
pub mod number;
pub mod parse;
pub mod prove;
pub mod remainder;
pub mod scalar;
pub mod series;
pub mod session;
pub mod shape;
pub mod teach;

pub use expr::{Definitions, Expr, Func, Program};
pub use number::{Const, Sign, ZeroTest};

/// Any error of taylorgate, wrapping the error of the layer it came from.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input text (with line, column and caret).
    #[error(transparent)]
    Parse(#[from] parse::ParseError),
    /// Exact arithmetic failed (division by zero, a domain error, an undecided zero test).
    #[error(transparent)]
    Number(#[from] number::NumberError),
    /// Differentiation or evaluation failed.
    #[error(transparent)]
    Diff(#[from] diff::DiffError),
    /// A series could not be computed (pole, branch point, kink, order limit).
    #[error(transparent)]
    Series(#[from] series::SeriesError),
    /// Bad usage of a command (an option out of range, an unknown activation).
    #[error("{0}")]
    Usage(String),
}
