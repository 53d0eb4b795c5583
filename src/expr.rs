//! The span-free abstract syntax tree of taylorgate's language.
//!
//! [`crate::parse`] produces these values after checking a source text; every later layer
//! (differentiation, series, the gate prover) consumes them. Printing an [`Expr`] with
//! `Display` gives text in the same language, and parsing that text gives the same tree back
//! (the printers live in [`crate::print`]).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Signed;
use std::fmt;

/// A built-in function of the language.
///
/// `log` in source text is the natural logarithm and parses to [`Func::Ln`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Func {
    /// `exp`
    Exp,
    /// `ln` (also written `log`)
    Ln,
    /// `sqrt`
    Sqrt,
    /// `abs`
    Abs,
    /// `min` (two arguments)
    Min,
    /// `max` (two arguments)
    Max,
    /// `sin`
    Sin,
    /// `cos`
    Cos,
    /// `tan`
    Tan,
    /// `sinh`
    Sinh,
    /// `cosh`
    Cosh,
    /// `tanh`
    Tanh,
    /// `asin`
    Asin,
    /// `acos`
    Acos,
    /// `atan`
    Atan,
    /// `asinh`
    Asinh,
    /// `acosh`
    Acosh,
    /// `atanh`
    Atanh,
    /// `erf`, the error function `2/sqrt(pi) int_0^x exp(-t^2) dt`
    Erf,
}

impl Func {
    /// Every built-in, in a fixed order.
    pub const ALL: [Func; 19] = [
        Func::Exp,
        Func::Ln,
        Func::Sqrt,
        Func::Abs,
        Func::Min,
        Func::Max,
        Func::Sin,
        Func::Cos,
        Func::Tan,
        Func::Sinh,
        Func::Cosh,
        Func::Tanh,
        Func::Asin,
        Func::Acos,
        Func::Atan,
        Func::Asinh,
        Func::Acosh,
        Func::Atanh,
        Func::Erf,
    ];

    /// The canonical name used when printing (`ln`, never `log`).
    pub fn name(self) -> &'static str {
        match self {
            Func::Exp => "exp",
            Func::Ln => "ln",
            Func::Sqrt => "sqrt",
            Func::Abs => "abs",
            Func::Min => "min",
            Func::Max => "max",
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Tan => "tan",
            Func::Sinh => "sinh",
            Func::Cosh => "cosh",
            Func::Tanh => "tanh",
            Func::Asin => "asin",
            Func::Acos => "acos",
            Func::Atan => "atan",
            Func::Asinh => "asinh",
            Func::Acosh => "acosh",
            Func::Atanh => "atanh",
            Func::Erf => "erf",
        }
    }

    /// Looks a built-in up by the name written in source text (`log` is `ln`).
    pub fn from_name(name: &str) -> Option<Func> {
        if name == "log" {
            return Some(Func::Ln);
        }
        Func::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// How many arguments the built-in takes (2 for `min` and `max`, otherwise 1).
    pub fn arity(self) -> usize {
        match self {
            Func::Min | Func::Max => 2,
            _ => 1,
        }
    }

    /// Whether the built-in has a real value at every real argument (`exp`, `sin`, `tanh`,
    /// `abs`, ...; not `ln`, `sqrt`, `tan`, `asin`, `acosh`, `atanh`).
    pub fn is_total(self) -> bool {
        matches!(
            self,
            Func::Exp
                | Func::Sin
                | Func::Cos
                | Func::Sinh
                | Func::Cosh
                | Func::Tanh
                | Func::Atan
                | Func::Asinh
                | Func::Erf
                | Func::Abs
                | Func::Min
                | Func::Max
        )
    }
}

impl fmt::Display for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A binary arithmetic operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^` (right-associative, binds tighter than unary minus)
    Pow,
}

/// A comparison in the condition of an `if`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written in source text.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A call with the wrong number of arguments (an error of every layer that reads calls).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("`{name}` takes {expected} argument(s), not {got}")]
pub struct ArityError {
    /// The function.
    pub name: String,
    /// Its number of parameters.
    pub expected: usize,
    /// The number of arguments given.
    pub got: usize,
}

/// The condition `lhs op rhs` of an `if`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cond {
    /// Left-hand side.
    pub lhs: Expr,
    /// The comparison.
    pub op: CmpOp,
    /// Right-hand side.
    pub rhs: Expr,
}

/// An expression.
///
/// Numbers produced by the parser are non-negative (a minus sign is [`Expr::Neg`]) and
/// exactly representable in decimal notation (`0.044715`, `1e-3`); other rationals are
/// printed as a parenthesised quotient.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Expr {
    /// An exact rational literal.
    Num(BigRational),
    /// The constant `pi`.
    Pi,
    /// The constant `e`.
    E,
    /// A variable, a parameter of the enclosing definition, or a named constant.
    Var(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// A call of a built-in function.
    Call(Func, Vec<Expr>),
    /// A call of a user (or library) definition by name.
    Apply(String, Vec<Expr>),
    /// `name'''(arg)`: the `order`-th derivative (order >= 1) of a one-argument definition.
    Deriv(String, u32, Box<Expr>),
    /// `if cond then a else b`.
    If(Box<Cond>, Box<Expr>, Box<Expr>),
    /// A vector `[a, b, c]`; a matrix is a vector of row vectors `[[1, 1], [-1, -1]]`.
    Vector(Vec<Expr>),
}

impl Expr {
    /// An integer literal.
    pub fn int(n: i64) -> Expr {
        Expr::Num(BigRational::from_integer(BigInt::from(n)))
    }

    /// A rational literal.
    pub fn rational(q: BigRational) -> Expr {
        Expr::Num(q)
    }

    /// A variable.
    pub fn var(name: &str) -> Expr {
        Expr::Var(name.to_string())
    }

    /// A call of a built-in with one argument.
    pub fn call(func: Func, arg: Expr) -> Expr {
        Expr::Call(func, vec![arg])
    }

    /// `a op b`.
    pub fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
        Expr::Bin(op, Box::new(a), Box::new(b))
    }

    /// Whether `self` (built-ins only, definitions inlined) has a real value at every real
    /// value of its variables: numbers, variables, `+`, `-`, `*`, powers with a natural
    /// exponent, and the built-ins that are [`Func::is_total`], of such parts; an `if` of such
    /// parts. Conservative: `false` means "may be undefined somewhere".
    pub fn is_total(&self) -> bool {
        match self {
            Expr::Num(_) | Expr::Pi | Expr::E | Expr::Var(_) => true,
            Expr::Neg(a) => a.is_total(),
            Expr::Bin(BinOp::Add | BinOp::Sub | BinOp::Mul, a, b) => a.is_total() && b.is_total(),
            Expr::Bin(BinOp::Pow, a, b) => {
                matches!(&**b, Expr::Num(q) if q.is_integer() && !q.is_negative()) && a.is_total()
            }
            Expr::Bin(BinOp::Div, ..) | Expr::Apply(..) | Expr::Deriv(..) => false,
            Expr::Call(f, xs) => f.is_total() && xs.iter().all(Expr::is_total),
            Expr::Vector(xs) => xs.iter().all(Expr::is_total),
            Expr::If(c, a, b) => {
                c.lhs.is_total() && c.rhs.is_total() && a.is_total() && b.is_total()
            }
        }
    }

    /// `self` with every `Var(params[i])` replaced by `args[i]`, all at once (so the
    /// substitution `x -> y, y -> x` swaps; no argument is itself substituted into).
    ///
    /// ```
    /// use taylorgate::{Definitions, Expr, parse::parse_expr};
    /// let e = parse_expr("x*y", &Definitions::new()).unwrap();
    /// let swapped = e.substitute(&["x".into(), "y".into()], &[Expr::var("y"), Expr::var("x")]);
    /// assert_eq!(swapped.to_string(), "y*x");
    /// ```
    pub fn substitute(&self, params: &[String], args: &[Expr]) -> Expr {
        let rec = |x: &Expr| x.substitute(params, args);
        match self {
            Expr::Var(name) => match params.iter().position(|p| p == name) {
                Some(i) => args[i].clone(),
                None => self.clone(),
            },
            Expr::Num(_) | Expr::Pi | Expr::E => self.clone(),
            Expr::Neg(a) => Expr::Neg(Box::new(rec(a))),
            Expr::Bin(op, a, b) => Expr::bin(*op, rec(a), rec(b)),
            Expr::Call(f, xs) => Expr::Call(*f, xs.iter().map(rec).collect()),
            Expr::Apply(n, xs) => Expr::Apply(n.clone(), xs.iter().map(rec).collect()),
            Expr::Deriv(n, k, a) => Expr::Deriv(n.clone(), *k, Box::new(rec(a))),
            Expr::If(c, a, b) => Expr::If(
                Box::new(Cond {
                    lhs: rec(&c.lhs),
                    op: c.op,
                    rhs: rec(&c.rhs),
                }),
                Box::new(rec(a)),
                Box::new(rec(b)),
            ),
            Expr::Vector(xs) => Expr::Vector(xs.iter().map(rec).collect()),
        }
    }

    /// The names used as variables (`Expr::Var`), in order of first appearance. Named
    /// constants are `Var`s too until they are inlined.
    ///
    /// ```
    /// use taylorgate::{Definitions, parse::parse_expr};
    /// let e = parse_expr("u*v + exp(lambda*u)", &Definitions::new()).unwrap();
    /// assert_eq!(e.free_variables(), ["u", "v", "lambda"]);
    /// ```
    pub fn free_variables(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_variables(&mut out);
        out
    }

    fn collect_variables(&self, out: &mut Vec<String>) {
        match self {
            Expr::Var(v) => {
                if !out.contains(v) {
                    out.push(v.clone())
                }
            }
            Expr::Num(_) | Expr::Pi | Expr::E => {}
            Expr::Neg(a) | Expr::Deriv(_, _, a) => a.collect_variables(out),
            Expr::Bin(_, a, b) => {
                a.collect_variables(out);
                b.collect_variables(out);
            }
            Expr::Call(_, args) | Expr::Apply(_, args) | Expr::Vector(args) => {
                args.iter().for_each(|a| a.collect_variables(out))
            }
            Expr::If(c, a, b) => {
                c.lhs.collect_variables(out);
                c.rhs.collect_variables(out);
                a.collect_variables(out);
                b.collect_variables(out);
            }
        }
    }
}

/// `a + b`, `a - b`, `a * b`, `a / b` on expressions.
macro_rules! binary_operators {
    ($($trait:ident $method:ident $op:ident),*) => {$(
        impl std::ops::$trait for Expr {
            type Output = Expr;
            fn $method(self, rhs: Expr) -> Expr {
                Expr::bin(BinOp::$op, self, rhs)
            }
        }
    )*};
}

binary_operators!(Add add Add, Sub sub Sub, Mul mul Mul, Div div Div);

impl std::ops::Neg for Expr {
    type Output = Expr;
    fn neg(self) -> Expr {
        Expr::Neg(Box::new(self))
    }
}

/// The order term of a claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimOrder {
    /// `O(|x|^k)`: every term of total degree `< k` in all free variables vanishes.
    /// `norm_name` is the name written between the bars (conventionally `x`).
    Norm {
        /// The name written inside `|...|`.
        norm_name: String,
        /// The order `k`.
        k: u32,
    },
    /// `O(lambda^k)`: every term of degree `< k` in the variable vanishes, the other
    /// variables kept symbolic.
    Var {
        /// The variable.
        var: String,
        /// The order `k`.
        k: u32,
    },
}

/// `claim |g| <= eps for |u| <= r, ...`: every point of the box satisfies `|g| <= eps`.
#[derive(Clone, Debug, PartialEq)]
pub struct SupClaim {
    /// The function `g` whose absolute value is bounded.
    pub expr: Expr,
    /// The bound `eps`.
    pub bound: Expr,
    /// The box: `(variable, lo, hi)`.
    pub ranges: Vec<(String, Expr, Expr)>,
}

/// `claim lhs = rhs + O(...)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// Left-hand side.
    pub lhs: Expr,
    /// Right-hand side (without the order term).
    pub rhs: Expr,
    /// The order term.
    pub order: ClaimOrder,
}

/// One statement of a `.tg` file.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// `name(x, y) = body`
    Function {
        /// Name of the definition.
        name: String,
        /// Parameter names, in order.
        params: Vec<String>,
        /// Body, in terms of the parameters (and earlier definitions).
        body: Expr,
    },
    /// `name = value`
    Constant {
        /// Name of the constant.
        name: String,
        /// Its defining expression (may be a vector or a matrix).
        value: Expr,
    },
    /// `claim ...`
    Claim(Claim),
    /// `claim |g| <= eps for |u| <= 1, ...`: a sup-norm claim.
    SupClaim(SupClaim),
}

/// A statement with the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    /// 1-based line number in the source file.
    pub line: usize,
    /// The statement.
    pub statement: Statement,
    /// Where the nodes of a definition's body (or a constant's value) are in the source.
    pub origin: Option<Origin>,
}

/// A source text that expressions were parsed from (a command-line argument or a file).
#[derive(Debug, PartialEq, Eq)]
pub struct Source {
    /// The file, if any (`None` for a command-line argument).
    pub path: Option<String>,
    /// The whole text.
    pub text: String,
}

/// One node of a parsed expression: its byte range in the source and the size of its subtree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SpanEntry {
    start: usize,
    end: usize,
    size: usize,
}

/// Where each node of one parsed [`Expr`] comes from: a byte range of its [`Source`] per node,
/// in post-order of the tree (children before their parent, in order), as the parser finishes
/// them. The lowering into [`crate::ir`] walks it beside the tree to fill the graph's table
/// from node to source span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The text.
    pub source: std::sync::Arc<Source>,
    entries: std::sync::Arc<[SpanEntry]>,
}

impl Origin {
    /// The post-order index of the root (`None` for an empty table).
    pub fn root(&self) -> Option<usize> {
        self.entries.len().checked_sub(1)
    }

    /// The byte range of node `i`.
    pub fn span(&self, i: usize) -> Option<(usize, usize)> {
        self.entries.get(i).map(|e| (e.start, e.end))
    }

    /// The indices of the `k` children of node `i`, in order (`None` if the table does not
    /// have them: it was not made for this tree).
    pub fn children(&self, i: usize, k: usize) -> Option<Vec<usize>> {
        let mut out = Vec::with_capacity(k);
        let mut j = i;
        for _ in 0..k {
            let c = j.checked_sub(1)?;
            out.push(c);
            j = c.checked_sub(self.entries.get(c)?.size - 1)?;
        }
        out.reverse();
        Some(out)
    }

    /// The same table for the same text read from `path`.
    pub fn with_source(&self, source: std::sync::Arc<Source>) -> Origin {
        Origin {
            source,
            entries: self.entries.clone(),
        }
    }
}

/// Records the [`Origin`] of a tree while it is built bottom-up (see [`crate::parse`]).
#[derive(Debug, Default)]
pub struct OriginBuilder {
    entries: Vec<SpanEntry>,
}

impl OriginBuilder {
    /// Records a finished node spanning bytes `start..end` whose `children` children are the
    /// last finished subtrees.
    pub fn push(&mut self, start: usize, end: usize, children: usize) {
        let mut size = 1;
        let mut j = self.entries.len();
        for _ in 0..children {
            let Some(c) = j.checked_sub(1) else { break };
            let s = self.entries[c].size;
            size += s;
            j = c + 1 - s.min(c + 1);
        }
        self.entries.push(SpanEntry { start, end, size });
    }

    /// The table, for `source`.
    pub fn finish(self, source: std::sync::Arc<Source>) -> Origin {
        Origin {
            source,
            entries: self.entries.into(),
        }
    }
}

/// A checked `.tg` file: its statements in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Program {
    /// The statements, in source order.
    pub statements: Vec<Located>,
}

impl Program {
    /// The same program, its origins naming the file `path`.
    pub fn with_path(mut self, path: &str) -> Program {
        let mut renamed: Option<std::sync::Arc<Source>> = None;
        for st in &mut self.statements {
            if let Some(origin) = &st.origin {
                let source = renamed
                    .get_or_insert_with(|| {
                        std::sync::Arc::new(Source {
                            path: Some(path.to_string()),
                            text: origin.source.text.clone(),
                        })
                    })
                    .clone();
                st.origin = Some(origin.with_source(source));
            }
        }
        self
    }
}

/// A definition of a function: its parameters and body.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDef {
    /// Parameter names, in order.
    pub params: Vec<String>,
    /// The body, in terms of the parameters, constants and earlier definitions.
    pub body: Expr,
}

/// The definitions in scope: user functions and named constants (from `.tg` files and from the
/// built-in activation library).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Definitions {
    functions: std::collections::BTreeMap<String, FunctionDef>,
    constants: std::collections::BTreeMap<String, Expr>,
    origins: std::collections::BTreeMap<String, Origin>,
}

impl Definitions {
    /// No definitions.
    pub fn new() -> Definitions {
        Definitions::default()
    }

    /// The function called `name`, if defined.
    pub fn function(&self, name: &str) -> Option<&FunctionDef> {
        self.functions.get(name)
    }

    /// `name(arg)` when `name` is a function of one argument: a one-argument built-in
    /// (`tanh(arg)`) before a definition of one parameter (`softplus(arg)`, not inlined);
    /// `None` for any other name. Every place where a bare name stands for a function (the
    /// commands' argument, the places of errors) reads it through this one rule.
    pub fn unary_call(&self, name: &str, arg: Expr) -> Option<Expr> {
        match Func::from_name(name) {
            Some(f) if f.arity() == 1 => Some(Expr::call(f, arg)),
            _ => self
                .function(name)
                .filter(|d| d.params.len() == 1)
                .map(|_| Expr::Apply(name.to_string(), vec![arg])),
        }
    }

    /// The constant called `name`, if defined.
    pub fn constant(&self, name: &str) -> Option<&Expr> {
        self.constants.get(name)
    }

    /// Where the body of the definition `name` (function or constant) is in its source, when
    /// it was read from a text.
    pub fn origin(&self, name: &str) -> Option<&Origin> {
        self.origins.get(name)
    }

    /// Whether `name` is defined (as a function or a constant).
    pub fn contains(&self, name: &str) -> bool {
        self.functions.contains_key(name) || self.constants.contains_key(name)
    }

    /// Defines (or redefines) a function.
    pub fn define_function(&mut self, name: &str, params: Vec<String>, body: Expr) {
        self.constants.remove(name);
        self.origins.remove(name);
        self.functions
            .insert(name.to_string(), FunctionDef { params, body });
    }

    /// Defines (or redefines) a constant.
    pub fn define_constant(&mut self, name: &str, value: Expr) {
        self.functions.remove(name);
        self.origins.remove(name);
        self.constants.insert(name.to_string(), value);
    }

    /// Adds every definition of a program, in order (claims are skipped).
    pub fn extend_with(&mut self, program: &Program) {
        for located in &program.statements {
            match &located.statement {
                Statement::Function { name, params, body } => {
                    self.define_function(name, params.clone(), body.clone())
                }
                Statement::Constant { name, value } => self.define_constant(name, value.clone()),
                Statement::Claim(_) | Statement::SupClaim(_) => continue,
            }
            if let (Statement::Function { name, .. } | Statement::Constant { name, .. }, Some(o)) =
                (&located.statement, &located.origin)
            {
                self.origins.insert(name.clone(), o.clone());
            }
        }
    }

    /// All function names, sorted.
    pub fn function_names(&self) -> impl Iterator<Item = &str> {
        self.functions.keys().map(String::as_str)
    }

    /// All constant names, sorted.
    pub fn constant_names(&self) -> impl Iterator<Item = &str> {
        self.constants.keys().map(String::as_str)
    }
}

impl Expr {
    /// LaTeX for this expression (see [`crate::print::latex`]).
    ///
    /// ```
    /// use taylorgate::expr::Definitions;
    /// use taylorgate::parse::parse_expr;
    ///
    /// let e = parse_expr("sqrt(2)/2 * exp(-x^2) + pi", &Definitions::new()).unwrap();
    /// assert_eq!(e.to_latex(), r"\frac{\sqrt{2}}{2} e^{-x^{2}} + \pi");
    /// ```
    pub fn to_latex(&self) -> String {
        crate::print::latex(self)
    }
}
