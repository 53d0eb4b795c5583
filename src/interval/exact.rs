//! Enclosures of exact constants, read off their normal form, with the enclosure of every
//! interned atom cached for the whole process.
//!
//! A deep constant (`tanh(tanh(tanh(e)))`) is a polynomial over atoms whose arguments hold
//! atoms. Enclosing it through its printed expression re-enclosed every nested atom at every
//! sign test and at every doubling of the precision; here an atom is enclosed once per
//! precision it is asked at (the cache keeps the most precise enclosure), and a sign test of a
//! new constant over known atoms costs one interval evaluation of its polynomial.
//!
//! The argument of an atom is enclosed to `prec + log2 |arg|` bits (absolute accuracy
//! `2^-prec`): `sin`, `cos`, `tan` and `exp` of a huge argument need it (`sin(1e10000)` reduces
//! `10^10000` modulo `pi/2` with the argument exact and `pi` to 33,000 bits).

use super::{Interval, IntervalError, NumericSign};
use crate::expr::Func;
use crate::number::{AtomRef, Const, Encloser, Fold, Sign};
use num_rational::BigRational;
use num_traits::ToPrimitive;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Arguments of atoms are enclosed with at most this many extra bits for their magnitude
/// (beyond, `exp` and the trigonometric functions refuse the argument anyway).
const MAX_EXTRA_BITS: i64 = 1 << 17;

fn cache() -> &'static Mutex<HashMap<u64, (u32, Interval)>> {
    static CACHE: OnceLock<Mutex<HashMap<u64, (u32, Interval)>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn cached(id: u64, prec: u32) -> Option<Interval> {
    let c = cache().lock().unwrap_or_else(|e| e.into_inner());
    c.get(&id)
        .filter(|(p, _)| *p >= prec)
        .map(|(_, v)| v.clone())
}

fn store(id: u64, prec: u32, v: &Interval) {
    let mut c = cache().lock().unwrap_or_else(|e| e.into_inner());
    let better = c.get(&id).map_or(true, |(p, _)| *p < prec);
    if better {
        c.insert(id, (prec, v.clone()));
    }
}

/// Interval evaluation of normal forms at one working precision.
struct At {
    prec: u32,
}

impl At {
    /// `func(arg)` (`None`: the exponential atom), cached under `id`.
    fn atom(&self, id: u64, func: Option<Func>, arg: &Const) -> Result<Interval, IntervalError> {
        if let Some(v) = cached(id, self.prec) {
            return Ok(v);
        }
        let mut x = arg.fold(&mut At { prec: self.prec })?;
        // Absolute accuracy 2^-prec for the argument: relative accuracy of exp, and the
        // reduction of sin, cos, tan modulo pi/2.
        let top = x.mag().top();
        if top > 0 {
            let extra = u32::try_from(top.min(MAX_EXTRA_BITS)).unwrap_or(0) + 16;
            x = arg.fold(&mut At {
                prec: self.prec.saturating_add(extra),
            })?;
        }
        let v = match func {
            None => x.exp(self.prec)?,
            Some(f) => Interval::apply(f, &[x], self.prec)?,
        };
        store(id, self.prec, &v);
        Ok(v)
    }
}

impl Fold for At {
    type T = Interval;
    type E = IntervalError;
    fn rational(&mut self, q: &BigRational) -> Result<Interval, IntervalError> {
        Ok(Interval::point(q, self.prec))
    }
    fn atom(&mut self, atom: AtomRef<'_>) -> Result<Interval, IntervalError> {
        let p = self.prec;
        match atom {
            AtomRef::Pi => Ok(Interval::pi(p)),
            AtomRef::E => Ok(Interval::e(p)),
            AtomRef::Ln(n) => Interval::point(&BigRational::from_integer(n.clone()), p).ln(p),
            AtomRef::Radical(n) => Ok(Interval::point(&BigRational::from_integer(n.clone()), p)),
            AtomRef::Apply { id, func, arg } => At::atom(self, id, Some(func), arg),
            AtomRef::Exp { id, arg } => At::atom(self, id, None, arg),
        }
    }
    fn pow(&mut self, x: &Interval, e: &BigRational) -> Result<Interval, IntervalError> {
        let p = self.prec;
        if e.is_integer() {
            let n = e
                .numer()
                .to_i64()
                .ok_or(IntervalError::TooLarge("exponent"))?;
            return x.powi(n, p);
        }
        if *e.denom() == 2.into() {
            let n = e
                .numer()
                .to_i64()
                .ok_or(IntervalError::TooLarge("exponent"))?;
            return x.sqrt(p + 8)?.powi(n, p);
        }
        x.ln(p + 8)?.mul(&Interval::point(e, p + 8), p + 8).exp(p)
    }
    fn add(&mut self, a: &Interval, b: &Interval) -> Result<Interval, IntervalError> {
        Ok(a.add(b, self.prec))
    }
    fn mul(&mut self, a: &Interval, b: &Interval) -> Result<Interval, IntervalError> {
        Ok(a.mul(b, self.prec))
    }
    fn div(&mut self, a: &Interval, b: &Interval) -> Result<Interval, IntervalError> {
        a.div(b, self.prec)
    }
}

/// An enclosure of an exact constant at working precision `prec` (atoms cached).
///
/// # Errors
/// As [`super::enclose`]: a division by an interval containing 0 or an argument outside a
/// domain (a higher precision may cure both), a number too large.
pub fn enclose_value_at(value: &Const, prec: u32) -> Result<Interval, IntervalError> {
    value.fold(&mut At { prec })
}

/// An enclosure of an exact constant of relative width below `2^-target_bits` (absolute when
/// it contains 0), the working precision doubling from 64 bits up to [`super::MAX_PREC`]; at the
/// limit, the best enclosure obtained.
///
/// ```
/// use taylorgate::interval::{enclose_value, to_decimal};
/// use taylorgate::Const;
/// let pi = enclose_value(&Const::pi(), 100).unwrap();
/// assert_eq!(to_decimal(&pi, 20).unwrap(), "3.1415926535897932385");
/// ```
///
/// # Errors
/// An error of [`enclose_value_at`] that more precision cannot cure, or the last one at the
/// limit.
pub fn enclose_value(value: &Const, target_bits: u32) -> Result<Interval, IntervalError> {
    super::enclose::to_target(target_bits, |prec| enclose_value_at(value, prec))
}

/// The encloser of exact arithmetic ([`crate::ENCLOSER`]): signs proved by [`enclose_value_at`]
/// at precisions doubling from 64 bits, atoms cached across calls.
pub struct CachedEncloser;

impl Encloser for CachedEncloser {
    fn sign(&self, value: &Const, max_prec: u32) -> Sign {
        match super::enclose::sign_by_precision(max_prec, |prec| enclose_value_at(value, prec)) {
            NumericSign::Positive => Sign::Positive,
            NumericSign::Negative => Sign::Negative,
            NumericSign::Unknown => Sign::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::One;

    #[test]
    fn nested_atoms_are_enclosed_and_cached() {
        // tanh(tanh(1)) = 0.64201499201199... (Python's math.tanh)
        let t1 = Const::apply(Func::Tanh, &[Const::one()]).unwrap();
        let t2 = Const::apply(Func::Tanh, &[t1]).unwrap();
        let v = enclose_value(&t2, 40).unwrap();
        let lo = BigRational::new(6420149.into(), 10_000_000.into());
        let hi = BigRational::new(6420150.into(), 10_000_000.into());
        assert!(v.lo() > lo && v.hi() < hi, "{v:?}");
        assert_eq!(CachedEncloser.sign(&t2, 256), Sign::Positive);
        let one = BigRational::one();
        assert!(!v.contains(&one));
    }
}
