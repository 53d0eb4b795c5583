//! Taylor models of any built-in scalar expression along rays: the function that is not one
//! hidden layer (a deep product, a tree of squaring gates, any composition), claims
//! `O(lambda^k)`, and removable singularities (`sin(x)/x`, `lambda^-2 (...)`).
//!
//! The rays scale the variables that carry weight ([`Ray`]): `x = t y` with `y` on the faces
//! of the unit cube for the total degree (`O(|x|^m)`), or `lambda = t y_lambda` with
//! `y_lambda = +-1` and every other variable in `[-r, r]` unscaled for the degree in `lambda`
//! (`O(lambda^m)`). The degree `|e|` of a monomial below is its weighted degree.
//!
//! Every subexpression `f` is built at an order `o` (the root at `M = m + EXTRA`) and kept as
//! `f(x) = T_f(x) + t^o E_f(t, y)`: `T_f` is its Taylor polynomial at 0 through degree `o - 1`
//! (coefficients enclosed in outward-rounded `f64`, computed once), and `E_f` is enclosed over
//! each box of `(t, y)` of the branch and bound from the children's enclosures. The rules
//! (`P(B)`: an interval enclosure of a polynomial over the box `B`, `high(P)` its terms of
//! degree `>= o` divided by `t^o`):
//!
//! * sums: `E = sum w_i E_i`;
//! * products: `E_(ab) = high(T_a T_b) + E_a T_b + T_a E_b + t^o E_a E_b`;
//! * a function of one argument `phi(s)`, `c = s(0)` exact, `X = s - c = t W`:
//!   `phi(s) = sum_(k < o) a_k X^k + X^o Phi_c(X)` with `a_k` the exact Taylor coefficients of
//!   `phi` at `c` and `Phi_c(z) = (phi(c + z) - sum a_k z^k) / z^o` enclosed on cells of its
//!   argument ([`super::phi::PhiTable`], the tables of the one-hidden-layer model); the powers
//!   `X^k` by the product rule, and `X^o = t^o W^o`. For `O(lambda^m)` the part of `s` of
//!   degree 0 in `lambda` must be the constant `c` (proved by the exact expansion);
//! * a quotient by a power of the one scaled variable `v` (one-variable claims and claims
//!   `O(lambda^m)`, where `y_v = +-1` on every ray): `a / v^k` with `a` vanishing to order `k`
//!   (proved by the exact expansion) is `T_a / v^k + t^o E_a / y_v^k` with `a` built at order
//!   `o + k`; `a / b` with `b` vanishing to order `k` is `(a / v^k) * 1 / (b / v^k)`.
//!
//! The large terms of the gates cancel in the (enclosed) Taylor coefficients; the remainder of
//! `R` in degrees below `m` is exactly zero (checked by the exact expansion), so
//! `R(t y) / t^m = sum_(m <= |e| < M) r_e t^(|e| - m) y^e + t^(M - m) E_R` has no division by
//! a small `t`.

use super::fi::Fi;
use super::network::{fi_const, Z};
use super::phi::PhiTable;
use super::BoundError;
use crate::expr::{BinOp, Expr};
use crate::interval::Interval;
use crate::multi::{MultiSeries, Space};
use crate::number::{Const, ZeroTest};
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Degrees beyond the remainder's order kept in the polynomial parts (`M = m + EXTRA`).
pub const EXTRA: u32 = 2;
/// The most subexpressions of one model.
pub const MAX_NODES: usize = 4096;
/// The highest order of vanishing of a denominator searched for (removable singularities).
pub const MAX_VANISHING: u32 = 8;
/// Pieces of `[0, r]` in `t` over which the model encloses the range of an argument it cannot
/// enclose directly (`b / v^k`).
const RANGE_PIECES: usize = 16;

/// How the variables scale along the rays of the branch and bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ray {
    /// `x = t y`, `y` on the faces of the unit cube: the total degree (`O(|x|^m)`).
    Total,
    /// Only variable `i` scales, `x_i = t y_i` with `y_i = +-1`; the others range over
    /// `[-r, r]`: the degree in `x_i` (`O(lambda^m)`).
    In(usize),
}

impl Ray {
    /// The weight of each of `n` variables (1: scaled by `t`).
    pub fn weights(self, n: usize) -> Vec<u32> {
        match self {
            Ray::Total => vec![1; n],
            Ray::In(i) => (0..n).map(|j| u32::from(j == i)).collect(),
        }
    }

    /// The one scaled variable, when there is one (`y = +-1` for it on every ray).
    pub fn single(self, n: usize) -> Option<usize> {
        match self {
            Ray::In(i) => Some(i),
            Ray::Total if n == 1 => Some(0),
            Ray::Total => None,
        }
    }

    /// The space of the exact expansion that counts this degree.
    pub fn space(self, vars: &[String]) -> Arc<Space> {
        let refs: Vec<&str> = vars.iter().map(String::as_str).collect();
        match self {
            Ray::Total => Space::total_degree(&refs),
            Ray::In(i) => Space::degree_in(&refs, refs[i]),
        }
    }

    /// The boxes `[t, y_1, ..., y_n]` that cover the region: `t in [0, r]` and `y` on each face
    /// of the unit cube (total degree), or `y_i = +-1` and the others in `[-r, r]`.
    pub fn faces(self, n: usize, radius: Fi) -> Vec<Vec<Fi>> {
        let mut faces = Vec::new();
        let sides: Vec<usize> = match self {
            Ray::Total => (0..n).collect(),
            Ray::In(i) => vec![i],
        };
        let free = match self {
            Ray::Total => Fi::new(-1.0, 1.0),
            Ray::In(_) => Fi::new(-radius.hi, radius.hi),
        };
        for i in sides {
            for side in [1.0, -1.0] {
                let mut b = vec![Fi::new(0.0, radius.hi)];
                b.extend((0..n).map(|j| if i == j { Fi::point(side) } else { free }));
                faces.push(b);
            }
        }
        faces
    }

    /// `x` at the point `[t, y...]` of a face.
    pub fn point(self, at: &[f64]) -> Vec<f64> {
        let w = self.weights(at.len().saturating_sub(1));
        at.iter()
            .skip(1)
            .zip(&w)
            .map(|(y, &k)| if k == 1 { y * at[0] } else { *y })
            .collect()
    }
}

/// A polynomial in `x` with enclosed coefficients: `(exponents, weighted degree,
/// coefficient)`.
#[derive(Clone, Debug, Default)]
struct Poly {
    terms: Vec<(Vec<u32>, u32, Fi)>,
    /// The index of each term's monomial in the model's table ([`Model::finish`]).
    idx: Vec<usize>,
}

fn degree(e: &[u32], w: &[u32]) -> u32 {
    e.iter().zip(w).map(|(a, b)| a * b).sum()
}

impl Poly {
    fn from_map(map: BTreeMap<Vec<u32>, Fi>, w: &[u32]) -> Poly {
        Poly {
            terms: map
                .into_iter()
                .filter(|(_, c)| !(c.lo == 0.0 && c.hi == 0.0))
                .map(|(e, c)| {
                    let d = degree(&e, w);
                    (e, d, c)
                })
                .collect(),
            idx: vec![],
        }
    }

    fn map(&self) -> BTreeMap<Vec<u32>, Fi> {
        self.terms.iter().map(|(e, _, c)| (e.clone(), *c)).collect()
    }

    fn constant(c: Fi, w: &[u32]) -> Poly {
        Poly::from_map(BTreeMap::from([(vec![0; w.len()], c)]), w)
    }

    fn var(i: usize, w: &[u32]) -> Poly {
        let mut e = vec![0; w.len()];
        e[i] = 1;
        Poly::from_map(BTreeMap::from([(e, Fi::point(1.0))]), w)
    }

    /// `sum w_i p_i + c`.
    fn combine(parts: &[(Fi, &Poly)], c: Fi, w: &[u32]) -> Poly {
        let mut map = Poly::constant(c, w).map();
        for (k, p) in parts {
            for (e, _, x) in &p.terms {
                let v = map.entry(e.clone()).or_insert(Fi::point(0.0));
                *v = v.add(k.mul(*x));
            }
        }
        Poly::from_map(map, w)
    }

    /// The product split at degree `o`: `(terms below, terms at or above)`.
    fn mul_split(&self, other: &Poly, o: u32, w: &[u32]) -> (Poly, Poly) {
        let (mut low, mut high) = (BTreeMap::new(), BTreeMap::new());
        for (ea, da, ca) in &self.terms {
            for (eb, db, cb) in &other.terms {
                let e: Vec<u32> = ea.iter().zip(eb).map(|(a, b)| a + b).collect();
                let target = if da + db < o { &mut low } else { &mut high };
                let v = target.entry(e).or_insert(Fi::point(0.0));
                *v = v.add(ca.mul(*cb));
            }
        }
        (Poly::from_map(low, w), Poly::from_map(high, w))
    }

    /// `sum c_e t^(|e| - shift) y^e` over the box (every term has degree `>= shift`), with
    /// `mono` the values of the monomials `y^e` of the model's table.
    fn eval(&self, shift: u32, tp: &[Fi], mono: &[Fi]) -> Fi {
        let mut acc = Fi::point(0.0);
        for ((_, d, c), &i) in self.terms.iter().zip(&self.idx) {
            acc = acc.add(c.mul(tp[(d - shift) as usize]).mul(mono[i]));
        }
        acc
    }

    fn index(&mut self, table: &HashMap<Vec<u32>, usize>) {
        self.idx = self.terms.iter().map(|(e, _, _)| table[e]).collect();
    }
}

enum Op {
    /// A polynomial (constants, variables): no remainder.
    Exact,
    /// `sum w_i n_i`.
    Lin(Vec<(Fi, usize)>),
    /// `a * b` with `high(T_a T_b)`.
    Mul(usize, usize, Poly),
    /// `phi(s)` (see the module docs).
    Unary(Box<Unary>),
    /// `a / v^k` for the one scaled variable `v` (see the module docs).
    Shift(usize, u32),
}

struct Unary {
    arg: usize,
    /// `T_X = T_s - c`.
    x: Poly,
    /// `(trunc(T_X^k), high(trunc(T_X^(k-1)) T_X))` for `k = 2 .. o-1` (index `k - 2`).
    pows: Vec<(Poly, Poly)>,
    /// `a_1 .. a_(o-1)`.
    a: Vec<Fi>,
    table: usize,
    /// `|s - c| <= zmax` on the whole box.
    zmax: f64,
}

struct Node {
    op: Op,
    p: Poly,
    /// The order `o`: `f = T_f + t^o E_f`, `T_f` of degree below `o`.
    ord: u32,
}

/// The Taylor model of an expression (see the module docs).
pub struct Model {
    n: usize,
    m: u32,
    ray: Ray,
    weights: Vec<u32>,
    space: Arc<Space>,
    nodes: Vec<Node>,
    /// Each node by its expression and order.
    memo: HashMap<(Expr, u32), usize>,
    tables: Vec<PhiTable>,
    /// The tables by their function and order (several when the ranges differ).
    table_memo: HashMap<(Expr, u32), Vec<usize>>,
    root: usize,
    vars: Vec<String>,
    /// The box `|x_i| <= radius` (for the argument ranges).
    radius: BigRational,
    /// Every monomial `y^e` of the polynomials, fewest variables first: `(i, e_i, index of
    /// y^e without y_i)` for its first variable `i` (the constant first, as `None`).
    monos: Vec<Option<(usize, u32, usize)>>,
    /// The highest order of a node and the highest exponent of a variable.
    top: (usize, usize),
}

fn is_const(e: &Expr, vars: &[String]) -> bool {
    e.free_variables().iter().all(|v| !vars.contains(v))
}

/// The children of `e` that depend on a variable.
fn live_children<'a>(e: &'a Expr, vars: &[String]) -> Vec<&'a Expr> {
    let kids: Vec<&Expr> = match e {
        Expr::Neg(a) => vec![a],
        Expr::Bin(_, a, b) => vec![a, b],
        Expr::Call(_, args) => args.iter().collect(),
        _ => vec![],
    };
    kids.into_iter().filter(|k| !is_const(k, vars)).collect()
}

/// `e = phi(s)` with `s` the deepest subexpression below a chain of one-argument steps:
/// `(s, phi)` with `phi` in [`Z`].
fn peel(e: &Expr, vars: &[String]) -> Option<(Expr, Expr)> {
    let live = live_children(e, vars);
    if live.len() != 1 || matches!(e, Expr::If(..) | Expr::Var(_)) {
        return None;
    }
    let child = live[0];
    let (s, inner) = match peel(child, vars) {
        Some((s, t)) if !matches!(child, Expr::Var(_)) && live_children(child, vars).len() == 1 => {
            (s, t)
        }
        _ => (child.clone(), Expr::var(Z)),
    };
    let rebuild = |x: &Expr| {
        if std::ptr::eq(x, child) {
            inner.clone()
        } else {
            x.clone()
        }
    };
    let template = match e {
        Expr::Neg(a) => Expr::Neg(Box::new(rebuild(a))),
        Expr::Bin(op, a, b) => Expr::bin(*op, rebuild(a), rebuild(b)),
        Expr::Call(f, args) => Expr::Call(*f, args.iter().map(rebuild).collect()),
        _ => return None,
    };
    Some((s, template))
}

fn small_power(e: &Expr) -> Option<u32> {
    match e {
        Expr::Num(q) if q.is_integer() && !q.is_negative() => {
            q.to_integer().to_u32().filter(|&k| k <= 16)
        }
        _ => None,
    }
}

/// `c * x^-k` (a product whose factor is a negative power): `(c, x^k)`.
fn negative_factor(e: &Expr) -> Option<(Expr, Expr)> {
    match e {
        Expr::Bin(BinOp::Pow, x, p) => {
            let k = negative_power(p)?;
            Some((
                Expr::int(1),
                Expr::bin(BinOp::Pow, (**x).clone(), Expr::int(i64::from(k))),
            ))
        }
        Expr::Bin(BinOp::Mul, a, b) => negative_factor(a)
            .map(|(r, d)| (Expr::bin(BinOp::Mul, r, (**b).clone()), d))
            .or_else(|| {
                negative_factor(b).map(|(r, d)| (Expr::bin(BinOp::Mul, (**a).clone(), r), d))
            }),
        _ => None,
    }
}

/// Whether the product `x` has a factor `var^-k` (see [`negative_factor`]), without building
/// anything.
fn negative_factor_of(x: &Expr, var: &Expr) -> bool {
    match x {
        Expr::Bin(BinOp::Pow, base, p) => **base == *var && negative_power(p).is_some(),
        Expr::Bin(BinOp::Mul, a, b) => negative_factor_of(a, var) || negative_factor_of(b, var),
        _ => false,
    }
}

/// `k` for an exponent `-k` (a negative integer, at most 16).
fn negative_power(e: &Expr) -> Option<u32> {
    match e {
        Expr::Num(q) if q.is_integer() && q.is_negative() => {
            (-q).to_integer().to_u32().filter(|&k| k <= 16)
        }
        Expr::Neg(a) => small_power(a).filter(|&k| k > 0),
        _ => None,
    }
}

impl Model {
    /// The model of `r` (no term of degree below `m`) for `|x_i| <= radius`, along `ray`.
    pub fn new(
        r: &Expr,
        vars: &[String],
        m: u32,
        radius: &BigRational,
        ray: Ray,
    ) -> Result<Model, BoundError> {
        if let Ray::In(i) = ray {
            if i >= vars.len() {
                return Err(BoundError::Options("no such variable".into()));
            }
        }
        let mut model = Model {
            n: vars.len(),
            m,
            ray,
            weights: ray.weights(vars.len()),
            space: ray.space(vars),
            nodes: vec![],
            memo: HashMap::new(),
            tables: vec![],
            table_memo: HashMap::new(),
            root: 0,
            vars: vars.to_vec(),
            radius: radius.clone(),
            monos: vec![],
            top: (0, 0),
        };
        model.root = model.build(r, m + EXTRA)?;
        model.finish();
        for (_, d, c) in &model.nodes[model.root].p.terms {
            if *d < m && !c.contains_zero() {
                return Err(BoundError::Phi(
                    "a term below the order does not vanish in the Taylor model".into(),
                ));
            }
        }
        Ok(model)
    }

    /// The table of monomials, closed under dividing by a variable, and each polynomial's
    /// indices into it (again after every new node: the ranges of arguments evaluate the
    /// model built so far).
    fn finish(&mut self) {
        let mut all: BTreeSet<Vec<u32>> = BTreeSet::new();
        let mut visit = |p: &Poly| all.extend(p.terms.iter().map(|t| t.0.clone()));
        for node in &self.nodes {
            visit(&node.p);
            match &node.op {
                Op::Mul(_, _, h) => visit(h),
                Op::Unary(u) => {
                    visit(&u.x);
                    for (a, b) in &u.pows {
                        visit(a);
                        visit(b);
                    }
                }
                _ => {}
            }
        }
        // Close under division by a variable, then order by the number of variables.
        let mut stack: Vec<Vec<u32>> = all.iter().cloned().collect();
        while let Some(e) = stack.pop() {
            if let Some(i) = e.iter().position(|&k| k > 0) {
                let mut p = e.clone();
                p[i] = 0;
                if all.insert(p.clone()) {
                    stack.push(p);
                }
            }
        }
        let mut sorted: Vec<Vec<u32>> = all.into_iter().collect();
        sorted.sort_by_key(|e| (e.iter().filter(|&&k| k > 0).count(), e.clone()));
        let table: HashMap<Vec<u32>, usize> = sorted
            .iter()
            .enumerate()
            .map(|(i, e)| (e.clone(), i))
            .collect();
        self.monos = sorted
            .iter()
            .map(|e| {
                e.iter().position(|&k| k > 0).map(|i| {
                    let mut p = e.clone();
                    p[i] = 0;
                    (i, e[i], table[&p])
                })
            })
            .collect();
        let max_exp = sorted.iter().flatten().copied().max().unwrap_or(0) as usize;
        let max_ord = self.nodes.iter().map(|n| n.ord).max().unwrap_or(0) as usize;
        self.top = (max_ord, max_exp);
        for node in &mut self.nodes {
            node.p.index(&table);
            match &mut node.op {
                Op::Mul(_, _, h) => h.index(&table),
                Op::Unary(u) => {
                    u.x.index(&table);
                    for (a, b) in &mut u.pows {
                        a.index(&table);
                        b.index(&table);
                    }
                }
                _ => {}
            }
        }
    }

    fn push(&mut self, e: &Expr, op: Op, p: Poly, ord: u32) -> Result<usize, BoundError> {
        if self.nodes.len() >= MAX_NODES {
            return Err(BoundError::Phi(format!(
                "more than {MAX_NODES} subexpressions"
            )));
        }
        self.nodes.push(Node { op, p, ord });
        let i = self.nodes.len() - 1;
        self.memo.insert((e.clone(), ord), i);
        Ok(i)
    }

    fn constant(&self, e: &Expr) -> Result<Const, BoundError> {
        Const::from_expr(e).map_err(|err| BoundError::Phi(format!("{e}: {err}")))
    }

    fn mul(&mut self, e: &Expr, a: usize, b: usize, o: u32) -> Result<usize, BoundError> {
        let (low, high) = self.nodes[a]
            .p
            .mul_split(&self.nodes[b].p, o, &self.weights);
        let op = if high.terms.is_empty()
            && matches!(self.nodes[a].op, Op::Exact)
            && matches!(self.nodes[b].op, Op::Exact)
        {
            Op::Exact
        } else {
            Op::Mul(a, b, high)
        };
        self.push(e, op, low, o)
    }

    fn is_const(&self, e: &Expr) -> bool {
        is_const(e, &self.vars)
    }

    /// The node of `e` at order `o`.
    fn build(&mut self, e: &Expr, o: u32) -> Result<usize, BoundError> {
        if let Some(&i) = self.memo.get(&(e.clone(), o)) {
            return Ok(i);
        }
        let w = self.weights.clone();
        if self.is_const(e) {
            let c = fi_const(&self.constant(e)?)?;
            return self.push(e, Op::Exact, Poly::constant(c, &w), o);
        }
        if let Some(f) = self.common_denominator(e) {
            let i = self.build(&f, o)?;
            self.memo.insert((e.clone(), o), i);
            return Ok(i);
        }
        match e {
            Expr::Var(v) => {
                let i = self
                    .vars
                    .iter()
                    .position(|x| x == v)
                    .ok_or(BoundError::NotANetwork)?;
                self.push(e, Op::Exact, Poly::var(i, &w), o)
            }
            Expr::Neg(a) => {
                let a = self.build(a, o)?;
                self.lin(e, vec![(Fi::point(-1.0), a)], o)
            }
            Expr::Bin(op @ (BinOp::Add | BinOp::Sub), a, b) => {
                let a = self.build(a, o)?;
                let b = self.build(b, o)?;
                let s = if *op == BinOp::Add { 1.0 } else { -1.0 };
                self.lin(e, vec![(Fi::point(1.0), a), (Fi::point(s), b)], o)
            }
            Expr::Bin(BinOp::Mul, a, b) if self.is_const(a) => {
                let w = fi_const(&self.constant(a)?)?;
                let b = self.build(b, o)?;
                self.lin(e, vec![(w, b)], o)
            }
            Expr::Bin(BinOp::Mul, a, b) if self.is_const(b) => {
                let w = fi_const(&self.constant(b)?)?;
                let a = self.build(a, o)?;
                self.lin(e, vec![(w, a)], o)
            }
            Expr::Bin(BinOp::Div, a, b) if self.is_const(b) => {
                let w = self
                    .constant(b)?
                    .recip()
                    .map_err(|err| BoundError::Phi(format!("{e}: {err}")))?;
                let w = fi_const(&w)?;
                let a = self.build(a, o)?;
                self.lin(e, vec![(w, a)], o)
            }
            // a * b^-k = a / b^k (a removable singularity such as lambda^-2 (...)).
            Expr::Bin(BinOp::Mul, a, b) if matches!(&**b, Expr::Bin(BinOp::Pow, _, p) if negative_power(p).is_some()) =>
            {
                let Expr::Bin(_, base, p) = &**b else {
                    unreachable!("matched")
                };
                let k = negative_power(p).unwrap_or(1);
                let den = Expr::bin(BinOp::Pow, (**base).clone(), Expr::int(i64::from(k)));
                self.div(e, a, &den, o)
            }
            Expr::Bin(BinOp::Mul, a, b) if matches!(&**a, Expr::Bin(BinOp::Pow, _, p) if negative_power(p).is_some()) =>
            {
                let flipped = Expr::bin(BinOp::Mul, (**b).clone(), (**a).clone());
                let i = self.build(&flipped, o)?;
                self.memo.insert((e.clone(), o), i);
                Ok(i)
            }
            Expr::Bin(BinOp::Mul, a, b) if negative_factor(a).is_some() => {
                let (rest, den) = negative_factor(a).unwrap_or_else(|| unreachable!("matched"));
                let num = Expr::bin(BinOp::Mul, rest, (**b).clone());
                self.div(e, &num, &den, o)
            }
            Expr::Bin(BinOp::Mul, a, b) => {
                let a = self.build(a, o)?;
                let b = self.build(b, o)?;
                self.mul(e, a, b, o)
            }
            // `c / b` with several scaled variables is a function of one argument (below).
            Expr::Bin(BinOp::Div, a, b)
                if !(self.is_const(a) && self.ray.single(self.n).is_none()) =>
            {
                self.div(e, a, b, o)
            }
            Expr::Bin(BinOp::Pow, a, b) if small_power(b).is_some() => {
                let k = small_power(b).unwrap_or(0);
                let base = self.build(a, o)?;
                let mut acc = self.build(&Expr::int(1), o)?;
                for i in 0..k {
                    let partial = if i + 1 == k {
                        e.clone()
                    } else {
                        Expr::bin(BinOp::Pow, (**a).clone(), Expr::int(i64::from(i) + 1))
                    };
                    acc = self.mul(&partial, acc, base, o)?;
                }
                Ok(acc)
            }
            Expr::Bin(BinOp::Pow, a, b) if negative_power(b).is_some() => {
                let k = negative_power(b).unwrap_or(1);
                let den = Expr::bin(BinOp::Pow, (**a).clone(), Expr::int(i64::from(k)));
                self.div(e, &Expr::int(1), &den, o)
            }
            _ => {
                let (s, template) = peel(e, &self.vars).ok_or(BoundError::NotANetwork)?;
                let arg = self.build(&s, o)?;
                let c = self.centre(&s, 0)?;
                let range = self.direct_range(&s);
                self.unary(e, arg, &c, &template, range, o)
            }
        }
    }

    /// A sum whose terms are `c_i v^-k_i a_i` for the one scaled variable `v` (some `k_i`
    /// may be 0), written over one denominator: `(sum c_i v^(K - k_i) a_i) * v^-K` with
    /// `K = max k_i`. Each term may have a pole at `v = 0` that cancels in the sum
    /// (`lambda^-2 A2 sigma(lambda A1 x)` with the factor distributed over the neurons);
    /// `None` when no term has such a factor.
    fn common_denominator(&self, e: &Expr) -> Option<Expr> {
        if !matches!(e, Expr::Neg(_) | Expr::Bin(BinOp::Add | BinOp::Sub, ..)) {
            return None;
        }
        let v = self.ray.single(self.n)?;
        let var = Expr::var(&self.vars[v]);
        // The terms with their signs, without recursion (a sum may be a long chain).
        let mut terms: Vec<(bool, &Expr)> = Vec::new();
        let mut stack = vec![(true, e)];
        while let Some((pos, x)) = stack.pop() {
            match x {
                Expr::Neg(a) => stack.push((!pos, a)),
                Expr::Bin(BinOp::Add, a, b) => {
                    stack.push((pos, b));
                    stack.push((pos, a));
                }
                Expr::Bin(BinOp::Sub, a, b) => {
                    stack.push((!pos, b));
                    stack.push((pos, a));
                }
                _ => terms.push((pos, x)),
            }
        }
        let power_of_v = |x: &Expr| -> Option<(Expr, u32)> {
            let (rest, den) = negative_factor(x)?;
            match den {
                Expr::Bin(BinOp::Pow, base, p) if *base == var => Some((rest, small_power(&p)?)),
                _ => None,
            }
        };
        // Cheap test first: most sums have no such factor.
        if !terms.iter().any(|(_, x)| negative_factor_of(x, &var)) {
            return None;
        }
        let split: Vec<(bool, Expr, u32)> = terms
            .iter()
            .map(|&(pos, x)| match power_of_v(x) {
                Some((rest, k)) => (pos, rest, k),
                None => (pos, x.clone(), 0),
            })
            .collect();
        let big_k = split.iter().map(|t| t.2).max().filter(|&k| k > 0)?;
        let mut num: Option<Expr> = None;
        for (pos, rest, k) in split {
            let term = if k < big_k {
                let p = Expr::bin(BinOp::Pow, var.clone(), Expr::int(i64::from(big_k - k)));
                Expr::bin(BinOp::Mul, rest, p)
            } else {
                rest
            };
            num = Some(match (num, pos) {
                (None, true) => term,
                (None, false) => Expr::Neg(Box::new(term)),
                (Some(acc), true) => Expr::bin(BinOp::Add, acc, term),
                (Some(acc), false) => Expr::bin(BinOp::Sub, acc, term),
            });
        }
        let den = Expr::bin(BinOp::Pow, var, Expr::int(-i64::from(big_k)));
        Some(Expr::bin(BinOp::Mul, num?, den))
    }

    fn lin(&mut self, e: &Expr, parts: Vec<(Fi, usize)>, o: u32) -> Result<usize, BoundError> {
        let polys: Vec<(Fi, &Poly)> = parts.iter().map(|(w, i)| (*w, &self.nodes[*i].p)).collect();
        let p = Poly::combine(&polys, Fi::point(0.0), &self.weights);
        let exact = parts
            .iter()
            .all(|(_, i)| matches!(self.nodes[*i].op, Op::Exact));
        let op = if exact { Op::Exact } else { Op::Lin(parts) };
        self.push(e, op, p, o)
    }

    /// The exact expansion of `e` through weight `target` (exclusive) in the model's space.
    fn exact(&self, e: &Expr, target: i64) -> Option<MultiSeries> {
        let defs = crate::Definitions::new();
        let ev = crate::multi::Evaluator::new(&defs, self.space.clone(), target);
        ev.eval(e).ok()?.into_scalar("").ok()
    }

    /// The order to which `e` vanishes at 0 in the model's degree (0: it does not), proved
    /// term by term by the exact expansion.
    fn vanishing(&self, e: &Expr) -> Result<u32, BoundError> {
        let target = i64::from(MAX_VANISHING);
        let s = (0..=16)
            .step_by(4)
            .filter_map(|x| self.exact(e, target + x))
            .find(|s| s.order().map_or(true, |o| o >= target))
            .ok_or_else(|| {
                BoundError::Phi(format!("{e}: no exact expansion for its order at 0"))
            })?;
        let known = s.order().unwrap_or(target).min(target);
        for k in 0..known {
            let mut zero = true;
            for (x, c) in s.terms() {
                if self.space.weight(x) != k || c.is_zero() {
                    continue;
                }
                match c.zero_test() {
                    ZeroTest::Zero => {}
                    ZeroTest::NonZero => return Ok(k as u32),
                    ZeroTest::Unknown => zero = false,
                }
            }
            if !zero {
                return Err(BoundError::Phi(format!(
                    "{e}: whether its terms of degree {k} vanish is undecided"
                )));
            }
        }
        if s.order().is_none() && s.terms().values().all(|c| c.is_zero()) {
            return Err(BoundError::Phi(format!("{e} is zero: a division by zero")));
        }
        Err(BoundError::Phi(format!(
            "{e}: vanishes to an order beyond {known}"
        )))
    }

    /// `c`: the part of `s / v^k` of degree 0, which must be a constant (proved by the exact
    /// expansion when some variable is not scaled, or `s / v^k` is a quotient).
    fn centre(&self, s: &Expr, k: u32) -> Result<Const, BoundError> {
        if k == 0 && self.ray == Ray::Total {
            let zeros = vec![Expr::int(0); self.n];
            if let Ok(c) = Const::from_expr(&s.substitute(&self.vars, &zeros)) {
                return Ok(c);
            }
        }
        let series = self.exact(s, i64::from(k) + 1).ok_or_else(|| {
            BoundError::Phi(format!("{s}: no exact expansion for its value at 0"))
        })?;
        let mut c = Const::zero();
        for (x, q) in series.terms() {
            if self.space.weight(x) != i64::from(k) {
                continue;
            }
            let lead = x
                .iter()
                .zip(&self.weights)
                .all(|(&e, &w)| if w == 1 { e == k as i32 } else { e == 0 });
            if lead {
                c = q.clone();
            } else if !(q.is_zero() || q.zero_test() == ZeroTest::Zero) {
                return Err(BoundError::Phi(format!(
                    "the argument {s} depends on the unscaled variables at 0"
                )));
            }
        }
        Ok(c)
    }

    /// The range of `s` on the whole box by interval arithmetic on `s` itself, when it
    /// encloses.
    fn direct_range(&self, s: &Expr) -> Option<Fi> {
        let bindings = self
            .vars
            .iter()
            .map(|v| {
                Ok((
                    v.as_str(),
                    Interval::new(&-self.radius.clone(), &self.radius, 64)?,
                ))
            })
            .collect::<Result<Vec<_>, crate::interval::IntervalError>>()
            .ok()?;
        let r = Fi::from_interval(&crate::interval::enclose(s, &bindings, 64).ok()?);
        (r.is_valid() && r.mag().is_finite()).then_some(r)
    }

    /// The range of node `i` on the whole box by the model built so far (over pieces of `t`).
    fn model_range(&mut self, i: usize) -> Result<Fi, BoundError> {
        self.finish();
        let rf = Fi::from_rational(&self.radius);
        let mut acc: Option<Fi> = None;
        for face in self.ray.faces(self.n, rf) {
            for j in 0..RANGE_PIECES {
                let lo = rf.hi * j as f64 / RANGE_PIECES as f64;
                let hi = rf.hi * (j + 1) as f64 / RANGE_PIECES as f64;
                let t = Fi::new(super::fi::down(lo), super::fi::up(hi).min(rf.hi))
                    .intersect(Fi::new(0.0, rf.hi));
                let ev = self.eval_nodes(t, &face[1..], i + 1, true)?;
                let node = &self.nodes[i];
                let v = node
                    .p
                    .eval(0, &ev.tp, &ev.yp)
                    .add(ev.tp[node.ord as usize].mul(ev.js[i]));
                acc = Some(acc.map_or(v, |a| a.hull(v)));
            }
        }
        acc.filter(|r| r.is_valid() && r.mag().is_finite())
            .ok_or_else(|| BoundError::Phi("no range of an argument on the box".into()))
    }

    /// `a / b` at order `o`.
    fn div(&mut self, e: &Expr, a: &Expr, b: &Expr, o: u32) -> Result<usize, BoundError> {
        let recip = |b: &Expr| Expr::bin(BinOp::Div, Expr::int(1), b.clone());
        let Some(v) = self.ray.single(self.n) else {
            let a = self.build(a, o)?;
            let b = self.build(&recip(b), o)?;
            return self.mul(e, a, b, o);
        };
        let k = self.vanishing(b)?;
        if k == 0 {
            let an = self.build(a, o)?;
            let inv = recip(b);
            let bn = self.build(b, o)?;
            let c = self.centre(b, 0)?;
            let range = self.direct_range(b);
            let template = Expr::bin(BinOp::Div, Expr::int(1), Expr::var(Z));
            let bn = self.unary(&inv, bn, &c, &template, range, o)?;
            return self.mul(e, an, bn, o);
        }
        // A removable singularity: a and b both vanish to order k at v = 0.
        if !vanishes_below(a, &self.vars, self.ray, k) {
            return Err(BoundError::Phi(format!(
                "{e} has a pole at {} = 0 (or its order is undecided)",
                self.vars[v]
            )));
        }
        let vk = Expr::bin(
            BinOp::Pow,
            Expr::var(&self.vars[v]),
            Expr::int(i64::from(k)),
        );
        let an = self.shift(&Expr::bin(BinOp::Div, a.clone(), vk.clone()), a, k, o)?;
        let monomial = match b {
            Expr::Var(x) => *x == self.vars[v] && k == 1,
            Expr::Bin(BinOp::Pow, x, p) => {
                matches!(&**x, Expr::Var(x) if *x == self.vars[v]) && small_power(p) == Some(k)
            }
            _ => false,
        };
        if monomial {
            self.memo.insert((e.clone(), o), an);
            return Ok(an);
        }
        let q = Expr::bin(BinOp::Div, b.clone(), vk);
        let bn = self.shift(&q, b, k, o)?;
        let c = self.centre(b, k)?;
        let template = Expr::bin(BinOp::Div, Expr::int(1), Expr::var(Z));
        let bn = self.unary(&recip(&q), bn, &c, &template, None, o)?;
        self.mul(e, an, bn, o)
    }

    /// `a / v^k` (written `e`) at order `o`, `a` vanishing to order `k` (proved by the caller).
    fn shift(&mut self, e: &Expr, a: &Expr, k: u32, o: u32) -> Result<usize, BoundError> {
        if let Some(&i) = self.memo.get(&(e.clone(), o)) {
            return Ok(i);
        }
        let v = self.ray.single(self.n).ok_or(BoundError::NotANetwork)?;
        let child = self.build(a, o + k)?;
        let mut map = BTreeMap::new();
        for (x, d, c) in &self.nodes[child].p.terms {
            if *d < k {
                if !c.contains_zero() {
                    return Err(BoundError::Phi(format!(
                        "{a}: a term below degree {k} does not vanish in the Taylor model"
                    )));
                }
                continue;
            }
            let mut x = x.clone();
            x[v] -= k;
            map.insert(x, *c);
        }
        let p = Poly::from_map(map, &self.weights);
        let op = if matches!(self.nodes[child].op, Op::Exact) {
            Op::Exact
        } else {
            Op::Shift(child, k)
        };
        self.push(e, op, p, o)
    }

    /// `phi(s)` (written `e`) at order `o` for the node `arg` of `s`, `c = s(0)`, `phi` given
    /// as `template` in [`Z`], `direct` a range of `s` on the box (else the model's).
    fn unary(
        &mut self,
        e: &Expr,
        arg: usize,
        c: &Const,
        template: &Expr,
        direct: Option<Fi>,
        o: u32,
    ) -> Result<usize, BoundError> {
        let shifted = if c.is_zero() {
            Expr::var(Z)
        } else {
            Expr::bin(BinOp::Add, c.to_expr(), Expr::var(Z))
        };
        let phi = template.substitute(&[Z.to_string()], &[shifted]);
        let range = match direct {
            Some(r) => r,
            None => self.model_range(arg)?,
        };
        let cf = fi_const(c)?;
        let zmax = super::fi::up(range.sub(cf).mag() * (1.0 + 1e-9));
        if !zmax.is_finite() {
            return Err(BoundError::Overflow(format!("the range of {e}")));
        }
        let key = (phi.clone(), o);
        // One table per function and order, as first sized: an argument that leaves it on a
        // box is an error there, and the search halves the box (a wider table has coarser
        // cells, and at r = 2 the deep product's bound was 50,000 with one per range).
        let existing = self.table_memo.get(&key).and_then(|ts| ts.first().copied());
        let table = match existing {
            Some(t) => t,
            None => {
                self.tables.push(PhiTable::new(&phi, o, zmax.max(1e-6))?);
                let t = self.tables.len() - 1;
                self.table_memo.entry(key).or_default().push(t);
                t
            }
        };
        let w = self.weights.clone();
        let big_m = o as usize;
        let a: Vec<Fi> = self.tables[table].taylor[..big_m]
            .iter()
            .map(fi_const)
            .collect::<Result<_, _>>()?;
        // T_X: T_s without its terms of degree 0 (the constant c, and in O(lambda^m) terms of
        // the unscaled variables alone that the exact expansion proved zero).
        let mut xmap = BTreeMap::new();
        for (x, d, q) in &self.nodes[arg].p.terms {
            if *d == 0 {
                let at_zero = x.iter().all(|&k| k == 0);
                let v = if at_zero { q.sub(cf) } else { *q };
                if !v.contains_zero() {
                    return Err(BoundError::Phi(format!(
                        "the Taylor model of {e} disagrees with its exact value at 0"
                    )));
                }
                continue;
            }
            xmap.insert(x.clone(), *q);
        }
        let x = Poly::from_map(xmap, &w);
        let mut pows = Vec::new();
        let mut prev = x.clone();
        for _ in 2..big_m {
            let (low, high) = prev.mul_split(&x, o, &w);
            pows.push((low.clone(), high));
            prev = low;
        }
        let mut parts: Vec<(Fi, &Poly)> = vec![(a[1], &x)];
        for (k, (pk, _)) in pows.iter().enumerate() {
            parts.push((a[k + 2], pk));
        }
        let p = Poly::combine(&parts, a[0], &w);
        let u = Unary {
            arg,
            x,
            pows,
            a: a[1..].to_vec(),
            table,
            zmax,
        };
        self.push(e, Op::Unary(Box::new(u)), p, o)
    }

    /// Cells of the tables of `Phi` computed so far.
    pub fn cells(&self) -> usize {
        self.tables.iter().map(PhiTable::cells).sum()
    }

    /// Subexpressions of the model.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the model is empty (never: it holds at least the expression).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The degree `M` of the polynomial parts of the root (exclusive).
    pub fn degree(&self) -> u32 {
        self.nodes[self.root].ord
    }

    /// The rays of the model.
    pub fn ray(&self) -> Ray {
        self.ray
    }

    /// `E` of the first `upto` nodes over the box `(t, y)`, with the powers of `t` and the
    /// monomials of `y`.
    fn eval_nodes(
        &self,
        t: Fi,
        y: &[Fi],
        upto: usize,
        refine: bool,
    ) -> Result<Evaluated, BoundError> {
        let (top, max_exp) = self.top;
        let t = Fi::new(t.lo.max(0.0), t.hi);
        let mut tp = vec![Fi::point(1.0)];
        for k in 1..=top {
            tp.push(tp[k - 1].mul(t));
        }
        let powers: Vec<Vec<Fi>> = y
            .iter()
            .map(|&yi| (0..=max_exp as u32).map(|k| yi.powi(k)).collect())
            .collect();
        let mut yp: Vec<Fi> = Vec::with_capacity(self.monos.len());
        for m in &self.monos {
            let v = match m {
                None => Fi::point(1.0),
                Some((i, k, rest)) => yp[*rest].mul(powers[*i][*k as usize]),
            };
            yp.push(v);
        }
        let mut js: Vec<Fi> = Vec::with_capacity(upto);
        let mut ranges: Vec<Option<Fi>> = vec![None; upto];
        let range = |i: usize, ranges: &mut Vec<Option<Fi>>| -> Fi {
            *ranges[i].get_or_insert_with(|| self.nodes[i].p.eval(0, &tp, &yp))
        };
        for node in &self.nodes[..upto] {
            let o = node.ord;
            let tm = tp[o as usize];
            let j = match &node.op {
                Op::Exact => Fi::point(0.0),
                Op::Lin(parts) => parts
                    .iter()
                    .fold(Fi::point(0.0), |acc, (w, i)| acc.add(w.mul(js[*i]))),
                Op::Mul(a, b, high) => {
                    let (ja, jb) = (js[*a], js[*b]);
                    let mut v = high.eval(o, &tp, &yp);
                    if ja.mag() > 0.0 {
                        v = v.add(ja.mul(range(*b, &mut ranges)));
                    }
                    if jb.mag() > 0.0 {
                        v = v.add(range(*a, &mut ranges).mul(jb));
                    }
                    v.add(tm.mul(ja).mul(jb))
                }
                Op::Shift(a, k) => {
                    let v = self.ray.single(self.n).ok_or(BoundError::NotANetwork)?;
                    let yv = y[v];
                    if !(yv.lo == yv.hi && yv.lo.abs() == 1.0) {
                        return Err(BoundError::Phi(
                            "a quotient by a variable off the faces y = +-1".into(),
                        ));
                    }
                    // 1 / y^k = y^k for y = +-1.
                    js[*a].mul(Fi::point(yv.lo.powi(*k as i32)))
                }
                Op::Unary(u) => {
                    let e = js[u.arg];
                    // X = t W, W = T_X / t + t^(o-1) E.
                    let w = u.x.eval(1, &tp, &yp).add(tp[o as usize - 1].mul(e));
                    let d = u.x.eval(0, &tp, &yp);
                    let mut jk = e; // J of X^1
                    let mut pk = d; // range of trunc(T_X^1)
                    let mut acc = u.a[0].mul(jk);
                    for (k, (p_next, high)) in u.pows.iter().enumerate() {
                        let mut next = high.eval(o, &tp, &yp);
                        if jk.mag() > 0.0 {
                            next = next.add(jk.mul(d));
                        }
                        if e.mag() > 0.0 {
                            next = next.add(pk.mul(e)).add(tm.mul(jk).mul(e));
                        }
                        jk = next;
                        pk = p_next.eval(0, &tp, &yp);
                        acc = acc.add(u.a[k + 1].mul(jk));
                    }
                    let z = t.mul(w).intersect(Fi::new(-u.zmax, u.zmax));
                    if !z.is_valid() {
                        return Err(BoundError::Phi(
                            "the Taylor model of an argument leaves its enclosure".into(),
                        ));
                    }
                    let phi = self.tables[u.table].enclose(z, refine)?;
                    acc.add(w.powi(o).mul(phi))
                }
            };
            js.push(j);
        }
        Ok(Evaluated { js, tp, yp })
    }

    /// Encloses `R(x) / t^m` over `t` in `t` (`t >= 0`), `y` in the box `y` ([`Ray`]).
    pub fn eval_ray(&self, t: Fi, y: &[Fi]) -> Result<Fi, BoundError> {
        let refine = !(t.lo == t.hi && y.iter().all(|v| v.lo == v.hi));
        let ev = self.eval_nodes(t, y, self.nodes.len(), refine)?;
        let root = &self.nodes[self.root];
        let mut poly = Fi::point(0.0);
        for (k, (_, d, c)) in root.p.terms.iter().enumerate() {
            if *d < self.m {
                continue;
            }
            poly = poly.add(
                c.mul(ev.tp[(d - self.m) as usize])
                    .mul(ev.yp[root.p.idx[k]]),
            );
        }
        Ok(poly.add(ev.tp[(root.ord - self.m) as usize].mul(ev.js[self.root])))
    }
}

/// What [`Model::eval_nodes`] computes.
struct Evaluated {
    js: Vec<Fi>,
    tp: Vec<Fi>,
    yp: Vec<Fi>,
}

/// Whether every term of `r`'s expansion of degree below `m` (counted along `ray`) is exactly
/// zero (the exact engine of [`crate::multi`]).
pub fn vanishes_below(r: &Expr, vars: &[String], ray: Ray, m: u32) -> bool {
    let space = ray.space(vars);
    let defs = crate::Definitions::new();
    // A negative power (`lambda^-2 (...)`) loses orders: the target is raised until the
    // expansion is known through degree m - 1.
    for extra in (0..=16).step_by(2) {
        let ev = crate::multi::Evaluator::new(&defs, space.clone(), i64::from(m) + extra);
        let Some(s) = ev.eval(r).ok().and_then(|v| v.into_scalar("").ok()) else {
            return false;
        };
        if s.order().is_some_and(|o| o < i64::from(m)) {
            continue;
        }
        return s.terms().iter().all(|(e, c)| {
            space.weight(e) >= i64::from(m) || c.zero_test() == ZeroTest::Zero || c.is_zero()
        });
    }
    false
}

#[cfg(test)]
mod tests {
    //! The model against functions whose remainders are derived by hand (values from the
    //! standard library's `f64` functions, never from the model).
    use super::*;
    use crate::parse::parse_expr;

    fn model(src: &str, vars: &[&str], m: u32, ray: Ray) -> Model {
        let e = parse_expr(src, &crate::Definitions::new()).expect("parses");
        let vars: Vec<String> = vars.iter().map(|v| v.to_string()).collect();
        assert!(vanishes_below(&e, &vars, ray, m), "{src}");
        Model::new(&e, &vars, m, &BigRational::from_integer(1.into()), ray).expect("a model")
    }

    /// `x` in `v`, and `v` at most `width` wide (a point's enclosure uses the cells of `Phi`
    /// that boxes refined: none here, so about 1e-3 wide).
    fn contains(v: Fi, x: f64, width: f64) {
        assert!(v.lo <= x && x <= v.hi, "{x} not in [{}, {}]", v.lo, v.hi);
        assert!(
            v.width() <= width,
            "[{}, {}] wider than {width}",
            v.lo,
            v.hi
        );
    }

    #[test]
    fn exp_minus_its_tangent() {
        // (e^t - 1 - t) / t^2 = sum_(k >= 2) t^(k-2) / k!: 1/2 at 0, e - 2 at 1, increasing;
        // on the ray y = -1, (e^-t - 1 + t) / t^2 decreases from 1/2 to 1/e.
        let m = model("exp(x) - 1 - x", &["x"], 2, Ray::Total);
        let at = |t: f64, y: f64| m.eval_ray(Fi::point(t), &[Fi::point(y)]).unwrap();
        contains(at(0.5, 1.0), (0.5f64.exp() - 1.5) / 0.25, 2e-3);
        contains(at(1.0, -1.0), (-1.0f64).exp(), 2e-3);
        contains(at(0.0, 1.0), 0.5, 1e-12);
        let whole = m.eval_ray(Fi::new(0.0, 1.0), &[Fi::point(1.0)]).unwrap();
        assert!(whole.lo <= 0.5 && whole.hi >= 1f64.exp() - 2.0);
        // The model is a Taylor model, not one Lagrange term: over the whole ray it is within
        // 2x of the range [1/2, e - 2].
        assert!(whole.mag() < 2.0 * (1f64.exp() - 2.0), "{whole:?}");
    }

    #[test]
    fn a_product_of_sines() {
        // (sin(u) sin(v) - uv) / t^4 at u = t, v = t/2.
        let m = model("sin(u)*sin(v) - u*v", &["u", "v"], 4, Ray::Total);
        let t = 0.5f64;
        let v = m
            .eval_ray(Fi::point(t), &[Fi::point(1.0), Fi::point(0.5)])
            .unwrap();
        let want = ((t).sin() * (t / 2.0).sin() - t * t / 2.0) / t.powi(4);
        contains(v, want, 2e-3);
        // Near 0 it tends to -uv(u^2 + v^2)/6 / t^4 = -(1/2)(1 + 1/4)/6 = -5/48.
        contains(
            m.eval_ray(Fi::point(0.0), &[Fi::point(1.0), Fi::point(0.5)])
                .unwrap(),
            -5.0 / 48.0,
            1e-12,
        );
    }

    #[test]
    fn the_degree_in_lambda() {
        // (e^(lambda u) - 1 - lambda u) / lambda^2 at lambda = t = 1/2, u = 0.8 (not scaled).
        let m = model(
            "exp(lambda*u) - 1 - lambda*u",
            &["lambda", "u"],
            2,
            Ray::In(0),
        );
        let v = m
            .eval_ray(Fi::point(0.5), &[Fi::point(1.0), Fi::point(0.8)])
            .unwrap();
        contains(v, (0.4f64.exp() - 1.4) / 0.25, 2e-3);
        // An argument that depends on u at lambda = 0 has no model.
        let e = parse_expr("exp(u + lambda) - exp(u)", &crate::Definitions::new()).unwrap();
        let vars = ["lambda".to_string(), "u".to_string()];
        let one = BigRational::from_integer(1.into());
        assert!(Model::new(&e, &vars, 1, &one, Ray::In(0)).is_err());
    }

    #[test]
    fn removable_singularities() {
        // (sin(x)/x - 1) / x^2 = -1/6 + x^2/120 - ...: -1/6 at 0, sin(1) - 1 at 1.
        let m = model("sin(x)/x - 1", &["x"], 2, Ray::Total);
        contains(
            m.eval_ray(Fi::point(0.5), &[Fi::point(-1.0)]).unwrap(),
            ((0.5f64).sin() / 0.5 - 1.0) / 0.25,
            2e-3,
        );
        contains(
            m.eval_ray(Fi::point(0.0), &[Fi::point(1.0)]).unwrap(),
            -1.0 / 6.0,
            1e-12,
        );
        let whole = m.eval_ray(Fi::new(0.0, 1.0), &[Fi::point(1.0)]).unwrap();
        assert!(whole.lo <= -1.0 / 6.0 && whole.hi >= 1f64.sin() - 1.0);
        assert!(whole.mag() < 0.25, "{whole:?}");
        // x/(e^x - 1) = 1 - x/2 + x^2/12 - ...: a denominator that vanishes at 0.
        let m = model("x/(exp(x) - 1) - 1 + x/2", &["x"], 2, Ray::Total);
        let x = 0.5f64;
        contains(
            m.eval_ray(Fi::point(x), &[Fi::point(1.0)]).unwrap(),
            (x / (x.exp() - 1.0) - 1.0 + x / 2.0) / (x * x),
            2e-3,
        );
        // lambda^-2 (...) with a second variable.
        let m = model(
            "lambda^-2*(exp(lambda*u) - 1 - lambda*u) - u^2/2",
            &["lambda", "u"],
            1,
            Ray::In(0),
        );
        let (l, u) = (0.25f64, -0.75f64);
        // The value is sum_(k >= 3) l^(k-3) (-u)^k / k! (0.0737359629427654819..., mpmath at
        // 40 digits): summed so, with no cancellation, since the formula's two subtractions lose
        // about 2e-15 in f64, more than the width of the enclosure.
        let mut series = 0.0;
        let mut term = (-u).powi(3) / 6.0;
        for k in 3..40 {
            series += term;
            term *= l * -u / f64::from(k + 1);
        }
        contains(
            m.eval_ray(Fi::point(l), &[Fi::point(-1.0), Fi::point(u)])
                .unwrap(),
            series,
            2e-3,
        );
        // A pole is an error, not a bound.
        let one = BigRational::from_integer(1.into());
        let e = parse_expr("x^2/x^3", &crate::Definitions::new()).unwrap();
        assert!(Model::new(&e, &["x".to_string()], 1, &one, Ray::Total).is_err());
    }
}
