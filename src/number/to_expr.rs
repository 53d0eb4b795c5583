//! Constants as expressions of the language (printed by [`crate::print`]).
//!
//! The expression of a constant is built so that it reads well in every format: a sum starts
//! with a positive term when it has one (`1 - e`, not `-e + 1`); a quotient has one
//! numerator and one denominator with integer coefficients (`(3 + 2*ln(2))/(6*pi)`, never a
//! fraction inside a fraction); signs sit on the leftmost factor (`-sqrt(2)/(12*sqrt(pi))`).

use super::field::{mono_cmp, Atom, Mono, Poly};
use super::{Const, Repr};
use crate::expr::{BinOp, Expr, Func};
use crate::print::{integer, negate, product, rational, sum};
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed};

/// `base^e` for `e > 0`, with `sqrt` for `1/2`.
fn power(base: Expr, e: &BigRational) -> Expr {
    if e.is_one() {
        base
    } else if *e == BigRational::new(1.into(), 2.into()) {
        Expr::call(Func::Sqrt, base)
    } else {
        Expr::bin(BinOp::Pow, base, rational(e))
    }
}

/// Splits a monomial into factors of its numerator and of its denominator.
fn mono_factors(m: &Mono, up: &mut Vec<Expr>, down: &mut Vec<Expr>) {
    for (a, e) in &m.0 {
        let base = match a {
            Atom::Pi => Expr::Pi,
            Atom::E => {
                if e.is_integer() && e.is_positive() {
                    up.push(power(Expr::E, e));
                } else {
                    up.push(Expr::call(Func::Exp, rational(e)));
                }
                continue;
            }
            Atom::Ln(n) => Expr::call(Func::Ln, integer(n)),
            Atom::Apply(f, c) => Expr::call(*f, c.to_expr()),
            Atom::Exp(c) => match c.log_power() {
                // exp(r ln x) = x^r, printed as a power (`sqrt(sqrt(2) + 1)`).
                Some((x, r)) if r.is_positive() => power(x.to_expr(), r),
                Some((x, r)) => {
                    down.push(power(x.to_expr(), &-r));
                    continue;
                }
                None => Expr::call(Func::Exp, c.to_expr()),
            },
            Atom::Prime(p) => integer(p),
        };
        if e.is_positive() {
            up.push(power(base, e));
        } else {
            down.push(power(base, &-e));
        }
    }
}

/// `c m` as an expression, with the extra denominator factors `extra`, the sign of `c` on the
/// leftmost factor.
fn term(c: &BigRational, m: &Mono, extra: Vec<Expr>) -> Expr {
    let mut up = vec![integer(&c.numer().abs())];
    let mut down = vec![integer(c.denom())];
    mono_factors(m, &mut up, &mut down);
    down.extend(extra);
    let top = product(up);
    let bottom = product(down);
    let t = if matches!(&bottom, Expr::Num(q) if q.is_one()) {
        top
    } else {
        Expr::bin(BinOp::Div, top, bottom)
    };
    if c.is_negative() {
        negate(t)
    } else {
        t
    }
}

/// The terms of `p` scaled by `s`, highest powers first (constants after positive powers),
/// except that the first positive term is moved to the front.
fn terms(p: &Poly, s: &BigRational) -> Vec<(Mono, BigRational)> {
    let mut terms: Vec<(Mono, BigRational)> = p.iter().map(|(m, c)| (m.clone(), c * s)).collect();
    terms.sort_by(|a, b| mono_cmp(&b.0, &a.0, false));
    if let Some(i) = terms.iter().position(|(_, c)| c.is_positive()) {
        let first = terms.remove(i);
        terms.insert(0, first);
    }
    terms
}

/// The sum of the terms of `p` scaled by `s`.
fn poly_expr(p: &Poly, s: &BigRational) -> Expr {
    sum(terms(p, s).iter().map(|(m, c)| term(c, m, Vec::new())))
}

/// The least common multiple of the denominators of the coefficients of `p`.
fn denominators(p: &Poly) -> BigInt {
    p.values().fold(BigInt::one(), |l, c| l.lcm(c.denom()))
}

pub(super) fn to_expr(c: &Const) -> Expr {
    let f = match &c.repr {
        Repr::Rational(q) => return rational(q),
        Repr::Field(f) => f,
    };
    if f.den.is_empty() {
        return poly_expr(&f.num, &BigRational::one());
    }
    // num / prod p_i^m_i with integer coefficients everywhere: p_i = p_i' / l_i, so the value
    // is (num * s) / prod p_i'^m_i with s = prod l_i^m_i.
    let mut scale = BigRational::one();
    let mut den = Vec::new();
    for (p, m) in &f.den {
        let l = BigRational::from_integer(denominators(p));
        let s = poly_expr(p, &l);
        scale *= num_traits::pow(l, *m as usize);
        den.push(if *m == 1 {
            s
        } else {
            Expr::bin(BinOp::Pow, s, Expr::int(i64::from(*m)))
        });
    }
    if f.num.len() == 1 {
        if let Some((m, k)) = f.num.iter().next() {
            return term(&(k * &scale), m, den);
        }
    }
    // (num * scale) = (num * scale * l) / l with integer coefficients; l joins the denominator.
    let l = BigRational::from_integer(denominators(&super::field::poly_scale(&f.num, &scale)));
    let top = poly_expr(&f.num, &(&scale * &l));
    let bottom = product(std::iter::once(rational(&l)).chain(den));
    Expr::bin(BinOp::Div, top, bottom)
}
