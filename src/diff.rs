//! Symbolic differentiation, simplification, and exact evaluation at a point.
//!
//! Expressions are brought into a normal form: a sum of terms `c * a1^k1 * ... * an^kn` with
//! rational coefficients `c` and rational exponents `k`, over *atoms* (variables, `pi`, `e`,
//! `sqrt(2)`-like surds, calls of built-ins, `if`s, and sums used as factors). Like terms are
//! collected and like factors merged, constants are folded exactly (rationals; `sqrt(2)` and `pi`
//! stay symbolic), and a product with a single-term factor is distributed (so that
//! `exp(x) (1 + exp(x)) - exp(x)^2` collapses to `exp(x)`). Printing puts the rational factor
//! first, moves negative powers to a denominator, and combines a sum over a common denominator
//! when that gives fewer terms (`exp(x)/(1 + exp(x))^2`).
//!
//! The derivative works on the normal form directly, so each derivative is already simplified.
//! `abs`, `min`, `max` and `if` differentiate into `if`s, so that evaluating exactly at a
//! switching point is detected by [`Const::from_expr_with`] instead of silently picking a side.
//!
//! Simplification may drop a removable singularity (`x/x` is `1`); evaluation is exact on the
//! simplified expression.

use crate::expr::{BinOp, CmpOp, Cond, Definitions, Expr, Func};
use crate::ir::{LowerError, Lowering, MAX_INLINE_DEPTH};
use crate::number::{Const, NumberError};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::collections::BTreeMap;
use thiserror::Error;

/// Highest derivative order accepted (by `name''(x)` inlining and by `taylorgate diff -n`).
pub const MAX_DERIVATIVE_ORDER: u32 = 64;
/// Largest expression (in syntax-tree nodes) that [`derivative`] accepts or produces.
pub const MAX_NODES: usize = 1_000_000;
/// Bound on the elementary steps (term products) of one simplification or derivative.
const MAX_WORK: usize = 50_000_000;
/// Largest numerator that the printer builds when combining a sum over a common denominator.
const MAX_TOGETHER_TERMS: usize = 4096;

/// Errors of differentiation and exact evaluation.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum DiffError {
    /// Exact arithmetic failed.
    #[error(transparent)]
    Number(#[from] NumberError),
    /// `name^(order)(point)` does not exist, or could not be computed, at an exact point.
    #[error(
        "`{name}` has no derivative of order {order} at {point} that can be proved: {message}"
    )]
    NotDifferentiableAt {
        /// The function.
        name: String,
        /// The order.
        order: u32,
        /// The point, printed.
        point: String,
        /// Why.
        message: String,
    },
    /// Evaluation at a point failed; names the point.
    #[error("at {var} = {point}: {source}")]
    AtPoint {
        /// The variable.
        var: String,
        /// The point, printed.
        point: String,
        /// What failed.
        source: NumberError,
    },
    /// An error about a named expression, e.g. `abs(x)'`.
    #[error("{label} {source}")]
    In {
        /// What was being computed (`abs(x)'`).
        label: String,
        /// What failed.
        source: Box<DiffError>,
    },
    /// `name'(x)` of a definition that does not take exactly one argument.
    #[error("`{0}'` needs a function of one argument")]
    NotUnary(String),
    /// A user definition reached the differentiator without being inlined.
    #[error("`{0}` must be inlined before differentiating (see `inline_definitions`)")]
    NotInlined(String),
    /// A derivative order above [`MAX_DERIVATIVE_ORDER`].
    #[error("derivative order {0} is above the limit {MAX_DERIVATIVE_ORDER}")]
    OrderTooLarge(u32),
    /// An expression above [`MAX_NODES`] nodes, or a computation above the work limit.
    #[error("expression too large (more than {MAX_NODES} nodes or too much work)")]
    TooLarge,
    /// A vector where a number was expected.
    #[error("a vector cannot be used inside arithmetic here")]
    Vector,
    /// Definitions could not be inlined (an unknown name, shapes that do not fit, a chain of
    /// definitions too deep, ...).
    #[error(transparent)]
    Lower(Box<LowerError>),
}

impl From<LowerError> for DiffError {
    /// A derivative that failed inside a lowering is that error itself.
    fn from(e: LowerError) -> DiffError {
        match e {
            LowerError::Derivative(d) => d,
            e => DiffError::Lower(Box::new(e)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inlining

/// Replaces calls of definitions, named constants and `name''(arg)` by built-in-only
/// expressions: `expr` lowered into the graph ([`Lowering`], with a chain of at most
/// [`MAX_INLINE_DEPTH`] definitions) and read back as a tree ([`crate::ir::Graph::to_expr`]),
/// vectors and matrices resolved into [`Expr::Vector`]s of their entries.
///
/// Parameters are bound simultaneously (capture-free); `name''(arg)` becomes the second
/// derivative of the body of `name` (a definition or a built-in such as `tanh`) at `arg`; a
/// call is defined only where each of its arguments is ([`crate::ir::Graph::guard_unused`]).
/// Every constant part must have a value ([`check_constants`]).
pub fn inline_definitions(expr: &Expr, defs: &Definitions) -> Result<Expr, DiffError> {
    let mut lowering = Lowering::new(defs).with_chain_limit(MAX_INLINE_DEPTH);
    let value = lowering.lower(expr)?;
    let inlined = lowering.graph().value_to_expr(&value)?;
    check_constants(&inlined)?;
    Ok(inlined)
}

/// Checks that every constant part of a built-in-only expression is a real number: each
/// maximal subexpression without variables is evaluated exactly, and a definite failure
/// (division by zero, `ln(-1)`, `sqrt(-2)`, a number too large) is an error naming that part.
/// Undecided signs or zeros are not errors here (the layer that needs them decides; see
/// [`undefined_constant`]).
///
/// ```
/// use taylorgate::diff::check_constants;
/// use taylorgate::parse::parse_expr;
/// let defs = taylorgate::Definitions::new();
/// assert!(check_constants(&parse_expr("x/(1 + exp(-1))", &defs).unwrap()).is_ok());
/// assert!(check_constants(&parse_expr("x + 1/0", &defs).unwrap()).is_err());
/// ```
pub fn check_constants(expr: &Expr) -> Result<(), DiffError> {
    match undefined_constant(expr, false) {
        Some((part, source)) => Err(DiffError::In {
            label: format!("`{part}`:"),
            source: Box::new(DiffError::Number(source)),
        }),
        None => Ok(()),
    }
}

/// The first maximal constant part of a built-in-only expression that has no value, with the
/// error of its exact evaluation, or `None`. A part fails when its evaluation fails
/// definitely (division by zero, a domain error, not real, too large) or, if `strict`, in any
/// way (also an undecided zero or sign: a symbolic result that divides by a constant not
/// proved non-zero is not printed). The pieces of an `if` are not checked: only the piece the
/// condition selects is evaluated, and the other need not be defined (`if x < x then ln(-1)
/// else x` is `x`); its condition is.
pub fn undefined_constant(expr: &Expr, strict: bool) -> Option<(Expr, NumberError)> {
    fn check(e: &Expr, strict: bool) -> Result<(), Box<(Expr, NumberError)>> {
        if matches!(
            e,
            Expr::Num(_) | Expr::Pi | Expr::E | Expr::Vector(_) | Expr::Apply(..) | Expr::Deriv(..)
        ) {
            return Ok(());
        }
        match Const::from_expr(e) {
            Err(
                source @ (NumberError::DivisionByZero
                | NumberError::Domain { .. }
                | NumberError::NotReal(..)
                | NumberError::TooLarge(_)),
            ) => Err(Box::new((e.clone(), source))),
            Err(source) if strict => Err(Box::new((e.clone(), source))),
            _ => Ok(()),
        }
    }
    /// Whether `e` has a variable; checks each maximal constant part below `e` on the way
    /// (one pass: every node is visited once), if `checked`.
    fn walk(e: &Expr, checked: bool, strict: bool) -> Result<bool, Box<(Expr, NumberError)>> {
        let children: Vec<(&Expr, bool)> = match e {
            Expr::Var(_) => return Ok(true),
            Expr::Num(_) | Expr::Pi | Expr::E => return Ok(false),
            Expr::Neg(a) | Expr::Deriv(_, _, a) => vec![(a, checked)],
            Expr::Bin(_, a, b) => vec![(a, checked), (b, checked)],
            Expr::Call(_, args) | Expr::Apply(_, args) | Expr::Vector(args) => {
                args.iter().map(|a| (a, checked)).collect()
            }
            Expr::If(c, a, b) => vec![(&c.lhs, checked), (&c.rhs, checked), (a, false), (b, false)],
        };
        let flags = children
            .iter()
            .map(|(c, checked)| walk(c, *checked, strict))
            .collect::<Result<Vec<bool>, _>>()?;
        let has = flags.iter().any(|&f| f);
        if has {
            for ((c, checked), f) in children.iter().zip(flags) {
                if !f && *checked {
                    check(c, strict)?;
                }
            }
        }
        Ok(has)
    }
    let result = match walk(expr, true, strict) {
        Ok(false) => check(expr, strict),
        Ok(true) => Ok(()),
        Err(e) => Err(e),
    };
    result.err().map(|b| *b)
}

// ---------------------------------------------------------------------------------------------
// Public entry points

/// `name^(k)(point)` at an exact point, where `body` is `name` in `param`: `k!` times the
/// `k`-th Taylor coefficient at the point. A derivative that does not exist there (a kink of
/// `abs`, a switching point of an `if` where the function or a lower derivative jumps) is
/// refused: the symbolic derivative cannot be read there, since its pieces may agree at a point
/// where the function is not differentiable (`abs(x)''` is `0` on both sides of 0).
pub fn derivative_at(
    name: &str,
    k: u32,
    body: &Expr,
    param: &str,
    point: &Const,
) -> Result<Const, DiffError> {
    let refuse = |message: String| DiffError::NotDifferentiableAt {
        name: name.to_string(),
        order: k,
        point: point.to_string(),
        message,
    };
    let series =
        crate::series::taylor(body, param, point, k as usize).map_err(|e| refuse(e.to_string()))?;
    Ok(crate::series::derivative_from_coefficient(
        &series.coefficients()[k as usize],
        k as usize,
    ))
}

/// `d/d var` of `expr` (built-in only), simplified.
///
/// Other variables are constants. `abs`, `min`, `max` and `if` become `if`s whose two sides are
/// the one-sided derivatives. Errors on an `Apply`/`Deriv` left in the tree (inline first), and
/// on expressions above [`MAX_NODES`] nodes.
///
/// ```
/// use taylorgate::diff::{derivative, evaluate};
/// use taylorgate::expr::{Expr, Func};
/// use taylorgate::Const;
///
/// // softplus(x) = ln(1 + exp(x)); softplus''(0) = 1/4
/// let x = Expr::var("x");
/// let softplus = Expr::call(Func::Ln, Expr::int(1) + Expr::call(Func::Exp, x));
/// let d2 = derivative(&derivative(&softplus, "x").unwrap(), "x").unwrap();
/// let value = evaluate(&d2, "x", &Const::zero()).unwrap();
/// assert_eq!(value.to_rational(), Some(num_rational::BigRational::new(1.into(), 4.into())));
/// ```
pub fn derivative(expr: &Expr, var: &str) -> Result<Expr, DiffError> {
    if let Expr::Vector(items) = expr {
        return Ok(Expr::Vector(
            items
                .iter()
                .map(|e| derivative(e, var))
                .collect::<Result<_, _>>()?,
        ));
    }
    if node_count(expr) > MAX_NODES {
        return Err(DiffError::TooLarge);
    }
    let mut ctx = Ctx::default();
    let p = ctx.poly(expr)?;
    let d = ctx.d_poly(&p, var)?;
    let out = ctx.render(&d);
    if node_count(&out) > MAX_NODES {
        return Err(DiffError::TooLarge);
    }
    Ok(out)
}

/// A readable normal form: constants folded, like terms collected, no `0*`, `1*`, `+0`, `x^1`.
///
/// ```
/// use taylorgate::diff::simplify;
/// use taylorgate::expr::Expr;
/// let x = Expr::var("x");
/// assert_eq!(simplify(&(x.clone() + x.clone())), Expr::int(2) * x.clone());
/// assert_eq!(simplify(&(Expr::int(0) * x.clone() + Expr::int(1) * x.clone())), x);
/// ```
pub fn simplify(expr: &Expr) -> Expr {
    if let Expr::Vector(items) = expr {
        return Expr::Vector(items.iter().map(simplify).collect());
    }
    let mut ctx = Ctx::default();
    match ctx.poly(expr) {
        Ok(p) => ctx.render(&p),
        Err(_) => expr.clone(),
    }
}

/// The exact value of `expr` with `var = point` (by [`Const::from_expr_with`]).
///
/// Errors name the point, e.g. `at x = 0: at the switching point 0 > 0, ...`.
pub fn evaluate(expr: &Expr, var: &str, point: &Const) -> Result<Const, DiffError> {
    Const::from_expr_with(expr, &[(var, point.clone())]).map_err(|source| DiffError::AtPoint {
        var: var.to_string(),
        point: point.to_string(),
        source,
    })
}

/// The number of nodes of an expression tree.
pub fn node_count(e: &Expr) -> usize {
    1 + match e {
        Expr::Num(_) | Expr::Pi | Expr::E | Expr::Var(_) => 0,
        Expr::Neg(a) | Expr::Deriv(_, _, a) => node_count(a),
        Expr::Bin(_, a, b) => node_count(a) + node_count(b),
        Expr::Call(_, xs) | Expr::Apply(_, xs) | Expr::Vector(xs) => {
            xs.iter().map(node_count).sum()
        }
        Expr::If(c, a, b) => {
            node_count(&c.lhs) + node_count(&c.rhs) + node_count(a) + node_count(b)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The normal form

type Q = BigRational;

/// An indivisible factor. The derived order sorts factors for printing: variables first.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Atom {
    Var(String),
    Pi,
    E,
    /// A positive rational with a non-integer exponent (`sqrt(2)`).
    Rat(Q),
    Call(Func, Vec<Poly>),
    Apply(String, Vec<Poly>),
    Deriv(String, u32, Box<Poly>),
    /// `base^exponent` that cannot be split (symbolic exponent, or `(x^2)^(1/2)`).
    Pow(Box<Poly>, Box<Poly>),
    /// A sum of two or more terms, used as a factor.
    Sum(Poly),
    If(Box<IfAtom>),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct IfAtom {
    lhs: Poly,
    op: u8,
    rhs: Poly,
    then: Poly,
    other: Poly,
}

fn op_code(op: CmpOp) -> u8 {
    match op {
        CmpOp::Lt => 0,
        CmpOp::Le => 1,
        CmpOp::Gt => 2,
        CmpOp::Ge => 3,
    }
}

fn code_op(code: u8) -> CmpOp {
    match code {
        0 => CmpOp::Lt,
        1 => CmpOp::Le,
        2 => CmpOp::Gt,
        _ => CmpOp::Ge,
    }
}

impl Atom {
    /// Constants that never go into a common denominator.
    fn is_constant_like(&self) -> bool {
        matches!(self, Atom::Pi | Atom::E | Atom::Rat(_))
    }
}

/// A product of atoms with non-zero rational exponents.
type Mono = BTreeMap<Atom, Q>;

/// A sum of terms `coefficient * monomial`, no zero coefficient.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
struct Poly {
    terms: BTreeMap<Mono, Q>,
}

fn q_int(n: i64) -> Q {
    Q::from_integer(BigInt::from(n))
}

impl Poly {
    fn constant(q: Q) -> Poly {
        let mut p = Poly::default();
        p.add_term(Mono::new(), q);
        p
    }

    fn term(c: Q, m: Mono) -> Poly {
        let mut p = Poly::default();
        p.add_term(m, c);
        p
    }

    fn atom(a: Atom) -> Poly {
        let mut m = Mono::new();
        m.insert(a, Q::one());
        Poly::term(Q::one(), m)
    }

    fn is_zero(&self) -> bool {
        self.terms.is_empty()
    }

    fn as_constant(&self) -> Option<Q> {
        match self.terms.len() {
            0 => Some(Q::zero()),
            1 => {
                let (m, c) = self.terms.iter().next()?;
                m.is_empty().then(|| c.clone())
            }
            _ => None,
        }
    }

    fn single(&self) -> Option<(&Mono, &Q)> {
        if self.terms.len() == 1 {
            self.terms.iter().next()
        } else {
            None
        }
    }

    fn add_term(&mut self, m: Mono, c: Q) {
        if c.is_zero() {
            return;
        }
        let entry = self.terms.entry(m);
        match entry {
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(c);
            }
            std::collections::btree_map::Entry::Occupied(mut o) => {
                *o.get_mut() += c;
                if o.get().is_zero() {
                    o.remove();
                }
            }
        }
    }

    /// `self += other`, moving `other`'s terms (a sum built term by term in place, not copied
    /// whole at every step as `acc = acc.add(&t)` would: that made a derivative with `n` terms
    /// cost `O(n^2)` copies of deep monomials).
    fn add_assign(&mut self, other: Poly) {
        let mut other = other;
        if other.terms.len() > self.terms.len() {
            std::mem::swap(self, &mut other);
        }
        for (m, c) in other.terms {
            self.add_term(m, c);
        }
    }

    fn add(&self, other: &Poly) -> Poly {
        let (mut big, small) = if self.terms.len() >= other.terms.len() {
            (self.clone(), other)
        } else {
            (other.clone(), self)
        };
        for (m, c) in &small.terms {
            big.add_term(m.clone(), c.clone());
        }
        big
    }

    fn scale(&self, k: &Q) -> Poly {
        if k.is_zero() {
            return Poly::default();
        }
        Poly {
            terms: self.terms.iter().map(|(m, c)| (m.clone(), c * k)).collect(),
        }
    }

    fn neg(&self) -> Poly {
        self.scale(&-Q::one())
    }

    /// Whether every term has a negative coefficient (`-u` for printing and symmetry).
    fn looks_negative(&self) -> bool {
        !self.terms.is_empty() && self.terms.values().all(|c| c.is_negative())
    }

    fn mentions(&self, var: &str) -> bool {
        self.terms.keys().any(|m| m.keys().any(|a| a.mentions(var)))
    }

    /// Whether the value is real at every real value of the variables (conservative, as
    /// [`Expr::is_total`]): each factor is total, and raised to a natural power unless it is a
    /// positive constant.
    fn is_total(&self) -> bool {
        self.terms.keys().all(|m| {
            m.iter().all(|(a, k)| {
                a.is_total() && (a.is_constant_like() || (k.is_integer() && !k.is_negative()))
            })
        })
    }
}

impl Atom {
    /// Whether the atom has a real value at every real value of the variables (conservative).
    fn is_total(&self) -> bool {
        match self {
            Atom::Var(_) | Atom::Pi | Atom::E | Atom::Rat(_) => true,
            Atom::Call(f, xs) => f.is_total() && xs.iter().all(Poly::is_total),
            Atom::Apply(..) | Atom::Deriv(..) | Atom::Pow(..) => false,
            Atom::Sum(p) => p.is_total(),
            Atom::If(i) => {
                i.lhs.is_total() && i.rhs.is_total() && i.then.is_total() && i.other.is_total()
            }
        }
    }

    fn mentions(&self, var: &str) -> bool {
        match self {
            Atom::Var(v) => v == var,
            Atom::Pi | Atom::E | Atom::Rat(_) => false,
            Atom::Call(_, xs) | Atom::Apply(_, xs) => xs.iter().any(|p| p.mentions(var)),
            Atom::Deriv(_, _, p) => p.mentions(var),
            Atom::Pow(b, e) => b.mentions(var) || e.mentions(var),
            Atom::Sum(p) => p.mentions(var),
            Atom::If(i) => {
                i.lhs.mentions(var)
                    || i.rhs.mentions(var)
                    || i.then.mentions(var)
                    || i.other.mentions(var)
            }
        }
    }
}

/// `base^n` for a rational base and an integer exponent, unless the result would be huge.
fn rational_pow_int(base: &Q, n: &BigInt) -> Option<Q> {
    let n = n.to_i64()?;
    if base.is_zero() {
        return (n > 0).then(Q::zero);
    }
    let bits = base.numer().bits().max(base.denom().bits()) as i128;
    if bits * (n as i128).abs() > 1 << 20 {
        return None;
    }
    let e = i32::try_from(n).ok()?;
    Some(num_traits::Pow::pow(base, e))
}

/// The exact `d`-th root of a non-negative rational, if it is rational.
fn exact_root(q: &Q, d: u32) -> Option<Q> {
    let n = q.numer().nth_root(d);
    let m = q.denom().nth_root(d);
    (num_traits::Pow::pow(&n, d) == *q.numer() && num_traits::Pow::pow(&m, d) == *q.denom())
        .then(|| Q::new(n, m))
}

#[derive(Default)]
struct Ctx {
    work: usize,
}

impl Ctx {
    fn spend(&mut self, n: usize) -> Result<(), DiffError> {
        crate::budget::check();
        self.work += n;
        if self.work > MAX_WORK {
            Err(DiffError::TooLarge)
        } else {
            Ok(())
        }
    }

    /// The normal form of an expression.
    fn poly(&mut self, e: &Expr) -> Result<Poly, DiffError> {
        self.spend(1)?;
        Ok(match e {
            Expr::Num(q) => Poly::constant(q.clone()),
            Expr::Pi => Poly::atom(Atom::Pi),
            Expr::E => Poly::atom(Atom::E),
            Expr::Var(v) => Poly::atom(Atom::Var(v.clone())),
            Expr::Neg(a) => self.poly(a)?.neg(),
            Expr::Bin(op, a, b) => {
                let a = self.poly(a)?;
                let b = self.poly(b)?;
                match op {
                    BinOp::Add => sum_keeping_domain(&a, &b),
                    BinOp::Sub => sum_keeping_domain(&a, &b.neg()),
                    BinOp::Mul => self.mul(&a, &b)?,
                    BinOp::Div => {
                        let inv = self.pow_q(&b, &-Q::one())?;
                        self.mul(&a, &inv)?
                    }
                    BinOp::Pow => self.pow(&a, &b)?,
                }
            }
            Expr::Call(f, args) => {
                let args = args
                    .iter()
                    .map(|a| self.poly(a))
                    .collect::<Result<Vec<_>, _>>()?;
                self.call(*f, args)?
            }
            Expr::Apply(name, args) => {
                let args = args
                    .iter()
                    .map(|a| self.poly(a))
                    .collect::<Result<Vec<_>, _>>()?;
                Poly::atom(Atom::Apply(name.clone(), args))
            }
            Expr::Deriv(name, k, a) => {
                Poly::atom(Atom::Deriv(name.clone(), *k, Box::new(self.poly(a)?)))
            }
            Expr::If(c, a, b) => {
                let lhs = self.poly(&c.lhs)?;
                let rhs = self.poly(&c.rhs)?;
                let then = self.poly(a)?;
                let other = self.poly(b)?;
                if_poly(lhs, op_code(c.op), rhs, then, other)
            }
            Expr::Vector(_) => return Err(DiffError::Vector),
        })
    }

    /// `c1 m1 * c2 m2`.
    fn mul_mono(&mut self, m1: &Mono, m2: &Mono) -> Result<(Q, Mono), DiffError> {
        self.spend(m1.len() + m2.len() + 1)?;
        let (mut m, small) = if m1.len() >= m2.len() {
            (m1.clone(), m2)
        } else {
            (m2.clone(), m1)
        };
        let mut coeff = Q::one();
        for (a, k) in small {
            let e = m.entry(a.clone()).or_insert_with(Q::zero);
            *e += k;
        }
        m.retain(|_, k| !k.is_zero());
        // sqrt(2)^3 = 2 sqrt(2): the integer part of a surd's exponent goes to the coefficient.
        let surds: Vec<(Q, Q)> = m
            .iter()
            .filter_map(|(a, k)| match a {
                Atom::Rat(q) if !k.is_zero() && (k >= &Q::one() || k.is_negative()) => {
                    Some((q.clone(), k.clone()))
                }
                _ => None,
            })
            .collect();
        for (q, k) in surds {
            let whole = k.floor();
            if let Some(f) = rational_pow_int(&q, whole.numer()) {
                coeff *= f;
                let frac = &k - &whole;
                if frac.is_zero() {
                    m.remove(&Atom::Rat(q));
                } else {
                    m.insert(Atom::Rat(q), frac);
                }
            }
        }
        Ok((coeff, m))
    }

    /// Full distribution of a product.
    fn mul_expand(&mut self, a: &Poly, b: &Poly) -> Result<Poly, DiffError> {
        self.spend(a.terms.len() * b.terms.len())?;
        let mut out = Poly::default();
        for (m1, c1) in &a.terms {
            for (m2, c2) in &b.terms {
                let (k, m) = self.mul_mono(m1, m2)?;
                out.add_term(m, k * c1 * c2);
            }
        }
        self.finish(out)
    }

    /// A product: distributed when one side is a single term, else a product of two sums.
    fn mul(&mut self, a: &Poly, b: &Poly) -> Result<Poly, DiffError> {
        if a.is_zero() || b.is_zero() {
            // `0*ln(x)` is 0 only where ln(x) is defined: a factor that may be undefined
            // stays as the condition of a guard.
            let other = if a.is_zero() { b } else { a };
            if other.is_total() {
                return Ok(Poly::default());
            }
            return Ok(guarded(Poly::default(), other));
        }
        if a.terms.len() == 1 || b.terms.len() == 1 {
            return self.mul_expand(a, b);
        }
        let mut m = Mono::new();
        if a == b {
            m.insert(Atom::Sum(a.clone()), q_int(2));
        } else {
            m.insert(Atom::Sum(a.clone()), Q::one());
            m.insert(Atom::Sum(b.clone()), Q::one());
        }
        Ok(Poly::term(Q::one(), m))
    }

    /// A single term `c * s * rest` with a sum `s` to the first power is distributed.
    fn finish(&mut self, p: Poly) -> Result<Poly, DiffError> {
        let Some((m, c)) = p.single() else {
            return Ok(p);
        };
        let sum = m.iter().find_map(|(a, k)| match a {
            Atom::Sum(s) if k.is_one() => Some(s.clone()),
            _ => None,
        });
        let Some(s) = sum else { return Ok(p) };
        let mut rest = m.clone();
        rest.remove(&Atom::Sum(s.clone()));
        let rest = Poly::term(c.clone(), rest);
        self.mul_expand(&rest, &s)
    }

    fn pow(&mut self, base: &Poly, exp: &Poly) -> Result<Poly, DiffError> {
        if let Some(q) = exp.as_constant() {
            return self.pow_q(base, &q);
        }
        if base == &Poly::atom(Atom::E) {
            return self.call(Func::Exp, vec![exp.clone()]);
        }
        Ok(Poly::atom(Atom::Pow(
            Box::new(base.clone()),
            Box::new(exp.clone()),
        )))
    }

    fn pow_atom(base: &Poly, q: &Q) -> Poly {
        Poly::atom(Atom::Pow(
            Box::new(base.clone()),
            Box::new(Poly::constant(q.clone())),
        ))
    }

    /// `base^q` for a rational `q`.
    fn pow_q(&mut self, base: &Poly, q: &Q) -> Result<Poly, DiffError> {
        if q.is_zero() {
            // `ln(x)^0` is 1 only where ln(x) is defined (as in `mul`).
            let one = Poly::constant(Q::one());
            if base.is_total() {
                return Ok(one);
            }
            return Ok(guarded(one, base));
        }
        if q.is_one() {
            return Ok(base.clone());
        }
        if let Some(c) = base.as_constant() {
            // `0^q` for `q < 0` (a quotient by an expression that is exactly zero, such as
            // `1/(x - x)`) is defined nowhere: refuse rather than differentiate it to 0.
            if c.is_zero() && q.is_negative() {
                return Err(DiffError::Number(NumberError::DivisionByZero));
            }
            return Ok(rational_power(&c, q).unwrap_or_else(|| Ctx::pow_atom(base, q)));
        }
        if let Some((m, c)) = base.single() {
            let distributes = q.is_integer()
                || (c.is_positive()
                    && m.iter().all(|(a, k)| {
                        k.is_one() || a.is_constant_like() || matches!(a, Atom::Call(Func::Exp, _))
                    }));
            if !distributes {
                return Ok(Ctx::pow_atom(base, q));
            }
            let Some(coeff) = rational_power(c, q) else {
                return Ok(Ctx::pow_atom(base, q));
            };
            let mono: Mono = m.iter().map(|(a, k)| (a.clone(), k * q)).collect();
            let (k, mono) = self.mul_mono(&mono, &Mono::new())?;
            let term = Poly::term(k, mono);
            let out = self.mul_expand(&coeff, &term)?;
            return self.finish(out);
        }
        let mut m = Mono::new();
        m.insert(Atom::Sum(base.clone()), q.clone());
        Ok(Poly::term(Q::one(), m))
    }

    /// A built-in applied to normal forms, with exact folding where it is always valid.
    fn call(&mut self, f: Func, args: Vec<Poly>) -> Result<Poly, DiffError> {
        let zero = |p: &Poly| p.is_zero();
        if args.len() == 1 {
            let u = &args[0];
            match f {
                Func::Sqrt => return self.pow_q(u, &Q::new(1.into(), 2.into())),
                Func::Exp if zero(u) => return Ok(Poly::constant(Q::one())),
                Func::Ln => {
                    if u.as_constant().is_some_and(|c| c.is_one()) {
                        return Ok(Poly::default());
                    }
                    if u == &Poly::atom(Atom::E) {
                        return Ok(Poly::constant(Q::one()));
                    }
                    if let Some((m, c)) = u.single() {
                        if c.is_one() && m.len() == 1 {
                            if let Some((Atom::Call(Func::Exp, inner), k)) = m.iter().next() {
                                if k.is_one() {
                                    return Ok(inner[0].clone());
                                }
                            }
                        }
                    }
                }
                Func::Sin
                | Func::Tan
                | Func::Sinh
                | Func::Tanh
                | Func::Asin
                | Func::Atan
                | Func::Asinh
                | Func::Atanh
                | Func::Erf => {
                    if zero(u) {
                        return Ok(Poly::default());
                    }
                    if u.looks_negative() {
                        return Ok(self.call(f, vec![u.neg()])?.neg());
                    }
                }
                Func::Cos | Func::Cosh => {
                    if zero(u) {
                        return Ok(Poly::constant(Q::one()));
                    }
                    if u.looks_negative() {
                        return self.call(f, vec![u.neg()]);
                    }
                }
                Func::Abs => {
                    if let Some(c) = u.as_constant() {
                        return Ok(Poly::constant(c.abs()));
                    }
                    if u.looks_negative() {
                        return self.call(f, vec![u.neg()]);
                    }
                }
                _ => {}
            }
        }
        if args.len() == 2 && matches!(f, Func::Min | Func::Max) {
            if let (Some(a), Some(b)) = (args[0].as_constant(), args[1].as_constant()) {
                let pick = if f == Func::Min { a.min(b) } else { a.max(b) };
                return Ok(Poly::constant(pick));
            }
            if args[0] == args[1] {
                return Ok(args[0].clone());
            }
        }
        Ok(Poly::atom(Atom::Call(f, args)))
    }

    // -----------------------------------------------------------------------------------------
    // Derivative

    fn d_poly(&mut self, p: &Poly, var: &str) -> Result<Poly, DiffError> {
        let mut out = Poly::default();
        for (m, c) in &p.terms {
            for (a, k) in m {
                let da = self.d_atom(a, var)?;
                if da.is_zero() {
                    continue;
                }
                let mut rest = m.clone();
                let k1 = k - Q::one();
                if k1.is_zero() {
                    rest.remove(a);
                } else {
                    rest.insert(a.clone(), k1);
                }
                let t = Poly::term(c * k, rest);
                let t = self.mul(&t, &da)?;
                out.add_assign(t);
            }
        }
        self.finish(out)
    }

    fn d_atom(&mut self, a: &Atom, var: &str) -> Result<Poly, DiffError> {
        self.spend(1)?;
        if !a.mentions(var) {
            if let Atom::Apply(name, _) | Atom::Deriv(name, _, _) = a {
                return Err(DiffError::NotInlined(name.clone()));
            }
            return Ok(Poly::default());
        }
        let half = Q::new(1.into(), 2.into());
        match a {
            Atom::Var(_) => Ok(Poly::constant(Q::one())),
            Atom::Pi | Atom::E | Atom::Rat(_) => Ok(Poly::default()),
            Atom::Sum(p) => self.d_poly(p, var),
            Atom::Apply(name, _) | Atom::Deriv(name, _, _) => {
                Err(DiffError::NotInlined(name.clone()))
            }
            Atom::If(i) => {
                let then = self.d_poly(&i.then, var)?;
                let other = self.d_poly(&i.other, var)?;
                Ok(if_poly(i.lhs.clone(), i.op, i.rhs.clone(), then, other))
            }
            Atom::Pow(b, e) => {
                let db = self.d_poly(b, var)?;
                let de = self.d_poly(e, var)?;
                let whole = Poly::atom(a.clone());
                if de.is_zero() {
                    // e b^(e-1) b'
                    let e1 = e.add(&Poly::constant(-Q::one()));
                    let p = self.pow(b, &e1)?;
                    let p = self.mul(e, &p)?;
                    return self.mul(&p, &db);
                }
                let ln_b = self.call(Func::Ln, vec![(**b).clone()])?;
                let mut inner = self.mul(&de, &ln_b)?;
                if !db.is_zero() {
                    let inv_b = self.pow_q(b, &-Q::one())?;
                    let t = self.mul(e, &db)?;
                    let t = self.mul(&t, &inv_b)?;
                    inner.add_assign(t);
                }
                self.mul(&whole, &inner)
            }
            Atom::Call(f, args) => {
                if args.len() == 2 {
                    let (x, y) = (&args[0], &args[1]);
                    let dx = self.d_poly(x, var)?;
                    let dy = self.d_poly(y, var)?;
                    let op = if *f == Func::Min {
                        CmpOp::Lt
                    } else {
                        CmpOp::Gt
                    };
                    return Ok(if_poly(x.clone(), op_code(op), y.clone(), dx, dy));
                }
                let u = &args[0];
                let du = self.d_poly(u, var)?;
                if du.is_zero() {
                    return Ok(du);
                }
                if *f == Func::Abs {
                    let neg = du.neg();
                    return Ok(if_poly(
                        u.clone(),
                        op_code(CmpOp::Gt),
                        Poly::default(),
                        du,
                        neg,
                    ));
                }
                let one = Poly::constant(Q::one());
                let sq = self.pow_q(u, &q_int(2))?;
                let fp = match f {
                    Func::Exp => Poly::atom(a.clone()),
                    Func::Ln => self.pow_q(u, &-Q::one())?,
                    Func::Sqrt => self.pow_q(u, &-half.clone())?.scale(&half),
                    Func::Sin => self.call(Func::Cos, vec![u.clone()])?,
                    Func::Cos => self.call(Func::Sin, vec![u.clone()])?.neg(),
                    Func::Tan => {
                        let t = self.pow_q(&Poly::atom(a.clone()), &q_int(2))?;
                        one.add(&t)
                    }
                    Func::Sinh => self.call(Func::Cosh, vec![u.clone()])?,
                    Func::Cosh => self.call(Func::Sinh, vec![u.clone()])?,
                    Func::Tanh => {
                        let t = self.pow_q(&Poly::atom(a.clone()), &q_int(2))?;
                        one.add(&t.neg())
                    }
                    Func::Asin => self.pow_q(&one.add(&sq.neg()), &-half.clone())?,
                    Func::Acos => self.pow_q(&one.add(&sq.neg()), &-half.clone())?.neg(),
                    Func::Atan => self.pow_q(&one.add(&sq), &-Q::one())?,
                    Func::Asinh => self.pow_q(&sq.add(&one), &-half.clone())?,
                    Func::Acosh => self.pow_q(&sq.add(&one.neg()), &-half.clone())?,
                    Func::Atanh => self.pow_q(&one.add(&sq.neg()), &-Q::one())?,
                    Func::Erf => {
                        // 2/sqrt(pi) exp(-u^2)
                        let e = self.call(Func::Exp, vec![sq.neg()])?;
                        let c = self.pow_q(&Poly::atom(Atom::Pi), &-half.clone())?;
                        let c = c.scale(&q_int(2));
                        self.mul(&c, &e)?
                    }
                    Func::Abs | Func::Min | Func::Max => unreachable!("handled above"),
                };
                self.mul(&fp, &du)
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Printing

    fn render(&mut self, p: &Poly) -> Expr {
        if p.is_zero() {
            return Expr::int(0);
        }
        if let Some((numer, den)) = self.together(p) {
            let n = self.render(&numer);
            let factors: Vec<Expr> = den.iter().map(|(a, k)| self.render_factor(a, k)).collect();
            let d = product(factors);
            return match n {
                Expr::Neg(n) => Expr::Neg(Box::new(Expr::bin(BinOp::Div, *n, d))),
                n => Expr::bin(BinOp::Div, n, d),
            };
        }
        // A positive term goes first (`1 - x`, not `-x + 1`); the rest keep their order.
        let first = p
            .terms
            .iter()
            .position(|(_, c)| c.is_positive())
            .unwrap_or(0);
        let ordered = p.terms.iter().skip(first).take(1).chain(
            p.terms
                .iter()
                .enumerate()
                .filter(move |(i, _)| *i != first)
                .map(|(_, t)| t),
        );
        let mut out: Option<Expr> = None;
        for (m, c) in ordered {
            let (negative, t) = self.render_term(c, m);
            out = Some(match out {
                None if negative => Expr::Neg(Box::new(t)),
                None => t,
                Some(acc) if negative => Expr::bin(BinOp::Sub, acc, t),
                Some(acc) => Expr::bin(BinOp::Add, acc, t),
            });
        }
        out.unwrap_or_else(|| Expr::int(0))
    }

    /// A sum over a common denominator, when that gives no more terms than the sum itself.
    fn together(&mut self, p: &Poly) -> Option<(Poly, Mono)> {
        if p.terms.len() < 2 {
            return None;
        }
        let mut den = Mono::new();
        for m in p.terms.keys() {
            for (a, k) in m {
                if k.is_negative() && !a.is_constant_like() {
                    let e = den.entry(a.clone()).or_insert_with(Q::zero);
                    if -k > *e {
                        *e = -k;
                    }
                }
            }
        }
        if den.is_empty() {
            return None;
        }
        let mut numer = Poly::default();
        for (m, c) in &p.terms {
            let mut m2 = m.clone();
            for (a, k) in &den {
                let e = m2.entry(a.clone()).or_insert_with(Q::zero);
                *e += k;
            }
            m2.retain(|_, k| !k.is_zero());
            // Expand sums raised to small positive integer powers.
            let mut term = Poly::term(c.clone(), Mono::new());
            let mut rest = Mono::new();
            for (a, k) in m2 {
                match (&a, k.to_integer().to_u32()) {
                    (Atom::Sum(s), Some(n)) if k.is_integer() && n <= MAX_DERIVATIVE_ORDER + 1 => {
                        for _ in 0..n {
                            term = self.mul_expand(&term, s).ok()?;
                            if term.terms.len() > MAX_TOGETHER_TERMS {
                                return None;
                            }
                        }
                    }
                    _ => {
                        rest.insert(a, k);
                    }
                }
            }
            let (k, rest) = self.mul_mono(&rest, &Mono::new()).ok()?;
            let t = self.mul_expand(&term, &Poly::term(k, rest)).ok()?;
            numer.add_assign(t);
            if numer.terms.len() > MAX_TOGETHER_TERMS {
                return None;
            }
        }
        (numer.terms.len() <= p.terms.len()).then_some((numer, den))
    }

    /// `(is_negative, |c| m)`.
    fn render_term(&mut self, c: &Q, m: &Mono) -> (bool, Expr) {
        let mut num = Vec::new();
        let mut den = Vec::new();
        let a = c.abs();
        if !a.numer().is_one() || m.keys().zip(m.values()).all(|(_, k)| k.is_negative()) {
            num.push(Expr::Num(Q::from_integer(a.numer().clone())));
        }
        if !a.denom().is_one() {
            den.push(Expr::Num(Q::from_integer(a.denom().clone())));
        }
        for (atom, k) in m {
            if k.is_negative() {
                den.push(self.render_factor(atom, &-k));
            } else {
                num.push(self.render_factor(atom, k));
            }
        }
        let n = product(num);
        let e = if den.is_empty() {
            n
        } else {
            Expr::bin(BinOp::Div, n, product(den))
        };
        (c.is_negative(), e)
    }

    fn render_factor(&mut self, a: &Atom, k: &Q) -> Expr {
        let base = self.render_atom(a);
        if k.is_one() {
            base
        } else if *k == Q::new(1.into(), 2.into()) {
            Expr::call(Func::Sqrt, base)
        } else {
            Expr::bin(BinOp::Pow, base, render_rational(k))
        }
    }

    fn render_atom(&mut self, a: &Atom) -> Expr {
        match a {
            Atom::Var(v) => Expr::Var(v.clone()),
            Atom::Pi => Expr::Pi,
            Atom::E => Expr::E,
            Atom::Rat(q) => render_rational(q),
            Atom::Call(f, args) => Expr::Call(*f, args.iter().map(|p| self.render(p)).collect()),
            Atom::Apply(n, args) => {
                Expr::Apply(n.clone(), args.iter().map(|p| self.render(p)).collect())
            }
            Atom::Deriv(n, k, p) => Expr::Deriv(n.clone(), *k, Box::new(self.render(p))),
            Atom::Pow(b, e) => {
                let b = self.render(b);
                if e.as_constant() == Some(Q::new(1.into(), 2.into())) {
                    Expr::call(Func::Sqrt, b)
                } else {
                    Expr::bin(BinOp::Pow, b, self.render(e))
                }
            }
            Atom::Sum(p) => self.render(p),
            Atom::If(i) => Expr::If(
                Box::new(Cond {
                    lhs: self.render(&i.lhs),
                    op: code_op(i.op),
                    rhs: self.render(&i.rhs),
                }),
                Box::new(self.render(&i.then)),
                Box::new(self.render(&i.other)),
            ),
        }
    }
}

fn product(factors: Vec<Expr>) -> Expr {
    factors
        .into_iter()
        .reduce(|a, b| Expr::bin(BinOp::Mul, a, b))
        .unwrap_or_else(|| Expr::int(1))
}

/// A rational as an expression: `3`, `1/3` (as a quotient), `-2` (as a negation).
fn render_rational(q: &Q) -> Expr {
    let a = q.abs();
    let e = if a.is_integer() {
        Expr::Num(a)
    } else {
        Expr::bin(
            BinOp::Div,
            Expr::Num(Q::from_integer(a.numer().clone())),
            Expr::Num(Q::from_integer(a.denom().clone())),
        )
    };
    if q.is_negative() {
        Expr::Neg(Box::new(e))
    } else {
        e
    }
}

/// `c^q` for rationals: exact when possible, otherwise `c^floor(q)` times a surd atom.
/// `None` when the value must stay symbolic (negative base with a fractional exponent,
/// `0^-1`, huge results).
fn rational_power(c: &Q, q: &Q) -> Option<Poly> {
    if q.is_integer() {
        return rational_pow_int(c, q.numer()).map(Poly::constant);
    }
    if c.is_zero() {
        return q.is_positive().then(Poly::default);
    }
    if c.is_negative() {
        return None;
    }
    if c.is_one() {
        return Some(Poly::constant(Q::one()));
    }
    let d = q.denom().to_u32()?;
    if let Some(root) = exact_root(c, d) {
        return rational_pow_int(&root, q.numer()).map(Poly::constant);
    }
    if !c.denom().is_one() {
        // (n/d)^q = n^q d^-q with integer bases
        let n = rational_power(&Q::from_integer(c.numer().clone()), q)?;
        let dd = rational_power(&Q::from_integer(c.denom().clone()), &-q)?;
        let mut ctx = Ctx::default();
        return ctx.mul_expand(&n, &dd).ok();
    }
    let whole = q.floor();
    let frac = q - &whole;
    let coeff = rational_pow_int(c, whole.numer())?;
    let mut m = Mono::new();
    m.insert(Atom::Rat(c.clone()), frac);
    Some(Poly::term(coeff, m))
}

/// `value`, defined only where `guard` is: `if guard <= guard then value else value` (as
/// [`crate::ir::Graph::guard`] builds it), unless `guard` is defined everywhere.
/// `a + b`, where terms that cancel keep their domain: `ln(x) - ln(x)` is 0 only where `ln(x)`
/// is defined, so a cancelled term that may be undefined stays as the condition of a guard
/// (as a zero factor does in `0*ln(x)`).
fn sum_keeping_domain(a: &Poly, b: &Poly) -> Poly {
    let sum = a.add(b);
    let mut lost = Poly::default();
    for m in a.terms.keys().chain(b.terms.keys()) {
        if !sum.terms.contains_key(m) && !lost.terms.contains_key(m) {
            let term = Poly::term(Q::one(), m.clone());
            if !term.is_total() {
                lost.add_term(m.clone(), Q::one());
            }
        }
    }
    if lost.is_zero() {
        sum
    } else {
        guarded(sum, &lost)
    }
}

fn guarded(value: Poly, guard: &Poly) -> Poly {
    if_poly(
        guard.clone(),
        op_code(CmpOp::Le),
        guard.clone(),
        value.clone(),
        value,
    )
}

/// `if lhs op rhs then a else b`, folded when both branches agree and the condition is defined
/// everywhere, or when the condition is decided strictly (never at the switching point itself).
fn if_poly(lhs: Poly, op: u8, rhs: Poly, then: Poly, other: Poly) -> Poly {
    // Equal pieces fold only where the condition has a value everywhere: `if ln(x) <= ln(x)
    // then 5 else 5` (a call that keeps an unused argument, [`crate::ir::Graph::guard`]) is 5
    // only where ln(x) is defined, and its derivative is 0 only there.
    if then == other && lhs.is_total() && rhs.is_total() {
        return then;
    }
    if let (Some(l), Some(r)) = (lhs.as_constant(), rhs.as_constant()) {
        if l != r {
            let holds = match code_op(op) {
                CmpOp::Lt | CmpOp::Le => l < r,
                CmpOp::Gt | CmpOp::Ge => l > r,
            };
            return if holds { then } else { other };
        }
    }
    Poly::atom(Atom::If(Box::new(IfAtom {
        lhs,
        op,
        rhs,
        then,
        other,
    })))
}
