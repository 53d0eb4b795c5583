//! Building blocks of displayed mathematics: derivative names, monomials, signed sums.

use super::doc::Math;
use crate::expr::Expr;
use crate::gate::Term;
use crate::number::Const;
use crate::print::strip_minus;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// `σ''` / `\sigma''` for `k <= 3`, `σ^(k)` / `\sigma^{(k)}` beyond.
pub fn deriv(k: usize) -> Math {
    match k {
        0 => Math::new("σ", r"\sigma"),
        1..=3 => {
            let p = "'".repeat(k);
            Math::new(format!("σ{p}"), format!(r"\sigma{p}"))
        }
        _ => Math::new(format!("σ^({k})"), format!(r"\sigma^{{({k})}}")),
    }
}

/// `σ^(k)(b)`.
pub fn deriv_at(k: usize, point: &str) -> Math {
    deriv(k).then(&format!("({point})"), &format!("({point})"))
}

/// The LaTeX of an input name (`x1` is `x_{1}`).
pub fn var_latex(name: &str) -> String {
    Expr::var(name).to_latex()
}

/// `u*v` / `u v`: the product of the inputs.
pub fn product(names: &[String]) -> Math {
    Math::new(
        names.join("*"),
        names
            .iter()
            .map(|n| var_latex(n))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// A monomial `u^3*v` / `u^{3} v` (`1` when every exponent is zero).
pub fn monomial(powers: &[i32], names: &[String]) -> Math {
    let mut text = Vec::new();
    let mut latex = Vec::new();
    for (n, &e) in names.iter().zip(powers) {
        match e {
            0 => {}
            1 => {
                text.push(n.clone());
                latex.push(var_latex(n));
            }
            _ => {
                text.push(format!("{n}^{e}"));
                latex.push(format!("{}^{{{e}}}", var_latex(n)));
            }
        }
    }
    if text.is_empty() {
        return Math::same("1");
    }
    Math::new(text.join("*"), latex.join(" "))
}

/// Whether an expression is a sum or difference at its top level (printed without brackets
/// around it, as `a + b` or `a - b`).
fn is_sum(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Bin(crate::expr::BinOp::Add | crate::expr::BinOp::Sub, ..)
    )
}

/// An expression as a signed factor: whether it is printed with a leading minus sign (and is
/// not a sum), and its absolute value printed once in each format, with brackets when it is a
/// sum; `None` for the factor 1.
fn signed_factor(e: &Expr) -> (bool, Option<Math>) {
    let stripped = if is_sum(e) { None } else { strip_minus(e) };
    let negative = stripped.is_some();
    let abs = stripped.as_ref().unwrap_or(e);
    if matches!(abs, Expr::Num(q) if num_traits::One::is_one(q)) {
        return (negative, None);
    }
    let m = Math::expr(abs);
    let m = if is_sum(abs) {
        Math::new(
            format!("({})", m.text),
            format!(r"\left({}\right)", m.latex),
        )
    } else {
        m
    };
    (negative, Some(m))
}

/// The sign of a piece of a sum: `-` or nothing for the first piece, `- ` or `+ ` after.
fn sign_of(first: bool, negative: bool) -> &'static str {
    match (first, negative) {
        (true, true) => "-",
        (true, false) => "",
        (false, true) => "- ",
        (false, false) => "+ ",
    }
}

/// Prints the coefficients of one document: each distinct constant is built as an expression
/// and printed (text and LaTeX) once, however many terms and displays it stands in (the equal
/// coefficients of a symmetric polynomial; the leading terms of a remainder, shown again in the
/// expansion and in its scaled form).
#[derive(Default)]
pub struct Printer {
    konst: RefCell<HashMap<Const, Math>>,
    signed: RefCell<HashMap<Const, Rc<Signed>>>,
}

/// A coefficient printed as a term of a sum.
enum Signed {
    /// A long sum, as its summands (each with its sign), to be broken across lines.
    Long(Vec<(bool, Math)>),
    /// A signed factor ([`signed_factor`]).
    Factor(bool, Option<Math>),
}

impl Printer {
    /// An exact constant, through the language's printers.
    pub fn konst(&self, c: &Const) -> Math {
        self.konst
            .borrow_mut()
            .entry(c.clone())
            .or_insert_with(|| Math::expr(&c.to_expr()))
            .clone()
    }

    fn signed(&self, c: &Const) -> Rc<Signed> {
        if let Some(s) = self.signed.borrow().get(c) {
            return s.clone();
        }
        let e = c.to_expr();
        let s = Rc::new(match long_summands(&e) {
            Some(parts) => Signed::Long(parts),
            None => {
                let (negative, factor) = signed_factor(&e);
                Signed::Factor(negative, factor)
            }
        });
        self.signed.borrow_mut().insert(c.clone(), s.clone());
        s
    }

    /// A sum `c_1 m_1 + c_2 m_2 + ...` in pieces for line breaking: the first piece carries
    /// its own sign, every other piece starts with `+` or `-`. Zero coefficients are left out;
    /// an empty sum is `0`.
    pub fn signed_sum(&self, terms: &[(Const, Math)]) -> Vec<Math> {
        let mut out = Vec::new();
        for (c, mono) in terms {
            if c.is_zero() {
                continue;
            }
            let first = out.is_empty();
            match &*self.signed(c) {
                Signed::Long(parts) => out.extend(long_pieces(parts, mono, first)),
                Signed::Factor(negative, factor) => {
                    let body = match (factor, mono.text.as_str()) {
                        (None, _) => mono.clone(),
                        (Some(f), "1") => f.clone(),
                        (Some(f), _) => Math::new(
                            format!("{}*{}", f.text, mono.text),
                            format!(r"{}\, {}", f.latex, mono.latex),
                        ),
                    };
                    let sign = sign_of(first, *negative);
                    out.push(body.after(sign, sign));
                }
            }
        }
        if out.is_empty() {
            out.push(Math::same("0"));
        }
        out
    }

    /// A polynomial of gate terms, in pieces.
    pub fn polynomial(&self, terms: &[Term], names: &[String]) -> Vec<Math> {
        let pairs: Vec<(Const, Math)> = terms
            .iter()
            .map(|t| (t.coefficient.clone(), monomial(&t.powers, names)))
            .collect();
        self.signed_sum(&pairs)
    }
}

/// [`Printer::signed_sum`] with a printer of its own.
pub fn signed_sum(terms: &[(Const, Math)]) -> Vec<Math> {
    Printer::default().signed_sum(terms)
}

/// The summands of a sum, each with its sign: `a - b + c` is `[(+, a), (-, b), (+, c)]`.
fn summands(e: &Expr, negative: bool, out: &mut Vec<(bool, Expr)>) {
    use crate::expr::BinOp;
    match e {
        Expr::Bin(BinOp::Add, a, b) => {
            summands(a, negative, out);
            summands(b, negative, out);
        }
        Expr::Bin(BinOp::Sub, a, b) => {
            summands(a, negative, out);
            summands(b, !negative, out);
        }
        Expr::Neg(a) if matches!(**a, Expr::Bin(BinOp::Add | BinOp::Sub, ..)) => {
            summands(a, !negative, out)
        }
        other => out.push((negative, other.clone())),
    }
}

/// The summands of a long sum, each printed once per format with its own minus folded into
/// its sign; `None` when `e` is not a sum, or a short one.
fn long_summands(e: &Expr) -> Option<Vec<(bool, Math)>> {
    if !is_sum(e) {
        return None;
    }
    let mut parts = Vec::new();
    summands(e, false, &mut parts);
    if parts.len() < 2 {
        return None;
    }
    let printed: Vec<(bool, Math)> = parts
        .into_iter()
        .map(|(neg, p)| match strip_minus(&p) {
            Some(abs) => (!neg, Math::expr(&abs)),
            None => (neg, Math::expr(&p)),
        })
        .collect();
    // The width of the whole sum: its summands and their signs.
    let width: f64 = printed
        .iter()
        .map(|(_, m)| super::render::latex_width(&m.latex) + 1.0)
        .sum();
    (width >= 28.0).then_some(printed)
}

/// A term whose coefficient is a long sum, as several breakable pieces:
/// `+ \bigl(a`, `+ b`, ..., `+ z\bigr)\, m` (the brackets need not balance on one line).
fn long_pieces(parts: &[(bool, Math)], mono: &Math, first: bool) -> Vec<Math> {
    let k = parts.len();
    let mut out = Vec::new();
    for (i, (neg, m)) in parts.iter().enumerate() {
        let sign = sign_of(i == 0, *neg);
        let (open_t, open_l) = if i == 0 {
            (
                if first { "(" } else { "+ (" },
                if first { r"\bigl(" } else { r"+ \bigl(" },
            )
        } else {
            ("", "")
        };
        let (close_t, close_l) = if i + 1 == k {
            if mono.text == "1" {
                (")".to_string(), r"\bigr)".to_string())
            } else {
                (
                    format!(")*{}", mono.text),
                    format!(r"\bigr)\, {}", mono.latex),
                )
            }
        } else {
            (String::new(), String::new())
        };
        out.push(Math::new(
            format!("{open_t}{sign}{}{close_t}", m.text),
            format!("{open_l}{sign}{}{close_l}", m.latex),
        ));
    }
    out
}

/// An expression as breakable pieces: a wide sum splits at its terms, a wide quotient of a sum
/// becomes `1/den (a + b + ...)`; anything else is one piece.
pub fn expr_pieces(e: &Expr) -> Vec<Math> {
    use crate::expr::BinOp;
    const WIDE: f64 = 40.0;
    let whole = Math::expr(e);
    if super::render::latex_width(&whole.latex) <= WIDE {
        return vec![whole];
    }
    let sum_pieces = |e: &Expr| -> Vec<Math> {
        let mut parts = Vec::new();
        summands(e, false, &mut parts);
        parts
            .iter()
            .enumerate()
            .map(|(i, (neg, p))| {
                let m = Math::expr(p);
                let sign = match (i, neg) {
                    (0, true) => "-",
                    (0, false) => "",
                    (_, true) => "- ",
                    (_, false) => "+ ",
                };
                m.after(sign, sign)
            })
            .collect()
    };
    match e {
        Expr::Bin(BinOp::Add | BinOp::Sub, ..) => sum_pieces(e),
        Expr::Bin(BinOp::Div, a, b) if matches!(**a, Expr::Bin(BinOp::Add | BinOp::Sub, ..)) => {
            let den = Math::expr(b);
            let mut pieces = sum_pieces(a);
            let k = pieces.len();
            pieces[0] = pieces[0].after(
                &format!("1/({}) * (", den.text),
                &format!(r"\frac{{1}}{{{}}} \bigl(", den.latex),
            );
            pieces[k - 1] = pieces[k - 1].then(")", r"\bigr)");
            pieces
        }
        _ => vec![whole],
    }
}

/// [`Printer::polynomial`] with a printer of its own.
pub fn polynomial(terms: &[Term], names: &[String]) -> Vec<Math> {
    Printer::default().polynomial(terms, names)
}

/// The pieces joined into one piece (for inline use).
pub fn joined(pieces: &[Math]) -> Math {
    Math::join(pieces, " ", " ")
}

/// `O(|x|^k)` / `O(|x|^{k})`.
pub fn big_o(base_text: &str, base_latex: &str, k: usize) -> Math {
    Math::new(
        format!("O({base_text}^{k})"),
        format!(r"O\left({base_latex}^{{{k}}}\right)"),
    )
}

/// A power `t^k` (`1`, `t`, `t^k`).
pub fn power(var: &str, k: usize) -> Math {
    match k {
        0 => Math::same("1"),
        1 => Math::same(var),
        _ => Math::new(format!("{var}^{k}"), format!("{var}^{{{k}}}")),
    }
}

/// An integer as a constant.
pub fn int(n: i64) -> Const {
    Const::from_int(n)
}

/// A rational bound as a short decimal (the certificate's numbers).
pub fn decimal(x: &num_rational::BigRational) -> Math {
    let t = crate::certificate::decimal_text(x);
    let l = match t.split_once('e') {
        Some((m, e)) => format!(r"{m} \cdot 10^{{{e}}}"),
        None if t.contains('/') => {
            let (a, b) = t.split_once('/').unwrap_or((&t, "1"));
            format!(r"\frac{{{a}}}{{{b}}}")
        }
        None => t.clone(),
    };
    Math::new(t, l)
}

/// `x` rounded outward to 4 significant digits: up when `up`, down otherwise (any sign).
fn round4(x: &num_rational::BigRational, up: bool) -> num_rational::BigRational {
    use num_traits::{Signed, Zero};
    if x.is_zero() {
        return x.clone();
    }
    if x.is_negative() {
        return -round4(&-x, !up);
    }
    let ten = num_rational::BigRational::from_integer(10.into());
    let mut p = num_rational::BigRational::from_integer(1.into());
    while &p > x {
        p /= &ten;
    }
    while &(&p * &ten) <= x {
        p *= &ten;
    }
    let ulp = p / num_rational::BigRational::from_integer(1000.into());
    let scaled = x / &ulp;
    (if up { scaled.ceil() } else { scaled.floor() }) * ulp
}

/// An upper bound rounded up to 4 digits, as a short decimal.
pub fn decimal_up(x: &num_rational::BigRational) -> Math {
    decimal(&round4(x, true))
}

/// A lower bound rounded down to 4 digits, as a short decimal.
pub fn decimal_down(x: &num_rational::BigRational) -> Math {
    decimal(&round4(x, false))
}
