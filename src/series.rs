//! Exact truncated power series of one variable, at any exact point.
//!
//! A [`Series`] `c_0 + c_1 t + ... + c_{n-1} t^{n-1} + O(t^n)` carries its truncation order
//! `n`; every operation computes the exact order of its result (a product has order
//! `min(n_a + v_b, n_b + v_a)`, a quotient by a series of valuation `v` loses `v` orders).
//!
//! [`taylor`] expands a built-in-only expression around an exact point. The engine is written
//! once, generic over the coefficient field: it runs over plain rationals while every
//! coefficient is rational (the common case) and falls back to exact constants [`Const`]
//! (`ln 2`, `pi`, ...) otherwise. Built-ins use O(n^2) recurrences from their differential
//! equations (`exp`: `k c_k = sum j a_j c_{k-j}`; `tanh' = 1 - tanh^2`; `sin`, `cos` jointly;
//! `atan`, `asin`, `erf` by integrating a series), never repeated differentiation. At high
//! order the integer recurrences of the fast path run modulo many word-size primes, with the
//! prime set sized by a rigorous bound of every numerator, and each numerator is rebuilt by
//! Chinese remaindering (the private module `modular`).
//!
//! Removable singularities are handled by tracking valuations through division
//! (`sin(x)/x`, `x/(exp(x)-1)` at 0); poles, branch points and kinks are errors that say which
//! function fails and where.

mod coeff;
mod eval;
mod fast;
mod modular;
mod ntt;
mod ops;
mod poly;

use crate::expr::{Expr, Func};
use crate::number::{Const, NumberError};
use coeff::{Coeff, Fail};
use num_bigint::BigInt;
use ops::Trunc;
use thiserror::Error;

pub use ntt::NTT_MIN_LIMBS;

/// The product of two big integers by the three-prime number-theoretic transform of the fast
/// path (which uses num-bigint's product instead when a factor has fewer than
/// [`NTT_MIN_LIMBS`] 64-bit limbs). Exact; public for the benchmark that measures that cutoff.
pub fn transform_product(a: &num_bigint::BigUint, b: &num_bigint::BigUint) -> num_bigint::BigUint {
    let (x, y) = (a.to_u64_digits(), b.to_u64_digits());
    let limbs = ntt::mul_limbs_ntt(&x, &y);
    num_bigint::BigUint::from_slice(&ntt::to_u32(&limbs))
}

/// Highest order accepted by [`taylor`]: coefficients `c_0 .. c_MAX_ORDER`.
///
/// The work grows like `n^2` coefficient operations on numbers of `O(n log n)` digits; 5000
/// keeps a rational expansion within minutes and memory within a few GB.
pub const MAX_ORDER: usize = 5000;

/// Errors of the series engine.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SeriesError {
    /// Exact arithmetic failed.
    #[error(transparent)]
    Number(#[from] NumberError),
    /// The requested order exceeds [`MAX_ORDER`].
    #[error("order {order} exceeds the maximum order {max}")]
    OrderTooLarge {
        /// The requested order.
        order: usize,
        /// [`MAX_ORDER`].
        max: usize,
    },
    /// A pole: the expression is unbounded near the point.
    #[error("pole: {what}")]
    Pole {
        /// Which sub-expression, and where.
        what: String,
    },
    /// A branch point (`sqrt(x)`, `ln(x)` at 0): no Taylor series exists.
    #[error("branch point: {what}")]
    BranchPoint {
        /// Which function, and where.
        what: String,
    },
    /// A kink or jump (`abs(x)`, `max(x, 0)` at 0, an `if` whose sides differ at the switching
    /// point): not differentiable there.
    #[error("not differentiable: {what}")]
    Kink {
        /// Which construct, and where.
        what: String,
    },
    /// A leading coefficient that could not be proved zero or non-zero.
    #[error("cannot decide whether coefficient c_{index} = {value} is zero")]
    UndecidedCoefficient {
        /// Its index.
        index: usize,
        /// Its value, printed.
        value: String,
    },
    /// A denominator that vanishes through every order tried.
    #[error("division by a series that vanishes through order {order} at {var} = {point}")]
    VanishingDenominator {
        /// The variable.
        var: String,
        /// The point.
        point: String,
        /// The last order tried.
        order: usize,
    },
    /// A construct the engine does not expand (a definition not inlined, a vector, a free
    /// variable other than the series variable).
    #[error("cannot expand {0}")]
    Unsupported(String),
}

impl From<Fail> for SeriesError {
    fn from(f: Fail) -> SeriesError {
        match f {
            Fail::Series(e) => e,
            Fail::NotRational => SeriesError::Unsupported("an irrational constant".into()),
            Fail::NeedMoreTerms => SeriesError::Unsupported("a vanishing denominator".into()),
        }
    }
}

/// A truncated power series `c_0 + c_1 t + ... + c_{n-1} t^{n-1} + O(t^n)`; the truncation
/// order `n` is part of the value.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    coefficients: Vec<Const>,
    notes: Vec<String>,
}

impl Series {
    /// The series with these coefficients and truncation order `coefficients.len()`.
    pub fn new(coefficients: Vec<Const>) -> Series {
        Series {
            coefficients,
            notes: Vec::new(),
        }
    }

    /// The constant `c`, known through order `n`.
    pub fn constant(c: Const, n: usize) -> Series {
        Series::from_trunc(Trunc::constant(c, n))
    }

    /// The variable `t` itself (the series of `x` at `p` is `p + t`), known through order `n`.
    pub fn variable(point: Const, n: usize) -> Series {
        Series::from_trunc(Trunc::variable(point, n))
    }

    /// The known coefficients `c_0 .. c_{n-1}`.
    pub fn coefficients(&self) -> &[Const] {
        &self.coefficients
    }

    /// The truncation order `n` (the remainder is `O(t^n)`).
    pub fn order(&self) -> usize {
        self.coefficients.len()
    }

    /// Remarks on the expansion, e.g. that the two sides of an `if` agree through the order.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    fn from_trunc(t: Trunc<Const>) -> Series {
        Series::new(t.c)
    }

    fn trunc(&self) -> Trunc<Const> {
        Trunc {
            c: self.coefficients.clone(),
        }
    }

    /// `self + rhs` (order: the smaller one).
    pub fn add(&self, rhs: &Series) -> Series {
        Series::from_trunc(self.trunc().add(&rhs.trunc()))
    }

    /// `self - rhs` (order: the smaller one).
    pub fn sub(&self, rhs: &Series) -> Series {
        Series::from_trunc(self.trunc().sub(&rhs.trunc()))
    }

    /// `-self`.
    pub fn neg(&self) -> Series {
        Series::from_trunc(self.trunc().neg())
    }

    /// `self * rhs`, of order `min(n_a + v_b, n_b + v_a)` (no more than the larger order).
    pub fn mul(&self, rhs: &Series) -> Series {
        Series::from_trunc(self.trunc().mul(&rhs.trunc()))
    }

    /// `self / rhs`: a divisor of valuation `v` loses `v` orders; `self` must vanish to order
    /// `v` (else a pole).
    pub fn div(&self, rhs: &Series) -> Result<Series, SeriesError> {
        let what = || "division by a series that vanishes to higher order".to_string();
        let n = self.order().min(rhs.order());
        match self.trunc().div(&rhs.trunc(), &what) {
            Err(Fail::NeedMoreTerms) => Err(SeriesError::VanishingDenominator {
                var: "t".into(),
                point: "0".into(),
                order: n,
            }),
            r => Ok(Series::from_trunc(r?)),
        }
    }

    /// `self ^ n` for an integer `n`, at most `cap` orders.
    pub fn pow_int(&self, n: &BigInt, cap: usize) -> Result<Series, SeriesError> {
        let what = || "negative power of a series vanishing at 0".to_string();
        Ok(Series::from_trunc(self.trunc().pow_int(n, cap, &what)?))
    }

    /// `self ^ r` for a constant `r`, when `self(0) != 0`.
    pub fn pow_const(&self, r: &Const) -> Result<Series, SeriesError> {
        let what = || "power of a series vanishing at 0".to_string();
        Ok(Series::from_trunc(self.trunc().pow_const(r, &what)?))
    }

    /// A one-argument built-in of a series (`exp`, `ln`, `sin`, ..., `erf`; `abs` where the
    /// sign is proved), same order as `self`.
    pub fn apply(&self, func: Func) -> Result<Series, SeriesError> {
        let what = move || format!("{func} at t = 0");
        let mut notes = Vec::new();
        let t = eval::apply_func(func, &[self.trunc()], &what, &mut notes)?;
        let mut s = Series::from_trunc(t);
        s.notes = notes;
        Ok(s)
    }

    /// `d/dt` (order `n - 1`).
    pub fn derivative(&self) -> Series {
        Series::from_trunc(self.trunc().derivative())
    }

    /// `c0 + int_0^t self` (order `n + 1`).
    pub fn integral(&self, c0: Const) -> Series {
        Series::from_trunc(self.trunc().integral(c0))
    }

    /// The composition `f(g)` of `f` (a series in `s`) with `g` (`g(0) = 0`), by Horner's
    /// rule; order `min(n_g, n_f v_g)`.
    pub fn compose(f: &Series, g: &Series) -> Result<Series, SeriesError> {
        if let Some(c) = g.coefficients.first() {
            if c.zero_test() != crate::number::ZeroTest::Zero {
                return Err(SeriesError::Unsupported(
                    "a composition with an inner series that is not proved to vanish at 0".into(),
                ));
            }
        }
        Ok(Series::from_trunc(Trunc::compose(&f.trunc(), &g.trunc())))
    }
}

/// `n!`.
pub fn factorial(n: usize) -> BigInt {
    (2..=n).fold(BigInt::from(1), |acc, k| acc * BigInt::from(k))
}

/// `k! c_k`: the `k`-th derivative at the point from the Taylor coefficient `c_k`.
pub fn derivative_from_coefficient(c: &Const, k: usize) -> Const {
    c * &Const::from_rational(num_rational::BigRational::from_integer(factorial(k)))
}

/// The chain of nodes from `root` down to the node whose series at `var = point` to order `n`
/// fails (exact coefficients, the generic engine), or `None` when the series exists.
pub fn failure_path(
    graph: &crate::ir::Graph,
    root: crate::ir::Id,
    var: &str,
    point: &Const,
    n: usize,
) -> Option<Vec<crate::ir::Id>> {
    let mut failure = Vec::new();
    let n = n.min(MAX_ORDER);
    match eval::taylor_traced::<Const>(graph, root, var, point.clone(), n, &mut failure) {
        Ok(_) => None,
        Err(_) => Some(failure),
    }
}

/// The Taylor series of `expr` (built-in only) in `var` around `point`, with coefficients
/// `c_0 .. c_n` (`c_k = f^(k)(point) / k!`; remainder `O((var - point)^(n+1))`).
pub fn taylor(expr: &Expr, var: &str, point: &Const, n: usize) -> Result<Series, SeriesError> {
    if n > MAX_ORDER {
        return Err(SeriesError::OrderTooLarge {
            order: n,
            max: MAX_ORDER,
        });
    }
    let what = format!(
        "the Taylor series of {} at {var} = {} to order {n}",
        crate::budget::short(expr),
        crate::budget::short(point)
    );
    // A series of an internal variable (the remainder bound's `__z`, prove's `__t`) is named
    // by the stage that asked for it, never by its internal name.
    let _stage = crate::budget::stage(if what.contains("__") {
        format!("an auxiliary Taylor series to order {n}")
    } else {
        what
    });
    if let Some(p) = point.to_rational() {
        if let Ok((c0, rest)) = fast::taylor_fast(expr, var, &p, n) {
            let mut coefficients = Vec::with_capacity(n + 1);
            coefficients.push(c0);
            coefficients.extend(rest.into_iter().map(Const::from_rational));
            return Ok(Series {
                coefficients,
                notes: Vec::new(),
            });
        }
        let (graph, root) = eval::lower(expr)?;
        match eval::taylor_graph::<num_rational::BigRational>(&graph, root, var, p, n) {
            Ok((t, notes)) => {
                return Ok(Series {
                    coefficients: t.c.iter().map(Coeff::to_const).collect(),
                    notes,
                })
            }
            Err(Fail::NotRational) => {}
            Err(e) => return Err(e.into()),
        }
        let (t, notes) = eval::taylor_graph::<Const>(&graph, root, var, point.clone(), n)?;
        return Ok(Series {
            coefficients: t.c,
            notes,
        });
    }
    let (graph, root) = eval::lower(expr)?;
    let (t, notes) = eval::taylor_graph::<Const>(&graph, root, var, point.clone(), n)?;
    Ok(Series {
        coefficients: t.c,
        notes,
    })
}

/// [`taylor`] over the rationals only, for a rational expression at a rational point: the
/// coefficients `c_0 .. c_n`, or `None` when an irrational constant appears.
pub fn taylor_rational(
    expr: &Expr,
    var: &str,
    point: &num_rational::BigRational,
    n: usize,
) -> Result<Option<Vec<num_rational::BigRational>>, SeriesError> {
    if n > MAX_ORDER {
        return Err(SeriesError::OrderTooLarge {
            order: n,
            max: MAX_ORDER,
        });
    }
    if let Ok((c0, rest)) = fast::taylor_fast(expr, var, point, n) {
        let Some(c0) = c0.to_rational() else {
            return Ok(None);
        };
        let mut c = Vec::with_capacity(n + 1);
        c.push(c0);
        c.extend(rest);
        return Ok(Some(c));
    }
    let (graph, root) = eval::lower(expr)?;
    match eval::taylor_graph::<num_rational::BigRational>(&graph, root, var, point.clone(), n) {
        Ok((t, _)) => Ok(Some(t.c)),
        Err(Fail::NotRational) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
