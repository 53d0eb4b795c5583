//! Expressions to series: the walk over the syntax tree, the working order, and the pieces of
//! `abs`, `min`, `max` and `if`.

use super::coeff::{Coeff, Fail};
use super::ops::Trunc;
use super::SeriesError;
use crate::expr::{CmpOp, Definitions, Expr, Func};
use crate::ir::{Cancelled, Cond, Domain, Evaluator, Graph, Id, LowerError, Lowering, Piece, Side};
use crate::number::{NumberError, Sign};
use num_rational::BigRational;

/// How many extra orders the working order may grow by (to absorb divisions by series of high
/// valuation) before giving up.
const MAX_EXTRA_ORDERS: usize = 64;

/// Truncated series of one variable as a domain of the graph evaluator ([`crate::ir`]):
/// every value is known through (at most) the working order `n`.
struct Trunc1<C> {
    var: String,
    point: C,
    n: usize,
    notes: Vec<String>,
}

impl<C: Coeff> Trunc1<C> {
    fn at(&self) -> String {
        format!("{} = {}", self.var, self.point.describe())
    }
}

impl From<Cancelled> for Fail {
    fn from(c: Cancelled) -> Fail {
        Fail::Series(SeriesError::Number(c.into()))
    }
}

impl<C: Coeff> Domain for Trunc1<C> {
    type V = Trunc<C>;
    type Error = Fail;
    const NEGATIVE_POWERS_AS_QUOTIENTS: bool = true;

    fn number(&mut self, q: &BigRational) -> Result<Trunc<C>, Fail> {
        Ok(Trunc::constant(C::rational(q.clone()), self.n))
    }
    fn pi(&mut self) -> Result<Trunc<C>, Fail> {
        Ok(Trunc::constant(C::pi()?, self.n))
    }
    fn e(&mut self) -> Result<Trunc<C>, Fail> {
        Ok(Trunc::constant(C::e()?, self.n))
    }
    fn variable(&mut self, name: &str) -> Result<Trunc<C>, Fail> {
        if name == self.var {
            Ok(Trunc::variable(self.point.clone(), self.n))
        } else {
            Err(NumberError::NotConstant(name.to_string()).into())
        }
    }
    fn neg(&mut self, a: &Trunc<C>) -> Result<Trunc<C>, Fail> {
        Ok(a.neg())
    }
    fn add(&mut self, a: &Trunc<C>, b: &Trunc<C>) -> Result<Trunc<C>, Fail> {
        Ok(a.add(b))
    }
    fn sub(&mut self, a: &Trunc<C>, b: &Trunc<C>) -> Result<Trunc<C>, Fail> {
        Ok(a.sub(b))
    }
    fn mul(&mut self, a: &Trunc<C>, b: &Trunc<C>) -> Result<Trunc<C>, Fail> {
        Ok(a.mul(b))
    }
    fn div(&mut self, a: &Trunc<C>, b: &Trunc<C>) -> Result<Trunc<C>, Fail> {
        let at = self.at();
        a.div(b, &move || {
            format!("division by a series with a zero of higher order at {at}")
        })
    }
    fn pow(&mut self, base: &Trunc<C>, e: &Trunc<C>, constant: bool) -> Result<Trunc<C>, Fail> {
        let at = self.at();
        if !constant {
            // a^b = exp(b ln a).
            let what = move || format!("the base of a power vanishes at {at}");
            return e.mul(&base.ln(&what)?).exp();
        }
        let Some(r) = e.c.first() else {
            return Ok(Trunc::zeros(0));
        };
        match r.as_rational() {
            Some(q) if q.is_integer() => {
                let what = move || format!("negative power of a series vanishing at {at}");
                base.pow_int(&q.to_integer(), self.n, &what)
            }
            _ => {
                let what = move || format!("non-integer power of a series vanishing at {at}");
                base.pow_const(r, &what)
            }
        }
    }
    fn call(&mut self, func: Func, a: &Trunc<C>) -> Result<Trunc<C>, Fail> {
        let at = self.at();
        let what = move || format!("{func} at {at}");
        apply_func(func, std::slice::from_ref(a), &what, &mut self.notes)
    }
    fn call_at_constant(&mut self, func: Func, a: &Trunc<C>) -> Result<Trunc<C>, Fail> {
        match a.c.first() {
            Some(a0) => Ok(Trunc::constant(C::apply(func, a0)?, self.n)),
            None => Ok(Trunc::zeros(0)),
        }
    }
    fn pow_at_constant(&mut self, base: &Trunc<C>, e: &Trunc<C>) -> Result<Trunc<C>, Fail> {
        match (base.c.first(), e.c.first()) {
            (Some(b0), Some(e0)) => Ok(Trunc::constant(b0.pow(e0)?, self.n)),
            _ => Ok(Trunc::zeros(0)),
        }
    }
    fn side(&mut self, cond: Cond<'_, Trunc<C>>) -> Result<Side, Fail> {
        let Some(d0) = cond.d.c.first() else {
            return Ok(Side::Both);
        };
        Ok(match d0.sign() {
            Sign::Unknown => return Err(NumberError::UndecidedSign(d0.describe()).into()),
            // Two constants that are equal: the condition is decided everywhere.
            Sign::Zero if cond.constant => Side::of_equal(cond.op),
            Sign::Zero => Side::Both,
            s if holds(cond.op, s) => Side::Then,
            _ => Side::Other,
        })
    }
    fn join(
        &mut self,
        cond: Cond<'_, Trunc<C>>,
        a: &Trunc<C>,
        b: &Trunc<C>,
    ) -> Result<Trunc<C>, Fail> {
        let at = self.at();
        let what = move || match cond.piece {
            Piece::If => format!("`if` switches at {at}"),
            Piece::Abs => format!("abs at {at}"),
            Piece::Min => format!("min at {at}"),
            Piece::Max => format!("max at {at}"),
        };
        choose(
            cond.d,
            cond.op,
            a.clone(),
            b.clone(),
            &what,
            &mut self.notes,
        )
    }
}

/// Coefficients `c_0 .. c_n` of a built-in-only expression at `point`.
#[cfg(test)]
pub(crate) fn taylor_in<C: Coeff>(
    expr: &Expr,
    var: &str,
    point: C,
    n: usize,
) -> Result<(Trunc<C>, Vec<String>), Fail> {
    let (graph, root) = lower(expr)?;
    taylor_graph(&graph, root, var, point, n)
}

/// Coefficients `c_0 .. c_n` of node `root` at `point`, growing the working order while
/// divisions lose orders.
pub(crate) fn taylor_graph<C: Coeff>(
    graph: &Graph,
    root: Id,
    var: &str,
    point: C,
    n: usize,
) -> Result<(Trunc<C>, Vec<String>), Fail> {
    taylor_traced(graph, root, var, point, n, &mut Vec::new())
}

/// [`taylor_graph`]; after a failure, `failure` is the chain of nodes from `root` to the node
/// whose series failed ([`Evaluator::failure`]).
pub(crate) fn taylor_traced<C: Coeff>(
    graph: &Graph,
    root: Id,
    var: &str,
    point: C,
    n: usize,
    failure: &mut Vec<Id>,
) -> Result<(Trunc<C>, Vec<String>), Fail> {
    let want = n + 1;
    let mut work = want;
    loop {
        let domain = Trunc1 {
            var: var.to_string(),
            point: point.clone(),
            n: work,
            notes: Vec::new(),
        };
        let mut evaluator = Evaluator::new(graph, domain);
        let grow = match evaluator.value(root) {
            Ok(mut s) if s.order() >= want => {
                s.c.truncate(want);
                let notes = std::mem::take(&mut evaluator.domain_mut().notes);
                return Ok((s, notes));
            }
            Ok(s) => want - s.order(),
            Err(Fail::NeedMoreTerms) => (work / 2).max(4),
            Err(e) => {
                *failure = evaluator.failure().to_vec();
                return Err(e);
            }
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

/// Lowers a built-in-only expression to one scalar node.
pub(crate) fn lower(expr: &Expr) -> Result<(Graph, Id), SeriesError> {
    let defs = Definitions::new();
    let mut lowering = Lowering::new(&defs);
    let root = lowering.lower(expr).map_err(|e| match e {
        LowerError::UnknownFunction(name) => SeriesError::Unsupported(format!(
            "the definition `{name}` (inline definitions first)"
        )),
        e => SeriesError::Unsupported(e.to_string()),
    })?;
    let root = root
        .into_scalar("the expression")
        .map_err(|_| SeriesError::Unsupported("a vector".into()))?;
    Ok((lowering.into_graph(), root))
}

fn holds(op: CmpOp, s: Sign) -> bool {
    match op {
        CmpOp::Lt => s == Sign::Negative,
        CmpOp::Le => s != Sign::Positive,
        CmpOp::Gt => s == Sign::Positive,
        CmpOp::Ge => s != Sign::Negative,
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
    let holds = |s: Sign| holds(op, s);
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

/// Whether `e` mentions the variable `var` (used by the fast path's own walker).
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
