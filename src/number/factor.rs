//! Integer factorisation by bounded trial division, and integer roots.

use num_bigint::BigInt;
use num_traits::{One, ToPrimitive, Zero};

/// Trial division runs up to this bound; a cofactor below its square is therefore prime.
pub(crate) const TRIAL_BOUND: u64 = 1 << 16;

/// The factorisation of a positive integer: `(prime, multiplicity)` pairs (increasing) and an
/// unfactored cofactor (`1` when the factorisation is complete; otherwise it has no prime factor
/// below [`TRIAL_BOUND`] and is at least `TRIAL_BOUND^2`).
pub(crate) fn factor(n: &BigInt) -> (Vec<(BigInt, u64)>, BigInt) {
    let mut out = Vec::new();
    if n <= &BigInt::one() {
        return (out, BigInt::one());
    }
    if let Some(mut m) = n.to_u64() {
        let mut d = 2u64;
        while d <= TRIAL_BOUND && d.saturating_mul(d) <= m {
            if m % d == 0 {
                let mut k = 0;
                while m % d == 0 {
                    m /= d;
                    k += 1;
                }
                out.push((BigInt::from(d), k));
            }
            d += if d == 2 { 1 } else { 2 };
        }
        if m > 1 {
            if d.saturating_mul(d) > m {
                out.push((BigInt::from(m), 1));
                return (out, BigInt::one());
            }
            return (out, BigInt::from(m));
        }
        return (out, BigInt::one());
    }
    // Big: powers of 2 by a shift, then odd trial divisors until the cofactor is 1 or proved
    // prime, with a budget stop point per divisor (10^10000 once took a second without one).
    let mut m = n.clone();
    if let Some(tz) = m.trailing_zeros().filter(|&t| t > 0) {
        m >>= tz;
        out.push((BigInt::from(2), tz));
    }
    let mut d = 3u64;
    while d <= TRIAL_BOUND && !m.is_one() {
        crate::budget::check();
        if BigInt::from(d * d) > m {
            out.push((m, 1));
            return (out, BigInt::one());
        }
        if (&m % d).is_zero() {
            let mut k = 0;
            while (&m % d).is_zero() {
                m /= d;
                k += 1;
                crate::budget::check();
            }
            out.push((BigInt::from(d), k));
        }
        d += 2;
    }
    if m.is_one() {
        return (out, m);
    }
    if m < BigInt::from(TRIAL_BOUND) * BigInt::from(TRIAL_BOUND) {
        out.push((m, 1));
        return (out, BigInt::one());
    }
    (out, m)
}

/// Whether `n` is proved prime (by the bounded trial division).
pub(crate) fn is_proved_prime(n: &BigInt) -> bool {
    let (f, c) = factor(n);
    c.is_one() && f.len() == 1 && f[0].1 == 1
}

/// The exact `k`-th root of `n >= 0`, when `n` is a perfect `k`-th power.
pub(crate) fn exact_root(n: &BigInt, k: u32) -> Option<BigInt> {
    if k == 0 {
        return None;
    }
    let r = n.nth_root(k);
    if num_traits::pow(r.clone(), k as usize) == *n {
        Some(r)
    } else {
        None
    }
}
