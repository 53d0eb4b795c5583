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

/// Pascal's triangle one row at a time.
struct Pascal {
    row: Vec<BigInt>,
}

impl Pascal {
    fn new() -> Pascal {
        Pascal {
            row: vec![BigInt::one()],
        }
    }
    /// Advances to the next row (once per coefficient of every recurrence: a stop point of
    /// the budget).
    fn next(&mut self) {
        crate::budget::check();
        let k = self.row.len();
        let mut next = Vec::with_capacity(k + 1);
        next.push(BigInt::one());
        for i in 1..k {
            next.push(&self.row[i - 1] + &self.row[i]);
        }
        next.push(BigInt::one());
        self.row = next;
    }
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
        let len = x.len();
        let ix: Vec<usize> = (1..len).filter(|&i| !x[i].is_zero()).collect();
        let ny: Vec<bool> = y.iter().map(|v| !v.is_zero()).collect();
        let mut n = vec![BigInt::zero(); len];
        let mut pascal = Pascal::new();
        for (k, out) in n.iter_mut().enumerate().skip(1) {
            pascal.next();
            let row = &pascal.row;
            *out = par_sum(ix.partition_point(|&i| i < k), |t| {
                let i = ix[t];
                if ny[k - i] {
                    mul3(&row[i], &x[i], &y[k - i])
                } else {
                    BigInt::zero()
                }
            });
        }
        Rest { n, g }
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
        let len = self.len();
        let nz: Vec<usize> = (1..len).filter(|&j| !self.n[j].is_zero()).collect();
        let mut y = vec![BigInt::zero(); len];
        if len > 0 {
            y[0] = BigInt::one();
        }
        let mut pascal = Pascal::new(); // row k-1
        for k in 1..len {
            let (row, yy) = (&pascal.row, &y);
            let s = par_sum(nz.partition_point(|&j| j <= k), |t| {
                let j = nz[t];
                mul3(&row[j - 1], &self.n[j], &yy[k - j])
            });
            y[k] = s;
            pascal.next();
        }
        if len > 0 {
            y[0] = BigInt::zero();
        }
        Rest {
            n: y,
            g: self.g.clone(),
        }
    }
    /// `ln(1 + self)`: `L_k = U_k - sum_{j=1}^{k-1} binom(k-1, j) U_j L_{k-j}`.
    fn ln1p(&self) -> Rest {
        self.newton_or(super::poly::LN_MIN_LEN, super::poly::ln1p, Rest::ln1p_rec)
    }
    fn ln1p_rec(&self) -> Rest {
        let len = self.len();
        let nz: Vec<usize> = (1..len).filter(|&j| !self.n[j].is_zero()).collect();
        let mut l = vec![BigInt::zero(); len];
        let mut pascal = Pascal::new(); // row k-1
        for k in 1..len {
            let (row, ll) = (&pascal.row, &l);
            let s = par_sum(nz.partition_point(|&j| j < k), |t| {
                let j = nz[t];
                mul3(&row[j], &self.n[j], &ll[k - j])
            });
            l[k] = &self.n[k] - s;
            pascal.next();
        }
        Rest {
            n: l,
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
        let len = self.len();
        let nz: Vec<usize> = (1..len).filter(|&j| !self.n[j].is_zero()).collect();
        let mut v = vec![BigInt::zero(); len];
        if len > 0 {
            v[0] = BigInt::one();
        }
        let mut pascal = Pascal::new(); // row k
        for k in 1..len {
            pascal.next();
            let (row, vv) = (&pascal.row, &v);
            let s = par_sum(nz.partition_point(|&j| j <= k), |t| {
                let j = nz[t];
                mul3(&row[j], &self.n[j], &vv[k - j])
            });
            v[k] = -s;
        }
        if len > 0 {
            v[0] = BigInt::zero();
        }
        Rest {
            n: v,
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
        let mut prev = Pascal::new(); // row k-1
        let mut cur = Pascal::new(); // row k
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
        let len = self.len();
        let (p, q) = (y0.numer(), y0.denom());
        let sgn = |x: BigInt| if hyperbolic { -x } else { x };
        let q2 = q * q;
        let w0 = &q2 + sgn(p * p);
        // R_j q^(2j-1) for j >= 1 (as R_j q^(2j-2) times q, kept separately for the j = k term).
        let mut qp = BigInt::one();
        let r2: Vec<BigInt> = self
            .n
            .iter()
            .enumerate()
            .map(|(j, x)| {
                if j == 0 {
                    return BigInt::zero();
                }
                let y = x * &qp; // R_j q^(2j-2)
                qp *= &q2;
                y
            })
            .collect();
        let nz: Vec<usize> = (1..len).filter(|&j| !self.n[j].is_zero()).collect();
        let mut y = vec![BigInt::zero(); len];
        let mut w = vec![BigInt::zero(); len];
        w[0] = w0.clone();
        let mut prev = Pascal::new(); // row k-1
        let mut cur = Pascal::new(); // row k
        for k in 1..len {
            cur.next();
            let (prow, ww) = (&prev.row, &w);
            let mut s = par_sum(nz.partition_point(|&j| j < k), |t| {
                let j = nz[t];
                mul3(&prow[j - 1], &r2[j], &ww[k - j])
            });
            s *= q;
            if !self.n[k].is_zero() {
                s += &r2[k] * &w0;
            }
            y[k] = s;
            // W_k = +-(2 p Y_k + q sum_{i=1}^{k-1} binom(k, i) Y_i Y_{k-i}).
            let (crow, yy) = (&cur.row, &y);
            let mut t = par_sum((k - 1) / 2, |t| {
                let i = t + 1;
                if yy[i].is_zero() || yy[k - i].is_zero() {
                    return BigInt::zero();
                }
                mul3(&crow[i], &yy[i], &yy[k - i])
            });
            t *= 2;
            if k % 2 == 0 {
                t += mul3(&cur.row[k / 2], &y[k / 2], &y[k / 2]);
            }
            let wk = q * t + (p * 2u32) * &y[k];
            w[k] = sgn(wk);
            prev.next();
        }
        Rest {
            n: y,
            g: &self.g * &q2,
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
        let mut pascal = Pascal::new(); // row k-1
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
fn par_sum(len: usize, f: impl Fn(usize) -> BigInt + Sync) -> BigInt {
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
fn mul3(a: &BigInt, b: &BigInt, c: &BigInt) -> BigInt {
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
