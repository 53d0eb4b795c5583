//! The field `Q(atoms)`: atoms, monomials, Laurent polynomials, and quotients with a factored
//! denominator.
//!
//! Invariants (kept by every constructor in this module):
//! - a monomial lists each atom once, sorted, with a non-zero rational exponent; a radical
//!   `Prime(p)` has its exponent in `(0, 1)` (integer parts live in the coefficient); `Exp(c)`
//!   appears at most once, with exponent 1 (`exp(a) exp(b) = exp(a + b)`); atoms that may be
//!   negative (`Apply`) only carry integer exponents;
//! - a polynomial has no zero coefficient;
//! - a denominator factor has at least two terms, no monomial content in its group atoms, and
//!   leading coefficient 1; it was proved non-zero when it was created.

use super::factor::is_proved_prime;
use super::intern::Interned;
use super::{Const, NumberError, Repr, Sign, MAX_BITS};
use crate::expr::Func;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// An irreducible constant. The order of the variants matters: radicals and `Exp` are the least
/// significant atoms in the monomial order used for exact division.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Atom {
    /// `pi`.
    Pi,
    /// `e` (`e^q` for rational `q`).
    E,
    /// `ln n` for an integer `n >= 2` (a prime, or a cofactor trial division could not split).
    Ln(BigInt),
    /// A function value without closed form (`erf(1)`, `atan(1/2)`, `ln(1 + e)`), interned.
    Apply(Interned),
    /// `exp(c)` for a `c` with no rational or logarithmic part, interned.
    Exp(Interned),
    /// `p^(a/b)`, a radical of a prime (or of an unsplit cofactor).
    Prime(BigInt),
}

/// A product of atoms with rational exponents.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub(crate) struct Mono(pub(crate) Vec<(Atom, BigRational)>);

/// A Laurent polynomial over the atoms, rational coefficients.
pub(crate) type Poly = BTreeMap<Mono, BigRational>;

/// `num / prod den_i^m_i`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Fraction {
    pub(crate) num: Poly,
    pub(crate) den: Vec<(Poly, u32)>,
}

pub(crate) fn rat(n: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(n))
}

pub(crate) fn rat_bits(q: &BigRational) -> u64 {
    q.numer().bits() + q.denom().bits()
}

/// `q^n` for an integer `n`, refusing results above [`MAX_BITS`].
pub(crate) fn rat_pow(q: &BigRational, n: &BigInt) -> Result<BigRational, NumberError> {
    if n.is_zero() {
        return Ok(BigRational::one());
    }
    if q.is_zero() {
        return if n.is_positive() {
            Ok(BigRational::zero())
        } else {
            Err(NumberError::DivisionByZero)
        };
    }
    if q.abs().is_one() {
        let odd = n % 2 != BigInt::zero();
        return Ok(if q.is_negative() && odd {
            -q.abs()
        } else {
            q.abs()
        });
    }
    let too_large = || NumberError::TooLarge(format!("({q})^{n}"));
    let k = n.abs().to_u64().ok_or_else(too_large)?;
    if k.saturating_mul(rat_bits(q).saturating_sub(1).max(1)) > MAX_BITS {
        return Err(too_large());
    }
    let k = u32::try_from(k).map_err(|_| too_large())?;
    // Powers of coprime integers stay coprime: already in lowest terms.
    let r = BigRational::new_raw(q.numer().pow(k), q.denom().pow(k));
    Ok(if n.is_negative() { r.recip() } else { r })
}

impl Atom {
    /// Atoms that are positive by construction.
    pub(crate) fn is_positive(&self) -> bool {
        matches!(
            self,
            Atom::Pi | Atom::E | Atom::Ln(_) | Atom::Exp(_) | Atom::Prime(_)
        ) || self.sign() == Sign::Positive
    }

    /// The proved sign of the atom (decided once per interned atom).
    pub(crate) fn sign(&self) -> Sign {
        match self {
            Atom::Pi | Atom::E | Atom::Ln(_) | Atom::Exp(_) | Atom::Prime(_) => Sign::Positive,
            Atom::Apply(a) => *a.node().sign.get_or_init(|| {
                let c = a.arg();
                match a.func() {
                    Func::Erf | Func::Atan | Func::Asin => c.sign(),
                    Func::Ln => (c - &Const::one()).sign(),
                    Func::Exp => Sign::Positive,
                    _ => Sign::Unknown,
                }
            }),
        }
    }

    /// Whether the atom is proved non-zero (decided once per interned atom).
    pub(crate) fn is_nonzero(&self) -> bool {
        match self.sign() {
            Sign::Positive | Sign::Negative => true,
            Sign::Zero => false,
            Sign::Unknown => match self {
                Atom::Apply(a) => *a.node().nonzero.get_or_init(|| {
                    let c = a.arg();
                    match a.func() {
                        // sin, cos, tan of a non-zero algebraic number are transcendental
                        // (Lindemann).
                        Func::Sin | Func::Cos | Func::Tan => {
                            c.is_algebraic() && c.zero_test() == super::ZeroTest::NonZero
                        }
                        Func::Erf | Func::Atan | Func::Asin => {
                            c.zero_test() == super::ZeroTest::NonZero
                        }
                        Func::Ln => (c - &Const::one()).zero_test() == super::ZeroTest::NonZero,
                        _ => false,
                    }
                }),
                _ => false,
            },
        }
    }

    /// Atoms whose exponents form a group under multiplication (everything except radicals,
    /// which reduce, and `Exp`, which merges its argument).
    fn is_group(&self) -> bool {
        !matches!(self, Atom::Prime(_) | Atom::Exp(_))
    }
}

impl Mono {
    pub(crate) fn one() -> Mono {
        Mono(Vec::new())
    }
    pub(crate) fn is_one(&self) -> bool {
        self.0.is_empty()
    }
    pub(crate) fn single(atom: Atom, e: BigRational) -> Mono {
        if e.is_zero() {
            Mono::one()
        } else {
            Mono(vec![(atom, e)])
        }
    }
    fn exponent(&self, atom: &Atom) -> BigRational {
        self.0
            .iter()
            .find(|(a, _)| a == atom)
            .map(|(_, e)| e.clone())
            .unwrap_or_else(BigRational::zero)
    }
    pub(crate) fn is_algebraic(&self) -> bool {
        self.0.iter().all(|(a, _)| matches!(a, Atom::Prime(_)))
    }
    /// The proved sign of the monomial (as a term with coefficient 1).
    pub(crate) fn sign(&self) -> Sign {
        let mut negative = false;
        for (a, e) in &self.0 {
            match a.sign() {
                Sign::Positive => {}
                Sign::Negative if e.is_integer() => {
                    if e.numer() % 2 != BigInt::zero() {
                        negative = !negative
                    }
                }
                _ => return Sign::Unknown,
            }
        }
        if negative {
            Sign::Negative
        } else {
            Sign::Positive
        }
    }
    pub(crate) fn is_nonzero(&self) -> bool {
        self.0.iter().all(|(a, _)| a.is_nonzero())
    }
}

/// Appends `atom^e` to a monomial under construction, pulling integer parts of radicals into
/// the coefficient.
fn push_reduced(
    coef: &mut BigRational,
    out: &mut Vec<(Atom, BigRational)>,
    atom: Atom,
    e: BigRational,
) {
    if e.is_zero() {
        return;
    }
    if let Atom::Prime(p) = &atom {
        let fl = e.floor();
        let frac = &e - &fl;
        if !fl.is_zero() {
            // Bounded by the callers: exponents are sums of two values in (0, 1), or were
            // checked by `mono_pow`.
            let base = BigRational::from_integer(p.clone());
            if let Ok(f) = rat_pow(&base, fl.numer()) {
                *coef *= f;
            }
        }
        if !frac.is_zero() {
            out.push((atom, frac));
        }
        return;
    }
    out.push((atom, e));
}

/// The dense lexicographic order on exponent vectors (atoms in their `Ord` order; a missing
/// atom has exponent 0). `group_only` ignores radicals and `Exp`.
pub(crate) fn mono_cmp(a: &Mono, b: &Mono, group_only: bool) -> Ordering {
    let (mut i, mut j) = (0, 0);
    let zero = BigRational::zero();
    loop {
        let x = a.0.get(i);
        let y = b.0.get(j);
        let (atom, ea, eb) = match (x, y) {
            (None, None) => return Ordering::Equal,
            (Some((aa, ea)), None) => {
                i += 1;
                (aa, ea, &zero)
            }
            (None, Some((bb, eb))) => {
                j += 1;
                (bb, &zero, eb)
            }
            (Some((aa, ea)), Some((bb, eb))) => match aa.cmp(bb) {
                Ordering::Less => {
                    i += 1;
                    (aa, ea, &zero)
                }
                Ordering::Greater => {
                    j += 1;
                    (bb, &zero, eb)
                }
                Ordering::Equal => {
                    i += 1;
                    j += 1;
                    (aa, ea, eb)
                }
            },
        };
        if group_only && !atom.is_group() {
            continue;
        }
        match ea.cmp(eb) {
            Ordering::Equal => {}
            o => return o,
        }
    }
}

/// `a * b` as `(coefficient, monomial)`.
pub(crate) fn mono_mul(a: &Mono, b: &Mono) -> (BigRational, Mono) {
    if a.is_one() {
        return (BigRational::one(), b.clone());
    }
    if b.is_one() {
        return (BigRational::one(), a.clone());
    }
    // A merge of the two sorted lists of atoms (no map per product: this is the inner loop of
    // every product of polynomials).
    let mut coef = BigRational::one();
    let mut out = Vec::with_capacity(a.0.len() + b.0.len());
    let mut exps: Vec<&Interned> = Vec::new();
    let (mut i, mut j) = (0, 0);
    loop {
        let (atom, e) = match (a.0.get(i), b.0.get(j)) {
            (None, None) => break,
            (Some((x, ex)), None) => {
                i += 1;
                (x, ex.clone())
            }
            (None, Some((y, ey))) => {
                j += 1;
                (y, ey.clone())
            }
            (Some((x, ex)), Some((y, ey))) => match x.cmp(y) {
                Ordering::Less => {
                    i += 1;
                    (x, ex.clone())
                }
                Ordering::Greater => {
                    j += 1;
                    (y, ey.clone())
                }
                Ordering::Equal => {
                    i += 1;
                    j += 1;
                    if let (Atom::Exp(u), Atom::Exp(v)) = (x, y) {
                        exps.push(u);
                        exps.push(v);
                        continue;
                    }
                    (x, ex + ey)
                }
            },
        };
        if let Atom::Exp(arg) = atom {
            exps.push(arg);
            continue;
        }
        push_reduced(&mut coef, &mut out, atom.clone(), e);
    }
    let mono = Mono(out);
    match exps.len() {
        0 => (coef, mono),
        1 => {
            let mut v = mono.0;
            v.push((Atom::Exp(exps[0].clone()), BigRational::one()));
            v.sort();
            (coef, Mono(v))
        }
        _ => {
            let (c, m) = exp_product(exps[0], exps[1]);
            // `mono` has no `Exp` atom left and `m` at most one: no further merging.
            let (c2, m2) = mono_mul(&mono, &m);
            (coef * c * c2, m2)
        }
    }
}

/// `m^q` as `(coefficient, monomial)`; `None` when an atom that may be negative would get a
/// non-integer exponent.
pub(crate) fn mono_pow(
    m: &Mono,
    q: &BigRational,
) -> Result<Option<(BigRational, Mono)>, NumberError> {
    let mut coef = BigRational::one();
    let mut out = Mono::one();
    for (atom, e) in &m.0 {
        let (c, factor) = match atom {
            Atom::Exp(arg) => exp_split(&(arg.arg() * &Const::from_rational(q.clone())))?,
            Atom::Prime(p) => {
                let ne = e * q;
                let fl = ne.floor();
                let bits = p
                    .bits()
                    .saturating_mul(fl.numer().abs().to_u64().unwrap_or(u64::MAX));
                if bits > MAX_BITS {
                    return Err(NumberError::TooLarge(format!("{p}^({ne})")));
                }
                let mut c = BigRational::one();
                let mut v = Vec::new();
                push_reduced(&mut c, &mut v, atom.clone(), ne);
                (c, Mono(v))
            }
            _ => {
                let ne = e * q;
                if !ne.is_integer() && !atom.is_positive() {
                    return Ok(None);
                }
                (BigRational::one(), Mono::single(atom.clone(), ne))
            }
        };
        let (c2, m2) = mono_mul(&out, &factor);
        coef = coef * c * c2;
        out = m2;
    }
    Ok(Some((coef, out)))
}

/// `exp(a) exp(b) = exp(a + b)` as `(coefficient, monomial)`, remembered per pair of atoms: the
/// products of two polynomials over exponentials meet the same pairs over and over, and each
/// sum of deep arguments costs a sum of fractions.
fn exp_product(a: &Interned, b: &Interned) -> (BigRational, Mono) {
    type Memo = std::sync::Mutex<std::collections::HashMap<(u64, u64), (BigRational, Mono)>>;
    static MEMO: std::sync::OnceLock<Memo> = std::sync::OnceLock::new();
    let memo = MEMO.get_or_init(Default::default);
    let key = (a.id().min(b.id()), a.id().max(b.id()));
    if let Some(hit) = memo.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return hit.clone();
    }
    let sum = a.arg() + b.arg();
    let product = match exp_split(&sum) {
        Ok(split) => split,
        Err(_) => (
            BigRational::one(),
            if sum.is_zero() {
                Mono::one()
            } else {
                Mono::single(Atom::Exp(exp_atom(sum)), BigRational::one())
            },
        ),
    };
    memo.lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, product.clone());
    product
}

/// The interned atom `exp(c)`.
pub(crate) fn exp_atom(c: Const) -> Interned {
    Interned::new(true, Func::Exp, c)
}

/// The interned atom `func(c)`.
pub(crate) fn apply_atom(func: Func, c: Const) -> Interned {
    Interned::new(false, func, c)
}

/// Splits `exp(c) = e^q * prod n_i^(r_i) * exp(rest)` into a monomial.
pub(crate) fn exp_split(c: &Const) -> Result<(BigRational, Mono), NumberError> {
    let f = match &c.repr {
        Repr::Rational(q) => return Ok((BigRational::one(), Mono::single(Atom::E, q.clone()))),
        Repr::Field(f) => f,
    };
    if !f.den.is_empty() {
        return Ok((
            BigRational::one(),
            Mono::single(Atom::Exp(exp_atom(c.clone())), BigRational::one()),
        ));
    }
    let mut coef = BigRational::one();
    let mut mono = Mono::one();
    let mut rest = Poly::new();
    for (m, r) in &f.num {
        let factor: Option<Const> = if m.is_one() {
            Some(Const::from_mono(
                BigRational::one(),
                Mono::single(Atom::E, r.clone()),
            ))
        } else if m.0.len() == 1 && m.0[0].1.is_one() {
            match &m.0[0].0 {
                Atom::Ln(n) => Some(
                    Const::from_rational(BigRational::from_integer(n.clone())).pow_rational(r)?,
                ),
                _ => None,
            }
        } else {
            None
        };
        match factor {
            Some(k) => {
                let (c2, m2) = k
                    .as_monomial()
                    .ok_or_else(|| NumberError::TooLarge(format!("exp({c})")))?;
                let (c3, m3) = mono_mul(&mono, &m2);
                coef = coef * c2 * c3;
                mono = m3;
            }
            None => {
                rest.insert(m.clone(), r.clone());
            }
        }
    }
    if !rest.is_empty() {
        let rest = Const::from_poly(rest);
        let mut v = mono.0;
        v.push((Atom::Exp(exp_atom(rest)), BigRational::one()));
        v.sort();
        mono = Mono(v);
    }
    Ok((coef, mono))
}

pub(crate) fn poly_add_term(p: &mut Poly, m: Mono, c: BigRational) {
    if c.is_zero() {
        return;
    }
    use std::collections::btree_map::Entry;
    match p.entry(m) {
        Entry::Vacant(v) => {
            v.insert(c);
        }
        Entry::Occupied(mut o) => {
            *o.get_mut() += c;
            if o.get().is_zero() {
                o.remove();
            }
        }
    }
}

pub(crate) fn poly_add(a: &Poly, b: &Poly) -> Poly {
    let mut out = a.clone();
    for (m, c) in b {
        poly_add_term(&mut out, m.clone(), c.clone());
    }
    out
}

pub(crate) fn poly_scale(a: &Poly, s: &BigRational) -> Poly {
    if s.is_zero() {
        return Poly::new();
    }
    a.iter().map(|(m, c)| (m.clone(), c * s)).collect()
}

/// The coefficients of `p` over one common denominator: `p = (1/D) sum N_m m`.
fn integer_terms(p: &Poly) -> (Vec<(&Mono, BigInt)>, BigInt) {
    let mut den = BigInt::one();
    for c in p.values() {
        if !c.denom().is_one() && !(&den % c.denom()).is_zero() {
            den = num_integer::Integer::lcm(&den, c.denom());
        }
    }
    let terms = p
        .iter()
        .map(|(m, c)| {
            let n = if c.denom() == &den {
                c.numer().clone()
            } else {
                c.numer() * (&den / c.denom())
            };
            (m, n)
        })
        .collect();
    (terms, den)
}

/// The product. Integer numerators over one common denominator (no gcd per term product),
/// summed in a hash table (an equality of monomials compares atom ids; the structural order,
/// which compares deep atoms' arguments, is only used once per distinct monomial at the end),
/// and each coefficient reduced once.
pub(crate) fn poly_mul(a: &Poly, b: &Poly) -> Poly {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if a.len() <= 1 {
        return match a.iter().next() {
            Some((m, c)) => poly_mul_mono(b, c, m),
            None => Poly::new(),
        };
    }
    let (ai, ad) = integer_terms(a);
    let (bi, bd) = integer_terms(b);
    // Numerator over `ad * bd`; a rare non-integer factor of a monomial product (a radical
    // reduced, `exp` merged with a rational part) goes into a separate rational sum.
    let mut acc: std::collections::HashMap<Mono, (BigInt, Option<BigRational>)> =
        std::collections::HashMap::with_capacity(ai.len() * bi.len() / 2 + 1);
    for (ma, ca) in &ai {
        crate::budget::check();
        for (mb, cb) in &bi {
            let (c, m) = mono_mul(ma, mb);
            let k = ca * cb;
            let slot = acc.entry(m).or_insert_with(|| (BigInt::zero(), None));
            if c.is_one() {
                slot.0 += k;
            } else if c.is_integer() {
                slot.0 += k * c.numer();
            } else {
                let t = c * BigRational::from_integer(k);
                slot.1 = Some(match slot.1.take() {
                    Some(s) => s + t,
                    None => t,
                });
            }
        }
    }
    let den = ad * bd;
    acc.into_iter()
        .filter_map(|(m, (n, extra))| {
            let mut q = BigRational::new(n, den.clone());
            if let Some(x) = extra {
                q += x / BigRational::from_integer(den.clone());
            }
            (!q.is_zero()).then_some((m, q))
        })
        .collect()
}

pub(crate) fn poly_mul_mono(a: &Poly, c: &BigRational, m: &Mono) -> Poly {
    let mut out = Poly::new();
    for (ma, ca) in a {
        let (k, mm) = mono_mul(ma, m);
        poly_add_term(&mut out, mm, k * ca * c);
    }
    out
}

pub(crate) fn poly_const(q: BigRational) -> Poly {
    let mut p = Poly::new();
    poly_add_term(&mut p, Mono::one(), q);
    p
}

pub(crate) fn poly_pow(a: &Poly, n: u32) -> Poly {
    let mut result = poly_const(BigRational::one());
    let mut base = a.clone();
    let mut n = n;
    while n > 0 {
        if n & 1 == 1 {
            result = poly_mul(&result, &base);
        }
        n >>= 1;
        if n > 0 {
            base = poly_mul(&base, &base);
        }
    }
    result
}

/// The leading term in the dense lexicographic order.
pub(crate) fn leading(p: &Poly) -> Option<(&Mono, &BigRational)> {
    p.iter().max_by(|a, b| mono_cmp(a.0, b.0, false))
}

/// Exact division `n / d` when `d` divides `n` (bounded search; `None` when not divisible or
/// when the divisor has radicals or `Exp` atoms).
pub(crate) fn poly_div_exact(n: &Poly, d: &Poly) -> Option<Poly> {
    if d.keys().any(|m| m.0.iter().any(|(a, _)| !a.is_group())) || d.is_empty() {
        return None;
    }
    if let Some(answer) = univariate_div_exact(n, d) {
        return answer;
    }
    if !may_divide(n, d) {
        return None;
    }
    let (ld, cd) = leading(d)?;
    let min_n = n.keys().min_by(|a, b| mono_cmp(a, b, true))?;
    let min_d = d.keys().min_by(|a, b| mono_cmp(a, b, true))?;
    let bound = mono_div_group(min_n, min_d);
    let mut r = n.clone();
    let mut q = Poly::new();
    for _ in 0..4096 {
        crate::budget::check();
        let (lr, cr) = match leading(&r) {
            None => return Some(q),
            Some((m, c)) => (m.clone(), c.clone()),
        };
        let t = mono_div_group(&lr, ld);
        if mono_cmp(&t, &bound, true) == Ordering::Less {
            return None;
        }
        let tc = cr / cd;
        let prod = poly_mul_mono(d, &tc, &t);
        for (m, c) in prod {
            poly_add_term(&mut r, m, -c);
        }
        poly_add_term(&mut q, t, tc);
    }
    None
}

/// The largest span of exponents of one class that [`univariate_div_exact`] divides densely.
const MAX_DENSE_SPAN: i64 = 1 << 12;

/// [`poly_div_exact`] for a divisor in one group atom `a` with integer exponents (`e^2 + 1`,
/// `tanh(1) + 1`): the typical denominator factor, tried at every product and sum of deep
/// constants. `n` splits into classes by the rest of its monomials (every atom but `a`, and
/// the fractional part of the exponent of `a`); `d` divides `n` exactly when it divides every
/// class, a Laurent polynomial in `a` divided densely in `O(span * deg d)`, so that a failing
/// division is cheap (the general search costs `O(terms^2)` before it gives up). `None` when
/// the divisor is not of that form, or a span is too wide: the general search decides.
fn univariate_div_exact(n: &Poly, d: &Poly) -> Option<Option<Poly>> {
    // The atom, and the dense coefficients of d / a^dmin, lowest first.
    let mut atom: Option<&Atom> = None;
    let mut exps: Vec<(i64, &BigRational)> = Vec::with_capacity(d.len());
    for (m, c) in d {
        let k = match m.0.as_slice() {
            [] => 0,
            [(a, e)] if e.is_integer() => {
                match atom {
                    None => atom = Some(a),
                    Some(b) if b == a => {}
                    Some(_) => return None,
                }
                e.numer().to_i64()?
            }
            _ => return None,
        };
        exps.push((k, c));
    }
    let atom = atom?;
    let dmin = exps.iter().map(|(k, _)| *k).min()?;
    let deg = usize::try_from(exps.iter().map(|(k, _)| *k).max()? - dmin).ok()?;
    if deg == 0 || deg as i64 > MAX_DENSE_SPAN {
        return None;
    }
    let mut dense = vec![BigRational::zero(); deg + 1];
    for (k, c) in exps {
        dense[(k - dmin) as usize] = c.clone();
    }
    // The classes of n: rest of the monomial and fractional exponent -> exponent -> coefficient.
    type Class = BTreeMap<i64, BigRational>;
    let mut classes: BTreeMap<(Mono, BigRational), Class> = BTreeMap::new();
    for (m, c) in n {
        let e = m.exponent(atom);
        let fl = e.floor();
        let k = fl.numer().to_i64()?;
        let rest = Mono(m.0.iter().filter(|(a, _)| a != atom).cloned().collect());
        classes
            .entry((rest, e - fl))
            .or_default()
            .insert(k, c.clone());
    }
    let mut q = Poly::new();
    for ((rest, frac), class) in classes {
        crate::budget::check();
        let (Some((&lo, _)), Some((&hi, _))) = (class.first_key_value(), class.last_key_value())
        else {
            continue;
        };
        let span = hi.checked_sub(lo)?;
        if span > MAX_DENSE_SPAN {
            return None;
        }
        let len = span as usize + 1;
        if len <= deg {
            return Some(None);
        }
        let mut r = vec![BigRational::zero(); len];
        for (k, c) in class {
            r[(k - lo) as usize] = c;
        }
        let lead = &dense[deg];
        for i in (deg..len).rev() {
            if r[i].is_zero() {
                continue;
            }
            let t = &r[i] / lead;
            for (j, dj) in dense.iter().enumerate() {
                if !dj.is_zero() {
                    let idx = i - deg + j;
                    r[idx] = &r[idx] - &t * dj;
                }
            }
            // a^(lo + i - deg - dmin + frac) * rest
            let e = BigRational::from_integer(BigInt::from(lo + (i - deg) as i64 - dmin)) + &frac;
            let mut v = rest.0.clone();
            if !e.is_zero() {
                v.push((atom.clone(), e));
                v.sort();
            }
            q.insert(Mono(v), t);
        }
        if r[..deg].iter().any(|c| !c.is_zero()) {
            return Some(None);
        }
    }
    Some(Some(q))
}

/// The prime of [`may_divide`], `2^61 - 1`.
const FILTER_PRIME: u64 = (1 << 61) - 1;

fn mul_mod(a: u64, b: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(FILTER_PRIME)) as u64
}

fn pow_mod(mut b: u64, mut e: u64) -> u64 {
    let mut r = 1;
    while e > 0 {
        if e & 1 == 1 {
            r = mul_mod(r, b);
        }
        b = mul_mod(b, b);
        e >>= 1;
    }
    r
}

fn int_mod(n: &BigInt) -> u64 {
    let p = BigInt::from(FILTER_PRIME);
    let r = ((n % &p) + &p) % &p;
    r.to_u64().unwrap_or(0)
}

/// `q mod P`, `None` when the denominator is divisible by `P`.
fn rat_mod(q: &BigRational) -> Option<u64> {
    let d = int_mod(q.denom());
    (d != 0).then(|| mul_mod(int_mod(q.numer()), pow_mod(d, FILTER_PRIME - 2)))
}

/// Whether `d` (group atoms only) may divide `n`: `false` only when an evaluation proves that
/// it does not, so that a failing exact division (tried at every product of constants with
/// several atoms in a denominator) costs one evaluation instead of the search of
/// [`poly_div_exact`].
///
/// The proof: write `n = sum_K K n_K`, `K` running over the parts of the monomials of `n`
/// that a product with a monomial of `d` leaves alone (the atoms that are not group atoms,
/// the fractional parts of the exponents); when `d` has integer exponents, `n = q d` means
/// `n_K = q_K d` for every `K`. Map every atom but one, `x`, to a non-zero value modulo the
/// prime `P`, and `K` to arbitrary values: a ring homomorphism into `F_P[x, 1/x]` on each
/// `n_K`, defined on `q_K` as well when every coefficient of `d` is a unit modulo `P` (the
/// division of `n_K` by `d` only divides by a leading coefficient of `d`) and no coefficient
/// of `n` has `P` in its denominator. So `d | n` implies that the image of `d` divides
/// `sum_K v_K` (image of `n_K`); a non-zero remainder of that division proves `d` does not
/// divide `n`.
fn may_divide(n: &Poly, d: &Poly) -> bool {
    const MAX_SPAN: i64 = 1 << 14;
    // The evaluation variable: the atom of `d` with the widest span of exponents.
    let mut spans: BTreeMap<&Atom, (i64, i64)> = BTreeMap::new();
    for (m, c) in d {
        if rat_mod(c).map_or(true, |v| v == 0) {
            return true;
        }
        for (a, e) in &m.0 {
            let Some(k) = e.is_integer().then(|| e.numer().to_i64()).flatten() else {
                return true;
            };
            let s = spans.entry(a).or_insert((0, 0));
            *s = (s.0.min(k), s.1.max(k));
        }
    }
    let Some(x) = spans
        .iter()
        .max_by_key(|(_, (lo, hi))| hi - lo)
        .map(|(a, _)| (*a).clone())
    else {
        return true;
    };
    // Pseudo-random non-zero values, drawn in order of first use (splitmix64).
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut draw = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        1 + (z ^ (z >> 31)) % (FILTER_PRIME - 1)
    };
    let mut values: BTreeMap<Atom, (u64, u64)> = BTreeMap::new();
    let mut classes: std::collections::HashMap<Vec<(Atom, BigRational)>, u64> =
        std::collections::HashMap::new();
    // The image of a polynomial as `(lowest exponent of x, dense coefficients)`.
    let mut image = |p: &Poly, with_classes: bool| -> Option<Vec<(i64, u64)>> {
        let mut out = Vec::with_capacity(p.len());
        for (m, c) in p {
            let mut v = rat_mod(c)?;
            let mut kx = 0i64;
            let mut class: Vec<(Atom, BigRational)> = Vec::new();
            for (a, e) in &m.0 {
                if !a.is_group() {
                    class.push((a.clone(), e.clone()));
                    continue;
                }
                let fl = e.floor();
                if fl != *e {
                    class.push((a.clone(), e - &fl));
                }
                let k = fl.numer().to_i64()?;
                if *a == x {
                    kx = k;
                    continue;
                }
                let (r, r_inv) = *values.entry(a.clone()).or_insert_with(|| {
                    let r = draw();
                    (r, pow_mod(r, FILTER_PRIME - 2))
                });
                let f = if k >= 0 {
                    pow_mod(r, k as u64)
                } else {
                    pow_mod(r_inv, k.unsigned_abs())
                };
                v = mul_mod(v, f);
            }
            if !class.is_empty() {
                if !with_classes {
                    return None;
                }
                v = mul_mod(v, *classes.entry(class).or_insert_with(&mut draw));
            }
            out.push((kx, v));
        }
        Some(out)
    };
    let (Some(dn), Some(nn)) = (image(d, false), image(n, true)) else {
        return true;
    };
    let dense = |t: Vec<(i64, u64)>| -> Option<Vec<u64>> {
        let lo = t.iter().map(|(k, _)| *k).min()?;
        let hi = t.iter().map(|(k, _)| *k).max()?;
        if hi - lo > MAX_SPAN {
            return None;
        }
        let mut v = vec![0u64; (hi - lo) as usize + 1];
        for (k, c) in t {
            let i = (k - lo) as usize;
            v[i] = (v[i] + c) % FILTER_PRIME;
        }
        // x is a unit: strip powers of x at both ends.
        let first = v.iter().position(|&c| c != 0)?;
        let last = v.iter().rposition(|&c| c != 0)?;
        Some(v[first..=last].to_vec())
    };
    let (Some(dv), Some(mut r)) = (dense(dn), dense(nn)) else {
        return true;
    };
    if dv.len() < 2 {
        return true;
    }
    if r.len() < dv.len() {
        return false;
    }
    let lead_inv = pow_mod(dv[dv.len() - 1], FILTER_PRIME - 2);
    let dd = dv.len() - 1;
    for i in (dd..r.len()).rev() {
        if r[i] == 0 {
            continue;
        }
        let t = mul_mod(r[i], lead_inv);
        for (j, &dj) in dv.iter().enumerate() {
            let idx = i - dd + j;
            r[idx] = (r[idx] + FILTER_PRIME - mul_mod(t, dj)) % FILTER_PRIME;
        }
    }
    r[..dd].iter().all(|&c| c == 0)
}

/// `a / b` where `b` has only group atoms (exponents subtract, nothing reduces).
fn mono_div_group(a: &Mono, b: &Mono) -> Mono {
    let mut map: BTreeMap<Atom, BigRational> = BTreeMap::new();
    for (atom, e) in &a.0 {
        if !atom.is_group() {
            continue;
        }
        *map.entry(atom.clone()).or_insert_with(BigRational::zero) += e;
    }
    for (atom, e) in &b.0 {
        if !atom.is_group() {
            continue;
        }
        *map.entry(atom.clone()).or_insert_with(BigRational::zero) -= e;
    }
    let mut v: Vec<(Atom, BigRational)> = map.into_iter().filter(|(_, e)| !e.is_zero()).collect();
    for (atom, e) in &a.0 {
        if !atom.is_group() {
            v.push((atom.clone(), e.clone()));
        }
    }
    v.sort();
    Mono(v)
}

/// Writes a polynomial with at least two terms as `lc * content * p`, with `p` normalised
/// (no monomial content in group atoms, leading coefficient 1).
pub(crate) fn normalise_factor(p: &Poly) -> (BigRational, Mono, Poly) {
    let mut atoms: BTreeMap<Atom, BigRational> = BTreeMap::new();
    for m in p.keys() {
        for (a, _) in &m.0 {
            if a.is_group() {
                atoms.entry(a.clone()).or_insert_with(BigRational::zero);
            }
        }
    }
    let mut content = Vec::new();
    for (a, _) in atoms {
        let min = p
            .keys()
            .map(|m| m.exponent(&a))
            .min()
            .unwrap_or_else(BigRational::zero);
        if !min.is_zero() {
            content.push((a, min));
        }
    }
    let content = Mono(content);
    let reduced: Poly = if content.is_one() {
        p.clone()
    } else {
        p.iter()
            .map(|(m, c)| (mono_div_group(m, &content), c.clone()))
            .collect()
    };
    let lc = leading(&reduced)
        .map(|(_, c)| c.clone())
        .unwrap_or_else(BigRational::one);
    let normal = poly_scale(&reduced, &lc.recip());
    (lc, content, normal)
}

/// The sign of `c1 m1 + c2 m2` for positive monomials whose quotient is a radical monomial
/// (`sqrt(2) - 1`, `2 - sqrt(3)`, `pi*sqrt(3) - pi*sqrt(2)`): compare `N`-th powers, `N` the
/// common denominator of the radical exponents.
fn two_term_sign(p: &Poly) -> Sign {
    let mut it = p.iter();
    let (Some((m1, c1)), Some((m2, c2)), None) = (it.next(), it.next(), it.next()) else {
        return Sign::Unknown;
    };
    if m1.sign() != Sign::Positive || m2.sign() != Sign::Positive {
        return Sign::Unknown;
    }
    let Ok(Some((k, inv))) = mono_pow(m2, &rat(-1)) else {
        return Sign::Unknown;
    };
    let (k2, ratio) = mono_mul(m1, &inv);
    if !ratio.is_algebraic() {
        return Sign::Unknown;
    }
    // c1 m1 + c2 m2 = m2 (x r + c2) with x = c1 k k2 and r = ratio, a product of radicals.
    let x = c1 * k * k2;
    let mut n = BigInt::one();
    for (_, e) in &ratio.0 {
        n = num_integer::Integer::lcm(&n, e.denom());
    }
    let Some(n) = n.to_u64().filter(|n| *n <= 64) else {
        return Sign::Unknown;
    };
    // |x r|^n = |x|^n prod p^(e n), compared with |c2|^n.
    let nb = BigInt::from(n);
    let Ok(mut lhs) = rat_pow(&x.abs(), &nb) else {
        return Sign::Unknown;
    };
    for (a, e) in &ratio.0 {
        let Atom::Prime(q) = a else {
            return Sign::Unknown;
        };
        let Ok(f) = rat_pow(
            &BigRational::from_integer(q.clone()),
            (e * BigRational::from_integer(nb.clone())).numer(),
        ) else {
            return Sign::Unknown;
        };
        lhs *= f;
    }
    let Ok(rhs) = rat_pow(&c2.abs(), &nb) else {
        return Sign::Unknown;
    };
    let dominant = match lhs.cmp(&rhs) {
        Ordering::Greater => &x,
        Ordering::Less => c2,
        Ordering::Equal => return Sign::Unknown,
    };
    if dominant.is_positive() {
        Sign::Positive
    } else {
        Sign::Negative
    }
}

/// Whether a polynomial is proved non-zero / what sign it has.
pub(crate) fn poly_sign(p: &Poly) -> Sign {
    let s = same_sign(p);
    if s == Sign::Unknown && p.len() == 2 {
        return two_term_sign(p);
    }
    s
}

/// The sign of a sum whose terms all have the same proved sign.
fn same_sign(p: &Poly) -> Sign {
    let mut sign = None;
    for (m, c) in p {
        let s = match m.sign() {
            Sign::Positive => {
                if c.is_positive() {
                    Sign::Positive
                } else {
                    Sign::Negative
                }
            }
            Sign::Negative => {
                if c.is_positive() {
                    Sign::Negative
                } else {
                    Sign::Positive
                }
            }
            _ => return Sign::Unknown,
        };
        match sign {
            None => sign = Some(s),
            Some(t) if t == s => {}
            Some(_) => return Sign::Unknown,
        }
    }
    sign.unwrap_or(Sign::Zero)
}

/// The structural non-zero proof of a non-empty polynomial (see the module docs of `number`).
pub(crate) fn poly_proved_nonzero(p: &Poly) -> bool {
    if p.is_empty() {
        return false;
    }
    if p.len() == 1 {
        return p.keys().all(Mono::is_nonzero);
    }
    if matches!(poly_sign(p), Sign::Positive | Sign::Negative) {
        return true;
    }
    // Radicals of proved primes, plus at most one transcendental family.
    let mut family: Option<&Atom> = None;
    for m in p.keys() {
        for (a, _) in &m.0 {
            match a {
                Atom::Prime(q) => {
                    if !is_proved_prime(q) {
                        return false;
                    }
                }
                Atom::Pi | Atom::E | Atom::Ln(_) => match family {
                    None => family = Some(a),
                    Some(f) if f == a => {}
                    Some(_) => return false,
                },
                _ => return false,
            }
        }
    }
    true
}

/// Largest polynomial (in terms) whose perfect powers [`poly_root`] looks for: the search
/// expands `f^k` once per term found, so it must stay small.
const MAX_ROOT_TERMS: usize = 64;

/// The `k`-th root `f` of a normalised polynomial `p = f^k` (leading coefficient 1, group
/// atoms only), found term by term: the next term of `f` is the leading term of `p - f^k`
/// divided by `k lt(f)^(k-1)`. `None` when `p` is not a `k`-th power (bounded search).
pub(crate) fn poly_root(p: &Poly, k: u32) -> Option<Poly> {
    if p.len() < 2
        || p.len() > MAX_ROOT_TERMS
        || p.keys().any(|m| m.0.iter().any(|(a, _)| !a.is_group()))
    {
        return None;
    }
    // Cheap necessary condition: the lowest term of f^k is (lowest term of f)^k, so its
    // coefficient is a k-th power of a rational. It rejects almost every non-power at once.
    let (_, lowest) = p.iter().min_by(|a, b| mono_cmp(a.0, b.0, true))?;
    let kth = |n: &BigInt| super::factor::exact_root(&n.abs(), k).is_some();
    if !kth(lowest.numer()) || !kth(lowest.denom()) || (lowest.is_negative() && k % 2 == 0) {
        return None;
    }
    let kq = BigRational::from_integer(BigInt::from(k));
    let root_mono =
        |m: &Mono| -> Mono { Mono(m.0.iter().map(|(a, e)| (a.clone(), e / &kq)).collect()) };
    let (lp, cp) = leading(p)?;
    if !cp.is_one() {
        return None;
    }
    let t1 = root_mono(lp);
    let min_p = p.keys().min_by(|a, b| mono_cmp(a, b, true))?;
    let bound = root_mono(min_p);
    // k t1^(k-1)
    let (c1, d1) = mono_pow(&t1, &(&kq - BigRational::one())).ok().flatten()?;
    let dcoef = c1 * &kq;
    let mut f = Poly::new();
    poly_add_term(&mut f, t1, BigRational::one());
    for _ in 0..p.len() * 4 + 8 {
        crate::budget::check();
        let fk = poly_pow(&f, k);
        let mut r = p.clone();
        for (m, c) in fk {
            poly_add_term(&mut r, m, -c);
        }
        let (lr, cr) = match leading(&r) {
            None => return Some(f),
            Some((m, c)) => (m.clone(), c.clone()),
        };
        let t = mono_div_group(&lr, &d1);
        if mono_cmp(&t, &bound, true) == Ordering::Less {
            return None;
        }
        poly_add_term(&mut f, t, cr / &dcoef);
    }
    None
}
