//! Built-in functions on exact constants, and the evaluator of constant expressions.

use super::factor::{exact_root, factor};
use super::field::{self, exp_split, rat, Atom, Mono, Poly};
use super::{Const, NumberError, Repr, Sign, ZeroTest};
use crate::expr::{CmpOp, Expr, Func};
use crate::ir::{Cond, Domain, LowerError, Side};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

fn atom(a: Atom) -> Const {
    Const::from_mono(BigRational::one(), Mono::single(a, BigRational::one()))
}

fn apply_atom(f: Func, c: &Const) -> Const {
    atom(Atom::Apply(field::apply_atom(f, c.clone())))
}

fn domain(func: Func, arg: &Const) -> NumberError {
    NumberError::Domain {
        func,
        arg: arg.to_string(),
    }
}

/// `r^q` for a rational `r > 0`: radicals of the prime factors.
pub(super) fn rational_power(r: &BigRational, q: &BigRational) -> Result<Const, NumberError> {
    if q.is_integer() {
        return Ok(Const::from_rational(field::rat_pow(r, q.numer())?));
    }
    if r.is_one() {
        return Ok(Const::one());
    }
    let mut result = Const::one();
    for (n, sign) in [(r.numer(), 1), (r.denom(), -1)] {
        let qs = q * rat(sign);
        let (primes, cofactor) = factor(n);
        for (p, k) in primes {
            let base = Mono::single(Atom::Prime(p.clone()), BigRational::one());
            let e = &qs * BigRational::from_integer(BigInt::from(k));
            let (c, m) = field::mono_pow(&base, &e)?
                .ok_or_else(|| NumberError::NotReal(format!("{p}^({e})")))?;
            result = &result * &Const::from_mono(c, m);
        }
        if cofactor > BigInt::one() {
            let root = qs.denom().to_u32().and_then(|k| exact_root(&cofactor, k));
            let factor = match root {
                Some(root) => Const::from_rational(field::rat_pow(
                    &BigRational::from_integer(root),
                    qs.numer(),
                )?),
                None => {
                    let base = Mono::single(Atom::Prime(cofactor.clone()), BigRational::one());
                    let (c, m) = field::mono_pow(&base, &qs)?
                        .ok_or_else(|| NumberError::NotReal(format!("{cofactor}^({qs})")))?;
                    Const::from_mono(c, m)
                }
            };
            result = &result * &factor;
        }
    }
    Ok(result)
}

/// `c^q` for a `c` whose positivity the caller has proved.
pub(super) fn pow_positive(c: &Const, q: &BigRational) -> Result<Const, NumberError> {
    if q.is_integer() {
        return c.pow_rational(q);
    }
    match &c.repr {
        Repr::Rational(r) => rational_power(r, q),
        Repr::Field(_) => {
            if let Some((k, m)) = c.as_monomial() {
                if k.is_positive() {
                    if let Some((k2, m2)) = field::mono_pow(&m, q)? {
                        let kq = rational_power(&k, q)?;
                        return Ok(&kq * &Const::from_mono(k2, m2));
                    }
                }
            }
            exp(&(&ln_positive(c)? * &Const::from_rational(q.clone())))
        }
    }
}

/// `ln` of a rational `r > 0`: a sum of logarithms of primes.
fn ln_rational(r: &BigRational) -> Const {
    let mut out = Poly::new();
    for (n, sign) in [(r.numer(), 1), (r.denom(), -1)] {
        let (primes, cofactor) = factor(n);
        for (p, k) in primes {
            field::poly_add_term(
                &mut out,
                Mono::single(Atom::Ln(p), BigRational::one()),
                rat(sign * k as i64),
            );
        }
        if cofactor > BigInt::one() {
            field::poly_add_term(
                &mut out,
                Mono::single(Atom::Ln(cofactor), BigRational::one()),
                rat(sign),
            );
        }
    }
    Const::from_poly(out)
}

/// `ln` of one positive atom.
fn ln_atom(a: &Atom) -> Option<Const> {
    Some(match a {
        Atom::Pi => apply_atom(Func::Ln, &Const::pi()),
        Atom::E => Const::one(),
        Atom::Prime(p) => atom(Atom::Ln(p.clone())),
        Atom::Ln(_) | Atom::Apply(..) => {
            if !a.is_positive() {
                return None;
            }
            apply_atom(Func::Ln, &atom(a.clone()))
        }
        Atom::Exp(x) => x.arg().clone(),
    })
}

/// `ln(c m)` for `c > 0` and a monomial of positive atoms.
fn ln_mono(c: &BigRational, m: &Mono) -> Option<Const> {
    if !c.is_positive() {
        return None;
    }
    let mut sum = ln_rational(c);
    for (a, e) in &m.0 {
        sum = &sum + &(&ln_atom(a)? * &Const::from_rational(e.clone()));
    }
    Some(sum)
}

/// `ln p` for a polynomial proved positive, split into `ln` of its rational and monomial
/// content and an atom for the normalised rest.
fn ln_poly(p: &Poly) -> Option<Const> {
    if p.len() == 1 {
        let (m, c) = p.iter().next()?;
        return ln_mono(c, m);
    }
    let (lc, content, normal) = field::normalise_factor(p);
    let head = ln_mono(&lc, &content)?;
    Some(&head + &apply_atom(Func::Ln, &Const::from_poly(normal)))
}

/// `ln c` for a `c` whose positivity the caller has proved.
pub(super) fn ln_positive(c: &Const) -> Result<Const, NumberError> {
    match &c.repr {
        Repr::Rational(r) => Ok(ln_rational(r)),
        Repr::Field(f) => {
            let split = || -> Option<Const> {
                if f.den.is_empty() {
                    return ln_poly(&f.num);
                }
                if field::poly_sign(&f.num) != Sign::Positive {
                    return None;
                }
                let mut sum = ln_poly(&f.num)?;
                for (p, m) in &f.den {
                    if field::poly_sign(p) != Sign::Positive {
                        return None;
                    }
                    sum = &sum - &(&ln_poly(p)? * &Const::from_int(i64::from(*m)));
                }
                Some(sum)
            };
            Ok(split().unwrap_or_else(|| apply_atom(Func::Ln, c)))
        }
    }
}

/// `ln c`, with its domain checked.
pub(super) fn ln(c: &Const) -> Result<Const, NumberError> {
    match c.sign() {
        Sign::Positive => ln_positive(c),
        Sign::Zero | Sign::Negative => Err(domain(Func::Ln, c)),
        Sign::Unknown => Err(NumberError::UndecidedSign(c.to_string())),
    }
}

/// `exp c = e^q prod n_i^(r_i) prod x_j^(k_j) exp(rest)`.
pub(super) fn exp(c: &Const) -> Result<Const, NumberError> {
    // Integer multiples of logarithm atoms `ln(x)` become powers `x^k`.
    let mut factor = Const::one();
    let mut rest = c.clone();
    if let Repr::Field(f) = &c.repr {
        if f.den.is_empty() {
            let mut kept = Poly::new();
            for (m, r) in &f.num {
                match m.0.as_slice() {
                    [(Atom::Apply(x), e)]
                        if x.func() == Func::Ln && e.is_one() && r.is_integer() =>
                    {
                        factor = &factor * &x.arg().pow_rational(r)?;
                    }
                    _ => {
                        kept.insert(m.clone(), r.clone());
                    }
                }
            }
            rest = Const::from_poly(kept);
        }
    }
    if exp_argument_too_large(&rest) {
        return Err(NumberError::TooLarge(format!(
            "exp({}): an exact exponential needs an argument below 2^{EXP_MAX_BITS} in size",
            crate::budget::short(&rest)
        )));
    }
    let (k, m) = exp_split(&rest)?;
    Ok(&factor * &Const::from_mono(k, m))
}

/// Exponentials `exp(c)` are exact constants only for `|c| < 2^EXP_MAX_BITS` (read off the
/// rational coefficients of `c`): beyond it no enclosure exists (the interval layer stops at the
/// same size), so no sign or zero test could ever be decided, and the arithmetic of such
/// constants (`tanh(1e10000)`) costs seconds per operation.
pub(crate) const EXP_MAX_BITS: u64 = 40;

fn exp_argument_too_large(c: &Const) -> bool {
    let big = |r: &BigRational| r.numer().bits() > EXP_MAX_BITS + r.denom().bits();
    match &c.repr {
        Repr::Rational(q) => big(q),
        Repr::Field(f) => f.den.is_empty() && f.num.values().any(big),
    }
}

/// `pi * r` when the value is a rational multiple of `pi`.
fn pi_multiple(c: &Const) -> Option<BigRational> {
    let (k, m) = c.as_monomial()?;
    if m.is_one() {
        return k.is_zero().then(BigRational::zero);
    }
    if m.0 == [(Atom::Pi, BigRational::one())] {
        return Some(k);
    }
    None
}

/// `sin(r pi)` for multiples of `pi/6` and `pi/4`.
fn sin_pi_table(r: &BigRational) -> Option<Const> {
    let twelve = r * rat(12);
    if !twelve.is_integer() {
        return None;
    }
    let k = (twelve.numer() % BigInt::from(24) + BigInt::from(24)) % BigInt::from(24);
    let k = k.to_i64()?;
    let (k, negative) = if k >= 12 { (k - 12, true) } else { (k, false) };
    let k = k.min(12 - k);
    let v = match k {
        0 => Const::zero(),
        2 => Const::from_rational(BigRational::new(1.into(), 2.into())),
        3 => sqrt_rational(2) * Const::from_rational(BigRational::new(1.into(), 2.into())),
        4 => sqrt_rational(3) * Const::from_rational(BigRational::new(1.into(), 2.into())),
        6 => Const::one(),
        _ => return None,
    };
    Some(if negative { -v } else { v })
}

fn sqrt_rational(n: i64) -> Const {
    rational_power(&rat(n), &BigRational::new(1.into(), 2.into())).unwrap_or_else(|_| Const::zero())
}

/// `f(c)` for an odd `f` without closed form at `c`: `f(-c) = -f(c)`.
fn odd_atom(f: Func, c: &Const) -> Const {
    if c.is_canonically_negative() {
        -apply_atom(f, &-c)
    } else {
        apply_atom(f, c)
    }
}

/// The special values `(x, asin x / pi)` of the arcsine on `[0, 1]`.
fn asin_table() -> Vec<(Const, BigRational)> {
    let half = BigRational::new(1.into(), 2.into());
    vec![
        (Const::zero(), BigRational::zero()),
        (
            Const::from_rational(half.clone()),
            BigRational::new(1.into(), 6.into()),
        ),
        (
            sqrt_rational(2) * Const::from_rational(half.clone()),
            BigRational::new(1.into(), 4.into()),
        ),
        (
            sqrt_rational(3) * Const::from_rational(half.clone()),
            BigRational::new(1.into(), 3.into()),
        ),
        (Const::one(), half),
    ]
}

/// The special values `(x, atan x / pi)` of the arctangent on `[0, inf)`.
fn atan_table() -> Vec<(Const, BigRational)> {
    vec![
        (Const::zero(), BigRational::zero()),
        (
            sqrt_rational(3) * Const::from_rational(BigRational::new(1.into(), 3.into())),
            BigRational::new(1.into(), 6.into()),
        ),
        (Const::one(), BigRational::new(1.into(), 4.into())),
        (sqrt_rational(3), BigRational::new(1.into(), 3.into())),
    ]
}

fn lookup(table: &[(Const, BigRational)], c: &Const) -> Option<Const> {
    let (x, neg) = if c.is_canonically_negative() {
        (-c, true)
    } else {
        (c.clone(), false)
    };
    let (_, r) = table.iter().find(|(t, _)| *t == x)?;
    let v = Const::pi() * Const::from_rational(r.clone());
    Some(if neg { -v } else { v })
}

/// Requires `lo < c < hi` (strict when `strict`, else `<=`), proved.
fn check_interval(
    func: Func,
    c: &Const,
    lo: i64,
    hi: i64,
    strict: bool,
) -> Result<(), NumberError> {
    for d in [c - &Const::from_int(lo), &Const::from_int(hi) - c] {
        match d.sign() {
            Sign::Positive => {}
            Sign::Zero if !strict => {}
            Sign::Zero | Sign::Negative => return Err(domain(func, c)),
            Sign::Unknown => return Err(NumberError::UndecidedSign(d.to_string())),
        }
    }
    Ok(())
}

/// A built-in applied to constants.
pub(super) fn apply(func: Func, args: &[Const]) -> Result<Const, NumberError> {
    if args.len() != func.arity() {
        return Err(NumberError::NotConstant(format!(
            "{func} with {} arguments (expects {})",
            args.len(),
            func.arity()
        )));
    }
    let c = &args[0];
    let half = Const::from_rational(BigRational::new(1.into(), 2.into()));
    match func {
        Func::Exp => exp(c),
        Func::Ln => ln(c),
        Func::Sqrt => match c.sign() {
            Sign::Negative => Err(domain(Func::Sqrt, c)),
            Sign::Unknown => Err(NumberError::UndecidedSign(c.to_string())),
            _ => c.pow_rational(&BigRational::new(1.into(), 2.into())),
        },
        Func::Abs => match c.sign() {
            Sign::Negative => Ok(-c),
            Sign::Positive | Sign::Zero => Ok(c.clone()),
            Sign::Unknown => Err(NumberError::UndecidedSign(c.to_string())),
        },
        Func::Min | Func::Max => {
            let d = &args[0] - &args[1];
            let first_smaller = match d.sign() {
                Sign::Negative | Sign::Zero => true,
                Sign::Positive => false,
                Sign::Unknown => return Err(NumberError::UndecidedSign(d.to_string())),
            };
            Ok(if first_smaller == (func == Func::Min) {
                args[0].clone()
            } else {
                args[1].clone()
            })
        }
        Func::Sin => match pi_multiple(c).and_then(|r| sin_pi_table(&r)) {
            Some(v) => Ok(v),
            None => Ok(odd_atom(Func::Sin, c)),
        },
        Func::Cos => match pi_multiple(c)
            .and_then(|r| sin_pi_table(&(r + BigRational::new(1.into(), 2.into()))))
        {
            Some(v) => Ok(v),
            None => Ok(apply_atom(
                Func::Cos,
                &if c.is_canonically_negative() {
                    -c
                } else {
                    c.clone()
                },
            )),
        },
        Func::Tan => {
            if let Some(r) = pi_multiple(c) {
                let s = sin_pi_table(&r);
                let co = sin_pi_table(&(r + BigRational::new(1.into(), 2.into())));
                if let (Some(s), Some(co)) = (s, co) {
                    if co.is_zero() {
                        return Err(domain(Func::Tan, c));
                    }
                    return s.checked_div(&co);
                }
            }
            Ok(odd_atom(Func::Tan, c))
        }
        Func::Sinh => Ok(&(&exp(c)? - &exp(&-c)?) * &half),
        Func::Cosh => Ok(&(&exp(c)? + &exp(&-c)?) * &half),
        Func::Tanh => {
            let t = exp(&(c * &Const::from_int(2)))?;
            (&t - &Const::one()).checked_div(&(&t + &Const::one()))
        }
        Func::Asin => {
            check_interval(Func::Asin, c, -1, 1, false)?;
            Ok(lookup(&asin_table(), c).unwrap_or_else(|| odd_atom(Func::Asin, c)))
        }
        Func::Acos => {
            check_interval(Func::Acos, c, -1, 1, false)?;
            let asin = lookup(&asin_table(), c).unwrap_or_else(|| odd_atom(Func::Asin, c));
            Ok(&(&Const::pi() * &half) - &asin)
        }
        Func::Atan => Ok(lookup(&atan_table(), c).unwrap_or_else(|| odd_atom(Func::Atan, c))),
        Func::Erf => Ok(if c.is_zero() {
            Const::zero()
        } else {
            odd_atom(Func::Erf, c)
        }),
        Func::Asinh => {
            if c.is_canonically_negative() {
                return Ok(-apply(Func::Asinh, &[-c])?);
            }
            // c + sqrt(c^2 + 1) > 0 for every real c.
            let r = pow_positive(
                &(c * c + Const::one()),
                &BigRational::new(1.into(), 2.into()),
            )?;
            ln_positive(&(c + &r))
        }
        Func::Acosh => {
            match (c - &Const::one()).sign() {
                Sign::Zero => return Ok(Const::zero()),
                Sign::Positive => {}
                Sign::Negative => return Err(domain(Func::Acosh, c)),
                Sign::Unknown => {
                    return Err(NumberError::UndecidedSign((c - &Const::one()).to_string()))
                }
            }
            let r = pow_positive(
                &(c * c - Const::one()),
                &BigRational::new(1.into(), 2.into()),
            )?;
            ln_positive(&(c + &r))
        }
        Func::Atanh => {
            check_interval(Func::Atanh, c, -1, 1, true)?;
            let q = (Const::one() + c).checked_div(&(Const::one() - c))?;
            Ok(&ln_positive(&q)? * &half)
        }
    }
}

/// Exact constants as a domain of the graph evaluator ([`crate::ir`]): the variables bound to
/// values; an `if` exactly at its switching point takes the common value of its two pieces.
pub(crate) struct Exact<'b> {
    pub bindings: &'b [(&'b str, Const)],
}

impl Domain for Exact<'_> {
    type V = Const;
    type Error = NumberError;
    const FACTOR_DIVISORS: bool = true;

    fn number(&mut self, q: &BigRational) -> Result<Const, NumberError> {
        Ok(Const::from_rational(q.clone()))
    }
    fn pi(&mut self) -> Result<Const, NumberError> {
        Ok(Const::pi())
    }
    fn e(&mut self) -> Result<Const, NumberError> {
        Ok(Const::e())
    }
    fn variable(&mut self, name: &str) -> Result<Const, NumberError> {
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| NumberError::NotConstant(name.to_string()))
    }
    fn neg(&mut self, a: &Const) -> Result<Const, NumberError> {
        Ok(-a)
    }
    fn add(&mut self, a: &Const, b: &Const) -> Result<Const, NumberError> {
        Ok(a + b)
    }
    fn sub(&mut self, a: &Const, b: &Const) -> Result<Const, NumberError> {
        Ok(a - b)
    }
    fn mul(&mut self, a: &Const, b: &Const) -> Result<Const, NumberError> {
        Ok(a * b)
    }
    fn div(&mut self, a: &Const, b: &Const) -> Result<Const, NumberError> {
        a.checked_div(b)
    }
    fn recip(&mut self, a: &Const) -> Result<Const, NumberError> {
        a.recip()
    }
    fn pow(&mut self, base: &Const, exponent: &Const, _: bool) -> Result<Const, NumberError> {
        base.pow(exponent)
    }
    fn call(&mut self, func: Func, a: &Const) -> Result<Const, NumberError> {
        apply(func, std::slice::from_ref(a))
    }
    fn side(&mut self, cond: Cond<'_, Const>) -> Result<Side, NumberError> {
        Ok(match cond.d.sign() {
            Sign::Unknown => return Err(NumberError::UndecidedSign(cond.d.to_string())),
            // Two sides that are equal constants (not just equal at this point).
            Sign::Zero if cond.constant => Side::of_equal(cond.op),
            Sign::Zero => Side::Both,
            s => {
                let holds = match cond.op {
                    CmpOp::Lt | CmpOp::Le => s == Sign::Negative,
                    CmpOp::Gt | CmpOp::Ge => s == Sign::Positive,
                };
                if holds {
                    Side::Then
                } else {
                    Side::Other
                }
            }
        })
    }
    fn join(&mut self, cond: Cond<'_, Const>, a: &Const, b: &Const) -> Result<Const, NumberError> {
        if (a - b).zero_test() == ZeroTest::Zero {
            Ok(a.clone())
        } else {
            Err(NumberError::Switching {
                condition: format!("{} {} {}", cond.lhs, cond.op.symbol(), cond.rhs),
                left: a.to_string(),
                right: b.to_string(),
            })
        }
    }
}

/// Evaluates a constant expression (lowered to the graph, then evaluated exactly).
pub(super) fn eval(expr: &Expr, bindings: &[(&str, Const)]) -> Result<Const, NumberError> {
    let defs = crate::expr::Definitions::new();
    let mut lowering = crate::ir::Lowering::new(&defs);
    let root = lowering.lower(expr).map_err(|e| match e {
        LowerError::UnknownFunction(name) => NumberError::NotConstant(format!(
            "{name}(...) (definitions must be inlined before evaluation)"
        )),
        LowerError::Shape(_) => NumberError::NotConstant("a vector".to_string()),
        e => NumberError::NotConstant(e.to_string()),
    })?;
    let root = root
        .into_scalar("a vector")
        .map_err(|_| NumberError::NotConstant("a vector".to_string()))?;
    crate::ir::Evaluator::new(lowering.graph(), Exact { bindings }).value(root)
}
