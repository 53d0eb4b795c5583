//! Exact real constants: the field `Q(atoms)`.
//!
//! A [`Const`] is a quotient of polynomials with rational coefficients in irreducible *atoms*
//! (`pi`, `e`, `ln 2`, `ln 3`, `sqrt 2`, `erf(1)`, `atan(1/2)`, ...), kept in a normal form by
//! rules that are always valid (`exp(ln q) = q`, `ln 12 = 2 ln 2 + ln 3`, `sqrt 12 = 2 sqrt 3`,
//! `exp(a) exp(b) = exp(a + b)`, `tanh(ln 2) = 3/5`, ...). Rationals have a fast path.
//!
//! The zero test is three-valued ([`ZeroTest`]): a value is only called zero or non-zero when
//! that is proved.
//!
//! STATUS: API fixed; implementation in progress (bodies are `todo!()`).

use crate::expr::{Expr, Func};
use num_rational::BigRational;
use std::fmt;
use thiserror::Error;

/// Errors of exact arithmetic.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum NumberError {
    /// Division by a value proved to be zero.
    #[error("division by zero")]
    DivisionByZero,
    /// Division by a value that could not be proved non-zero.
    #[error("cannot decide whether {0} is zero")]
    UndecidedZero(String),
    /// A function applied outside its real domain, e.g. `ln(-1)`, `sqrt(-2)`, `atanh(1)`.
    #[error("{func}({arg}) is not a real number")]
    Domain {
        /// The function.
        func: Func,
        /// The argument, printed.
        arg: String,
    },
    /// The sign of a value could not be decided (needed by `abs`, `min`, `max`, `if`).
    #[error("cannot decide the sign of {0}")]
    UndecidedSign(String),
    /// A result too large to represent (e.g. `2^(10^1000)`).
    #[error("number too large: {0}")]
    TooLarge(String),
    /// A free variable where a constant was expected.
    #[error("`{0}` is not a constant here")]
    NotConstant(String),
    /// An `if`, `abs`, `min` or `max` evaluated exactly at its switching point, where its two
    /// sides disagree.
    #[error("at the switching point {condition}, the two sides disagree ({left} vs {right})")]
    Switching {
        /// The condition, printed with the point substituted (e.g. `0 > 0`).
        condition: String,
        /// The value of the `then` side.
        left: String,
        /// The value of the `else` side.
        right: String,
    },
}

/// The outcome of a zero test: only proved answers are `Zero` or `NonZero`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ZeroTest {
    /// Proved equal to zero (exact rewriting).
    Zero,
    /// Proved different from zero.
    NonZero,
    /// Neither could be proved.
    Unknown,
}

/// The sign of a value, when it can be proved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sign {
    /// Proved `< 0`.
    Negative,
    /// Proved `= 0`.
    Zero,
    /// Proved `> 0`.
    Positive,
    /// Not decided.
    Unknown,
}

/// An exact real constant, element of `Q(atoms)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Const {
    _todo: (),
}

impl Const {
    /// Zero.
    pub fn zero() -> Const {
        todo!()
    }
    /// One.
    pub fn one() -> Const {
        todo!()
    }
    /// An integer.
    pub fn from_int(_n: i64) -> Const {
        todo!()
    }
    /// A rational.
    pub fn from_rational(_q: BigRational) -> Const {
        todo!()
    }
    /// `pi`.
    pub fn pi() -> Const {
        todo!()
    }
    /// `e`.
    pub fn e() -> Const {
        todo!()
    }
    /// The value as a rational, when it is one.
    pub fn to_rational(&self) -> Option<BigRational> {
        todo!()
    }
    /// Whether the value is rational (cheap).
    pub fn is_rational(&self) -> bool {
        todo!()
    }
    /// The three-valued zero test.
    pub fn zero_test(&self) -> ZeroTest {
        todo!()
    }
    /// The sign, when it can be proved.
    pub fn sign(&self) -> Sign {
        todo!()
    }
    /// `self / rhs`; errors when `rhs` is (or may be) zero.
    pub fn checked_div(&self, _rhs: &Const) -> Result<Const, NumberError> {
        todo!()
    }
    /// `1 / self`.
    pub fn recip(&self) -> Result<Const, NumberError> {
        todo!()
    }
    /// `self ^ n` for an integer `n` (negative needs a non-zero base).
    pub fn pow_int(&self, _n: i64) -> Result<Const, NumberError> {
        todo!()
    }
    /// `self ^ q` for a rational exponent (real branch; `sqrt` is `q = 1/2`).
    pub fn pow_rational(&self, _q: &BigRational) -> Result<Const, NumberError> {
        todo!()
    }
    /// `self ^ other` for a general exponent (`exp(other ln self)` when needed).
    pub fn pow(&self, _other: &Const) -> Result<Const, NumberError> {
        todo!()
    }
    /// A built-in applied to constant arguments, simplified (`exp(ln 2) = 2`, `sin(pi/2) = 1`,
    /// `tanh(ln 2) = 3/5`); a value without a closed form becomes an atom (`erf(1)`).
    pub fn apply(_func: Func, _args: &[Const]) -> Result<Const, NumberError> {
        todo!()
    }
    /// The exact value of a constant expression (built-ins, `pi`, `e`, numbers; user
    /// definitions must be inlined first), with the given variables bound to values.
    ///
    /// An `if` exactly at its switching point (condition sides equal) takes the common value
    /// of its two branches, or fails with [`NumberError::Switching`] when they differ.
    pub fn from_expr_with(_expr: &Expr, _bindings: &[(&str, Const)]) -> Result<Const, NumberError> {
        todo!()
    }
    /// [`Const::from_expr_with`] without bindings.
    pub fn from_expr(expr: &Expr) -> Result<Const, NumberError> {
        Const::from_expr_with(expr, &[])
    }
    /// The value as an expression of the language (used for printing; parsing the printed text
    /// and evaluating it gives an equal value).
    pub fn to_expr(&self) -> Expr {
        todo!()
    }
    /// LaTeX rendering.
    pub fn to_latex(&self) -> String {
        todo!()
    }
}

impl fmt::Display for Const {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!()
    }
}

macro_rules! forward_binop {
    ($tr:ident, $m:ident) => {
        impl std::ops::$tr<&Const> for &Const {
            type Output = Const;
            fn $m(self, _rhs: &Const) -> Const {
                todo!()
            }
        }
        impl std::ops::$tr<Const> for Const {
            type Output = Const;
            fn $m(self, rhs: Const) -> Const {
                std::ops::$tr::$m(&self, &rhs)
            }
        }
    };
}
forward_binop!(Add, add);
forward_binop!(Sub, sub);
forward_binop!(Mul, mul);

impl std::ops::Neg for &Const {
    type Output = Const;
    fn neg(self) -> Const {
        todo!()
    }
}

impl std::ops::Neg for Const {
    type Output = Const;
    fn neg(self) -> Const {
        -&self
    }
}
