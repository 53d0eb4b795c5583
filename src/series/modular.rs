//! Multi-modular evaluation of the fast path's integer recurrences.
//!
//! The recurrences of [`super::fast`] are written once, generic over a small ring interface
//! [`Dom`], and run in three domains:
//!
//! - [`Z`]: the integers themselves (num-bigint), the path below [`MOD_MIN_LEN`];
//! - [`ModP`]: residues modulo a prime `p` in `(2^61, 2^62)` (Montgomery arithmetic), one run
//!   per prime, the primes in parallel;
//! - [`Mag`]: a majorant, each integer replaced by an upper bound of `log2 |x|`, so that the
//!   same code computes an a-priori bound `B_k >= |N_k|` of every output.
//!
//! [`run`] first runs the majorant, takes primes until their product `P` exceeds `4 max B_k`,
//! runs the residues and recovers each `N_k` in `(-P/2, P/2)` by Chinese remaindering (a sum of precomputed cofactors).
//! Because `|N_k| <= B_k < P/4`, the symmetric residue is `N_k` itself; an underestimated bound
//! would print wrong coefficients, so the rigour of [`Mag`] is argued at its definition and
//! tested against the true values.

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{One, Zero};
use rayon::prelude::*;

/// The ring operations the recurrences use. Every operation is the image of the same integer
/// operation (a ring homomorphism for [`Z`] and [`ModP`], an upper bound of the absolute
/// value for [`Mag`]); `is_zero` may only answer `true` when the integer is certainly zero
/// (or, for residues, when skipping the term changes no residue).
pub(crate) trait Dom: Sync {
    /// One element.
    type E: Clone + Send + Sync;
    /// `0`.
    fn zero(&self) -> Self::E;
    /// `1`.
    fn one(&self) -> Self::E;
    /// The image of an integer.
    fn int(&self, x: &BigInt) -> Self::E;
    /// Whether a term may be skipped as zero.
    fn is_zero(&self, a: &Self::E) -> bool;
    /// `a + b`.
    fn add(&self, a: &Self::E, b: &Self::E) -> Self::E;
    /// `a - b`.
    fn sub(&self, a: &Self::E, b: &Self::E) -> Self::E;
    /// `-a`.
    fn neg(&self, a: &Self::E) -> Self::E;
    /// `a b`.
    fn mul(&self, a: &Self::E, b: &Self::E) -> Self::E;
    /// `a b c`.
    fn mul3(&self, a: &Self::E, b: &Self::E, c: &Self::E) -> Self::E {
        self.mul(&self.mul(a, b), c)
    }
    /// `sum_{t < len} f(t)`.
    fn sum(&self, len: usize, f: impl Fn(usize) -> Self::E + Sync) -> Self::E {
        (0..len).fold(self.zero(), |s, t| self.add(&s, &f(t)))
    }
    /// Called once per coefficient of every recurrence (a stop point of the budget).
    fn tick(&self) {}
    /// Whether the domain divides out factorials ([`Dom::bsum`] reads the [`Mirror`]s and
    /// no Pascal row is kept); `false`: the [`Mirror`]s stay empty.
    const FACTORIALS: bool = false;
    /// `1/k!` (only when [`Dom::FACTORIALS`]).
    fn inv_fact(&self, _k: usize) -> Self::E {
        unreachable!("a domain without factorials")
    }
    /// The binomial convolution term sum `sum_{t < len} binom(n, i) A_{i + sa} B_{n - i + sb}`
    /// with `i = i_of(t)`, where `a = (A, sa, mirror of A with shift sa)` and the same for `b`;
    /// `pascal` holds row `n` (when not [`Dom::FACTORIALS`]).
    fn bsum(
        &self,
        pascal: &Pascal<'_, Self>,
        n: usize,
        len: usize,
        i_of: impl Fn(usize) -> usize + Sync,
        a: (&[Self::E], usize, &Mirror<Self::E>),
        b: (&[Self::E], usize, &Mirror<Self::E>),
    ) -> Self::E
    where
        Self: Sized,
    {
        let _ = (a.2, b.2);
        self.sum(len, |t| {
            let i = i_of(t);
            let (x, y) = (&a.0[i + a.1], &b.0[n - i + b.1]);
            if self.is_zero(x) || self.is_zero(y) {
                return self.zero();
            }
            self.mul3(&pascal.row[i], x, y)
        })
    }
}

/// Pascal's triangle one row at a time, in a domain `D` (not kept when `D` divides out
/// factorials).
pub(crate) struct Pascal<'d, D: Dom> {
    d: &'d D,
    /// The current row.
    pub(crate) row: Vec<D::E>,
}

impl<'d, D: Dom> Pascal<'d, D> {
    /// Row 0.
    pub(crate) fn new(d: &'d D) -> Self {
        Pascal {
            d,
            row: vec![d.one()],
        }
    }
    /// Advances to the next row (once per coefficient of every recurrence: a stop point of
    /// the budget).
    pub(crate) fn next(&mut self) {
        let d = self.d;
        d.tick();
        if D::FACTORIALS {
            return;
        }
        let k = self.row.len();
        self.row.push(d.one());
        for i in (1..k).rev() {
            self.row[i] = d.add(&self.row[i - 1], &self.row[i]);
        }
    }
}

/// `M_m = X_{m + shift} / m!` for a series `X` being computed (kept only when the domain
/// divides out factorials).
pub(crate) struct Mirror<E> {
    v: Vec<E>,
    shift: usize,
}

impl<E: Clone> Mirror<E> {
    /// An empty mirror.
    pub(crate) fn new(shift: usize) -> Self {
        Mirror {
            v: Vec::new(),
            shift,
        }
    }
    /// The mirror of a whole series.
    pub(crate) fn of<D: Dom<E = E>>(d: &D, x: &[E], shift: usize) -> Self {
        let mut m = Mirror::new(shift);
        for (k, v) in x.iter().enumerate() {
            m.push(d, k, v);
        }
        m
    }
    /// Records `X_k = x` (in order of `k`).
    pub(crate) fn push<D: Dom<E = E>>(&mut self, d: &D, k: usize, x: &E) {
        if D::FACTORIALS && k >= self.shift {
            debug_assert_eq!(self.v.len(), k - self.shift);
            self.v.push(d.mul(x, &d.inv_fact(k - self.shift)));
        }
    }
}

/// The integers (num-bigint).
pub(crate) struct Z;

impl Dom for Z {
    type E = BigInt;
    fn zero(&self) -> BigInt {
        BigInt::zero()
    }
    fn one(&self) -> BigInt {
        BigInt::one()
    }
    fn int(&self, x: &BigInt) -> BigInt {
        x.clone()
    }
    fn is_zero(&self, a: &BigInt) -> bool {
        a.is_zero()
    }
    fn add(&self, a: &BigInt, b: &BigInt) -> BigInt {
        a + b
    }
    fn sub(&self, a: &BigInt, b: &BigInt) -> BigInt {
        a - b
    }
    fn neg(&self, a: &BigInt) -> BigInt {
        -a
    }
    fn mul(&self, a: &BigInt, b: &BigInt) -> BigInt {
        a * b
    }
    fn mul3(&self, a: &BigInt, b: &BigInt, c: &BigInt) -> BigInt {
        super::fast::mul3(a, b, c)
    }
    fn sum(&self, len: usize, f: impl Fn(usize) -> BigInt + Sync) -> BigInt {
        super::fast::par_sum(len, f)
    }
    fn tick(&self) {
        crate::budget::check();
    }
}

/// Residues modulo an odd prime `p < 2^62`, in Montgomery form `x 2^64 mod p`.
#[derive(Clone, Debug)]
pub(crate) struct ModP {
    /// `k!` and `1/k!` for `k < len` (Montgomery form).
    fact: Vec<u64>,
    ifact: Vec<u64>,
    p: u64,
    /// `-p^-1 mod 2^64`.
    pinv: u64,
    /// `2^128 mod p` (to enter Montgomery form).
    r2: u64,
    /// `2^64 mod p` (the form of `1`).
    r1: u64,
}

impl ModP {
    /// The domain of residues modulo `p` (odd, `p < 2^62`).
    pub(crate) fn new(p: u64) -> ModP {
        debug_assert!(p % 2 == 1 && p < 1 << 62);
        // Newton's iteration for p^-1 mod 2^64 (p p = 1 mod 8 for odd p, so p is the inverse
        // modulo 2^3; each step doubles the correct bits).
        let mut inv = p;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(p.wrapping_mul(inv)));
        }
        let r1 = ((1u128 << 64) % u128::from(p)) as u64;
        let r2 = ((u128::from(r1) * u128::from(r1)) % u128::from(p)) as u64;
        ModP {
            fact: Vec::new(),
            ifact: Vec::new(),
            p,
            pinv: inv.wrapping_neg(),
            r2,
            r1,
        }
    }
    /// The same with `k!` and `1/k!` for `k < len` (`len < p`, so every `k!` is invertible).
    pub(crate) fn with_factorials(p: u64, len: usize) -> ModP {
        let mut d = ModP::new(p);
        let mut f = vec![d.one(); len.max(1)];
        for k in 1..f.len() {
            f[k] = d.mul(&f[k - 1], &d.enter(k as u64));
        }
        let mut inv = vec![d.one(); f.len()];
        let last = f.len() - 1;
        inv[last] = d.pow(f[last], p - 2);
        for k in (1..=last).rev() {
            inv[k - 1] = d.mul(&inv[k], &d.enter(k as u64));
        }
        d.fact = f;
        d.ifact = inv;
        d
    }
    /// `a^e` (Montgomery form).
    fn pow(&self, mut a: u64, mut e: u64) -> u64 {
        let mut r = self.one();
        while e > 0 {
            if e & 1 == 1 {
                r = self.mul(&r, &a);
            }
            a = self.mul(&a, &a);
            e >>= 1;
        }
        r
    }
    /// `a b 2^-64 mod p` for `a, b < p`.
    #[inline]
    fn redc(&self, t: u128) -> u64 {
        let m = (t as u64).wrapping_mul(self.pinv);
        let u = ((t + u128::from(m) * u128::from(self.p)) >> 64) as u64;
        if u >= self.p {
            u - self.p
        } else {
            u
        }
    }
    #[inline]
    fn mont(&self, a: u64, b: u64) -> u64 {
        self.redc(u128::from(a) * u128::from(b))
    }
    /// `x mod p` for `0 <= x < p` in normal form, from Montgomery form.
    fn out(&self, a: u64) -> u64 {
        self.redc(u128::from(a))
    }
    /// The Montgomery form of `x mod p`, `x < 2^64`.
    fn enter(&self, x: u64) -> u64 {
        self.mont(x % self.p, self.r2)
    }
}

impl Dom for ModP {
    type E = u64;
    fn zero(&self) -> u64 {
        0
    }
    fn one(&self) -> u64 {
        self.r1
    }
    fn int(&self, x: &BigInt) -> u64 {
        let r = (x.magnitude() % self.p)
            .iter_u64_digits()
            .next()
            .unwrap_or(0);
        let r = self.enter(r);
        if x.sign() == Sign::Minus {
            self.neg(&r)
        } else {
            r
        }
    }
    fn is_zero(&self, a: &u64) -> bool {
        *a == 0
    }
    #[inline]
    fn add(&self, a: &u64, b: &u64) -> u64 {
        let s = a + b; // < 2^63
        if s >= self.p {
            s - self.p
        } else {
            s
        }
    }
    #[inline]
    fn sub(&self, a: &u64, b: &u64) -> u64 {
        if a >= b {
            a - b
        } else {
            a + self.p - b
        }
    }
    fn neg(&self, a: &u64) -> u64 {
        if *a == 0 {
            0
        } else {
            self.p - a
        }
    }
    #[inline]
    fn mul(&self, a: &u64, b: &u64) -> u64 {
        self.mont(*a, *b)
    }
    const FACTORIALS: bool = true;
    fn inv_fact(&self, k: usize) -> u64 {
        self.ifact[k]
    }
    /// `n! sum (A_{i+sa}/i!) (B_{n-i+sb}/(n-i)!)`: the plain products (`< 2^124` each) are
    /// summed in 128 bits with the overflows counted, and reduced once.
    fn bsum(
        &self,
        _pascal: &Pascal<'_, Self>,
        n: usize,
        len: usize,
        i_of: impl Fn(usize) -> usize + Sync,
        a: (&[u64], usize, &Mirror<u64>),
        b: (&[u64], usize, &Mirror<u64>),
    ) -> u64 {
        let (av, bv) = (&a.2.v, &b.2.v);
        let (mut lo, mut hi) = (0u128, 0u64);
        for t in 0..len {
            let i = i_of(t);
            let (x, y) = (av[i], bv[n - i]);
            if x == 0 || y == 0 {
                continue;
            }
            let (s, o) = lo.overflowing_add(u128::from(x) * u128::from(y));
            lo = s;
            hi += u64::from(o);
        }
        // hi 2^128 + lo = (sum of x y) with x, y Montgomery forms (value v 2^64): the sum is
        // S 2^128 mod p, and one reduction gives the form S 2^64 of S.
        // lo 2^-64 mod p by one reduction of (lo_1 mod p) 2^64 + lo_0 < p 2^64; hi 2^128 2^-64
        // = hi 2^64 is the Montgomery form of hi.
        let (l1, l0) = ((lo >> 64) as u64 % self.p, lo as u64);
        let mut s = self.redc((u128::from(l1) << 64) | u128::from(l0));
        if hi > 0 {
            s = self.add(&s, &self.enter(hi));
        }
        self.mul(&s, &self.fact[n])
    }
}

/// Upper bounds of absolute values, as `log2` in an `f64` (`-inf` for an exact zero).
///
/// Rigour: every result is an upper bound of `log2 |x|` for the integer `x` that the same
/// operation computes from integers bounded by the operands. `|a + b|, |a - b| <= |a| + |b|`,
/// `|ab| = |a||b|` and `|-a| = |a|`, so it suffices that each operation returns at least
/// `log2(2^a + 2^b)` resp. `a + b`. The floating-point evaluation of these (`exp2`, `ln_1p`,
/// additions) has a relative error of a few units of `2^-52` on values that are at most
/// `|v| + 1` in size, far below the margin `2^-30 (1 + |v|)` added after every operation
/// ([`Mag::up`]); integers enter as their bit length (`|x| < 2^bits`), exactly. A zero
/// majorant only arises from exact zeros (constants `0`, products with a zero, sums of zeros),
/// so skipping it skips a true zero.
pub(crate) struct Mag;

impl Mag {
    fn up(v: f64) -> f64 {
        v + (1.0 + v.abs()) * (1.0 / (1u64 << 30) as f64)
    }
}

impl Dom for Mag {
    type E = f64;
    fn zero(&self) -> f64 {
        f64::NEG_INFINITY
    }
    fn one(&self) -> f64 {
        0.0
    }
    fn int(&self, x: &BigInt) -> f64 {
        if x.is_zero() {
            f64::NEG_INFINITY
        } else {
            x.bits() as f64
        }
    }
    fn is_zero(&self, a: &f64) -> bool {
        *a == f64::NEG_INFINITY
    }
    fn add(&self, a: &f64, b: &f64) -> f64 {
        let (hi, lo) = if a >= b { (*a, *b) } else { (*b, *a) };
        if lo == f64::NEG_INFINITY {
            return hi;
        }
        // log2(2^hi + 2^lo) = hi + log2(1 + 2^(lo - hi)).
        Mag::up(hi + (lo - hi).exp2().ln_1p() * std::f64::consts::LOG2_E)
    }
    fn sub(&self, a: &f64, b: &f64) -> f64 {
        self.add(a, b)
    }
    fn neg(&self, a: &f64) -> f64 {
        *a
    }
    fn mul(&self, a: &f64, b: &f64) -> f64 {
        if *a == f64::NEG_INFINITY || *b == f64::NEG_INFINITY {
            return f64::NEG_INFINITY;
        }
        Mag::up(a + b)
    }
}

/// A recurrence written once for every domain.
pub(crate) trait Rec: Sync {
    /// The outputs from the inputs (all in the domain `d`).
    fn run<D: Dom>(&self, d: &D, inputs: &[&[D::E]]) -> Vec<D::E>;
}

/// Length from which [`super::fast`] runs its recurrences multi-modularly.
pub(crate) const MOD_MIN_LEN: usize = 400;

/// The first `m` primes below `2^62` that are `> 2^61` (found by a deterministic Miller-Rabin
/// test, searching downwards from `2^62`), cached for the process.
fn primes(m: usize) -> Vec<u64> {
    use std::sync::Mutex;
    static CACHE: Mutex<Vec<u64>> = Mutex::new(Vec::new());
    let mut c = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let mut x = c.last().map_or((1u64 << 62) - 1, |&p| p - 2);
    while c.len() < m {
        if super::ntt::is_prime(x) {
            c.push(x);
        }
        x -= 2;
    }
    c[..m].to_vec()
}

/// The first `m` primes of the prime set (for tests of the refusal).
#[cfg(test)]
pub(crate) fn test_primes(m: usize) -> Vec<u64> {
    primes(m)
}

/// The bound of every output of `rec` on these inputs: `log2 B_k >= log2 |N_k|`.
pub(crate) fn bounds(rec: &impl Rec, inputs: &[&[BigInt]]) -> Vec<f64> {
    let mags: Vec<Vec<f64>> = inputs
        .iter()
        .map(|v| v.iter().map(|x| Mag.int(x)).collect())
        .collect();
    let refs: Vec<&[f64]> = mags.iter().map(|v| &v[..]).collect();
    rec.run(&Mag, &refs)
}

/// How many primes of [`primes`] make their product exceed `4 * 2^max_log2`: each is
/// `> 2^61`.
fn primes_needed(max_log2: f64) -> usize {
    if max_log2 == f64::NEG_INFINITY {
        return 1;
    }
    ((max_log2 + 2.0) / 61.0).floor() as usize + 1
}

/// The prime set is too small for the bound of the outputs.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TooFewPrimes;

/// `rec` on `inputs` by the majorant, residues and Chinese remaindering.
pub(crate) fn run(rec: &impl Rec, inputs: &[&[BigInt]]) -> Vec<BigInt> {
    let b = bounds(rec, inputs);
    let max = b.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let ps = primes(primes_needed(max));
    run_with(rec, inputs, &ps, max).expect("the prime set was sized by the bound")
}

/// `rec` modulo each of `ps` and reconstructed, refusing when the product of `ps` does not
/// exceed `4 * 2^max_log2` (then the symmetric residues would not be the integers).
pub(crate) fn run_with(
    rec: &impl Rec,
    inputs: &[&[BigInt]],
    ps: &[u64],
    max_log2: f64,
) -> Result<Vec<BigInt>, TooFewPrimes> {
    // log2 p > 61 for every prime used: the product exceeds 2^(61 m).
    if ps.iter().any(|&p| p <= 1 << 61) || (61 * ps.len()) as f64 <= max_log2 + 2.0 {
        return Err(TooFewPrimes);
    }
    let residues: Vec<Vec<u64>> = ps
        .par_iter()
        .map(|&p| {
            let d = ModP::with_factorials(p, inputs[0].len());
            let ins: Vec<Vec<u64>> = inputs
                .iter()
                .map(|v| v.iter().map(|x| d.int(x)).collect())
                .collect();
            let refs: Vec<&[u64]> = ins.iter().map(|v| &v[..]).collect();
            let out = rec.run(&d, &refs);
            out.into_iter().map(|x| d.out(x)).collect()
        })
        .collect();
    let len = residues[0].len();
    let g = Crt::new(ps);
    Ok((0..len)
        .into_par_iter()
        .map(|k| {
            crate::budget::check();
            g.lift(|i| residues[i][k])
        })
        .collect())
}

/// Chinese remaindering for a fixed prime set `p_0 .. p_(m-1)`, `P = prod p_i`, by the sum
/// `x = sum_i u_i (P/p_i) mod P` with `u_i = r_i (P/p_i)^-1 mod p_i`: one product per prime of
/// a word by the precomputed cofactor `P/p_i` (m^2 word multiply-adds in one limb loop), then
/// one division by `P` (the sum is below `m P`). Garner's mixed-radix form costs m^2/2 modular
/// multiplications plus as many limb operations, several times more at hundreds of primes.
struct Crt {
    ps: Vec<u64>,
    doms: Vec<ModP>,
    /// `(P/p_i)^-1 mod p_i`, Montgomery form (so `mont(r, c_i)` is `r c_i` in normal form).
    c: Vec<u64>,
    /// `P/p_i`, little-endian 64-bit limbs.
    cof: Vec<Vec<u64>>,
    /// Limbs of the sum: those of `P` and one more (`m < 2^64`).
    width: usize,
    /// `prod p_i / 2`.
    half: BigUint,
    prod: BigUint,
}

impl Crt {
    fn new(ps: &[u64]) -> Crt {
        let doms: Vec<ModP> = ps.iter().map(|&p| ModP::new(p)).collect();
        let prod = ps.iter().fold(BigUint::one(), |a, &p| a * BigUint::from(p));
        let cofs: Vec<BigUint> = ps.iter().map(|&p| &prod / p).collect();
        let c = ps
            .iter()
            .zip(&doms)
            .zip(&cofs)
            .map(|((&p, d), q)| {
                let r = (q % p).iter_u64_digits().next().unwrap_or(0);
                // P/p_i is a product of primes other than p_i: invertible, inverse r^(p-2).
                d.pow(d.enter(r), p - 2)
            })
            .collect();
        let width = prod.iter_u64_digits().len() + 1;
        Crt {
            ps: ps.to_vec(),
            doms,
            c,
            cof: cofs.iter().map(|q| q.to_u64_digits()).collect(),
            width,
            half: &prod >> 1u32,
            prod,
        }
    }
    /// The integer in `(-P/2, P/2]` with residues `r(i)` (normal form) modulo `p_i`.
    fn lift(&self, r: impl Fn(usize) -> u64) -> BigInt {
        let mut acc = vec![0u64; self.width];
        for (i, row) in self.cof.iter().enumerate() {
            let (d, p) = (&self.doms[i], self.ps[i]);
            let u = d.mont(r(i) % p, self.c[i]);
            if u == 0 {
                continue;
            }
            // acc += u row: each step is below (2^64 - 1) (1 + (2^64 - 1) + 1) < 2^128.
            let mut carry = 0u64;
            for (a, &b) in acc.iter_mut().zip(row) {
                let t = u128::from(*a) + u128::from(u) * u128::from(b) + u128::from(carry);
                *a = t as u64;
                carry = (t >> 64) as u64;
            }
            // The sum stays below m P < 2^(64 width): the carry ends inside `acc`.
            let mut k = row.len();
            while carry != 0 {
                let (s, o) = acc[k].overflowing_add(carry);
                acc[k] = s;
                carry = u64::from(o);
                k += 1;
            }
        }
        let digits: Vec<u32> = acc
            .iter()
            .flat_map(|&w| [w as u32, (w >> 32) as u32])
            .collect();
        let x = BigUint::new(digits) % &self.prod;
        if x > self.half {
            -BigInt::from_biguint(Sign::Plus, &self.prod - x)
        } else {
            BigInt::from_biguint(Sign::Plus, x)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn montgomery_arithmetic_matches_u128() {
        for p in primes(3) {
            let d = ModP::new(p);
            for (a, b) in [(0u64, 5u64), (p - 1, p - 1), (123_456_789, 987_654_321_987)] {
                let (ma, mb) = (d.enter(a), d.enter(b));
                let want = ((u128::from(a) * u128::from(b)) % u128::from(p)) as u64;
                assert_eq!(d.out(d.mul(&ma, &mb)), want);
                assert_eq!(
                    d.out(d.add(&ma, &mb)),
                    ((u128::from(a) + u128::from(b)) % u128::from(p)) as u64
                );
            }
            assert_eq!(d.out(d.int(&BigInt::from(-1))), p - 1);
        }
    }

    #[test]
    fn the_primes_are_prime_and_large() {
        let ps = primes(20);
        for &p in &ps {
            assert!(p > 1 << 61 && p < 1 << 62);
            // Trial division by small odd numbers as an independent check of compositeness.
            assert!((3..2000u64).step_by(2).all(|f| p % f != 0));
        }
        assert!(!super::super::ntt::is_prime((1u64 << 61) - 1 + 2)); // 2^61 + 1 = 3 * 768614336404564651
        assert!(super::super::ntt::is_prime((1u64 << 61) - 1)); // a Mersenne prime
    }

    #[test]
    fn chinese_remaindering_recovers_signed_integers() {
        let ps = primes(5);
        let g = Crt::new(&ps);
        for x in [
            BigInt::from(0),
            BigInt::from(-7),
            BigInt::from(1u64 << 63) * BigInt::from(12345u32) - 1,
            -(BigInt::from(3u32).pow(180)),
        ] {
            let r: Vec<u64> = ps
                .iter()
                .map(|&p| {
                    let m = BigInt::from(p);
                    let v = ((&x % &m) + &m) % &m;
                    v.iter_u64_digits().next().unwrap_or(0)
                })
                .collect();
            assert_eq!(g.lift(|i| r[i]), x);
        }
        // Many primes, at the ends of the range and at pseudo-random points of it (every
        // residue p_i - 1 is -1; floor(P/2) and -floor(P/2) are the extremes kept).
        let ps = primes(60);
        let g = Crt::new(&ps);
        let prod = ps.iter().fold(BigInt::one(), |a, &p| a * BigInt::from(p));
        let half: BigInt = &prod / 2;
        let residues = |x: &BigInt| -> Vec<u64> {
            ps.iter()
                .map(|&p| {
                    let m = BigInt::from(p);
                    (((x % &m) + &m) % &m).iter_u64_digits().next().unwrap_or(0)
                })
                .collect()
        };
        let mut seed = BigInt::from(0x9e37_79b9_7f4a_7c15u64);
        let mut xs = vec![half.clone(), -half.clone(), BigInt::from(-1), &half - 1];
        for _ in 0..20 {
            seed = (&seed * BigInt::from(6_364_136_223_846_793_005u64) + 1442695040888963407u64)
                % &prod;
            xs.push(&seed - &half);
        }
        for x in xs {
            let r = residues(&x);
            assert_eq!(g.lift(|i| r[i]), x);
        }
        assert_eq!(g.lift(|i| ps[i] - 1), BigInt::from(-1));
    }
}
