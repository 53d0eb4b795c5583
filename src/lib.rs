//! # taylorgate
//!
//! Exact Taylor series, and proofs of what small neural networks compute.
//!
//! A two-layer network `f(u, v) = A2 sigma(A1 (u, v) + b)` with four hidden neurons multiplies
//! two numbers for any smooth activation `sigma` with `sigma''(b) != 0` (Lin, Tegmark & Rolnick,
//! 2017). taylorgate reads activations as a mathematician writes them, expands them into exact
//! Taylor series, and proves (or refutes) what such networks compute.
//!
//! The modules follow the data flow. Every input is parsed and checked once, then lowered once
//! into the graph of [`ir`]; exact constants ([`number`]), one-variable series ([`series`]),
//! several-variable series ([`multi`]), enclosures and interval Taylor arithmetic
//! ([`interval`]) are domains of the one evaluator of that graph, which owns definitions,
//! shapes, sharing and the pieces of `if`, `abs`, `min` and `max`. [`prove`] decides a claim
//! and bounds its remainder through that evaluator.
//!
//! | module | idea |
//! |---|---|
//! | [`parse`] | grammar (`grammar/taylorgate.pest`) -> checked tree with spans -> [`expr`] |
//! | [`expr`] | the span-free syntax tree and the definitions in scope |
//! | [`print`] | one printer per format (text, LaTeX) of expressions, constants, series, polynomials |
//! | [`ir`] | the lowered form: an interned graph of scalar nodes (definitions inlined once, vectors and matrices resolved, per-node facts) and one evaluator generic over a [`ir::Domain`] |
//! | [`number`] | exact constants: rationals and atoms such as `ln 2`, `sqrt(pi)`, `e`; a domain of the evaluator |
//! | [`diff`] | symbolic derivatives, simplification, exact evaluation at a point |
//! | [`series`] | exact truncated power series of one variable at any exact point (a domain of the evaluator) |
//! | [`multi`] | truncated series in several variables (a domain of the evaluator) |
//! | [`shape`] | vectors and matrices of any scalars (used by the lowering) |
//! | [`interval`] | rigorous enclosures and interval Taylor arithmetic (two domains of the evaluator) |
//! | [`gate`] | the multiplication gate: admissibility, bias, exact expansion |
//! | [`remainder`] | the sharp remainder shared by `gate` and `prove`: an order only when proved |
//! | [`certificate`] | rigorous remainder bounds and the epsilon-lambda certificate |
//! | [`prove`] | claims `LHS = RHS + O(...)`: proved, refuted or undecided |
//! | [`library`] | the built-in library of named activations |
//! | [`teach`] | derivations as documents (text, Markdown, LaTeX; English, Portuguese) and plots |
//! | [`session`] | the library façade: definitions in scope, a budget, one entry point per command, reports in the JSON schema `taylorgate/1` |
//! | [`commands`] | the command-line subcommands, their arguments as plain values ([`commands::Command`]) and their answers (text and JSON), thin over [`session`]; the binary's `src/cli` reads them with clap (feature `cli`) |
//! | [`choice`] | named option values (formats, languages): their names and help lines, `FromStr` |
//! | [`budget`] | deadlines, cancellation and the memory limit of a computation |
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

pub mod bound;
pub mod budget;
pub mod certificate;
pub mod choice;
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
pub mod print;
pub mod prove;
pub mod remainder;
pub mod series;
pub mod session;
pub mod shape;
pub mod teach;

pub use expr::{Definitions, Expr, Func, Program};
pub use number::{Const, Sign, ZeroTest};

/// The encloser that exact arithmetic uses as the last resort of its sign and zero tests:
/// enclosures of the interval layer, cached per interned atom. Injected here, at the root, so
/// that [`number`] and [`interval`] do not depend on each other's internals.
pub static ENCLOSER: &dyn number::Encloser = &interval::CachedEncloser;

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
    /// The gate analysis failed.
    #[error(transparent)]
    Gate(Box<gate::GateError>),
    /// A certificate or remainder bound failed.
    #[error(transparent)]
    Certificate(Box<certificate::CertificateError>),
    /// A plot could not be drawn.
    #[error(transparent)]
    Plot(#[from] teach::plot::PlotError),
    /// Bad usage of a command (an option out of range, an unknown name, an unreadable file).
    #[error(transparent)]
    Usage(#[from] UsageError),
    /// The computation was stopped by its budget (time-out, memory limit, cancellation).
    #[error(transparent)]
    Interrupted(#[from] budget::Interrupted),
    /// A semantic error of the input, with the place of the offending text.
    #[error("{error}\n{place}")]
    At {
        /// The error.
        error: Box<Error>,
        /// Where in the input.
        place: Place,
    },
}

impl From<gate::GateError> for Error {
    fn from(e: gate::GateError) -> Error {
        Error::Gate(Box::new(e))
    }
}

impl From<certificate::CertificateError> for Error {
    fn from(e: certificate::CertificateError) -> Error {
        Error::Certificate(Box::new(e))
    }
}

/// Bad usage of a command: errors of the request, not of the mathematics.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UsageError {
    /// An option out of range or unreadable.
    #[error("{option}: {message}")]
    Option {
        /// The option, as written on the command line (`--radius`).
        option: String,
        /// What is wrong with it.
        message: String,
    },
    /// A file (or standard input) could not be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// The path (`-` for standard input).
        path: String,
        /// The reason.
        message: String,
    },
    /// A file could not be written.
    #[error("cannot write {path}: {message}")]
    Write {
        /// The path.
        path: String,
        /// The reason.
        message: String,
    },
    /// A definition of several arguments where one is expected.
    #[error("`{name}` takes {arity} arguments; a function of one variable takes one")]
    NotUnary {
        /// The name.
        name: String,
        /// Its number of arguments.
        arity: usize,
    },
    /// Names that are neither the variable nor defined.
    #[error("unknown name {}: the expression may only use the variable `{var}` (and names defined in the library or with --file)", .names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))]
    UnknownNames {
        /// The unknown names.
        names: Vec<String>,
        /// The variable.
        var: String,
    },
    /// A file of claims without a claim.
    #[error("{0} has no claim to prove")]
    NoClaims(String),
}

/// A place in an input text: line, column and the width of the offending text.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// Width of the offending text, in characters (at least 1).
    pub width: usize,
    /// The source line.
    pub text: String,
    /// The file the line is in (`None` for the command line).
    pub path: Option<String>,
}

/// ` --> line:column`, the source line and a caret under the offending text (as parse errors).
impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.line.to_string();
        let pad = " ".repeat(n.len());
        let path = self
            .path
            .as_deref()
            .map(|p| format!("{p}:"))
            .unwrap_or_default();
        write!(
            f,
            "{pad}--> {path}{}:{}\n{pad} |\n{n} | {}\n{pad} | {}{}",
            self.line,
            self.column,
            self.text,
            " ".repeat(self.column - 1),
            "^".repeat(self.width.max(1))
        )
    }
}

impl Place {
    /// The place of the byte range `from..to` of `source`.
    pub fn span(source: &str, from: usize, to: usize) -> Place {
        let before = &source[..from];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[from..].find('\n').map_or(source.len(), |i| from + i);
        let column = source[line_start..from].chars().count() + 1;
        let width = source[from..to.min(line_end)].chars().count();
        Place {
            line,
            column,
            width,
            text: source[line_start..line_end].to_string(),
            path: None,
        }
    }
}

impl Error {
    /// This error at `place` (found by [`ir::locate`]: the node that failed, through the
    /// table from node to source span), or at the whole input `source` when there is no
    /// place. Parse and usage errors, which carry their own place, are returned as they are.
    pub fn located(self, place: Option<Place>, source: &str) -> Error {
        if self.is_placed() {
            return self;
        }
        let place = place.unwrap_or_else(|| {
            let start = source.len() - source.trim_start().len();
            Place::span(source, start, source.trim_end().len().max(start))
        });
        Error::At {
            error: Box::new(self),
            place,
        }
    }

    /// Whether the error is already placed (or carries its own place), so that no place need
    /// be looked for.
    pub fn is_placed(&self) -> bool {
        matches!(
            self,
            Error::Parse(_) | Error::Usage(_) | Error::At { .. } | Error::Interrupted(_)
        )
    }
}
