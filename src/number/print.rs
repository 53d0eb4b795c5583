//! Constants as expressions of the language, and the text and LaTeX printers of those
//! expressions.

use super::field::{mono_cmp, Atom, Mono, Poly};
use super::{Const, Repr};
use crate::expr::{BinOp, Expr, Func};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed};

fn num(n: &BigInt) -> Expr {
    Expr::Num(BigRational::from_integer(n.clone()))
}

/// A non-negative rational as an expression (`3`, `1/2`).
fn rational_abs(q: &BigRational) -> Expr {
    let q = q.abs();
    if q.is_integer() {
        num(q.numer())
    } else {
        Expr::bin(BinOp::Div, num(q.numer()), num(q.denom()))
    }
}

fn rational(q: &BigRational) -> Expr {
    if q.is_negative() {
        negated(rational_abs(q))
    } else {
        rational_abs(q)
    }
}

/// `-e`, with the sign on the leftmost factor of a product or quotient (`-3/32` is
/// `(-3)/32` in the language, since unary minus binds tighter than `*` and `/`), so that the
/// language's printer shows `-3/32` and `-sqrt(2)/(12*sqrt(pi))` without brackets.
fn negated(e: Expr) -> Expr {
    match e {
        Expr::Bin(op @ (BinOp::Mul | BinOp::Div), a, b) => Expr::Bin(op, Box::new(negated(*a)), b),
        other => Expr::Neg(Box::new(other)),
    }
}

fn product(factors: Vec<Expr>) -> Option<Expr> {
    factors
        .into_iter()
        .reduce(|a, b| Expr::bin(BinOp::Mul, a, b))
}

/// `base^e` for `e > 0`, with `sqrt` for `1/2`.
fn power(base: Expr, e: &BigRational) -> Expr {
    if e.is_one() {
        base
    } else if *e == BigRational::new(1.into(), 2.into()) {
        Expr::call(Func::Sqrt, base)
    } else {
        Expr::bin(BinOp::Pow, base, rational_abs(e))
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
            Atom::Ln(n) => Expr::call(Func::Ln, num(n)),
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
            Atom::Prime(p) => num(p),
        };
        if e.is_positive() {
            up.push(power(base, e));
        } else {
            down.push(power(base, &-e));
        }
    }
}

/// `|c| m` as an expression, with the extra denominator factors `extra`.
fn term(c: &BigRational, m: &Mono, extra: Vec<Expr>) -> Expr {
    let mut up = Vec::new();
    let mut down = Vec::new();
    if !c.numer().abs().is_one() {
        up.push(num(&c.numer().abs()));
    }
    if !c.denom().is_one() {
        down.push(num(c.denom()));
    }
    mono_factors(m, &mut up, &mut down);
    down.extend(extra);
    let top = product(up).unwrap_or_else(|| Expr::int(1));
    match product(down) {
        None => top,
        Some(d) => Expr::bin(BinOp::Div, top, d),
    }
}

/// Terms in decreasing order (highest powers first, constants after positive powers).
fn sorted_terms(p: &Poly) -> Vec<(&Mono, &BigRational)> {
    let mut terms: Vec<_> = p.iter().collect();
    terms.sort_by(|a, b| mono_cmp(b.0, a.0, false));
    terms
}

fn sum(p: &Poly) -> Expr {
    let mut out: Option<Expr> = None;
    for (m, c) in sorted_terms(p) {
        let t = term(c, m, Vec::new());
        out = Some(match out {
            None => {
                if c.is_negative() {
                    negated(t)
                } else {
                    t
                }
            }
            Some(acc) => Expr::bin(
                if c.is_negative() {
                    BinOp::Sub
                } else {
                    BinOp::Add
                },
                acc,
                t,
            ),
        });
    }
    out.unwrap_or_else(|| Expr::int(0))
}

pub(super) fn to_expr(c: &Const) -> Expr {
    let f = match &c.repr {
        Repr::Rational(q) => return rational(q),
        Repr::Field(f) => f,
    };
    let den: Vec<Expr> = f
        .den
        .iter()
        .map(|(p, m)| {
            let s = sum(p);
            if *m == 1 {
                s
            } else {
                Expr::bin(BinOp::Pow, s, Expr::int(i64::from(*m)))
            }
        })
        .collect();
    if f.num.len() == 1 {
        if let Some((m, k)) = f.num.iter().next() {
            let t = term(k, m, den);
            return if k.is_negative() { negated(t) } else { t };
        }
    }
    let top = sum(&f.num);
    match product(den) {
        None => top,
        Some(d) => Expr::bin(BinOp::Div, top, d),
    }
}

/// Precedence levels: sums and negation 1, products 2, powers 4, atoms 5.
fn prec(e: &Expr) -> u8 {
    match e {
        Expr::Bin(BinOp::Add | BinOp::Sub, ..) | Expr::Neg(_) => 1,
        Expr::Bin(BinOp::Mul | BinOp::Div, ..) => 2,
        Expr::Bin(BinOp::Pow, ..) => 4,
        Expr::Num(q) if !q.is_integer() || q.is_negative() => 2,
        Expr::If(..) => 0,
        _ => 5,
    }
}

fn latex_wrap(e: &Expr, min: u8) -> String {
    let s = latex(e);
    if prec(e) < min {
        format!("\\left({s}\\right)")
    } else {
        s
    }
}

/// Whether a factor printed after another needs an explicit `\cdot` (digits after digits).
fn starts_with_digit(e: &Expr) -> bool {
    match e {
        Expr::Num(_) => true,
        Expr::Bin(BinOp::Mul | BinOp::Div | BinOp::Pow, a, _) => starts_with_digit(a),
        _ => false,
    }
}

/// The expression as LaTeX.
pub(super) fn latex(e: &Expr) -> String {
    match e {
        Expr::Num(q) => {
            if q.is_integer() {
                q.numer().to_string()
            } else {
                format!("\\frac{{{}}}{{{}}}", q.numer(), q.denom())
            }
        }
        Expr::Pi => "\\pi".into(),
        Expr::E => "e".into(),
        Expr::Var(v) => v.clone(),
        Expr::Neg(a) => format!("-{}", latex_wrap(a, 2)),
        Expr::Bin(op, a, b) => match op {
            BinOp::Add => format!("{} + {}", latex_wrap(a, 1), latex_wrap(b, 1)),
            BinOp::Sub => format!("{} - {}", latex_wrap(a, 1), latex_wrap(b, 2)),
            BinOp::Mul => {
                let sep = if starts_with_digit(b) {
                    " \\cdot "
                } else {
                    " "
                };
                format!("{}{sep}{}", latex_wrap(a, 2), latex_wrap(b, 2))
            }
            BinOp::Div => format!("\\frac{{{}}}{{{}}}", latex(a), latex(b)),
            BinOp::Pow => format!("{}^{{{}}}", latex_wrap(a, 5), latex(b)),
        },
        Expr::Call(f, args) => {
            let arg = args.first().map(latex).unwrap_or_default();
            let simple = args.len() == 1
                && matches!(args[0], Expr::Num(ref q) if q.is_integer() && !q.is_negative());
            match f {
                Func::Sqrt => format!("\\sqrt{{{arg}}}"),
                Func::Exp => format!("e^{{{arg}}}"),
                Func::Ln
                | Func::Sin
                | Func::Cos
                | Func::Tan
                | Func::Sinh
                | Func::Cosh
                | Func::Tanh
                    if simple || matches!(args.first(), Some(Expr::Pi | Expr::E)) =>
                {
                    format!("\\{} {arg}", f.name())
                }
                Func::Ln
                | Func::Sin
                | Func::Cos
                | Func::Tan
                | Func::Sinh
                | Func::Cosh
                | Func::Tanh => {
                    format!("\\{}\\left({arg}\\right)", f.name())
                }
                Func::Abs => format!("\\left|{arg}\\right|"),
                _ => {
                    let all: Vec<String> = args.iter().map(latex).collect();
                    format!(
                        "\\operatorname{{{}}}\\left({}\\right)",
                        f.name(),
                        all.join(", ")
                    )
                }
            }
        }
        other => other.to_string(),
    }
}
