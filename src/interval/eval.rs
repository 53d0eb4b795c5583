//! Enclosures of expressions, precision control, numeric signs and decimal output.

use super::dyadic::Dyadic;
use super::{Interval, IntervalError};
use crate::expr::{BinOp, CmpOp, Expr};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// The largest working precision (bits) tried by [`enclose_const`] and [`decide_sign`].
pub const MAX_PREC: u32 = 4096;

/// The first working precision tried by [`enclose_const`] and [`decide_sign`].
const START_PREC: u32 = 64;

/// Binary exponents beyond this size are rejected (they would make exact rationals huge).
const MAX_EXPONENT: i64 = 1 << 50;

/// Integer powers with exponents beyond this size go through `exp(b ln a)`.
const MAX_POWI: i64 = 1 << 32;

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

fn check_size(x: Interval) -> Result<Interval, IntervalError> {
    let too_big = |d: &Dyadic| !d.is_zero() && (d.exponent().abs() > MAX_EXPONENT);
    if too_big(&x.lo) || too_big(&x.hi) {
        return Err(IntervalError::TooLarge("binary exponent of an endpoint"));
    }
    Ok(x)
}

/// The value of an expression built from rational literals with `+ - * /` and integer
/// powers, if it is one.
fn exact_rational(expr: &Expr) -> Option<BigRational> {
    match expr {
        Expr::Num(q) => Some(q.clone()),
        Expr::Neg(a) => exact_rational(a).map(|q| -q),
        Expr::Bin(op, a, b) => {
            let (x, y) = (exact_rational(a)?, exact_rational(b)?);
            match op {
                BinOp::Add => Some(x + y),
                BinOp::Sub => Some(x - y),
                BinOp::Mul => Some(x * y),
                BinOp::Div => (!y.is_zero()).then(|| x / y),
                BinOp::Pow => {
                    let n = y.is_integer().then(|| y.to_integer().to_i32()).flatten()?;
                    if n.unsigned_abs() > 64 || (n < 0 && x.is_zero()) {
                        return None;
                    }
                    Some(num_traits::pow::Pow::pow(&x, n))
                }
            }
        }
        _ => None,
    }
}

/// Encloses the value of a built-in-only expression over a box of variable intervals.
///
/// Supported forms: `Num, Pi, E, Var, Neg, Bin, Call, If`. An `if` whose condition is not
/// decided over the box gives the hull of both branches. `a ^ b` with an integer literal
/// exponent is an integer power (tight for even powers), with a half-integer exponent a power
/// of `sqrt(a)`, otherwise `exp(b ln a)` (which needs `a > 0`).
///
/// Every operation is rounded outward to `prec` significant bits.
///
/// # Errors
/// [`IntervalError`]: a domain error, a division by an interval containing 0, an unbound
/// variable, an unsupported form (`Apply`, `Deriv`, `Vector`), a number too large.
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
    let ev = |e: &Expr| enclose(e, bindings, prec);
    let v = match expr {
        Expr::Num(q) => Interval::point(q, prec),
        Expr::Pi => Interval::pi(prec),
        Expr::E => Interval::e(prec),
        Expr::Var(name) => bindings
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| IntervalError::UnboundVariable(name.clone()))?,
        Expr::Neg(a) => ev(a)?.neg(),
        Expr::Bin(op, a, b) => {
            if *op == BinOp::Pow {
                return pow(&ev(a)?, b, bindings, prec);
            }
            let (x, y) = (ev(a)?, ev(b)?);
            match op {
                BinOp::Add => x.add(&y, prec),
                BinOp::Sub => x.sub(&y, prec),
                BinOp::Mul => x.mul(&y, prec),
                BinOp::Div => x.div(&y, prec)?,
                BinOp::Pow => unreachable!("handled above"),
            }
        }
        Expr::Call(func, args) => {
            let xs = args.iter().map(ev).collect::<Result<Vec<_>, _>>()?;
            Interval::apply(*func, &xs, prec)?
        }
        Expr::If(cond, then, otherwise) => {
            let d = ev(&cond.lhs)?.sub(&ev(&cond.rhs)?, prec);
            // d = lhs - rhs; decide `d op 0` over the whole box when possible.
            let (always, never) = match cond.op {
                CmpOp::Lt => (d.hi.signum() < 0, d.lo.signum() >= 0),
                CmpOp::Le => (d.hi.signum() <= 0, d.lo.signum() > 0),
                CmpOp::Gt => (d.lo.signum() > 0, d.hi.signum() <= 0),
                CmpOp::Ge => (d.lo.signum() >= 0, d.hi.signum() < 0),
            };
            if always {
                ev(then)?
            } else if never {
                ev(otherwise)?
            } else {
                ev(then)?.hull(&ev(otherwise)?)
            }
        }
        Expr::Apply(name, _) => {
            return Err(IntervalError::Unsupported(format!("a call of `{name}`")))
        }
        Expr::Deriv(name, _, _) => {
            return Err(IntervalError::Unsupported(format!(
                "a derivative of `{name}`"
            )))
        }
        Expr::Vector(_) => return Err(IntervalError::Unsupported("a vector".to_string())),
    };
    check_size(v)
}

fn pow(
    base: &Interval,
    exponent: &Expr,
    bindings: &[(&str, Interval)],
    prec: u32,
) -> Result<Interval, IntervalError> {
    if let Some(q) = exact_rational(exponent) {
        let two = BigInt::from(2);
        let small = |n: &BigInt| n.to_i64().filter(|n| n.abs() <= MAX_POWI);
        if q.is_integer() {
            if let Some(n) = small(q.numer()) {
                return check_size(base.powi(n, prec)?);
            }
        } else if *q.denom() == two {
            if let Some(n) = small(q.numer()) {
                return check_size(base.sqrt(prec + 8)?.powi(n, prec)?);
            }
        }
    }
    let b = enclose(exponent, bindings, prec)?;
    if !base.is_positive() {
        return Err(if base.hi.signum() > 0 {
            IntervalError::PartlyOutsideDomain { func: "^" }
        } else {
            IntervalError::Domain { func: "^" }
        });
    }
    check_size(b.mul(&base.ln(prec + 8)?, prec + 8).exp(prec)?)
}

/// Whether the enclosure is narrow enough: width `<= 2^-bits` relative to the smallest
/// magnitude in it, or absolutely when it contains 0.
fn narrow_enough(x: &Interval, bits: u32) -> bool {
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
    let mut prec = START_PREC.max(target_bits.saturating_add(32)).min(MAX_PREC);
    loop {
        match enclose(expr, &[], prec) {
            Ok(v) if narrow_enough(&v, target_bits) || prec >= MAX_PREC => return Ok(v),
            Ok(_) => {}
            Err(e) if !e.may_resolve_with_precision() || prec >= MAX_PREC => return Err(e),
            Err(_) => {}
        }
        prec = prec.saturating_mul(2).min(MAX_PREC);
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
    let max_prec = max_prec.max(START_PREC);
    let mut prec = START_PREC;
    loop {
        match enclose(expr, &[], prec) {
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

fn pow10(k: i64) -> BigRational {
    let p = BigInt::from(10).pow(k.unsigned_abs() as u32);
    if k >= 0 {
        BigRational::from_integer(p)
    } else {
        BigRational::new(BigInt::one(), p)
    }
}

/// `floor(log10 q)` for `q > 0`.
fn floor_log10(q: &BigRational) -> i64 {
    let bits = q.numer().bits() as i64 - q.denom().bits() as i64;
    let mut k = (bits as f64 * std::f64::consts::LOG10_2).floor() as i64;
    while pow10(k) > *q {
        k -= 1;
    }
    while pow10(k + 1) <= *q {
        k += 1;
    }
    k
}

/// A decimal string of `digits` significant digits within one unit in the last place of every
/// point of the interval (so of the exact value it encloses), or `None` when the interval is
/// too wide to guarantee that (raise the precision), contains 0, or is astronomically large or
/// small (binary exponent beyond `2^20`).
///
/// Plain notation is used for decimal exponents in `-7..digits`, otherwise `d.ddde-12`.
///
/// ```
/// use taylorgate::interval::{to_decimal, Interval};
/// use num_rational::BigRational;
/// let x = Interval::point(&BigRational::new(2.into(), 3.into()), 80);
/// assert_eq!(to_decimal(&x, 5).unwrap(), "0.66667");
/// let wide = Interval::new(&BigRational::new(1.into(), 2.into()), &BigRational::from_integer(1.into()), 80).unwrap();
/// assert_eq!(to_decimal(&wide, 5), None);
/// ```
pub fn to_decimal(x: &Interval, digits: u32) -> Option<String> {
    if digits == 0 || x.contains_zero() {
        return None;
    }
    let limit = 1 << 20;
    if x.lo.top().abs() > limit || x.hi.top().abs() > limit {
        return None;
    }
    let negative = x.is_negative();
    let (a, b) = if negative {
        (-x.hi(), -x.lo())
    } else {
        (x.lo(), x.hi())
    };
    let mid = (&a + &b) / BigRational::from_integer(BigInt::from(2));
    let e0 = floor_log10(&mid);
    for e in [e0, e0 + 1] {
        let ulp = pow10(e - digits as i64 + 1);
        let n = (&mid / &ulp).round().to_integer();
        if n >= BigInt::from(10).pow(digits) {
            continue;
        }
        let d = BigRational::from_integer(n.clone()) * &ulp;
        if (&a - &d).abs() >= ulp || (&b - &d).abs() >= ulp {
            return None;
        }
        return Some(format_decimal(negative, &n.to_string(), e));
    }
    None
}

/// Formats `0.s * 10^(e+1)` (the digit string `s` has no leading zero).
fn format_decimal(negative: bool, s: &str, e: i64) -> String {
    let sign = if negative { "-" } else { "" };
    let len = s.len() as i64;
    let body = if (0..len).contains(&e) {
        let (int, frac) = s.split_at(e as usize + 1);
        if frac.is_empty() {
            int.to_string()
        } else {
            format!("{int}.{frac}")
        }
    } else if (-7..0).contains(&e) {
        format!("0.{}{s}", "0".repeat((-e - 1) as usize))
    } else {
        let (first, rest) = s.split_at(1);
        if rest.is_empty() {
            format!("{first}e{e}")
        } else {
            format!("{first}.{rest}e{e}")
        }
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_decimal(false, "314", 0), "3.14");
        assert_eq!(format_decimal(true, "314", 2), "-314");
        assert_eq!(format_decimal(false, "314", -3), "0.00314");
        assert_eq!(format_decimal(false, "314", 5), "3.14e5");
        assert_eq!(format_decimal(false, "314", -9), "3.14e-9");
    }

    #[test]
    fn log10_floor() {
        for (n, d, k) in [
            (1, 1, 0),
            (999, 1, 2),
            (1000, 1, 3),
            (1, 1000, -3),
            (1, 999, -3),
        ] {
            assert_eq!(floor_log10(&BigRational::new(n.into(), d.into())), k);
        }
    }
}
