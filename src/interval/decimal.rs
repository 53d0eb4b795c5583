//! Decimal output of enclosures: digits guaranteed by the interval.

use super::Interval;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed};

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

/// Formats `0.s * 10^(e+1)` (the digit string `s` has no leading zero): plain when no zero
/// must be added after the digits and the number is at least `10^-7`, else scientific.
fn format_decimal(negative: bool, s: &str, e: i64) -> String {
    let len = s.len() as i64;
    digits_text(
        negative,
        s,
        e,
        (0..len).contains(&e) || (-7..0).contains(&e),
    )
}

/// The number whose digits are `s` (no leading zero) with the leading digit standing for
/// `10^e`, as text: plain (`314`, `3.14`, `31400`, `0.00314`) when `plain`, else scientific
/// (`3.14e5`, `3e-9`). The one decimal formatter of intervals and certificates.
pub(crate) fn digits_text(negative: bool, s: &str, e: i64, plain: bool) -> String {
    let sign = if negative { "-" } else { "" };
    let body = if plain && e >= 0 {
        let point = (e as usize + 1).min(s.len());
        let (int, frac) = s.split_at(point);
        let zeros = "0".repeat(e as usize + 1 - point);
        if frac.is_empty() {
            format!("{int}{zeros}")
        } else {
            format!("{int}.{frac}")
        }
    } else if plain {
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
        assert_eq!(digits_text(false, "15", 5, true), "150000");
        assert_eq!(digits_text(true, "1", 25, false), "-1e25");
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
