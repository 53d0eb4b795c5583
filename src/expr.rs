//! The span-free abstract syntax tree of taylorgate's language.
//!
//! [`crate::parse`] produces these values after checking a source text; every later layer
//! (differentiation, series, the gate prover) consumes them. Printing an [`Expr`] with
//! `Display` gives text in the same language, and parsing that text gives the same tree back.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
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

/// The condition `lhs op rhs` of an `if`.
#[derive(Clone, Debug, PartialEq)]
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
#[derive(Clone, Debug, PartialEq)]
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

impl std::ops::Add for Expr {
    type Output = Expr;
    fn add(self, rhs: Expr) -> Expr {
        Expr::bin(BinOp::Add, self, rhs)
    }
}

impl std::ops::Sub for Expr {
    type Output = Expr;
    fn sub(self, rhs: Expr) -> Expr {
        Expr::bin(BinOp::Sub, self, rhs)
    }
}

impl std::ops::Mul for Expr {
    type Output = Expr;
    fn mul(self, rhs: Expr) -> Expr {
        Expr::bin(BinOp::Mul, self, rhs)
    }
}

impl std::ops::Div for Expr {
    type Output = Expr;
    fn div(self, rhs: Expr) -> Expr {
        Expr::bin(BinOp::Div, self, rhs)
    }
}

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
}

/// A checked `.tg` file: its statements in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Program {
    /// The statements, in source order.
    pub statements: Vec<Located>,
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

    /// The constant called `name`, if defined.
    pub fn constant(&self, name: &str) -> Option<&Expr> {
        self.constants.get(name)
    }

    /// Whether `name` is defined (as a function or a constant).
    pub fn contains(&self, name: &str) -> bool {
        self.functions.contains_key(name) || self.constants.contains_key(name)
    }

    /// Defines (or redefines) a function.
    pub fn define_function(&mut self, name: &str, params: Vec<String>, body: Expr) {
        self.constants.remove(name);
        self.functions
            .insert(name.to_string(), FunctionDef { params, body });
    }

    /// Defines (or redefines) a constant.
    pub fn define_constant(&mut self, name: &str, value: Expr) {
        self.functions.remove(name);
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
                Statement::Claim(_) | Statement::SupClaim(_) => {}
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

// ---------------------------------------------------------------- printing

/// How tightly a printed expression binds, loosest first. An operand is parenthesised when it
/// binds more loosely than its position requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    /// `if ... then ... else ...` (its `else` branch extends as far right as possible).
    If,
    /// `+ -`
    Add,
    /// `* /`
    Mul,
    /// unary `-`
    Neg,
    /// `^`
    Pow,
    /// literals, names, calls, vectors, and anything printed with its own parentheses
    Atom,
}

impl Expr {
    fn prec(&self) -> Prec {
        match self {
            Expr::Neg(_) => Prec::Neg,
            Expr::Bin(BinOp::Add | BinOp::Sub, ..) => Prec::Add,
            Expr::Bin(BinOp::Mul | BinOp::Div, ..) => Prec::Mul,
            Expr::Bin(BinOp::Pow, ..) => Prec::Pow,
            Expr::If(..) => Prec::If,
            _ => Prec::Atom,
        }
    }

    /// The minimal binding strength of each operand of a binary operator. A negation on the
    /// right is always parenthesised (`a - (-b)`, `2^(-1)`).
    fn operand_precs(op: BinOp) -> (Prec, Prec) {
        match op {
            BinOp::Add | BinOp::Sub => (Prec::Add, Prec::Mul),
            BinOp::Mul | BinOp::Div => (Prec::Mul, Prec::Pow),
            BinOp::Pow => (Prec::Atom, Prec::Pow),
        }
    }

    /// LaTeX for this expression: `\frac{}{}`, `\sqrt{}`, `e^{...}`, `\tanh`, `\operatorname{erf}`.
    ///
    /// ```
    /// use taylorgate::expr::{Definitions, Expr};
    /// use taylorgate::parse::parse_expr;
    ///
    /// let e = parse_expr("sqrt(2)/2 * exp(-x^2) + pi", &Definitions::new()).unwrap();
    /// assert_eq!(e.to_latex(), r"\frac{\sqrt{2}}{2} \cdot e^{-x^{2}} + \pi");
    /// ```
    pub fn to_latex(&self) -> String {
        let mut out = String::new();
        self.latex_into(&mut out);
        out
    }

    fn latex_operand(&self, min: Prec, out: &mut String) {
        if self.prec() < min || matches!(self, Expr::Num(q) if q.is_negative()) {
            out.push_str(r"\left(");
            self.latex_into(out);
            out.push_str(r"\right)");
        } else {
            self.latex_into(out);
        }
    }

    fn latex_into(&self, out: &mut String) {
        match self {
            Expr::Num(q) => {
                if q.is_negative() {
                    out.push('-');
                }
                let a = q.abs();
                match decimal(&a) {
                    Some(d) => out.push_str(&d),
                    None => out.push_str(&format!(r"\frac{{{}}}{{{}}}", a.numer(), a.denom())),
                }
            }
            Expr::Pi => out.push_str(r"\pi"),
            Expr::E => out.push('e'),
            Expr::Var(name) => out.push_str(&latex_name(name, false)),
            Expr::Neg(a) => {
                out.push('-');
                a.latex_operand(Prec::Pow, out);
            }
            Expr::Bin(BinOp::Div, a, b) => {
                out.push_str(r"\frac{");
                a.latex_into(out);
                out.push_str("}{");
                b.latex_into(out);
                out.push('}');
            }
            Expr::Bin(BinOp::Pow, a, b) => {
                // `e^{x}` and fractions would carry a second superscript or look ambiguous.
                let wrap = match &**a {
                    Expr::Call(Func::Exp, _) => true,
                    Expr::Num(q) => !q.is_integer(),
                    _ => false,
                };
                if wrap {
                    out.push_str(r"\left(");
                    a.latex_into(out);
                    out.push_str(r"\right)");
                } else {
                    a.latex_operand(Prec::Atom, out);
                }
                out.push_str("^{");
                b.latex_into(out);
                out.push('}');
            }
            Expr::Bin(op, a, b) => {
                let (l, r) = Expr::operand_precs(*op);
                a.latex_operand(l, out);
                out.push_str(match op {
                    BinOp::Add => " + ",
                    BinOp::Sub => " - ",
                    _ => r" \cdot ",
                });
                if matches!(**b, Expr::Neg(_)) {
                    b.latex_operand(Prec::Atom, out);
                } else {
                    b.latex_operand(r, out);
                }
            }
            Expr::Call(func, args) => match (func, args.as_slice()) {
                (Func::Exp, [x]) => {
                    out.push_str("e^{");
                    x.latex_into(out);
                    out.push('}');
                }
                (Func::Sqrt, [x]) => {
                    out.push_str(r"\sqrt{");
                    x.latex_into(out);
                    out.push('}');
                }
                (Func::Abs, [x]) => {
                    out.push_str(r"\left|");
                    x.latex_into(out);
                    out.push_str(r"\right|");
                }
                _ => {
                    out.push_str(latex_func(*func));
                    latex_args(args, out);
                }
            },
            Expr::Apply(name, args) => {
                out.push_str(&latex_name(name, true));
                latex_args(args, out);
            }
            Expr::Deriv(name, order, arg) => {
                let head = match Func::from_name(name) {
                    Some(f) => latex_func(f).to_string(),
                    None => latex_name(name, true),
                };
                out.push_str(&head);
                if *order <= 3 {
                    out.push_str(&"'".repeat(*order as usize));
                } else {
                    out.push_str(&format!("^{{({order})}}"));
                }
                latex_args(std::slice::from_ref(arg), out);
            }
            Expr::If(cond, a, b) => {
                out.push_str(r"\begin{cases} ");
                a.latex_into(out);
                out.push_str(r" & \text{if } ");
                cond.lhs.latex_into(out);
                out.push_str(match cond.op {
                    CmpOp::Lt => " < ",
                    CmpOp::Le => r" \le ",
                    CmpOp::Gt => " > ",
                    CmpOp::Ge => r" \ge ",
                });
                cond.rhs.latex_into(out);
                out.push_str(r" \\ ");
                b.latex_into(out);
                out.push_str(r" & \text{otherwise} \end{cases}");
            }
            Expr::Vector(items) => {
                let matrix =
                    !items.is_empty() && items.iter().all(|i| matches!(i, Expr::Vector(_)));
                if matrix {
                    out.push_str(r"\begin{pmatrix} ");
                    for (i, row) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(r" \\ ");
                        }
                        if let Expr::Vector(cells) = row {
                            for (j, cell) in cells.iter().enumerate() {
                                if j > 0 {
                                    out.push_str(" & ");
                                }
                                cell.latex_into(out);
                            }
                        }
                    }
                    out.push_str(r" \end{pmatrix}");
                } else {
                    latex_args(items, out);
                }
            }
        }
    }

    fn write_operand(&self, f: &mut fmt::Formatter<'_>, min: Prec) -> fmt::Result {
        if self.prec() < min {
            write!(f, "({self})")
        } else {
            write!(f, "{self}")
        }
    }
}

/// `name` in LaTeX: Greek letter names become `\sigma`, `x1` becomes `x_{1}`, other long
/// names are upright (`\operatorname` for functions).
fn latex_name(name: &str, function: bool) -> String {
    const GREEK: [&str; 23] = [
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
        "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
        "Phi",
    ];
    let split = name
        .find(|c: char| c.is_ascii_digit())
        .filter(|&i| i > 0 && name[i..].chars().all(|c| c.is_ascii_digit()));
    let (stem, index) = match split {
        Some(i) => (&name[..i], Some(&name[i..])),
        None => (name, None),
    };
    let mut out = if GREEK.contains(&stem) {
        format!(r"\{stem}")
    } else if stem.chars().count() == 1 {
        stem.to_string()
    } else if function {
        format!(r"\operatorname{{{}}}", stem.replace('_', r"\_"))
    } else {
        format!(r"\mathrm{{{}}}", stem.replace('_', r"\_"))
    };
    if let Some(i) = index {
        out.push_str(&format!("_{{{i}}}"));
    }
    out
}

fn latex_func(func: Func) -> &'static str {
    match func {
        Func::Exp => r"\exp",
        Func::Ln => r"\ln",
        Func::Sqrt => r"\operatorname{sqrt}",
        Func::Abs => r"\operatorname{abs}",
        Func::Min => r"\min",
        Func::Max => r"\max",
        Func::Sin => r"\sin",
        Func::Cos => r"\cos",
        Func::Tan => r"\tan",
        Func::Sinh => r"\sinh",
        Func::Cosh => r"\cosh",
        Func::Tanh => r"\tanh",
        Func::Asin => r"\arcsin",
        Func::Acos => r"\arccos",
        Func::Atan => r"\arctan",
        Func::Asinh => r"\operatorname{arsinh}",
        Func::Acosh => r"\operatorname{arcosh}",
        Func::Atanh => r"\operatorname{artanh}",
        Func::Erf => r"\operatorname{erf}",
    }
}

fn latex_args(args: &[Expr], out: &mut String) {
    out.push_str(r"\left(");
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        a.latex_into(out);
    }
    out.push_str(r"\right)");
}

/// The exact decimal expansion of a non-negative rational, if it terminates.
fn decimal(q: &BigRational) -> Option<String> {
    if q.is_integer() {
        return Some(q.numer().to_string());
    }
    let mut den = q.denom().clone();
    let twos = den.trailing_zeros().unwrap_or(0);
    den >>= twos;
    let five = BigInt::from(5);
    let mut fives = 0u64;
    while (&den % &five).is_zero() {
        den /= &five;
        fives += 1;
    }
    if !den.is_one() {
        return None;
    }
    let k = usize::try_from(twos.max(fives)).ok()?;
    let scaled = q.numer() * num_traits::pow(BigInt::from(10), k) / q.denom();
    let digits = format!("{:0>width$}", scaled.to_string(), width = k + 1);
    let (int, frac) = digits.split_at(digits.len() - k);
    Some(format!("{int}.{frac}"))
}

fn write_args(f: &mut fmt::Formatter<'_>, args: &[Expr]) -> fmt::Result {
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{a}")?;
    }
    Ok(())
}

/// Text in taylorgate's own language, with as few parentheses as precedence allows, so that
/// parsing the text gives the same tree back. A number prints as an integer, an exact
/// decimal, or a parenthesised quotient `(1/3)`; a negative number is parenthesised `(-3)`.
///
/// ```
/// use taylorgate::expr::{BinOp, Expr};
///
/// let (a, b, c) = (Expr::var("a"), Expr::var("b"), Expr::var("c"));
/// assert_eq!((a.clone() - (b.clone() - c.clone())).to_string(), "a - (b - c)");
/// let pow = |x: Expr, y: Expr| Expr::bin(BinOp::Pow, x, y);
/// assert_eq!(pow(pow(a.clone(), b.clone()), c.clone()).to_string(), "(a^b)^c");
/// assert_eq!(pow(Expr::int(2), -Expr::int(1)).to_string(), "2^(-1)");
/// ```
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(q) => {
                let a = q.abs();
                let sign = if q.is_negative() { "-" } else { "" };
                match decimal(&a) {
                    Some(d) if sign.is_empty() => f.write_str(&d),
                    Some(d) => write!(f, "(-{d})"),
                    None => write!(f, "({sign}{}/{})", a.numer(), a.denom()),
                }
            }
            Expr::Pi => f.write_str("pi"),
            Expr::E => f.write_str("e"),
            Expr::Var(name) => f.write_str(name),
            Expr::Neg(a) => {
                f.write_str("-")?;
                a.write_operand(f, Prec::Pow)
            }
            Expr::Bin(op, a, b) => {
                let (l, r) = Expr::operand_precs(*op);
                a.write_operand(f, l)?;
                f.write_str(match op {
                    BinOp::Add => " + ",
                    BinOp::Sub => " - ",
                    BinOp::Mul => "*",
                    BinOp::Div => "/",
                    BinOp::Pow => "^",
                })?;
                if matches!(**b, Expr::Neg(_)) {
                    b.write_operand(f, Prec::Atom)
                } else {
                    b.write_operand(f, r)
                }
            }
            Expr::Call(func, args) => {
                write!(f, "{func}(")?;
                write_args(f, args)?;
                f.write_str(")")
            }
            Expr::Apply(name, args) => {
                write!(f, "{name}(")?;
                write_args(f, args)?;
                f.write_str(")")
            }
            Expr::Deriv(name, order, arg) => {
                f.write_str(name)?;
                for _ in 0..*order {
                    f.write_str("'")?;
                }
                write!(f, "({arg})")
            }
            Expr::If(cond, a, b) => {
                write!(f, "if {cond} then ")?;
                a.write_operand(f, Prec::Add)?;
                write!(f, " else {b}")
            }
            Expr::Vector(items) => {
                f.write_str("[")?;
                write_args(f, items)?;
                f.write_str("]")
            }
        }
    }
}

/// `lhs < rhs`; an `if` on either side is parenthesised.
impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.lhs.write_operand(f, Prec::Add)?;
        write!(f, " {} ", self.op.symbol())?;
        self.rhs.write_operand(f, Prec::Add)
    }
}

/// `O(|x|^k)` or `O(lambda^k)`.
impl fmt::Display for ClaimOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClaimOrder::Norm { norm_name, k } => write!(f, "O(|{norm_name}|^{k})"),
            ClaimOrder::Var { var, k } => write!(f, "O({var}^{k})"),
        }
    }
}

/// `claim lhs = rhs + O(...)`.
impl fmt::Display for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("claim ")?;
        self.lhs.write_operand(f, Prec::Add)?;
        f.write_str(" = ")?;
        self.rhs.write_operand(f, Prec::Add)?;
        write!(f, " + {}", self.order)
    }
}

/// `claim |g| <= eps for |u| <= r, lo <= v <= hi`.
impl fmt::Display for SupClaim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "claim |{}| <= {} for ", self.expr, self.bound)?;
        for (i, (v, lo, hi)) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if *lo == Expr::Neg(Box::new(hi.clone())) {
                write!(f, "|{v}| <= {hi}")?;
            } else {
                write!(f, "{lo} <= {v} <= {hi}")?;
            }
        }
        Ok(())
    }
}

/// One line of a `.tg` file (without the newline).
impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Function { name, params, body } => {
                write!(f, "{name}({}) = {body}", params.join(", "))
            }
            Statement::Constant { name, value } => write!(f, "{name} = {value}"),
            Statement::Claim(claim) => write!(f, "{claim}"),
            Statement::SupClaim(claim) => write!(f, "{claim}"),
        }
    }
}

/// The statements, one per line.
impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for located in &self.statements {
            writeln!(f, "{}", located.statement)?;
        }
        Ok(())
    }
}
