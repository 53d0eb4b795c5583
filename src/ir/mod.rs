//! The lowered form of every input: one interned expression graph, and one evaluator over it.
//!
//! An [`Expr`](crate::expr::Expr) is lowered once ([`Lowering`]) into a [`Graph`]: a
//! hash-consed arena of scalar nodes whose children are always earlier nodes (in the spirit of
//! egg's `RecExpr`), so the index order is a topological order and equal subexpressions are one
//! node. Lowering inlines definitions (memoised per definition and argument nodes, so a chain of
//! definitions is lowered in linear time), resolves vectors and matrices into their scalar
//! entries ([`crate::shape`]), and turns `abs`, `min`, `max` and `if` into one kind of node,
//! [`Node::If`]. Per-node facts ([`Facts`]: the variables a node depends on, depth, size) are
//! computed once, when the node is inserted.
//!
//! [`Evaluator`] evaluates nodes of a graph in any [`Domain`] (exact constants, truncated
//! series, ...): one iterative pass, values memoised per node, and a single policy for the
//! pieces of an `if`. Nothing here recurses on the input, so no input can overflow the stack.
//!
//! ```
//! use taylorgate::ir::Lowering;
//! use taylorgate::{parse::parse_expr, Definitions};
//! let defs = Definitions::new();
//! let mut lowering = Lowering::new(&defs);
//! let e = parse_expr("sin(x)*sin(x) + sin(x)", &defs).unwrap();
//! let root = lowering.lower(&e).unwrap().into_scalar("the input").unwrap();
//! // x, sin(x), sin(x)*sin(x) and the sum: the repeated sin(x) is one node.
//! assert_eq!(lowering.graph().len(), 4);
//! assert!(lowering.graph().facts(root).vars.contains(lowering.graph().var_id("x").unwrap()));
//! ```

mod eval;
mod locate;
mod lower;

pub use eval::{Cancelled, Cond, Domain, Evaluator, Interrupt, Side};
pub use locate::{locate, Probe};
pub use lower::{scalar_expr, LowerError, Lowering, MAX_GRAPH_NODES, MAX_TREE_NODES};

use crate::expr::{BinOp, CmpOp, Expr, Func};
use num_rational::BigRational;
use num_traits::{One, Zero};
use std::collections::HashMap;

/// The index of a node in its [`Graph`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(u32);

impl Id {
    /// The position of the node in the graph.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Which construct of the source an [`Node::If`] node comes from (for messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Piece {
    /// `if lhs op rhs then a else b`.
    If,
    /// `abs(x)`: `if x >= 0 then x else -x`.
    Abs,
    /// `min(a, b)`: `if a <= b then a else b`.
    Min,
    /// `max(a, b)`: `if a >= b then a else b`.
    Max,
}

/// A scalar node. Children are earlier nodes of the same graph.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// An exact rational.
    Num(BigRational),
    /// `pi`.
    Pi,
    /// `e`.
    E,
    /// A free variable (its name is [`Graph::var_name`]).
    Var(u32),
    /// `-a`.
    Neg(Id),
    /// `a + b`.
    Add(Id, Id),
    /// `a - b`.
    Sub(Id, Id),
    /// `a * b`.
    Mul(Id, Id),
    /// `a / b`.
    Div(Id, Id),
    /// `a ^ b`.
    Pow(Id, Id),
    /// A one-argument analytic built-in (every built-in but `abs`, `min`, `max`).
    Call(Func, Id),
    /// `if lhs op rhs then then else other` (also `abs`, `min` and `max`).
    If {
        /// Where it comes from.
        piece: Piece,
        /// The comparison.
        op: CmpOp,
        /// `[lhs, rhs, then, other]`: the two sides of the condition, the value where it
        /// holds and the value where it does not.
        parts: [Id; 4],
    },
}

impl Node {
    /// `if lhs op rhs then then else other` from `[lhs, rhs, then, other]`.
    pub fn branch(piece: Piece, op: CmpOp, parts: [Id; 4]) -> Node {
        Node::If { piece, op, parts }
    }

    /// The parts of an `If` node: its construct, comparison and `[lhs, rhs, then, other]`.
    pub fn as_branch(&self) -> Option<(Piece, CmpOp, [Id; 4])> {
        match *self {
            Node::If { piece, op, parts } => Some((piece, op, parts)),
            _ => None,
        }
    }

    /// The children, in order (for `If`: `lhs, rhs, then, other`).
    pub fn children(&self) -> impl Iterator<Item = Id> {
        let (buf, n): ([Id; 4], usize) = match *self {
            Node::Num(_) | Node::Pi | Node::E | Node::Var(_) => ([Id(0); 4], 0),
            Node::Neg(a) | Node::Call(_, a) => ([a, a, a, a], 1),
            Node::Add(a, b)
            | Node::Sub(a, b)
            | Node::Mul(a, b)
            | Node::Div(a, b)
            | Node::Pow(a, b) => ([a, b, b, b], 2),
            Node::If { parts, .. } => (parts, 4),
        };
        buf.into_iter().take(n)
    }
}

impl Node {
    /// The same node with every child `c` replaced by `f(c)`.
    pub fn with_children(&self, mut f: impl FnMut(Id) -> Id) -> Node {
        match *self {
            Node::Num(_) | Node::Pi | Node::E | Node::Var(_) => self.clone(),
            Node::Neg(a) => Node::Neg(f(a)),
            Node::Add(a, b) => Node::Add(f(a), f(b)),
            Node::Sub(a, b) => Node::Sub(f(a), f(b)),
            Node::Mul(a, b) => Node::Mul(f(a), f(b)),
            Node::Div(a, b) => Node::Div(f(a), f(b)),
            Node::Pow(a, b) => Node::Pow(f(a), f(b)),
            Node::Call(func, a) => Node::Call(func, f(a)),
            Node::If { piece, op, parts } => Node::branch(piece, op, parts.map(f)),
        }
    }
}

/// A set of variables (by [`Node::Var`] index): exact for the first 63 variables; any later
/// variable sets one shared bit, so membership of those is answered conservatively (`true`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct VarSet(u64);

impl VarSet {
    const OVERFLOW: u64 = 1 << 63;

    fn single(v: u32) -> VarSet {
        VarSet(if v < 63 { 1 << v } else { Self::OVERFLOW })
    }

    /// Whether no variable is in the set (the node is a constant).
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether `v` may be in the set (exact for `v < 63`).
    pub fn contains(self, v: u32) -> bool {
        if v < 63 {
            self.0 & (1 << v) != 0
        } else {
            self.0 & Self::OVERFLOW != 0
        }
    }

    fn union(self, other: VarSet) -> VarSet {
        VarSet(self.0 | other.0)
    }
}

/// Facts about a node, computed once when it is inserted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    /// The variables the node depends on.
    pub vars: VarSet,
    /// The length of the longest path to a leaf (a leaf has depth 0).
    pub depth: u32,
    /// The size of the node as a tree (saturating), i.e. before sharing.
    pub size: u64,
    /// Whether the node has a real value at every real value of its variables (numbers,
    /// variables, `+`, `-`, `*`, natural powers, [`Func::is_total`] built-ins and pieces of
    /// such nodes); `false` means "may be undefined somewhere".
    pub total: bool,
}

/// Where a node comes from: a byte range (0-based, end exclusive) of a source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// The text (a command-line argument, a `.tg` file).
    pub source: std::sync::Arc<crate::expr::Source>,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The place of the span, for messages (line, column, caret; the file, if any).
    pub fn place(&self) -> crate::Place {
        let mut place = crate::Place::span(&self.source.text, self.start, self.end);
        place.path = self.source.path.clone();
        place
    }
}

/// The interned arena of nodes.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    facts: Vec<Facts>,
    index: HashMap<Node, Id>,
    vars: Vec<String>,
    spans: HashMap<Id, Span>,
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Graph {
        Graph::default()
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the graph has no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The node `id`.
    pub fn node(&self, id: Id) -> &Node {
        &self.nodes[id.index()]
    }

    /// The facts of node `id`.
    pub fn facts(&self, id: Id) -> Facts {
        self.facts[id.index()]
    }

    /// The name of variable number `v`.
    pub fn var_name(&self, v: u32) -> &str {
        &self.vars[v as usize]
    }

    /// The number of variables.
    pub fn var_count(&self) -> usize {
        self.vars.len()
    }

    /// The number of the variable `name`, if the graph has it.
    pub fn var_id(&self, name: &str) -> Option<u32> {
        self.vars.iter().position(|n| n == name).map(|i| i as u32)
    }

    /// Whether node `id` may depend on the variable `name` (`false` when the graph has no such
    /// variable).
    pub fn depends_on(&self, id: Id, name: &str) -> bool {
        self.var_id(name)
            .is_some_and(|v| self.facts(id).vars.contains(v))
    }

    /// The source span recorded for `id`, if any (see [`Lowering::lower_located`]).
    pub fn span(&self, id: Id) -> Option<&Span> {
        self.spans.get(&id)
    }

    /// The place of the deepest node of `path` (a chain from a root down to the node that
    /// failed, as [`Evaluator::failure`] gives it) that has a source span.
    pub fn place_of(&self, path: &[Id]) -> Option<crate::Place> {
        path.iter()
            .rev()
            .find_map(|&id| self.span(id))
            .map(Span::place)
    }

    /// Records where node `id` comes from in the source (the first record wins).
    pub fn set_span(&mut self, id: Id, span: Span) {
        self.spans.entry(id).or_insert(span);
    }

    /// The node for the variable `name` (interned).
    pub fn var(&mut self, name: &str) -> Id {
        let v = match self.var_id(name) {
            Some(v) => v,
            None => {
                self.vars.push(name.to_string());
                (self.vars.len() - 1) as u32
            }
        };
        self.add(Node::Var(v))
    }

    /// Interns `node` (whose children must be nodes of this graph) and returns its id.
    pub fn add(&mut self, node: Node) -> Id {
        if let Some(&id) = self.index.get(&node) {
            return id;
        }
        let mut facts = Facts {
            vars: match node {
                Node::Var(v) => VarSet::single(v),
                _ => VarSet::default(),
            },
            depth: 0,
            size: 1,
            total: match node {
                Node::Num(_) | Node::Pi | Node::E | Node::Var(_) => true,
                Node::Neg(_) | Node::Add(..) | Node::Sub(..) | Node::Mul(..) | Node::If { .. } => {
                    true
                }
                Node::Call(f, _) => f.is_total(),
                Node::Pow(_, n) => matches!(
                    &self.nodes[n.index()],
                    Node::Num(q) if q.is_integer() && !num_traits::Signed::is_negative(q)
                ),
                Node::Div(..) => false,
            },
        };
        for c in node.children() {
            let f = self.facts[c.index()];
            facts.vars = facts.vars.union(f.vars);
            facts.depth = facts.depth.max(f.depth.saturating_add(1));
            facts.size = facts.size.saturating_add(f.size);
            facts.total &= f.total;
        }
        let id = Id(self.nodes.len() as u32);
        self.nodes.push(node.clone());
        self.facts.push(facts);
        self.index.insert(node, id);
        id
    }

    /// `value`, defined only where `guard` is: the node `if guard <= guard then value else
    /// value` (see [`Expr::guard`]): every evaluation evaluates `guard`, decides the condition
    /// without the domain (a node compared with itself) and takes `value`.
    pub fn guard(&mut self, guard: Id, value: Id) -> Id {
        self.add(Node::branch(
            Piece::If,
            CmpOp::Le,
            [guard, guard, value, value],
        ))
    }

    /// Whether every evaluation of `root` evaluates node `arg`: `arg` is reached from `root`
    /// outside the pieces of every `if`, or in both pieces of one. Only nodes after `arg` are
    /// visited (an earlier node cannot have `arg` below it).
    pub fn evaluates(&self, root: Id, arg: Id) -> bool {
        let mut memo: HashMap<Id, bool> = HashMap::new();
        let mut stack = vec![root];
        while let Some(&id) = stack.last() {
            if memo.contains_key(&id) {
                stack.pop();
                continue;
            }
            if id <= arg {
                memo.insert(id, id == arg);
                stack.pop();
                continue;
            }
            let node = self.node(id);
            let pending: Vec<Id> = node.children().filter(|c| !memo.contains_key(c)).collect();
            if !pending.is_empty() {
                stack.extend(pending);
                continue;
            }
            let value = match node.as_branch() {
                Some((_, _, [l, r, t, o])) => memo[&l] || memo[&r] || (memo[&t] && memo[&o]),
                None => node.children().any(|c| memo[&c]),
            };
            memo.insert(id, value);
            stack.pop();
        }
        memo[&root]
    }

    /// `value` (a call: its body's value with `args` bound) guarded ([`Graph::guard`]) by each
    /// argument that is not [`Facts::total`] and that `value` does not evaluate
    /// ([`Graph::evaluates`]): a call is defined only where every argument is.
    pub fn guard_unused(&mut self, args: &[Id], value: Id) -> Id {
        let mut out = value;
        for &a in args {
            if !self.facts(a).total && !self.evaluates(out, a) {
                out = self.guard(a, out);
            }
        }
        out
    }

    /// The rational `q` (interned).
    pub fn num(&mut self, q: BigRational) -> Id {
        self.add(Node::Num(q))
    }

    /// The integer `n` (interned).
    pub fn int(&mut self, n: i64) -> Id {
        self.num(BigRational::from_integer(n.into()))
    }

    /// Node `root` with the variables of `subs` replaced by the given nodes (iterative; shared
    /// nodes stay shared): `x -> t*x` turns a function into its restriction to rays.
    pub fn substitute(&mut self, root: Id, subs: &[(u32, Id)]) -> Id {
        let mut done: HashMap<Id, Id> = HashMap::new();
        for id in self.post_order(root) {
            let node = self.node(id).clone();
            if let Node::Var(v) = node {
                let to = subs.iter().find(|(w, _)| *w == v).map_or(id, |(_, to)| *to);
                done.insert(id, to);
                continue;
            }
            let new = node.with_children(|c| done[&c]);
            let new = self.add(new);
            done.insert(id, new);
        }
        done[&root]
    }

    /// The nodes below `root` (and `root`), each once, children before their parents.
    pub fn post_order(&self, root: Id) -> Vec<Id> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        let mut stack = vec![(root, false)];
        while let Some((id, expanded)) = stack.pop() {
            if expanded {
                out.push(id);
                continue;
            }
            if !seen.insert(id) {
                continue;
            }
            stack.push((id, true));
            let children: Vec<Id> = self.node(id).children().collect();
            for c in children.into_iter().rev() {
                if !seen.contains(&c) {
                    stack.push((c, false));
                }
            }
        }
        out
    }

    /// Node `root` written out as a syntax tree (shared nodes repeated), without recursion.
    /// Trivial factors and terms are dropped as the tree is built (`1*x` is `x`, `0*x` and
    /// `x*0` are `0` where `x` is defined everywhere, `-1*x` is `-x`, `x + 0` is `x`, `a + (-b)` is `a - b`); `abs`, `min` and
    /// `max` are written back as calls.
    ///
    /// # Errors
    /// [`LowerError::TreeTooLarge`] above [`MAX_TREE_NODES`] nodes.
    pub fn to_expr(&self, root: Id) -> Result<Expr, LowerError> {
        if self.facts(root).size > MAX_TREE_NODES {
            return Err(LowerError::TreeTooLarge);
        }
        let order = self.post_order(root);
        // Uses of each node below `root`: a child's tree is moved into its last user, cloned
        // for the others (linear for a chain, whatever its depth).
        let mut uses: HashMap<Id, usize> = HashMap::new();
        for &id in &order {
            for c in self.node(id).children() {
                *uses.entry(c).or_insert(0) += 1;
            }
        }
        let mut done: HashMap<Id, Expr> = HashMap::new();
        for id in order {
            let node = self.node(id);
            let mut taken: HashMap<Id, Expr> = HashMap::new();
            for c in node.children() {
                if taken.contains_key(&c) {
                    continue;
                }
                let n = uses.get_mut(&c).expect("counted");
                let k = node.children().filter(|x| *x == c).count();
                *n -= k;
                let tree = if *n == 0 {
                    done.remove(&c).expect("built")
                } else {
                    done[&c].clone()
                };
                taken.insert(c, tree);
            }
            let mut left: HashMap<Id, usize> = HashMap::new();
            for c in node.children() {
                *left.entry(c).or_insert(0) += 1;
            }
            let mut e = |c: Id| {
                let n = left.get_mut(&c).expect("a child");
                *n -= 1;
                if *n == 0 {
                    taken.remove(&c).expect("taken")
                } else {
                    taken[&c].clone()
                }
            };
            let tree = match *node {
                Node::Num(ref q) => Expr::Num(q.clone()),
                Node::Pi => Expr::Pi,
                Node::E => Expr::E,
                Node::Var(v) => Expr::var(self.var_name(v)),
                Node::Neg(a) => Expr::Neg(Box::new(e(a))),
                Node::Add(a, b) => plus(e(a), e(b)),
                Node::Sub(a, b) => Expr::bin(BinOp::Sub, e(a), e(b)),
                Node::Mul(a, b) => {
                    let total = [a, b].map(|c| self.facts(c).total);
                    times(e(a), e(b), total)
                }
                Node::Div(a, b) => Expr::bin(BinOp::Div, e(a), e(b)),
                Node::Pow(a, b) => Expr::bin(BinOp::Pow, e(a), e(b)),
                Node::Call(f, a) => Expr::call(f, e(a)),
                Node::If { piece, op, parts } => {
                    let [lhs, rhs, then, other] = parts;
                    match piece {
                        Piece::Abs => Expr::call(Func::Abs, e(lhs)),
                        Piece::Min | Piece::Max => {
                            let f = if piece == Piece::Min {
                                Func::Min
                            } else {
                                Func::Max
                            };
                            Expr::Call(f, vec![e(lhs), e(rhs)])
                        }
                        Piece::If => Expr::If(
                            Box::new(crate::expr::Cond {
                                lhs: e(lhs),
                                op,
                                rhs: e(rhs),
                            }),
                            Box::new(e(then)),
                            Box::new(e(other)),
                        ),
                    }
                }
            };
            done.insert(id, tree);
        }
        Ok(done.remove(&root).expect("built"))
    }
}

/// Whether `e` is a literal `q` or `-q` with `f(value)`.
fn is_num(e: &Expr, f: impl Fn(&BigRational) -> bool) -> bool {
    match e {
        Expr::Num(q) => f(q),
        Expr::Neg(a) => matches!(&**a, Expr::Num(q) if f(&-q)),
        _ => false,
    }
}

/// `a * b` with the trivial factors `0`, `1`, `-1` removed; a factor `0` removes the other
/// factor only where that one is `total` (defined everywhere, [`Facts::total`]): `0*ln(x)` is
/// not `0` at `x = -1`.
fn times(a: Expr, b: Expr, total: [bool; 2]) -> Expr {
    if (is_num(&a, Zero::is_zero) && total[1]) || (is_num(&b, Zero::is_zero) && total[0]) {
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
