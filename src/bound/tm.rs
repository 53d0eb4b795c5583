//! Taylor models of any built-in scalar expression along rays `x = t y`: the function that is
//! not one hidden layer (a deep product, a tree of squaring gates, any composition).
//!
//! Every subexpression `f` is kept as `f(x) = T_f(x) + t^M E_f(t, y)`: `T_f` is its Taylor
//! polynomial at 0 through degree `M - 1` (coefficients enclosed in outward-rounded `f64`,
//! computed once), and `E_f` is enclosed over each box of `(t, y)` of the branch and bound
//! from the children's enclosures. The rules (`P(B)`: an interval enclosure of a polynomial
//! over the box `B`, `high(P)` its terms of degree `>= M` divided by `t^M`):
//!
//! * sums: `E = sum w_i E_i`;
//! * products: `E_(ab) = high(T_a T_b) + E_a T_b + T_a E_b + t^M E_a E_b`;
//! * a function of one argument `phi(s)`, `c = s(0)` exact, `X = s - c = t W`:
//!   `phi(s) = sum_(k < M) a_k X^k + X^M Phi_c(X)` with `a_k` the exact Taylor coefficients of
//!   `phi` at `c` and `Phi_c(z) = (phi(c + z) - sum a_k z^k) / z^M` enclosed on cells of its
//!   argument ([`super::phi::PhiTable`], the tables of the one-hidden-layer model); the powers
//!   `X^k` by the product rule, and `X^M = t^M W^M`.
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
use crate::number::Const;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive};
use std::collections::BTreeMap;

/// Degrees beyond the remainder's order kept in the polynomial parts (`M = m + EXTRA`).
pub const EXTRA: u32 = 2;
/// The most subexpressions of one model.
pub const MAX_NODES: usize = 4096;

/// A polynomial in `x` with enclosed coefficients: `(exponents, total degree, coefficient)`.
#[derive(Clone, Debug, Default)]
struct Poly {
    terms: Vec<(Vec<u32>, u32, Fi)>,
    /// The index of each term's monomial in the model's table ([`Model::finish`]).
    idx: Vec<usize>,
}

impl Poly {
    fn from_map(map: BTreeMap<Vec<u32>, Fi>) -> Poly {
        Poly {
            terms: map
                .into_iter()
                .filter(|(_, c)| !(c.lo == 0.0 && c.hi == 0.0))
                .map(|(e, c)| {
                    let d = e.iter().sum();
                    (e, d, c)
                })
                .collect(),
            idx: vec![],
        }
    }

    fn map(&self) -> BTreeMap<Vec<u32>, Fi> {
        self.terms.iter().map(|(e, _, c)| (e.clone(), *c)).collect()
    }

    fn constant(n: usize, c: Fi) -> Poly {
        Poly::from_map(BTreeMap::from([(vec![0; n], c)]))
    }

    fn var(n: usize, i: usize) -> Poly {
        let mut e = vec![0; n];
        e[i] = 1;
        Poly::from_map(BTreeMap::from([(e, Fi::point(1.0))]))
    }

    /// `sum w_i p_i + c`.
    fn combine(n: usize, parts: &[(Fi, &Poly)], c: Fi) -> Poly {
        let mut map = Poly::constant(n, c).map();
        for (w, p) in parts {
            for (e, _, x) in &p.terms {
                let v = map.entry(e.clone()).or_insert(Fi::point(0.0));
                *v = v.add(w.mul(*x));
            }
        }
        Poly::from_map(map)
    }

    /// The product split at degree `big_m`: `(terms below, terms at or above)`.
    fn mul_split(&self, o: &Poly, big_m: u32) -> (Poly, Poly) {
        let (mut low, mut high) = (BTreeMap::new(), BTreeMap::new());
        for (ea, da, ca) in &self.terms {
            for (eb, db, cb) in &o.terms {
                let e: Vec<u32> = ea.iter().zip(eb).map(|(a, b)| a + b).collect();
                let target = if da + db < big_m { &mut low } else { &mut high };
                let v = target.entry(e).or_insert(Fi::point(0.0));
                *v = v.add(ca.mul(*cb));
            }
        }
        (Poly::from_map(low), Poly::from_map(high))
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

    fn index(&mut self, table: &mut BTreeMap<Vec<u32>, usize>) {
        self.idx = self
            .terms
            .iter()
            .map(|(e, _, _)| {
                let next = table.len();
                *table.entry(e.clone()).or_insert(next)
            })
            .collect();
    }
}

enum Op {
    /// A polynomial (constants, variables): no remainder.
    Exact,
    /// `sum w_i n_i + c`.
    Lin(Vec<(Fi, usize)>),
    /// `a * b` with `high(T_a T_b)`.
    Mul(usize, usize, Poly),
    /// `phi(s)` (see the module docs).
    Unary(Box<Unary>),
}

struct Unary {
    arg: usize,
    /// `T_X = T_s - c`.
    x: Poly,
    /// `(trunc(T_X^k), high(trunc(T_X^(k-1)) T_X))` for `k = 2 .. M-1` (index `k - 2`).
    pows: Vec<(Poly, Poly)>,
    /// `a_1 .. a_(M-1)`.
    a: Vec<Fi>,
    table: usize,
    /// `|s - c| <= zmax` on the whole box (a direct enclosure).
    zmax: f64,
}

struct Node {
    op: Op,
    p: Poly,
}

/// The Taylor model of an expression (see the module docs).
pub struct Model {
    n: usize,
    big_m: u32,
    m: u32,
    nodes: Vec<Node>,
    built: Vec<Expr>,
    tables: Vec<PhiTable>,
    root: usize,
    vars: Vec<String>,
    /// The box `|x_i| <= radius` (for the argument ranges).
    radius: BigRational,
    /// Every monomial `y^e` of the polynomials, by degree: `(i, e_i, index of y^e without
    /// y_i)` for its first variable `i` (the constant first, as `None`).
    monos: Vec<Option<(usize, u32, usize)>>,
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

impl Model {
    /// The model of `r` (no term of degree below `m`) for `|x_i| <= radius`.
    pub fn new(
        r: &Expr,
        vars: &[String],
        m: u32,
        radius: &BigRational,
    ) -> Result<Model, BoundError> {
        let mut model = Model {
            n: vars.len(),
            big_m: m + EXTRA,
            m,
            nodes: vec![],
            built: vec![],
            tables: vec![],
            root: 0,
            vars: vars.to_vec(),
            radius: radius.clone(),
            monos: vec![],
        };
        model.root = model.build(r)?;
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
    /// indices into it.
    fn finish(&mut self) {
        let mut all: std::collections::BTreeSet<Vec<u32>> = std::collections::BTreeSet::new();
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
        // Close under division by a variable, then order by degree.
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
        let mut table: BTreeMap<Vec<u32>, usize> = BTreeMap::new();
        for e in &sorted {
            let next = table.len();
            table.insert(e.clone(), next);
        }
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
        for node in &mut self.nodes {
            node.p.index(&mut table);
            match &mut node.op {
                Op::Mul(_, _, h) => h.index(&mut table),
                Op::Unary(u) => {
                    u.x.index(&mut table);
                    for (a, b) in &mut u.pows {
                        a.index(&mut table);
                        b.index(&mut table);
                    }
                }
                _ => {}
            }
        }
    }

    fn push(&mut self, e: &Expr, op: Op, p: Poly) -> Result<usize, BoundError> {
        if self.nodes.len() >= MAX_NODES {
            return Err(BoundError::Phi(format!(
                "more than {MAX_NODES} subexpressions"
            )));
        }
        self.nodes.push(Node { op, p });
        self.built.push(e.clone());
        Ok(self.nodes.len() - 1)
    }

    fn constant(&self, e: &Expr) -> Result<Const, BoundError> {
        Const::from_expr(e).map_err(|err| BoundError::Phi(format!("{e}: {err}")))
    }

    fn mul(&mut self, e: &Expr, a: usize, b: usize) -> Result<usize, BoundError> {
        let (low, high) = self.nodes[a].p.mul_split(&self.nodes[b].p, self.big_m);
        let op = if high.terms.is_empty()
            && matches!(self.nodes[a].op, Op::Exact)
            && matches!(self.nodes[b].op, Op::Exact)
        {
            Op::Exact
        } else {
            Op::Mul(a, b, high)
        };
        self.push(e, op, low)
    }

    fn build(&mut self, e: &Expr) -> Result<usize, BoundError> {
        if let Some(i) = self.built.iter().position(|b| b == e) {
            return Ok(i);
        }
        let n = self.n;
        if is_const(e, &self.vars) {
            let c = fi_const(&self.constant(e)?)?;
            return self.push(e, Op::Exact, Poly::constant(n, c));
        }
        match e {
            Expr::Var(v) => {
                let i = self
                    .vars
                    .iter()
                    .position(|x| x == v)
                    .ok_or(BoundError::NotANetwork)?;
                self.push(e, Op::Exact, Poly::var(n, i))
            }
            Expr::Neg(a) => {
                let a = self.build(a)?;
                self.lin(e, vec![(Fi::point(-1.0), a)])
            }
            Expr::Bin(op @ (BinOp::Add | BinOp::Sub), a, b) => {
                let a = self.build(a)?;
                let b = self.build(b)?;
                let s = if *op == BinOp::Add { 1.0 } else { -1.0 };
                self.lin(e, vec![(Fi::point(1.0), a), (Fi::point(s), b)])
            }
            Expr::Bin(BinOp::Mul, a, b) if is_const(a, &self.vars) => {
                let w = fi_const(&self.constant(a)?)?;
                let b = self.build(b)?;
                self.lin(e, vec![(w, b)])
            }
            Expr::Bin(BinOp::Mul, a, b) if is_const(b, &self.vars) => {
                let w = fi_const(&self.constant(b)?)?;
                let a = self.build(a)?;
                self.lin(e, vec![(w, a)])
            }
            Expr::Bin(BinOp::Div, a, b) if is_const(b, &self.vars) => {
                let w = self
                    .constant(b)?
                    .recip()
                    .map_err(|err| BoundError::Phi(format!("{e}: {err}")))?;
                let w = fi_const(&w)?;
                let a = self.build(a)?;
                self.lin(e, vec![(w, a)])
            }
            Expr::Bin(BinOp::Mul, a, b) => {
                let a = self.build(a)?;
                let b = self.build(b)?;
                self.mul(e, a, b)
            }
            Expr::Bin(BinOp::Div, a, b) if !is_const(a, &self.vars) => {
                let a = self.build(a)?;
                let b = self.build(&Expr::bin(BinOp::Div, Expr::int(1), (**b).clone()))?;
                self.mul(e, a, b)
            }
            Expr::Bin(BinOp::Pow, a, b) if small_power(b).is_some() => {
                let k = small_power(b).unwrap_or(0);
                let base = self.build(a)?;
                let mut acc = self.build(&Expr::int(1))?;
                for i in 0..k {
                    let partial = if i + 1 == k {
                        e.clone()
                    } else {
                        Expr::bin(BinOp::Pow, (**a).clone(), Expr::int(i64::from(i) + 1))
                    };
                    acc = self.mul(&partial, acc, base)?;
                }
                Ok(acc)
            }
            _ => self.unary(e),
        }
    }

    fn lin(&mut self, e: &Expr, parts: Vec<(Fi, usize)>) -> Result<usize, BoundError> {
        let polys: Vec<(Fi, &Poly)> = parts.iter().map(|(w, i)| (*w, &self.nodes[*i].p)).collect();
        let p = Poly::combine(self.n, &polys, Fi::point(0.0));
        let exact = parts
            .iter()
            .all(|(_, i)| matches!(self.nodes[*i].op, Op::Exact));
        let op = if exact { Op::Exact } else { Op::Lin(parts) };
        self.push(e, op, p)
    }

    fn unary(&mut self, e: &Expr) -> Result<usize, BoundError> {
        let (s, template) = peel(e, &self.vars).ok_or(BoundError::NotANetwork)?;
        let arg = self.build(&s)?;
        let zeros = vec![Expr::int(0); self.n];
        let c = self.constant(&s.substitute(&self.vars, &zeros))?;
        let shifted = if c.is_zero() {
            Expr::var(Z)
        } else {
            Expr::bin(BinOp::Add, c.to_expr(), Expr::var(Z))
        };
        let phi = template.substitute(&[Z.to_string()], &[shifted]);
        // The range of s - c on the whole box, directly.
        let bindings = self
            .vars
            .iter()
            .map(|v| {
                Ok((
                    v.as_str(),
                    Interval::new(&-self.radius.clone(), &self.radius, 64)?,
                ))
            })
            .collect::<Result<Vec<_>, crate::interval::IntervalError>>()?;
        let range = Fi::from_interval(&crate::interval::enclose(&s, &bindings, 64)?);
        let cf = fi_const(&c)?;
        let zmax = super::fi::up(range.sub(cf).mag() * (1.0 + 1e-9));
        if !zmax.is_finite() {
            return Err(BoundError::Overflow(format!("the range of {s}")));
        }
        let table = match self.tables.iter().position(|t| t.phi == phi) {
            Some(t) => t,
            None => {
                self.tables
                    .push(PhiTable::new(&phi, self.big_m, zmax.max(1e-6))?);
                self.tables.len() - 1
            }
        };
        let n = self.n;
        let big_m = self.big_m as usize;
        let a: Vec<Fi> = self.tables[table].taylor[..big_m]
            .iter()
            .map(fi_const)
            .collect::<Result<_, _>>()?;
        // T_X: T_s without its constant term (exactly c).
        let mut xmap = self.nodes[arg].p.map();
        xmap.remove(&vec![0u32; n]);
        let x = Poly::from_map(xmap);
        let mut pows = Vec::new();
        let mut prev = x.clone();
        for _ in 2..big_m {
            let (low, high) = prev.mul_split(&x, self.big_m);
            pows.push((low.clone(), high));
            prev = low;
        }
        let mut parts: Vec<(Fi, &Poly)> = vec![(a[1], &x)];
        for (k, (pk, _)) in pows.iter().enumerate() {
            parts.push((a[k + 2], pk));
        }
        let p = Poly::combine(n, &parts, a[0]);
        let u = Unary {
            arg,
            x,
            pows,
            a: a[1..].to_vec(),
            table,
            zmax,
        };
        self.push(e, Op::Unary(Box::new(u)), p)
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

    /// The degree `M` of the polynomial parts (exclusive).
    pub fn degree(&self) -> u32 {
        self.big_m
    }

    /// Encloses `R(t y) / t^m` over `t` in `t` (`t >= 0`), `y` in the box `y`.
    pub fn eval_ray(&self, t: Fi, y: &[Fi]) -> Result<Fi, BoundError> {
        let big_m = self.big_m;
        let top = 2 * big_m as usize + 1;
        let t = Fi::new(t.lo.max(0.0), t.hi);
        let mut tp = vec![Fi::point(1.0)];
        for k in 1..=top {
            tp.push(tp[k - 1].mul(t));
        }
        let powers: Vec<Vec<Fi>> = y
            .iter()
            .map(|&yi| (0..=top as u32).map(|k| yi.powi(k)).collect())
            .collect();
        let mut yp: Vec<Fi> = Vec::with_capacity(self.monos.len());
        for m in &self.monos {
            let v = match m {
                None => Fi::point(1.0),
                Some((i, k, rest)) => yp[*rest].mul(powers[*i][*k as usize]),
            };
            yp.push(v);
        }
        let refine = !(t.lo == t.hi && y.iter().all(|v| v.lo == v.hi));
        let tm = tp[big_m as usize];
        let mut js: Vec<Fi> = Vec::with_capacity(self.nodes.len());
        let mut ranges: Vec<Option<Fi>> = vec![None; self.nodes.len()];
        let range = |i: usize, ranges: &mut Vec<Option<Fi>>| -> Fi {
            *ranges[i].get_or_insert_with(|| self.nodes[i].p.eval(0, &tp, &yp))
        };
        for node in &self.nodes {
            let j = match &node.op {
                Op::Exact => Fi::point(0.0),
                Op::Lin(parts) => parts
                    .iter()
                    .fold(Fi::point(0.0), |acc, (w, i)| acc.add(w.mul(js[*i]))),
                Op::Mul(a, b, high) => {
                    let (ja, jb) = (js[*a], js[*b]);
                    let mut v = high.eval(big_m, &tp, &yp);
                    if ja.mag() > 0.0 {
                        v = v.add(ja.mul(range(*b, &mut ranges)));
                    }
                    if jb.mag() > 0.0 {
                        v = v.add(range(*a, &mut ranges).mul(jb));
                    }
                    v.add(tm.mul(ja).mul(jb))
                }
                Op::Unary(u) => {
                    let e = js[u.arg];
                    // X = t W, W = T_X / t + t^(M-1) E.
                    let w = u.x.eval(1, &tp, &yp).add(tp[big_m as usize - 1].mul(e));
                    let d = u.x.eval(0, &tp, &yp);
                    let mut jk = e; // J of X^1
                    let mut pk = d; // range of trunc(T_X^1)
                    let mut acc = u.a[0].mul(jk);
                    for (k, (p_next, high)) in u.pows.iter().enumerate() {
                        let mut next = high.eval(big_m, &tp, &yp);
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
                    acc.add(w.powi(big_m).mul(phi))
                }
            };
            js.push(j);
        }
        let root = &self.nodes[self.root];
        let mut poly = Fi::point(0.0);
        for (k, (_, d, c)) in root.p.terms.iter().enumerate() {
            if *d < self.m {
                continue;
            }
            poly = poly.add(c.mul(tp[(d - self.m) as usize]).mul(yp[root.p.idx[k]]));
        }
        Ok(poly.add(tp[(big_m - self.m) as usize].mul(js[self.root])))
    }
}

/// Whether every term of `r`'s expansion of total degree below `m` is exactly zero (the exact
/// engine of [`crate::multi`]).
pub fn vanishes_below(r: &Expr, vars: &[String], m: u32) -> bool {
    let refs: Vec<&str> = vars.iter().map(String::as_str).collect();
    let space = crate::multi::Space::total_degree(&refs);
    let defs = crate::Definitions::new();
    let ev = crate::multi::Evaluator::new(&defs, space.clone(), i64::from(m));
    let Some(s) = ev.eval(r).ok().and_then(|v| v.into_scalar("").ok()) else {
        return false;
    };
    if s.order().is_some_and(|o| o < i64::from(m)) {
        return false;
    }
    s.terms().iter().all(|(e, c)| {
        space.weight(e) >= i64::from(m)
            || c.zero_test() == crate::number::ZeroTest::Zero
            || c.is_zero()
    })
}
