//! Taylor arithmetic on enclosures: the Taylor coefficients of an expression at every point of
//! an interval, enclosed, hence rigorous bounds of its derivatives over the interval.
//!
//! A truncated series `[a_0, ..., a_N]` has interval coefficients; `a_k` contains the `k`-th
//! Taylor coefficient `f^(k)(xi)/k!` for *every* `xi` in the interval `X` of the variable. The
//! recurrences are those of exact series (`exp`: `f_k = (1/k) sum j a_j f_(k-j)`, Cauchy
//! products, ...), evaluated in interval arithmetic, which is inclusion-monotone: each
//! recurrence applied to the point values gives the exact coefficients at that point, and the
//! interval evaluation contains every such result. The expression is lowered once to the graph
//! ([`crate::ir`]) and evaluated in the domain of such truncated series (`Jets`).
//!
//! ```
//! use taylorgate::interval::{derivative_bound, Interval};
//! use taylorgate::{Expr, Func};
//! use num_rational::BigRational;
//! let x = Interval::new(&BigRational::from_integer(0.into()), &BigRational::from_integer(1.into()), 64).unwrap();
//! // |exp^(5)| <= e on [0, 1]
//! let m = derivative_bound(&Expr::call(Func::Exp, Expr::var("x")), "x", &x, 5, 64).unwrap();
//! assert!(m >= BigRational::new(271828.into(), 100000.into()));
//! assert!(m <= BigRational::new(272.into(), 100.into()));
//! ```

use super::enclose::{exact_op, exact_pow};
use super::{Interval, IntervalError};
use crate::expr::{CmpOp, Expr, Func};
use crate::ir::{Cond, Domain, Evaluator, Graph, Id, Piece, Side};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

type R<T> = Result<T, IntervalError>;
type S = Vec<Interval>;

/// The highest order accepted by [`taylor_coefficients`].
pub const MAX_TAYLOR_ORDER: usize = 200;

/// Encloses the Taylor coefficients `c_0..c_order` of `expr(x + t)` in `t`, for every `x` in
/// the interval `at` of the variable `var`: `c_k` contains `f^(k)(x)/k!` for all such `x`.
///
/// Built-ins: every elementary function of the language; `if`, `abs`, `min`, `max` only when
/// their switching quantity has a proved strict sign over the whole interval (otherwise
/// [`IntervalError::Unsupported`]).
///
/// # Errors
/// A domain error of a built-in over the interval, an undecided switch, an unbound variable,
/// an order above [`MAX_TAYLOR_ORDER`].
pub fn taylor_coefficients(
    expr: &Expr,
    var: &str,
    at: &Interval,
    order: usize,
    prec: u32,
) -> R<Vec<Interval>> {
    let (graph, root) = super::enclose::lower(expr)?;
    taylor_coefficients_of(&graph, root, var, at, &[], order, prec)
}

/// [`taylor_coefficients`] of node `root` of a graph (lowered once, evaluated for many
/// boxes), with the other variables bound to intervals: `c_k` contains
/// `d^k/dx^k f(x, y) / k!` for every `x` in `at` and every `y` in the box of `bindings` (the
/// other variables are constants of the expansion, each ranging over its interval; a
/// variable bound twice counts by its first binding).
///
/// ```
/// use taylorgate::interval::{taylor_coefficients_of, Interval};
/// use taylorgate::ir::Lowering;
/// use taylorgate::parse::parse_expr;
/// use num_rational::BigRational;
/// let q = |n: i64| BigRational::from_integer(n.into());
/// let defs = taylorgate::Definitions::new();
/// let e = parse_expr("exp(t*y)", &defs).unwrap();
/// let mut lowering = Lowering::new(&defs);
/// let root = lowering.lower_scalar(&e, "the expression").unwrap();
/// let zero = Interval::point(&q(0), 64);
/// let y = Interval::new(&q(1), &q(2), 64).unwrap();
/// // d^2/dt^2 exp(t y) / 2 at t = 0 is y^2/2, in [1/2, 2] for y in [1, 2].
/// let c = taylor_coefficients_of(lowering.graph(), root, "t", &zero, &[("y", y)], 2, 64).unwrap();
/// assert!(c[2].contains(&BigRational::new(1.into(), 2.into())));
/// assert!(c[2].contains(&q(2)));
/// assert!(!c[2].contains(&BigRational::new(21.into(), 10.into())));
/// ```
///
/// # Errors
/// As [`taylor_coefficients`].
pub fn taylor_coefficients_of(
    graph: &Graph,
    root: Id,
    var: &str,
    at: &Interval,
    bindings: &[(&str, Interval)],
    order: usize,
    prec: u32,
) -> R<Vec<Interval>> {
    if order > MAX_TAYLOR_ORDER {
        return Err(IntervalError::TooLarge("Taylor order"));
    }
    let naive = |at: &Interval, n: usize| -> R<S> {
        let domain = Jets {
            var,
            at,
            bindings,
            n,
            prec,
        };
        Ok(Evaluator::new(graph, domain).value(root)?.c)
    };
    if at.is_point() {
        return naive(at, order + 1);
    }
    // Centred (mean-value) form: c_k(x) = c_k(m) + (k + 1) c_(k+1)(xi) (x - m) for some xi
    // between the midpoint m and x; intersected with the direct enclosure.
    let wide = naive(at, order + 2)?;
    let m = Interval::point(&at.midpoint(), prec.saturating_add(8));
    let Ok(at_mid) = naive(&m, order + 1) else {
        return Ok(wide.into_iter().take(order + 1).collect());
    };
    let offset = at.sub(&m, prec);
    Ok((0..=order)
        .map(|k| {
            let slope = wide[k + 1].mul(&Interval::from_int(k as i64 + 1), prec);
            let centred = at_mid[k].add(&slope.mul(&offset, prec), prec);
            centred.intersect(&wide[k]).unwrap_or(centred)
        })
        .collect())
}

/// Pieces of an interval wider than `1/4` are bounded separately (at most this many).
const MAX_PIECES: usize = 256;

/// Derivative bounds above `2^MAX_BOUND_BITS` are refused: no certificate can use them, and as
/// exact rationals (`exp` on `|x| <= 10^6` reaches `2^(2.9 10^6)`) they cost seconds per step.
const MAX_BOUND_BITS: i64 = 4096;

/// A rigorous upper bound (a dyadic rational) of `sup |f^(k)|` over the interval `at`, from
/// [`taylor_coefficients`]: `k! max |c_k|`. An interval wider than `1/4` is cut into pieces
/// of width at most `1/4` (at most 256), each bounded separately, which keeps the
/// overestimation of interval arithmetic small.
///
/// # Errors
/// As [`taylor_coefficients`]; a bound above `2^4096` is refused.
pub fn derivative_bound(
    expr: &Expr,
    var: &str,
    at: &Interval,
    k: usize,
    prec: u32,
) -> R<BigRational> {
    derivative_bounds(expr, var, at, k, prec)?
        .pop()
        .flatten()
        .ok_or(IntervalError::TooLarge("derivative bound (above 2^4096)"))
}

/// The bounds of [`derivative_bound`] for every order `0..=k` at once, from one Taylor
/// expansion of order `k` per piece (the jets of order `k` contain those of lower orders):
/// entry `j` is a rigorous upper bound of `sup |f^(j)|` over `at`, or `None` where it is above
/// `2^4096`.
///
/// # Errors
/// As [`taylor_coefficients`].
pub fn derivative_bounds(
    expr: &Expr,
    var: &str,
    at: &Interval,
    k: usize,
    prec: u32,
) -> R<Vec<Option<BigRational>>> {
    if k > MAX_TAYLOR_ORDER {
        return Err(IntervalError::TooLarge("Taylor order"));
    }
    let (graph, root) = super::enclose::lower(expr)?;
    let quarter = BigRational::new(BigInt::from(1), BigInt::from(4));
    let width = at.width();
    let pieces = (width / &quarter)
        .ceil()
        .to_integer()
        .to_usize()
        .unwrap_or(MAX_PIECES)
        .clamp(1, MAX_PIECES);
    let step = at.width() / BigRational::from_integer(BigInt::from(pieces));
    let mut best = vec![Some(BigRational::zero()); k + 1];
    for i in 0..pieces {
        let piece = if pieces == 1 {
            at.clone()
        } else {
            let lo = at.lo() + &step * BigRational::from_integer(BigInt::from(i));
            let hi = if i + 1 == pieces {
                at.hi()
            } else {
                &lo + &step
            };
            Interval::new(&lo, &hi, prec)?
        };
        let c = taylor_coefficients_of(&graph, root, var, &piece, &[], k, prec)?;
        for (slot, cj) in best.iter_mut().zip(&c) {
            if cj.lo.top().max(cj.hi.top()) > MAX_BOUND_BITS {
                *slot = None;
            }
            if let Some(b) = slot {
                let m = cj.lo().abs().max(cj.hi().abs());
                if m > *b {
                    *b = m;
                }
            }
        }
        if best.iter().all(Option::is_none) {
            break;
        }
    }
    let mut fact = BigInt::from(1);
    Ok(best
        .into_iter()
        .enumerate()
        .map(|(j, b)| {
            if j > 1 {
                fact *= j;
            }
            b.map(|b| b * BigRational::from_integer(fact.clone()))
        })
        .collect())
}

/// A value of [`Jets`]: enclosures of the coefficients `c_0..c_(n-1)`, and the exact value when
/// it is a small rational constant (the exponents of powers are read from it).
#[derive(Clone, Debug)]
pub struct Jet {
    c: S,
    exact: Option<BigRational>,
}

/// Interval Taylor arithmetic as a domain of the graph evaluator: every value is the list of
/// the enclosed Taylor coefficients `c_0..c_(n-1)` at every point of the interval `at` of `var`.
struct Jets<'a> {
    var: &'a str,
    at: &'a Interval,
    bindings: &'a [(&'a str, Interval)],
    n: usize,
    prec: u32,
}

impl Jet {
    fn of(c: S) -> Jet {
        Jet { c, exact: None }
    }
}

/// The name of a piece in messages.
fn piece_name(piece: Piece) -> &'static str {
    match piece {
        Piece::If => "if",
        Piece::Abs => "abs",
        Piece::Min => "min",
        Piece::Max => "max",
    }
}

impl Domain for Jets<'_> {
    type V = Jet;
    type Error = IntervalError;

    fn number(&mut self, q: &BigRational) -> R<Jet> {
        Ok(Jet {
            c: self.constant(Interval::point(q, self.prec)),
            exact: Some(q.clone()),
        })
    }
    fn pi(&mut self) -> R<Jet> {
        Ok(Jet::of(self.constant(Interval::pi(self.prec))))
    }
    fn e(&mut self) -> R<Jet> {
        Ok(Jet::of(self.constant(Interval::e(self.prec))))
    }
    fn variable(&mut self, name: &str) -> R<Jet> {
        if name == self.var {
            let mut s = self.constant(self.at.clone());
            if self.n > 1 {
                s[1] = Interval::from_int(1);
            }
            return Ok(Jet::of(s));
        }
        match self.bindings.iter().find(|(n, _)| *n == name) {
            Some((_, x)) => Ok(Jet::of(self.constant(x.clone()))),
            None => Err(IntervalError::UnboundVariable(name.to_string())),
        }
    }
    fn neg(&mut self, a: &Jet) -> R<Jet> {
        Ok(Jet {
            c: a.c.iter().map(Interval::neg).collect(),
            exact: a.exact.as_ref().map(|q| -q),
        })
    }
    fn add(&mut self, a: &Jet, b: &Jet) -> R<Jet> {
        let p = self.prec;
        Ok(Jet {
            c: a.c.iter().zip(&b.c).map(|(x, y)| x.add(y, p)).collect(),
            exact: exact_op(&a.exact, &b.exact, |x, y| Some(x + y)),
        })
    }
    fn sub(&mut self, a: &Jet, b: &Jet) -> R<Jet> {
        let p = self.prec;
        Ok(Jet {
            c: a.c.iter().zip(&b.c).map(|(x, y)| x.sub(y, p)).collect(),
            exact: exact_op(&a.exact, &b.exact, |x, y| Some(x - y)),
        })
    }
    fn mul(&mut self, a: &Jet, b: &Jet) -> R<Jet> {
        Ok(Jet {
            c: self.mul_s(&a.c, &b.c),
            exact: exact_op(&a.exact, &b.exact, |x, y| Some(x * y)),
        })
    }
    fn div(&mut self, a: &Jet, b: &Jet) -> R<Jet> {
        Ok(Jet {
            c: self.div_s(&a.c, &b.c)?,
            exact: exact_op(&a.exact, &b.exact, |x, y| (!y.is_zero()).then(|| x / y)),
        })
    }
    /// An exact rational exponent is a power series `a^r`; otherwise `exp(b ln a)`.
    fn pow(&mut self, base: &Jet, exponent: &Jet, _: bool) -> R<Jet> {
        if let Some(q) = &exponent.exact {
            return Ok(Jet {
                c: self.pow_rational(&base.c, q)?,
                exact: exact_op(&base.exact, &exponent.exact, exact_pow),
            });
        }
        let l = self.func(Func::Ln, &base.c)?;
        Ok(Jet::of(self.func(Func::Exp, &self.mul_s(&exponent.c, &l))?))
    }
    fn call(&mut self, func: Func, a: &Jet) -> R<Jet> {
        Ok(Jet::of(self.func(func, &a.c)?))
    }
    /// A piece is chosen only by a proved strict sign of its switching quantity over the
    /// whole interval: derivatives do not exist at a kink.
    fn side(&mut self, cond: Cond<'_, Jet>) -> R<Side> {
        let positive = strict_sign(&cond.d.c[0]).ok_or_else(|| switch(piece_name(cond.piece)))?;
        let holds = match cond.op {
            CmpOp::Gt | CmpOp::Ge => positive,
            CmpOp::Lt | CmpOp::Le => !positive,
        };
        Ok(if holds { Side::Then } else { Side::Other })
    }
    fn join(&mut self, cond: Cond<'_, Jet>, _: &Jet, _: &Jet) -> R<Jet> {
        Err(switch(piece_name(cond.piece)))
    }
}

fn zero() -> Interval {
    Interval::from_int(0)
}

impl Jets<'_> {
    fn constant(&self, c: Interval) -> S {
        let mut s = vec![zero(); self.n];
        s[0] = c;
        s
    }

    fn mul_s(&self, a: &S, b: &S) -> S {
        let p = self.prec;
        (0..self.n)
            .map(|k| {
                let mut acc = zero();
                for j in 0..=k {
                    acc = acc.add(&a[j].mul(&b[k - j], p), p);
                }
                acc
            })
            .collect()
    }

    fn div_s(&self, a: &S, b: &S) -> R<S> {
        let p = self.prec;
        let mut q: S = Vec::with_capacity(self.n);
        for k in 0..self.n {
            let mut acc = a[k].clone();
            for j in 1..=k {
                acc = acc.sub(&b[j].mul(&q[k - j], p), p);
            }
            q.push(acc.div(&b[0], p)?);
        }
        Ok(q)
    }

    /// `a^r` for a rational `r`, `a_0 > 0` (or `r` a non-negative integer).
    fn pow_rational(&self, a: &S, r: &BigRational) -> R<S> {
        let p = self.prec;
        if r.is_integer() {
            if let Some(k) = r.to_integer().to_i64().filter(|k| k.abs() <= 64) {
                // Binary powering by products: exact zeros stay zeros (polynomials).
                let mut result = self.constant(Interval::from_int(1));
                let mut base = a.clone();
                let mut e = k.unsigned_abs();
                while e > 0 {
                    if e & 1 == 1 {
                        result = self.mul_s(&result, &base);
                    }
                    e >>= 1;
                    if e > 0 {
                        base = self.mul_s(&base, &base);
                    }
                }
                return if k < 0 {
                    self.div_s(&self.constant(Interval::from_int(1)), &result)
                } else {
                    Ok(result)
                };
            }
        }
        // f' a = r a' f:  k a_0 f_k = sum_{j=1..k} (r j - (k - j)) a_j f_(k-j).
        let f0 = if *r.denom() == BigInt::from(2) {
            let n = r
                .numer()
                .to_i64()
                .ok_or(IntervalError::TooLarge("exponent"))?;
            a[0].sqrt(p + 8)?.powi(n, p)?
        } else {
            a[0].ln(p + 8)?
                .mul(&Interval::point(r, p + 8), p + 8)
                .exp(p)?
        };
        let rr = Interval::point(r, p);
        let mut f = vec![f0];
        for k in 1..self.n {
            let mut acc = zero();
            for j in 1..=k {
                let coef = rr
                    .mul(&Interval::from_int(j as i64), p)
                    .sub(&Interval::from_int((k - j) as i64), p);
                acc = acc.add(&coef.mul(&a[j], p).mul(&f[k - j], p), p);
            }
            let den = a[0].mul(&Interval::from_int(k as i64), p);
            f.push(acc.div(&den, p)?);
        }
        Ok(f)
    }

    /// `(1/k) sum_{j=1..k} j a_j g_(k-j)`: the coefficient `k` of `integral(a' g)`.
    fn integral_term(&self, a: &S, g: &S, k: usize) -> Interval {
        let p = self.prec;
        let mut acc = zero();
        for j in 1..=k {
            acc = acc.add(
                &a[j].mul(&Interval::from_int(j as i64), p).mul(&g[k - j], p),
                p,
            );
        }
        acc.div_int(k as u64, p)
    }

    /// `f_0 + integral(a' h)` where `h` is a series computed from `a` (order `n - 1` suffices).
    fn integrate(&self, f0: Interval, a: &S, h: &S) -> S {
        let mut f = vec![f0];
        for k in 1..self.n {
            f.push(self.integral_term(a, h, k));
        }
        f
    }

    fn func(&self, f: Func, a: &S) -> R<S> {
        let p = self.prec;
        let one = || self.constant(Interval::from_int(1));
        let sq = |x: &S| self.mul_s(x, x);
        let sub = |x: &S, y: &S| -> S { x.iter().zip(y).map(|(a, b)| a.sub(b, p)).collect() };
        let add = |x: &S, y: &S| -> S { x.iter().zip(y).map(|(a, b)| a.add(b, p)).collect() };
        let half = BigRational::new(BigInt::from(1), BigInt::from(2));
        let minus_half = -half.clone();
        Ok(match f {
            Func::Exp => {
                let mut g = vec![a[0].exp(p)?];
                for k in 1..self.n {
                    let t = self.integral_term(a, &g, k);
                    g.push(t);
                }
                g
            }
            Func::Ln => {
                // f' = a'/a
                let f0 = a[0].ln(p)?;
                let h = self.div_s(&one(), a)?;
                self.integrate(f0, a, &h)
            }
            Func::Sqrt => self.pow_rational(a, &half)?,
            Func::Sin | Func::Cos => {
                let (s, c) = self.sin_cos(a)?;
                if f == Func::Sin {
                    s
                } else {
                    c
                }
            }
            Func::Tan => {
                let (s, c) = self.sin_cos(a)?;
                self.div_s(&s, &c)?
            }
            Func::Sinh | Func::Cosh | Func::Tanh => {
                let (s, c) = self.sinh_cosh(a)?;
                match f {
                    Func::Sinh => s,
                    Func::Cosh => c,
                    _ => {
                        let mut t = self.div_s(&s, &c)?;
                        // |tanh| <= 1 at every point: keep the constant term tight.
                        t[0] = a[0].tanh(p)?;
                        t
                    }
                }
            }
            Func::Atan => {
                let h = self.div_s(&one(), &add(&one(), &sq(a)))?;
                self.integrate(a[0].atan(p), a, &h)
            }
            Func::Asin | Func::Acos => {
                let h = self.pow_rational(&sub(&one(), &sq(a)), &minus_half)?;
                let (f0, h) = if f == Func::Asin {
                    (a[0].asin(p)?, h)
                } else {
                    (a[0].acos(p)?, h.iter().map(Interval::neg).collect())
                };
                self.integrate(f0, a, &h)
            }
            Func::Asinh => {
                let h = self.pow_rational(&add(&one(), &sq(a)), &minus_half)?;
                self.integrate(a[0].asinh(p)?, a, &h)
            }
            Func::Acosh => {
                let h = self.pow_rational(&sub(&sq(a), &one()), &minus_half)?;
                self.integrate(a[0].acosh(p)?, a, &h)
            }
            Func::Atanh => {
                let h = self.div_s(&one(), &sub(&one(), &sq(a)))?;
                self.integrate(a[0].atanh(p)?, a, &h)
            }
            Func::Erf => {
                // erf' = 2/sqrt(pi) exp(-a^2) a'
                let neg_sq: S = sq(a).iter().map(Interval::neg).collect();
                let ex = self.func(Func::Exp, &neg_sq)?;
                let k = Interval::from_int(2).div(&Interval::pi(p + 8).sqrt(p + 8)?, p)?;
                let h: S = ex.iter().map(|c| c.mul(&k, p)).collect();
                self.integrate(a[0].erf(p)?, a, &h)
            }
            Func::Abs | Func::Min | Func::Max => {
                return Err(IntervalError::Unsupported(format!("{} here", f.name())))
            }
        })
    }

    fn sin_cos(&self, a: &S) -> R<(S, S)> {
        let p = self.prec;
        let mut s = vec![a[0].sin(p)?];
        let mut c = vec![a[0].cos(p)?];
        for k in 1..self.n {
            let sk = self.integral_term(a, &c, k);
            let ck = self.integral_term(a, &s, k).neg();
            s.push(sk);
            c.push(ck);
        }
        Ok((s, c))
    }

    fn sinh_cosh(&self, a: &S) -> R<(S, S)> {
        let p = self.prec;
        let mut s = vec![a[0].sinh(p)?];
        let mut c = vec![a[0].cosh(p)?];
        for k in 1..self.n {
            let sk = self.integral_term(a, &c, k);
            let ck = self.integral_term(a, &s, k);
            s.push(sk);
            c.push(ck);
        }
        Ok((s, c))
    }
}

/// `Some(true)` when every point is `> 0`, `Some(false)` when every point is `< 0`.
fn strict_sign(x: &Interval) -> Option<bool> {
    if x.is_positive() {
        Some(true)
    } else if x.is_negative() {
        Some(false)
    } else {
        None
    }
}

fn switch(what: &'static str) -> IntervalError {
    IntervalError::Unsupported(format!(
        "{what} whose switching point may lie in the interval"
    ))
}
