//! The fast path of the series engine: integer recurrences on exponentially scaled numerators.
//!
//! Every series that this path handles is a constant term `c_0` (any exact constant, e.g.
//! `ln 2`) plus a rational remainder written as `c_k = N_k / (k! g^k)` for `k >= 1`, with
//! integers `N_k` and one positive integer `g` per series (the "exponential scale"). The
//! recurrences of the built-ins then become integer recurrences with binomial weights (the
//! `k!` absorbs the `1/k` of every differential equation, `g^k` absorbs the denominators of the
//! inputs), so the inner loops never compute a gcd and never test divisibility. Each
//! coefficient is reduced once, when it is handed out.
//!
//! The path is an optimisation only: whatever it does not handle exactly as the generic engine
//! would (irrational terms beyond `c_0`, divisions by series vanishing at the point, branch
//! points, domain errors, pieces) makes it step aside with [`Skip`], and the generic engine
//! does the work and reports any error.

use crate::expr::{BinOp, Expr, Func};
use crate::number::Const;
use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use rayon::prelude::*;

use super::modular::{self, Dom, Mirror, Pascal, Rec, MOD_MIN_LEN, Z};

/// This path does not handle the expression: use the generic engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Skip;

/// A series with zero constant term: `sum_{k>=1} N_k / (k! g^k) t^k`, `n[0] = 0`.
#[derive(Clone, Debug)]
struct Rest {
    n: Vec<BigInt>,
    g: BigInt,
}

/// `c_0 + rest`; `q0` is `c_0` when it is rational.
#[derive(Clone, Debug)]
struct Fs {
    c0: Const,
    q0: Option<BigRational>,
    r: Rest,
}

/// The nonzero terms `j` in `1..len` of `v`.
fn nonzero_at<D: Dom>(d: &D, v: &[D::E]) -> Vec<usize> {
    (1..v.len()).filter(|&j| !d.is_zero(&v[j])).collect()
}

/// The binomial convolution `C_k = sum_i binom(k, i) X_i Y_{k-i}` of two series with zero
/// constant terms.
struct MulRec;

impl Rec for MulRec {
    fn run<D: Dom>(&self, d: &D, v: &[&[D::E]]) -> Vec<D::E> {
        let (x, y) = (v[0], v[1]);
        let len = x.len();
        let ix = nonzero_at(d, x);
        let (mx, my) = (Mirror::of(d, x, 0), Mirror::of(d, y, 0));
        let mut n = vec![d.zero(); len];
        let mut pascal = Pascal::new(d);
        for (k, out) in n.iter_mut().enumerate().skip(1) {
            pascal.next();
            let terms = ix.partition_point(|&i| i < k);
            *out = d.bsum(&pascal, k, terms, |t| ix[t], (x, 0, &mx), (y, 0, &my));
        }
        n
    }
}

/// `exp(R) - 1`: `Y_k = sum_j binom(k-1, j-1) R_j Y_{k-j}`, `Y_0 = 1`.
struct ExpRec;

impl Rec for ExpRec {
    fn run<D: Dom>(&self, d: &D, v: &[&[D::E]]) -> Vec<D::E> {
        let r = v[0];
        let len = r.len();
        let nz = nonzero_at(d, r);
        let mr = Mirror::of(d, r, 1);
        let mut y = vec![d.zero(); len];
        let mut my = Mirror::new(0);
        if len > 0 {
            y[0] = d.one();
            my.push(d, 0, &y[0]);
        }
        let mut pascal = Pascal::new(d); // row k-1
        for k in 1..len {
            let terms = nz.partition_point(|&j| j <= k);
            // i = j - 1: binom(k-1, i) R_{i+1} Y_{k-1-i}.
            y[k] = d.bsum(
                &pascal,
                k - 1,
                terms,
                |t| nz[t] - 1,
                (r, 1, &mr),
                (&y, 0, &my),
            );
            my.push(d, k, &y[k]);
            pascal.next();
        }
        if len > 0 {
            y[0] = d.zero();
        }
        y
    }
}

/// `ln(1 + U)`: `L_k = U_k - sum_{j=1}^{k-1} binom(k-1, j) U_j L_{k-j}`.
struct LnRec;

impl Rec for LnRec {
    fn run<D: Dom>(&self, d: &D, v: &[&[D::E]]) -> Vec<D::E> {
        let u = v[0];
        let len = u.len();
        let nz = nonzero_at(d, u);
        let mu = Mirror::of(d, u, 0);
        let mut l = vec![d.zero(); len];
        let mut ml = Mirror::new(1);
        let mut pascal = Pascal::new(d); // row k-1
        for k in 1..len {
            let terms = nz.partition_point(|&j| j < k);
            // binom(k-1, j) U_j L_{(k-1-j)+1}.
            let s = d.bsum(&pascal, k - 1, terms, |t| nz[t], (u, 0, &mu), (&l, 1, &ml));
            l[k] = d.sub(&u[k], &s);
            ml.push(d, k, &l[k]);
            pascal.next();
        }
        l
    }
}

/// `1/(1 + U) - 1`: `V_k = -sum_{j=1}^{k} binom(k, j) U_j V_{k-j}`, `V_0 = 1`.
struct InvRec;

impl Rec for InvRec {
    fn run<D: Dom>(&self, d: &D, v: &[&[D::E]]) -> Vec<D::E> {
        let u = v[0];
        let len = u.len();
        let nz = nonzero_at(d, u);
        let mu = Mirror::of(d, u, 0);
        let mut w = vec![d.zero(); len];
        let mut mw = Mirror::new(0);
        if len > 0 {
            w[0] = d.one();
            mw.push(d, 0, &w[0]);
        }
        let mut pascal = Pascal::new(d); // row k
        for k in 1..len {
            pascal.next();
            let terms = nz.partition_point(|&j| j <= k);
            let s = d.bsum(&pascal, k, terms, |t| nz[t], (u, 0, &mu), (&w, 0, &mw));
            w[k] = d.neg(&s);
            mw.push(d, k, &w[k]);
        }
        if len > 0 {
            w[0] = d.zero();
        }
        w
    }
}

/// `tan(y0 + R) - y0` (`tanh` when `hyperbolic`) for `y0 = p/q`; see [`Rest::tan_shift`].
struct TanRec {
    p: BigInt,
    q: BigInt,
    hyperbolic: bool,
}

impl Rec for TanRec {
    fn run<D: Dom>(&self, d: &D, v: &[&[D::E]]) -> Vec<D::E> {
        let rn = v[0];
        let len = rn.len();
        let sgn = |x: D::E| if self.hyperbolic { d.neg(&x) } else { x };
        let (p, q) = (d.int(&self.p), d.int(&self.q));
        let q2 = d.mul(&q, &q);
        let w0 = d.add(&q2, &sgn(d.mul(&p, &p)));
        let p2 = d.add(&p, &p);
        // R_j q^(2j-1) for j >= 1 (as R_j q^(2j-2) times q, kept separately for the j = k term).
        let mut qp = d.one();
        let r2: Vec<D::E> = rn
            .iter()
            .enumerate()
            .map(|(j, x)| {
                if j == 0 {
                    return d.zero();
                }
                let y = d.mul(x, &qp); // R_j q^(2j-2)
                qp = d.mul(&qp, &q2);
                y
            })
            .collect();
        let nz = nonzero_at(d, rn);
        let mr2 = Mirror::of(d, &r2, 1);
        let mut y = vec![d.zero(); len];
        let mut w = vec![d.zero(); len];
        let (mut my, mut mw) = (Mirror::new(0), Mirror::new(0));
        if len > 0 {
            w[0] = w0.clone();
            my.push(d, 0, &y[0]);
            mw.push(d, 0, &w[0]);
        }
        let mut prev = Pascal::new(d); // row k-1
        let mut cur = Pascal::new(d); // row k
        for k in 1..len {
            cur.next();
            let terms = nz.partition_point(|&j| j < k);
            // i = j - 1: binom(k-1, i) R2_{i+1} W_{k-1-i}.
            let mut s = d.bsum(
                &prev,
                k - 1,
                terms,
                |t| nz[t] - 1,
                (&r2, 1, &mr2),
                (&w, 0, &mw),
            );
            s = d.mul(&s, &q);
            if !d.is_zero(&rn[k]) {
                s = d.add(&s, &d.mul(&r2[k], &w0));
            }
            y[k] = s;
            my.push(d, k, &y[k]);
            // W_k = +-(2 p Y_k + q sum_{i=1}^{k-1} binom(k, i) Y_i Y_{k-i}).
            let t = d.bsum(&cur, k, (k - 1) / 2, |t| t + 1, (&y, 0, &my), (&y, 0, &my));
            let mut t = d.add(&t, &t);
            if k % 2 == 0 {
                let m = d.bsum(&cur, k, 1, |_| k / 2, (&y, 0, &my), (&y, 0, &my));
                t = d.add(&t, &m);
            }
            let wk = d.add(&d.mul(&q, &t), &d.mul(&p2, &y[k]));
            w[k] = sgn(wk);
            mw.push(d, k, &w[k]);
            prev.next();
        }
        y
    }
}

/// `rec` on integer inputs: multi-modularly from [`MOD_MIN_LEN`] on, else over the integers.
fn run_rec(rec: &impl Rec, inputs: &[&[BigInt]]) -> Vec<BigInt> {
    if inputs[0].len() >= mod_min_len() {
        return modular::run(rec, inputs);
    }
    rec.run(&Z, inputs)
}

#[cfg(not(test))]
fn mod_min_len() -> usize {
    MOD_MIN_LEN
}

#[cfg(test)]
thread_local! {
    /// Tests force either path with this cutoff (this thread only).
    static TEST_MOD_MIN_LEN: std::cell::Cell<usize> = const { std::cell::Cell::new(MOD_MIN_LEN) };
}

#[cfg(test)]
fn mod_min_len() -> usize {
    TEST_MOD_MIN_LEN.with(|c| c.get())
}

impl Rest {
    fn zero(len: usize) -> Rest {
        Rest {
            n: vec![BigInt::zero(); len],
            g: BigInt::one(),
        }
    }
    fn nonzeros(&self) -> usize {
        self.n.iter().filter(|x| !x.is_zero()).count()
    }
    fn is_zero(&self) -> bool {
        self.n.iter().all(Zero::is_zero)
    }
    fn len(&self) -> usize {
        self.n.len()
    }
    /// The numerators over the scale `big` (a multiple of `g`): `N_k (big/g)^k`.
    fn regauge(&self, big: &BigInt) -> Vec<BigInt> {
        let f = big / &self.g;
        if f.is_one() {
            return self.n.clone();
        }
        let mut p = BigInt::one();
        self.n
            .iter()
            .map(|x| {
                let y = x * &p;
                p *= &f;
                y
            })
            .collect()
    }
    /// `q * self`.
    fn scale(&self, q: &BigRational) -> Rest {
        if q.is_zero() {
            return Rest::zero(self.len());
        }
        let (p, d) = (q.numer(), q.denom());
        let mut dp = BigInt::one();
        let n = self
            .n
            .iter()
            .enumerate()
            .map(|(k, x)| {
                if k == 0 {
                    return BigInt::zero();
                }
                let y = x * p * &dp;
                dp *= d;
                y
            })
            .collect();
        Rest { n, g: &self.g * d }
    }
    fn add(&self, b: &Rest) -> Rest {
        let g = self.g.lcm(&b.g);
        let (x, y) = (self.regauge(&g), b.regauge(&g));
        Rest {
            n: x.into_iter().zip(y).map(|(a, b)| a + b).collect(),
            g,
        }
    }
    fn neg(&self) -> Rest {
        Rest {
            n: self.n.iter().map(|x| -x).collect(),
            g: self.g.clone(),
        }
    }
    /// The product of two series with zero constant terms: `C_k = sum binom(k, i) A_i B_{k-i}`.
    fn mul(&self, b: &Rest) -> Rest {
        let g = self.g.lcm(&b.g);
        let (x, y) = (self.regauge(&g), b.regauge(&g));
        let len = self.len().min(b.len());
        let nonzeros = |v: &[BigInt]| v[..len].iter().filter(|c| !c.is_zero()).count();
        if super::poly::worth(len, nonzeros(&x).min(nonzeros(&y)), super::poly::MIN_LEN) {
            return Rest {
                n: super::poly::mul(&x[..len], &y[..len]),
                g,
            };
        }
        Rest::mul_rec(&x[..len], &y[..len], g)
    }
    /// The binomial convolution by the recurrence (numerators over one scale `g`).
    fn mul_rec(x: &[BigInt], y: &[BigInt], g: BigInt) -> Rest {
        Rest {
            n: run_rec(&MulRec, &[x, y]),
            g,
        }
    }
    /// `fast(self)` by the Newton iteration and fast products from length `min_len` on (when
    /// the series is dense enough to be worth it), else `rec(self)` by the recurrence.
    fn newton_or(
        &self,
        min_len: usize,
        fast: fn(&[BigInt]) -> Vec<BigInt>,
        rec: fn(&Rest) -> Rest,
    ) -> Rest {
        if super::poly::worth(self.len(), self.nonzeros(), min_len) {
            return Rest {
                n: fast(&self.n),
                g: self.g.clone(),
            };
        }
        rec(self)
    }
    /// `exp(self) - 1`: `Y_k = sum_j binom(k-1, j-1) R_j Y_{k-j}`, `Y_0 = 1`.
    fn exp_m1(&self) -> Rest {
        self.newton_or(super::poly::MIN_LEN, super::poly::exp_m1, Rest::exp_m1_rec)
    }
    fn exp_m1_rec(&self) -> Rest {
        Rest {
            n: run_rec(&ExpRec, &[&self.n]),
            g: self.g.clone(),
        }
    }
    /// `ln(1 + self)`: `L_k = U_k - sum_{j=1}^{k-1} binom(k-1, j) U_j L_{k-j}`.
    fn ln1p(&self) -> Rest {
        self.newton_or(super::poly::LN_MIN_LEN, super::poly::ln1p, Rest::ln1p_rec)
    }
    fn ln1p_rec(&self) -> Rest {
        Rest {
            n: run_rec(&LnRec, &[&self.n]),
            g: self.g.clone(),
        }
    }
    /// `1/(1 + self) - 1`: `V_k = -sum_{j=1}^{k} binom(k, j) U_j V_{k-j}`, `V_0 = 1`.
    fn inv1p_m1(&self) -> Rest {
        self.newton_or(
            super::poly::MIN_LEN,
            super::poly::inv1p_m1,
            Rest::inv1p_m1_rec,
        )
    }
    fn inv1p_m1_rec(&self) -> Rest {
        Rest {
            n: run_rec(&InvRec, &[&self.n]),
            g: self.g.clone(),
        }
    }
    /// `(1 + self)^(p/q) - 1` (`q > 0`):
    /// `Y_k = sum_j q^(j-1) ((p+q) binom(k-1, j-1) - q binom(k, j)) U_j Y_{k-j}` over the scale
    /// `g q`.
    fn pow1p_m1(&self, r: &BigRational) -> Rest {
        let len = self.len();
        let (p, q) = (r.numer(), r.denom());
        let pq = p + q;
        let nz: Vec<usize> = (1..len).filter(|&j| !self.n[j].is_zero()).collect();
        // U_j q^(j-1).
        let mut qp = BigInt::one();
        let u: Vec<BigInt> = self
            .n
            .iter()
            .enumerate()
            .map(|(j, x)| {
                if j == 0 {
                    return BigInt::zero();
                }
                let y = x * &qp;
                qp *= q;
                y
            })
            .collect();
        let mut y = vec![BigInt::zero(); len];
        if len > 0 {
            y[0] = BigInt::one();
        }
        let mut prev = Pascal::new(&Z); // row k-1
        let mut cur = Pascal::new(&Z); // row k
        for k in 1..len {
            cur.next();
            let mut s = BigInt::zero();
            for &j in nz.iter().take_while(|&&j| j <= k) {
                let w = &pq * &prev.row[j - 1] - q * &cur.row[j];
                s += mul3(&w, &u[j], &y[k - j]);
            }
            y[k] = s;
            prev.next();
        }
        if len > 0 {
            y[0] = BigInt::zero();
        }
        Rest {
            n: y,
            g: &self.g * q,
        }
    }
    /// `tan(y0 + self) - y0` (`tanh` when `hyperbolic`), for a rational `y0 = tan(c0)` (the
    /// series `y` solves `y' = (1 +- y^2) self'`). Over the scale `G = g q^2`, `q = den(y0)`:
    /// with `w_m = W_m / (q m! G^m)` for `m >= 1` and `w_0 = W_0 / q^2`,
    /// `Y_k = sum_{j<k} binom(k-1, j-1) q^(2j-1) R_j W_{k-j} + q^(2k-2) R_k W_0`.
    fn tan_shift(&self, y0: &BigRational, hyperbolic: bool) -> Rest {
        // The recurrence squares the result (a dense convolution) even for a sparse argument.
        let tan_min = super::poly::TAN_MIN_LEN;
        if y0.is_zero() && super::poly::worth(self.len(), self.len(), tan_min) {
            if hyperbolic && !super::poly::worth(self.len(), self.nonzeros(), tan_min) {
                // tanh r = (E/2) / (1 + E/2), E = exp(2r) - 1: the exponential of a sparse
                // series is a cheap recurrence, and one reciprocal and one product are about a
                // third of the Newton iteration on atanh (the result is over the scale 2g).
                let two = BigRational::from_integer(2.into());
                let h = self.scale(&two).exp_m1().scale(&two.recip());
                return h.add(&h.mul(&h.inv1p_m1()));
            }
            return Rest {
                n: super::poly::tan(&self.n, hyperbolic),
                g: self.g.clone(),
            };
        }
        self.tan_shift_rec(y0, hyperbolic)
    }
    fn tan_shift_rec(&self, y0: &BigRational, hyperbolic: bool) -> Rest {
        let q = y0.denom();
        let rec = TanRec {
            p: y0.numer().clone(),
            q: q.clone(),
            hyperbolic,
        };
        Rest {
            n: run_rec(&rec, &[&self.n]),
            g: &self.g * q * q,
        }
    }
    /// `(sin(self), cos(self) - 1)` (hyperbolic: `sinh`, `cosh - 1`):
    /// `S_k = sum binom(k-1, j-1) R_j C_{k-j}`, `C_k = -+ sum binom(k-1, j-1) R_j S_{k-j}`.
    fn sin_cos(&self, hyperbolic: bool) -> (Rest, Rest) {
        let len = self.len();
        let nz: Vec<usize> = (1..len).filter(|&j| !self.n[j].is_zero()).collect();
        let mut s = vec![BigInt::zero(); len];
        let mut c = vec![BigInt::zero(); len];
        if len > 0 {
            c[0] = BigInt::one();
        }
        let mut pascal = Pascal::new(&Z); // row k-1
        for k in 1..len {
            let (mut ss, mut cc) = (BigInt::zero(), BigInt::zero());
            for &j in nz.iter().take_while(|&&j| j <= k) {
                let b = &pascal.row[j - 1] * &self.n[j];
                ss += &b * &c[k - j];
                cc += &b * &s[k - j];
            }
            s[k] = ss;
            c[k] = if hyperbolic { cc } else { -cc };
            pascal.next();
        }
        if len > 0 {
            c[0] = BigInt::zero();
        }
        let g = self.g.clone();
        (Rest { n: s, g: g.clone() }, Rest { n: c, g })
    }
}

/// Fewest terms of a recurrence's sum that are split over the thread pool: below, the terms are
/// small and the split costs more than it saves.
const PAR_MIN_TERMS: usize = 48;

/// `sum_{t < len} f(t)`, on the thread pool when there are many terms (an integer sum: the
/// order of the additions does not change it).
pub(super) fn par_sum(len: usize, f: impl Fn(usize) -> BigInt + Sync) -> BigInt {
    if len < PAR_MIN_TERMS {
        return (0..len).fold(BigInt::zero(), |mut s, t| {
            s += f(t);
            s
        });
    }
    (0..len)
        .into_par_iter()
        .with_min_len(PAR_MIN_TERMS / 2)
        .fold(BigInt::zero, |mut s, t| {
            s += f(t);
            s
        })
        .reduce(BigInt::zero, |a, b| a + b)
}

/// `a b c`, multiplying the two smaller factors first.
pub(super) fn mul3(a: &BigInt, b: &BigInt, c: &BigInt) -> BigInt {
    let (sa, sb, sc) = (a.bits(), b.bits(), c.bits());
    if sa >= sb && sa >= sc {
        (b * c) * a
    } else if sb >= sc {
        (a * c) * b
    } else {
        (a * b) * c
    }
}

impl Fs {
    fn constant(c: Const, len: usize) -> Fs {
        Fs {
            q0: c.to_rational(),
            c0: c,
            r: Rest::zero(len),
        }
    }
    fn rational(q: BigRational, len: usize) -> Fs {
        Fs::constant(Const::from_rational(q), len)
    }
    fn q0(&self) -> Result<&BigRational, Skip> {
        self.q0.as_ref().ok_or(Skip)
    }
    fn add(&self, b: &Fs) -> Fs {
        let c0 = &self.c0 + &b.c0;
        Fs {
            q0: c0.to_rational(),
            c0,
            r: self.r.add(&b.r),
        }
    }
    fn neg(&self) -> Fs {
        Fs {
            c0: -&self.c0,
            q0: self.q0.as_ref().map(|q| -q),
            r: self.r.neg(),
        }
    }
    fn mul(&self, b: &Fs) -> Result<Fs, Skip> {
        let c0 = &self.c0 * &b.c0;
        let mut r = Rest::zero(self.r.len().min(b.r.len()));
        let (za, zb) = (self.r.is_zero(), b.r.is_zero());
        if !zb {
            r = r.add(&b.r.scale(self.q0()?));
        }
        if !za {
            r = r.add(&self.r.scale(b.q0()?));
        }
        if !za && !zb {
            r = r.add(&self.r.mul(&b.r));
        }
        Ok(Fs {
            q0: c0.to_rational(),
            c0,
            r,
        })
    }
    /// `y0 + y0 rest`, for a rational `y0`.
    fn times_unit(y0: BigRational, unit_rest: Rest) -> Fs {
        let r = unit_rest.scale(&y0);
        Fs::rational_with(y0, r)
    }
    fn rational_with(q: BigRational, r: Rest) -> Fs {
        Fs {
            c0: Const::from_rational(q.clone()),
            q0: Some(q),
            r,
        }
    }
    fn recip(&self) -> Result<Fs, Skip> {
        let b0 = self.q0()?;
        if b0.is_zero() {
            return Err(Skip);
        }
        let inv = b0.recip();
        let u = self.r.scale(&inv);
        Ok(Fs::times_unit(inv, u.inv1p_m1()))
    }
    fn pow_int(&self, e: i64) -> Result<Fs, Skip> {
        if e < 0 {
            return self.pow_int(-e)?.recip();
        }
        let mut acc = Fs::rational(BigRational::one(), self.r.len());
        let mut base = self.clone();
        let mut e = e;
        while e > 0 {
            if e & 1 == 1 {
                acc = acc.mul(&base)?;
            }
            e >>= 1;
            if e > 0 {
                base = base.mul(&base)?;
            }
        }
        Ok(acc)
    }
}

/// `c_0` and the rational coefficients `c_1 .. c_n` of `expr` at the rational `point`, or
/// [`Skip`] when this path does not handle the expression.
pub(crate) fn taylor_fast(
    expr: &Expr,
    var: &str,
    point: &BigRational,
    n: usize,
) -> Result<(Const, Vec<BigRational>), Skip> {
    let len = n + 1;
    let s = series(expr, var, point, len)?;
    // The reductions of N_k / (k! g^k) are independent: run them in parallel.
    let g = &s.r.g;
    let budget = crate::budget::current();
    let out = s.r.n[1..]
        .par_iter()
        .enumerate()
        .map(|(i, num)| crate::budget::within(&budget, || reduce(num, i + 1, g)))
        .collect();
    Ok((s.c0, out))
}

/// `num / (k! g^k)` in lowest terms (`g > 0`). The denominator is taken in pieces
/// `f_1 f_2 ... f_m` (products of consecutive factors `i g` that fit in 128 bits), using
/// `gcd(N, a b) = t gcd(N/t, b)` with `t = gcd(N, a)` (`N/t` and `a/t` are coprime, so the
/// part of `b` that `N/t` shares is all that is left): each step is one division of `N` by a
/// word-sized piece and one gcd of words, instead of one binary gcd of two numbers of
/// `log2(k!)` bits.
fn reduce(num: &BigInt, k: usize, g: &BigInt) -> BigRational {
    if num.is_zero() {
        return BigRational::zero();
    }
    let Some(g) = g.to_u64() else {
        return BigRational::new(num.clone(), (1..=k).fold(BigInt::one(), |d, i| d * i * g));
    };
    let mut n = num.clone();
    let mut den = BigInt::one();
    let mut piece: u128 = 1;
    let flush = |piece: u128, n: &mut BigInt, den: &mut BigInt| {
        // gcd(n mod f, f) = gcd(n, f); most pieces divide n (its k! part): keep the quotient.
        let (q, r) = n.magnitude().div_rem(&BigUint::from(piece));
        if r.is_zero() {
            *n = BigInt::from_biguint(n.sign(), q);
            return;
        }
        let t = gcd_u128(r.to_u128().unwrap_or(0), piece);
        if t != 1 {
            *n /= t;
        }
        *den *= piece / t;
    };
    for i in 1..=k as u128 {
        let f = i * u128::from(g);
        match piece.checked_mul(f) {
            Some(p) => piece = p,
            None => {
                flush(piece, &mut n, &mut den);
                piece = f;
            }
        }
    }
    flush(piece, &mut n, &mut den);
    // Every prime of k! g^k has been divided out of n as far as it divides both; den > 0.
    BigRational::new_raw(n, den)
}

/// The gcd of two words (binary), `gcd(0, b) = b`.
fn gcd_u128(mut a: u128, mut b: u128) -> u128 {
    if a == 0 {
        return b;
    }
    if b == 0 {
        return a;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

fn series(e: &Expr, var: &str, point: &BigRational, len: usize) -> Result<Fs, Skip> {
    let rec = |e: &Expr| series(e, var, point, len);
    Ok(match e {
        Expr::Num(q) => Fs::rational(q.clone(), len),
        Expr::Pi => Fs::constant(Const::pi(), len),
        Expr::E => Fs::constant(Const::e(), len),
        Expr::Var(v) if v == var => {
            let mut r = Rest::zero(len);
            if len > 1 {
                r.n[1] = BigInt::one();
            }
            Fs::rational_with(point.clone(), r)
        }
        Expr::Neg(a) => rec(a)?.neg(),
        Expr::Bin(op, a, b) => match op {
            BinOp::Add => rec(a)?.add(&rec(b)?),
            BinOp::Sub => rec(a)?.add(&rec(b)?.neg()),
            BinOp::Mul => rec(a)?.mul(&rec(b)?)?,
            BinOp::Div => {
                if let Some(l) = logistic(b, var, point, len) {
                    return rec(a)?.mul(&l);
                }
                let (x, y) = (rec(a)?, rec(b)?);
                if y.r.is_zero() {
                    // Division by a constant.
                    let q = y.q0()?;
                    if q.is_zero() {
                        return Err(Skip);
                    }
                    x.mul(&Fs::rational(q.recip(), len))?
                } else {
                    x.mul(&y.recip()?)?
                }
            }
            BinOp::Pow => {
                if super::eval::contains_var(b, var) {
                    return Err(Skip);
                }
                let r = series(b, var, point, 1)?.q0.ok_or(Skip)?;
                if r == -BigRational::one() {
                    if let Some(l) = logistic(a, var, point, len) {
                        return Ok(l);
                    }
                }
                power(rec(a)?, r)?
            }
        },
        Expr::Call(Func::Tanh, args) if matches!(&args[..], [Expr::Call(Func::Ln, _)]) => {
            // tanh(ln z) = (z^2 - 1)/(z^2 + 1) = 1 - 2/(z^2 + 1) for z > 0 (Mish): one
            // division instead of a logarithm and the tanh recurrence on large numbers.
            let Expr::Call(_, z) = &args[0] else {
                return Err(Skip);
            };
            let z = rec(&z[0])?;
            if !z.q0()?.is_positive() {
                return Err(Skip);
            }
            let one = Fs::rational(BigRational::one(), len);
            let d = z.mul(&z)?.add(&one).recip()?;
            one.add(&d.mul(&Fs::rational(BigRational::from_integer((-2).into()), len))?)
        }
        Expr::Call(func, args) if args.len() == 1 => apply(*func, rec(&args[0])?)?,
        _ => return Err(Skip),
    })
}

/// `1/(1 + exp(h)) = 1/2 - tanh(h/2)/2` when `den` is `1 + exp(h)` (or `exp(h) + 1`) and
/// `tanh(h(point)/2)` is rational (the logistic sigmoid): the tanh recurrence skips the zero
/// coefficients of an odd series and needs half the products of its square, where the
/// reciprocal recurrence `1/(1 + u)` is a full convolution. `None`: take the ordinary path.
fn logistic(den: &Expr, var: &str, point: &BigRational, len: usize) -> Option<Fs> {
    let Expr::Bin(BinOp::Add, a, b) = den else {
        return None;
    };
    let h = match (&**a, &**b) {
        (Expr::Num(one), Expr::Call(Func::Exp, h)) | (Expr::Call(Func::Exp, h), Expr::Num(one))
            if one.is_one() && h.len() == 1 =>
        {
            &h[0]
        }
        _ => return None,
    };
    let half = BigRational::new(1.into(), 2.into());
    let h2 = series(h, var, point, len)
        .ok()?
        .mul(&Fs::rational(half.clone(), len))
        .ok()?;
    let t = apply(Func::Tanh, h2).ok()?;
    Fs::rational(half.clone(), len)
        .add(&t.mul(&Fs::rational(-half, len)).ok()?)
        .into()
}

fn power(base: Fs, r: BigRational) -> Result<Fs, Skip> {
    if r.is_integer() {
        let e = r
            .to_integer()
            .to_i64()
            .filter(|e| e.abs() <= 64)
            .ok_or(Skip)?;
        return base.pow_int(e);
    }
    let a0 = base.q0()?.clone();
    if !a0.is_positive() {
        return Err(Skip);
    }
    let y0 = Const::from_rational(a0.clone())
        .pow_rational(&r)
        .ok()
        .and_then(|c| c.to_rational())
        .ok_or(Skip)?;
    let u = base.r.scale(&a0.recip());
    Ok(Fs::times_unit(y0, u.pow1p_m1(&r)))
}

fn apply(func: Func, a: Fs) -> Result<Fs, Skip> {
    let at0 = |f: Func| -> Result<Const, Skip> {
        Const::apply(f, std::slice::from_ref(&a.c0)).map_err(|_| Skip)
    };
    match func {
        Func::Exp => {
            let e0 = at0(Func::Exp)?.to_rational().ok_or(Skip)?;
            Ok(Fs::times_unit(e0, a.r.exp_m1()))
        }
        Func::Ln => {
            let a0 = a.q0()?.clone();
            if !a0.is_positive() {
                return Err(Skip);
            }
            let c0 = at0(Func::Ln)?;
            let r = a.r.scale(&a0.recip()).ln1p();
            Ok(Fs {
                q0: c0.to_rational(),
                c0,
                r,
            })
        }
        Func::Sqrt => power(a, BigRational::new(1.into(), 2.into())),
        Func::Tan | Func::Tanh => {
            let y0 = at0(func)?.to_rational().ok_or(Skip)?;
            let r = a.r.tan_shift(&y0, func == Func::Tanh);
            Ok(Fs::rational_with(y0, r))
        }
        Func::Sin | Func::Cos | Func::Sinh | Func::Cosh => {
            if !a.q0()?.is_zero() {
                return Err(Skip);
            }
            let hyperbolic = matches!(func, Func::Sinh | Func::Cosh);
            let (s, c) = a.r.sin_cos(hyperbolic);
            Ok(if matches!(func, Func::Sin | Func::Sinh) {
                Fs::rational_with(BigRational::zero(), s)
            } else {
                Fs::rational_with(BigRational::one(), c)
            })
        }
        _ => Err(Skip),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::Definitions;

    /// The fast path against the generic engine (plain rationals, or `Const` when `c_0` is
    /// irrational), coefficient by coefficient, at high order.
    fn agree(src: &str, point: BigRational, n: usize) {
        let e = crate::parse::parse_expr(src, &Definitions::new()).expect("parses");
        let (c0, rest) =
            taylor_fast(&e, "x", &point, n).unwrap_or_else(|_| panic!("{src}: fast path skipped"));
        let mut fast = vec![c0];
        fast.extend(rest.into_iter().map(Const::from_rational));
        let plain: Vec<Const> =
            match super::super::eval::taylor_in::<BigRational>(&e, "x", point.clone(), n) {
                Ok((t, _)) => {
                    t.c.iter()
                        .map(|q| Const::from_rational(q.clone()))
                        .collect()
                }
                Err(_) => {
                    super::super::eval::taylor_in::<Const>(&e, "x", Const::from_rational(point), n)
                        .expect("generic engine expands")
                        .0
                        .c
                }
            };
        assert_eq!(fast.len(), n + 1, "{src}");
        for (k, (a, b)) in fast.iter().zip(&plain).enumerate() {
            assert_eq!(a, b, "{src}: c_{k}");
        }
    }

    fn q(a: i64, b: i64) -> BigRational {
        BigRational::new(a.into(), b.into())
    }

    #[test]
    fn activations_at_order_300_agree_with_the_generic_engine() {
        for src in [
            "tanh(x)",
            "1/(1+exp(-x))",
            "ln((1+exp(x))/2)",
            "ln(1+exp(x))",
            "x*tanh(ln(1+exp(x)))",
            "x/2*(1+tanh(x+x^3/20))",
            "x*(1+exp(-x))^(-1)",
            "(exp(x/3)+1)^(-1)-2/(1+exp(x-x^2))",
        ] {
            agree(src, q(0, 1), 300);
        }
    }

    #[test]
    fn every_recurrence_agrees_with_the_generic_engine() {
        for (src, p) in [
            ("sin(x)*cos(2*x/3)", q(0, 1)),
            ("sinh(x)-cosh(x/2)+tan(x/2)", q(0, 1)),
            ("sqrt(4+x)", q(0, 1)),
            ("1/(1+exp(x-1))+(2-x)/(exp(x^2-x)+1)", q(1, 1)),
            ("1/(1+exp(3*x+1))", q(-1, 3)),
            ("1/(1+exp(ln(3)+x))", q(0, 1)),
            ("(2+x)^(-3)+(1+x/3)^(-5/2)", q(0, 1)),
            ("exp(x)/(3-x)", q(0, 1)),
            ("x^3-7*x^2/5", q(0, 1)),
            ("exp(x-1)*tanh(x-1)", q(1, 1)),
            ("ln(x)", q(2, 1)),
            ("tanh(ln(2+x^2/3))*tanh(ln(x))", q(3, 2)),
            ("-x/(1+x^2)+(x+3/7)*sin(7*x+3)^2", q(-3, 7)),
        ] {
            agree(src, p, 60);
        }
    }

    #[test]
    fn reduction_by_pieces_gives_lowest_terms() {
        // Scales with large primes (1000003, 65537^2) and plain ones, against BigRational::new
        // (one full gcd): the same numerator and denominator, not just the same value.
        for (src, n) in [
            ("1/(1+exp(-x))", 200),
            ("tanh(x)", 200),
            ("ln(1+exp(x))", 120),
            ("1/(1000003-x)+exp(x/65537^2)", 80),
            ("sqrt(9+x/7)*tan(x/10)", 80),
        ] {
            let e = crate::parse::parse_expr(src, &Definitions::new()).expect("parses");
            let s = series(&e, "x", &q(0, 1), n + 1).expect("fast path");
            let mut d = BigInt::one();
            for k in 1..=n {
                d *= BigInt::from(k) * &s.r.g;
                let want = BigRational::new(s.r.n[k].clone(), d.clone());
                let got = reduce(&s.r.n[k], k, &s.r.g);
                assert_eq!(got.numer(), want.numer(), "{src}: c_{k}");
                assert_eq!(got.denom(), want.denom(), "{src}: c_{k}");
            }
        }
    }

    mod newton_against_recurrences {
        use super::super::Rest;
        use crate::series::poly;
        use num_bigint::BigInt;
        use num_traits::Zero;
        use proptest::prelude::*;

        /// A dense exponential series with zero constant term and some zero gaps, long enough
        /// for the Newton path.
        fn arb_rest() -> impl Strategy<Value = Rest> {
            (proptest::collection::vec(-1000i64..1000, 120..180), 1i64..7).prop_map(|(v, g)| {
                let mut n: Vec<BigInt> = v.into_iter().map(BigInt::from).collect();
                n[0] = BigInt::zero();
                Rest {
                    n,
                    g: BigInt::from(g),
                }
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(12))]
            #[test]
            fn every_newton_operation_equals_its_recurrence(a in arb_rest(), b in arb_rest()) {
                let len = a.len().min(b.len());
                let (x, y) = (&a.n[..len], &b.n[..len]);
                prop_assert_eq!(poly::mul(x, y), Rest::mul_rec(x, y, BigInt::from(1)).n);
                prop_assert_eq!(poly::exp_m1(&a.n), a.exp_m1_rec().n);
                prop_assert_eq!(poly::ln1p(&a.n), a.ln1p_rec().n);
                prop_assert_eq!(poly::inv1p_m1(&a.n), a.inv1p_m1_rec().n);
                let zero = num_rational::BigRational::zero();
                for hyperbolic in [false, true] {
                    prop_assert_eq!(
                        poly::tan(&a.n, hyperbolic),
                        a.tan_shift_rec(&zero, hyperbolic).n
                    );
                }
            }
        }
    }

    /// `taylor_fast` with the multi-modular recurrences from length `min_len` on.
    fn with_cutoff(src: &str, point: &BigRational, n: usize, min_len: usize) -> Vec<BigRational> {
        let e = crate::parse::parse_expr(src, &Definitions::new()).expect("parses");
        let old = TEST_MOD_MIN_LEN.with(|c| c.replace(min_len));
        let r = taylor_fast(&e, "x", point, n);
        TEST_MOD_MIN_LEN.with(|c| c.set(old));
        r.unwrap_or_else(|_| panic!("{src}: fast path skipped")).1
    }

    #[test]
    fn the_modular_recurrences_equal_the_integer_ones() {
        let exprs = [
            "tanh(x)",
            "1/(1+exp(-x))",
            "ln(1+exp(x))",
            "x*tanh(ln(1+exp(x)))",
            "exp(sin(x))",
            "tan(x/3+x^2)",
            "(1+x)^(2/3)",
            "sin(x)*cos(x)",
            "exp(x)/(3-x)",
            "tanh(x)*ln(1+x/5)",
        ];
        for src in exprs {
            for p in [q(0, 1), q(1, 3), q(-2, 7)] {
                let Ok(_) = taylor_fast(
                    &crate::parse::parse_expr(src, &Definitions::new()).expect("parses"),
                    "x",
                    &p,
                    2,
                ) else {
                    continue; // e.g. sin(x) away from 0: not on the fast path
                };
                let n = 90;
                assert_eq!(
                    with_cutoff(src, &p, n, 2),
                    with_cutoff(src, &p, n, usize::MAX),
                    "{src} at {p}"
                );
            }
        }
        for (src, n) in [
            ("tanh(x)", 420),
            ("x*tanh(ln(1+exp(x)))", 300),
            ("ln(1+exp(x))", 330),
        ] {
            assert_eq!(
                with_cutoff(src, &q(0, 1), n, 2),
                with_cutoff(src, &q(0, 1), n, usize::MAX),
                "{src}"
            );
        }
    }

    /// The tangent numbers `T_1 .. T_m` (OEIS A000182: 1, 2, 16, 272, 7936, ...) by Brent and
    /// Zimmermann's in-place algorithm (Modern Computer Arithmetic, 4.7.2), independent of the
    /// series code.
    fn tangent_numbers(m: usize) -> Vec<BigInt> {
        let mut t = vec![BigInt::zero(); m + 1];
        t[1] = BigInt::one();
        for k in 2..=m {
            t[k] = &t[k - 1] * BigInt::from(k - 1);
        }
        for k in 2..=m {
            for j in k..=m {
                t[j] = &t[j - 1] * BigInt::from(j - k) + &t[j] * BigInt::from(j - k + 2);
            }
        }
        t
    }

    #[test]
    fn tan_and_tanh_through_the_modular_path_give_the_tangent_numbers() {
        let t = tangent_numbers(500);
        let oeis = [1u64, 2, 16, 272, 7936, 353792, 22368256, 1903757312];
        for (k, v) in oeis.iter().enumerate() {
            assert_eq!(t[k + 1], BigInt::from(*v));
        }
        let n = 1000;
        for (src, alt) in [("tan(x)", false), ("tanh(x)", true)] {
            let c = with_cutoff(src, &q(0, 1), n, 2);
            let mut fact = BigInt::one();
            for k in 1..=n {
                fact *= BigInt::from(k);
                let want = if k % 2 == 0 {
                    BigRational::zero()
                } else {
                    let m = k.div_ceil(2);
                    let sign = if alt && m % 2 == 0 { -1 } else { 1 };
                    BigRational::new(&t[m] * sign, fact.clone())
                };
                assert_eq!(c[k - 1], want, "{src}: c_{k}");
            }
        }
    }

    #[test]
    fn the_majorant_bounds_every_numerator_and_is_used() {
        for (src, p) in [
            ("exp(x/3-x^2)", q(0, 1)),
            ("x+x^2/7-3*x^3", q(0, 1)),
            ("sin(x)+x^4", q(0, 1)),
        ] {
            let e = crate::parse::parse_expr(src, &Definitions::new()).expect("parses");
            let r = series(&e, "x", &p, 250).expect("fast path").r;
            let big_q = BigRational::new(2.into(), 5.into());
            let recs: Vec<(Vec<BigInt>, Vec<f64>)> = vec![
                (
                    TanRec {
                        p: 0.into(),
                        q: 1.into(),
                        hyperbolic: true,
                    }
                    .run(&Z, &[&r.n]),
                    modular::bounds(
                        &TanRec {
                            p: 0.into(),
                            q: 1.into(),
                            hyperbolic: true,
                        },
                        &[&r.n],
                    ),
                ),
                (
                    TanRec {
                        p: big_q.numer().clone(),
                        q: big_q.denom().clone(),
                        hyperbolic: false,
                    }
                    .run(&Z, &[&r.n]),
                    modular::bounds(
                        &TanRec {
                            p: big_q.numer().clone(),
                            q: big_q.denom().clone(),
                            hyperbolic: false,
                        },
                        &[&r.n],
                    ),
                ),
                (ExpRec.run(&Z, &[&r.n]), modular::bounds(&ExpRec, &[&r.n])),
                (LnRec.run(&Z, &[&r.n]), modular::bounds(&LnRec, &[&r.n])),
                (InvRec.run(&Z, &[&r.n]), modular::bounds(&InvRec, &[&r.n])),
                (
                    MulRec.run(&Z, &[&r.n, &r.n]),
                    modular::bounds(&MulRec, &[&r.n, &r.n]),
                ),
            ];
            for (i, (exact, bound)) in recs.iter().enumerate() {
                for (k, (x, b)) in exact.iter().zip(bound).enumerate() {
                    if x.is_zero() {
                        continue;
                    }
                    // |x| >= 2^(bits - 1): the bound must be at least bits - 1.
                    assert!(
                        *b >= (x.bits() - 1) as f64,
                        "{src} rec {i}: k {k}, {b} < {}",
                        x.bits()
                    );
                }
            }
            // Too few primes for the bound: refused, never a wrong integer.
            let tan = TanRec {
                p: 0.into(),
                q: 1.into(),
                hyperbolic: true,
            };
            let b = modular::bounds(&tan, &[&r.n]);
            let max = b.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let enough = modular::run(&tan, &[&r.n]);
            assert_eq!(enough, tan.run(&Z, &[&r.n]));
            let few = modular::test_primes((max / 61.0) as usize);
            assert_eq!(
                modular::run_with(&tan, &[&r.n], &few, max).err(),
                Some(modular::TooFewPrimes)
            );
        }
    }

    #[test]
    fn what_the_fast_path_leaves_to_the_generic_engine() {
        for src in [
            "sin(x)/x",
            "abs(x)",
            "erf(x)",
            "tanh(x+1)",
            "pi*x",
            "ln(x)",
            "x^x",
        ] {
            let e = crate::parse::parse_expr(src, &Definitions::new()).expect("parses");
            assert_eq!(
                taylor_fast(&e, "x", &q(0, 1), 10).err(),
                Some(Skip),
                "{src}"
            );
        }
    }
}
