//! Rigorous enclosures: interval arithmetic with dyadic endpoints rounded outward.
//!
//! Expressions are enclosed through the one evaluator of the graph ([`crate::ir`]): intervals
//! ([`Enclosure`]) and interval Taylor arithmetic ([`taylor_coefficients_of`]) are two of its
//! domains; this module supplies their arithmetic and the elementary functions.
//!
//! An [`Interval`] `[lo, hi]` has exact endpoints of the form `m * 2^e` (`m` a big integer).
//! Every operation takes a working precision `prec` (significant bits of each endpoint) and
//! rounds the lower endpoint down and the upper endpoint up, so the result always contains the
//! exact image of every point of the arguments. Sizes stay bounded by `prec`, whatever the
//! number of operations.
//!
//! # Bounds used
//!
//! Every built-in is computed at a point by a Taylor series whose truncation error is bounded
//! explicitly and added as an interval `[-R, R]`; the polynomial itself is evaluated in interval
//! arithmetic, so rounding errors are accounted for automatically. Over a wide interval the
//! endpoints are enclosed separately and monotonicity (or the location of extrema) gives the
//! image.
//!
//! | function | method |
//! |---|---|
//! | `exp` | `exp(x) = exp(x/2^k)^(2^k)` with `|x/2^k| < 2^-8`; series tail `<= 2 |T_N|` |
//! | `ln` | `ln x = k ln 2 + 2 atanh((y-1)/(y+1))`, `y = x/2^k in [3/4, 3/2]`; `ln 2 = 2 atanh(1/3)` |
//! | `atanh` series | tail `<= 2 |z|^(2N+1)` for `|z| <= 1/2` |
//! | `atan` | halving `z -> z/(1+sqrt(1+z^2))` until `|z| <= 1/16`; alternating tail `<= |z|^(2N+1)` |
//! | `pi` | Machin: `pi = 16 atan(1/5) - 4 atan(1/239)` |
//! | `sin`, `cos` | reduction modulo `pi/2` (with `pi` to `prec + log2|x|` bits); alternating tails |
//! | `tan` | `sin/cos`; an interval that may contain a pole is a domain error |
//! | `sinh`, `cosh`, `tanh` | series for `|x| <= 1/2` (no cancellation), `exp` otherwise |
//! | `asin`, `acos` | `atan(x/sqrt(1-x^2))`, `2 atan(sqrt((1-x)/(1+x)))` (`1 -+ x` exact) |
//! | `asinh`, `acosh` | `atanh(x/sqrt(1+x^2))` for `|x| <= 1/2`, else `ln(|x|+sqrt(x^2+1))`; `acosh x = 2 asinh(sqrt((x-1)/2))` |
//! | `erf` | `2/sqrt(pi) exp(-x^2) sum x (2x^2)^n/(2n+1)!!` (positive terms); `erf x in [1 - 2^-(p+10), 1]` when `x^2 >= 0.7 (p+10)`, from `erfc x < exp(-x^2)/(x sqrt(pi))` |
//!
//! # Limits
//!
//! - `exp` needs `|x| < 2^40`, `sin`/`cos`/`tan` need `|x| < 2^65536`; beyond, [`IntervalError::TooLarge`].
//! - Endpoints whose binary exponent exceeds `2^50` in size are rejected by [`enclose`].
//! - [`enclose_const`] and [`decide_sign`] double the working precision from 64 bits up to
//!   [`MAX_PREC`] (4096 bits) and then give up (best enclosure, or [`NumericSign::Unknown`]).
//! - A zero is never decided numerically: an enclosure of an exact zero always contains 0.
//!
//! ```
//! use taylorgate::interval::{enclose_const, to_decimal};
//! use taylorgate::{Expr, Func};
//! let pi = enclose_const(&Expr::Pi, 100).unwrap();
//! assert_eq!(to_decimal(&pi, 20).unwrap(), "3.1415926535897932385");
//! let sin1 = enclose_const(&Expr::call(Func::Sin, Expr::int(1)), 60).unwrap();
//! assert_eq!(to_decimal(&sin1, 10).unwrap(), "0.8414709848");
//! ```

mod decimal;
mod digits;
mod dyadic;
mod elementary;
mod enclose;
mod exact;
mod taylor;

pub(crate) use decimal::digits_text;
pub use decimal::to_decimal;
pub use digits::guaranteed_digits;
pub use enclose::{
    decide_sign, decide_sign_with_limit, enclose, enclose_const, enclose_node, Enc, Enclosure,
    NumericSign, MAX_PREC,
};
pub use exact::{enclose_value, enclose_value_at, CachedEncloser};
pub use taylor::{
    derivative_bound, derivative_bounds, taylor_coefficients, taylor_coefficients_of, Jet,
    MAX_TAYLOR_ORDER,
};

use dyadic::{Dyadic, Round};
use num_bigint::BigInt;
use num_rational::BigRational;
use std::cmp::Ordering;

/// The error of the interval layer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IntervalError {
    /// The divisor is exactly zero.
    #[error("division by zero")]
    DivisionByZero,
    /// The divisor interval contains zero (a higher precision may exclude it).
    #[error("division by an interval that contains zero")]
    DivisorContainsZero,
    /// The whole argument interval lies outside the domain of the function.
    #[error("{func} is undefined on the whole argument interval")]
    Domain {
        /// The function (or operation) name.
        func: &'static str,
    },
    /// Part of the argument interval lies outside the domain of the function (a higher
    /// precision may help when the exact argument lies inside).
    #[error("the argument interval of {func} reaches outside its domain")]
    PartlyOutsideDomain {
        /// The function (or operation) name.
        func: &'static str,
    },
    /// A variable without a binding.
    #[error("unbound variable `{0}`")]
    UnboundVariable(String),
    /// An expression form that has no interval meaning (a user call, a vector, ...).
    #[error("cannot enclose {0}")]
    Unsupported(String),
    /// A call with the wrong number of arguments.
    #[error("`{0}` called with the wrong number of arguments")]
    Arity(&'static str),
    /// An argument or a result too large to handle (see the module docs for the limits).
    #[error("number too large: {0}")]
    TooLarge(&'static str),
    /// An interval with `lo > hi`.
    #[error("empty interval: lower endpoint above upper endpoint")]
    Empty,
}

impl IntervalError {
    /// Whether a higher working precision might make the computation succeed.
    pub fn may_resolve_with_precision(&self) -> bool {
        matches!(
            self,
            IntervalError::DivisorContainsZero | IntervalError::PartlyOutsideDomain { .. }
        )
    }
}

/// A closed interval `[lo, hi]` of reals with dyadic endpoints.
///
/// ```
/// use taylorgate::interval::Interval;
/// use num_rational::BigRational;
/// let third = BigRational::new(1.into(), 3.into());
/// let x = Interval::point(&third, 64);
/// assert!(x.contains(&third));
/// let y = x.mul(&Interval::from_int(3), 64);
/// assert!(y.contains(&BigRational::from_integer(1.into())));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Interval {
    lo: Dyadic,
    hi: Dyadic,
}

/// The smallest precision used by any operation (smaller requests are raised to it).
const MIN_PREC: u32 = 8;

fn p(prec: u32) -> u32 {
    prec.max(MIN_PREC)
}

impl Interval {
    pub(crate) fn from_dyadics(lo: Dyadic, hi: Dyadic) -> Interval {
        debug_assert!(lo <= hi);
        Interval { lo, hi }
    }

    pub(crate) fn thin(x: Dyadic) -> Interval {
        Interval {
            lo: x.clone(),
            hi: x,
        }
    }

    /// The integer `n` (exact).
    pub fn from_int(n: i64) -> Interval {
        Interval::thin(Dyadic::from_int(n))
    }

    /// The smallest interval with `prec`-bit endpoints containing the rational `q` (exact when
    /// `q` is a dyadic number of at most `prec` bits).
    pub fn point(q: &BigRational, prec: u32) -> Interval {
        Interval {
            lo: Dyadic::from_rational(q, p(prec), Round::Down),
            hi: Dyadic::from_rational(q, p(prec), Round::Up),
        }
    }

    /// An interval containing `[lo, hi]`, endpoints rounded outward to `prec` bits.
    ///
    /// # Errors
    /// [`IntervalError::Empty`] when `lo > hi`.
    pub fn new(lo: &BigRational, hi: &BigRational, prec: u32) -> Result<Interval, IntervalError> {
        if lo > hi {
            return Err(IntervalError::Empty);
        }
        Ok(Interval {
            lo: Dyadic::from_rational(lo, p(prec), Round::Down),
            hi: Dyadic::from_rational(hi, p(prec), Round::Up),
        })
    }

    /// The lower endpoint, exactly.
    pub fn lo(&self) -> BigRational {
        self.lo.to_rational()
    }

    /// The upper endpoint, exactly.
    pub fn hi(&self) -> BigRational {
        self.hi.to_rational()
    }

    /// `hi - lo`, exactly.
    pub fn width(&self) -> BigRational {
        self.hi() - self.lo()
    }

    /// The midpoint, exactly.
    pub fn midpoint(&self) -> BigRational {
        (self.lo() + self.hi()) / BigRational::from_integer(BigInt::from(2))
    }

    /// An approximation of the midpoint as a float, for display only.
    pub fn to_f64(&self) -> f64 {
        (self.lo.to_f64() + self.hi.to_f64()) / 2.0
    }

    /// Floats `lo <= self.lo()` and `hi >= self.hi()`: the interval in floating point, outward,
    /// without forming the exact endpoints (whose size grows with the exponent).
    pub fn to_f64_outward(&self) -> (f64, f64) {
        (
            self.lo.to_f64_directed(Round::Down),
            self.hi.to_f64_directed(Round::Up),
        )
    }

    /// The endpoints as floats (rounded to nearest, so not an enclosure), for display only.
    pub fn to_f64_pair(&self) -> (f64, f64) {
        (self.lo.to_f64(), self.hi.to_f64())
    }

    /// `log2` of the width rounded up to an integer (`None` for a point): the width is below
    /// `2^k` for the returned `k`.
    pub fn width_log2(&self) -> Option<i64> {
        let w = self.hi.sub(&self.lo, 32, Round::Up);
        (!w.is_zero()).then(|| w.top())
    }

    /// Whether `q` lies in the interval.
    pub fn contains(&self, q: &BigRational) -> bool {
        self.lo.cmp_rational(q) != Ordering::Greater && self.hi.cmp_rational(q) != Ordering::Less
    }

    /// Whether `other` is a subset.
    pub fn contains_interval(&self, other: &Interval) -> bool {
        self.lo <= other.lo && other.hi <= self.hi
    }

    /// Whether 0 lies in the interval.
    pub fn contains_zero(&self) -> bool {
        self.lo.signum() <= 0 && self.hi.signum() >= 0
    }

    /// Whether every point is `> 0`.
    pub fn is_positive(&self) -> bool {
        self.lo.signum() > 0
    }

    /// Whether every point is `< 0`.
    pub fn is_negative(&self) -> bool {
        self.hi.signum() < 0
    }

    /// Whether the interval is a single point.
    pub fn is_point(&self) -> bool {
        self.lo == self.hi
    }

    /// The smallest interval containing both.
    pub fn hull(&self, other: &Interval) -> Interval {
        Interval {
            lo: self.lo.clone().min(other.lo.clone()),
            hi: self.hi.clone().max(other.hi.clone()),
        }
    }

    /// The intersection, if not empty.
    pub fn intersect(&self, other: &Interval) -> Option<Interval> {
        let lo = self.lo.clone().max(other.lo.clone());
        let hi = self.hi.clone().min(other.hi.clone());
        (lo <= hi).then_some(Interval { lo, hi })
    }

    /// The endpoints rounded outward to `prec` bits.
    pub fn round_out(&self, prec: u32) -> Interval {
        Interval {
            lo: self.lo.round(p(prec), Round::Down),
            hi: self.hi.round(p(prec), Round::Up),
        }
    }

    /// `max(|lo|, |hi|)`.
    pub(crate) fn mag(&self) -> Dyadic {
        self.lo.abs().max(self.hi.abs())
    }

    /// `-self` (exact).
    pub fn neg(&self) -> Interval {
        Interval {
            lo: self.hi.neg(),
            hi: self.lo.neg(),
        }
    }

    /// `self * 2^k` (exact).
    pub fn mul_pow2(&self, k: i64) -> Interval {
        Interval {
            lo: self.lo.mul_pow2(k),
            hi: self.hi.mul_pow2(k),
        }
    }

    /// `self + other`.
    pub fn add(&self, other: &Interval, prec: u32) -> Interval {
        crate::budget::check();
        Interval {
            lo: self.lo.add(&other.lo, p(prec), Round::Down),
            hi: self.hi.add(&other.hi, p(prec), Round::Up),
        }
    }

    /// `self - other`.
    pub fn sub(&self, other: &Interval, prec: u32) -> Interval {
        self.add(&other.neg(), prec)
    }

    /// `self * other`.
    pub fn mul(&self, other: &Interval, prec: u32) -> Interval {
        crate::budget::check();
        let products = [
            self.lo.mul_exact(&other.lo),
            self.lo.mul_exact(&other.hi),
            self.hi.mul_exact(&other.lo),
            self.hi.mul_exact(&other.hi),
        ];
        let lo = products.iter().min().cloned().unwrap_or_else(Dyadic::zero);
        let hi = products.iter().max().cloned().unwrap_or_else(Dyadic::zero);
        Interval {
            lo: lo.round(p(prec), Round::Down),
            hi: hi.round(p(prec), Round::Up),
        }
    }

    /// `self / n` for a positive integer `n`.
    pub(crate) fn div_int(&self, n: u64, prec: u32) -> Interval {
        let d = Dyadic::new(BigInt::from(n), 0);
        Interval {
            lo: self.lo.div(&d, p(prec), Round::Down),
            hi: self.hi.div(&d, p(prec), Round::Up),
        }
    }

    /// `self / other`.
    ///
    /// # Errors
    /// [`IntervalError::DivisionByZero`] when `other` is `[0, 0]`,
    /// [`IntervalError::DivisorContainsZero`] when it contains 0.
    pub fn div(&self, other: &Interval, prec: u32) -> Result<Interval, IntervalError> {
        if other.lo.is_zero() && other.hi.is_zero() {
            return Err(IntervalError::DivisionByZero);
        }
        if other.contains_zero() {
            return Err(IntervalError::DivisorContainsZero);
        }
        let pr = p(prec);
        let pairs = [
            (&self.lo, &other.lo),
            (&self.lo, &other.hi),
            (&self.hi, &other.lo),
            (&self.hi, &other.hi),
        ];
        let lo = pairs
            .iter()
            .map(|(a, b)| a.div(b, pr, Round::Down))
            .min()
            .unwrap_or_else(Dyadic::zero);
        let hi = pairs
            .iter()
            .map(|(a, b)| a.div(b, pr, Round::Up))
            .max()
            .unwrap_or_else(Dyadic::zero);
        Ok(Interval { lo, hi })
    }

    /// `1 / self`.
    ///
    /// # Errors
    /// As [`Interval::div`].
    pub fn recip(&self, prec: u32) -> Result<Interval, IntervalError> {
        Interval::from_int(1).div(self, prec)
    }

    /// `|self|`.
    pub fn abs(&self) -> Interval {
        if self.lo.signum() >= 0 {
            self.clone()
        } else if self.hi.signum() <= 0 {
            self.neg()
        } else {
            Interval {
                lo: Dyadic::zero(),
                hi: self.mag(),
            }
        }
    }

    /// The pointwise minimum `{min(x, y)}`.
    pub fn min(&self, other: &Interval) -> Interval {
        Interval {
            lo: self.lo.clone().min(other.lo.clone()),
            hi: self.hi.clone().min(other.hi.clone()),
        }
    }

    /// The pointwise maximum `{max(x, y)}`.
    pub fn max(&self, other: &Interval) -> Interval {
        Interval {
            lo: self.lo.clone().max(other.lo.clone()),
            hi: self.hi.clone().max(other.hi.clone()),
        }
    }

    /// `self^n` for an integer `n`: tight (the exact image, rounded outward), also for even `n`
    /// over an interval containing 0. `x^0 = 1`.
    ///
    /// # Errors
    /// For `n < 0`, as [`Interval::div`].
    pub fn powi(&self, n: i64, prec: u32) -> Result<Interval, IntervalError> {
        let pr = p(prec);
        if n < 0 {
            let pos = self.powi_u(n.unsigned_abs(), pr + 4);
            return pos.recip(pr);
        }
        Ok(self.powi_u(n as u64, pr))
    }

    fn powi_u(&self, n: u64, prec: u32) -> Interval {
        if n == 0 {
            return Interval::from_int(1);
        }
        let pw = |a: &Dyadic, dir: Round| pow_nonneg(a, n, prec, dir);
        let even = n % 2 == 0;
        if self.lo.signum() >= 0 {
            Interval {
                lo: pw(&self.lo, Round::Down),
                hi: pw(&self.hi, Round::Up),
            }
        } else if self.hi.signum() <= 0 {
            let (a, b) = (self.hi.abs(), self.lo.abs()); // 0 <= a <= b
            if even {
                Interval {
                    lo: pw(&a, Round::Down),
                    hi: pw(&b, Round::Up),
                }
            } else {
                Interval {
                    lo: pw(&b, Round::Up).neg(),
                    hi: pw(&a, Round::Down).neg(),
                }
            }
        } else if even {
            Interval {
                lo: Dyadic::zero(),
                hi: pw(&self.mag(), Round::Up),
            }
        } else {
            Interval {
                lo: pw(&self.lo.abs(), Round::Up).neg(),
                hi: pw(&self.hi, Round::Up),
            }
        }
    }

    /// `self^2`.
    pub(crate) fn sqr(&self, prec: u32) -> Interval {
        self.powi_u(2, p(prec))
    }
}

/// `a^n` for `a >= 0`, every intermediate rounded in direction `dir` (sound by monotonicity).
fn pow_nonneg(a: &Dyadic, n: u64, prec: u32, dir: Round) -> Dyadic {
    let mut result = Dyadic::from_int(1);
    let mut base = a.clone();
    let mut k = n;
    while k > 0 {
        if k & 1 == 1 {
            result = result.mul(&base, prec, dir);
        }
        k >>= 1;
        if k > 0 {
            base = base.mul(&base, prec, dir);
        }
    }
    result
}
