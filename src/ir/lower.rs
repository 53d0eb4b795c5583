//! Lowering of syntax trees to the graph: definitions inlined once, shapes resolved.

use super::{Graph, Id, Node, Piece, Span};
use crate::diff::{self, DiffError};
use crate::expr::{ArityError, BinOp, CmpOp, Definitions, Expr, Func, Origin};
use crate::number::Const;
use crate::shape::{ShapeError, Value};
use std::collections::HashMap;
use std::rc::Rc;
use thiserror::Error;

/// The largest graph a lowering builds.
pub const MAX_GRAPH_NODES: usize = 8_000_000;

/// Errors of lowering.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum LowerError {
    /// A call of a name that is neither a built-in nor a definition.
    #[error("unknown function `{0}`")]
    UnknownFunction(String),
    /// A call with the wrong number of arguments.
    #[error(transparent)]
    Arity(#[from] ArityError),
    /// Shapes that do not fit.
    #[error("shape mismatch: {0}")]
    Shape(#[from] ShapeError),
    /// `name'(x)` could not be formed (not a one-argument definition, order too large, ...).
    #[error(transparent)]
    Derivative(#[from] DiffError),
    /// A definition that calls itself (directly or through others).
    #[error("the definition `{0}` is recursive")]
    Recursive(String),
    /// The graph would exceed [`MAX_GRAPH_NODES`] nodes.
    #[error("expression too large (more than {MAX_GRAPH_NODES} nodes after inlining)")]
    TooLarge,
    /// A free name that is neither a variable of the computation nor a definition.
    #[error("unknown name `{0}`")]
    UnknownName(String),
    /// A node written out as a tree would exceed [`MAX_TREE_NODES`] nodes.
    #[error("too large: the expansion has more than {MAX_TREE_NODES} nodes")]
    TreeTooLarge,
}

/// The largest tree [`Graph::to_expr`] writes out.
pub const MAX_TREE_NODES: u64 = 200_000;

/// `expr` with definitions, vectors and matrices resolved: one built-in-only scalar expression
/// in `variables` (every other free name must be a definition of `defs`), read back from the
/// graph ([`Graph::to_expr`]).
///
/// ```
/// use taylorgate::parse::parse_program;
/// use taylorgate::ir::scalar_expr;
/// use taylorgate::Definitions;
/// let program = parse_program("A = [[1, 1], [1, -1]]\nw = [1, -1]\nf(u, v) = w * exp(A * [u, v])\n", &Definitions::new())?;
/// let mut defs = Definitions::new();
/// defs.extend_with(&program);
/// let f = taylorgate::parse::parse_expr("f(u, v)", &defs)?;
/// let e = scalar_expr(&f, &defs, &["u".to_string(), "v".to_string()])?;
/// assert_eq!(e.to_string(), "exp(u + v) - exp(u - v)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`LowerError`]: the result or a part that must be scalar is a vector, shapes do not fit, an
/// unknown name, a recursive definition, a tree above [`MAX_TREE_NODES`] nodes.
pub fn scalar_expr(
    expr: &Expr,
    defs: &Definitions,
    variables: &[String],
) -> Result<Expr, LowerError> {
    let mut lowering = Lowering::new(defs);
    let root = lowering.lower_scalar(expr, "the expression")?;
    let graph = lowering.graph();
    if let Some(v) = (0..graph.var_count())
        .map(|v| graph.var_name(v as u32))
        .find(|n| graph.depends_on(root, n) && !variables.iter().any(|x| x == n))
    {
        return Err(LowerError::UnknownName(v.to_string()));
    }
    graph.to_expr(root)
}

/// A hashable summary of a call: the definition and its argument nodes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Call(String, Vec<Value<Id>>),
    Constant(String),
}

type Env = Rc<HashMap<String, Value<Id>>>;

/// Where a node of a tree is in the origin tables of a lowering: (table, post-order index).
type Cursor = Option<(usize, usize)>;

enum Task<'a> {
    Visit(&'a Expr, Env, Cursor),
    /// Records the span of the cursor for the value on top of the stack (once it is done).
    Mark(Cursor),
    Neg,
    Bin(BinOp),
    Call(Func, usize),
    Apply(&'a str, usize),
    Deriv(&'a str, u32),
    If(CmpOp),
    Vector(usize),
    Push(Value<Id>),
    Store(Key),
    Reshape(Value<Id>),
}

/// Lowers expressions (with the definitions in scope) into one shared [`Graph`].
pub struct Lowering<'d> {
    defs: &'d Definitions,
    graph: Graph,
    memo: HashMap<Key, Value<Id>>,
    derivatives: HashMap<(String, u32), Rc<(String, Expr)>>,
    /// `name^(k)(c)` at constant nodes `c` ([`Lowering::derivative_at`]).
    values_at: HashMap<(String, u32, Id), Option<Id>>,
    /// The definitions being lowered (a call of one of them again is a recursion).
    active: Vec<String>,
    /// The origin tables in use ([`Lowering::lower_located`]); empty: no spans are recorded.
    origins: Vec<Origin>,
    /// The table of each definition's body, by name (an index into `origins`).
    def_origins: HashMap<String, Option<usize>>,
    /// The span of the construct whose lowering failed.
    failure: Option<Span>,
}

impl<'d> Lowering<'d> {
    /// A lowering with these definitions in scope and an empty graph.
    pub fn new(defs: &'d Definitions) -> Lowering<'d> {
        Lowering {
            defs,
            graph: Graph::new(),
            memo: HashMap::new(),
            derivatives: HashMap::new(),
            values_at: HashMap::new(),
            active: Vec::new(),
            origins: Vec::new(),
            def_origins: HashMap::new(),
            failure: None,
        }
    }

    /// [`Lowering::lower`], filling the graph's table from node to source span: each node
    /// gets the span of its first occurrence, in `origin` (the tree's table, as
    /// [`crate::parse::parse_expr_located`] gives it) or, for nodes made while a definition
    /// read from a text is inlined, in the definition's body ([`Definitions::origin`]).
    /// After an error, [`Lowering::failure`] is the span of the construct that failed.
    pub fn lower_located(&mut self, expr: &Expr, origin: &Origin) -> Result<Value<Id>, LowerError> {
        self.origins.push(origin.clone());
        let cursor = origin.root().map(|i| (self.origins.len() - 1, i));
        self.run_at(expr, Rc::new(HashMap::new()), cursor)
    }

    /// The span of the construct whose lowering failed (after an error of
    /// [`Lowering::lower_located`]).
    pub fn failure(&self) -> Option<&Span> {
        self.failure.as_ref()
    }

    /// The span of a cursor.
    fn span_at(&self, cursor: Cursor) -> Option<Span> {
        let (o, i) = cursor?;
        let origin = &self.origins[o];
        let (start, end) = origin.span(i)?;
        Some(Span {
            source: origin.source.clone(),
            start,
            end,
        })
    }

    /// The cursors of the `k` children of the node at `cursor`.
    fn children_at(&self, cursor: Cursor, k: usize) -> Vec<Cursor> {
        let found = cursor.and_then(|(o, i)| {
            let c = self.origins[o].children(i, k)?;
            Some(c.into_iter().map(|j| Some((o, j))).collect())
        });
        found.unwrap_or_else(|| vec![None; k])
    }

    /// The cursor of the root of the body of definition `name` (when spans are recorded).
    fn definition_at(&mut self, name: &str) -> Cursor {
        if self.origins.is_empty() {
            return None;
        }
        let index = match self.def_origins.get(name) {
            Some(index) => *index,
            None => {
                let index = self.defs.origin(name).cloned().map(|o| {
                    self.origins.push(o);
                    self.origins.len() - 1
                });
                self.def_origins.insert(name.to_string(), index);
                index
            }
        };
        let o = index?;
        Some((o, self.origins[o].root()?))
    }

    /// Records the span of `cursor` for the scalars of `value` that have none yet.
    fn mark(&mut self, cursor: Cursor, value: &Value<Id>) {
        if let (Some(span), Value::Scalar(id)) = (self.span_at(cursor), value) {
            self.graph.set_span(*id, span);
        }
    }

    /// The graph built so far.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The graph built so far, for adding nodes.
    pub fn graph_mut(&mut self) -> &mut Graph {
        &mut self.graph
    }

    /// The graph, consuming the lowering.
    pub fn into_graph(self) -> Graph {
        self.graph
    }

    /// Lowers `expr`: a scalar node, or a vector (matrix) of them. Free names that are not
    /// definitions become variables.
    pub fn lower(&mut self, expr: &Expr) -> Result<Value<Id>, LowerError> {
        self.run(expr, Rc::new(HashMap::new()))
    }

    /// Lowers `expr` to one scalar node (a vector is a shape error naming `what`).
    pub fn lower_scalar(&mut self, expr: &Expr, what: &str) -> Result<Id, LowerError> {
        Ok(self.lower(expr)?.into_scalar(what)?)
    }

    fn add(&mut self, node: Node) -> Result<Id, LowerError> {
        if self.graph.len() >= MAX_GRAPH_NODES {
            return Err(LowerError::TooLarge);
        }
        Ok(self.graph.add(node))
    }

    fn run(&mut self, expr: &Expr, env: Env) -> Result<Value<Id>, LowerError> {
        self.run_at(expr, env, None)
    }

    fn run_at(&mut self, expr: &Expr, env: Env, at: Cursor) -> Result<Value<Id>, LowerError> {
        let defs = self.defs;
        let mut tasks: Vec<Task> = vec![Task::Visit(expr, env, at)];
        let mut values: Vec<Value<Id>> = Vec::new();
        let active = self.active.len();
        let result = self.drive(defs, &mut tasks, &mut values);
        self.active.truncate(active);
        result?;
        Ok(values.pop().expect("lowering leaves one value"))
    }

    fn drive<'a>(
        &mut self,
        defs: &'a Definitions,
        tasks: &mut Vec<Task<'a>>,
        values: &mut Vec<Value<Id>>,
    ) -> Result<(), LowerError> {
        while let Some(task) = tasks.pop() {
            // The construct a failure is blamed on: a visited node, or the node whose
            // completion task this is (its mark lies right below it).
            let here = match (&task, tasks.last()) {
                (Task::Visit(_, _, at), _) | (_, Some(Task::Mark(at))) => *at,
                _ => None,
            };
            if let Err(e) = self.perform(defs, task, tasks, values) {
                if self.failure.is_none() {
                    self.failure = self.span_at(here);
                }
                return Err(e);
            }
        }
        Ok(())
    }

    fn perform<'a>(
        &mut self,
        defs: &'a Definitions,
        task: Task<'a>,
        tasks: &mut Vec<Task<'a>>,
        values: &mut Vec<Value<Id>>,
    ) -> Result<(), LowerError> {
        let pop_n = |values: &mut Vec<Value<Id>>, n: usize| values.split_off(values.len() - n);
        {
            match task {
                Task::Visit(e, env, at) => self.visit(defs, e, env, at, tasks, values)?,
                Task::Mark(at) => {
                    let v = values.last().expect("value").clone();
                    self.mark(at, &v);
                }
                Task::Push(v) => values.push(v),
                Task::Neg => {
                    let a = values.pop().expect("operand");
                    let v = self.map(&a, &mut |s, x| s.graph.add(Node::Neg(x)))?;
                    values.push(v);
                }
                Task::Bin(op) => {
                    let b = values.pop().expect("operand");
                    let a = values.pop().expect("operand");
                    let v = self.binary(op, a, b)?;
                    values.push(v);
                }
                Task::Call(f, n) => {
                    let args = pop_n(values, n);
                    let v = self.builtin(f, args)?;
                    values.push(v);
                }
                Task::Apply(name, n) => {
                    let args = pop_n(values, n);
                    self.apply(defs, name, args, tasks, values)?;
                }
                Task::Deriv(name, k) => {
                    let arg = values.pop().expect("argument");
                    let v = self.derivative(name, k, arg)?;
                    values.push(v);
                }
                Task::If(op) => {
                    let other = values.pop().expect("branch");
                    let then = values.pop().expect("branch");
                    let rhs = values.pop().expect("condition");
                    let lhs = values.pop().expect("condition");
                    let lhs = lhs.into_scalar("the left side of a condition")?;
                    let rhs = rhs.into_scalar("the right side of a condition")?;
                    let v = self.zip(then, other, &mut |s, a, b| {
                        s.add(Node::branch(Piece::If, op, [lhs, rhs, a, b]))
                    })?;
                    values.push(v);
                }
                Task::Vector(n) => {
                    let items = pop_n(values, n);
                    values.push(Value::Vector(items));
                }
                Task::Store(key) => {
                    let v = values.pop().expect("value");
                    let v = match &key {
                        Key::Call(_, args) => {
                            let args: Vec<Id> = args.iter().flat_map(Value::leaves).collect();
                            self.map(&v, &mut |s, x| s.graph.guard_unused(&args, x))?
                        }
                        Key::Constant(_) => v,
                    };
                    values.push(v.clone());
                    self.memo.insert(key, v);
                    self.active.pop();
                }
                Task::Reshape(template) => {
                    let mut leaves = pop_n(values, count_leaves(&template)).into_iter();
                    let v = template.map(&mut |_| {
                        leaves
                            .next()
                            .expect("one value per entry")
                            .into_scalar("a one-parameter function of an entry")
                    })?;
                    values.push(v);
                }
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn visit<'a>(
        &mut self,
        defs: &'a Definitions,
        e: &'a Expr,
        env: Env,
        at: Cursor,
        tasks: &mut Vec<Task<'a>>,
        values: &mut Vec<Value<Id>>,
    ) -> Result<(), LowerError> {
        let record = !self.origins.is_empty();
        let inner = |s: &Self, tasks: &mut Vec<Task<'a>>, then: Task<'a>, xs: &[&'a Expr]| {
            if record {
                tasks.push(Task::Mark(at));
            }
            tasks.push(then);
            let cursors = if record {
                s.children_at(at, xs.len())
            } else {
                vec![None; xs.len()]
            };
            for (x, c) in xs.iter().zip(cursors).rev() {
                tasks.push(Task::Visit(x, env.clone(), c));
            }
        };
        let leaf = match e {
            Expr::Num(q) => Some(Node::Num(q.clone())),
            Expr::Pi => Some(Node::Pi),
            Expr::E => Some(Node::E),
            _ => None,
        };
        if let Some(node) = leaf {
            let v = Value::Scalar(self.add(node)?);
            self.mark(at, &v);
            values.push(v);
            return Ok(());
        }
        match e {
            Expr::Num(_) | Expr::Pi | Expr::E => unreachable!("a leaf"),
            Expr::Var(name) => {
                if let Some(v) = env.get(name) {
                    values.push(v.clone());
                } else if let Some(value) = defs.constant(name) {
                    let key = Key::Constant(name.clone());
                    if let Some(v) = self.memo.get(&key) {
                        let v = v.clone();
                        self.mark(at, &v);
                        values.push(v);
                    } else {
                        self.enter(name)?;
                        let body = self.definition_at(name);
                        if record {
                            tasks.push(Task::Mark(at));
                        }
                        tasks.push(Task::Store(key));
                        tasks.push(Task::Visit(value, Rc::new(HashMap::new()), body));
                    }
                } else {
                    let v = Value::Scalar(self.graph.var(name));
                    self.mark(at, &v);
                    values.push(v);
                }
            }
            Expr::Neg(a) => inner(self, tasks, Task::Neg, &[a]),
            Expr::Bin(op, a, b) => inner(self, tasks, Task::Bin(*op), &[a, b]),
            Expr::Call(f, args) => {
                let xs: Vec<&Expr> = args.iter().collect();
                inner(self, tasks, Task::Call(*f, args.len()), &xs)
            }
            Expr::Apply(name, args) => {
                let xs: Vec<&Expr> = args.iter().collect();
                inner(self, tasks, Task::Apply(name, args.len()), &xs)
            }
            Expr::Deriv(name, k, arg) => inner(self, tasks, Task::Deriv(name, *k), &[arg]),
            Expr::If(c, a, b) => inner(self, tasks, Task::If(c.op), &[&c.lhs, &c.rhs, a, b]),
            Expr::Vector(items) => {
                let xs: Vec<&Expr> = items.iter().collect();
                inner(self, tasks, Task::Vector(items.len()), &xs)
            }
        }
        Ok(())
    }

    fn enter(&mut self, name: &str) -> Result<(), LowerError> {
        if self.active.iter().any(|a| a == name) {
            return Err(LowerError::Recursive(name.to_string()));
        }
        self.active.push(name.to_string());
        Ok(())
    }

    fn apply<'a>(
        &mut self,
        defs: &'a Definitions,
        name: &'a str,
        args: Vec<Value<Id>>,
        tasks: &mut Vec<Task<'a>>,
        values: &mut Vec<Value<Id>>,
    ) -> Result<(), LowerError> {
        let Some(def) = defs.function(name) else {
            return match Func::from_name(name) {
                Some(f) if f.arity() == args.len() => {
                    let v = self.builtin(f, args)?;
                    values.push(v);
                    Ok(())
                }
                Some(f) => Err(LowerError::Arity(ArityError {
                    name: name.to_string(),
                    expected: f.arity(),
                    got: args.len(),
                })),
                None => Err(LowerError::UnknownFunction(name.to_string())),
            };
        };
        if def.params.len() != args.len() {
            return Err(LowerError::Arity(ArityError {
                name: name.to_string(),
                expected: def.params.len(),
                got: args.len(),
            }));
        }
        // A one-parameter definition acts entry by entry on a vector.
        if let [arg @ Value::Vector(_)] = args.as_slice() {
            if def.params.len() == 1 {
                let leaves = leaves(arg);
                tasks.push(Task::Reshape(arg.clone()));
                for leaf in leaves.into_iter().rev() {
                    tasks.push(Task::Apply(name, 1));
                    tasks.push(Task::Push(Value::Scalar(leaf)));
                }
                return Ok(());
            }
        }
        let key = Key::Call(name.to_string(), args);
        if let Some(v) = self.memo.get(&key) {
            values.push(v.clone());
            return Ok(());
        }
        let Key::Call(_, args) = &key else {
            unreachable!("a call key")
        };
        let env: HashMap<String, Value<Id>> = def
            .params
            .iter()
            .cloned()
            .zip(args.iter().cloned())
            .collect();
        self.enter(name)?;
        let body = self.definition_at(name);
        tasks.push(Task::Store(key));
        tasks.push(Task::Visit(&def.body, Rc::new(env), body));
        Ok(())
    }

    /// `name^(k)(arg)`: the symbolic derivative of the definition (or built-in), formed once per
    /// `(name, k)`, with its parameter bound to `arg` (entry by entry on a vector).
    fn derivative(&mut self, name: &str, k: u32, arg: Value<Id>) -> Result<Value<Id>, LowerError> {
        self.map_values(&arg, &mut |s, x| {
            if s.graph.facts(x).vars.is_empty() {
                if let Some(v) = s.derivative_at(name, k, x)? {
                    return Ok(v);
                }
            }
            let f = s.symbolic_derivative(name, k)?;
            let env = Rc::new(HashMap::from([(f.0.clone(), Value::Scalar(x))]));
            let v = s.run(&f.1, env)?.into_scalar("a derivative")?;
            Ok(s.graph.guard_unused(&[x], v))
        })
    }

    /// The symbolic derivative `name^(k)` in a parameter, formed once per `(name, k)` and only
    /// when an argument is not a constant (a constant argument takes [`Self::derivative_at`]).
    fn symbolic_derivative(
        &mut self,
        name: &str,
        k: u32,
    ) -> Result<Rc<(String, Expr)>, LowerError> {
        let key = (name.to_string(), k);
        if let Some(f) = self.derivatives.get(&key) {
            return Ok(f.clone());
        }
        let t = "__t".to_string();
        let e = Expr::Deriv(name.to_string(), k, Box::new(Expr::var(&t)));
        let f = Rc::new((t, diff::inline_definitions(&e, self.defs)?));
        self.derivatives.insert(key, f.clone());
        Ok(f)
    }

    /// `name^(k)(c)` at a constant `c` ([`diff::derivative_at`]); `None` when `c` is not an
    /// exact constant (the symbolic derivative is used then).
    /// Formed once per `(name, k, c)`.
    fn derivative_at(&mut self, name: &str, k: u32, c: Id) -> Result<Option<Id>, LowerError> {
        let key = (name.to_string(), k, c);
        if let Some(v) = self.values_at.get(&key) {
            return Ok(*v);
        }
        let v = self.derivative_at_once(name, k, c)?;
        self.values_at.insert(key, v);
        Ok(v)
    }

    fn derivative_at_once(&mut self, name: &str, k: u32, c: Id) -> Result<Option<Id>, LowerError> {
        let Ok(point) = Const::from_expr(&self.graph.to_expr(c)?) else {
            return Ok(None);
        };
        let (param, body) = match diff::unary_body(name, self.defs) {
            Ok(f) => f,
            Err(DiffError::UnknownFunction(_) | DiffError::NotUnary(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let value = diff::derivative_at(name, k, &body, &param, &point)?;
        let e = Rc::new(value.to_expr());
        let v = self.run(&e, Rc::new(HashMap::new()))?;
        Ok(Some(v.into_scalar("a derivative")?))
    }

    fn map(
        &mut self,
        v: &Value<Id>,
        f: &mut dyn FnMut(&mut Self, Id) -> Id,
    ) -> Result<Value<Id>, LowerError> {
        self.map_values(v, &mut |s, x| {
            if s.graph.len() >= MAX_GRAPH_NODES {
                return Err(LowerError::TooLarge);
            }
            Ok(f(s, x))
        })
    }

    fn map_values(
        &mut self,
        v: &Value<Id>,
        f: &mut dyn FnMut(&mut Self, Id) -> Result<Id, LowerError>,
    ) -> Result<Value<Id>, LowerError> {
        let mut leaves = Vec::new();
        for x in self::leaves(v) {
            leaves.push(f(self, x)?);
        }
        let mut it = leaves.into_iter();
        Ok(
            v.map(&mut |_| Ok::<_, LowerError>(it.next().expect("one per entry")))
                .expect("infallible"),
        )
    }

    fn zip(
        &mut self,
        a: Value<Id>,
        b: Value<Id>,
        f: &mut dyn FnMut(&mut Graph, Id, Id) -> Id,
    ) -> Result<Value<Id>, LowerError> {
        let graph = std::cell::RefCell::new(&mut self.graph);
        let f = std::cell::RefCell::new(f);
        let out = a.zip_with(b, &|x, y| {
            let mut g = graph.borrow_mut();
            if g.len() >= MAX_GRAPH_NODES {
                return Err(LowerError::TooLarge);
            }
            Ok((f.borrow_mut())(&mut g, *x, *y))
        })?;
        Ok(out)
    }

    fn binary(&mut self, op: BinOp, a: Value<Id>, b: Value<Id>) -> Result<Value<Id>, LowerError> {
        use Value::{Scalar, Vector};
        let node = |op: BinOp, x: Id, y: Id| match op {
            BinOp::Add => Node::Add(x, y),
            BinOp::Sub => Node::Sub(x, y),
            BinOp::Mul => Node::Mul(x, y),
            BinOp::Div => Node::Div(x, y),
            BinOp::Pow => Node::Pow(x, y),
        };
        match (op, a, b) {
            (BinOp::Add | BinOp::Sub, a, b) => self.zip(a, b, &mut |g, x, y| g.add(node(op, x, y))),
            (BinOp::Mul, Vector(x), Vector(y)) => {
                // An empty dot product is 0.
                let zero_id = self.add(Node::Num(num_traits::Zero::zero()))?;
                let graph = std::cell::RefCell::new(&mut self.graph);
                let zero = || None;
                let mul_add = |acc: Option<Id>, p: &Option<Id>, q: &Option<Id>| {
                    let mut g = graph.borrow_mut();
                    if g.len() >= MAX_GRAPH_NODES {
                        return Err(LowerError::TooLarge);
                    }
                    let (p, q) = (p.expect("entry"), q.expect("entry"));
                    let m = g.add(Node::Mul(p, q));
                    Ok(Some(match acc {
                        None => m,
                        Some(s) => g.add(Node::Add(s, m)),
                    }))
                };
                let wrap = |v: Vec<Value<Id>>| -> Vec<Value<Option<Id>>> {
                    v.into_iter()
                        .map(|x| {
                            x.map_into(&mut |s| Ok::<_, LowerError>(Some(*s)))
                                .expect("infallible")
                        })
                        .collect()
                };
                let out = Value::product(wrap(x), wrap(y), &zero, &mul_add)?;
                Ok(out
                    .map_into(&mut |s| Ok::<_, LowerError>(s.unwrap_or(zero_id)))
                    .expect("infallible"))
            }
            (BinOp::Mul, Scalar(x), v @ Vector(_)) => {
                self.map(&v, &mut |s, y| s.graph.add(Node::Mul(x, y)))
            }
            (BinOp::Mul | BinOp::Div, v, Scalar(y)) => {
                self.map(&v, &mut |s, x| s.graph.add(node(op, x, y)))
            }
            (BinOp::Div, _, Vector(_)) => {
                Err(ShapeError("a divisor is a vector, a scalar is needed".into()).into())
            }
            (BinOp::Pow, a, b) => {
                let x = a.into_scalar("the base of a power")?;
                let y = b.into_scalar("an exponent")?;
                Ok(Scalar(self.add(Node::Pow(x, y))?))
            }
        }
    }

    fn builtin(&mut self, f: Func, args: Vec<Value<Id>>) -> Result<Value<Id>, LowerError> {
        if args.len() != f.arity() {
            return Err(LowerError::Arity(ArityError {
                name: f.name().to_string(),
                expected: f.arity(),
                got: args.len(),
            }));
        }
        let mut args = args.into_iter();
        let a = args.next().expect("one argument");
        match f {
            Func::Min | Func::Max => {
                let b = args.next().expect("two arguments");
                let (piece, op) = if f == Func::Min {
                    (Piece::Min, CmpOp::Le)
                } else {
                    (Piece::Max, CmpOp::Ge)
                };
                self.zip(a, b, &mut |g, x, y| {
                    g.add(Node::branch(piece, op, [x, y, x, y]))
                })
            }
            Func::Abs => self.map(&a, &mut |s, x| {
                let zero = s.graph.int(0);
                let minus = s.graph.add(Node::Neg(x));
                s.graph
                    .add(Node::branch(Piece::Abs, CmpOp::Ge, [x, zero, x, minus]))
            }),
            _ => self.map(&a, &mut |s, x| s.graph.add(Node::Call(f, x))),
        }
    }
}

fn leaves(v: &Value<Id>) -> Vec<Id> {
    v.leaves()
}

fn count_leaves(v: &Value<Id>) -> usize {
    v.leaves().len()
}
