//! The text printer: taylorgate's own language, with as few parentheses as precedence allows,
//! so that parsing the text gives the same tree back.

use super::{decimal, Prec};
use crate::expr::{BinOp, Claim, ClaimOrder, Cond, Expr, Program, Statement};
use num_traits::Signed;
use std::fmt;

/// How tightly `e` binds when printed as text.
fn prec(e: &Expr) -> Prec {
    match e {
        Expr::Neg(_) => Prec::Neg,
        Expr::Bin(BinOp::Add | BinOp::Sub, ..) => Prec::Add,
        Expr::Bin(BinOp::Mul | BinOp::Div, ..) => Prec::Mul,
        Expr::Bin(BinOp::Pow, ..) => Prec::Pow,
        Expr::If(..) => Prec::If,
        _ => Prec::Atom,
    }
}

fn write_operand(e: &Expr, f: &mut fmt::Formatter<'_>, min: Prec) -> fmt::Result {
    if prec(e) < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

fn write_args(f: &mut fmt::Formatter<'_>, args: &[Expr]) -> fmt::Result {
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{a}")?;
    }
    Ok(())
}

/// Text in taylorgate's own language, with as few parentheses as precedence allows, so that
/// parsing the text gives the same tree back. A number prints as an integer, an exact
/// decimal, or a parenthesised quotient `(1/3)`; a negative number is parenthesised `(-3)`.
/// (The trees built by [`crate::print`]'s builders never hold negative numbers or a negation
/// right of `+`, so their text reads `a - 3`, not `a + (-3)`.)
///
/// ```
/// use taylorgate::expr::{BinOp, Expr};
///
/// let (a, b, c) = (Expr::var("a"), Expr::var("b"), Expr::var("c"));
/// assert_eq!((a.clone() - (b.clone() - c.clone())).to_string(), "a - (b - c)");
/// let pow = |x: Expr, y: Expr| Expr::bin(BinOp::Pow, x, y);
/// assert_eq!(pow(pow(a.clone(), b.clone()), c.clone()).to_string(), "(a^b)^c");
/// assert_eq!(pow(Expr::int(2), -Expr::int(1)).to_string(), "2^(-1)");
/// ```
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(q) => {
                let a = q.abs();
                let sign = if q.is_negative() { "-" } else { "" };
                match decimal(&a) {
                    Some(d) if sign.is_empty() => f.write_str(&d),
                    Some(d) => write!(f, "(-{d})"),
                    None => write!(f, "({sign}{}/{})", a.numer(), a.denom()),
                }
            }
            Expr::Pi => f.write_str("pi"),
            Expr::E => f.write_str("e"),
            Expr::Var(name) => f.write_str(name),
            Expr::Neg(a) => {
                f.write_str("-")?;
                write_operand(a, f, Prec::Pow)
            }
            Expr::Bin(op, a, b) => {
                let (l, r) = super::operand_precs(*op);
                write_operand(a, f, l)?;
                f.write_str(match op {
                    BinOp::Add => " + ",
                    BinOp::Sub => " - ",
                    BinOp::Mul => "*",
                    BinOp::Div => "/",
                    BinOp::Pow => "^",
                })?;
                if matches!(**b, Expr::Neg(_)) {
                    write_operand(b, f, Prec::Atom)
                } else {
                    write_operand(b, f, r)
                }
            }
            Expr::Call(func, args) => {
                write!(f, "{func}(")?;
                write_args(f, args)?;
                f.write_str(")")
            }
            Expr::Apply(name, args) => {
                write!(f, "{name}(")?;
                write_args(f, args)?;
                f.write_str(")")
            }
            Expr::Deriv(name, order, arg) => {
                f.write_str(name)?;
                for _ in 0..*order {
                    f.write_str("'")?;
                }
                write!(f, "({arg})")
            }
            Expr::If(cond, a, b) => {
                write!(f, "if {cond} then ")?;
                write_operand(a, f, Prec::Add)?;
                write!(f, " else {b}")
            }
            Expr::Vector(items) => {
                f.write_str("[")?;
                write_args(f, items)?;
                f.write_str("]")
            }
        }
    }
}

/// `lhs < rhs`; an `if` on either side is parenthesised.
impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_operand(&self.lhs, f, Prec::Add)?;
        write!(f, " {} ", self.op.symbol())?;
        write_operand(&self.rhs, f, Prec::Add)
    }
}

/// `O(|x|^k)` or `O(lambda^k)`.
impl fmt::Display for ClaimOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClaimOrder::Norm { norm_name, k } => write!(f, "O(|{norm_name}|^{k})"),
            ClaimOrder::Var { var, k } => write!(f, "O({var}^{k})"),
        }
    }
}

/// `claim lhs = rhs + O(...)`.
impl fmt::Display for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("claim ")?;
        write_operand(&self.lhs, f, Prec::Add)?;
        f.write_str(" = ")?;
        write_operand(&self.rhs, f, Prec::Add)?;
        write!(f, " + {}", self.order)
    }
}

/// One line of a `.tg` file (without the newline).
impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Function { name, params, body } => {
                write!(f, "{name}({}) = {body}", params.join(", "))
            }
            Statement::Constant { name, value } => write!(f, "{name} = {value}"),
            Statement::Claim(claim) => write!(f, "{claim}"),
            Statement::SupClaim(claim) => write!(f, "{claim}"),
        }
    }
}

/// The statements, one per line.
impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for located in &self.statements {
            writeln!(f, "{}", located.statement)?;
        }
        Ok(())
    }
}

/// `claim |g| <= eps for |u| <= r, lo <= v <= hi`.
impl fmt::Display for crate::expr::SupClaim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "claim |{}| <= {} for ", self.expr, self.bound)?;
        for (i, (v, lo, hi)) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if *lo == Expr::Neg(Box::new(hi.clone())) {
                write!(f, "|{v}| <= {hi}")?;
            } else {
                write!(f, "{lo} <= {v} <= {hi}")?;
            }
        }
        Ok(())
    }
}
