//! Asymptotically fast arithmetic for the fast path: Newton iteration on integer polynomials
//! with one common denominator, over a quasi-linear big-integer product.
//!
//! The fast path (`fast.rs`) keeps a series with zero constant term as integers `N_k` with
//! `c_k = N_k / (k! g^k)`; in the variable `t = x / g` that is the exponential generating
//! series `sum N_k t^k / k!`. Here the same series of length `n` is written as an ordinary
//! integer polynomial over the common denominator `D = (n-1)!`: `a_k = N_k D / k!`. Every
//! series of a computation shares `D`, so a product is one integer-polynomial product (Kronecker
//! substitution into one big-integer product by number-theoretic transforms, `ntt.rs`)
//! followed by one exact division of each coefficient by `D`.
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

use super::ntt;
use num_bigint::BigInt;
use num_traits::Zero;
use rayon::prelude::*;

/// Shortest series for which a Newton product, reciprocal or exponential replaces its
/// recurrence. Measured whole process in one run on the loaded 2-core machine (products by
/// `ntt.rs`): Mish (a product and a reciprocal) is 1.24x slower through this path at order
/// 1000 and faster at 2000 (53 s, where the recurrences did not finish in 65 s).
pub(crate) const MIN_LEN: usize = 1500;
/// The same for the logarithm. With our transform the Newton logarithm lost to the recurrence
/// at every measured order (softplus 2.3x slower at 2000, same run), so it is off up to
/// [`super::MAX_ORDER`]; the property tests still check it against the recurrence.
pub(crate) const LN_MIN_LEN: usize = super::MAX_ORDER + 2;
/// The same for `tan`/`tanh` (including `tanh` of a sparse argument through `exp`): `tanh(x)`
/// was 2.5x slower at order 2000 (same run), so it is off up to [`super::MAX_ORDER`].
pub(crate) const TAN_MIN_LEN: usize = super::MAX_ORDER + 2;

/// The Newton path pays for a series of at least `min_len` terms with at least one nonzero
/// term in eight: the recurrences cost about `len * nonzeros` big products, Newton a few
/// products of the whole series.
pub(crate) fn worth(len: usize, nonzeros: usize, min_len: usize) -> bool {
    len >= min_len && nonzeros * 8 >= len
}

/// Series of length at most `n` over the common denominator `D = (n-1)!`.
struct Ctx {
    d: BigInt,
    /// `D / k!` for `k < n`.
    f: Vec<BigInt>,
}

impl Ctx {
    fn new(n: usize) -> Ctx {
        let mut f = vec![BigInt::from(1u32); n.max(1)];
        for k in (0..n.saturating_sub(1)).rev() {
            f[k] = &f[k + 1] * (k as u64 + 1);
        }
        Ctx { d: f[0].clone(), f }
    }

    /// `a_k = N_k D / k!` from the exponential numerators.
    fn to_ord(&self, n: &[BigInt]) -> Vec<BigInt> {
        n.par_iter()
            .zip(&self.f)
            .map(|(x, f)| ntt::mul_int(x, f))
            .collect()
    }

    /// The exponential numerators `N_k = a_k k! / D` (exact).
    fn to_egf(&self, a: &[BigInt]) -> Vec<BigInt> {
        a.par_iter().zip(&self.f).map(|(x, f)| x / f).collect()
    }

    fn one(&self) -> Vec<BigInt> {
        vec![self.d.clone()]
    }

    /// `a b mod x^m` (lengths may be shorter than `m`; the result has length `m`).
    fn mul(&self, a: &[BigInt], b: &[BigInt], m: usize) -> Vec<BigInt> {
        // Every Newton step is a few products: a stop point of the budget.
        crate::budget::check();
        let mut out = ntt::poly_mul(a, b, m);
        out.par_iter_mut().for_each(|x| *x = &*x / &self.d);
        out.resize(m, BigInt::zero());
        out
    }

    /// `a r mod x^m` for `r = O(x^lo)`: only `a mod x^(m-lo)` and `r`'s terms `lo..m` meet.
    fn mul_high(&self, a: &[BigInt], r: &[BigInt], lo: usize, m: usize) -> Vec<BigInt> {
        let mut out = vec![BigInt::zero(); lo];
        out.extend(self.mul(&a[..a.len().min(m - lo)], &r[lo..m], m - lo));
        out
    }

    /// `1/f mod x^n` for `f_0 = D` (the value 1).
    fn inv(&self, f: &[BigInt], n: usize) -> Vec<BigInt> {
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
            g.resize(m2, BigInt::zero());
            for (x, y) in g.iter_mut().zip(c) {
                *x += y;
            }
            m = m2;
        }
        g.truncate(n);
        g
    }

    /// `f'` (one term shorter).
    fn deriv(&self, f: &[BigInt]) -> Vec<BigInt> {
        f.iter()
            .enumerate()
            .skip(1)
            .map(|(k, x)| x * k as u64)
            .collect()
    }

    /// `int_0^x s mod x^m` (`s` of length at least `m - 1`).
    fn integ(&self, s: &[BigInt], m: usize) -> Vec<BigInt> {
        let mut out = Vec::with_capacity(m);
        out.push(BigInt::zero());
        out.extend(
            s[..m - 1]
                .par_iter()
                .enumerate()
                .map(|(j, x)| x / (j as u64 + 1))
                .collect::<Vec<_>>(),
        );
        out
    }

    /// `ln f mod x^n` for `f_0 = D`.
    fn ln(&self, f: &[BigInt], n: usize) -> Vec<BigInt> {
        if n <= 1 {
            return vec![BigInt::zero(); n];
        }
        let d = self.deriv(&f[..n]);
        let i = self.inv(f, n - 1);
        let s = self.mul(&d, &i, n - 1);
        self.integ(&s, n)
    }

    /// `exp h mod x^n` for `h_0 = 0`: `y <- y + y (h - ln y)`, where `ln y` comes from
    /// `y'/y = h' + z (y' - y h')` with `z = 1/y` known to half the precision (the bracket
    /// vanishes to the order of `y`'s accuracy), and `z` follows `y` by one Newton step.
    fn exp(&self, h: &[BigInt], n: usize) -> Vec<BigInt> {
        let hd = self.deriv(&h[..n]);
        let (mut y, mut z) = (self.one(), self.one());
        let mut m = 1;
        while m < n {
            let m2 = (2 * m).min(n);
            let mut yd = self.deriv(&y);
            yd.resize(m2 - 1, BigInt::zero());
            let yh = self.mul(&y, &hd, m2 - 1);
            let t: Vec<BigInt> = yd.into_iter().zip(yh).map(|(a, b)| a - b).collect();
            let zt = self.mul_high(&z, &t, m - 1, m2 - 1);
            let s: Vec<BigInt> = hd[..m2 - 1].iter().zip(zt).map(|(a, b)| a + b).collect();
            let l = self.integ(&s, m2);
            let e: Vec<BigInt> = h[..m2].iter().zip(l).map(|(a, b)| a - b).collect();
            let c = self.mul_high(&y, &e, m, m2);
            y.resize(m2, BigInt::zero());
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
    fn newton_inv_step(&self, f: &[BigInt], z: &[BigInt], m: usize) -> Vec<BigInt> {
        let mut r = self.mul(f, z, m);
        for x in r.iter_mut() {
            *x = -std::mem::take(x);
        }
        r[0] += &self.d;
        let c = self.mul_high(z, &r, z.len(), m);
        let mut out = z.to_vec();
        out.resize(m, BigInt::zero());
        for (x, v) in out.iter_mut().zip(c) {
            *x += v;
        }
        out
    }

    /// `tan h` (`tanh h` when `hyperbolic`) mod `x^n`, `h_0 = 0`: Newton on `atan`,
    /// `y <- y + p (h - int y'/p)` with `p = 1 +- y^2`, where `y'/p = h' + w (y' - p h')` with
    /// `w = 1/p` known to half the precision (brought to the current one by one Newton step).
    fn tan(&self, h: &[BigInt], n: usize, hyperbolic: bool) -> Vec<BigInt> {
        let hd = self.deriv(&h[..n]);
        let mut y = vec![BigInt::zero()];
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
            yd.resize(m2 - 1, BigInt::zero());
            let ph = self.mul(&p, &hd, m2 - 1);
            let t: Vec<BigInt> = yd.into_iter().zip(ph).map(|(a, b)| a - b).collect();
            let wt = self.mul_high(&w, &t, m - 1, m2 - 1);
            let s: Vec<BigInt> = hd[..m2 - 1].iter().zip(wt).map(|(a, b)| a + b).collect();
            let l = self.integ(&s, m2);
            let e: Vec<BigInt> = h[..m2].iter().zip(l).map(|(a, b)| a - b).collect();
            let c = self.mul_high(&p, &e, m, m2);
            y.resize(m2, BigInt::zero());
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
    g[0] = BigInt::zero();
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
    y[0] = BigInt::zero();
    c.to_egf(&y)
}

/// `tan(r)` (`tanh(r)` when `hyperbolic`) for `r_0 = 0`.
pub(crate) fn tan(r: &[BigInt], hyperbolic: bool) -> Vec<BigInt> {
    let n = r.len();
    let c = Ctx::new(n);
    c.to_egf(&c.tan(&c.to_ord(r), n, hyperbolic))
}
