//! Quasi-linear products of big integers and of integer polynomials, in our own code.
//!
//! Big integers are multiplied by number-theoretic transforms: the 64-bit limbs of both
//! factors are convolved modulo three primes `p_i = c_i 2^32 + 1` in `(2^61, 2^62)`, and the
//! exact convolution (each term below `len 2^128 < p_1 p_2 p_3`) is recovered by the Chinese
//! remainder theorem (Garner, Montgomery arithmetic) and carried into limbs. The transforms
//! are tfhe-ntt's (BSD-3-Clause-Clear; negacyclic, of power-of-two length at least the
//! product's, so nothing wraps; SIMD where the CPU has it), 4.0-4.4x faster than a scalar
//! radix-2 transform of ours in the same run (`bench/RESULTS.md`); its plans (twiddle tables,
//! a few transforms' worth of work each) are kept per length and prime. Below [`NTT_MIN_LIMBS`] num-bigint's
//! Karatsuba/Toom-3 product is faster and is used instead.
//!
//! Integer polynomials are multiplied by Kronecker substitution: both are packed into one big
//! integer with slots wide enough for every coefficient of the product (signed coefficients
//! through a difference of their positive and negative parts, the product's coefficients
//! read back as balanced digits), so a polynomial product is one big-integer product.

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::Zero;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Smallest factor (in 64-bit limbs) for which the transform replaces num-bigint's product.
/// Measured by `cargo bench --bench series -- bigmul` (same run): see `bench/RESULTS.md`.
pub const NTT_MIN_LIMBS: usize = 1500;

/// Arithmetic modulo one prime `p < 2^62` in Montgomery form (`R = 2^64`).
#[derive(Clone, Copy, Debug)]
struct Prime {
    p: u64,
    /// `-p^(-1) mod 2^64`.
    pneg: u64,
    /// `R^2 mod p`.
    r2: u64,
}

impl Prime {
    fn new(p: u64) -> Prime {
        // Newton for the inverse modulo 2^64.
        let mut inv: u64 = 1;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(p.wrapping_mul(inv)));
        }
        let r = (u128::from(u64::MAX) + 1) % u128::from(p);
        let r2 = (r * r % u128::from(p)) as u64;
        Prime {
            p,
            pneg: inv.wrapping_neg(),
            r2,
        }
    }

    #[inline(always)]
    fn redc(&self, t: u128) -> u64 {
        let m = (t as u64).wrapping_mul(self.pneg);
        let u = ((t + u128::from(m) * u128::from(self.p)) >> 64) as u64;
        if u >= self.p {
            u - self.p
        } else {
            u
        }
    }

    /// `a b R^(-1) mod p`.
    #[inline(always)]
    fn mul(&self, a: u64, b: u64) -> u64 {
        self.redc(u128::from(a) * u128::from(b))
    }

    #[inline(always)]
    fn sub(&self, a: u64, b: u64) -> u64 {
        if a >= b {
            a - b
        } else {
            a + self.p - b
        }
    }

    /// Montgomery form of a plain residue.
    fn mont_form(&self, a: u64) -> u64 {
        self.mul(a % self.p, self.r2)
    }

    /// `a^e mod p` of a plain residue (plain result).
    fn pow(&self, a: u64, mut e: u64) -> u64 {
        let (mut b, mut r) = (u128::from(a % self.p), 1u128);
        let p = u128::from(self.p);
        while e > 0 {
            if e & 1 == 1 {
                r = r * b % p;
            }
            b = b * b % p;
            e >>= 1;
        }
        r as u64
    }

    /// The convolution of `a` and `b` modulo `p` of length `n` (a power of two at least
    /// `a.len() + b.len() - 1`, so the negacyclic transform does not wrap), residues out.
    fn convolve(&self, a: &[u64], b: &[u64], n: usize) -> Vec<u64> {
        let plan = plan(n, self.p);
        let load = |x: &[u64]| {
            let mut v = vec![0u64; n];
            for (d, s) in v.iter_mut().zip(x) {
                *d = s % self.p;
            }
            v
        };
        let mut fa = load(a);
        plan.fwd(&mut fa);
        if std::ptr::eq(a, b) {
            let fb = fa.clone();
            plan.mul_assign_normalize(&mut fa, &fb);
        } else {
            let mut fb = load(b);
            plan.fwd(&mut fb);
            plan.mul_assign_normalize(&mut fa, &fb);
        }
        plan.inv(&mut fa);
        fa
    }
}

type Plans = Mutex<HashMap<(usize, u64), Arc<tfhe_ntt::prime64::Plan>>>;

/// The transform plan of length `n` modulo `p`, made once per process.
fn plan(n: usize, p: u64) -> Arc<tfhe_ntt::prime64::Plan> {
    static PLANS: OnceLock<Plans> = OnceLock::new();
    let plans = PLANS.get_or_init(Default::default);
    let cached = plans.lock().ok().and_then(|m| m.get(&(n, p)).cloned());
    if let Some(plan) = cached {
        return plan;
    }
    // Made outside the lock, so the three primes' plans are made in parallel.
    let plan =
        Arc::new(tfhe_ntt::prime64::Plan::try_new(n, p).expect("p = 1 mod 2^32 has the roots"));
    if let Ok(mut m) = plans.lock() {
        m.insert((n, p), plan.clone());
    }
    plan
}

/// A deterministic Miller–Rabin test for 64-bit numbers (the first twelve primes as bases
/// suffice below 2^64); also the prime search of [`super::modular`].
pub(crate) fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    for p in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        if n % p == 0 {
            return n == p;
        }
    }
    let (mut d, mut s) = (n - 1, 0);
    while d % 2 == 0 {
        d /= 2;
        s += 1;
    }
    let mulm = |a: u64, b: u64| (u128::from(a) * u128::from(b) % u128::from(n)) as u64;
    let powm = |mut b: u64, mut e: u64| {
        let mut r = 1u64;
        while e > 0 {
            if e & 1 == 1 {
                r = mulm(r, b);
            }
            b = mulm(b, b);
            e >>= 1;
        }
        r
    };
    'witness: for a in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        let mut x = powm(a, d);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mulm(x, x);
            if x == n - 1 {
                continue 'witness;
            }
        }
        return false;
    }
    true
}

/// The three primes `c 2^32 + 1` just below `2^62`.
fn primes() -> &'static [Prime; 3] {
    static PRIMES: OnceLock<[Prime; 3]> = OnceLock::new();
    PRIMES.get_or_init(|| {
        let mut found = Vec::new();
        let mut c: u64 = (1u64 << 30) - 1;
        while found.len() < 3 {
            let p = (c << 32) + 1;
            if is_prime(p) {
                found.push(Prime::new(p));
            }
            c -= 1;
        }
        [found[0], found[1], found[2]]
    })
}

/// The product of two magnitudes given as little-endian 64-bit limbs.
pub(crate) fn mul_limbs(a: &[u64], b: &[u64]) -> Vec<u64> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    if a.len().min(b.len()) < NTT_MIN_LIMBS {
        let x = BigUint::from_slice(&to_u32(a));
        let y = if std::ptr::eq(a, b) {
            x.clone()
        } else {
            BigUint::from_slice(&to_u32(b))
        };
        return (x * y).to_u64_digits();
    }
    mul_limbs_ntt(a, b)
}

/// The product of two magnitudes by the three-prime transform (any sizes).
pub(crate) fn mul_limbs_ntt(a: &[u64], b: &[u64]) -> Vec<u64> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let len = a.len() + b.len() - 1;
    let n = len.next_power_of_two().max(16);
    assert!(n <= 1 << 31, "product too large for the transform");
    let ps = primes();
    let square = std::ptr::eq(a, b);
    let conv = |p: &Prime| {
        if square {
            p.convolve(a, a, n)
        } else {
            p.convolve(a, b, n)
        }
    };
    let (r0, (r1, r2)) = rayon::join(
        || conv(&ps[0]),
        || rayon::join(|| conv(&ps[1]), || conv(&ps[2])),
    );
    crt(ps, &r0, &r1, &r2, len)
}

/// Garner's reconstruction of each convolution term and the carries into limbs.
fn crt(ps: &[Prime; 3], r0: &[u64], r1: &[u64], r2: &[u64], len: usize) -> Vec<u64> {
    let [q0, q1, q2] = *ps;
    let (p0, p1) = (q0.p, q1.p);
    let inv01 = q1.mont_form(q1.pow(p0 % q1.p, q1.p - 2));
    let p01 = u128::from(p0) * u128::from(p1);
    let inv012 = q2.mont_form(q2.pow((p01 % u128::from(q2.p)) as u64, q2.p - 2));
    let p0_m2 = q2.mont_form(p0);
    let (p01_lo, p01_hi) = (p01 as u64, (p01 >> 64) as u64);
    let red2 = |x: u64| if x >= q2.p { x - q2.p } else { x };
    let mut out = Vec::with_capacity(len + 3);
    // The carry into the next limb stays below 2^123.
    let mut carry: u128 = 0;
    for i in 0..len {
        let x0 = r0[i];
        let x1 = q1.mul(
            q1.sub(r1[i], if x0 >= q1.p { x0 - q1.p } else { x0 }),
            inv01,
        );
        // x2 = (r2 - x0 - x1 p0) / (p0 p1) mod p2.
        let t = q2.sub(q2.sub(r2[i], red2(x0)), q2.mul(red2(x1), p0_m2));
        let x2 = q2.mul(t, inv012);
        // v = x0 + x1 p0 + x2 p0 p1 = s0 + c0 2^128 + hi 2^64.
        let a = u128::from(x0) + u128::from(x1) * u128::from(p0);
        let lo = u128::from(x2) * u128::from(p01_lo);
        let hi = u128::from(x2) * u128::from(p01_hi);
        let (s0, c0) = a.overflowing_add(lo);
        let (s1, c1) = s0.overflowing_add(carry);
        out.push(s1 as u64);
        carry = (s1 >> 64) + ((u128::from(c0) + u128::from(c1)) << 64) + hi;
    }
    while carry > 0 {
        out.push(carry as u64);
        carry >>= 64;
    }
    while out.last() == Some(&0) {
        out.pop();
    }
    out
}

pub(crate) fn to_u32(a: &[u64]) -> Vec<u32> {
    a.iter()
        .flat_map(|w| [*w as u32, (*w >> 32) as u32])
        .collect()
}

/// A big integer from its sign and limbs.
fn from_limbs(neg: bool, limbs: &[u64]) -> BigInt {
    let m = BigUint::from_slice(&to_u32(limbs));
    if neg {
        -BigInt::from(m)
    } else {
        BigInt::from(m)
    }
}

/// The product of two big integers (num-bigint below the cutoff, the transform above).
pub(crate) fn mul_int(a: &BigInt, b: &BigInt) -> BigInt {
    let (sa, la) = a.to_u64_digits();
    let (sb, lb) = b.to_u64_digits();
    if la.len().min(lb.len()) < NTT_MIN_LIMBS {
        return a * b;
    }
    let neg = (sa == Sign::Minus) != (sb == Sign::Minus);
    from_limbs(neg, &mul_limbs_ntt(&la, &lb))
}

/// ORs `x` (limbs) shifted left by `shift` bits into `out`.
fn or_shifted(out: &mut [u64], x: &[u64], shift: usize) {
    let (w, b) = (shift / 64, shift % 64);
    for (i, &l) in x.iter().enumerate() {
        out[w + i] |= l << b;
        if b != 0 && l >> (64 - b) != 0 {
            out[w + i + 1] |= l >> (64 - b);
        }
    }
}

/// `x - y` for `x >= y` (limbs, `x` at least as long), in place.
fn sub_in_place(x: &mut [u64], y: &[u64]) {
    let mut borrow = false;
    for (i, xi) in x.iter_mut().enumerate() {
        if !borrow && i >= y.len() {
            break;
        }
        let (d, b1) = xi.overflowing_sub(y.get(i).copied().unwrap_or(0));
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        *xi = d;
        borrow = b1 || b2;
    }
}

fn cmp_limbs(x: &[u64], y: &[u64]) -> std::cmp::Ordering {
    let n = x.len().max(y.len());
    for i in (0..n).rev() {
        let (a, b) = (
            x.get(i).copied().unwrap_or(0),
            y.get(i).copied().unwrap_or(0),
        );
        if a != b {
            return a.cmp(&b);
        }
    }
    std::cmp::Ordering::Equal
}

/// `sum a_i 2^(slot i)` as (negative, magnitude limbs), `|a_i| < 2^(slot - 1)`.
fn pack(a: &[BigInt], slot: usize) -> (bool, Vec<u64>) {
    let words = (a.len() * slot).div_ceil(64) + 1;
    let (mut pos, mut neg) = (vec![0u64; words], vec![0u64; words]);
    for (i, c) in a.iter().enumerate() {
        let (s, l) = c.to_u64_digits();
        match s {
            Sign::Plus => or_shifted(&mut pos, &l, i * slot),
            Sign::Minus => or_shifted(&mut neg, &l, i * slot),
            Sign::NoSign => {}
        }
    }
    let r = if cmp_limbs(&pos, &neg) == std::cmp::Ordering::Less {
        sub_in_place(&mut neg, &pos);
        (true, neg)
    } else {
        sub_in_place(&mut pos, &neg);
        (false, pos)
    };
    let (s, mut v) = r;
    while v.last() == Some(&0) {
        v.pop();
    }
    (s, v)
}

/// Bits `start .. start + width` of `x` as limbs.
fn bits(x: &[u64], start: usize, width: usize) -> Vec<u64> {
    let n = width.div_ceil(64);
    let (w, b) = (start / 64, start % 64);
    let get = |i: usize| x.get(i).copied().unwrap_or(0);
    let mut out: Vec<u64> = (0..n)
        .map(|i| {
            let lo = get(w + i) >> b;
            let hi = if b == 0 {
                0
            } else {
                get(w + i + 1) << (64 - b)
            };
            lo | hi
        })
        .collect();
    if width % 64 != 0 {
        out[n - 1] &= (1u64 << (width % 64)) - 1;
    }
    out
}

/// The first `m` balanced digits (base `2^slot`, each of absolute value below `2^(slot-1)`)
/// of the integer with sign `neg` and magnitude `x`.
fn unpack(neg: bool, x: &[u64], slot: usize, m: usize) -> Vec<BigInt> {
    let words = slot / 64 + 1;
    let bit = |d: &[u64], k: usize| d[k / 64] >> (k % 64) & 1 == 1;
    let mut out = Vec::with_capacity(m);
    let mut borrow = false;
    for i in 0..m {
        let mut d = bits(x, i * slot, slot);
        d.resize(words, 0);
        if borrow {
            for l in d.iter_mut() {
                let (v, c) = l.overflowing_add(1);
                *l = v;
                if !c {
                    break;
                }
            }
        }
        // d <= 2^slot; the digit is d - 2^slot when d >= 2^(slot-1).
        borrow = bit(&d, slot - 1) || bit(&d, slot);
        if borrow {
            // 2^slot - d: the two's complement of d within `slot` bits (0 for d = 2^slot).
            for l in d.iter_mut() {
                *l = !*l;
            }
            for l in d.iter_mut() {
                let (v, c) = l.overflowing_add(1);
                *l = v;
                if !c {
                    break;
                }
            }
            d[slot / 64] &= (1u64 << (slot % 64)) - 1;
        }
        out.push(from_limbs(borrow != neg, &d));
    }
    out
}

/// `a b mod x^m` of integer polynomials (coefficients ascending).
pub(crate) fn poly_mul(a: &[BigInt], b: &[BigInt], m: usize) -> Vec<BigInt> {
    let a = &a[..a.len().min(m)];
    let b = &b[..b.len().min(m)];
    let mut out = vec![BigInt::zero(); m];
    if a.is_empty() || b.is_empty() {
        return out;
    }
    let square = std::ptr::eq(a, b);
    if a.len().min(b.len()) <= 8 {
        for (i, x) in a.iter().enumerate() {
            if x.is_zero() {
                continue;
            }
            for (j, y) in b.iter().enumerate().take(m - i) {
                out[i + j] += x * y;
            }
        }
        return out;
    }
    let bits = |v: &[BigInt]| v.iter().map(|c| c.bits()).max().unwrap_or(0) as usize;
    let terms = a.len().min(b.len());
    let slot = bits(a) + bits(b) + (usize::BITS - terms.leading_zeros()) as usize + 2;
    let (na, la) = pack(a, slot);
    let (neg, prod) = if square {
        (false, mul_limbs(&la, &la))
    } else {
        let (nb, lb) = pack(b, slot);
        (na != nb, mul_limbs(&la, &lb))
    };
    let r = unpack(neg, &prod, slot, m.min(a.len() + b.len() - 1));
    for (o, v) in out.iter_mut().zip(r) {
        *o = v;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn big(limbs: &[u64]) -> BigUint {
        BigUint::from_slice(&to_u32(limbs))
    }

    #[test]
    fn the_primes_are_primes_one_mod_two_to_the_32() {
        for p in primes() {
            assert!(is_prime(p.p) && p.p < 1 << 62 && p.p > 1 << 61);
            assert_eq!((p.p - 1) % (1 << 32), 0);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn transform_products_equal_num_bigint(
            a in proptest::collection::vec(any::<u64>(), 1..300),
            b in proptest::collection::vec(any::<u64>(), 1..300),
            top in prop_oneof![Just(u64::MAX), any::<u64>()],
        ) {
            let mut a = a;
            let last = a.len() - 1;
            a[last] |= top;
            let want = (big(&a) * big(&b)).to_u64_digits();
            prop_assert_eq!(mul_limbs_ntt(&a, &b), want.clone());
            prop_assert_eq!(mul_limbs(&a, &b), want);
            let sq = (big(&a) * big(&a)).to_u64_digits();
            prop_assert_eq!(mul_limbs_ntt(&a, &a), sq);
        }

        #[test]
        fn kronecker_products_equal_schoolbook(
            a in proptest::collection::vec(any::<i64>(), 1..60),
            b in proptest::collection::vec(any::<i64>(), 1..60),
            scale in 0u32..300,
            m in 1usize..130,
        ) {
            let s = BigInt::from(3).pow(scale);
            let a: Vec<BigInt> = a.into_iter().map(|x| BigInt::from(x) * &s).collect();
            let b: Vec<BigInt> = b.into_iter().map(|x| BigInt::from(x) * &s + 1).collect();
            let mut want = vec![BigInt::zero(); m];
            for (i, x) in a.iter().enumerate() {
                for (j, y) in b.iter().enumerate() {
                    if i + j < m {
                        want[i + j] += x * y;
                    }
                }
            }
            prop_assert_eq!(poly_mul(&a, &b, m), want);
            let mut want = vec![BigInt::zero(); m];
            for (i, x) in a.iter().enumerate() {
                for (j, y) in a.iter().enumerate() {
                    if i + j < m {
                        want[i + j] += x * y;
                    }
                }
            }
            prop_assert_eq!(poly_mul(&a, &a, m), want);
        }
    }

    #[test]
    fn products_around_the_cutoff_equal_num_bigint() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for n in [
            NTT_MIN_LIMBS - 1,
            NTT_MIN_LIMBS,
            NTT_MIN_LIMBS + 1,
            3 * NTT_MIN_LIMBS + 7,
        ] {
            let a: Vec<u64> = (0..n).map(|_| next()).collect();
            let b: Vec<u64> = (0..n / 2 + NTT_MIN_LIMBS).map(|_| next()).collect();
            let want = (big(&a) * big(&b)).to_u64_digits();
            assert_eq!(mul_limbs(&a, &b), want);
            assert_eq!(mul_limbs_ntt(&a, &b), want);
            let all_ones = vec![u64::MAX; n];
            let want = (big(&all_ones) * big(&all_ones)).to_u64_digits();
            assert_eq!(mul_limbs(&all_ones, &all_ones), want);
        }
    }
}
