//! A function of `x` written as one hidden layer: `g(x) = P(x) + sum_j w_j phi_j(a_j . x)`,
//! and its Taylor model `g(x) = Q(x) + sum_j w_j (a_j . x)^m Phi_j(a_j . x)` with the exact
//! polynomial `Q` and `Phi_j(z) = (phi_j(z) - T_j(z)) / z^m` (`T_j` the Taylor polynomial of
//! `phi_j` at 0 through degree `m - 1`), enclosed on cells of `z` ([`super::phi`]).

use super::fi::Fi;
use super::phi::PhiTable;
use super::BoundError;
use crate::expr::{BinOp, Expr};
use crate::multi::Space;
use crate::number::{Const, ZeroTest};
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive};
use std::sync::Arc;

/// The most neurons handled by the structural bound.
pub const MAX_NEURONS: usize = 1024;

/// One hidden neuron `w phi(a . x)`.
#[derive(Clone, Debug)]
pub struct Neuron {
    /// The output weight.
    pub weight: Const,
    /// The input weights (one per variable).
    pub input: Vec<Const>,
    /// The one-variable function, in `z`.
    pub phi: Expr,
}

/// A decomposed function (see the module docs).
#[derive(Clone, Debug)]
pub struct Network {
    /// The variables, in order.
    pub vars: Vec<String>,
    /// The neurons.
    pub neurons: Vec<Neuron>,
    /// The polynomial part `P`.
    pub poly: Expr,
}

/// The variable of each `phi`.
pub const Z: &str = "__z";

fn is_const(e: &Expr, vars: &[String]) -> bool {
    e.free_variables().iter().all(|v| !vars.contains(v))
}

fn value(e: &Expr) -> Option<Const> {
    Const::from_expr(e).ok()
}

/// `e` as an affine form `(a, c)` in `vars`, if it is one (exact coefficients).
fn affine(e: &Expr, vars: &[String]) -> Option<(Vec<Const>, Const)> {
    let n = vars.len();
    if is_const(e, vars) {
        return Some((vec![Const::zero(); n], value(e)?));
    }
    match e {
        Expr::Var(v) => {
            let i = vars.iter().position(|x| x == v)?;
            let mut a = vec![Const::zero(); n];
            a[i] = Const::one();
            Some((a, Const::zero()))
        }
        Expr::Neg(x) => {
            let (a, c) = affine(x, vars)?;
            Some((a.iter().map(|x| -x).collect(), -&c))
        }
        Expr::Bin(op @ (BinOp::Add | BinOp::Sub), x, y) => {
            let (a, c) = affine(x, vars)?;
            let (b, d) = affine(y, vars)?;
            Some(if *op == BinOp::Add {
                (a.iter().zip(&b).map(|(x, y)| x + y).collect(), &c + &d)
            } else {
                (a.iter().zip(&b).map(|(x, y)| x - y).collect(), &c - &d)
            })
        }
        Expr::Bin(BinOp::Mul, x, y) => {
            let (k, other) = if is_const(x, vars) {
                (value(x)?, y)
            } else if is_const(y, vars) {
                (value(y)?, x)
            } else {
                return None;
            };
            let (a, c) = affine(other, vars)?;
            Some((a.iter().map(|x| x * &k).collect(), &c * &k))
        }
        Expr::Bin(BinOp::Div, x, y) if is_const(y, vars) => {
            let k = value(y)?.recip().ok()?;
            let (a, c) = affine(x, vars)?;
            Some((a.iter().map(|x| x * &k).collect(), &c * &k))
        }
        _ => None,
    }
}

fn is_poly(e: &Expr, vars: &[String]) -> bool {
    if is_const(e, vars) {
        return true;
    }
    match e {
        Expr::Var(_) => true,
        Expr::Neg(a) => is_poly(a, vars),
        Expr::Bin(BinOp::Add | BinOp::Sub | BinOp::Mul, a, b) => {
            is_poly(a, vars) && is_poly(b, vars)
        }
        Expr::Bin(BinOp::Div, a, b) => is_poly(a, vars) && is_const(b, vars),
        Expr::Bin(BinOp::Pow, a, b) => {
            is_poly(a, vars)
                && matches!(&**b, Expr::Num(q) if q.is_integer() && !q.is_negative() && q.to_integer() <= 64.into())
        }
        _ => false,
    }
}

/// Splits `e` into `sum coef * atom`.
fn summands(e: &Expr, coef: Const, vars: &[String], out: &mut Vec<(Const, Expr)>) -> Option<()> {
    match e {
        Expr::Bin(BinOp::Add, a, b) => {
            summands(a, coef.clone(), vars, out)?;
            summands(b, coef, vars, out)
        }
        Expr::Bin(BinOp::Sub, a, b) => {
            summands(a, coef.clone(), vars, out)?;
            summands(b, -coef, vars, out)
        }
        Expr::Neg(a) => summands(a, -coef, vars, out),
        Expr::Bin(BinOp::Mul, a, b) if is_const(a, vars) && !is_const(b, vars) => {
            summands(b, &coef * &value(a)?, vars, out)
        }
        Expr::Bin(BinOp::Mul, a, b) if is_const(b, vars) && !is_const(a, vars) => {
            summands(a, &coef * &value(b)?, vars, out)
        }
        Expr::Bin(BinOp::Div, a, b) if is_const(b, vars) && !is_const(a, vars) => {
            summands(a, &coef * &value(b)?.recip().ok()?, vars, out)
        }
        _ => {
            out.push((coef, e.clone()));
            Some(())
        }
    }
}

/// The maximal affine subexpressions (containing a variable) of `e`, in order.
fn affine_parts(e: &Expr, vars: &[String], out: &mut Vec<(Vec<Const>, Const)>) -> Option<()> {
    if is_const(e, vars) {
        return Some(());
    }
    if let Some(a) = affine(e, vars) {
        out.push(a);
        return Some(());
    }
    match e {
        Expr::Neg(a) => affine_parts(a, vars, out),
        Expr::Bin(_, a, b) => {
            affine_parts(a, vars, out)?;
            affine_parts(b, vars, out)
        }
        Expr::Call(_, args) => args.iter().try_for_each(|a| affine_parts(a, vars, out)),
        Expr::If(c, a, b) => {
            affine_parts(&c.lhs, vars, out)?;
            affine_parts(&c.rhs, vars, out)?;
            affine_parts(a, vars, out)?;
            affine_parts(b, vars, out)
        }
        _ => None,
    }
}

/// `e` with its maximal affine subexpressions replaced, in order, by `subs`.
fn replace(e: &Expr, vars: &[String], subs: &mut std::slice::Iter<'_, Expr>) -> Expr {
    if is_const(e, vars) {
        return e.clone();
    }
    if affine(e, vars).is_some() {
        return subs.next().cloned().unwrap_or_else(|| e.clone());
    }
    match e {
        Expr::Neg(a) => Expr::Neg(Box::new(replace(a, vars, subs))),
        Expr::Bin(op, a, b) => {
            let a = replace(a, vars, subs);
            Expr::bin(*op, a, replace(b, vars, subs))
        }
        Expr::Call(f, args) => {
            Expr::Call(*f, args.iter().map(|a| replace(a, vars, subs)).collect())
        }
        Expr::If(c, a, b) => {
            let lhs = replace(&c.lhs, vars, subs);
            let rhs = replace(&c.rhs, vars, subs);
            let a = replace(a, vars, subs);
            let b = replace(b, vars, subs);
            Expr::If(
                Box::new(crate::expr::Cond { lhs, op: c.op, rhs }),
                Box::new(a),
                Box::new(b),
            )
        }
        _ => e.clone(),
    }
}

fn equal(a: &Const, b: &Const) -> bool {
    (a - b).zero_test() == ZeroTest::Zero
}

/// `alpha z + beta` as an expression.
fn affine_in_z(alpha: &Const, beta: &Const) -> Expr {
    let z = Expr::var(Z);
    let scaled = if equal(alpha, &Const::one()) {
        z
    } else {
        Expr::bin(BinOp::Mul, alpha.to_expr(), z)
    };
    if beta.is_zero() {
        scaled
    } else {
        Expr::bin(BinOp::Add, scaled, beta.to_expr())
    }
}

impl Network {
    /// Reads `e` (a built-in-only scalar expression in `vars`) as one hidden layer, if it is
    /// one: every summand is a polynomial or a function of one linear form of the variables.
    pub fn read(e: &Expr, vars: &[String]) -> Option<Network> {
        let mut parts = Vec::new();
        summands(e, Const::one(), vars, &mut parts)?;
        let mut poly = Expr::int(0);
        let mut neurons = Vec::new();
        for (coef, atom) in parts {
            // A zero coefficient removes its summand only where that is defined everywhere
            // (`0*ln(u)` is not 0 at u = -1): otherwise this is no network.
            if coef.is_zero() {
                if atom.is_total() {
                    continue;
                }
                return None;
            }
            if is_poly(&atom, vars) {
                poly = Expr::bin(
                    BinOp::Add,
                    poly,
                    Expr::bin(BinOp::Mul, coef.to_expr(), atom),
                );
                continue;
            }
            let mut forms = Vec::new();
            affine_parts(&atom, vars, &mut forms)?;
            let (a0, _) = forms.first()?.clone();
            let k = a0.iter().position(|c| !c.is_zero())?;
            let mut subs = Vec::new();
            for (a, c) in &forms {
                let alpha = a[k].checked_div(&a0[k]).ok()?;
                if !a.iter().zip(&a0).all(|(x, y)| equal(x, &(y * &alpha))) {
                    return None;
                }
                subs.push(affine_in_z(&alpha, c));
            }
            let phi = replace(&atom, vars, &mut subs.iter());
            neurons.push(Neuron {
                weight: coef,
                input: a0,
                phi,
            });
            if neurons.len() > MAX_NEURONS {
                return None;
            }
        }
        Some(Network {
            vars: vars.to_vec(),
            neurons,
            poly,
        })
    }
}

/// A monomial `c x^e` with an enclosed coefficient.
#[derive(Clone, Debug)]
pub struct FiTerm {
    /// Exponents.
    pub powers: Vec<u32>,
    /// Total degree.
    pub degree: u32,
    /// The coefficient.
    pub coef: Fi,
}

/// A neuron ready for `f64` evaluation.
#[derive(Clone, Debug)]
pub struct FiNeuron {
    weight: Fi,
    input: Vec<Fi>,
    table: usize,
}

/// The Taylor model of a [`Network`], ready for evaluation over boxes.
pub struct Model {
    /// The order `m` of the neuron factor `(a . x)^m`.
    pub m: u32,
    /// `Q`, exactly (as computed), by monomial.
    pub q_exact: Vec<(Vec<i32>, Const)>,
    q: Vec<FiTerm>,
    neurons: Vec<FiNeuron>,
    tables: Vec<PhiTable>,
}

pub(crate) fn fi_const(c: &Const) -> Result<Fi, BoundError> {
    if let Some(q) = c.to_rational() {
        return Ok(Fi::from_rational(&q));
    }
    let iv = crate::interval::enclose_value(c, 64)?;
    Ok(Fi::from_interval(&iv))
}

impl Model {
    /// The model of order `m` for `z` in `[-zmax, zmax]` (every neuron's argument).
    pub fn new(net: &Network, m: u32, zmax: f64) -> Result<Model, BoundError> {
        let refs: Vec<&str> = net.vars.iter().map(String::as_str).collect();
        let space: Arc<Space> = Space::total_degree(&refs);
        let defs = crate::Definitions::new();
        let ev = crate::multi::Evaluator::new(&defs, space.clone(), 64);
        let mut q = ev
            .eval(&net.poly)
            .ok()
            .and_then(|v| v.into_scalar("").ok())
            .filter(|p| p.order().is_none())
            .ok_or(BoundError::NotANetwork)?;
        let mut tables: Vec<PhiTable> = Vec::new();
        let mut neurons = Vec::new();
        for nr in &net.neurons {
            let t = match tables.iter().position(|t| t.phi == nr.phi) {
                Some(t) => t,
                None => {
                    tables.push(PhiTable::new(&nr.phi, m, zmax)?);
                    tables.len() - 1
                }
            };
            neurons.push(FiNeuron {
                weight: fi_const(&nr.weight)?,
                input: nr.input.iter().map(fi_const).collect::<Result<_, _>>()?,
                table: t,
            });
        }
        // Q += sum_n w_n T(a_n . x), the neurons of one table summed at once (they cancel).
        for (t, table) in tables.iter().enumerate() {
            let group: Vec<(&[Const], &Const)> = net
                .neurons
                .iter()
                .zip(&neurons)
                .filter(|(_, f)| f.table == t)
                .map(|(nr, _)| (nr.input.as_slice(), &nr.weight))
                .collect();
            let sum =
                crate::multi::ridge_sum(&space, &group, &table.taylor[..m as usize], m as usize)
                    .map_err(|e| BoundError::Phi(e.to_string()))?;
            q = q.add(&sum);
        }
        let q_exact: Vec<(Vec<i32>, Const)> = q
            .terms()
            .iter()
            .filter(|(_, c)| !c.is_zero())
            .map(|(e, c)| (e.clone(), c.clone()))
            .collect();
        let q = q_exact
            .iter()
            .map(|(e, c)| {
                Ok(FiTerm {
                    powers: e.iter().map(|&k| k.max(0) as u32).collect(),
                    degree: e.iter().map(|&k| k.max(0) as u32).sum(),
                    coef: fi_const(c)?,
                })
            })
            .collect::<Result<_, BoundError>>()?;
        Ok(Model {
            m,
            q_exact,
            q,
            neurons,
            tables,
        })
    }

    /// The largest `sum_i |a_i|` over the neurons (the argument reach per unit of `|x|_inf`).
    pub fn reach(net: &Network) -> f64 {
        net.neurons
            .iter()
            .map(|n| {
                n.input
                    .iter()
                    .map(|a| fi_const(a).map(|x| x.mag()).unwrap_or(f64::INFINITY))
                    .sum::<f64>()
            })
            .fold(0.0, f64::max)
    }

    /// Cells of `Phi` computed so far (all tables).
    pub fn cells(&self) -> usize {
        self.tables.iter().map(PhiTable::cells).sum()
    }

    /// The number of neurons.
    pub fn neurons(&self) -> usize {
        self.neurons.len()
    }

    /// The number of distinct `phi`.
    pub fn distinct(&self) -> usize {
        self.tables.len()
    }

    /// Encloses `g(x)` over the box `x` (each variable in its interval).
    pub fn eval(&self, x: &[Fi]) -> Result<Fi, BoundError> {
        let mut acc = Fi::point(0.0);
        for t in &self.q {
            let mut v = t.coef;
            for (xi, &k) in x.iter().zip(&t.powers) {
                if k > 0 {
                    v = v.mul(xi.powi(k));
                }
            }
            acc = acc.add(v);
        }
        for n in &self.neurons {
            let z = linear(&n.input, x);
            let phi = self.tables[n.table].enclose(z, !is_point(x))?;
            acc = acc.add(n.weight.mul(z.powi(self.m)).mul(phi));
        }
        Ok(acc)
    }

    /// Encloses `g(t y) / t^m` over `t` in `t`, `y` in the box `y`, when every term of `Q`
    /// has degree `>= m`.
    pub fn eval_ray(&self, t: Fi, y: &[Fi]) -> Result<Fi, BoundError> {
        let mut acc = Fi::point(0.0);
        for term in &self.q {
            if term.degree < self.m {
                return Err(BoundError::NotANetwork);
            }
            let mut v = term.coef.mul(t.powi(term.degree - self.m));
            for (yi, &k) in y.iter().zip(&term.powers) {
                if k > 0 {
                    v = v.mul(yi.powi(k));
                }
            }
            acc = acc.add(v);
        }
        for n in &self.neurons {
            let l = linear(&n.input, y);
            let phi = self.tables[n.table].enclose(t.mul(l), !(is_point(y) && t.lo == t.hi))?;
            acc = acc.add(n.weight.mul(l.powi(self.m)).mul(phi));
        }
        Ok(acc)
    }
}

/// Whether every coordinate is a single point (a sample of the search, not a box).
fn is_point(x: &[Fi]) -> bool {
    x.iter().all(|v| v.lo == v.hi)
}

fn linear(a: &[Fi], x: &[Fi]) -> Fi {
    let mut z = Fi::point(0.0);
    for (ai, xi) in a.iter().zip(x) {
        if ai.lo == 0.0 && ai.hi == 0.0 {
            continue;
        }
        z = z.add(ai.mul(*xi));
    }
    z
}

/// `f64` of a rational, for choosing sizes (not a bound).
pub fn approx(q: &BigRational) -> f64 {
    q.to_f64().unwrap_or(f64::INFINITY)
}
