//! Truncated power series over a coefficient field: arithmetic, powers and the built-ins.
//!
//! Every operation computes the exact truncation order of its result from the orders and
//! valuations of its operands. Built-ins use O(n^2) recurrences from their differential
//! equations, with the constant term `F(c_0)` taken from the coefficient field (so
//! `exp(c_0 + h) = exp(c_0) exp(h)` and `ln(2 + h) = ln 2 + ln(1 + h/2)` come for free).

use super::coeff::{Coeff, Fail};
use super::SeriesError;
use crate::expr::Func;
use crate::number::ZeroTest;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// `c[0] + c[1] t + ... + c[n-1] t^(n-1) + O(t^n)`, `n = c.len()`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Trunc<C> {
    pub c: Vec<C>,
}

/// Which coefficients are exactly zero (checked once, not in every inner loop).
fn zero_mask<C: Coeff>(c: &[C]) -> Vec<bool> {
    c.iter().map(C::is_zero_fast).collect()
}

fn ratio(a: i64, b: i64) -> BigRational {
    BigRational::new(BigInt::from(a), BigInt::from(b))
}

impl<C: Coeff> Trunc<C> {
    pub fn order(&self) -> usize {
        self.c.len()
    }

    /// A constant, known through order `n`.
    pub fn constant(value: C, n: usize) -> Trunc<C> {
        let mut c = vec![C::int(0); n];
        if n > 0 {
            c[0] = value;
        }
        Trunc { c }
    }

    /// `p + t`, known through order `n`.
    pub fn variable(point: C, n: usize) -> Trunc<C> {
        let mut s = Trunc::constant(point, n);
        if n > 1 {
            s.c[1] = C::int(1);
        }
        s
    }

    /// `O(t^n)`.
    pub fn zeros(n: usize) -> Trunc<C> {
        Trunc {
            c: vec![C::int(0); n],
        }
    }

    fn truncate(mut self, n: usize) -> Trunc<C> {
        self.c.truncate(n);
        self
    }

    /// The number of leading coefficients that are exactly zero (cheap; a lower bound of the
    /// valuation, enough for order bookkeeping).
    pub fn zeros_before(&self) -> usize {
        self.c
            .iter()
            .position(|x| !x.is_zero_fast())
            .unwrap_or(self.c.len())
    }

    /// The valuation: the index of the first coefficient proved non-zero. Errors when a
    /// leading coefficient cannot be decided; [`Fail::NeedMoreTerms`] when every known
    /// coefficient is zero.
    pub fn valuation(&self) -> Result<usize, Fail> {
        for (k, x) in self.c.iter().enumerate() {
            match x.zero_test() {
                ZeroTest::Zero => {}
                ZeroTest::NonZero => return Ok(k),
                ZeroTest::Unknown => {
                    return Err(SeriesError::UndecidedCoefficient {
                        index: k,
                        value: x.describe(),
                    }
                    .into())
                }
            }
        }
        Err(Fail::NeedMoreTerms)
    }

    pub fn add(&self, b: &Trunc<C>) -> Trunc<C> {
        let n = self.order().min(b.order());
        Trunc {
            c: (0..n).map(|k| self.c[k].add(&b.c[k])).collect(),
        }
    }

    pub fn sub(&self, b: &Trunc<C>) -> Trunc<C> {
        let n = self.order().min(b.order());
        Trunc {
            c: (0..n).map(|k| self.c[k].sub(&b.c[k])).collect(),
        }
    }

    pub fn neg(&self) -> Trunc<C> {
        Trunc {
            c: self.c.iter().map(C::neg).collect(),
        }
    }

    pub fn scale(&self, x: &C) -> Trunc<C> {
        Trunc {
            c: self.c.iter().map(|a| a.mul(x)).collect(),
        }
    }

    /// `t^s self`, capped at order `cap`.
    fn shift(&self, s: usize, cap: usize) -> Trunc<C> {
        let n = (self.order() + s).min(cap);
        let mut c = vec![C::int(0); n.min(s)];
        c.extend(self.c.iter().take(n.saturating_sub(s)).cloned());
        Trunc { c }
    }

    /// The product; its order is `min(n_a + v_b, n_b + v_a)` (capped at the larger order).
    pub fn mul(&self, b: &Trunc<C>) -> Trunc<C> {
        let (na, nb) = (self.order(), b.order());
        let (va, vb) = (self.zeros_before(), b.zeros_before());
        let n = (na + vb).min(nb + va).min(na.max(nb));
        let mut c = Vec::with_capacity(n);
        let (za, zb) = (zero_mask(&self.c), zero_mask(&b.c));
        for k in 0..n {
            let terms: Vec<_> = (va..=k.min(na - 1))
                .filter(|&i| k - i < nb && k - i >= vb && !za[i] && !zb[k - i])
                .map(|i| (1, &self.c[i], &b.c[k - i]))
                .collect();
            c.push(C::dot(&terms));
        }
        Trunc { c }
    }

    /// The quotient, valuations cancelled: `self / b` where `b = t^v b'`, `b'(0) != 0`, needs
    /// `self = t^v a'` (else a pole) and has order `min(n_a, n_b) - v`.
    pub fn div(&self, b: &Trunc<C>, what: &dyn Fn() -> String) -> Result<Trunc<C>, Fail> {
        let v = b.valuation()?;
        if self.order() <= v {
            return Err(Fail::NeedMoreTerms);
        }
        for k in 0..v {
            match self.c[k].zero_test() {
                ZeroTest::Zero => {}
                ZeroTest::NonZero => {
                    return Err(SeriesError::Pole { what: what() }.into());
                }
                ZeroTest::Unknown => {
                    return Err(SeriesError::UndecidedCoefficient {
                        index: k,
                        value: self.c[k].describe(),
                    }
                    .into())
                }
            }
        }
        let n = self.order().min(b.order()) - v;
        let (a, b) = (&self.c[v..], &b.c[v..]);
        let inv = C::int(1).div(&b[0])?;
        let mut q: Vec<C> = Vec::with_capacity(n);
        let zb = zero_mask(b);
        let mut zq: Vec<bool> = Vec::with_capacity(n);
        for k in 0..n {
            let terms: Vec<_> = (1..=k)
                .filter(|&j| !zb[j] && !zq[k - j])
                .map(|j| (-1, &b[j], &q[k - j]))
                .collect();
            let qk = a[k].add(&C::dot(&terms)).mul(&inv);
            zq.push(qk.is_zero_fast());
            q.push(qk);
        }
        Ok(Trunc { c: q })
    }

    /// `d/dt`, order `n - 1`.
    pub fn derivative(&self) -> Trunc<C> {
        Trunc {
            c: (1..self.order())
                .map(|k| self.c[k].scale(&ratio(k as i64, 1)))
                .collect(),
        }
    }

    /// `c0 + int_0^t self`, order `n + 1`.
    pub fn integral(&self, c0: C) -> Trunc<C> {
        let mut c = Vec::with_capacity(self.order() + 1);
        c.push(c0);
        for (k, x) in self.c.iter().enumerate() {
            c.push(x.scale(&ratio(1, k as i64 + 1)));
        }
        Trunc { c }
    }

    /// `self^r` for a constant `r`, when `self(0) != 0`: `a y' = r a' y`, i.e.
    /// `k a_0 y_k = sum_{j=1..k} ((r + 1) j - k) a_j y_{k-j}`.
    fn pow_unit(&self, r: &C, y0: C) -> Result<Trunc<C>, Fail> {
        let n = self.order();
        let a = &self.c;
        let inv = C::int(1).div(&a[0])?;
        let r1 = r.add(&C::int(1));
        let za = zero_mask(a);
        let mut zy = vec![y0.is_zero_fast()];
        let mut y: Vec<C> = Vec::with_capacity(n);
        y.push(y0);
        for k in 1..n {
            // sum ((r + 1) j - k) a_j y_{k-j} = (r + 1) sum j a_j y_{k-j} - k sum a_j y_{k-j}.
            let js: Vec<usize> = (1..=k).filter(|&j| !za[j] && !zy[k - j]).collect();
            let weighted: Vec<_> = js.iter().map(|&j| (j as i64, &a[j], &y[k - j])).collect();
            let plain: Vec<_> = js
                .iter()
                .map(|&j| (-(k as i64), &a[j], &y[k - j]))
                .collect();
            let s = r1.mul(&C::dot(&weighted)).add(&C::dot(&plain));
            let yk = s.mul(&inv).scale(&ratio(1, k as i64));
            zy.push(yk.is_zero_fast());
            y.push(yk);
        }
        Ok(Trunc { c: y })
    }

    /// `self^n` for an integer `n`; the order is `n v + (n_a - v)`, capped at `cap`.
    pub fn pow_int(
        &self,
        n: &BigInt,
        cap: usize,
        what: &dyn Fn() -> String,
    ) -> Result<Trunc<C>, Fail> {
        if n.is_zero() {
            return Ok(Trunc::constant(C::int(1), cap));
        }
        let v = match self.valuation() {
            Ok(v) => v,
            Err(Fail::NeedMoreTerms) if n.is_positive() => {
                // O(t^m)^n = O(t^(n m)).
                let m = n
                    .to_usize()
                    .and_then(|n| n.checked_mul(self.order()))
                    .unwrap_or(cap);
                return Ok(Trunc::zeros(m.min(cap)));
            }
            Err(e) => return Err(e),
        };
        if v > 0 && n.is_negative() {
            return Err(SeriesError::Pole { what: what() }.into());
        }
        let shift = match n.to_usize().and_then(|n| n.checked_mul(v)) {
            Some(s) if s < cap => s,
            _ if v == 0 => 0,
            _ => return Ok(Trunc::zeros(cap)),
        };
        let u = Trunc {
            c: self.c[v..].to_vec(),
        };
        let p = if *n == BigInt::from(2) {
            u.mul(&u)
        } else if n.is_one() {
            u
        } else {
            let r = C::rational(BigRational::from_integer(n.clone()));
            let y0 = u.c[0].pow(&r)?;
            u.pow_unit(&r, y0)?
        };
        Ok(p.shift(shift, cap))
    }

    /// `self^r` for a non-integer constant `r`: needs `self(0) != 0` (else a branch point).
    pub fn pow_const(&self, r: &C, what: &dyn Fn() -> String) -> Result<Trunc<C>, Fail> {
        self.nonzero_constant_term(what)?;
        let y0 = if self.c[0].as_rational().is_some_and(|x| x.is_one()) {
            C::int(1)
        } else {
            self.c[0].pow(r)?
        };
        self.pow_unit(r, y0)
    }

    fn nonzero_constant_term(&self, what: &dyn Fn() -> String) -> Result<(), Fail> {
        if self.order() == 0 {
            return Err(Fail::NeedMoreTerms);
        }
        match self.c[0].zero_test() {
            ZeroTest::NonZero => Ok(()),
            ZeroTest::Zero => Err(SeriesError::BranchPoint { what: what() }.into()),
            ZeroTest::Unknown => Err(SeriesError::UndecidedCoefficient {
                index: 0,
                value: self.c[0].describe(),
            }
            .into()),
        }
    }

    /// `exp(self)`: `k y_k = sum_{j=1..k} j a_j y_{k-j}`.
    pub fn exp(&self) -> Result<Trunc<C>, Fail> {
        let n = self.order();
        if n == 0 {
            return Ok(Trunc::zeros(0));
        }
        let a = &self.c;
        let mut y: Vec<C> = Vec::with_capacity(n);
        y.push(C::apply(Func::Exp, &a[0])?);
        let za = zero_mask(a);
        for k in 1..n {
            let terms: Vec<_> = (1..=k)
                .filter(|&j| !za[j])
                .map(|j| (j as i64, &a[j], &y[k - j]))
                .collect();
            y.push(C::dot(&terms).scale(&ratio(1, k as i64)));
        }
        Ok(Trunc { c: y })
    }

    /// `ln(self)`: `y = ln a_0 + int a'/a`.
    pub fn ln(&self, what: &dyn Fn() -> String) -> Result<Trunc<C>, Fail> {
        self.nonzero_constant_term(what)?;
        let y0 = C::apply(Func::Ln, &self.c[0])?;
        let d = self.derivative().div(self, what)?;
        Ok(d.integral(y0))
    }

    /// `(sin, cos)` or `(sinh, cosh)` of `self`, jointly:
    /// `k s_k = sum j a_j c_{k-j}`, `k c_k = -+ sum j a_j s_{k-j}`.
    pub fn sin_cos(&self, hyperbolic: bool) -> Result<(Trunc<C>, Trunc<C>), Fail> {
        let n = self.order();
        if n == 0 {
            return Ok((Trunc::zeros(0), Trunc::zeros(0)));
        }
        let a = &self.c;
        let (fs, fc) = if hyperbolic {
            (Func::Sinh, Func::Cosh)
        } else {
            (Func::Sin, Func::Cos)
        };
        let mut s = vec![C::apply(fs, &a[0])?];
        let mut c = vec![C::apply(fc, &a[0])?];
        for k in 1..n {
            let js: Vec<usize> = (1..=k).filter(|&j| !a[j].is_zero_fast()).collect();
            let st: Vec<_> = js.iter().map(|&j| (j as i64, &a[j], &c[k - j])).collect();
            let ct: Vec<_> = js.iter().map(|&j| (j as i64, &a[j], &s[k - j])).collect();
            let (ss, cc) = (C::dot(&st), C::dot(&ct));
            let inv_k = ratio(1, k as i64);
            s.push(ss.scale(&inv_k));
            let cc = cc.scale(&inv_k);
            c.push(if hyperbolic { cc } else { cc.neg() });
        }
        Ok((Trunc { c: s }, Trunc { c }))
    }

    /// `tan(self)` (`y' = (1 + y^2) a'`) or `tanh(self)` (`y' = (1 - y^2) a'`).
    pub fn tan(&self, hyperbolic: bool) -> Result<Trunc<C>, Fail> {
        let n = self.order();
        if n == 0 {
            return Ok(Trunc::zeros(0));
        }
        let a = &self.c;
        let f = if hyperbolic { Func::Tanh } else { Func::Tan };
        let y0 = C::apply(f, &a[0])?;
        let sq = |y: &C| if hyperbolic { y.neg() } else { y.clone() };
        // w = 1 +- y^2, built one coefficient behind y.
        let mut w: Vec<C> = vec![C::int(1).add(&sq(&y0.mul(&y0)))];
        let za = zero_mask(a);
        let mut zw = vec![w[0].is_zero_fast()];
        let mut zy = vec![y0.is_zero_fast()];
        let mut y: Vec<C> = vec![y0];
        for k in 1..n {
            let terms: Vec<_> = (1..=k)
                .filter(|&j| !za[j] && !zw[k - j])
                .map(|j| (j as i64, &a[j], &w[k - j]))
                .collect();
            let yk = C::dot(&terms).scale(&ratio(1, k as i64));
            zy.push(yk.is_zero_fast());
            y.push(yk);
            // w_k = +- sum_{i=0..k} y_i y_{k-i}, by symmetry.
            let terms: Vec<_> = (0..=k / 2)
                .filter(|&i| !zy[i] && !zy[k - i])
                .map(|i| (if 2 * i == k { 1 } else { 2 }, &y[i], &y[k - i]))
                .collect();
            let wk = sq(&C::dot(&terms));
            zw.push(wk.is_zero_fast());
            w.push(wk);
        }
        Ok(Trunc { c: y })
    }

    /// The inverse functions and `erf`, by integrating their derivative.
    pub fn integrated(&self, func: Func, what: &dyn Fn() -> String) -> Result<Trunc<C>, Fail> {
        let n = self.order();
        if n == 0 {
            return Ok(Trunc::zeros(0));
        }
        let y0 = C::apply(func, &self.c[0])?;
        let da = self.derivative();
        let one = Trunc::constant(C::int(1), n);
        let sq = self.mul(self);
        let half = C::rational(ratio(-1, 2));
        let body = match func {
            Func::Atan => da.div(&one.add(&sq), what)?,
            Func::Atanh => da.div(&one.sub(&sq), what)?,
            Func::Asin => da.mul(&one.sub(&sq).pow_const(&half, what)?),
            Func::Acos => da.mul(&one.sub(&sq).pow_const(&half, what)?).neg(),
            Func::Asinh => da.mul(&one.add(&sq).pow_const(&half, what)?),
            Func::Acosh => da.mul(&sq.sub(&one).pow_const(&half, what)?),
            Func::Erf => {
                let k = C::int(2).div(&C::apply(Func::Sqrt, &C::pi()?)?)?;
                da.mul(&sq.neg().exp()?).scale(&k)
            }
            _ => unreachable!("not an integrated built-in: {func}"),
        };
        Ok(body.integral(y0).truncate(n))
    }

    /// `f(self)` for `f = Horner(coefficients of f)`, `self(0) = 0`: order
    /// `min(n_self, n_f v)`.
    pub fn compose(f: &Trunc<C>, g: &Trunc<C>) -> Trunc<C> {
        let v = g.zeros_before().max(1);
        let n = g.order().min(f.order().saturating_mul(v));
        let mut acc = Trunc::zeros(n);
        for fk in f.c.iter().rev() {
            let mut next = acc.mul(g).truncate(n);
            next.c.resize(n, C::int(0));
            if n > 0 {
                next.c[0] = next.c[0].add(fk);
            }
            acc = next;
        }
        acc
    }
}
