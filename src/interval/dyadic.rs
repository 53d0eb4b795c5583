//! Dyadic numbers `m * 2^e` with directed rounding to a number of significant bits.
//!
//! Every operation that cannot be exact takes a precision (significant bits of the result) and a
//! rounding direction. Rounding down of a product, sum or quotient gives a value `<=` the exact
//! result, rounding up a value `>=`: that is all the interval layer needs for soundness.

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cmp::Ordering;

/// A rounding direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Round {
    /// Towards negative infinity.
    Down,
    /// Towards positive infinity.
    Up,
}

/// The value `m * 2^e`; normalised so that `m` is odd, or `m = 0` and `e = 0`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Dyadic {
    m: BigInt,
    e: i64,
}

/// `floor(m / 2^s)` or `ceil(m / 2^s)`.
fn shift_right(m: &BigInt, s: u64, dir: Round) -> BigInt {
    if s == 0 {
        return m.clone();
    }
    let mag = m.magnitude();
    let q = BigInt::from(mag >> s);
    let exact = match mag.trailing_zeros() {
        None => true,
        Some(t) => t >= s,
    };
    // For m >= 0, the magnitude shift is the floor; for m < 0 it is the ceiling.
    let towards_zero_is_down = m.sign() != Sign::Minus;
    let signed = if m.is_negative() { -q } else { q };
    if exact || (towards_zero_is_down == (dir == Round::Down)) {
        signed
    } else if dir == Round::Up {
        signed + 1
    } else {
        signed - 1
    }
}

impl Dyadic {
    /// Zero.
    pub(crate) fn zero() -> Dyadic {
        Dyadic {
            m: BigInt::zero(),
            e: 0,
        }
    }

    /// `m * 2^e`, normalised.
    pub(crate) fn new(m: BigInt, e: i64) -> Dyadic {
        match m.trailing_zeros() {
            None => Dyadic::zero(),
            Some(0) => Dyadic { m, e },
            Some(t) => Dyadic {
                m: m >> t,
                e: e + t as i64,
            },
        }
    }

    /// An integer.
    pub(crate) fn from_int(n: i64) -> Dyadic {
        Dyadic::new(BigInt::from(n), 0)
    }

    /// `2^e`.
    pub(crate) fn pow2(e: i64) -> Dyadic {
        Dyadic {
            m: BigInt::one(),
            e,
        }
    }

    /// The exponent.
    pub(crate) fn exponent(&self) -> i64 {
        self.e
    }

    /// Whether the value is zero.
    pub(crate) fn is_zero(&self) -> bool {
        self.m.is_zero()
    }

    /// -1, 0 or 1.
    pub(crate) fn signum(&self) -> i32 {
        match self.m.sign() {
            Sign::Minus => -1,
            Sign::NoSign => 0,
            Sign::Plus => 1,
        }
    }

    /// `k` such that `2^(k-1) <= |x| < 2^k` (`i64::MIN` for zero).
    pub(crate) fn top(&self) -> i64 {
        if self.m.is_zero() {
            i64::MIN
        } else {
            self.m.bits() as i64 + self.e
        }
    }

    /// Absolute value.
    pub(crate) fn abs(&self) -> Dyadic {
        Dyadic {
            m: self.m.abs(),
            e: self.e,
        }
    }

    /// Negation.
    pub(crate) fn neg(&self) -> Dyadic {
        Dyadic {
            m: -&self.m,
            e: self.e,
        }
    }

    /// `x * 2^k` (exact).
    pub(crate) fn mul_pow2(&self, k: i64) -> Dyadic {
        if self.m.is_zero() {
            return Dyadic::zero();
        }
        Dyadic {
            m: self.m.clone(),
            e: self.e + k,
        }
    }

    /// Rounds to at most `prec` significant bits in direction `dir`.
    pub(crate) fn round(&self, prec: u32, dir: Round) -> Dyadic {
        let bits = self.m.bits();
        if bits <= prec as u64 {
            return self.clone();
        }
        let s = bits - prec as u64;
        Dyadic::new(shift_right(&self.m, s, dir), self.e + s as i64)
    }

    /// The exact sum (callers make sure the exponents are not far apart, or use [`Self::add`]).
    fn add_exact(&self, other: &Dyadic) -> Dyadic {
        if self.m.is_zero() {
            return other.clone();
        }
        if other.m.is_zero() {
            return self.clone();
        }
        let e = self.e.min(other.e);
        let a = &self.m << (self.e - e) as u64;
        let b = &other.m << (other.e - e) as u64;
        Dyadic::new(a + b, e)
    }

    /// `self + other` rounded to `prec` bits in direction `dir`.
    ///
    /// When one term lies far below the rounding position of the other, it is replaced by a
    /// smaller power of two of the same sign (a "sticky bit"): both sums then lie strictly
    /// between the same two neighbouring representable numbers, so they round alike.
    pub(crate) fn add(&self, other: &Dyadic, prec: u32, dir: Round) -> Dyadic {
        let (big, small) = if self.top() >= other.top() {
            (self, other)
        } else {
            (other, self)
        };
        if small.m.is_zero() {
            return big.round(prec, dir);
        }
        let limit = big.e.min(big.top() - prec as i64) - 2;
        if small.top() < limit {
            let sticky = Dyadic {
                m: BigInt::from(small.signum()),
                e: limit - 2,
            };
            return big.add_exact(&sticky).round(prec, dir);
        }
        self.add_exact(other).round(prec, dir)
    }

    /// `self - other` rounded.
    pub(crate) fn sub(&self, other: &Dyadic, prec: u32, dir: Round) -> Dyadic {
        self.add(&other.neg(), prec, dir)
    }

    /// The exact product.
    pub(crate) fn mul_exact(&self, other: &Dyadic) -> Dyadic {
        if self.m.is_zero() || other.m.is_zero() {
            return Dyadic::zero();
        }
        Dyadic {
            m: &self.m * &other.m,
            e: self.e + other.e,
        }
    }

    /// `self * other` rounded.
    pub(crate) fn mul(&self, other: &Dyadic, prec: u32, dir: Round) -> Dyadic {
        self.mul_exact(other).round(prec, dir)
    }

    /// `self / other` rounded (`other` must be non-zero).
    pub(crate) fn div(&self, other: &Dyadic, prec: u32, dir: Round) -> Dyadic {
        if self.m.is_zero() {
            return Dyadic::zero();
        }
        let s = (prec as i64 + 2 + other.m.bits() as i64 - self.m.bits() as i64).max(0) as u64;
        let num = &self.m << s;
        let q = match dir {
            Round::Down => num.div_floor(&other.m),
            Round::Up => -((-num).div_floor(&other.m)),
        };
        Dyadic::new(q, self.e - other.e - s as i64).round(prec, dir)
    }

    /// `n / d` rounded to `prec` bits (`d` non-zero).
    pub(crate) fn from_ratio(n: &BigInt, d: &BigInt, prec: u32, dir: Round) -> Dyadic {
        Dyadic::new(n.clone(), 0).div(&Dyadic::new(d.clone(), 0), prec, dir)
    }

    /// A rational rounded to `prec` bits (exact when it is dyadic with at most `prec` bits).
    pub(crate) fn from_rational(q: &BigRational, prec: u32, dir: Round) -> Dyadic {
        let d = q.denom();
        if d.is_one() {
            return Dyadic::new(q.numer().clone(), 0).round(prec, dir);
        }
        match d.trailing_zeros() {
            Some(t) if (d >> t).is_one() => {
                Dyadic::new(q.numer().clone(), -(t as i64)).round(prec, dir)
            }
            _ => Dyadic::from_ratio(q.numer(), d, prec, dir),
        }
    }

    /// The exact value as a rational (the exponent must be of moderate size).
    pub(crate) fn to_rational(&self) -> BigRational {
        if self.e >= 0 {
            BigRational::from_integer(&self.m << self.e as u64)
        } else {
            BigRational::new(self.m.clone(), BigInt::one() << (-self.e) as u64)
        }
    }

    /// A float below (`Round::Down`) or above (`Round::Up`) the value: an enclosure's endpoint
    /// in floating point, without the exact rational (whose size follows the exponent: a bound
    /// like `2^(2^36)` would allocate gigabytes). Out of range: `±f64::MAX` or an infinity.
    pub(crate) fn to_f64_directed(&self, dir: Round) -> f64 {
        if self.m.is_zero() {
            return 0.0;
        }
        let r = self.round(53, dir);
        let positive = r.m.is_positive();
        // |value| < 2^(e + 53), with an exact 53-bit mantissa.
        let m = r.m.to_f64().expect("a 53-bit mantissa is a float");
        let down = matches!(dir, Round::Down);
        let tiny = 2f64.powi(-900);
        if r.e > 1100 {
            return match (down, positive) {
                (true, true) => f64::MAX,
                (true, false) => f64::NEG_INFINITY,
                (false, true) => f64::INFINITY,
                (false, false) => -f64::MAX,
            };
        }
        if r.e + 53 < -947 {
            // |value| < 2^-947 < 2^-900: outside the normal range of a product below.
            return match (down, positive) {
                (true, true) | (false, false) => 0.0,
                (true, false) => -tiny,
                (false, true) => tiny,
            };
        }
        let e = r.e as i32;
        let x = m * 2f64.powi(e / 2) * 2f64.powi(e - e / 2);
        match (x.is_infinite(), down, positive) {
            (true, true, true) => f64::MAX,
            (true, false, false) => -f64::MAX,
            _ => x,
        }
    }

    /// An approximation as a float (for display only).
    pub(crate) fn to_f64(&self) -> f64 {
        let r = self.round(60, Round::Down);
        let m = r.m.to_f64().unwrap_or(0.0);
        let e = r.e.clamp(-4000, 4000) as i32;
        m * 2f64.powi(e / 2) * 2f64.powi(e - e / 2)
    }

    /// `floor(self)` as an integer (the exponent must be of moderate size).
    pub(crate) fn floor_int(&self) -> BigInt {
        if self.e >= 0 {
            &self.m << self.e as u64
        } else {
            shift_right(&self.m, (-self.e) as u64, Round::Down)
        }
    }

    /// `ceil(self)` as an integer.
    pub(crate) fn ceil_int(&self) -> BigInt {
        -self.neg().floor_int()
    }

    /// Compares with a rational exactly.
    pub(crate) fn cmp_rational(&self, q: &BigRational) -> Ordering {
        // m 2^e vs n/d with d > 0  <=>  m d 2^e vs n
        let lhs = Dyadic::new(&self.m * q.denom(), self.e);
        lhs.cmp(&Dyadic::new(q.numer().clone(), 0))
    }

    /// `floor(sqrt(x))` or `ceil(sqrt(x))` to `prec` bits (`x >= 0`).
    pub(crate) fn sqrt(&self, prec: u32, dir: Round) -> Dyadic {
        if self.m.is_zero() {
            return Dyadic::zero();
        }
        // Make the exponent even and the mantissa at least 2 prec + 4 bits long.
        let want = 2 * prec as i64 + 4;
        let mut s = (want - self.m.bits() as i64).max(0);
        if (self.e - s) % 2 != 0 {
            s += 1;
        }
        let m = &self.m << s as u64;
        let r = m.sqrt();
        let r = if dir == Round::Up && &r * &r != m {
            r + 1
        } else {
            r
        };
        Dyadic::new(r, (self.e - s) / 2).round(prec, dir)
    }
}

impl PartialOrd for Dyadic {
    fn partial_cmp(&self, other: &Dyadic) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Dyadic {
    fn cmp(&self, other: &Dyadic) -> Ordering {
        let (sa, sb) = (self.signum(), other.signum());
        if sa != sb {
            return sa.cmp(&sb);
        }
        if sa == 0 {
            return Ordering::Equal;
        }
        let (ta, tb) = (self.top(), other.top());
        if ta != tb {
            let by_magnitude = ta.cmp(&tb);
            return if sa > 0 {
                by_magnitude
            } else {
                by_magnitude.reverse()
            };
        }
        // Same top: the exponents differ by at most the mantissa lengths.
        let e = self.e.min(other.e);
        let a = &self.m << (self.e - e) as u64;
        let b = &other.m << (other.e - e) as u64;
        a.cmp(&b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directed_rounding_brackets() {
        let x = Dyadic::from_ratio(&BigInt::from(-1), &BigInt::from(3), 10, Round::Down);
        let y = Dyadic::from_ratio(&BigInt::from(-1), &BigInt::from(3), 10, Round::Up);
        let third = BigRational::new(BigInt::from(-1), BigInt::from(3));
        assert_eq!(x.cmp_rational(&third), Ordering::Less);
        assert_eq!(y.cmp_rational(&third), Ordering::Greater);
        let s = Dyadic::from_int(2).sqrt(20, Round::Down);
        let t = Dyadic::from_int(2).sqrt(20, Round::Up);
        assert!(s.mul_exact(&s) < Dyadic::from_int(2));
        assert!(t.mul_exact(&t) > Dyadic::from_int(2));
    }

    #[test]
    fn sticky_addition_rounds_like_exact() {
        let one = Dyadic::from_int(1);
        let tiny = Dyadic::pow2(-100_000);
        assert_eq!(one.add(&tiny, 53, Round::Down), one);
        assert!(one.add(&tiny, 53, Round::Up) > one);
        assert!(one.add(&tiny.neg(), 53, Round::Down) < one);
        assert_eq!(one.add(&tiny.neg(), 53, Round::Up), one);
    }
}
