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

/// An upper bound rounded up to 4 digits, as a short decimal.
pub fn decimal_up(x: &num_rational::BigRational) -> Math {
    decimal(&crate::certificate::round_up_decimal(x, 4))
}

/// A lower bound rounded down to 4 digits, as a short decimal.
pub fn decimal_down(x: &num_rational::BigRational) -> Math {
    let t = crate::certificate::decimal_down(x);
    let l = match t.split_once('e') {
        Some((m, e)) => format!(r"{m} \cdot 10^{{{e}}}"),
        None => t.clone(),
    };
    Math::new(t, l)
}
