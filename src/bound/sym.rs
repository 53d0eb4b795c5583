//! The remainder of the multiplication gate's family of neurons, bounded through one variable.
//!
//! A network whose neurons are `w (s_1...s_n) phi(alpha s.x)` for all `2^n` sign vectors `s`
//! (one `phi`, one weight `w`, one input scale `alpha`), and whose polynomial part cancels the
//! Taylor part exactly (`Q = 0` in [`super::network::Model`]), has the remainder
//! `R(x) = w sum_s (s_1...s_n) G(alpha s.x)` with `G = phi - T` (`T` the Taylor polynomial of
//! `phi` at 0 through degree `m - 1`). The 256 neurons of `--inputs 8` cancel to a value
//! thousands of times smaller than each of them, which an enclosure neuron by neuron cannot
//! see; this module never forms the neurons. By induction on `n` (for one variable,
//! `G(c + u) - G(c - u) = 2u E[G'(c + uV)]`),
//!
//! ```text
//! sum_s (s_1...s_n) G(s.u) = prod_l (2 u_l) E[G^(n)(u_1 V_1 + ... + u_n V_n)],
//! ```
//!
//! `V_l` independent and uniform on `[-1, 1]`. With `x = t y` and `S = sum_l y_l V_l`, Taylor's
//! theorem for `G^(n)` at 0 with the Lagrange remainder of even order `K`, the odd moments of
//! the symmetric `S` being 0 and its even ones `E[S^(2i)] = (2i)! e_i(y)` with
//! `sum_i e_i(y) u^i = prod_l sinh(y_l sqrt u) / (y_l sqrt u)`:
//!
//! ```text
//! R(t y) / t^m = w (2 alpha)^n prod(y) sum_(k even, k >= max(0, m - n))^K
//!                 (n + k)! alpha^k t^(n + k - m) e_(k/2)(y) C_k,
//! ```
//!
//! `C_k = phi^(n+k)(0) / (n+k)!` below `K`, and `C_K` enclosing `phi^(n+K)(xi) / (n+K)!` for
//! `|xi| <= alpha t |y|_1` (`S^K >= 0`, so `E[S^K phi^(n+K)(xi_S)]` lies in `E[S^K]` times
//! the hull). Every even `K` up to [`MAX_K`] gives an enclosure; a box gets their
//! intersection. Every factor depends on `y` only through `|y_l|` and symmetrically, so `|R|` on
//! the `2n` faces of the cube is its value on the one face `y_1 = 1`, `y_l in [0, 1]`, where
//! `prod(y)` and the `e_i` (positive coefficients) are enclosed exactly by interval arithmetic.
//! `phi^(n+K)` is enclosed on cells of `[-alpha r n, alpha r n]` by interval Taylor arithmetic,
//! which also proves `phi` smooth there (the identity needs `G` in `C^(n+K)`).

use super::fi::Fi;
use super::network::{fi_const, Model, Network, Z};
use super::BoundError;
use crate::expr::Expr;
use crate::interval::{taylor_coefficients, Interval, MAX_TAYLOR_ORDER};
use crate::number::{Const, ZeroTest};
use crate::series::factorial;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use std::cell::RefCell;

/// The highest Lagrange order `K` tried.
const MAX_K: usize = 64;
/// Cells of the enclosure of `phi^(n+K)` on `[-alpha r n, alpha r n]`.
const CELLS: usize = 64;
/// Working precision of the enclosures (bits).
const PREC: u32 = 64;

/// The model of one gate family (see the module docs).
pub struct SignModel {
    n: usize,
    /// `w (2 alpha)^n`.
    scale: Fi,
    alpha: Fi,
    /// `(k, power of t, (n + k)! alpha^k C_k(0), (n + k)! alpha^k)` for every even `k` from
    /// `k0 = max(0, m - n)` (rounded up to even) to the highest order `K_max`.
    terms: Vec<(usize, u32, Fi, Fi)>,
    /// `1 / (2c + 1)!`, `c = 0 ..= K_max/2`.
    inverse_odd_factorials: Vec<Fi>,
    phi: Expr,
    amax: f64,
    /// Per cell, the enclosures of `phi^(n+K)/(n+K)!` for every `K` of `terms`.
    cells: RefCell<Vec<Option<Vec<Fi>>>>,
    count: RefCell<usize>,
}

fn rat(x: f64) -> BigRational {
    BigRational::from_float(x).unwrap_or_default()
}

/// `(w, alpha)` when `net` is a gate family with `Q = 0` (every other case: `None`).
pub fn detect(net: &Network, model: &Model) -> Option<(Const, BigRational)> {
    let n = net.vars.len();
    if n == 0 || n >= 16 || net.neurons.len() != 1 << n || !model.q_exact.is_empty() {
        return None;
    }
    let first = &net.neurons[0];
    let alpha = first.input[0].to_rational()?.abs();
    if alpha.is_zero() {
        return None;
    }
    let mut seen = vec![false; 1 << n];
    let mut w: Option<Const> = None;
    for nr in &net.neurons {
        if nr.phi != first.phi || nr.input.len() != n {
            return None;
        }
        let mut mask = 0usize;
        let mut negative = false;
        for (l, a) in nr.input.iter().enumerate() {
            let a = a.to_rational()?;
            if a.abs() != alpha {
                return None;
            }
            if a.is_negative() {
                mask |= 1 << l;
                negative = !negative;
            }
        }
        if std::mem::replace(&mut seen[mask], true) {
            return None;
        }
        let ws = if negative {
            -&nr.weight
        } else {
            nr.weight.clone()
        };
        match &w {
            None => w = Some(ws),
            Some(w0) => {
                if (w0 - &ws).zero_test() != ZeroTest::Zero {
                    return None;
                }
            }
        }
    }
    Some((w?, alpha))
}

impl SignModel {
    /// The model of `w sum_s (s_1...s_n) (phi - T)(alpha s.x)` of order `m` for
    /// `|x|_inf <= radius`.
    pub fn new(
        phi: &Expr,
        n: usize,
        m: usize,
        w: &Const,
        alpha: &BigRational,
        radius: &BigRational,
    ) -> Result<SignModel, BoundError> {
        let kmax = MAX_K.min(MAX_TAYLOR_ORDER - n) & !1;
        let k0 = {
            let k = m.saturating_sub(n);
            k + (k & 1)
        };
        if k0 + 2 > kmax {
            return Err(BoundError::NotANetwork);
        }
        let zero = Interval::from_int(0);
        let at0 = taylor_coefficients(phi, Z, &zero, n + kmax, PREC)?;
        let af = Fi::from_rational(alpha);
        let rf = Fi::from_rational(radius);
        let weight = |k: usize| -> Fi {
            let q = BigRational::from_integer(factorial(n + k)) * num_traits::Pow::pow(alpha, k);
            Fi::from_rational(&q)
        };
        let inverse_odd_factorials: Vec<Fi> = (0..=kmax / 2)
            .map(|c| Fi::from_rational(&BigRational::new(BigInt::one(), factorial(2 * c + 1))))
            .collect();
        // The highest order used: the first even order whose term at the corner y = 1, t = r,
        // and the next are negligible, or the smallest term where the series diverges (every
        // order up to it gives an enclosure; higher ones only cost).
        let ones = vec![Fi::point(1.0); n];
        let e1 = e_polys(&ones, kmax / 2, &inverse_odd_factorials);
        let size: Vec<f64> = (k0..=kmax)
            .step_by(2)
            .map(|k| {
                weight(k)
                    .mul(Fi::from_interval(&at0[n + k]))
                    .mul(rf.powi((n + k - m) as u32))
                    .mul(e1[k / 2])
                    .mag()
            })
            .collect();
        let top = size.iter().copied().fold(0.0, f64::max);
        let ahead = |i: usize| size[i].max(size.get(i + 1).copied().unwrap_or(f64::INFINITY));
        let last = (0..size.len())
            .find(|&i| ahead(i) <= 1e-7 * top)
            .unwrap_or_else(|| {
                (0..size.len())
                    .min_by(|&a, &b| ahead(a).total_cmp(&ahead(b)))
                    .unwrap_or(0)
            });
        let kmax = k0 + 2 * (last + 1).min(size.len() - 1);
        let inverse_odd_factorials = inverse_odd_factorials[..=kmax / 2].to_vec();
        let terms = (k0..=kmax)
            .step_by(2)
            .map(|k| {
                let wk = weight(k);
                (
                    k,
                    (n + k - m) as u32,
                    wk.mul(Fi::from_interval(&at0[n + k])),
                    wk,
                )
            })
            .collect();
        let two_alpha_n = Fi::from_rational(&num_traits::Pow::pow(
            &(alpha * BigRational::from_integer(2.into())),
            n as u32,
        ));
        let amax = super::fi::up(af.hi * rf.hi * n as f64 * (1.0 + 1e-12));
        let model = SignModel {
            n,
            scale: fi_const(w)?.mul(two_alpha_n),
            alpha: af,
            terms,
            inverse_odd_factorials,
            phi: phi.clone(),
            amax,
            cells: RefCell::new(vec![None; CELLS]),
            count: RefCell::new(0),
        };
        // Every cell at once: a failure (phi not smooth on the reach) refuses the model here,
        // not in the middle of the search.
        model.lagrange(amax)?;
        Ok(model)
    }

    /// The highest Lagrange order `K_max`.
    pub fn order(&self) -> usize {
        self.terms.last().map_or(0, |t| t.0)
    }

    /// Cells of `phi^(n+K)` enclosed.
    pub fn cells(&self) -> usize {
        *self.count.borrow()
    }

    /// For every `K` of `terms`, the hull of `phi^(n+K)(xi) / (n+K)!` over `|xi| <= a`.
    fn lagrange(&self, a: f64) -> Result<Vec<Fi>, BoundError> {
        if a > self.amax {
            return Err(BoundError::Phi(format!(
                "argument {a} outside the table [-{}, {}]",
                self.amax, self.amax
            )));
        }
        let width = 2.0 * self.amax / CELLS as f64;
        let mut cells = self.cells.borrow_mut();
        let mut acc: Option<Vec<Fi>> = None;
        for (i, cell) in cells.iter_mut().enumerate() {
            let lo = -self.amax + width * i as f64;
            let hi = if i + 1 == CELLS {
                self.amax
            } else {
                -self.amax + width * (i + 1) as f64
            };
            if hi < -a || lo > a {
                continue;
            }
            if cell.is_none() {
                *self.count.borrow_mut() += 1;
                let iv = Interval::new(&rat(lo), &rat(hi), PREC)?;
                let c = taylor_coefficients(&self.phi, Z, &iv, self.n + self.order(), PREC)?;
                *cell = Some(
                    self.terms
                        .iter()
                        .map(|&(k, ..)| Fi::from_interval(&c[self.n + k]))
                        .collect(),
                );
            }
            let enc = cell.as_ref().expect("just computed");
            acc = Some(match acc {
                None => enc.clone(),
                Some(a) => a.iter().zip(enc).map(|(x, y)| x.hull(*y)).collect(),
            });
        }
        acc.ok_or_else(|| BoundError::Phi("empty query".into()))
    }

    /// Encloses `R(t y) / t^m` over `t` in `t`, `y` in the box `y`: the intersection of the
    /// enclosures with every Lagrange order `K` (a high order wins for an entire `phi` far
    /// out, a low one where the series of `phi` diverges).
    pub fn eval_ray(&self, t: Fi, y: &[Fi]) -> Result<Fi, BoundError> {
        let ay: Vec<Fi> = y.iter().map(|v| v.abs()).collect();
        let e = e_polys(&ay, self.order() / 2, &self.inverse_odd_factorials);
        let reach = ay
            .iter()
            .fold(Fi::point(0.0), |s, v| s.add(*v))
            .mul(t.abs())
            .mul(self.alpha)
            .hi;
        let hulls = self.lagrange(reach)?;
        let mut exact = Fi::point(0.0);
        let mut best = Fi::entire();
        for (&(k, p, c0, wk), h) in self.terms.iter().zip(&hulls) {
            let tp = t.powi(p).mul(e[k / 2]);
            // Terms below k exactly, the Lagrange term of order k over the reach.
            best = best.intersect(exact.add(wk.mul(*h).mul(tp)));
            exact = exact.add(c0.mul(tp));
        }
        let prod = ay.iter().fold(Fi::point(1.0), |s, v| s.mul(*v));
        Ok(self.scale.mul(prod).mul(best))
    }
}

/// `e_0 .. e_top` of `|y|` (every `y_l >= 0`): the coefficients of `u^i` in
/// `prod_l sum_c y_l^(2c) u^c / (2c + 1)!` (positive, so exact ranges up to rounding).
fn e_polys(y: &[Fi], top: usize, inverse_odd_factorials: &[Fi]) -> Vec<Fi> {
    let mut acc = vec![Fi::point(0.0); top + 1];
    acc[0] = Fi::point(1.0);
    let mut next = acc.clone();
    for v in y {
        let v2 = v.powi(2);
        let mut pw = vec![Fi::point(1.0); top + 1];
        for c in 1..=top {
            pw[c] = pw[c - 1].mul(v2);
        }
        let factor: Vec<Fi> = (0..=top)
            .map(|c| pw[c].mul(inverse_odd_factorials[c]))
            .collect();
        for i in 0..=top {
            let mut s = Fi::point(0.0);
            for c in 0..=i {
                s = s.add(acc[i - c].mul(factor[c]));
            }
            next[i] = s;
        }
        std::mem::swap(&mut acc, &mut next);
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_of_sums_of_uniforms() {
        // E[(V_1 + V_2)^2] = 2/3 = 2! e_1, E[(V_1 + V_2)^4] = 2 (1/5) + 6 (1/3)^2 = 16/15 =
        // 4! e_2 (by hand).
        let inv: Vec<Fi> = (0..=2)
            .map(|c| Fi::from_rational(&BigRational::new(BigInt::one(), factorial(2 * c + 1))))
            .collect();
        let e = e_polys(&[Fi::point(1.0), Fi::point(1.0)], 2, &inv);
        assert!((e[1].mid() * 2.0 - 2.0 / 3.0).abs() < 1e-15);
        assert!((e[2].mid() * 24.0 - 16.0 / 15.0).abs() < 1e-14);
    }
}
