//! Asymptotically fast arithmetic for the fast path: Newton iteration on integer polynomials
//! with one common denominator, over a quasi-linear big-integer product.
//!
//! The fast path (`fast.rs`) keeps a series with zero constant term as integers `N_k` with
//! `c_k = N_k / (k! g^k)`; in the variable `t = x / g` that is the exponential generating
//! series `sum N_k t^k / k!`. Here the same series of length `n` is written as an ordinary
//! integer polynomial over the common denominator `D = (n-1)!`: `a_k = N_k D / k!`. Every
//! series of a computation shares `D`, so a product is one integer-polynomial product (done by
//! malachite: Kronecker substitution or Schönhage–Strassen into its FFT multiplication of
//! numbers of millions of bits) followed by one exact division of each coefficient by `D`.
//!
//! Every intermediate series is the truncation of an integral exponential series (products,
//! reciprocals of units, derivatives and integrals of such series are again integral in `N`),
//! so every division below is exact; that is what the recurrences of `fast.rs` prove term by
//! term, and the tests compare both paths on random inputs.
//!
//! Operations: truncated products, the reciprocal (Newton, `g <- g + g (1 - f g)`), the
//! logarithm (`ln f = int f'/f`), `exp` (Newton with the reciprocal carried along, as in
//! Hanrot–Zimmermann) and `tan`/`tanh` (Newton on `atan`/`atanh`). Cost: a few products of
//! the full size, `O(M(n^2 log n))` bit operations, where the recurrences take `O(n^2)`
//! products of `O(n log n)`-bit numbers.

use malachite_base::num::arithmetic::traits::DivExact;
use malachite_base::polynomial::{MulTruncated, Polynomial};
use malachite_nz::integer::Integer;
use malachite_nz::integer_polynomial::IntegerPolynomial;
use malachite_nz::natural::Natural;
use num_bigint::{BigInt, BigUint, Sign};
use rayon::prelude::*;

/// Shortest series for which a Newton product, reciprocal or exponential replaces its
/// recurrence. Measured (whole process, same run, loaded 2-core machine): Mish (a product and a
/// reciprocal) is 1.3x faster at order 200 and 2.4x at 800 through this path.
pub(crate) const MIN_LEN: usize = 300;
/// The same for the logarithm (a reciprocal and a product against one recurrence): softplus
/// breaks even at order 800 and is 1.2x faster at 1600.
pub(crate) const LN_MIN_LEN: usize = 1000;
/// The same for `tan`/`tanh`, whose recurrence is cheap when the argument is sparse: `tanh(x)`
/// breaks even at order 1600.
pub(crate) const TAN_MIN_LEN: usize = 1600;

/// The Newton path pays for a series of at least `min_len` terms with at least one nonzero
/// term in eight: the recurrences cost about `len * nonzeros` big products, Newton a few
/// products of the whole series.
pub(crate) fn worth(len: usize, nonzeros: usize, min_len: usize) -> bool {
    len >= min_len && nonzeros * 8 >= len
}

fn to_z(x: &BigInt) -> Integer {
    let (s, d) = x.to_u64_digits();
    Integer::from_sign_and_abs(s != Sign::Minus, Natural::from_owned_limbs_asc(d))
}

fn from_z(x: &Integer) -> BigInt {
    let limbs = x.unsigned_abs_ref().to_limbs_asc();
    let words: Vec<u32> = limbs
        .iter()
        .flat_map(|w| [*w as u32, (*w >> 32) as u32])
        .collect();
    let sign = if *x < 0u32 { Sign::Minus } else { Sign::Plus };
    BigInt::from_biguint(sign, BigUint::new(words))
}

/// Series of length at most `n` over the common denominator `D = (n-1)!`.
struct Ctx {
    d: Integer,
    /// `D / k!` for `k < n`.
    f: Vec<Integer>,
}

impl Ctx {
    fn new(n: usize) -> Ctx {
        let mut f = vec![Integer::from(1u32); n.max(1)];
        for k in (0..n.saturating_sub(1)).rev() {
            f[k] = &f[k + 1] * Integer::from(k as u64 + 1);
        }
        Ctx { d: f[0].clone(), f }
    }

    /// `a_k = N_k D / k!` from the exponential numerators.
    fn to_ord(&self, n: &[BigInt]) -> Vec<Integer> {
        n.par_iter()
            .zip(&self.f)
            .map(|(x, f)| to_z(x) * f)
            .collect()
    }

    /// The exponential numerators `N_k = a_k k! / D` (exact).
    fn to_egf(&self, a: &[Integer]) -> Vec<BigInt> {
        a.par_iter()
            .zip(&self.f)
            .map(|(x, f)| from_z(&x.div_exact(f)))
            .collect()
    }

    fn one(&self) -> Vec<Integer> {
        vec![self.d.clone()]
    }

    /// `a b mod x^m` (lengths may be shorter than `m`; the result has length `m`).
    fn mul(&self, a: &[Integer], b: &[Integer], m: usize) -> Vec<Integer> {
        let mut out = if a.is_empty() || b.is_empty() {
            Vec::new()
        } else {
            let pa = IntegerPolynomial::from_coefficients_asc(a[..a.len().min(m)].to_vec());
            if std::ptr::eq(a, b) {
                (&pa).mul_truncated(&pa, m as u64).into_coefficients_asc()
            } else {
                let pb = IntegerPolynomial::from_coefficients_asc(b[..b.len().min(m)].to_vec());
                (&pa).mul_truncated(&pb, m as u64).into_coefficients_asc()
            }
        };
        out.par_iter_mut().for_each(|x| {
            let y = std::mem::take(x);
            *x = y.div_exact(&self.d);
        });
        out.resize(m, Integer::from(0u32));
        out
    }

    /// `a r mod x^m` for `r = O(x^lo)`: only `a mod x^(m-lo)` and `r`'s terms `lo..m` meet.
    fn mul_high(&self, a: &[Integer], r: &[Integer], lo: usize, m: usize) -> Vec<Integer> {
        let mut out = vec![Integer::from(0u32); lo];
        out.extend(self.mul(&a[..a.len().min(m - lo)], &r[lo..m], m - lo));
        out
    }

    /// `1/f mod x^n` for `f_0 = D` (the value 1).
    fn inv(&self, f: &[Integer], n: usize) -> Vec<Integer> {
        let mut g = self.one();
        let mut m = 1;
        while m < n {
            let m2 = (2 * m).min(n);
            // r = 1 - f g = O(x^m); g <- g + g r.
            let mut r = self.mul(&f[..f.len().min(m2)], &g, m2);
            for x in r.iter_mut() {
                *x = -std::mem::take(x);
            }
            r[0] += &self.d;
            let c = self.mul_high(&g, &r, m, m2);
            g.resize(m2, Integer::from(0u32));
            for (x, y) in g.iter_mut().zip(c) {
                *x += y;
            }
            m = m2;
        }
        g.truncate(n);
        g
    }

    /// `f'` (one term shorter).
    fn deriv(&self, f: &[Integer]) -> Vec<Integer> {
        f.iter()
            .enumerate()
            .skip(1)
            .map(|(k, x)| x * Integer::from(k as u64))
            .collect()
    }

    /// `int_0^x s mod x^m` (`s` of length at least `m - 1`).
    fn integ(&self, s: &[Integer], m: usize) -> Vec<Integer> {
        let mut out = Vec::with_capacity(m);
        out.push(Integer::from(0u32));
        out.extend(
            s[..m - 1]
                .par_iter()
                .enumerate()
                .map(|(j, x)| x.div_exact(Integer::from(j as u64 + 1)))
                .collect::<Vec<_>>(),
        );
        out
    }

    /// `ln f mod x^n` for `f_0 = D`.
    fn ln(&self, f: &[Integer], n: usize) -> Vec<Integer> {
        if n <= 1 {
            return vec![Integer::from(0u32); n];
        }
        let d = self.deriv(&f[..n]);
        let i = self.inv(f, n - 1);
        let s = self.mul(&d, &i, n - 1);
        self.integ(&s, n)
    }

    /// `exp h mod x^n` for `h_0 = 0`: `y <- y + y (h - ln y)`, where `ln y` comes from
    /// `y'/y = h' + z (y' - y h')` with `z = 1/y` known to half the precision (the bracket
    /// vanishes to the order of `y`'s accuracy), and `z` follows `y` by one Newton step.
    fn exp(&self, h: &[Integer], n: usize) -> Vec<Integer> {
        let hd = self.deriv(&h[..n]);
        let (mut y, mut z) = (self.one(), self.one());
        let mut m = 1;
        while m < n {
            let m2 = (2 * m).min(n);
            let mut yd = self.deriv(&y);
            yd.resize(m2 - 1, Integer::from(0u32));
            let yh = self.mul(&y, &hd, m2 - 1);
            let t: Vec<Integer> = yd.into_iter().zip(yh).map(|(a, b)| a - b).collect();
            let zt = self.mul_high(&z, &t, m - 1, m2 - 1);
            let s: Vec<Integer> = hd[..m2 - 1].iter().zip(zt).map(|(a, b)| a + b).collect();
            let l = self.integ(&s, m2);
            let e: Vec<Integer> = h[..m2].iter().zip(l).map(|(a, b)| a - b).collect();
            let c = self.mul_high(&y, &e, m, m2);
            y.resize(m2, Integer::from(0u32));
            for (x, v) in y.iter_mut().zip(c) {
                *x += v;
            }
            if m2 < n {
                z = self.newton_inv_step(&y, &z, m2);
            }
            m = m2;
        }
        y
    }

    /// One reciprocal Newton step: `z + z (1 - f z) mod x^m`.
    fn newton_inv_step(&self, f: &[Integer], z: &[Integer], m: usize) -> Vec<Integer> {
        let mut r = self.mul(f, z, m);
        for x in r.iter_mut() {
            *x = -std::mem::take(x);
        }
        r[0] += &self.d;
        let c = self.mul_high(z, &r, z.len(), m);
        let mut out = z.to_vec();
        out.resize(m, Integer::from(0u32));
        for (x, v) in out.iter_mut().zip(c) {
            *x += v;
        }
        out
    }

    /// `tan h` (`tanh h` when `hyperbolic`) mod `x^n`, `h_0 = 0`: Newton on `atan`,
    /// `y <- y + p (h - int y'/p)` with `p = 1 +- y^2`, where `y'/p = h' + w (y' - p h')` with
    /// `w = 1/p` known to half the precision (brought to the current one by one Newton step).
    fn tan(&self, h: &[Integer], n: usize, hyperbolic: bool) -> Vec<Integer> {
        let hd = self.deriv(&h[..n]);
        let mut y = vec![Integer::from(0u32)];
        let mut w = self.one();
        let mut m = 1;
        while m < n {
            let m2 = (2 * m).min(n);
            let mut p = self.mul(&y, &y, m2);
            if hyperbolic {
                for x in p.iter_mut() {
                    *x = -std::mem::take(x);
                }
            }
            p[0] += &self.d;
            if w.len() < m {
                w = self.newton_inv_step(&p[..m], &w, m);
            }
            let mut yd = self.deriv(&y);
            yd.resize(m2 - 1, Integer::from(0u32));
            let ph = self.mul(&p, &hd, m2 - 1);
            let t: Vec<Integer> = yd.into_iter().zip(ph).map(|(a, b)| a - b).collect();
            let wt = self.mul_high(&w, &t, m - 1, m2 - 1);
            let s: Vec<Integer> = hd[..m2 - 1].iter().zip(wt).map(|(a, b)| a + b).collect();
            let l = self.integ(&s, m2);
            let e: Vec<Integer> = h[..m2].iter().zip(l).map(|(a, b)| a - b).collect();
            let c = self.mul_high(&p, &e, m, m2);
            y.resize(m2, Integer::from(0u32));
            for (x, v) in y.iter_mut().zip(c) {
                *x += v;
            }
            m = m2;
        }
        y
    }
}

/// The product of two exponential series (numerators; the shorter length).
pub(crate) fn mul(a: &[BigInt], b: &[BigInt]) -> Vec<BigInt> {
    let n = a.len().min(b.len());
    let c = Ctx::new(n);
    let (x, y) = (c.to_ord(&a[..n]), c.to_ord(&b[..n]));
    c.to_egf(&c.mul(&x, &y, n))
}

/// `1/(1 + u) - 1` for `u_0 = 0`.
pub(crate) fn inv1p_m1(u: &[BigInt]) -> Vec<BigInt> {
    let n = u.len();
    let c = Ctx::new(n);
    let mut f = c.to_ord(u);
    f[0] = c.d.clone();
    let mut g = c.inv(&f, n);
    g[0] = Integer::from(0u32);
    c.to_egf(&g)
}

/// `ln(1 + u)` for `u_0 = 0`.
pub(crate) fn ln1p(u: &[BigInt]) -> Vec<BigInt> {
    let n = u.len();
    let c = Ctx::new(n);
    let mut f = c.to_ord(u);
    f[0] = c.d.clone();
    c.to_egf(&c.ln(&f, n))
}

/// `exp(r) - 1` for `r_0 = 0`.
pub(crate) fn exp_m1(r: &[BigInt]) -> Vec<BigInt> {
    let n = r.len();
    let c = Ctx::new(n);
    let mut y = c.exp(&c.to_ord(r), n);
    y[0] = Integer::from(0u32);
    c.to_egf(&y)
}

/// `tan(r)` (`tanh(r)` when `hyperbolic`) for `r_0 = 0`.
pub(crate) fn tan(r: &[BigInt], hyperbolic: bool) -> Vec<BigInt> {
    let n = r.len();
    let c = Ctx::new(n);
    c.to_egf(&c.tan(&c.to_ord(r), n, hyperbolic))
}
