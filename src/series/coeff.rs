//! The coefficient field of the series engine.
//!
//! The engine is written once, generic over [`Coeff`]. Two fields implement it: plain
//! [`BigRational`] (the fast path: every coefficient of most activations is rational) and
//! [`Const`] (the field `Q(atoms)`). A rational computation that meets an irrational constant
//! (`ln 2`, `pi`, `exp(1)`) stops with [`Fail::NotRational`] and is redone over [`Const`].

use super::SeriesError;
use crate::expr::Func;
use crate::number::{Const, NumberError, Sign, ZeroTest};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// Why an engine step stopped.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fail {
    /// A definite error, reported to the user.
    Series(SeriesError),
    /// The rational engine met an irrational constant: redo the work over [`Const`].
    NotRational,
    /// A denominator had no proved non-zero coefficient within the working order: retry with
    /// more terms (the argument is the order that was known).
    NeedMoreTerms,
}

impl From<SeriesError> for Fail {
    fn from(e: SeriesError) -> Fail {
        Fail::Series(e)
    }
}

impl From<NumberError> for Fail {
    fn from(e: NumberError) -> Fail {
        Fail::Series(SeriesError::Number(e))
    }
}

/// A field of exact coefficients, with a (three-valued) zero test and the built-ins at a point.
pub(crate) trait Coeff: Clone + std::fmt::Debug + PartialEq + Send + Sync {
    /// A rational number.
    fn rational(q: BigRational) -> Self;
    /// An integer.
    fn int(n: i64) -> Self {
        Self::rational(BigRational::from_integer(BigInt::from(n)))
    }
    /// The value as a [`Const`].
    fn to_const(&self) -> Const;
    /// The value as a rational, when it is one.
    fn as_rational(&self) -> Option<BigRational>;
    /// `self + rhs`.
    fn add(&self, rhs: &Self) -> Self;
    /// `self - rhs`.
    fn sub(&self, rhs: &Self) -> Self;
    /// `self * rhs`.
    fn mul(&self, rhs: &Self) -> Self;
    /// `-self`.
    fn neg(&self) -> Self;
    /// `self * q`.
    fn scale(&self, q: &BigRational) -> Self;
    /// `self / rhs` (errors when `rhs` is or may be zero).
    fn div(&self, rhs: &Self) -> Result<Self, Fail>;
    /// The three-valued zero test.
    fn zero_test(&self) -> ZeroTest;
    /// The proved sign.
    fn sign(&self) -> Sign;
    /// A one-argument built-in at this value.
    fn apply(func: Func, x: &Self) -> Result<Self, Fail>;
    /// `self ^ r`.
    fn pow(&self, r: &Self) -> Result<Self, Fail>;
    /// `pi`, if it lies in this field.
    fn pi() -> Result<Self, Fail>;
    /// `e`, if it lies in this field.
    fn e() -> Result<Self, Fail>;
    /// Whether the value is exactly zero (cheap, may say `false` for an unproved zero).
    fn is_zero_fast(&self) -> bool {
        self.zero_test() == ZeroTest::Zero
    }
    /// `sum w_i a_i b_i` for small integer weights `w_i` (the inner loop of every recurrence).
    fn dot(terms: &[(i64, &Self, &Self)]) -> Self {
        terms.iter().fold(Self::int(0), |s, (w, a, b)| {
            let p = a.mul(b);
            s.add(&if *w == 1 { p } else { p.scale(&q(*w)) })
        })
    }
    /// Printed form (for error messages).
    fn describe(&self) -> String {
        self.to_const().to_string()
    }
}

fn q(n: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(n))
}

/// The exact rational square root, when there is one.
fn rational_sqrt(x: &BigRational) -> Option<BigRational> {
    if x.is_negative() {
        return None;
    }
    let n = x.numer().sqrt();
    let d = x.denom().sqrt();
    (&n * &n == *x.numer() && &d * &d == *x.denom()).then(|| BigRational::new(n, d))
}

/// `add`, `sub`, `mul` and `neg` of a [`Coeff`] by the type's own operators on references.
macro_rules! ring_operations {
    () => {
        fn add(&self, rhs: &Self) -> Self {
            self + rhs
        }
        fn sub(&self, rhs: &Self) -> Self {
            self - rhs
        }
        fn mul(&self, rhs: &Self) -> Self {
            self * rhs
        }
        fn neg(&self) -> Self {
            -self
        }
    };
}

impl Coeff for BigRational {
    fn rational(q: BigRational) -> Self {
        q
    }
    fn to_const(&self) -> Const {
        Const::from_rational(self.clone())
    }
    fn as_rational(&self) -> Option<BigRational> {
        Some(self.clone())
    }
    ring_operations!();
    fn scale(&self, q: &BigRational) -> Self {
        self * q
    }
    fn div(&self, rhs: &Self) -> Result<Self, Fail> {
        if rhs.is_zero() {
            return Err(NumberError::DivisionByZero.into());
        }
        Ok(self / rhs)
    }
    fn zero_test(&self) -> ZeroTest {
        if self.is_zero() {
            ZeroTest::Zero
        } else {
            ZeroTest::NonZero
        }
    }
    fn sign(&self) -> Sign {
        if self.is_zero() {
            Sign::Zero
        } else if self.is_positive() {
            Sign::Positive
        } else {
            Sign::Negative
        }
    }
    fn is_zero_fast(&self) -> bool {
        self.is_zero()
    }
    fn describe(&self) -> String {
        self.to_string()
    }
    /// Sums over one common denominator, with exact divisions instead of a gcd per term; one
    /// reduction at the end.
    fn dot(terms: &[(i64, &Self, &Self)]) -> Self {
        crate::budget::check();
        let mut num = BigInt::zero();
        let mut den = BigInt::one();
        for (w, a, b) in terms {
            let tn = a.numer() * b.numer() * BigInt::from(*w);
            let td = a.denom() * b.denom();
            if (&den % &td).is_zero() {
                num += tn * (&den / &td);
            } else if (&td % &den).is_zero() {
                let f = &td / &den;
                num = num * f + tn;
                den = td;
            } else {
                let g = num_integer::Integer::gcd(&den, &td);
                let (fd, ft) = (&td / &g, &den / &g);
                num = num * fd + tn * ft;
                den *= &td / &g;
            }
        }
        BigRational::new(num, den)
    }
    fn apply(func: Func, x: &Self) -> Result<Self, Fail> {
        use Func::*;
        let zero = x.is_zero();
        let one = x.is_one();
        let domain = || -> Fail {
            NumberError::Domain {
                func,
                arg: x.to_string(),
            }
            .into()
        };
        match func {
            Exp | Cos | Cosh if zero => Ok(q(1)),
            Sin | Tan | Sinh | Tanh | Asin | Atan | Asinh | Atanh | Erf if zero => Ok(q(0)),
            Ln | Acosh | Acos if one => Ok(q(0)),
            Ln if !x.is_positive() => Err(domain()),
            Sqrt => {
                if x.is_negative() {
                    Err(domain())
                } else {
                    rational_sqrt(x).ok_or(Fail::NotRational)
                }
            }
            Abs => Ok(x.abs()),
            Asin | Acos | Atanh if x.abs() > q(1) || (func == Atanh && x.abs() == q(1)) => {
                Err(domain())
            }
            Acosh if *x < q(1) => Err(domain()),
            _ => Err(Fail::NotRational),
        }
    }
    fn pow(&self, r: &Self) -> Result<Self, Fail> {
        if self.is_one() {
            return Ok(q(1));
        }
        if r.is_integer() {
            let n = r.to_integer();
            if self.is_zero() {
                return match n.sign() {
                    num_bigint::Sign::Minus => Err(NumberError::DivisionByZero.into()),
                    num_bigint::Sign::NoSign => Ok(q(1)),
                    num_bigint::Sign::Plus => Ok(q(0)),
                };
            }
            if *self == q(-1) {
                return Ok(if (&n % 2u32).is_zero() { q(1) } else { q(-1) });
            }
            let e = n
                .abs()
                .to_u32()
                .filter(|&e| e <= 1 << 20)
                .ok_or_else(|| NumberError::TooLarge(format!("{self}^{n}")))?;
            let p = num_traits::pow(self.clone(), e as usize);
            return if n.is_negative() {
                Ok(p.recip())
            } else {
                Ok(p)
            };
        }
        // A rational power of a rational: rational only for perfect powers; leave it to Const.
        Err(Fail::NotRational)
    }
    fn pi() -> Result<Self, Fail> {
        Err(Fail::NotRational)
    }
    fn e() -> Result<Self, Fail> {
        Err(Fail::NotRational)
    }
}

impl Coeff for Const {
    fn rational(q: BigRational) -> Self {
        Const::from_rational(q)
    }
    fn to_const(&self) -> Const {
        self.clone()
    }
    fn as_rational(&self) -> Option<BigRational> {
        self.to_rational()
    }
    ring_operations!();
    fn scale(&self, q: &BigRational) -> Self {
        self * &Const::from_rational(q.clone())
    }
    fn div(&self, rhs: &Self) -> Result<Self, Fail> {
        Ok(self.checked_div(rhs)?)
    }
    fn zero_test(&self) -> ZeroTest {
        Const::zero_test(self)
    }
    fn sign(&self) -> Sign {
        Const::sign(self)
    }
    fn apply(func: Func, x: &Self) -> Result<Self, Fail> {
        Ok(Const::apply(func, std::slice::from_ref(x))?)
    }
    fn pow(&self, r: &Self) -> Result<Self, Fail> {
        Ok(match r.to_rational() {
            Some(q) if q.is_integer() => match q.to_integer().to_i64() {
                Some(n) => self.pow_int(n)?,
                None => self.pow_rational(&q)?,
            },
            Some(q) => self.pow_rational(&q)?,
            None => Const::pow(self, r)?,
        })
    }
    fn pi() -> Result<Self, Fail> {
        Ok(Const::pi())
    }
    fn e() -> Result<Self, Fail> {
        Ok(Const::e())
    }
    fn is_zero_fast(&self) -> bool {
        self.is_rational() && self.to_rational().is_some_and(|q| q.is_zero())
    }
    /// Rational terms (the common case even when `c_0` is irrational, as in Mish) take the
    /// common-denominator path of [`BigRational`], the others that of [`Const::dot`].
    fn dot(terms: &[(i64, &Self, &Self)]) -> Self {
        let mut rational = Vec::with_capacity(terms.len());
        let mut rest = Vec::with_capacity(terms.len());
        for (w, a, b) in terms {
            match (a.to_rational(), b.to_rational()) {
                (Some(x), Some(y)) => rational.push((*w, x, y)),
                _ => rest.push((*w, *a, *b)),
            }
        }
        let refs: Vec<_> = rational.iter().map(|(w, x, y)| (*w, x, y)).collect();
        &Const::dot(&rest) + &Const::from_rational(<BigRational as Coeff>::dot(&refs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rational_sqrt_only_of_squares() {
        let r = |a: i64, b: i64| BigRational::new(a.into(), b.into());
        assert_eq!(rational_sqrt(&r(9, 4)), Some(r(3, 2)));
        assert_eq!(rational_sqrt(&r(2, 1)), None);
        assert_eq!(rational_sqrt(&r(-4, 1)), None);
    }
}
