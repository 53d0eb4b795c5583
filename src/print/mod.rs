//! One printer per format, over one tree.
//!
//! Everything taylorgate prints as mathematics (expressions, exact constants, series in one
//! variable, polynomials in several) is first built as an [`Expr`] of the language and then
//! printed by exactly one printer per format:
//!
//! - text: `Display` of [`Expr`] (module `text`), the language itself, so whatever it prints
//!   parses back to the same tree;
//! - LaTeX: [`latex`] (KaTeX- and MathJax-safe macros only).
//!
//! Both parenthesise by one precedence table ([`Prec`]). Signs are handled once, where a sum
//! is built ([`sum`]): a term whose leading factor is negative becomes a subtraction, so no
//! printed text ever reads `+ -` or `--`, and no caller edits printed strings.
//!
//! ```
//! use taylorgate::print::{series, Format};
//! use taylorgate::Const;
//!
//! let e = Const::e();
//! let c = [&e - &Const::from_int(3), e.clone()];
//! let s = series(&c, "x", &Const::one());
//! assert_eq!(s.render(Format::Text), "e - 3 + e*(x - 1) + O((x - 1)^2)");
//! assert_eq!(s.render(Format::Latex), r"e - 3 + e \cdot \left(x - 1\right) + O\left(\left(x - 1\right)^{2}\right)");
//! ```

use crate::expr::{BinOp, Expr};
use crate::number::{Const, ZeroTest};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

mod latex;
mod text;

pub use latex::latex;

/// An output format of mathematics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// taylorgate's own language (parses back).
    #[default]
    Text,
    /// LaTeX math (inline-math fragment, KaTeX-safe).
    Latex,
}

/// `e` printed in `format`.
pub fn render(e: &Expr, format: Format) -> String {
    match format {
        Format::Text => e.to_string(),
        Format::Latex => latex(e),
    }
}

/// How tightly a printed expression binds, loosest first. An operand is parenthesised when it
/// binds more loosely than its position requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Prec {
    /// `if ... then ... else ...` (its `else` branch extends as far right as possible).
    If,
    /// `+ -`
    Add,
    /// `* /`
    Mul,
    /// unary `-`
    Neg,
    /// `^`
    Pow,
    /// literals, names, calls, vectors, and anything printed with its own parentheses
    Atom,
}

/// The minimal binding strength of each operand of a binary operator. A negation on the
/// right is always parenthesised (`a - (-b)`, `2^(-1)`).
pub(crate) fn operand_precs(op: BinOp) -> (Prec, Prec) {
    match op {
        BinOp::Add | BinOp::Sub => (Prec::Add, Prec::Mul),
        BinOp::Mul | BinOp::Div => (Prec::Mul, Prec::Pow),
        BinOp::Pow => (Prec::Atom, Prec::Pow),
    }
}

/// The exact decimal expansion of a non-negative rational, if it terminates.
pub(crate) fn decimal(q: &BigRational) -> Option<String> {
    if q.is_integer() {
        return Some(q.numer().to_string());
    }
    let mut den = q.denom().clone();
    let twos = den.trailing_zeros().unwrap_or(0);
    den >>= twos;
    let five = BigInt::from(5);
    let mut fives = 0u64;
    while (&den % &five).is_zero() {
        den /= &five;
        fives += 1;
    }
    if !den.is_one() {
        return None;
    }
    let k = usize::try_from(twos.max(fives)).ok()?;
    let scaled = q.numer() * num_traits::pow(BigInt::from(10), k) / q.denom();
    let digits = format!("{:0>width$}", scaled.to_string(), width = k + 1);
    let (int, frac) = digits.split_at(digits.len() - k);
    Some(format!("{int}.{frac}"))
}

// ---------------------------------------------------------------- builders

fn is_num(e: &Expr, n: i64) -> bool {
    matches!(e, Expr::Num(q) if *q == BigRational::from_integer(BigInt::from(n)))
}

/// A non-negative integer literal.
pub fn integer(n: &BigInt) -> Expr {
    if n.is_negative() {
        negate(Expr::Num(BigRational::from_integer(-n)))
    } else {
        Expr::Num(BigRational::from_integer(n.clone()))
    }
}

/// A rational as a tree with no negative literal: `3`, `1/2`, `-(1)/2` is `-1/2`.
pub fn rational(q: &BigRational) -> Expr {
    let a = q.abs();
    let e = if a.is_integer() {
        integer(a.numer())
    } else {
        Expr::bin(BinOp::Div, integer(a.numer()), integer(a.denom()))
    };
    if q.is_negative() {
        negate(e)
    } else {
        e
    }
}

/// `e` without its leading minus sign, when it has one: `-a` gives `a`, `(-a)*b` gives `a*b`,
/// `-a/b` gives `a/b`, a negative literal gives its absolute value.
pub fn strip_minus(e: &Expr) -> Option<Expr> {
    match e {
        Expr::Neg(a) => Some((**a).clone()),
        Expr::Num(q) if q.is_negative() => Some(Expr::Num(-q)),
        Expr::Bin(op @ (BinOp::Mul | BinOp::Div), a, b) => {
            let a = strip_minus(a)?;
            Some(if *op == BinOp::Mul && is_num(&a, 1) {
                (**b).clone()
            } else {
                Expr::Bin(*op, Box::new(a), b.clone())
            })
        }
        _ => None,
    }
}

/// `-e`, with the sign on the leftmost factor of a product or quotient (`-3/32` is `(-3)/32`
/// in the language, since unary minus binds tighter than `*` and `/`), and `-(-a)` = `a`.
pub fn negate(e: Expr) -> Expr {
    if let Some(a) = strip_minus(&e) {
        return a;
    }
    match e {
        Expr::Num(q) if q.is_zero() => Expr::Num(q),
        Expr::Bin(op @ (BinOp::Mul | BinOp::Div), a, b) => Expr::Bin(op, Box::new(negate(*a)), b),
        other => Expr::Neg(Box::new(other)),
    }
}

/// The sum of `terms` left to right, zero literals left out: a term with a leading minus sign
/// is subtracted (`a + (-b)*c` is built as `a - b*c`). The empty sum is `0`.
pub fn sum(terms: impl IntoIterator<Item = Expr>) -> Expr {
    let mut acc: Option<Expr> = None;
    for t in terms {
        if is_num(&t, 0) {
            continue;
        }
        acc = Some(match acc {
            None => t,
            Some(a) => match strip_minus(&t) {
                Some(m) => Expr::bin(BinOp::Sub, a, m),
                None => Expr::bin(BinOp::Add, a, t),
            },
        });
    }
    acc.unwrap_or_else(|| Expr::int(0))
}

/// Appends the factors of the product `e` (nested products flattened) to `out`.
fn flatten(e: Expr, out: &mut Vec<Expr>) {
    match e {
        Expr::Bin(BinOp::Mul, a, b) => {
            flatten(*a, out);
            flatten(*b, out);
        }
        other => out.push(other),
    }
}

/// The product of `factors` left to right (nested products flattened: `c*u^3*v`, never
/// `c*(u^3*v)`), factors `1` left out and a factor `-1` folded into the sign. The empty
/// product is `1`.
pub fn product(factors: impl IntoIterator<Item = Expr>) -> Expr {
    let mut flat = Vec::new();
    for f in factors {
        flatten(f, &mut flat);
    }
    let mut acc: Option<Expr> = None;
    let mut negative = false;
    for f in flat {
        if is_num(&f, 1) {
            continue;
        }
        if strip_minus(&f).is_some_and(|m| is_num(&m, 1)) {
            negative = !negative;
            continue;
        }
        acc = Some(match acc {
            None => f,
            Some(a) => Expr::bin(BinOp::Mul, a, f),
        });
    }
    let p = acc.unwrap_or_else(|| Expr::int(1));
    if negative {
        negate(p)
    } else {
        p
    }
}

/// `base^k` (`base` itself for `k = 1`, `1` for `k = 0`).
pub fn power(base: Expr, k: i64) -> Expr {
    match k {
        0 => Expr::int(1),
        1 => base,
        k if k < 0 => Expr::bin(BinOp::Pow, base, Expr::Neg(Box::new(Expr::int(-k)))),
        k => Expr::bin(BinOp::Pow, base, Expr::int(k)),
    }
}

/// The monomial `names[0]^e[0] * names[1]^e[1] * ...` (`1` when every exponent is 0).
pub fn monomial(names: &[String], exponents: &[i32]) -> Expr {
    product(
        names
            .iter()
            .zip(exponents)
            .map(|(n, e)| power(Expr::var(n), i64::from(*e))),
    )
}

/// `sum_i c_i * m_i` over the terms whose coefficient is not proved zero, signs folded.
pub fn linear_combination<'a>(terms: impl IntoIterator<Item = (&'a Const, Expr)>) -> Expr {
    sum(terms
        .into_iter()
        .filter(|(c, _)| c.zero_test() != ZeroTest::Zero)
        .map(|(c, m)| product([c.to_expr(), m])))
}

/// A polynomial in several variables: `sum c * x^powers`, in the order given.
pub fn polynomial<'a>(
    terms: impl IntoIterator<Item = (&'a Const, &'a [i32])>,
    names: &[String],
) -> Expr {
    linear_combination(
        terms
            .into_iter()
            .map(|(c, powers)| (c, monomial(names, powers))),
    )
}

/// A truncated expansion: a finite sum and the argument of its order term, `sum + O(order)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Truncated {
    /// The sum of the terms kept.
    pub sum: Expr,
    /// What the order term is `O` of (`x^5`, `(x - 1)^3`, `|x|^8`).
    pub order: Expr,
}

impl Truncated {
    /// `sum + O(order)` in `format` (only the order term when the sum is zero).
    pub fn render(&self, format: Format) -> String {
        let o = match format {
            Format::Text => format!("O({})", self.order),
            Format::Latex => format!(r"O\left({}\right)", latex(&self.order)),
        };
        if is_num(&self.sum, 0) {
            o
        } else {
            format!("{} + {o}", render(&self.sum, format))
        }
    }
}

/// `var - point` (`var` at 0, `var + |point|` for a negative point).
pub fn shifted(var: &str, point: &Const) -> Expr {
    if point.is_zero() {
        Expr::var(var)
    } else {
        sum([Expr::var(var), negate(point.to_expr())])
    }
}

/// The truncated series `c_0 + c_1 (var - point) + ... + O((var - point)^n)`, `n` the number
/// of coefficients; terms proved zero are left out.
pub fn series(coefficients: &[Const], var: &str, point: &Const) -> Truncated {
    let base = shifted(var, point);
    let k = |k: usize| i64::try_from(k).unwrap_or(i64::MAX);
    Truncated {
        sum: linear_combination(
            coefficients
                .iter()
                .enumerate()
                .map(|(i, c)| (c, power(base.clone(), k(i)))),
        ),
        order: power(base.clone(), k(coefficients.len())),
    }
}

/// `e` with every sum tidied: `a + (-b)` becomes `a - b` and `a - (-b)` becomes `a + b`
/// (the value is unchanged), for printing results such as simplified derivatives.
pub fn tidy(e: &Expr) -> Expr {
    let rec = |x: &Expr| Box::new(tidy(x));
    match e {
        Expr::Bin(op @ (BinOp::Add | BinOp::Sub), a, b) => {
            let (a, b) = (tidy(a), tidy(b));
            match (op, strip_minus(&b)) {
                (BinOp::Add, Some(m)) => Expr::bin(BinOp::Sub, a, m),
                (BinOp::Sub, Some(m)) => Expr::bin(BinOp::Add, a, m),
                _ => Expr::bin(*op, a, b),
            }
        }
        Expr::Bin(op, a, b) => Expr::Bin(*op, rec(a), rec(b)),
        Expr::Neg(a) => negate(tidy(a)),
        Expr::Call(f, xs) => Expr::Call(*f, xs.iter().map(tidy).collect()),
        Expr::Apply(n, xs) => Expr::Apply(n.clone(), xs.iter().map(tidy).collect()),
        Expr::Deriv(n, k, a) => Expr::Deriv(n.clone(), *k, rec(a)),
        Expr::If(c, a, b) => Expr::If(
            Box::new(crate::expr::Cond {
                lhs: tidy(&c.lhs),
                op: c.op,
                rhs: tidy(&c.rhs),
            }),
            rec(a),
            rec(b),
        ),
        Expr::Vector(xs) => Expr::Vector(xs.iter().map(tidy).collect()),
        Expr::Num(_) | Expr::Pi | Expr::E | Expr::Var(_) => e.clone(),
    }
}
