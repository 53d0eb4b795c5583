//! Building blocks of displayed mathematics: derivative names, monomials, signed sums.

use super::doc::Math;
use crate::expr::Expr;
use crate::gate::Term;
use crate::number::Const;

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

/// Whether printed text is a sum or difference at its top level (outside brackets).
fn is_sum(s: &str) -> bool {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '+' | '-' if depth == 0 && i > 0 => {
                let prev = s[..i].trim_end().chars().last();
                if !matches!(prev, Some('e' | 'E' | '^' | '*' | '/' | '(')) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// A coefficient as a signed factor: `(negative, text, latex)` of its absolute value, with
/// brackets when it is a sum; `None` text for the coefficient 1.
fn signed_factor(c: &Const) -> (bool, Option<Math>) {
    let text = c.to_string();
    let negative = text.starts_with('-') && !is_sum(&text);
    let abs = if negative { -c } else { c.clone() };
    if abs == Const::one() {
        return (negative, None);
    }
    let t = abs.to_string();
    let l = abs.to_latex();
    let m = if is_sum(&t) {
        Math::new(format!("({t})"), format!(r"\left({l}\right)"))
    } else {
        Math::new(t, l)
    };
    (negative, Some(m))
}

/// A sum `c_1 m_1 + c_2 m_2 + ...` in pieces for line breaking: the first piece carries its
/// own sign, every other piece starts with `+` or `-`. Zero coefficients are left out; an empty
/// sum is `0`.
pub fn signed_sum(terms: &[(Const, Math)]) -> Vec<Math> {
    let mut out = Vec::new();
    for (c, mono) in terms {
        if c.is_zero() {
            continue;
        }
        if let Some(pieces) = long_compound(c, mono, out.is_empty()) {
            out.extend(pieces);
            continue;
        }
        let (negative, factor) = signed_factor(c);
        let body = match (factor, mono.text.as_str()) {
            (None, _) => mono.clone(),
            (Some(f), "1") => f,
            (Some(f), _) => Math::new(
                format!("{}*{}", f.text, mono.text),
                format!(r"{}\, {}", f.latex, mono.latex),
            ),
        };
        let (ts, ls) = match (out.is_empty(), negative) {
            (true, true) => ("-", "-"),
            (true, false) => ("", ""),
            (false, true) => ("- ", "- "),
            (false, false) => ("+ ", "+ "),
        };
        out.push(Math::new(
            format!("{ts}{}", body.text),
            format!("{ls}{}", body.latex),
        ));
    }
    if out.is_empty() {
        out.push(Math::same("0"));
    }
    out
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

/// A term whose coefficient is a long sum, as several breakable pieces:
/// `+ \bigl(a`, `+ b`, ..., `+ z\bigr)\, m` (the brackets need not balance on one line).
fn long_compound(c: &Const, mono: &Math, first: bool) -> Option<Vec<Math>> {
    let text = c.to_string();
    if !is_sum(&text) || super::render::latex_width(&c.to_latex()) < 28.0 {
        return None;
    }
    let mut parts = Vec::new();
    summands(&c.to_expr(), false, &mut parts);
    if parts.len() < 2 {
        return None;
    }
    let k = parts.len();
    let mut out = Vec::new();
    for (i, (neg, e)) in parts.into_iter().enumerate() {
        let (t, l) = (e.to_string(), e.to_latex());
        let (t, l) = if t.starts_with('-') && !is_sum(&t) {
            // A summand printed with its own minus: fold it into the sign.
            let inner = (-Const::from_expr(&e).ok()?).to_expr();
            (inner.to_string(), inner.to_latex())
        } else {
            (t, l)
        };
        let neg = neg ^ e.to_string().starts_with('-');
        let sign = match (i, neg) {
            (0, true) => "-",
            (0, false) => "",
            (_, true) => "- ",
            (_, false) => "+ ",
        };
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
            format!("{open_t}{sign}{t}{close_t}"),
            format!("{open_l}{sign}{l}{close_l}"),
        ));
    }
    Some(out)
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

/// A polynomial of gate terms, in pieces.
pub fn polynomial(terms: &[Term], names: &[String]) -> Vec<Math> {
    let pairs: Vec<(Const, Math)> = terms
        .iter()
        .map(|t| (t.coefficient.clone(), monomial(&t.powers, names)))
        .collect();
    signed_sum(&pairs)
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
