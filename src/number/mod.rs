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
//! Normal form: a rational is always stored as a plain [`BigRational`] (fast path); anything
//! else is a quotient `num / prod den_i^m_i` of Laurent polynomials over atoms with rational
//! exponents, with a factored denominator of normalised polynomials proved non-zero. Atoms are
//! `pi`, `e`, radicals of primes (`sqrt 12 = 2 sqrt 3`), logarithms of primes, `exp(c)` for a
//! `c` without rational or logarithmic part, and function values without closed form.
//!
//! Sizes are bounded: a rational power whose result would exceed [`MAX_BITS`] bits is
//! refused with [`NumberError::TooLarge`].

mod factor;
mod field;
mod funcs;
pub(crate) use funcs::Exact;
mod intern;
mod to_expr;

use crate::expr::{Expr, Func};
use field::{Atom, Fraction, Mono, Poly};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::fmt;
use thiserror::Error;

/// The largest size, in bits, of a rational produced by a power (`2^(10^1000)` is refused).
pub const MAX_BITS: u64 = 1 << 20;

/// The highest working precision (bits) of the numeric zero and sign tests: a value within
/// about `2^-NUMERIC_MAX_PREC` of zero (relative to its parts) stays undecided.
pub const NUMERIC_MAX_PREC: u32 = 1024;

/// The largest number of terms a power of a polynomial may have.
const MAX_TERMS: u64 = 100_000;

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
    /// The evaluation was cancelled (a deadline or a memory budget).
    #[error(transparent)]
    Cancelled(#[from] crate::ir::Cancelled),
    /// A power that is not a real number, e.g. `(-2)^(1/2)`.
    #[error("{0} is not a real number")]
    NotReal(String),
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

impl Sign {
    fn times(self, other: Sign) -> Sign {
        match (self, other) {
            (Sign::Zero, _) | (_, Sign::Zero) => Sign::Zero,
            (Sign::Unknown, _) | (_, Sign::Unknown) => Sign::Unknown,
            (a, b) if a == b => Sign::Positive,
            _ => Sign::Negative,
        }
    }
}

/// The numeric last resort of [`Const::sign`] and [`Const::zero_test`]: a rigorous enclosure.
///
/// Injected (the interval layer implements it, [`crate::ENCLOSER`] is the one used), so that
/// exact arithmetic does not depend on interval arithmetic.
pub trait Encloser: Sync {
    /// The sign of `value` proved by enclosures of at most `max_prec` bits, `Unknown` when none
    /// excludes 0 (never `Zero`: a zero is not decided numerically).
    fn sign(&self, value: &Const, max_prec: u32) -> Sign;
}

/// An encloser that proves nothing: only structural proofs of sign and zero remain.
pub struct NoEncloser;

impl Encloser for NoEncloser {
    fn sign(&self, _: &Const, _: u32) -> Sign {
        Sign::Unknown
    }
}

/// One atom of a normal form, as [`Const::fold`] shows it.
#[derive(Clone, Copy, Debug)]
pub enum AtomRef<'a> {
    /// `pi`.
    Pi,
    /// `e`.
    E,
    /// `ln n` for an integer `n >= 2`.
    Ln(&'a BigInt),
    /// The integer `p` (its powers are radicals, with exponents in `(0, 1)`).
    Radical(&'a BigInt),
    /// `func(arg)` without closed form; `id` is unique in the process (a key for caches).
    Apply {
        /// The interned id.
        id: u64,
        /// The function.
        func: Func,
        /// The argument.
        arg: &'a Const,
    },
    /// `exp(arg)`; `id` is unique in the process.
    Exp {
        /// The interned id.
        id: u64,
        /// The argument.
        arg: &'a Const,
    },
}

/// An arithmetic in which a normal form can be evaluated by [`Const::fold`] (intervals).
pub trait Fold {
    /// The values.
    type T;
    /// The error.
    type E;
    /// A rational.
    fn rational(&mut self, q: &BigRational) -> Result<Self::T, Self::E>;
    /// The value of an atom.
    fn atom(&mut self, atom: AtomRef<'_>) -> Result<Self::T, Self::E>;
    /// `x^e` (`x` the value of a positive atom when `e` is not an integer).
    fn pow(&mut self, x: &Self::T, e: &BigRational) -> Result<Self::T, Self::E>;
    /// `a + b`.
    fn add(&mut self, a: &Self::T, b: &Self::T) -> Result<Self::T, Self::E>;
    /// `a * b`.
    fn mul(&mut self, a: &Self::T, b: &Self::T) -> Result<Self::T, Self::E>;
    /// `a / b`.
    fn div(&mut self, a: &Self::T, b: &Self::T) -> Result<Self::T, Self::E>;
}

fn fold_poly<F: Fold>(p: &Poly, f: &mut F) -> Result<F::T, F::E> {
    let mut sum: Option<F::T> = None;
    for (m, c) in p {
        let mut t = f.rational(c)?;
        for (a, e) in &m.0 {
            let view = match a {
                Atom::Pi => AtomRef::Pi,
                Atom::E => AtomRef::E,
                Atom::Ln(n) => AtomRef::Ln(n),
                Atom::Prime(p) => AtomRef::Radical(p),
                Atom::Apply(x) => AtomRef::Apply {
                    id: x.id(),
                    func: x.func(),
                    arg: x.arg(),
                },
                Atom::Exp(x) => AtomRef::Exp {
                    id: x.id(),
                    arg: x.arg(),
                },
            };
            let v = f.atom(view)?;
            let v = if e.is_one() { v } else { f.pow(&v, e)? };
            t = f.mul(&t, &v)?;
        }
        sum = Some(match sum {
            None => t,
            Some(s) => f.add(&s, &t)?,
        });
    }
    match sum {
        Some(s) => Ok(s),
        None => f.rational(&BigRational::zero()),
    }
}

/// An exact real constant, element of `Q(atoms)`.
///
/// ```
/// use taylorgate::Const;
/// use taylorgate::expr::Func;
/// let two = Const::from_int(2);
/// let ln2 = Const::apply(Func::Ln, &[two.clone()]).unwrap();
/// assert_eq!(Const::apply(Func::Exp, &[ln2]).unwrap(), two);
/// let r = Const::apply(Func::Sqrt, &[Const::from_int(12)]).unwrap();
/// assert_eq!(r.to_string(), "2*sqrt(3)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Const {
    repr: Repr,
}

/// Rationals have their own representation; a rational value is never stored as a `Field`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Repr {
    Rational(BigRational),
    Field(Box<Fraction>),
}

fn q_of(n: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(n))
}

impl Const {
    /// Zero.
    pub fn zero() -> Const {
        Const::from_rational(BigRational::zero())
    }
    /// One.
    pub fn one() -> Const {
        Const::from_int(1)
    }
    /// An integer.
    pub fn from_int(n: i64) -> Const {
        Const::from_rational(q_of(n))
    }
    /// A rational.
    pub fn from_rational(q: BigRational) -> Const {
        Const {
            repr: Repr::Rational(q),
        }
    }
    /// `pi`.
    pub fn pi() -> Const {
        Const::from_mono(
            BigRational::one(),
            Mono::single(Atom::Pi, BigRational::one()),
        )
    }
    /// `e`.
    pub fn e() -> Const {
        Const::from_mono(
            BigRational::one(),
            Mono::single(Atom::E, BigRational::one()),
        )
    }
    /// The value as a rational, when it is one.
    pub fn to_rational(&self) -> Option<BigRational> {
        match &self.repr {
            Repr::Rational(q) => Some(q.clone()),
            Repr::Field(_) => None,
        }
    }
    /// Whether the value is rational (cheap).
    pub fn is_rational(&self) -> bool {
        matches!(self.repr, Repr::Rational(_))
    }
    /// Whether the value is zero (cheap: the normal form of zero is the rational 0).
    pub fn is_zero(&self) -> bool {
        matches!(&self.repr, Repr::Rational(q) if q.is_zero())
    }
    /// The three-valued zero test.
    pub fn zero_test(&self) -> ZeroTest {
        match &self.repr {
            Repr::Rational(q) => {
                if q.is_zero() {
                    ZeroTest::Zero
                } else {
                    ZeroTest::NonZero
                }
            }
            Repr::Field(f) => {
                if field::poly_proved_nonzero(&f.num) {
                    ZeroTest::NonZero
                } else {
                    self.numeric_zero_test()
                }
            }
        }
    }
    /// The last resort of the zero test: a rigorous enclosure (an [`Encloser`]) that
    /// excludes 0 proves the value non-zero. Zero is never decided numerically: a value whose
    /// enclosures all contain 0 up to [`NUMERIC_MAX_PREC`] bits stays `Unknown`.
    fn numeric_zero_test(&self) -> ZeroTest {
        match self.numeric_sign(crate::ENCLOSER) {
            Sign::Positive | Sign::Negative => ZeroTest::NonZero,
            _ => ZeroTest::Unknown,
        }
    }
    /// The sign, when it can be proved.
    pub fn sign(&self) -> Sign {
        self.sign_with(crate::ENCLOSER)
    }
    /// The last resort of the sign: the sign of a rigorous enclosure of the value, from
    /// `encloser` (at the crate root, [`crate::ENCLOSER`]: the interval layer), up to
    /// [`NUMERIC_MAX_PREC`] bits. Never `Zero`.
    fn numeric_sign(&self, encloser: &dyn Encloser) -> Sign {
        match encloser.sign(self, NUMERIC_MAX_PREC) {
            Sign::Zero => Sign::Unknown,
            s => s,
        }
    }
    /// The sign with a chosen [`Encloser`] as the last resort (structural proofs first).
    pub fn sign_with(&self, encloser: &dyn Encloser) -> Sign {
        match self.sign_structural() {
            Sign::Unknown => self.numeric_sign(encloser),
            s => s,
        }
    }
    /// The sign proved by the normal form alone (`Unknown` when a numeric test is needed).
    fn sign_structural(&self) -> Sign {
        match &self.repr {
            Repr::Rational(q) => {
                if q.is_zero() {
                    Sign::Zero
                } else if q.is_positive() {
                    Sign::Positive
                } else {
                    Sign::Negative
                }
            }
            Repr::Field(f) => {
                let mut s = field::poly_sign(&f.num);
                for (p, m) in &f.den {
                    if m % 2 == 1 {
                        s = s.times(field::poly_sign(p));
                    }
                }
                s
            }
        }
    }
    /// Evaluates the normal form in another arithmetic (see [`Fold`]): the numerator and the
    /// denominator factors term by term, each atom once per term through [`Fold::atom`].
    pub fn fold<F: Fold>(&self, f: &mut F) -> Result<F::T, F::E> {
        let fr = match &self.repr {
            Repr::Rational(q) => return f.rational(q),
            Repr::Field(fr) => fr,
        };
        let mut value = fold_poly(&fr.num, f)?;
        for (p, m) in &fr.den {
            let d = fold_poly(p, f)?;
            let d = f.pow(&d, &BigRational::from_integer(BigInt::from(*m)))?;
            value = f.div(&value, &d)?;
        }
        Ok(value)
    }
    /// `self / rhs`; errors when `rhs` is (or may be) zero.
    ///
    /// With `rhs = N / D` (`D` factored), `self / rhs = self * D / N`: the factors of `D` that
    /// `self`'s denominator shares cancel by their multiplicities before anything is multiplied
    /// out (`c_4 / c_2` of a deep series shares most of its denominator; multiplying `D` out
    /// and dividing it away again was most of the time, and a factor over `exp` atoms, which
    /// exact division cannot test, stayed on both sides).
    pub fn checked_div(&self, rhs: &Const) -> Result<Const, NumberError> {
        let f = match &rhs.repr {
            Repr::Rational(b) => {
                if b.is_zero() {
                    return Err(NumberError::DivisionByZero);
                }
                return Ok(self * &Const::from_rational(b.recip()));
            }
            Repr::Field(f) => f,
        };
        match rhs.zero_test() {
            ZeroTest::NonZero => {}
            ZeroTest::Zero => return Err(NumberError::DivisionByZero),
            ZeroTest::Unknown => return Err(NumberError::UndecidedZero(rhs.to_string())),
        }
        if self.is_zero() {
            return Ok(Const::zero());
        }
        let (mut num, own) = self.parts();
        let mut den: Vec<(Poly, u32)> = Vec::with_capacity(own.len() + 1);
        let mut lift = f.den.clone();
        for (p, m) in own {
            let mut m = m;
            if let Some((_, k)) = lift.iter_mut().find(|(q, _)| *q == p) {
                let c = m.min(*k);
                m -= c;
                *k -= c;
            }
            if m > 0 {
                den.push((p, m));
            }
        }
        for (p, k) in &lift {
            if *k > 0 {
                num = field::poly_mul(&num, &field::poly_pow(p, *k));
            }
        }
        if f.num.len() == 1 {
            let (m, c) = f.num.iter().next().ok_or(NumberError::DivisionByZero)?;
            let (k, inv) = field::mono_pow(m, &q_of(-1))?
                .ok_or_else(|| NumberError::UndecidedZero(rhs.to_string()))?;
            let num = field::poly_mul_mono(&num, &(k / c), &inv);
            return Ok(Const::from_fraction(num, den));
        }
        let (lc, content, mut p) = field::normalise_factor(&f.num);
        let (k, inv) = field::mono_pow(&content, &q_of(-1))?
            .ok_or_else(|| NumberError::UndecidedZero(rhs.to_string()))?;
        let num = field::poly_mul_mono(&num, &(k / lc), &inv);
        // A perfect power becomes a factor with a multiplicity: `1/(1 + 2e + e^2) = 1/(e + 1)^2`.
        let mut mult = 1u32;
        for r in [2u32, 3, 5, 7] {
            while let Some(root) = field::poly_root(&p, r) {
                p = root;
                mult = mult.saturating_mul(r);
            }
        }
        den.push((p, mult));
        Ok(Const::from_fraction(num, den))
    }
    /// `1 / self`.
    pub fn recip(&self) -> Result<Const, NumberError> {
        Const::one().checked_div(self)
    }
    /// `self ^ n` for an integer `n` (negative needs a non-zero base).
    pub fn pow_int(&self, n: i64) -> Result<Const, NumberError> {
        self.pow_bigint(&BigInt::from(n))
    }
    fn pow_bigint(&self, n: &BigInt) -> Result<Const, NumberError> {
        if n.is_negative() {
            return self.recip()?.pow_bigint(&-n);
        }
        let f = match &self.repr {
            Repr::Rational(q) => return Ok(Const::from_rational(field::rat_pow(q, n)?)),
            Repr::Field(f) => f,
        };
        if n.is_zero() {
            return Ok(Const::one());
        }
        let too_large = || NumberError::TooLarge(format!("({self})^{n}"));
        if f.den.is_empty() && f.num.len() == 1 {
            let (m, c) = f.num.iter().next().ok_or_else(too_large)?;
            let c = field::rat_pow(c, n)?;
            let q = BigRational::from_integer(n.clone());
            let (k, m) = field::mono_pow(m, &q)?.ok_or_else(too_large)?;
            return Ok(Const::from_mono(c * k, m));
        }
        let k = n.to_u32().ok_or_else(too_large)?;
        // Terms of num^k: at most C(k + t - 1, t - 1).
        let t = f.num.len() as u64;
        let mut bound: u64 = 1;
        for i in 1..t {
            bound = bound.saturating_mul(u64::from(k) + i) / i;
            if bound > MAX_TERMS {
                return Err(too_large());
            }
        }
        if f.num
            .values()
            .map(field::rat_bits)
            .max()
            .unwrap_or(0)
            .saturating_mul(u64::from(k))
            > MAX_BITS
        {
            return Err(too_large());
        }
        let num = field::poly_pow(&f.num, k);
        let den = f
            .den
            .iter()
            .map(|(p, m)| Ok((p.clone(), m.checked_mul(k).ok_or_else(too_large)?)))
            .collect::<Result<Vec<_>, NumberError>>()?;
        Ok(Const::from_fraction(num, den))
    }
    /// `self ^ q` for a rational exponent (real branch; `sqrt` is `q = 1/2`).
    pub fn pow_rational(&self, q: &BigRational) -> Result<Const, NumberError> {
        if q.is_integer() {
            return self.pow_bigint(q.numer());
        }
        let not_real = || NumberError::NotReal(format!("({self})^({q})"));
        let odd_root = q.denom() % 2 != BigInt::zero();
        match self.sign() {
            Sign::Zero => {
                return if q.is_positive() {
                    Ok(Const::zero())
                } else {
                    Err(NumberError::DivisionByZero)
                }
            }
            Sign::Negative => {
                if !odd_root {
                    return Err(not_real());
                }
                // Real branch: (-x)^(a/b) = (-1)^a x^(a/b) for odd b.
                let r = (-self).pow_rational(q)?;
                return Ok(if q.numer() % 2 != BigInt::zero() {
                    -r
                } else {
                    r
                });
            }
            Sign::Positive => {}
            Sign::Unknown => {
                // A monomial of atoms of known sign would have a known sign: this is a sum.
                return Err(NumberError::UndecidedSign(self.to_string()));
            }
        }
        funcs::pow_positive(self, q)
    }
    /// `self ^ other` for a general exponent (`exp(other ln self)` when needed).
    pub fn pow(&self, other: &Const) -> Result<Const, NumberError> {
        if let Some(q) = other.to_rational() {
            return self.pow_rational(&q);
        }
        match self.sign() {
            Sign::Positive => funcs::exp(&(other * &funcs::ln(self)?)),
            Sign::Zero => match other.sign() {
                Sign::Positive => Ok(Const::zero()),
                Sign::Negative => Err(NumberError::DivisionByZero),
                _ => Err(NumberError::UndecidedSign(other.to_string())),
            },
            Sign::Negative => Err(NumberError::NotReal(format!("({self})^({other})"))),
            Sign::Unknown => Err(NumberError::UndecidedSign(self.to_string())),
        }
    }
    /// A built-in applied to constant arguments, simplified (`exp(ln 2) = 2`, `sin(pi/2) = 1`,
    /// `tanh(ln 2) = 3/5`); a value without a closed form becomes an atom (`erf(1)`).
    pub fn apply(func: Func, args: &[Const]) -> Result<Const, NumberError> {
        funcs::apply(func, args)
    }
    /// The exact value of a constant expression (built-ins, `pi`, `e`, numbers; user
    /// definitions must be inlined first), with the given variables bound to values.
    ///
    /// An `if` exactly at its switching point (condition sides equal) takes the common value
    /// of its two branches, or fails with [`NumberError::Switching`] when they differ.
    pub fn from_expr_with(expr: &Expr, bindings: &[(&str, Const)]) -> Result<Const, NumberError> {
        funcs::eval(expr, bindings)
    }
    /// [`Const::from_expr_with`] without bindings.
    pub fn from_expr(expr: &Expr) -> Result<Const, NumberError> {
        Const::from_expr_with(expr, &[])
    }
    /// The value as an expression of the language (used for printing; parsing the printed text
    /// and evaluating it gives an equal value).
    pub fn to_expr(&self) -> Expr {
        to_expr::to_expr(self)
    }
    /// LaTeX rendering (see [`crate::print::latex`]).
    pub fn to_latex(&self) -> String {
        crate::print::latex(&self.to_expr())
    }

    // ----- internal constructors and views -----

    fn from_mono(c: BigRational, m: Mono) -> Const {
        let mut p = Poly::new();
        field::poly_add_term(&mut p, m, c);
        Const::from_poly(p)
    }
    fn from_poly(p: Poly) -> Const {
        Const::from_fraction(p, Vec::new())
    }
    /// The normal form of `num / prod den`: merges equal factors, cancels factors dividing the
    /// numerator, and stores rationals as rationals.
    fn from_fraction(mut num: Poly, den: Vec<(Poly, u32)>) -> Const {
        if num.is_empty() {
            return Const::zero();
        }
        let mut merged: std::collections::BTreeMap<Poly, u32> = std::collections::BTreeMap::new();
        for (p, m) in den {
            if m > 0 {
                *merged.entry(p).or_insert(0) += m;
            }
        }
        let mut den = Vec::new();
        for (p, mut m) in merged {
            while m > 0 {
                match field::poly_div_exact(&num, &p) {
                    Some(q) => {
                        num = q;
                        m -= 1;
                    }
                    None => break,
                }
            }
            if m > 0 {
                den.push((p, m));
            }
        }
        if den.is_empty() && num.len() == 1 {
            if let Some((m, c)) = num.iter().next() {
                if m.is_one() {
                    return Const::from_rational(c.clone());
                }
            }
        }
        Const {
            repr: Repr::Field(Box::new(Fraction { num, den })),
        }
    }
    fn parts(&self) -> (Poly, Vec<(Poly, u32)>) {
        match &self.repr {
            Repr::Rational(q) => (field::poly_const(q.clone()), Vec::new()),
            Repr::Field(f) => (f.num.clone(), f.den.clone()),
        }
    }
    /// The value as `coefficient * monomial`, when it is one.
    fn as_monomial(&self) -> Option<(BigRational, Mono)> {
        match &self.repr {
            Repr::Rational(q) => Some((q.clone(), Mono::one())),
            Repr::Field(f) if f.den.is_empty() && f.num.len() == 1 => {
                f.num.iter().next().map(|(m, c)| (c.clone(), m.clone()))
            }
            Repr::Field(_) => None,
        }
    }
    /// `(x, r)` when the value is `r ln(x)` for a logarithm atom of a non-monomial `x`.
    fn log_power(&self) -> Option<(&Const, &BigRational)> {
        match &self.repr {
            Repr::Field(f) if f.den.is_empty() && f.num.len() == 1 => {
                let (m, r) = f.num.iter().next()?;
                match m.0.as_slice() {
                    [(Atom::Apply(x), e)] if x.func() == Func::Ln && e.is_one() => {
                        Some((x.arg(), r))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
    /// Whether the value is an algebraic number by construction (rationals and radicals).
    fn is_algebraic(&self) -> bool {
        match &self.repr {
            Repr::Rational(_) => true,
            Repr::Field(f) => {
                f.num.keys().all(Mono::is_algebraic)
                    && f.den.iter().all(|(p, _)| p.keys().all(Mono::is_algebraic))
            }
        }
    }
    /// A canonical choice between `c` and `-c`: true when the proved sign is negative, or,
    /// without a proved sign, when the leading coefficient of the numerator is negative.
    fn is_canonically_negative(&self) -> bool {
        match &self.repr {
            Repr::Rational(q) => q.is_negative(),
            Repr::Field(f) => match self.sign() {
                Sign::Negative => true,
                Sign::Positive => false,
                _ => field::leading(&f.num).is_some_and(|(_, c)| c.is_negative()),
            },
        }
    }
    fn add_ref(&self, rhs: &Const) -> Const {
        crate::budget::check();
        if let (Repr::Rational(a), Repr::Rational(b)) = (&self.repr, &rhs.repr) {
            return Const::from_rational(a + b);
        }
        if self.is_zero() {
            return rhs.clone();
        }
        if rhs.is_zero() {
            return self.clone();
        }
        let (n1, d1) = self.parts();
        let (n2, d2) = rhs.parts();
        if d1 == d2 {
            return Const::from_fraction(field::poly_add(&n1, &n2), d1);
        }
        // Common denominator: the maximum multiplicity of each factor.
        let mut common: std::collections::BTreeMap<Poly, u32> = std::collections::BTreeMap::new();
        for (p, m) in d1.iter().chain(d2.iter()) {
            let e = common.entry(p.clone()).or_insert(0);
            *e = (*e).max(*m);
        }
        let lift = |n: Poly, d: &[(Poly, u32)]| -> Poly {
            let mut n = n;
            for (p, m) in &common {
                let have = d.iter().find(|(q, _)| q == p).map_or(0, |(_, k)| *k);
                if *m > have {
                    n = field::poly_mul(&n, &field::poly_pow(p, m - have));
                }
            }
            n
        };
        let num = field::poly_add(&lift(n1, &d1), &lift(n2, &d2));
        Const::from_fraction(num, common.into_iter().collect())
    }
    fn mul_ref(&self, rhs: &Const) -> Const {
        crate::budget::check();
        if let (Repr::Rational(a), Repr::Rational(b)) = (&self.repr, &rhs.repr) {
            return Const::from_rational(a * b);
        }
        if self.is_zero() || rhs.is_zero() {
            return Const::zero();
        }
        // A non-zero rational times a normal form is a normal form: no factor of the
        // denominator starts to divide the numerator.
        match (&self.repr, &rhs.repr) {
            (Repr::Rational(q), Repr::Field(f)) | (Repr::Field(f), Repr::Rational(q)) => {
                return Const {
                    repr: Repr::Field(Box::new(Fraction {
                        num: field::poly_scale(&f.num, q),
                        den: f.den.clone(),
                    })),
                };
            }
            _ => {}
        }
        let (n1, mut d1) = self.parts();
        let (n2, d2) = rhs.parts();
        d1.extend(d2);
        Const::from_fraction(field::poly_mul(&n1, &n2), d1)
    }
    /// `sum w_i a_i b_i` over one common denominator (the maximum multiplicity of each factor
    /// among the products): each numerator lifted once and one normal form at the end, where a
    /// sum term by term lifts the running sum again at every term and tries every exact
    /// division of its numerator after each addition (the inner loop of the series
    /// recurrences over deep constants).
    pub(crate) fn dot(terms: &[(i64, &Const, &Const)]) -> Const {
        crate::budget::check();
        let mut products: Vec<(Poly, Vec<(Poly, u32)>)> = Vec::with_capacity(terms.len());
        let mut common: std::collections::BTreeMap<Poly, u32> = std::collections::BTreeMap::new();
        for (w, a, b) in terms {
            if *w == 0 || a.is_zero() || b.is_zero() {
                continue;
            }
            let (n1, d1) = a.parts();
            let (n2, d2) = b.parts();
            let num = field::poly_scale(&field::poly_mul(&n1, &n2), &q_of(*w));
            let mut den: std::collections::BTreeMap<Poly, u32> = std::collections::BTreeMap::new();
            for (p, m) in d1.into_iter().chain(d2) {
                *den.entry(p).or_insert(0) += m;
            }
            for (p, m) in &den {
                let e = common.entry(p.clone()).or_insert(0);
                *e = (*e).max(*m);
            }
            products.push((num, den.into_iter().collect()));
        }
        // Powers of the factors, each computed once.
        let mut powers: std::collections::HashMap<(usize, u32), Poly> =
            std::collections::HashMap::new();
        let factors: Vec<(&Poly, u32)> = common.iter().map(|(p, m)| (p, *m)).collect();
        let mut sum = Poly::new();
        for (num, den) in products {
            crate::budget::check();
            let mut lifted = num;
            for (i, (p, m)) in factors.iter().enumerate() {
                let have = den.iter().find(|(q, _)| q == *p).map_or(0, |(_, k)| *k);
                if *m > have {
                    let pw = powers
                        .entry((i, m - have))
                        .or_insert_with(|| field::poly_pow(p, m - have));
                    lifted = field::poly_mul(&lifted, pw);
                }
            }
            for (m, c) in lifted {
                field::poly_add_term(&mut sum, m, c);
            }
        }
        Const::from_fraction(sum, common.into_iter().collect())
    }
    fn neg_ref(&self) -> Const {
        match &self.repr {
            Repr::Rational(q) => Const::from_rational(-q),
            Repr::Field(f) => Const {
                repr: Repr::Field(Box::new(Fraction {
                    num: field::poly_scale(&f.num, &q_of(-1)),
                    den: f.den.clone(),
                })),
            },
        }
    }
}

impl fmt::Display for Const {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_expr())
    }
}

impl From<i64> for Const {
    fn from(n: i64) -> Const {
        Const::from_int(n)
    }
}

impl From<BigRational> for Const {
    fn from(q: BigRational) -> Const {
        Const::from_rational(q)
    }
}

impl std::ops::Add<&Const> for &Const {
    type Output = Const;
    fn add(self, rhs: &Const) -> Const {
        self.add_ref(rhs)
    }
}

impl std::ops::Sub<&Const> for &Const {
    type Output = Const;
    fn sub(self, rhs: &Const) -> Const {
        if let (Repr::Rational(a), Repr::Rational(b)) = (&self.repr, &rhs.repr) {
            return Const::from_rational(a - b);
        }
        self.add_ref(&rhs.neg_ref())
    }
}

impl std::ops::Mul<&Const> for &Const {
    type Output = Const;
    fn mul(self, rhs: &Const) -> Const {
        self.mul_ref(rhs)
    }
}

macro_rules! forward_binop {
    ($tr:ident, $m:ident) => {
        impl std::ops::$tr<Const> for Const {
            type Output = Const;
            fn $m(self, rhs: Const) -> Const {
                std::ops::$tr::$m(&self, &rhs)
            }
        }
        impl std::ops::$tr<&Const> for Const {
            type Output = Const;
            fn $m(self, rhs: &Const) -> Const {
                std::ops::$tr::$m(&self, rhs)
            }
        }
        impl std::ops::$tr<Const> for &Const {
            type Output = Const;
            fn $m(self, rhs: Const) -> Const {
                std::ops::$tr::$m(self, &rhs)
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
        self.neg_ref()
    }
}

impl std::ops::Neg for Const {
    type Output = Const;
    fn neg(self) -> Const {
        -&self
    }
}
