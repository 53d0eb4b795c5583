//! Enclosures as a domain of the graph evaluator ([`crate::ir`]), precision control and
//! numeric signs.
//!
//! An expression is lowered once into the graph; [`Enclosure`] evaluates its nodes over a box
//! of variable intervals. The evaluator owns the pieces of `if`, `abs`, `min` and `max`: a
//! condition decided over the whole box selects its piece, an undecided one asks the domain to
//! [`Domain::join`] both pieces (the hull; `abs`, `min` and `max` their tight images).

use super::dyadic::Dyadic;
use super::{Interval, IntervalError};
use crate::expr::{CmpOp, Definitions, Expr, Func};
use crate::ir::{Cancelled, Cond, Domain, Evaluator, Graph, Id, LowerError, Lowering, Piece, Side};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

/// The largest working precision (bits) tried by [`enclose_const`] and [`decide_sign`].
pub const MAX_PREC: u32 = 4096;

/// The first working precision of the loops that raise it ([`to_target`], [`sign_by_precision`]).
const START_PREC: u32 = 64;

/// Binary exponents beyond this size are rejected (they would make exact rationals huge).
const MAX_EXPONENT: i64 = 1 << 50;

/// Integer powers with exponents beyond this size go through `exp(b ln a)`.
const MAX_POWI: i64 = 1 << 32;

/// Exact rationals tracked beside an enclosure have at most this many bits.
const MAX_EXACT_BITS: u64 = 1 << 16;

/// A sign decided by interval arithmetic. Zero is never decided numerically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NumericSign {
    /// Proved `< 0` (the enclosure lies below 0).
    Negative,
    /// Proved `> 0` (the enclosure lies above 0).
    Positive,
    /// Not decided up to the precision limit (the value may be 0), or not evaluable.
    Unknown,
}

impl From<Cancelled> for IntervalError {
    fn from(c: Cancelled) -> IntervalError {
        IntervalError::Unsupported(c.to_string())
    }
}

/// The error of a lowering, as an interval error (the graph holds built-ins only here).
pub(super) fn lowering_error(e: LowerError) -> IntervalError {
    IntervalError::Unsupported(match e {
        LowerError::UnknownFunction(name) => format!("a call of `{name}`"),
        LowerError::Derivative(d) => format!("a derivative ({d})"),
        LowerError::Shape(_) => "a vector".to_string(),
        e => e.to_string(),
    })
}

/// `expr` (built-ins only: no definitions in scope) lowered to a graph and its root.
pub(super) fn lower(expr: &Expr) -> Result<(Graph, Id), IntervalError> {
    let defs = Definitions::new();
    let mut lowering = Lowering::new(&defs);
    let root = lowering
        .lower(expr)
        .map_err(lowering_error)?
        .into_scalar("a vector")
        .map_err(|_| IntervalError::Unsupported("a vector".to_string()))?;
    Ok((lowering.into_graph(), root))
}

/// An exact rational known beside a value, when it is small: the exponents of powers are read
/// from it (`x^(1/2)` is a square root, `x^2` an integer power, tight for even powers).
pub(super) fn exact_op(
    a: &Option<BigRational>,
    b: &Option<BigRational>,
    f: impl Fn(&BigRational, &BigRational) -> Option<BigRational>,
) -> Option<BigRational> {
    let q = f(a.as_ref()?, b.as_ref()?)?;
    (q.numer().bits() + q.denom().bits() <= MAX_EXACT_BITS).then_some(q)
}

/// `x^y` exactly for a small integer `y` (`|y| <= 64`, `x != 0` when `y < 0`).
pub(super) fn exact_pow(x: &BigRational, y: &BigRational) -> Option<BigRational> {
    let n = y.is_integer().then(|| y.to_integer().to_i32()).flatten()?;
    if n.unsigned_abs() > 64 || (n < 0 && x.is_zero()) {
        return None;
    }
    Some(num_traits::pow::Pow::pow(x, n))
}

/// A value of [`Enclosure`]: an enclosure, and the exact value when it is a small rational.
#[derive(Clone, Debug)]
pub struct Enc {
    /// The enclosure.
    pub iv: Interval,
    exact: Option<BigRational>,
}

impl Enc {
    fn of(iv: Interval) -> Result<Enc, IntervalError> {
        Ok(Enc {
            iv: check_size(iv)?,
            exact: None,
        })
    }
}

/// Interval arithmetic over a box of variables, every operation rounded outward to `prec` bits:
/// a domain of the graph evaluator.
pub struct Enclosure<'b> {
    /// The variables, bound to intervals (a variable bound twice counts by its first binding).
    pub bindings: &'b [(&'b str, Interval)],
    /// The working precision (bits).
    pub prec: u32,
}

fn check_size(x: Interval) -> Result<Interval, IntervalError> {
    let too_big = |d: &Dyadic| !d.is_zero() && (d.exponent().abs() > MAX_EXPONENT);
    if too_big(&x.lo) || too_big(&x.hi) {
        return Err(IntervalError::TooLarge("binary exponent of an endpoint"));
    }
    Ok(x)
}

/// Whether `d op 0` holds at every point of `d` (`Some(true)`), at none (`Some(false)`).
pub(super) fn decided(op: CmpOp, d: &Interval) -> Option<bool> {
    let (always, never) = match op {
        CmpOp::Lt => (d.hi.signum() < 0, d.lo.signum() >= 0),
        CmpOp::Le => (d.hi.signum() <= 0, d.lo.signum() > 0),
        CmpOp::Gt => (d.lo.signum() > 0, d.hi.signum() <= 0),
        CmpOp::Ge => (d.lo.signum() >= 0, d.hi.signum() < 0),
    };
    if always {
        Some(true)
    } else if never {
        Some(false)
    } else {
        None
    }
}

impl Domain for Enclosure<'_> {
    type V = Enc;
    type Error = IntervalError;

    fn number(&mut self, q: &BigRational) -> Result<Enc, IntervalError> {
        Ok(Enc {
            iv: check_size(Interval::point(q, self.prec))?,
            exact: Some(q.clone()),
        })
    }
    fn pi(&mut self) -> Result<Enc, IntervalError> {
        Enc::of(Interval::pi(self.prec))
    }
    fn e(&mut self) -> Result<Enc, IntervalError> {
        Enc::of(Interval::e(self.prec))
    }
    fn variable(&mut self, name: &str) -> Result<Enc, IntervalError> {
        let v = self.bindings.iter().find(|(n, _)| *n == name);
        Enc::of(
            v.map(|(_, v)| v.clone())
                .ok_or_else(|| IntervalError::UnboundVariable(name.to_string()))?,
        )
    }
    fn neg(&mut self, a: &Enc) -> Result<Enc, IntervalError> {
        Ok(Enc {
            iv: a.iv.neg(),
            exact: a.exact.as_ref().map(|q| -q),
        })
    }
    fn add(&mut self, a: &Enc, b: &Enc) -> Result<Enc, IntervalError> {
        Ok(Enc {
            iv: check_size(a.iv.add(&b.iv, self.prec))?,
            exact: exact_op(&a.exact, &b.exact, |x, y| Some(x + y)),
        })
    }
    fn sub(&mut self, a: &Enc, b: &Enc) -> Result<Enc, IntervalError> {
        Ok(Enc {
            iv: check_size(a.iv.sub(&b.iv, self.prec))?,
            exact: exact_op(&a.exact, &b.exact, |x, y| Some(x - y)),
        })
    }
    fn mul(&mut self, a: &Enc, b: &Enc) -> Result<Enc, IntervalError> {
        Ok(Enc {
            iv: check_size(a.iv.mul(&b.iv, self.prec))?,
            exact: exact_op(&a.exact, &b.exact, |x, y| Some(x * y)),
        })
    }
    fn div(&mut self, a: &Enc, b: &Enc) -> Result<Enc, IntervalError> {
        Ok(Enc {
            iv: check_size(a.iv.div(&b.iv, self.prec)?)?,
            exact: exact_op(&a.exact, &b.exact, |x, y| (!y.is_zero()).then(|| x / y)),
        })
    }
    /// An exact integer exponent is an integer power (tight for even powers), a half-integer
    /// one a power of `sqrt(a)`; otherwise `exp(b ln a)`, which needs `a > 0`.
    fn pow(&mut self, base: &Enc, exponent: &Enc, _: bool) -> Result<Enc, IntervalError> {
        let prec = self.prec;
        let exact = exact_op(&base.exact, &exponent.exact, exact_pow);
        if let Some(q) = &exponent.exact {
            let small = |n: &BigInt| n.to_i64().filter(|n| n.abs() <= MAX_POWI);
            let iv = if q.is_integer() {
                small(q.numer()).map(|n| base.iv.powi(n, prec))
            } else if *q.denom() == BigInt::from(2) {
                small(q.numer()).map(|n| base.iv.sqrt(prec + 8)?.powi(n, prec))
            } else {
                None
            };
            if let Some(iv) = iv {
                return Ok(Enc {
                    iv: check_size(iv?)?,
                    exact,
                });
            }
        }
        if !base.iv.is_positive() {
            return Err(if base.iv.hi.signum() > 0 {
                IntervalError::PartlyOutsideDomain { func: "^" }
            } else {
                IntervalError::Domain { func: "^" }
            });
        }
        let ln = base.iv.ln(prec + 8)?;
        Enc::of(exponent.iv.mul(&ln, prec + 8).exp(prec)?)
    }
    fn call(&mut self, func: Func, a: &Enc) -> Result<Enc, IntervalError> {
        Enc::of(Interval::apply(
            func,
            std::slice::from_ref(&a.iv),
            self.prec,
        )?)
    }
    fn side(&mut self, cond: Cond<'_, Enc>) -> Result<Side, IntervalError> {
        Ok(match decided(cond.op, &cond.d.iv) {
            Some(true) => Side::Then,
            Some(false) => Side::Other,
            None => Side::Both,
        })
    }
    /// Both pieces may apply somewhere in the box: the hull of both (for `abs`, `min` and
    /// `max` their tight images `[0, max |x|]`, pointwise minimum and maximum).
    fn join(&mut self, cond: Cond<'_, Enc>, a: &Enc, b: &Enc) -> Result<Enc, IntervalError> {
        let (x, y) = (&cond.lhs.iv, &cond.rhs.iv);
        Enc::of(match cond.piece {
            Piece::Abs => x.abs(),
            Piece::Min => x.min(y),
            Piece::Max => x.max(y),
            Piece::If => a.iv.hull(&b.iv),
        })
    }
}

/// Encloses node `root` of `graph` over a box of variable intervals (see [`enclose`]).
///
/// # Errors
/// As [`enclose`].
pub fn enclose_node(
    graph: &Graph,
    root: Id,
    bindings: &[(&str, Interval)],
    prec: u32,
) -> Result<Interval, IntervalError> {
    let domain = Enclosure { bindings, prec };
    Ok(Evaluator::new(graph, domain).value(root)?.iv)
}

/// Encloses the value of a built-in-only expression over a box of variable intervals.
///
/// The expression is lowered to the graph ([`crate::ir`]) and evaluated in the domain
/// [`Enclosure`]. An `if` whose condition is not decided over the box gives the hull of both
/// branches. `a ^ b` with an exact integer exponent is an integer power (tight for even
/// powers), with a half-integer exponent a power of `sqrt(a)`, otherwise `exp(b ln a)` (which
/// needs `a > 0`).
///
/// Every operation is rounded outward to `prec` significant bits.
///
/// # Errors
/// [`IntervalError`]: a domain error, a division by an interval containing 0, an unbound
/// variable, an unsupported form (a call of a definition, a vector), a number too large.
///
/// ```
/// use taylorgate::interval::{enclose, Interval};
/// use taylorgate::{Expr, Func};
/// use num_rational::BigRational;
/// let x = Interval::new(&BigRational::from_integer((-1).into()), &BigRational::from_integer(1.into()), 64).unwrap();
/// let e = enclose(&Expr::call(Func::Exp, Expr::var("x")), &[("x", x)], 64).unwrap();
/// assert!(e.contains(&BigRational::new(27.into(), 10.into())));
/// assert!(!e.contains(&BigRational::new(28.into(), 10.into())));
/// ```
pub fn enclose(
    expr: &Expr,
    bindings: &[(&str, Interval)],
    prec: u32,
) -> Result<Interval, IntervalError> {
    let (graph, root) = lower(expr)?;
    enclose_node(&graph, root, bindings, prec)
}

/// Whether the enclosure is narrow enough: width `<= 2^-bits` relative to the smallest
/// magnitude in it, or absolutely when it contains 0.
pub(super) fn narrow_enough(x: &Interval, bits: u32) -> bool {
    let Some(w) = x.width_log2() else {
        return true;
    };
    if x.contains_zero() {
        return w <= -(bits as i64);
    }
    let mig = x.lo.abs().min(x.hi.abs());
    // width < 2^w <= 2^(top(mig) - 1 - bits) <= 2^-bits mig
    w <= mig.top() - 1 - bits as i64
}

/// Encloses a constant expression to a relative width below `2^-target_bits` (absolute when
/// the enclosure contains 0), doubling the working precision from 64 bits up to [`MAX_PREC`];
/// at the limit, the best enclosure obtained is returned.
///
/// # Errors
/// An error of [`enclose`] that more precision cannot cure, or the last error at the limit.
///
/// ```
/// use taylorgate::interval::enclose_const;
/// use taylorgate::{Expr, Func};
/// let ln2 = enclose_const(&Expr::call(Func::Ln, Expr::int(2)), 100).unwrap();
/// assert!(ln2.width_log2().unwrap() < -100);
/// ```
pub fn enclose_const(expr: &Expr, target_bits: u32) -> Result<Interval, IntervalError> {
    let (graph, root) = lower(expr)?;
    to_target(target_bits, |prec| enclose_node(&graph, root, &[], prec))
}

/// The first enclosure `at(prec)` narrower than `2^-target_bits` ([`narrow_enough`]), the
/// working precision doubling from `target_bits + 32` bits (at least 64) up to [`MAX_PREC`];
/// at the limit, the enclosure or the error obtained there. An error that more precision
/// cannot cure is returned at once.
pub(crate) fn to_target(
    target_bits: u32,
    mut at: impl FnMut(u32) -> Result<Interval, IntervalError>,
) -> Result<Interval, IntervalError> {
    let mut prec = START_PREC.max(target_bits.saturating_add(32)).min(MAX_PREC);
    loop {
        match at(prec) {
            Ok(v) if narrow_enough(&v, target_bits) || prec >= MAX_PREC => return Ok(v),
            Ok(_) => {}
            Err(e) if !e.may_resolve_with_precision() || prec >= MAX_PREC => return Err(e),
            Err(_) => {}
        }
        prec = prec.saturating_mul(2).min(MAX_PREC);
    }
}

/// The sign proved by the enclosures `at(prec)`, the working precision doubling from 64 bits
/// up to `max_prec`: [`NumericSign::Unknown`] when none excludes 0, or on an error that more
/// precision cannot cure.
pub(crate) fn sign_by_precision(
    max_prec: u32,
    mut at: impl FnMut(u32) -> Result<Interval, IntervalError>,
) -> NumericSign {
    let max_prec = max_prec.max(START_PREC);
    let mut prec = START_PREC;
    loop {
        match at(prec) {
            Ok(v) if v.is_positive() => return NumericSign::Positive,
            Ok(v) if v.is_negative() => return NumericSign::Negative,
            Ok(_) => {}
            Err(e) if !e.may_resolve_with_precision() => return NumericSign::Unknown,
            Err(_) => {}
        }
        if prec >= max_prec {
            return NumericSign::Unknown;
        }
        prec = prec.saturating_mul(2).min(max_prec);
    }
}

/// The sign of a constant expression, proved by interval arithmetic at precisions doubling up
/// to [`MAX_PREC`]. Never claims zero: an exact zero gives [`NumericSign::Unknown`].
///
/// ```
/// use taylorgate::interval::{decide_sign, NumericSign};
/// use taylorgate::{Expr, Func};
/// // sin(pi) is 0: undecided; pi - 355/113 < 0.
/// let sin_pi = Expr::call(Func::Sin, Expr::Pi);
/// assert_eq!(decide_sign(&sin_pi), NumericSign::Unknown);
/// let d = Expr::Pi - Expr::int(355) / Expr::int(113);
/// assert_eq!(decide_sign(&d), NumericSign::Negative);
/// ```
pub fn decide_sign(expr: &Expr) -> NumericSign {
    decide_sign_with_limit(expr, MAX_PREC)
}

/// [`decide_sign`] with a chosen precision limit (bits).
pub fn decide_sign_with_limit(expr: &Expr, max_prec: u32) -> NumericSign {
    let Ok((graph, root)) = lower(expr) else {
        return NumericSign::Unknown;
    };
    sign_by_precision(max_prec, |prec| enclose_node(&graph, root, &[], prec))
}
