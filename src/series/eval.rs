//! Expressions to series: the walk over the syntax tree, the working order, and the pieces of
//! `abs`, `min`, `max` and `if`.

use super::coeff::{Coeff, Fail};
use super::ops::Trunc;
use super::SeriesError;
use crate::expr::{BinOp, CmpOp, Expr, Func};
use crate::number::{NumberError, Sign};

/// How many extra orders the working order may grow by (to absorb divisions by series of high
/// valuation) before giving up.
const MAX_EXTRA_ORDERS: usize = 64;

struct Ctx<'a, C> {
    var: &'a str,
    point: C,
    /// The working order: every intermediate series is known through (at most) this order.
    n: usize,
    notes: Vec<String>,
}

impl<C: Coeff> Ctx<'_, C> {
    fn at(&self) -> String {
        format!("{} = {}", self.var, self.point.describe())
    }
}

/// Coefficients `c_0 .. c_n` of `expr` at `point`, growing the working order while divisions
/// lose orders.
pub(crate) fn taylor_in<C: Coeff>(
    expr: &Expr,
    var: &str,
    point: C,
    n: usize,
) -> Result<(Trunc<C>, Vec<String>), Fail> {
    let want = n + 1;
    let mut work = want;
    loop {
        let mut ctx = Ctx {
            var,
            point: point.clone(),
            n: work,
            notes: Vec::new(),
        };
        let grow = match series(expr, &mut ctx) {
            Ok(mut s) if s.order() >= want => {
                s.c.truncate(want);
                return Ok((s, ctx.notes));
            }
            Ok(s) => want - s.order(),
            Err(Fail::NeedMoreTerms) => (work / 2).max(4),
            Err(e) => return Err(e),
        };
        if work + grow > want + MAX_EXTRA_ORDERS {
            return Err(SeriesError::VanishingDenominator {
                var: var.to_string(),
                point: point.describe(),
                order: work,
            }
            .into());
        }
        work += grow;
    }
}

pub(crate) fn contains_var(e: &Expr, var: &str) -> bool {
    match e {
        Expr::Num(_) | Expr::Pi | Expr::E => false,
        Expr::Var(v) => v == var,
        Expr::Neg(a) => contains_var(a, var),
        Expr::Bin(_, a, b) => contains_var(a, var) || contains_var(b, var),
        Expr::Call(_, args) | Expr::Apply(_, args) | Expr::Vector(args) => {
            args.iter().any(|a| contains_var(a, var))
        }
        Expr::Deriv(_, _, a) => contains_var(a, var),
        Expr::If(c, a, b) => {
            contains_var(&c.lhs, var)
                || contains_var(&c.rhs, var)
                || contains_var(a, var)
                || contains_var(b, var)
        }
    }
}

fn series<C: Coeff>(e: &Expr, ctx: &mut Ctx<C>) -> Result<Trunc<C>, Fail> {
    crate::budget::check();
    let n = ctx.n;
    Ok(match e {
        Expr::Num(q) => Trunc::constant(C::rational(q.clone()), n),
        Expr::Pi => Trunc::constant(C::pi()?, n),
        Expr::E => Trunc::constant(C::e()?, n),
        Expr::Var(v) if v == ctx.var => Trunc::variable(ctx.point.clone(), n),
        Expr::Var(v) => return Err(NumberError::NotConstant(v.clone()).into()),
        Expr::Neg(a) => series(a, ctx)?.neg(),
        Expr::Bin(op, a, b) => binary(*op, a, b, ctx)?,
        Expr::Call(func, args) => {
            let args = args
                .iter()
                .map(|a| series(a, ctx))
                .collect::<Result<Vec<_>, _>>()?;
            let at = ctx.at();
            let what = move || format!("{func} at {at}");
            apply_func(*func, &args, &what, &mut ctx.notes)?
        }
        Expr::If(cond, a, b) => {
            let d = series(&cond.lhs, ctx)?.sub(&series(&cond.rhs, ctx)?);
            let (a, b) = (series(a, ctx)?, series(b, ctx)?);
            let at = ctx.at();
            let what = move || format!("`if` switches at {at}");
            choose(&d, cond.op, a, b, &what, &mut ctx.notes)?
        }
        Expr::Apply(name, _) | Expr::Deriv(name, _, _) => {
            return Err(SeriesError::Unsupported(format!(
                "the definition `{name}` (inline definitions first)"
            ))
            .into())
        }
        Expr::Vector(_) => return Err(SeriesError::Unsupported("a vector".into()).into()),
    })
}

fn binary<C: Coeff>(op: BinOp, a: &Expr, b: &Expr, ctx: &mut Ctx<C>) -> Result<Trunc<C>, Fail> {
    if op == BinOp::Pow {
        return power(a, b, ctx);
    }
    let (x, y) = (series(a, ctx)?, series(b, ctx)?);
    Ok(match op {
        BinOp::Add => x.add(&y),
        BinOp::Sub => x.sub(&y),
        BinOp::Mul => x.mul(&y),
        BinOp::Div => {
            let at = ctx.at();
            x.div(&y, &move || {
                format!("division by a series with a zero of higher order at {at}")
            })?
        }
        BinOp::Pow => unreachable!("handled above"),
    })
}

fn power<C: Coeff>(a: &Expr, b: &Expr, ctx: &mut Ctx<C>) -> Result<Trunc<C>, Fail> {
    let base = series(a, ctx)?;
    let at = ctx.at();
    if contains_var(b, ctx.var) {
        // a^b = exp(b ln a).
        let what = move || format!("the base of a power vanishes at {at}");
        let e = series(b, ctx)?;
        return e.mul(&base.ln(&what)?).exp();
    }
    let saved = ctx.n;
    ctx.n = 1;
    let r = series(b, ctx);
    ctx.n = saved;
    let r = r?.c.swap_remove(0);
    match r.as_rational() {
        Some(q) if q.is_integer() => {
            let what = move || format!("negative power of a series vanishing at {at}");
            base.pow_int(&q.to_integer(), ctx.n, &what)
        }
        _ => {
            let what = move || format!("non-integer power of a series vanishing at {at}");
            base.pow_const(&r, &what)
        }
    }
}

/// A built-in applied to series.
pub(crate) fn apply_func<C: Coeff>(
    func: Func,
    args: &[Trunc<C>],
    what: &dyn Fn() -> String,
    notes: &mut Vec<String>,
) -> Result<Trunc<C>, Fail> {
    let a = &args[0];
    match func {
        Func::Exp => a.exp(),
        Func::Ln => a.ln(what),
        Func::Sqrt => a.pow_const(
            &C::rational(num_rational::BigRational::new(1.into(), 2.into())),
            what,
        ),
        Func::Sin => Ok(a.sin_cos(false)?.0),
        Func::Cos => Ok(a.sin_cos(false)?.1),
        Func::Sinh => Ok(a.sin_cos(true)?.0),
        Func::Cosh => Ok(a.sin_cos(true)?.1),
        Func::Tan => a.tan(false),
        Func::Tanh => a.tan(true),
        Func::Asin
        | Func::Acos
        | Func::Atan
        | Func::Asinh
        | Func::Acosh
        | Func::Atanh
        | Func::Erf => {
            endpoint_check(func, a, what)?;
            a.integrated(func, what)
        }
        Func::Abs => choose(a, CmpOp::Ge, a.clone(), a.neg(), what, notes),
        Func::Min => {
            let b = &args[1];
            choose(&a.sub(b), CmpOp::Le, a.clone(), b.clone(), what, notes)
        }
        Func::Max => {
            let b = &args[1];
            choose(&a.sub(b), CmpOp::Ge, a.clone(), b.clone(), what, notes)
        }
    }
}

/// The inverse functions at the end points of their domain are branch points (`asin(1)`,
/// `acosh(1)`) or logarithmic singularities (`atanh(1)`).
fn endpoint_check<C: Coeff>(
    func: Func,
    a: &Trunc<C>,
    what: &dyn Fn() -> String,
) -> Result<(), Fail> {
    let Some(a0) = a.c.first() else {
        return Ok(());
    };
    let one = C::int(1);
    let ends: &[C] = match func {
        Func::Asin | Func::Acos | Func::Atanh => &[one.clone(), one.neg()],
        Func::Acosh => std::slice::from_ref(&one),
        _ => &[],
    };
    for end in ends {
        if a0.sub(end).is_zero_fast() {
            return Err(if func == Func::Atanh {
                SeriesError::Pole { what: what() }
            } else {
                SeriesError::BranchPoint { what: what() }
            }
            .into());
        }
    }
    Ok(())
}

/// `if d op 0 then a else b`, deciding the piece by the proved sign of `d` at the point. At a
/// switching point (`d(p) = 0`) the expansion exists when the punctured neighbourhood lies in
/// one piece (`d` of even valuation) and the value at the point agrees, or when both sides agree
/// through the order.
fn choose<C: Coeff>(
    d: &Trunc<C>,
    op: CmpOp,
    a: Trunc<C>,
    b: Trunc<C>,
    what: &dyn Fn() -> String,
    notes: &mut Vec<String>,
) -> Result<Trunc<C>, Fail> {
    let holds = |s: Sign| match op {
        CmpOp::Lt => s == Sign::Negative,
        CmpOp::Le => s != Sign::Positive,
        CmpOp::Gt => s == Sign::Positive,
        CmpOp::Ge => s != Sign::Negative,
    };
    let Some(d0) = d.c.first() else {
        return Ok(a.add(&b).truncate_to(0));
    };
    match d0.sign() {
        Sign::Unknown => Err(NumberError::UndecidedSign(d0.describe()).into()),
        s @ (Sign::Positive | Sign::Negative) => Ok(if holds(s) { a } else { b }),
        Sign::Zero => {
            let n = a.order().min(b.order());
            let diff = a.sub(&b);
            if diff
                .c
                .iter()
                .all(|x| x.zero_test() == crate::number::ZeroTest::Zero)
            {
                notes.push(format!(
                    "{}: both sides agree through order {}",
                    what(),
                    n.saturating_sub(1)
                ));
                return Ok(a.truncate_to(n));
            }
            // Which piece holds near (not at) the point?
            let v = match d.valuation() {
                Ok(v) => v,
                Err(Fail::NeedMoreTerms) => return Err(Fail::NeedMoreTerms),
                Err(e) => return Err(e),
            };
            let lead = d.c[v].sign();
            if v % 2 == 1 || matches!(lead, Sign::Unknown | Sign::Zero) {
                return Err(SeriesError::Kink { what: what() }.into());
            }
            let near = if holds(lead) { &a } else { &b };
            let at_point_agrees = diff.c[0].is_zero_fast();
            if holds(Sign::Zero) != holds(lead) && !at_point_agrees {
                return Err(SeriesError::Kink { what: what() }.into());
            }
            Ok(near.clone())
        }
    }
}

impl<C: Coeff> Trunc<C> {
    fn truncate_to(mut self, n: usize) -> Trunc<C> {
        self.c.truncate(n);
        self
    }
}
