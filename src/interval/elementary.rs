//! Enclosures of the built-in functions and of `pi` and `e`.
//!
//! `*_point` functions enclose `f(x)` at a dyadic point; `*_series` functions enclose a Taylor
//! series plus its remainder bound over a narrow interval. The public methods on
//! [`Interval`] combine them with monotonicity (or extrema) into enclosures over intervals.

use super::dyadic::{Dyadic, Round};
use super::{p, Interval, IntervalError};
use crate::expr::Func;
use std::cell::RefCell;

type R = Result<Interval, IntervalError>;

/// Guard bits added to the working precision inside every function.
const GUARD: u32 = 24;

/// A precision so large that additions are exact.
const EXACT: u32 = u32::MAX / 2;

/// `exp` arguments must satisfy `|x| < 2^EXP_MAX_TOP`.
const EXP_MAX_TOP: i64 = 40;

/// `sin`/`cos`/`tan` arguments must satisfy `|x| < 2^TRIG_MAX_TOP`.
const TRIG_MAX_TOP: i64 = 1 << 16;

fn half() -> Dyadic {
    Dyadic::pow2(-1)
}

fn one() -> Dyadic {
    Dyadic::from_int(1)
}

/// `[-r, r]` for `r >= 0`.
fn symmetric(r: Dyadic) -> Interval {
    Interval::from_dyadics(r.neg(), r)
}

/// Whether `x` is at most `2^-bits * scale` in magnitude (or zero).
fn negligible(x: &Dyadic, scale_top: i64, bits: u32) -> bool {
    x.is_zero() || x.top() < scale_top - bits as i64
}

/// `sum_{k>=0} s^k z^(2k+1)/(2k+1)` with `s = +1` (atanh) or `-1` (atan), `|z| <= 1/2`.
/// Tail bound: `sum_{j>=k} |z|^(2j+1)/(2j+1) <= |z|^(2k+1) / (1 - 1/4) <= 2 |z|^(2k+1)`.
fn arctan_like_series(z: &Interval, alternating: bool, w: u32) -> Interval {
    let scale = z.mag();
    if scale.is_zero() {
        return Interval::from_int(0);
    }
    let z2 = z.sqr(w);
    let mut pw = z.clone();
    let mut sum = z.clone();
    let mut k: u64 = 1;
    loop {
        pw = pw.mul(&z2, w);
        let m = pw.mag();
        if negligible(&m, scale.top(), w + 2) {
            return sum.add(&symmetric(m.mul_pow2(1)), w);
        }
        let term = pw.div_int(2 * k + 1, w);
        sum = if alternating && k % 2 == 1 {
            sum.sub(&term, w)
        } else {
            sum.add(&term, w)
        };
        k += 1;
    }
}

/// `exp(r)` for `|r| <= 1/2`; tail `sum_{j>=k} |r|^j/j! <= 2 |T_k|`.
fn exp_series(r: &Interval, w: u32) -> Interval {
    let mut sum = Interval::from_int(1).add(r, w);
    let mut term = r.clone();
    let mut k: u64 = 1;
    loop {
        k += 1;
        term = term.mul(r, w).div_int(k, w);
        let m = term.mag();
        if negligible(&m, 1, w + 2) {
            return sum.add(&symmetric(m.mul_pow2(1)), w);
        }
        sum = sum.add(&term, w);
    }
}

/// `sin(r)` (`odd`) or `cos(r)` over a narrow interval with `|r| <= 1`: alternating series with
/// decreasing terms, tail `<= |next term|`.
fn sin_cos_series(r: &Interval, odd: bool, w: u32) -> Interval {
    let r2 = r.sqr(w);
    let (mut term, scale_top) = if odd {
        let m = r.mag();
        if m.is_zero() {
            return Interval::from_int(0);
        }
        (r.clone(), m.top())
    } else {
        (Interval::from_int(1), 1)
    };
    let mut sum = term.clone();
    let mut k: u64 = if odd { 1 } else { 0 };
    let mut sign_negative = false;
    loop {
        term = term.mul(&r2, w).div_int((k + 1) * (k + 2), w);
        k += 2;
        sign_negative = !sign_negative;
        let m = term.mag();
        if negligible(&m, scale_top, w + 2) {
            return sum.add(&symmetric(m), w);
        }
        sum = if sign_negative {
            sum.sub(&term, w)
        } else {
            sum.add(&term, w)
        };
    }
}

/// `sinh(r)` for `|r| <= 1/2`; positive ratios `<= 1/24`, tail `<= 2 |next term|`.
fn sinh_series(r: &Interval, w: u32) -> Interval {
    let m0 = r.mag();
    if m0.is_zero() {
        return Interval::from_int(0);
    }
    let r2 = r.sqr(w);
    let mut term = r.clone();
    let mut sum = r.clone();
    let mut k: u64 = 1;
    loop {
        term = term.mul(&r2, w).div_int((k + 1) * (k + 2), w);
        k += 2;
        let m = term.mag();
        if negligible(&m, m0.top(), w + 2) {
            return sum.add(&symmetric(m.mul_pow2(1)), w);
        }
        sum = sum.add(&term, w);
    }
}

thread_local! {
    static PI_CACHE: RefCell<Option<(u32, Interval)>> = const { RefCell::new(None) };
    static LN2_CACHE: RefCell<Option<(u32, Interval)>> = const { RefCell::new(None) };
}

fn cached(
    cache: &'static std::thread::LocalKey<RefCell<Option<(u32, Interval)>>>,
    w: u32,
    compute: impl FnOnce(u32) -> Interval,
) -> Interval {
    if let Some(hit) = cache.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(pr, _)| *pr >= w)
            .map(|(_, v)| v.round_out(w))
    }) {
        return hit;
    }
    let wm = with_margin(w);
    let v = compute(wm);
    cache.with(|c| *c.borrow_mut() = Some((wm, v.clone())));
    v.round_out(w)
}

/// `sum_{k>=0} s^k / ((2k+1) n^(2k+1))` for an integer `n >= 2` (`s = -1`: `atan(1/n)`,
/// `s = +1`: `atanh(1/n)`), summed exactly by binary splitting and rounded once: `pi` and
/// `ln 2` at the tens of thousands of bits that the argument reduction of `sin(1e10000)`
/// needs cost milliseconds (a term-by-term sum costs seconds there).
fn arctan_inv_series(n: u64, alternating: bool, w: u32) -> Interval {
    use num_bigint::BigInt;
    use num_rational::BigRational;
    let log2n = u64::from(63 - n.leading_zeros());
    // n^(2K) >= 2^(w+2): the first omitted term is below 2^-(w+2).
    let terms = (u64::from(w) + 2).div_ceil(2 * log2n) + 1;
    let n2 = BigInt::from(n) * BigInt::from(n);
    let (_, q, b, t) = split(&n2, alternating, 0, terms);
    let sum = BigRational::new(t, b * q * BigInt::from(n));
    // The tail is at most the first omitted term (alternating) or 4/3 of it (n >= 2).
    let first_omitted = BigInt::from(n).pow(2 * terms as u32 + 1);
    let tail = BigRational::new(BigInt::from(2), first_omitted);
    Interval {
        lo: Interval::point(&(&sum - &tail), w).lo,
        hi: Interval::point(&(&sum + &tail), w).hi,
    }
}

/// Binary splitting of `sum_{a<=k<b} prod_{j<=k} p_j/q_j / (2k+1)` with `p_0 = q_0 = 1`,
/// `p_j = s`, `q_j = n^2`: returns `(P, Q, B, T)` with the sum equal to `T / (B Q)` (times
/// the product of the `p_j/q_j` before `a`).
fn split(
    n2: &num_bigint::BigInt,
    alternating: bool,
    a: u64,
    b: u64,
) -> (
    num_bigint::BigInt,
    num_bigint::BigInt,
    num_bigint::BigInt,
    num_bigint::BigInt,
) {
    use num_bigint::BigInt;
    crate::budget::check();
    if b - a == 1 {
        let p = BigInt::from(if a > 0 && alternating { -1 } else { 1 });
        let q = if a == 0 { BigInt::from(1) } else { n2.clone() };
        return (p.clone(), q, BigInt::from(2 * a + 1), p);
    }
    let m = a + (b - a) / 2;
    let (pl, ql, bl, tl) = split(n2, alternating, a, m);
    let (pr, qr, br, tr) = split(n2, alternating, m, b);
    let t = &br * &qr * tl + &bl * &pl * tr;
    (pl * pr, ql * qr, bl * br, t)
}

/// A cached constant is computed at a quarter more bits than asked, so that the slowly growing
/// precisions of one computation reuse it.
fn with_margin(w: u32) -> u32 {
    w.saturating_add(w / 4).saturating_add(64)
}

/// `pi` to `w` bits (Machin's formula).
fn pi_w(w: u32) -> Interval {
    cached(&PI_CACHE, w, |w| {
        let wg = w + 16;
        let a = arctan_inv_series(5, true, wg).mul_pow2(4);
        let b = arctan_inv_series(239, true, wg).mul_pow2(2);
        a.sub(&b, wg).round_out(w)
    })
}

/// `ln 2 = 2 atanh(1/3)` to `w` bits.
fn ln2_w(w: u32) -> Interval {
    cached(&LN2_CACHE, w, |w| {
        let wg = w + 16;
        arctan_inv_series(3, false, wg).mul_pow2(1).round_out(w)
    })
}

fn bits_of(k: i64) -> u32 {
    64 - k.unsigned_abs().leading_zeros()
}

/// `exp(x)` at a point.
fn exp_point(x: &Dyadic, w: u32) -> R {
    if x.is_zero() {
        return Ok(Interval::from_int(1));
    }
    if x.top() > EXP_MAX_TOP {
        return Err(IntervalError::TooLarge("exp argument"));
    }
    let k = (x.top() + 8).max(0);
    let wk = w + k as u32 + 10;
    let r = Interval::thin(x.mul_pow2(-k));
    let mut s = exp_series(&r, wk);
    for _ in 0..k {
        s = s.sqr(wk);
    }
    Ok(s.round_out(w))
}

/// `ln(x)` at a point `x > 0`.
fn ln_point(x: &Dyadic, w: u32) -> R {
    let mut k = x.top() - 1; // x / 2^k in [1, 2)
    let mut y = x.mul_pow2(-k);
    if y > Dyadic::from_int(3).mul_pow2(-1) {
        k += 1;
        y = y.mul_pow2(-1);
    }
    let wp = w + bits_of(k) + 10;
    let num = Interval::thin(y.sub(&one(), EXACT, Round::Down));
    let den = Interval::thin(y.add(&one(), EXACT, Round::Down));
    // den >= 7/4, so the division cannot fail.
    let z = num.div(&den, wp)?;
    let series = arctan_like_series(&z, false, wp).mul_pow2(1);
    let kln2 = ln2_w(wp).mul(&Interval::from_int(k), wp);
    Ok(series.add(&kln2, wp).round_out(w))
}

/// `atan` over a narrow interval, by halving `z -> z / (1 + sqrt(1 + z^2))`.
fn atan_narrow(z: &Interval, w: u32) -> Interval {
    let wp = w + 20;
    let mut z = z.clone();
    let mut halvings = 0;
    while z.mag().top() > -4 {
        if halvings > 200 {
            return Interval::from_dyadics(Dyadic::from_int(-2), Dyadic::from_int(2));
        }
        let root = sqrt_narrow(&Interval::from_int(1).add(&z.sqr(wp), wp), wp);
        let den = Interval::from_int(1).add(&root, wp);
        z = match z.div(&den, wp) {
            Ok(v) => v,
            Err(_) => return Interval::from_dyadics(Dyadic::from_int(-2), Dyadic::from_int(2)),
        };
        halvings += 1;
    }
    arctan_like_series(&z, true, wp)
        .mul_pow2(halvings)
        .round_out(w)
}

/// `sqrt` over an interval with `lo >= 0`.
fn sqrt_narrow(x: &Interval, w: u32) -> Interval {
    let lo = if x.lo.signum() <= 0 {
        Dyadic::zero()
    } else {
        x.lo.sqrt(w, Round::Down)
    };
    Interval::from_dyadics(lo, x.hi.sqrt(w, Round::Up))
}

/// `(sin x, cos x)` at a point.
fn sin_cos_point(x: &Dyadic, w: u32) -> Result<(Interval, Interval), IntervalError> {
    if x.top() > TRIG_MAX_TOP {
        return Err(IntervalError::TooLarge("trigonometric argument"));
    }
    let wp = w + 10;
    let (r, n) = if x.top() <= 0 {
        (Interval::thin(x.clone()), 0i64)
    } else {
        let wr = wp + x.top() as u32 + 10;
        let half_pi = pi_w(wr).mul_pow2(-1);
        let q = Interval::thin(x.clone()).div(&half_pi, wr)?;
        let n = q.lo.add(&half(), wr, Round::Down).floor_int();
        let nd = Dyadic::new(n.clone(), 0);
        let r = Interval::thin(x.clone()).sub(&half_pi.mul(&Interval::thin(nd), wr), wr);
        let n_mod4 = {
            let four = num_bigint::BigInt::from(4);
            let m = ((n % &four) + &four) % &four;
            i64::try_from(m).unwrap_or(0)
        };
        (r, n_mod4)
    };
    let s = sin_cos_series(&r, true, wp);
    let c = sin_cos_series(&r, false, wp);
    let (s, c) = match n {
        0 => (s, c),
        1 => (c, s.neg()),
        2 => (s.neg(), c.neg()),
        _ => (c.neg(), s),
    };
    Ok((clamp_unit(&s.round_out(w)), clamp_unit(&c.round_out(w))))
}

fn clamp_unit(x: &Interval) -> Interval {
    let unit = Interval::from_dyadics(Dyadic::from_int(-1), one());
    x.intersect(&unit).unwrap_or(unit)
}

/// `sinh` at a point.
fn sinh_point(x: &Dyadic, w: u32) -> R {
    let wp = w + 10;
    if x.top() <= -1 {
        return Ok(sinh_series(&Interval::thin(x.clone()), wp).round_out(w));
    }
    let e = exp_point(x, wp)?;
    Ok(e.sub(&e.recip(wp)?, wp).mul_pow2(-1).round_out(w))
}

/// `cosh` at a point.
fn cosh_point(x: &Dyadic, w: u32) -> R {
    let wp = w + 10;
    let e = exp_point(x, wp)?;
    Ok(e.add(&e.recip(wp)?, wp).mul_pow2(-1).round_out(w))
}

/// `tanh` at a point.
fn tanh_point(x: &Dyadic, w: u32) -> R {
    let wp = w + 10;
    if x.signum() < 0 {
        return Ok(tanh_point(&x.neg(), w)?.neg());
    }
    let t = if x.top() <= -1 {
        let s = sinh_series(&Interval::thin(x.clone()), wp);
        let c = sqrt_narrow(&Interval::from_int(1).add(&s.sqr(wp), wp), wp);
        s.div(&c, wp)?
    } else if x.top() > EXP_MAX_TOP {
        // 1 - tanh x = 2/(exp(2x)+1) < 2 exp(-2x) < 2^-(2^40)
        Interval::from_dyadics(one().sub(&Dyadic::pow2(-(1 << 30)), wp, Round::Down), one())
    } else {
        let e2 = exp_point(&x.mul_pow2(1), wp)?;
        let two = Interval::from_int(2);
        Interval::from_int(1).sub(&two.div(&e2.add(&Interval::from_int(1), wp), wp)?, wp)
    };
    Ok(clamp_unit(&t.round_out(w)))
}

/// `atan` at a point.
fn atan_point(x: &Dyadic, w: u32) -> Interval {
    atan_narrow(&Interval::thin(x.clone()), w)
}

/// `asin` at a point with `|x| <= 1`.
fn asin_point(x: &Dyadic, w: u32) -> R {
    let wp = w + 10;
    if x.abs() == one() {
        let h = pi_w(wp).mul_pow2(-1);
        let v = if x.signum() < 0 { h.neg() } else { h };
        return Ok(v.round_out(w));
    }
    let t = Dyadic::from_int(1).add(&x.mul_exact(x).neg(), EXACT, Round::Down);
    let root = sqrt_narrow(&Interval::thin(t), wp);
    let y = Interval::thin(x.clone()).div(&root, wp)?;
    Ok(atan_narrow(&y, wp).round_out(w))
}

/// `acos` at a point with `|x| <= 1`.
fn acos_point(x: &Dyadic, w: u32) -> R {
    let wp = w + 10;
    if *x == Dyadic::from_int(-1) {
        return Ok(pi_w(wp).round_out(w));
    }
    let exact = EXACT;
    let num = Interval::thin(one().sub(x, exact, Round::Down));
    let den = Interval::thin(one().add(x, exact, Round::Down));
    let root = sqrt_narrow(&num.div(&den, wp)?, wp);
    Ok(atan_narrow(&root, wp).mul_pow2(1).round_out(w))
}

/// `ln` over a narrow interval with `lo > 0`.
fn ln_narrow(y: &Interval, w: u32) -> R {
    if y.lo.signum() <= 0 {
        return Err(IntervalError::PartlyOutsideDomain { func: "ln" });
    }
    let lo = ln_point(&y.lo, w)?;
    if y.is_point() {
        return Ok(lo);
    }
    Ok(lo.hull(&ln_point(&y.hi, w)?))
}

/// `asinh` at a point.
fn asinh_point(x: &Dyadic, w: u32) -> R {
    let wp = w + 10;
    if x.signum() < 0 {
        return Ok(asinh_point(&x.neg(), w)?.neg());
    }
    let xi = Interval::thin(x.clone());
    let root = sqrt_narrow(&Interval::from_int(1).add(&xi.sqr(wp), wp), wp);
    let v = if x.top() <= -1 {
        arctan_like_series(&xi.div(&root, wp)?, false, wp)
    } else {
        ln_narrow(&xi.add(&root, wp), wp)?
    };
    Ok(v.round_out(w))
}

/// `asinh` over a narrow interval (monotone).
fn asinh_narrow(y: &Interval, w: u32) -> R {
    let lo = asinh_point(&y.lo, w)?;
    Ok(Interval::from_dyadics(lo.lo, asinh_point(&y.hi, w)?.hi))
}

/// `acosh` at a point `x >= 1`: `2 asinh(sqrt((x-1)/2))`.
fn acosh_point(x: &Dyadic, w: u32) -> R {
    let wp = w + 10;
    let t = x.sub(&one(), EXACT, Round::Down).mul_pow2(-1);
    let root = sqrt_narrow(&Interval::thin(t), wp);
    Ok(asinh_narrow(&root, wp)?.mul_pow2(1).round_out(w))
}

/// `atanh` at a point with `|x| < 1`.
fn atanh_point(x: &Dyadic, w: u32) -> R {
    let wp = w + 10;
    if x.top() <= -1 {
        return Ok(arctan_like_series(&Interval::thin(x.clone()), false, wp).round_out(w));
    }
    let exact = EXACT;
    let num = Interval::thin(one().add(x, exact, Round::Down));
    let den = Interval::thin(one().sub(x, exact, Round::Down));
    let q = num.div(&den, wp)?;
    Ok(ln_narrow(&q, wp)?.mul_pow2(-1).round_out(w))
}

/// `erf` at a point.
fn erf_point(x: &Dyadic, w: u32) -> R {
    if x.signum() < 0 {
        return Ok(erf_point(&x.neg(), w)?.neg());
    }
    if x.is_zero() {
        return Ok(Interval::from_int(0));
    }
    let wp = w + 10;
    let xi = Interval::thin(x.clone());
    let x2 = xi.sqr(wp + 10);
    // erfc x < exp(-x^2)/(x sqrt(pi)) <= 2^-(wp+10) when x >= 1 and x^2 >= 0.7 (wp + 10).
    let threshold =
        Dyadic::from_int(7 * (wp as i64 + 10)).div(&Dyadic::from_int(10), 64, Round::Up);
    if x.top() >= 1 && x2.lo >= threshold {
        let lo = one().sub(&Dyadic::pow2(-(wp as i64 + 10)), wp, Round::Down);
        return Ok(Interval::from_dyadics(lo, one()).round_out(w));
    }
    // Terms grow up to about exp(x^2) before decreasing; the sum has positive terms only.
    let wl = wp + 20 + bits_of(x2.hi.top().max(1)) + 4;
    let two_x2 = x2.mul_pow2(1);
    let bound = x2.hi.mul_pow2(2); // ratio 2x^2/(2n+3) <= 1/2 once 2n+3 >= 4x^2
    let mut term = xi.clone();
    let mut sum = xi.clone();
    let mut n: u64 = 0;
    loop {
        n += 1;
        term = term.mul(&two_x2, wl).div_int(2 * n + 1, wl);
        let ratio_ok = Dyadic::from_int((2 * n + 3) as i64) >= bound;
        let m = term.mag();
        if ratio_ok && negligible(&m, x.top(), wl + 2) {
            sum = sum.add(&Interval::from_dyadics(Dyadic::zero(), m.mul_pow2(1)), wl);
            break;
        }
        sum = sum.add(&term, wl);
        if n > 1_000_000 {
            return Err(IntervalError::TooLarge("erf series"));
        }
    }
    let e = exp_point(&x2.lo.neg(), wl)?.hull(&exp_point(&x2.hi.neg(), wl)?);
    let sqrt_pi = sqrt_narrow(&pi_w(wl), wl);
    let v = sum.mul(&e, wl).mul_pow2(1).div(&sqrt_pi, wl)?;
    Ok(clamp_unit(&v.round_out(w)))
}

/// Whether `[a, b]` contains a point `phase + k period` (`period = pi * 2^period_log2_over_pi`):
/// `(possibly, certainly)`.
fn contains_periodic_point(
    x: &Interval,
    phase: &Interval,
    period: &Interval,
    w: u32,
) -> Result<(bool, bool), IntervalError> {
    let qa = x.lo_interval().sub(phase, w).div(period, w)?;
    let qb = x.hi_interval().sub(phase, w).div(period, w)?;
    let possibly = qa.lo.ceil_int() <= qb.hi.floor_int();
    let certainly = qa.hi.ceil_int() <= qb.lo.floor_int();
    Ok((possibly, certainly))
}

impl Interval {
    fn lo_interval(&self) -> Interval {
        Interval::thin(self.lo.clone())
    }

    fn hi_interval(&self) -> Interval {
        Interval::thin(self.hi.clone())
    }

    /// `[f(lo).lo, f(hi).hi]` for an increasing `f` given at points.
    fn increasing(&self, f: impl Fn(&Dyadic) -> R) -> R {
        let a = f(&self.lo)?;
        if self.is_point() {
            return Ok(a);
        }
        let b = f(&self.hi)?;
        Ok(Interval::from_dyadics(a.lo, b.hi))
    }

    /// `pi` to `prec` bits.
    pub fn pi(prec: u32) -> Interval {
        pi_w(p(prec) + 4).round_out(p(prec))
    }

    /// `e` to `prec` bits.
    pub fn e(prec: u32) -> Interval {
        exp_point(&one(), p(prec))
            .unwrap_or_else(|_| Interval::from_dyadics(Dyadic::from_int(2), Dyadic::from_int(3)))
    }

    /// `ln 2` to `prec` bits.
    pub fn ln2(prec: u32) -> Interval {
        ln2_w(p(prec) + 4).round_out(p(prec))
    }

    fn check_domain(
        &self,
        func: &'static str,
        lo_ok: impl Fn(&Dyadic) -> bool,
        hi_ok: impl Fn(&Dyadic) -> bool,
    ) -> Result<(), IntervalError> {
        let (a, b) = (&self.lo, &self.hi);
        if lo_ok(a) && hi_ok(b) {
            return Ok(());
        }
        // Some point is inside iff [a, b] meets the domain.
        if lo_ok(b) && hi_ok(a) {
            Err(IntervalError::PartlyOutsideDomain { func })
        } else {
            Err(IntervalError::Domain { func })
        }
    }

    /// `sqrt` (domain `x >= 0`).
    ///
    /// # Errors
    /// A domain error when the interval reaches below 0.
    pub fn sqrt(&self, prec: u32) -> R {
        self.check_domain("sqrt", |a| a.signum() >= 0, |_| true)?;
        Ok(sqrt_narrow(self, p(prec)))
    }

    /// `exp`.
    ///
    /// # Errors
    /// [`IntervalError::TooLarge`] when `|x| >= 2^40`.
    pub fn exp(&self, prec: u32) -> R {
        self.increasing(|x| exp_point(x, p(prec) + GUARD).map(|v| v.round_out(p(prec))))
    }

    /// `ln` (domain `x > 0`).
    ///
    /// # Errors
    /// A domain error when the interval reaches to 0 or below.
    pub fn ln(&self, prec: u32) -> R {
        self.check_domain("ln", |a| a.signum() > 0, |_| true)?;
        self.increasing(|x| ln_point(x, p(prec) + GUARD).map(|v| v.round_out(p(prec))))
    }

    /// `sin`, with the maxima `pi/2 + 2k pi` and minima `-pi/2 + 2k pi` inside the interval
    /// taken into account.
    ///
    /// # Errors
    /// [`IntervalError::TooLarge`] for huge arguments.
    pub fn sin(&self, prec: u32) -> R {
        self.sin_or_cos(prec, true)
    }

    /// `cos`, with the extrema inside the interval taken into account.
    ///
    /// # Errors
    /// [`IntervalError::TooLarge`] for huge arguments.
    pub fn cos(&self, prec: u32) -> R {
        self.sin_or_cos(prec, false)
    }

    fn sin_or_cos(&self, prec: u32, sine: bool) -> R {
        let pr = p(prec);
        let w = pr + GUARD;
        let pick = |x: &Dyadic| -> R {
            let (s, c) = sin_cos_point(x, w)?;
            Ok(if sine { s } else { c }.round_out(pr))
        };
        let a = pick(&self.lo)?;
        if self.is_point() {
            return Ok(a);
        }
        let b = pick(&self.hi)?;
        let mut out = a.hull(&b);
        let wp = w + self.mag().top().max(0) as u32;
        let pi = pi_w(wp);
        let two_pi = pi.mul_pow2(1);
        let half_pi = pi.mul_pow2(-1);
        // sin: max at pi/2, min at -pi/2; cos: max at 0, min at pi (mod 2 pi).
        let (max_phase, min_phase) = if sine {
            (half_pi.clone(), half_pi.neg())
        } else {
            (Interval::from_int(0), pi.clone())
        };
        if contains_periodic_point(self, &max_phase, &two_pi, wp)?.0 {
            out.hi = one();
        }
        if contains_periodic_point(self, &min_phase, &two_pi, wp)?.0 {
            out.lo = Dyadic::from_int(-1);
        }
        Ok(clamp_unit(&out))
    }

    /// `tan` (increasing between its poles `pi/2 + k pi`).
    ///
    /// # Errors
    /// A domain error when the interval may contain a pole.
    pub fn tan(&self, prec: u32) -> R {
        let pr = p(prec);
        let w = pr + GUARD;
        if self.mag().top() > TRIG_MAX_TOP {
            return Err(IntervalError::TooLarge("trigonometric argument"));
        }
        let wp = w + self.mag().top().max(0) as u32;
        let pi = pi_w(wp);
        let (possibly, certainly) = contains_periodic_point(self, &pi.mul_pow2(-1), &pi, wp)?;
        if certainly {
            return Err(IntervalError::Domain { func: "tan" });
        }
        if possibly {
            return Err(IntervalError::PartlyOutsideDomain { func: "tan" });
        }
        self.increasing(|x| {
            let (s, c) = sin_cos_point(x, w)?;
            s.div(&c, w)
                .map_err(|_| IntervalError::PartlyOutsideDomain { func: "tan" })
                .map(|v| v.round_out(pr))
        })
    }

    /// `sinh`.
    ///
    /// # Errors
    /// [`IntervalError::TooLarge`] when `|x| >= 2^40`.
    pub fn sinh(&self, prec: u32) -> R {
        let pr = p(prec);
        self.increasing(|x| sinh_point(x, pr + GUARD).map(|v| v.round_out(pr)))
    }

    /// `cosh` (decreasing then increasing, minimum 1 at 0).
    ///
    /// # Errors
    /// [`IntervalError::TooLarge`] when `|x| >= 2^40`.
    pub fn cosh(&self, prec: u32) -> R {
        let pr = p(prec);
        let f = |x: &Dyadic| cosh_point(x, pr + GUARD).map(|v| v.round_out(pr));
        if self.lo.signum() >= 0 {
            self.increasing(f)
        } else if self.hi.signum() <= 0 {
            Ok(self.neg().increasing(|x| f(&x.neg()))?)
        } else {
            let hi = f(&self.lo)?.hi.max(f(&self.hi)?.hi);
            Ok(Interval::from_dyadics(one(), hi))
        }
    }

    /// `tanh`.
    ///
    /// # Errors
    /// Never in practice (huge arguments saturate).
    pub fn tanh(&self, prec: u32) -> R {
        let pr = p(prec);
        self.increasing(|x| tanh_point(x, pr + GUARD).map(|v| v.round_out(pr)))
    }

    /// `asin` (domain `[-1, 1]`).
    ///
    /// # Errors
    /// A domain error when the interval leaves `[-1, 1]`.
    pub fn asin(&self, prec: u32) -> R {
        let pr = p(prec);
        self.check_domain("asin", |a| *a >= Dyadic::from_int(-1), |b| *b <= one())?;
        self.increasing(|x| asin_point(x, pr + GUARD).map(|v| v.round_out(pr)))
    }

    /// `acos` (domain `[-1, 1]`, decreasing).
    ///
    /// # Errors
    /// A domain error when the interval leaves `[-1, 1]`.
    pub fn acos(&self, prec: u32) -> R {
        let pr = p(prec);
        self.check_domain("acos", |a| *a >= Dyadic::from_int(-1), |b| *b <= one())?;
        let at_hi = acos_point(&self.hi, pr + GUARD)?;
        if self.is_point() {
            return Ok(at_hi.round_out(pr));
        }
        let at_lo = acos_point(&self.lo, pr + GUARD)?;
        Ok(Interval::from_dyadics(at_hi.lo, at_lo.hi).round_out(pr))
    }

    /// `atan`.
    pub fn atan(&self, prec: u32) -> Interval {
        let pr = p(prec);
        let a = atan_point(&self.lo, pr + GUARD).round_out(pr);
        if self.is_point() {
            return a;
        }
        let b = atan_point(&self.hi, pr + GUARD).round_out(pr);
        Interval::from_dyadics(a.lo, b.hi)
    }

    /// `asinh`.
    ///
    /// # Errors
    /// Never in practice.
    pub fn asinh(&self, prec: u32) -> R {
        let pr = p(prec);
        self.increasing(|x| asinh_point(x, pr + GUARD).map(|v| v.round_out(pr)))
    }

    /// `acosh` (domain `x >= 1`).
    ///
    /// # Errors
    /// A domain error when the interval reaches below 1.
    pub fn acosh(&self, prec: u32) -> R {
        let pr = p(prec);
        self.check_domain("acosh", |a| *a >= one(), |_| true)?;
        self.increasing(|x| acosh_point(x, pr + GUARD).map(|v| v.round_out(pr)))
    }

    /// `atanh` (domain `-1 < x < 1`).
    ///
    /// # Errors
    /// A domain error when the interval reaches `-1` or `1`.
    pub fn atanh(&self, prec: u32) -> R {
        let pr = p(prec);
        self.check_domain("atanh", |a| *a > Dyadic::from_int(-1), |b| *b < one())?;
        self.increasing(|x| atanh_point(x, pr + GUARD).map(|v| v.round_out(pr)))
    }

    /// `erf`.
    ///
    /// # Errors
    /// Never in practice (large arguments saturate).
    pub fn erf(&self, prec: u32) -> R {
        let pr = p(prec);
        self.increasing(|x| erf_point(x, pr + GUARD).map(|v| v.round_out(pr)))
    }

    /// Applies a built-in to its arguments.
    ///
    /// # Errors
    /// The error of the function, or [`IntervalError::Arity`].
    pub fn apply(func: Func, args: &[Interval], prec: u32) -> R {
        if args.len() != func.arity() {
            return Err(IntervalError::Arity(func.name()));
        }
        let x = &args[0];
        match func {
            Func::Exp => x.exp(prec),
            Func::Ln => x.ln(prec),
            Func::Sqrt => x.sqrt(prec),
            Func::Abs => Ok(x.abs()),
            Func::Min => Ok(x.min(&args[1])),
            Func::Max => Ok(x.max(&args[1])),
            Func::Sin => x.sin(prec),
            Func::Cos => x.cos(prec),
            Func::Tan => x.tan(prec),
            Func::Sinh => x.sinh(prec),
            Func::Cosh => x.cosh(prec),
            Func::Tanh => x.tanh(prec),
            Func::Asin => x.asin(prec),
            Func::Acos => x.acos(prec),
            Func::Atan => Ok(x.atan(prec)),
            Func::Asinh => x.asinh(prec),
            Func::Acosh => x.acosh(prec),
            Func::Atanh => x.atanh(prec),
            Func::Erf => x.erf(prec),
        }
    }
}
