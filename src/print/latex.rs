//! The LaTeX printer: one tree, one precedence table, KaTeX- and MathJax-safe macros only.
//!
//! Rules that keep the mathematics reading right:
//! - a quotient is one `\frac` at the outside; inside a `\frac` or an exponent it is written
//!   `a/b`, so fractions never nest;
//! - a function of a plain number is written without parentheses (`\ln 2`) only where nothing
//!   follows that could be read as part of its argument (the end of a term, of a fraction's
//!   part, of an exponent); as the base of a power it is bracketed (`\left(\ln 2\right)^{2}`);
//! - a factor that begins with a digit, a sign or a bracket is joined by `\cdot`; otherwise
//!   factors are juxtaposed (`2 \pi x`).

use super::{decimal, Prec};
use crate::expr::{BinOp, CmpOp, Expr, Func};
use num_traits::Signed;

/// Where an expression is printed.
#[derive(Clone, Copy)]
struct Ctx {
    /// Nothing follows it that could be read as part of it (a bare `\ln 2` is safe).
    tail: bool,
    /// Inside a `\frac` or an exponent: quotients are written `a/b`.
    inline: bool,
}

/// LaTeX (math mode) for `e`: `\frac{}{}`, `\sqrt{}`, `e^{...}`, `\tanh`, `\operatorname{erf}`.
///
/// ```
/// use taylorgate::expr::Definitions;
/// use taylorgate::parse::parse_expr;
/// use taylorgate::print::latex;
///
/// let e = parse_expr("sqrt(2)/2 * exp(-x^2/2) + pi", &Definitions::new()).unwrap();
/// assert_eq!(latex(&e), r"\frac{\sqrt{2}}{2} e^{-x^{2}/2} + \pi");
/// let e = parse_expr("exp(-ln(2)^2)", &Definitions::new()).unwrap();
/// assert_eq!(latex(&e), r"e^{-\left(\ln 2\right)^{2}}");
/// ```
pub fn latex(e: &Expr) -> String {
    let mut out = String::new();
    emit(
        e,
        Ctx {
            tail: true,
            inline: false,
        },
        &mut out,
    );
    out
}

fn prec(e: &Expr, ctx: Ctx) -> Prec {
    match e {
        Expr::Num(q) if q.is_negative() => Prec::Neg,
        Expr::Num(q) if ctx.inline && decimal(q).is_none() => Prec::Mul,
        Expr::Neg(_) => Prec::Neg,
        Expr::Bin(BinOp::Add | BinOp::Sub, ..) => Prec::Add,
        Expr::Bin(BinOp::Mul, ..) => Prec::Mul,
        Expr::Bin(BinOp::Div, ..) if ctx.inline => Prec::Mul,
        Expr::Bin(BinOp::Pow, ..) => Prec::Pow,
        Expr::If(..) => Prec::If,
        _ => Prec::Atom,
    }
}

/// Whether the printed form of `e` begins with a minus sign.
fn leads_with_minus(e: &Expr, ctx: Ctx) -> bool {
    match e {
        Expr::Neg(_) => true,
        Expr::Num(q) => q.is_negative(),
        Expr::Bin(BinOp::Mul | BinOp::Add | BinOp::Sub, a, _) => leads_with_minus(a, ctx),
        Expr::Bin(BinOp::Div, a, _) if ctx.inline => leads_with_minus(a, ctx),
        _ => false,
    }
}

fn wrapped(e: &Expr, ctx: Ctx, out: &mut String) {
    out.push_str(r"\left(");
    emit(
        e,
        Ctx {
            tail: true,
            inline: ctx.inline,
        },
        out,
    );
    out.push_str(r"\right)");
}

fn operand(e: &Expr, min: Prec, ctx: Ctx, out: &mut String) {
    if prec(e, ctx) < min {
        wrapped(e, ctx, out)
    } else {
        emit(e, ctx, out)
    }
}

/// Whether a function of `arg` may be written without parentheses (`\ln 2`, `\sin \pi`).
fn bare_argument(arg: &Expr) -> bool {
    matches!(arg, Expr::Num(q) if q.is_integer() && !q.is_negative())
        || matches!(arg, Expr::Pi | Expr::E)
}

/// Whether `base^{...}` would misread and needs brackets.
fn bracket_base(base: &Expr, ctx: Ctx) -> bool {
    prec(base, ctx) < Prec::Atom
        || match base {
            Expr::Num(q) => !q.is_integer(),
            Expr::Bin(BinOp::Div, ..) => true,
            Expr::Call(Func::Sqrt | Func::Abs, _) => false,
            Expr::Call(..) | Expr::Apply(..) | Expr::Deriv(..) => true,
            _ => false,
        }
}

fn emit(e: &Expr, ctx: Ctx, out: &mut String) {
    let open = Ctx {
        tail: true,
        inline: ctx.inline,
    };
    let inner = Ctx {
        tail: true,
        inline: true,
    };
    match e {
        Expr::Num(q) => {
            if q.is_negative() {
                out.push('-');
            }
            let a = q.abs();
            match decimal(&a) {
                Some(d) => out.push_str(&d),
                None if ctx.inline => out.push_str(&format!("{}/{}", a.numer(), a.denom())),
                None => out.push_str(&format!(
                    r"\frac{{{}}}{{{}}}",
                    frac_part(a.numer()),
                    frac_part(a.denom())
                )),
            }
        }
        Expr::Pi => out.push_str(r"\pi"),
        Expr::E => out.push('e'),
        Expr::Var(name) => out.push_str(&latex_name(name, false)),
        Expr::Neg(a) => {
            out.push('-');
            if leads_with_minus(a, ctx) {
                wrapped(a, ctx, out)
            } else {
                operand(a, Prec::Pow, ctx, out);
            }
        }
        Expr::Bin(BinOp::Div, a, b) if !ctx.inline => {
            out.push_str(r"\frac{");
            for (i, part) in [a, b].into_iter().enumerate() {
                if i == 1 {
                    out.push_str("}{");
                }
                match &**part {
                    Expr::Num(q) if q.is_integer() && !q.is_negative() => {
                        out.push_str(&frac_part(q.numer()))
                    }
                    _ => emit(part, inner, out),
                }
            }
            out.push('}');
        }
        Expr::Bin(BinOp::Pow, a, b) => {
            let base = Ctx {
                tail: false,
                inline: ctx.inline,
            };
            if bracket_base(a, base) {
                wrapped(a, base, out);
            } else {
                emit(a, base, out);
            }
            out.push_str("^{");
            emit(b, inner, out);
            out.push('}');
        }
        Expr::Bin(op, a, b) => {
            let (l, r) = super::operand_precs(*op);
            let left = Ctx {
                tail: matches!(op, BinOp::Add | BinOp::Sub),
                inline: ctx.inline,
            };
            let right = Ctx {
                tail: matches!(op, BinOp::Add | BinOp::Sub) || ctx.tail,
                inline: ctx.inline,
            };
            operand(a, l, left, out);
            let mut rhs = String::new();
            if leads_with_minus(b, right) {
                wrapped(b, right, &mut rhs);
            } else {
                operand(b, r, right, &mut rhs);
            }
            out.push_str(match op {
                BinOp::Add => " + ",
                BinOp::Sub => " - ",
                BinOp::Div => "/",
                _ if rhs.starts_with(|c: char| c.is_ascii_digit() || c == '-')
                    || rhs.starts_with(r"\left(")
                    || rhs.starts_with(r"\frac") =>
                {
                    r" \cdot "
                }
                _ => " ",
            });
            out.push_str(&rhs);
        }
        Expr::Call(func, args) => match (func, args.as_slice()) {
            (Func::Exp, [x]) => {
                out.push_str("e^{");
                emit(x, inner, out);
                out.push('}');
            }
            (Func::Sqrt, [x]) => {
                out.push_str(r"\sqrt{");
                emit(x, open, out);
                out.push('}');
            }
            (Func::Abs, [x]) => {
                out.push_str(r"\left|");
                emit(x, open, out);
                out.push_str(r"\right|");
            }
            (_, [x]) if ctx.tail && bare_argument(x) => {
                out.push_str(latex_func(*func));
                out.push(' ');
                emit(x, open, out);
            }
            _ => {
                out.push_str(latex_func(*func));
                args_into(args, ctx, out);
            }
        },
        Expr::Apply(name, args) => {
            out.push_str(&latex_name(name, true));
            args_into(args, ctx, out);
        }
        Expr::Deriv(name, order, arg) => {
            let head = match Func::from_name(name) {
                Some(f) => latex_func(f).to_string(),
                None => latex_name(name, true),
            };
            out.push_str(&head);
            if *order <= 3 {
                out.push_str(&"'".repeat(*order as usize));
            } else {
                out.push_str(&format!("^{{({order})}}"));
            }
            args_into(std::slice::from_ref(arg), ctx, out);
        }
        Expr::If(cond, a, b) => {
            out.push_str(r"\begin{cases} ");
            emit(a, open, out);
            out.push_str(r" & \text{if } ");
            emit(&cond.lhs, open, out);
            out.push_str(match cond.op {
                CmpOp::Lt => " < ",
                CmpOp::Le => r" \le ",
                CmpOp::Gt => " > ",
                CmpOp::Ge => r" \ge ",
            });
            emit(&cond.rhs, open, out);
            out.push_str(r" \\ ");
            emit(b, open, out);
            out.push_str(r" & \text{otherwise} \end{cases}");
        }
        Expr::Vector(items) => {
            let matrix = !items.is_empty() && items.iter().all(|i| matches!(i, Expr::Vector(_)));
            if matrix {
                out.push_str(r"\begin{pmatrix} ");
                for (i, row) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(r" \\ ");
                    }
                    if let Expr::Vector(cells) = row {
                        for (j, cell) in cells.iter().enumerate() {
                            if j > 0 {
                                out.push_str(" & ");
                            }
                            emit(cell, open, out);
                        }
                    }
                }
                out.push_str(r" \end{pmatrix}");
            } else {
                args_into(items, ctx, out);
            }
        }
    }
}

/// A non-negative integer as a whole part of a `\frac`: with ten or more trailing zeros it is
/// written `m \cdot 10^{k}` (`10^{k}` for `m = 1`), so a long denominator fits the line.
fn frac_part(n: &num_bigint::BigInt) -> String {
    let digits = n.to_string();
    let k = digits.len() - digits.trim_end_matches('0').len();
    if k < 10 || digits.len() == k {
        return digits;
    }
    let m = &digits[..digits.len() - k];
    if m == "1" {
        format!("10^{{{k}}}")
    } else {
        format!(r"{m} \cdot 10^{{{k}}}")
    }
}

fn args_into(args: &[Expr], ctx: Ctx, out: &mut String) {
    let open = Ctx {
        tail: true,
        inline: ctx.inline,
    };
    out.push_str(r"\left(");
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        emit(a, open, out);
    }
    out.push_str(r"\right)");
}

/// `name` in LaTeX: Greek letter names become `\sigma`, `x1` becomes `x_{1}`, other long
/// names are upright (`\operatorname` for functions, `\mathrm` otherwise).
pub(crate) fn latex_name(name: &str, function: bool) -> String {
    const GREEK: [&str; 23] = [
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
        "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
        "Phi",
    ];
    let split = name
        .find(|c: char| c.is_ascii_digit())
        .filter(|&i| i > 0 && name[i..].chars().all(|c| c.is_ascii_digit()));
    let (stem, index) = match split {
        Some(i) => (&name[..i], Some(&name[i..])),
        None => (name, None),
    };
    let mut out = if GREEK.contains(&stem) {
        format!(r"\{stem}")
    } else if stem.chars().count() == 1 {
        stem.to_string()
    } else if function {
        format!(r"\operatorname{{{}}}", stem.replace('_', r"\_"))
    } else {
        format!(r"\mathrm{{{}}}", stem.replace('_', r"\_"))
    };
    if let Some(i) = index {
        out.push_str(&format!("_{{{i}}}"));
    }
    out
}

/// The LaTeX name of a built-in (standard macros where LaTeX has them; `\operatorname`
/// otherwise, which KaTeX and MathJax both support).
pub(crate) fn latex_func(func: Func) -> &'static str {
    match func {
        Func::Exp => r"\exp",
        Func::Ln => r"\ln",
        Func::Sqrt => r"\operatorname{sqrt}",
        Func::Abs => r"\operatorname{abs}",
        Func::Min => r"\min",
        Func::Max => r"\max",
        Func::Sin => r"\sin",
        Func::Cos => r"\cos",
        Func::Tan => r"\tan",
        Func::Sinh => r"\sinh",
        Func::Cosh => r"\cosh",
        Func::Tanh => r"\tanh",
        Func::Asin => r"\arcsin",
        Func::Acos => r"\arccos",
        Func::Atan => r"\arctan",
        Func::Asinh => r"\operatorname{arsinh}",
        Func::Acosh => r"\operatorname{arcosh}",
        Func::Atanh => r"\operatorname{artanh}",
        Func::Erf => r"\operatorname{erf}",
    }
}
