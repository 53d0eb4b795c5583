//! Lowering to one scalar: a network written with vectors, matrices and definitions becomes a
//! single built-in-only scalar [`Expr`], with the semantics of [`crate::multi::Evaluator`].
//!
//! The rigorous remainder bounds of [`crate::prove`] enclose a claim's remainder with interval
//! arithmetic ([`crate::interval`]), which knows only scalar built-in expressions. This pass
//! expands everything else symbolically, exactly as the series evaluator reads it:
//!
//! * named constants are replaced by their values, user functions by their bodies (parameters
//!   are scalars: a one-parameter function applied to a vector acts entry by entry);
//! * built-ins of one argument act entry by entry on vectors; `min`, `max`, powers and
//!   conditions need scalars;
//! * `A * x` is a matrix-vector product when `A` is a matrix, a row-times-column (dot) product
//!   for two vectors, a matrix product for two matrices, and scaling with a scalar;
//! * `+` and `-` act entry by entry (a scalar is broadcast), `/` divides by a scalar;
//! * `name''(arg)` is the derivative of the body of `name` ([`crate::diff`]), at each entry.
//!
//! ```
//! use taylorgate::parse::parse_program;
//! use taylorgate::scalar::lower;
//! use taylorgate::Definitions;
//! let program = parse_program("A = [[1, 1], [1, -1]]\nw = [1, -1]\nf(u, v) = w * exp(A * [u, v])\n", &Definitions::new())?;
//! let mut defs = Definitions::new();
//! defs.extend_with(&program);
//! let f = taylorgate::parse::parse_expr("f(u, v)", &defs)?;
//! let e = lower(&f, &defs, &["u".to_string(), "v".to_string()])?;
//! assert_eq!(e.to_string(), "exp(u + v) - exp(u - v)");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::diff::{self, DiffError};
use crate::expr::{BinOp, Cond, Definitions, Expr, Func};
use num_traits::{One, Zero};
use std::collections::HashMap;
use thiserror::Error;

/// Largest lowered expression (nodes) before the lowering is refused.
pub const MAX_LOWERED_NODES: usize = 200_000;

/// Deepest nesting of definitions followed by the lowering (as the series evaluator).
const MAX_CALL_DEPTH: usize = 200;

/// Errors of the lowering.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ScalarError {
    /// Shapes do not fit, or the result is a vector where a scalar is needed.
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// A name that is neither a variable, a parameter, nor a definition.
    #[error("unknown name `{0}`")]
    UnknownName(String),
    /// Inlining a derivative failed.
    #[error(transparent)]
    Diff(#[from] DiffError),
    /// The expansion is too large (see [`MAX_LOWERED_NODES`]) or too deeply nested.
    #[error("too large: {0}")]
    TooLarge(String),
}

type R<T> = Result<T, ScalarError>;

/// A lowered value: a scalar built-in-only expression, or a vector of values (rows of a
/// matrix); the shape rules are those of [`crate::shape`], as in [`crate::multi`].
type Value = crate::shape::Value<Expr>;

impl From<crate::shape::ShapeError> for ScalarError {
    fn from(e: crate::shape::ShapeError) -> ScalarError {
        ScalarError::Shape(e.0)
    }
}

/// The size of a lowered value, in expression nodes.
fn nodes(v: &Value) -> usize {
    match v {
        Value::Scalar(e) => diff::node_count(e),
        Value::Vector(v) => v.iter().map(nodes).sum(),
    }
}

/// Lowers `expr` to one built-in-only scalar expression in `variables` (free names that are
/// not variables must be definitions of `defs`).
///
/// # Errors
/// [`ScalarError`]: the result or a part that must be scalar is a vector, shapes do not fit,
/// an unknown name, a derivative that cannot be inlined, a result above
/// [`MAX_LOWERED_NODES`] nodes.
pub fn lower(expr: &Expr, defs: &Definitions, variables: &[String]) -> Result<Expr, ScalarError> {
    Ok(Lowering { defs, variables }
        .eval(expr, &HashMap::new(), 0)?
        .into_scalar("the expression")?)
}

struct Lowering<'a> {
    defs: &'a Definitions,
    variables: &'a [String],
}

type Bindings = HashMap<String, Value>;

/// Whether `e` is a literal `q` or `-q` with `f(value)`.
fn is_num(e: &Expr, f: impl Fn(&num_rational::BigRational) -> bool) -> bool {
    match e {
        Expr::Num(q) => f(q),
        Expr::Neg(a) => matches!(&**a, Expr::Num(q) if f(&-q)),
        _ => false,
    }
}

/// `a * b` with the trivial factors `0`, `1`, `-1` removed (exact: the value is unchanged).
fn times(a: Expr, b: Expr) -> Expr {
    if is_num(&a, Zero::is_zero) || is_num(&b, Zero::is_zero) {
        return Expr::int(0);
    }
    if is_num(&a, One::is_one) {
        return b;
    }
    if is_num(&b, One::is_one) {
        return a;
    }
    if is_num(&a, |q| (-q).is_one()) {
        return Expr::Neg(Box::new(b));
    }
    if is_num(&b, |q| (-q).is_one()) {
        return Expr::Neg(Box::new(a));
    }
    Expr::bin(BinOp::Mul, a, b)
}

/// `a + b` with a zero summand dropped and `a + (-c)` written `a - c`.
fn plus(a: Expr, b: Expr) -> Expr {
    if is_num(&a, Zero::is_zero) {
        return b;
    }
    if is_num(&b, Zero::is_zero) {
        return a;
    }
    match b {
        Expr::Neg(c) => Expr::bin(BinOp::Sub, a, *c),
        b => Expr::bin(BinOp::Add, a, b),
    }
}

impl Lowering<'_> {
    fn eval(&self, expr: &Expr, env: &Bindings, depth: usize) -> R<Value> {
        if depth > MAX_CALL_DEPTH {
            return Err(ScalarError::TooLarge(format!(
                "definitions nested more than {MAX_CALL_DEPTH} deep"
            )));
        }
        let v = match expr {
            Expr::Num(_) | Expr::Pi | Expr::E => Value::Scalar(expr.clone()),
            Expr::Var(name) => {
                if let Some(v) = env.get(name) {
                    v.clone()
                } else if self.variables.contains(name) {
                    Value::Scalar(expr.clone())
                } else if let Some(value) = self.defs.constant(name) {
                    self.eval(value, &Bindings::new(), depth + 1)?
                } else {
                    return Err(ScalarError::UnknownName(name.clone()));
                }
            }
            Expr::Neg(a) => self
                .eval(a, env, depth)?
                .map(&mut |e| Ok::<_, ScalarError>(Expr::Neg(Box::new(e.clone()))))?,
            Expr::Bin(op, a, b) => {
                let a = self.eval(a, env, depth)?;
                let b = self.eval(b, env, depth)?;
                self.binary(*op, a, b)?
            }
            Expr::Vector(items) => Value::Vector(
                items
                    .iter()
                    .map(|x| self.eval(x, env, depth))
                    .collect::<R<_>>()?,
            ),
            Expr::Call(func, args) => {
                let args: Vec<Value> = args
                    .iter()
                    .map(|x| self.eval(x, env, depth))
                    .collect::<R<_>>()?;
                builtin(*func, args)?
            }
            Expr::Apply(name, args) => {
                let def = self
                    .defs
                    .function(name)
                    .ok_or_else(|| ScalarError::UnknownName(name.clone()))?;
                let args: Vec<Value> = args
                    .iter()
                    .map(|x| self.eval(x, env, depth))
                    .collect::<R<_>>()?;
                if def.params.len() != args.len() {
                    return Err(ScalarError::Shape(format!(
                        "{name} takes {} arguments, {} given",
                        def.params.len(),
                        args.len()
                    )));
                }
                if def.params.len() == 1 {
                    let param = def.params[0].clone();
                    let arg = args
                        .into_iter()
                        .next()
                        .ok_or_else(|| ScalarError::Shape(format!("{name} takes one argument")))?;
                    arg.map(&mut |s| {
                        let mut env = Bindings::new();
                        env.insert(param.clone(), Value::Scalar(s.clone()));
                        Ok::<_, ScalarError>(
                            self.eval(&def.body, &env, depth + 1)?.into_scalar(name)?,
                        )
                    })?
                } else {
                    let mut env = Bindings::new();
                    for (p, a) in def.params.iter().zip(args) {
                        env.insert(p.clone(), a);
                    }
                    self.eval(&def.body, &env, depth + 1)?
                }
            }
            Expr::Deriv(name, k, arg) => {
                let t = "__t";
                let f = diff::inline_definitions(
                    &Expr::Deriv(name.clone(), *k, Box::new(Expr::var(t))),
                    self.defs,
                )?;
                self.eval(arg, env, depth)?.map(&mut |s| {
                    Ok::<_, ScalarError>(f.substitute(&[t.to_string()], std::slice::from_ref(s)))
                })?
            }
            Expr::If(cond, a, b) => {
                let lhs = self
                    .eval(&cond.lhs, env, depth)?
                    .into_scalar("a condition")?;
                let rhs = self
                    .eval(&cond.rhs, env, depth)?
                    .into_scalar("a condition")?;
                let a = self.eval(a, env, depth)?.into_scalar("a branch of `if`")?;
                let b = self.eval(b, env, depth)?.into_scalar("a branch of `if`")?;
                Value::Scalar(Expr::If(
                    Box::new(Cond {
                        lhs,
                        op: cond.op,
                        rhs,
                    }),
                    Box::new(a),
                    Box::new(b),
                ))
            }
        };
        if nodes(&v) > MAX_LOWERED_NODES {
            return Err(ScalarError::TooLarge(format!(
                "the expansion has more than {MAX_LOWERED_NODES} nodes"
            )));
        }
        Ok(v)
    }

    fn binary(&self, op: BinOp, a: Value, b: Value) -> R<Value> {
        use crate::shape::Value::{Scalar, Vector};
        match op {
            BinOp::Add => a.zip_with(b, &|x, y| Ok::<_, ScalarError>(plus(x.clone(), y.clone()))),
            BinOp::Sub => a.zip_with(b, &|x, y| {
                Ok::<_, ScalarError>(Expr::bin(BinOp::Sub, x.clone(), y.clone()))
            }),
            BinOp::Mul => match (a, b) {
                (Scalar(x), Scalar(y)) => Ok(Scalar(times(x, y))),
                (Scalar(x), v @ Vector(_)) => {
                    v.map(&mut |y| Ok::<_, ScalarError>(times(x.clone(), y.clone())))
                }
                (v @ Vector(_), Scalar(y)) => {
                    v.map(&mut |x| Ok::<_, ScalarError>(times(x.clone(), y.clone())))
                }
                (Vector(x), Vector(y)) => Value::product(x, y, &|| Expr::int(0), &|acc, p, q| {
                    Ok::<_, ScalarError>(plus(acc, times(p.clone(), q.clone())))
                }),
            },
            BinOp::Div => {
                let y = b.into_scalar("a divisor")?;
                a.map(&mut |x| Ok::<_, ScalarError>(Expr::bin(BinOp::Div, x.clone(), y.clone())))
            }
            BinOp::Pow => {
                let base = a.into_scalar("the base of a power")?;
                let exponent = b.into_scalar("an exponent")?;
                Ok(Scalar(Expr::bin(BinOp::Pow, base, exponent)))
            }
        }
    }
}

fn builtin(func: Func, args: Vec<Value>) -> R<Value> {
    if func.arity() != 1 {
        let args = args
            .into_iter()
            .map(|a| a.into_scalar(&format!("an argument of {}", func.name())))
            .collect::<Result<Vec<_>, _>>()?;
        if args.len() != func.arity() {
            return Err(ScalarError::Shape(format!(
                "{} takes {} arguments",
                func.name(),
                func.arity()
            )));
        }
        return Ok(Value::Scalar(Expr::Call(func, args)));
    }
    let mut it = args.into_iter();
    match (it.next(), it.next()) {
        (Some(arg), None) => arg.map(&mut |s| Ok::<_, ScalarError>(Expr::call(func, s.clone()))),
        _ => Err(ScalarError::Shape(format!(
            "{} takes one argument",
            func.name()
        ))),
    }
}
