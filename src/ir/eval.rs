//! One evaluator over the graph, generic over the domain of values.

use super::{Graph, Id, Node, Piece};
use crate::expr::{CmpOp, Func};
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive};

/// Which piece of an `if` applies at the point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The condition holds near the point: the `then` value.
    Then,
    /// It does not: the `else` value.
    Other,
    /// The point is a switching point: both values are needed, and [`Domain::join`] decides.
    Both,
}

impl Side {
    /// The side of `a op b` where `a = b` (a value compared with itself, or two equal
    /// constants): `<=` and `>=` hold, `<` and `>` do not.
    pub fn of_equal(op: CmpOp) -> Side {
        match op {
            CmpOp::Le | CmpOp::Ge => Side::Then,
            CmpOp::Lt | CmpOp::Gt => Side::Other,
        }
    }
}

/// The evaluation was cancelled by the interrupt hook (a deadline, a memory budget).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cancelled: {0}")]
pub struct Cancelled(pub String);

/// The values of one kind of evaluation (exact constants, truncated series, ...): the
/// arithmetic and the built-ins. The [`Evaluator`] owns everything else: the order of
/// evaluation, sharing, and when each piece of an `if` is evaluated.
pub trait Domain {
    /// A value.
    type V: Clone;
    /// Why an operation failed.
    type Error: From<Cancelled>;

    /// An exact rational.
    fn number(&mut self, q: &BigRational) -> Result<Self::V, Self::Error>;
    /// `pi`.
    fn pi(&mut self) -> Result<Self::V, Self::Error>;
    /// `e`.
    fn e(&mut self) -> Result<Self::V, Self::Error>;
    /// The free variable `name`.
    fn variable(&mut self, name: &str) -> Result<Self::V, Self::Error>;
    /// `-a`.
    fn neg(&mut self, a: &Self::V) -> Result<Self::V, Self::Error>;
    /// `a + b`.
    fn add(&mut self, a: &Self::V, b: &Self::V) -> Result<Self::V, Self::Error>;
    /// `a - b`.
    fn sub(&mut self, a: &Self::V, b: &Self::V) -> Result<Self::V, Self::Error>;
    /// `a * b`.
    fn mul(&mut self, a: &Self::V, b: &Self::V) -> Result<Self::V, Self::Error>;
    /// `a / b`.
    fn div(&mut self, a: &Self::V, b: &Self::V) -> Result<Self::V, Self::Error>;
    /// `1 / a`, for [`Domain::FACTOR_DIVISORS`] domains.
    fn recip(&mut self, a: &Self::V) -> Result<Self::V, Self::Error> {
        let one = self.number(&BigRational::from_integer(1.into()))?;
        self.div(&one, a)
    }
    /// `base ^ exponent`; `constant` says that the exponent depends on no variable.
    fn pow(
        &mut self,
        base: &Self::V,
        exponent: &Self::V,
        constant: bool,
    ) -> Result<Self::V, Self::Error>;
    /// A one-argument analytic built-in (not `abs`, `min`, `max`: those are pieces).
    fn call(&mut self, func: Func, a: &Self::V) -> Result<Self::V, Self::Error>;
    /// `func(a)` where `a` is known to be constant: its value does not vary with the variables,
    /// although its node may mention them (`x/x`, `x - x`, a piece decided to a constant). Only
    /// the value of `func` at that constant is needed, no derivative: `acosh(x/x)` is
    /// `acosh(1) = 0` everywhere although `acosh` has a branch point at 1. By default
    /// [`Domain::call`].
    fn call_at_constant(&mut self, func: Func, a: &Self::V) -> Result<Self::V, Self::Error> {
        self.call(func, a)
    }
    /// `base ^ exponent` where both are known to be constant (see
    /// [`Domain::call_at_constant`]): `(x - x)^(1/3)` is `0^(1/3) = 0`. By default
    /// [`Domain::pow`].
    fn pow_at_constant(
        &mut self,
        base: &Self::V,
        exponent: &Self::V,
    ) -> Result<Self::V, Self::Error> {
        self.pow(base, exponent, true)
    }
    /// Which piece of `if lhs op rhs` applies at the point.
    fn side(&mut self, cond: Cond<'_, Self::V>) -> Result<Side, Self::Error>;
    /// The value of `if lhs op rhs then a else b` at a switching point ([`Side::Both`]).
    fn join(
        &mut self,
        cond: Cond<'_, Self::V>,
        a: &Self::V,
        b: &Self::V,
    ) -> Result<Self::V, Self::Error>;

    /// Whether a quotient `a / (b * c^k)` is formed as `a * (1/b) * (1/c)^k`, keeping the
    /// divisor factored (exact constants keep denominators factored in their normal form).
    const FACTOR_DIVISORS: bool = false;

    /// Whether a product or quotient with a negative integer power of a varying base, `a *
    /// b^(-k)`, `b^(-k) * a` or `a / b^(-k)`, is formed as the quotient `a / b^k` (or the
    /// product `a * b^k`), which it equals wherever it is defined. A domain whose values have
    /// no negative powers (the one-variable truncated series) then gives a removable
    /// singularity as it gives `a / b^k`: `erf(x) * x^(-1)` at 0 is `erf(x)/x`, `x / x^(-2)`
    /// is `x^3`.
    const NEGATIVE_POWERS_AS_QUOTIENTS: bool = false;
}

/// The condition of an `if` node, evaluated: `lhs op rhs`, with `d = lhs - rhs`.
#[derive(Debug)]
pub struct Cond<'v, V> {
    /// Where the node comes from.
    pub piece: Piece,
    /// The comparison.
    pub op: CmpOp,
    /// The left side.
    pub lhs: &'v V,
    /// The right side.
    pub rhs: &'v V,
    /// `lhs - rhs`.
    pub d: &'v V,
    /// Whether both sides are known to be constant (see [`Domain::call_at_constant`]): then
    /// `d` is a constant, and a `d` that is exactly zero decides the condition (`<=`, `>=` hold,
    /// `<`, `>` do not) instead of making the point a switching point.
    pub constant: bool,
}

impl<V> Clone for Cond<'_, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<V> Copy for Cond<'_, V> {}

/// The place of an `if` node: where its condition is read from.
#[derive(Clone, Copy)]
struct Piecewise {
    piece: Piece,
    op: CmpOp,
    lhs: Id,
    rhs: Id,
}

impl Piecewise {
    /// The evaluated condition (the sides evaluated, `d = lhs - rhs` given).
    fn cond<'v, V>(self, values: &'v [Option<V>], d: &'v V, constant: bool) -> Cond<'v, V> {
        let value = |i: Id| values[i.index()].as_ref().expect("condition evaluated");
        Cond {
            piece: self.piece,
            op: self.op,
            lhs: value(self.lhs),
            rhs: value(self.rhs),
            d,
            constant,
        }
    }
}

/// The failing node (the top of `stack`) and its ancestors on the stack, root first (the
/// stack also holds pending siblings, which are skipped).
fn ancestors(graph: &Graph, stack: &[Id]) -> Vec<Id> {
    let mut path = Vec::new();
    let mut it = stack.iter().rev();
    let Some(&last) = it.next() else {
        return path;
    };
    path.push(last);
    for &id in it {
        let cur = *path.last().expect("non-empty");
        if graph.node(id).children().any(|c| c == cur) {
            path.push(id);
        }
    }
    path.reverse();
    path
}

/// The interrupt hook: called once per evaluated node; an error cancels the evaluation.
pub type Interrupt<'h> = Box<dyn FnMut() -> Result<(), Cancelled> + 'h>;

/// Evaluates nodes of a [`Graph`] in a [`Domain`]: iteratively (no recursion), each node at
/// most once (values memoised), and only the nodes a result needs: the condition of an `if`
/// first, then the piece (or, at a switching point, both pieces) it selects.
///
/// Along with the values it keeps two facts of the evaluation, valid in every domain (where the
/// node is defined): which earlier node a node equals (an `if` whose piece is decided equals that
/// piece; `a*1`, `a + 0`, `a/1`, `a^1` equal `a`), and which nodes are constant (no variable; `a - a` and `a/a`; operations on constants;
/// a decided piece that is constant). A condition comparing a node with one it equals is decided
/// without the domain (`if x < x` is the `else` piece), and a built-in of a constant argument is
/// [`Domain::call_at_constant`].
pub struct Evaluator<'g, 'h, D: Domain> {
    graph: &'g Graph,
    domain: D,
    values: Vec<Option<D::V>>,
    sides: std::collections::HashMap<Id, (Side, D::V)>,
    /// The earliest node known to equal each evaluated node (itself by default).
    same: Vec<Id>,
    /// Whether each evaluated node is known to be constant.
    constant: Vec<bool>,
    interrupt: Option<Interrupt<'h>>,
    failure: Vec<Id>,
}

impl<'g, 'h, D: Domain> Evaluator<'g, 'h, D> {
    /// An evaluator of `graph` in `domain`.
    pub fn new(graph: &'g Graph, domain: D) -> Evaluator<'g, 'h, D> {
        Evaluator {
            graph,
            domain,
            values: vec![None; graph.len()],
            sides: Default::default(),
            same: (0..graph.len() as u32).map(Id).collect(),
            constant: vec![false; graph.len()],
            interrupt: None,
            failure: Vec::new(),
        }
    }

    /// Calls `hook` once per node evaluated; an error cancels the evaluation.
    pub fn with_interrupt(mut self, hook: Interrupt<'h>) -> Self {
        self.interrupt = Some(hook);
        self
    }

    /// The domain.
    pub fn domain(&self) -> &D {
        &self.domain
    }

    /// The domain, for changing its settings (values computed so far are kept).
    pub fn domain_mut(&mut self) -> &mut D {
        &mut self.domain
    }

    /// The value of node `root`.
    pub fn value(&mut self, root: Id) -> Result<D::V, D::Error> {
        if self.values.len() < self.graph.len() {
            self.values.resize(self.graph.len(), None);
            self.same
                .extend((self.same.len() as u32..self.graph.len() as u32).map(Id));
            self.constant.resize(self.graph.len(), false);
        }
        let mut stack = vec![root];
        while let Some(&id) = stack.last() {
            if let Err(e) = self.step(id, &mut stack) {
                self.failure = ancestors(self.graph, &stack);
                return Err(e);
            }
        }
        Ok(self.get(root).clone())
    }

    /// The chain from the root of the last failed [`Evaluator::value`] down to the node whose
    /// operation failed (empty if none failed): see [`Graph::place_of`].
    pub fn failure(&self) -> &[Id] {
        &self.failure
    }

    /// One step on the node `id` at the top of the stack: its value, or its missing children
    /// pushed.
    fn step(&mut self, id: Id, stack: &mut Vec<Id>) -> Result<(), D::Error> {
        if self.values[id.index()].is_some() {
            stack.pop();
            return Ok(());
        }
        let node = self.graph.node(id);
        if let Some((piece, op, [lhs, rhs, then, other])) = node.as_branch() {
            if self.need(stack, &[lhs, rhs]) {
                return Ok(());
            }
            // One rule for every piece: the condition is evaluated first and the domain says
            // which piece applies; at a switching point both pieces are evaluated and the
            // domain joins them, with the same condition.
            let at = Piecewise {
                piece,
                op,
                lhs,
                rhs,
            };
            if !self.sides.contains_key(&id) {
                self.tick()?;
                let d = if matches!(self.graph.node(rhs), Node::Num(q) if num_traits::Zero::is_zero(q))
                {
                    self.get(lhs).clone()
                } else {
                    let (l, r) = (self.get(lhs).clone(), self.get(rhs).clone());
                    self.domain.sub(&l, &r)?
                };
                let side = if self.same[lhs.index()] == self.same[rhs.index()] {
                    Side::of_equal(op)
                } else {
                    let constant = self.constant[lhs.index()] && self.constant[rhs.index()];
                    self.domain.side(at.cond(&self.values, &d, constant))?
                };
                self.sides.insert(id, (side, d));
            }
            let side = self.sides[&id].0;
            let pieces: &[Id] = match side {
                Side::Then => &[then],
                Side::Other => &[other],
                Side::Both => &[then, other],
            };
            if self.need(stack, pieces) {
                return Ok(());
            }
            let v = match side {
                Side::Then => self.get(then).clone(),
                Side::Other => self.get(other).clone(),
                Side::Both => {
                    let (_, d) = &self.sides[&id];
                    let value = |i: Id| self.values[i.index()].as_ref().expect("evaluated");
                    let constant = self.constant[lhs.index()] && self.constant[rhs.index()];
                    let cond = at.cond(&self.values, d, constant);
                    self.domain.join(cond, value(then), value(other))?
                }
            };
            let (same, constant) = match side {
                Side::Then => (self.same[then.index()], self.constant[then.index()]),
                Side::Other => (self.same[other.index()], self.constant[other.index()]),
                Side::Both => (
                    id,
                    self.constant[then.index()] && self.constant[other.index()],
                ),
            };
            self.same[id.index()] = same;
            self.constant[id.index()] = constant;
            self.values[id.index()] = Some(v);
            stack.pop();
            return Ok(());
        }
        if D::NEGATIVE_POWERS_AS_QUOTIENTS {
            if let Some((a, base, k, divide)) = self.negative_power_operand(node) {
                if self.need(stack, &[a, base]) {
                    return Ok(());
                }
                // A constant base keeps its power (its value is a constant of the domain).
                if !self.constant[base.index()] {
                    self.tick()?;
                    let k = self.domain.number(&k)?;
                    let b = self.get(base).clone();
                    let p = self.domain.pow(&b, &k, true)?;
                    let a = self.get(a).clone();
                    let v = if divide {
                        self.domain.div(&a, &p)?
                    } else {
                        self.domain.mul(&a, &p)?
                    };
                    self.values[id.index()] = Some(v);
                    stack.pop();
                    return Ok(());
                }
            }
        }
        if D::FACTOR_DIVISORS {
            if let Node::Div(a, b) = *node {
                let factors = self.factors(b);
                let mut ids: Vec<Id> = factors.iter().map(|f| f.0).collect();
                ids.push(a);
                if self.need(stack, &ids) {
                    return Ok(());
                }
                self.tick()?;
                let mut acc = self.get(a).clone();
                for (f, k) in factors {
                    let r = self
                        .domain
                        .recip(self.values[f.index()].as_ref().expect("value"))?;
                    let r = if k == 1 {
                        r
                    } else {
                        let k = self.domain.number(&BigRational::from_integer(k.into()))?;
                        self.domain.pow(&r, &k, true)?
                    };
                    acc = self.domain.mul(&acc, &r)?;
                }
                self.constant[id.index()] = self.is_constant(node);
                self.values[id.index()] = Some(acc);
                stack.pop();
                return Ok(());
            }
        }
        let children: Vec<Id> = node.children().collect();
        if self.need(stack, &children) {
            return Ok(());
        }
        self.tick()?;
        let v = self.compute(node)?;
        self.constant[id.index()] = self.is_constant(node);
        if let Some(a) = self.identity(node) {
            self.same[id.index()] = self.same[a.index()];
        }
        self.values[id.index()] = Some(v);
        stack.pop();
        Ok(())
    }

    /// Whether `node` (not an `if`; its children evaluated) is constant: no variable, `a - a`,
    /// `a / a` (a removable singularity where `a` vanishes, as the domains treat it), or an
    /// operation on constants.
    fn is_constant(&self, node: &Node) -> bool {
        match *node {
            Node::Var(_) => false,
            Node::Sub(a, b) | Node::Div(a, b) if self.same[a.index()] == self.same[b.index()] => {
                true
            }
            _ => node.children().all(|c| self.constant[c.index()]),
        }
    }

    /// The operand `a` that `node` equals wherever it is defined, being `a` with an identity
    /// element: `a*1`, `1*a`, `a + 0`, `0 + a`, `a - 0`, `a/1`, `a^1` (so that `if x*1 < x` is
    /// decided as `x < x`).
    fn identity(&self, node: &Node) -> Option<Id> {
        let is = |id: Id, n: i64| matches!(self.graph.node(id), Node::Num(q) if *q == BigRational::from_integer(n.into()));
        match *node {
            Node::Mul(a, b) if is(b, 1) => Some(a),
            Node::Mul(a, b) if is(a, 1) => Some(b),
            Node::Add(a, b) if is(b, 0) => Some(a),
            Node::Add(a, b) if is(a, 0) => Some(b),
            Node::Sub(a, b) if is(b, 0) => Some(a),
            Node::Div(a, b) | Node::Pow(a, b) if is(b, 1) => Some(a),
            _ => None,
        }
    }

    /// For `a * b^(-k)`, `b^(-k) * a` and `a / b^(-k)` (`k` a positive integer): the other
    /// operand `a`, the base `b`, `k`, and whether `a` is divided by `b^k` (else multiplied).
    fn negative_power_operand(&self, node: &Node) -> Option<(Id, Id, BigRational, bool)> {
        // `-k` is read as written, `-(k)` (the parser's) or the literal `-k`.
        let negated = |id: Id| match self.graph.node(id) {
            Node::Num(q) => Some(-q.clone()),
            Node::Neg(a) => match self.graph.node(*a) {
                Node::Num(q) => Some(q.clone()),
                _ => None,
            },
            _ => None,
        };
        let negative_power = |id: Id| match *self.graph.node(id) {
            Node::Pow(base, n) => negated(n)
                .filter(|k| k.is_integer() && k.is_positive())
                .map(|k| (base, k)),
            _ => None,
        };
        match *node {
            Node::Mul(a, b) => match (negative_power(a), negative_power(b)) {
                (_, Some((base, k))) => Some((a, base, k, true)),
                (Some((base, k)), None) => Some((b, base, k, true)),
                (None, None) => None,
            },
            Node::Div(a, b) => negative_power(b).map(|(base, k)| (a, base, k, false)),
            _ => None,
        }
    }

    /// The divisor `b` as factors `f^k` (`b = prod f^k`), looking through products and small
    /// positive integer powers whose exponents are already known.
    fn factors(&mut self, b: Id) -> Vec<(Id, i64)> {
        let mut out = Vec::new();
        let mut todo = vec![(b, 1i64)];
        while let Some((id, k)) = todo.pop() {
            match *self.graph.node(id) {
                Node::Mul(x, y) => {
                    todo.push((y, k));
                    todo.push((x, k));
                }
                Node::Pow(x, n) => {
                    let small = match self.graph.node(n) {
                        Node::Num(q) if q.is_integer() && q.is_positive() => {
                            q.to_integer().to_i64()
                        }
                        _ => None,
                    }
                    .filter(|&n| n <= 1024)
                    .and_then(|n| n.checked_mul(k))
                    .filter(|&n| n <= 1 << 20);
                    match small {
                        Some(m) => todo.push((x, m)),
                        None => out.push((id, k)),
                    }
                }
                _ => out.push((id, k)),
            }
        }
        out
    }

    fn tick(&mut self) -> Result<(), D::Error> {
        // The budget of the computation (`--timeout`, `--memory`, a cancel flag) stops here too.
        crate::budget::check();
        if let Some(hook) = self.interrupt.as_mut() {
            hook()?;
        }
        Ok(())
    }

    /// Pushes the children without a value; `true` when some were pushed.
    fn need(&self, stack: &mut Vec<Id>, ids: &[Id]) -> bool {
        let before = stack.len();
        for &c in ids.iter().rev() {
            if self.values[c.index()].is_none() {
                stack.push(c);
            }
        }
        stack.len() > before
    }

    fn get(&self, id: Id) -> &D::V {
        self.values[id.index()]
            .as_ref()
            .expect("child evaluated first")
    }

    fn compute(&mut self, node: &Node) -> Result<D::V, D::Error> {
        let d = &mut self.domain;
        let v = |id: Id| {
            self.values[id.index()]
                .as_ref()
                .expect("child evaluated first")
        };
        match *node {
            Node::Num(ref q) => d.number(q),
            Node::Pi => d.pi(),
            Node::E => d.e(),
            Node::Var(i) => d.variable(self.graph.var_name(i)),
            Node::Neg(a) => d.neg(v(a)),
            Node::Add(a, b) => d.add(v(a), v(b)),
            Node::Sub(a, b) => d.sub(v(a), v(b)),
            Node::Mul(a, b) => d.mul(v(a), v(b)),
            Node::Div(a, b) => d.div(v(a), v(b)),
            Node::Pow(a, b) if self.constant[a.index()] && self.constant[b.index()] => {
                d.pow_at_constant(v(a), v(b))
            }
            Node::Pow(a, b) => d.pow(v(a), v(b), self.constant[b.index()]),
            Node::Call(f, a) if self.constant[a.index()] => d.call_at_constant(f, v(a)),
            Node::Call(f, a) => d.call(f, v(a)),
            Node::If { .. } => unreachable!("pieces are evaluated by `value`"),
        }
    }
}
