//! The multiplication gate of Lin, Tegmark & Rolnick: does an activation admit it, with which
//! bias, and what exactly does the network compute.
//!
//! For `n` inputs the network has one hidden neuron per sign vector `s in {+1,-1}^n`:
//! `A1` rows are the `s`, `b1 = (b, ..., b)`, `A2_s = s_1...s_n / (2^n sigma^(n)(b))`, and
//! `f(x) = A2 sigma(A1 x + b1)`. [`analyze`] decides admissibility (the non-vanishing of
//! `sigma^(n)(b)` is *proved*, never guessed), searches a bias when `sigma^(n)(0) = 0`, and
//! expands the network exactly, neuron by neuron, through a total degree `D`. Because the
//! expansion is computed from the network itself and not from the theorem, the tests can check
//! the theorem's formulas against it.
//!
//! ```
//! use taylorgate::gate::{analyze, GateOptions, Verdict};
//! use taylorgate::parse::parse_expr;
//! use taylorgate::Definitions;
//! let softplus = parse_expr("ln(1 + exp(x))", &Definitions::new()).unwrap();
//! let report = analyze(&softplus, &GateOptions::default()).unwrap();
//! assert_eq!(report.verdict, Verdict::Admits);
//! assert_eq!(report.derivative_at_bias.unwrap().to_string(), "1/4");
//! assert_eq!(report.remainder.order, Some(4));
//! ```

use crate::expr::{BinOp, CmpOp, Expr, Func};
use crate::multi::{MultiError, MultiSeries, Space};
use crate::number::{Const, NumberError, Sign, ZeroTest};
pub use crate::series::derivative_from_coefficient;
use crate::series::{self, factorial, SeriesError};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Signed;
use std::sync::Arc;
use thiserror::Error;

/// Most inputs accepted (`2^n` hidden neurons).
pub const MAX_INPUTS: usize = 8;
/// Highest total degree of an expansion.
pub const MAX_DEGREE: usize = 40;
/// Most pieces examined in a piecewise definition.
pub const MAX_PIECES: usize = 64;

/// Errors of the gate analysis (bad options; failures of the layers below).
#[derive(Debug, Error, Clone, PartialEq)]
pub enum GateError {
    /// An option out of range.
    #[error("{0}")]
    Options(String),
    /// Exact arithmetic failed.
    #[error(transparent)]
    Number(#[from] NumberError),
    /// The series of the activation failed at the bias.
    #[error(transparent)]
    Series(#[from] SeriesError),
    /// The several-variable expansion failed.
    #[error(transparent)]
    Multi(#[from] MultiError),
}

/// Options of [`analyze`].
#[derive(Clone, Debug)]
pub struct GateOptions {
    /// Number of inputs `n` (default 2).
    pub inputs: usize,
    /// Total degree of the expansion (default `n + 4`).
    pub degree: Option<usize>,
    /// A bias forced by the user (default: search).
    pub bias: Option<Const>,
}

impl Default for GateOptions {
    fn default() -> Self {
        GateOptions {
            inputs: 2,
            degree: None,
            bias: None,
        }
    }
}

/// The answer to "does this activation admit the gate".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// `sigma^(n)(b) != 0` is proved at the reported bias.
    Admits,
    /// Proved impossible (affine, polynomial of degree < n, every piece such).
    DoesNotAdmit,
    /// Neither a proof nor a bias was found.
    Undecided,
}

/// A term `c x^powers` of an expansion (in JSON: `powers` and `coefficient`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Term {
    /// Exponents of the inputs, in order.
    pub powers: Vec<i32>,
    /// The exact coefficient.
    pub coefficient: Const,
}

/// The remainder `f(x) - x_1...x_n` (its JSON is the `remainder` of the schema, less the
/// bound).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Remainder {
    /// The lowest total degree of a non-zero term (`None`: exact gate, or none found through
    /// `searched_degree`; see `exact`).
    pub order: Option<usize>,
    /// Proved exact: the remainder is zero near the origin (a polynomial piece of degree <= D).
    pub exact: bool,
    /// The terms of lowest degree.
    pub leading: Vec<Term>,
    /// The degree through which the expansion was searched.
    pub searched_degree: usize,
    /// The lowest term whose coefficient could not be proved zero or non-zero, when it leaves
    /// the order undecided (then `order` is `None`).
    pub undecided: Option<Term>,
}

/// Why the bias 0 was not used.
#[derive(Clone, Debug, PartialEq)]
pub enum AtZero {
    /// `sigma^(n)(0) = 0`, proved.
    Vanishes,
    /// `sigma^(n)(0)` is this value, neither proved zero nor non-zero.
    Undecided(Const),
    /// `sigma` cannot be expanded at 0 (the engine's message).
    NotSmooth(String),
}

/// The decisive facts behind a verdict, as data: [`crate::teach::reason`] puts them in words
/// in each language ([`GateReport::reason`] holds the English sentence).
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// Not decided yet.
    Pending,
    /// `sigma^(n)(bias) = derivative`, proved non-zero; `at_zero` says why 0 was not the bias.
    Admits {
        /// The bias.
        bias: Const,
        /// `sigma^(n)(bias)`.
        derivative: Const,
        /// Why the bias 0 was not used (`None` when the bias is 0 or was given).
        at_zero: Option<AtZero>,
    },
    /// Every piece of `sigma` is a polynomial of degree at most `degree < n`.
    LowDegree {
        /// The number of pieces (1: a polynomial).
        pieces: usize,
        /// The largest degree of a piece.
        degree: usize,
    },
    /// At the bias asked for, `sigma^(n)(bias) = 0`, proved.
    Vanishes {
        /// The bias asked for.
        bias: Const,
    },
    /// At the bias asked for, `sigma^(n)(bias) = value` is neither proved zero nor non-zero.
    Unproved {
        /// The bias asked for.
        bias: Const,
        /// The value of `sigma^(n)(bias)`.
        value: Const,
    },
    /// `sigma` cannot be expanded at the bias asked for.
    NotExpandable {
        /// The bias asked for.
        bias: Const,
        /// The engine's message.
        error: String,
    },
    /// The bias 0 failed and no candidate bias gave a proved non-zero `sigma^(n)(b)`.
    NoBias {
        /// Why the bias 0 failed.
        at_zero: AtZero,
    },
}

/// Everything [`analyze`] found.
#[derive(Clone, Debug)]
pub struct GateReport {
    /// The activation, as an expression in `x`.
    pub activation: Expr,
    /// Number of inputs.
    pub inputs: usize,
    /// The verdict.
    pub verdict: Verdict,
    /// Why (one sentence with the decisive fact, in English).
    pub reason: String,
    /// The same facts as data, for other languages and formats.
    pub why: Reason,
    /// The bias (when admitted).
    pub bias: Option<Const>,
    /// `sigma^(n)(b)`.
    pub derivative_at_bias: Option<Const>,
    /// `sigma^(n)(0)` when it could be computed.
    pub derivative_at_zero: Option<Const>,
    /// Hidden neurons (`2^n`).
    pub hidden: usize,
    /// Rows of `A1` (the sign vectors).
    pub a1: Vec<Vec<i32>>,
    /// Output weights `A2_s = s_1...s_n / (2^n sigma^(n)(b))`.
    pub a2: Vec<Const>,
    /// Total degree `D` of the expansion.
    pub degree: usize,
    /// Taylor coefficients `c_k = sigma^(k)(b) / k!` of the activation at the bias, `k = 0..D`.
    pub taylor: Vec<Const>,
    /// Every non-zero term of total degree `<= D` of the network's output.
    pub expansion: Vec<Term>,
    /// The remainder beyond the product.
    pub remainder: Remainder,
    /// Whether the expansion at the bias comes from a polynomial piece (so it is exact).
    pub polynomial_piece: bool,
}

/// The rows of `A1`: every sign vector, for `n = 2` in the slides' order
/// `(1,1), (-1,-1), (1,-1), (-1,1)`; otherwise `s` followed by `-s`.
pub fn sign_vectors(n: usize) -> Vec<Vec<i32>> {
    let half = 1usize << n.saturating_sub(1);
    let mut rows = Vec::with_capacity(2 * half);
    // The first sign is +1 in the first half of the enumeration; pair each s with -s.
    let mut firsts: Vec<Vec<i32>> = (0..half)
        .map(|m| {
            (0..n)
                .map(|i| {
                    if i > 0 && (m >> (n - 1 - i)) & 1 == 1 {
                        -1
                    } else {
                        1
                    }
                })
                .collect()
        })
        .collect();
    if n == 0 {
        firsts = vec![vec![]];
    }
    for s in firsts {
        let neg: Vec<i32> = s.iter().map(|x| -x).collect();
        rows.push(s);
        rows.push(neg);
    }
    if n == 0 {
        rows.truncate(1);
    }
    rows
}

/// The pieces of a piecewise polynomial, as a domain of the graph evaluator ([`crate::ir`]):
/// a value is the list of exact polynomials in `var`, one per choice of a branch at each `if`,
/// `abs`, `min` and `max` (conditions decided only when they are constants of proved sign);
/// `None` when a piece is not built as a polynomial (numbers and constants, `var`, `+ - *`,
/// division by a constant, powers with a constant non-negative integer exponent, at most
/// [`MAX_DEGREE`]), or there are more than [`MAX_PIECES`] pieces. A conservative, syntactic
/// reading: `exp(ln(x))` is not a polynomial.
struct PolynomialPieces {
    var: String,
    space: Arc<Space>,
}

type Pieces = Option<Vec<MultiSeries>>;

/// The exact constant of a polynomial piece, if it is one.
fn constant_piece(p: &MultiSeries) -> Option<Const> {
    (p.is_constant() && p.order().is_none()).then(|| p.constant_term())
}

/// The constants of every piece, if they all are.
fn constant_pieces(a: &[MultiSeries]) -> Option<Vec<Const>> {
    a.iter().map(constant_piece).collect()
}

impl PolynomialPieces {
    fn one(&self, p: MultiSeries) -> Result<Pieces, crate::ir::Cancelled> {
        Ok(Some(vec![p]))
    }

    /// Every combination of a piece of `a` and a piece of `b` under `f`.
    fn combine(
        &self,
        a: &[MultiSeries],
        b: &[MultiSeries],
        f: impl Fn(&MultiSeries, &MultiSeries) -> Option<MultiSeries>,
    ) -> Result<Pieces, crate::ir::Cancelled> {
        if a.len().saturating_mul(b.len()) > MAX_PIECES {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(a.len() * b.len());
        for x in a {
            for y in b {
                match f(x, y) {
                    Some(p) if p.order().is_none() && self.degree(&p) <= MAX_DEGREE => out.push(p),
                    _ => return Ok(None),
                }
            }
        }
        Ok(Some(out))
    }

    fn degree(&self, p: &MultiSeries) -> usize {
        p.terms()
            .keys()
            .map(|k| k[0].max(0) as usize)
            .max()
            .unwrap_or(0)
    }

    /// Applies `f` to the constant of every piece (all pieces must be constants).
    fn constants(
        &self,
        a: &[MultiSeries],
        f: impl Fn(&Const) -> Option<Const>,
    ) -> Result<Pieces, crate::ir::Cancelled> {
        let Some(cs) = constant_pieces(a) else {
            return Ok(None);
        };
        Ok(cs
            .iter()
            .map(|c| f(c).map(|v| MultiSeries::constant(&self.space, v)))
            .collect())
    }
}

/// Why a value is not a piecewise polynomial (any part that is not one, even a condition or
/// the guard of an argument, makes the whole not one), or the evaluation was cancelled.
#[derive(Debug)]
enum NotPolynomial {
    Not,
    Cancelled,
}

impl From<crate::ir::Cancelled> for NotPolynomial {
    fn from(_: crate::ir::Cancelled) -> NotPolynomial {
        NotPolynomial::Cancelled
    }
}

/// The pieces, or [`NotPolynomial::Not`].
fn pieces(p: Result<Pieces, crate::ir::Cancelled>) -> Result<Vec<MultiSeries>, NotPolynomial> {
    p?.ok_or(NotPolynomial::Not)
}

impl crate::ir::Domain for PolynomialPieces {
    type V = Vec<MultiSeries>;
    type Error = NotPolynomial;

    fn number(&mut self, q: &BigRational) -> Result<Self::V, Self::Error> {
        pieces(self.one(MultiSeries::constant(
            &self.space,
            Const::from_rational(q.clone()),
        )))
    }
    fn pi(&mut self) -> Result<Self::V, Self::Error> {
        pieces(self.one(MultiSeries::constant(&self.space, Const::pi())))
    }
    fn e(&mut self) -> Result<Self::V, Self::Error> {
        pieces(self.one(MultiSeries::constant(&self.space, Const::e())))
    }
    fn variable(&mut self, name: &str) -> Result<Self::V, Self::Error> {
        if name == self.var {
            pieces(self.one(MultiSeries::variable(&self.space, 0)))
        } else {
            Err(NotPolynomial::Not)
        }
    }
    fn neg(&mut self, a: &Self::V) -> Result<Self::V, Self::Error> {
        Ok(a.iter().map(MultiSeries::neg).collect())
    }
    fn add(&mut self, a: &Self::V, b: &Self::V) -> Result<Self::V, Self::Error> {
        pieces(self.combine(a, b, |x, y| Some(x.add(y))))
    }
    fn sub(&mut self, a: &Self::V, b: &Self::V) -> Result<Self::V, Self::Error> {
        pieces(self.combine(a, b, |x, y| Some(x.sub(y))))
    }
    fn mul(&mut self, a: &Self::V, b: &Self::V) -> Result<Self::V, Self::Error> {
        pieces(self.combine(a, b, |x, y| x.try_mul(y).ok()))
    }
    fn div(&mut self, a: &Self::V, b: &Self::V) -> Result<Self::V, Self::Error> {
        pieces(self.combine(a, b, |x, y| {
            let c = constant_piece(y)?;
            Some(x.scale(&c.recip().ok()?))
        }))
    }
    fn pow(&mut self, base: &Self::V, e: &Self::V, _: bool) -> Result<Self::V, Self::Error> {
        let target = MAX_DEGREE as i64 + 1;
        pieces(self.combine(base, e, |x, y| {
            let k = constant_piece(y)?;
            if let Some(c) = constant_piece(x) {
                return Some(MultiSeries::constant(&self.space, c.pow(&k).ok()?));
            }
            let k = k.to_rational()?;
            let small = k.is_integer()
                && !k.is_negative()
                && k <= BigRational::from_integer(BigInt::from(MAX_DEGREE));
            let k = small.then(|| k.to_integer().try_into().ok()).flatten()?;
            x.pow_int(k, target).ok()
        }))
    }
    fn call(&mut self, func: Func, a: &Self::V) -> Result<Self::V, Self::Error> {
        pieces(self.constants(a, |c| Const::apply(func, std::slice::from_ref(c)).ok()))
    }
    fn side(&mut self, cond: crate::ir::Cond<'_, Self::V>) -> Result<crate::ir::Side, Self::Error> {
        use crate::ir::Side;
        let sign = match constant_pieces(cond.d).as_deref() {
            Some([d]) => d.sign(),
            _ => Sign::Unknown,
        };
        let holds = match (sign, cond.op) {
            (Sign::Unknown, _) => return Ok(Side::Both),
            (Sign::Zero, op) => matches!(op, CmpOp::Le | CmpOp::Ge),
            (Sign::Positive, op) => matches!(op, CmpOp::Gt | CmpOp::Ge),
            (Sign::Negative, op) => matches!(op, CmpOp::Lt | CmpOp::Le),
        };
        Ok(if holds { Side::Then } else { Side::Other })
    }
    fn join(
        &mut self,
        _: crate::ir::Cond<'_, Self::V>,
        a: &Self::V,
        b: &Self::V,
    ) -> Result<Self::V, Self::Error> {
        if a.len() + b.len() > MAX_PIECES {
            return Err(NotPolynomial::Not);
        }
        Ok(a.iter().chain(b).cloned().collect())
    }
}

/// The degree in `var` of every piece of a piecewise polynomial `e` (one per choice of a
/// branch at each `if`, `abs`, `min` and `max`; see [`PolynomialPieces`]), proved by exact
/// expansion; `None` when some piece is not built as a polynomial or there are more than
/// [`MAX_PIECES`] pieces.
pub fn piece_degrees(e: &Expr, var: &str) -> Option<Vec<usize>> {
    let defs = crate::Definitions::new();
    let mut lowering = crate::ir::Lowering::new(&defs);
    let root = lowering.lower_scalar(e, "a piece").ok()?;
    let domain = PolynomialPieces {
        var: var.to_string(),
        space: Space::total_degree(&[var]),
    };
    let mut evaluator = crate::ir::Evaluator::new(lowering.graph(), domain);
    let pieces = evaluator.value(root).ok()?;
    let domain = evaluator.domain();
    Some(pieces.iter().map(|p| domain.degree(p)).collect())
}

/// The degree of `e` as a polynomial in `var`, when it is built as one (one piece; see
/// [`piece_degrees`]).
pub fn polynomial_degree(e: &Expr, var: &str) -> Option<usize> {
    match piece_degrees(e, var)?.as_slice() {
        [d] => Some(*d),
        _ => None,
    }
}

/// Exact candidate biases, simplest first (rational multiples of `ln 2`, `ln 3`, `pi` give
/// rational values for the logistic sigmoid, tanh and sin).
pub fn bias_candidates() -> Vec<Expr> {
    let ln = |n: i64| Expr::call(Func::Ln, Expr::int(n));
    let half = || Expr::int(1) / Expr::int(2);
    vec![
        Expr::int(1),
        -Expr::int(1),
        ln(2),
        ln(3),
        -ln(2),
        -ln(3),
        half(),
        -half(),
        Expr::int(2),
        -Expr::int(2),
        Expr::Pi / Expr::int(2),
        -(Expr::Pi / Expr::int(2)),
        Expr::Pi / Expr::int(4),
        Expr::int(3),
        -Expr::int(3),
        Expr::int(5),
        -Expr::int(5),
    ]
}

/// The Taylor coefficients of `sigma` at `b`, through degree `d`.
fn taylor_at(sigma: &Expr, b: &Const, d: usize) -> Result<Vec<Const>, SeriesError> {
    Ok(series::taylor(sigma, "x", b, d)?.coefficients().to_vec())
}

/// The outcome of trying one bias.
enum Trial {
    Admits(Vec<Const>),
    Vanishes,
    Unknown(Const),
    Fails(String),
}

fn try_bias(sigma: &Expr, b: &Const, n: usize, d: usize) -> Trial {
    match taylor_at(sigma, b, d) {
        Ok(c) => {
            let dn = derivative_from_coefficient(&c[n], n);
            match dn.zero_test() {
                ZeroTest::NonZero => Trial::Admits(c),
                ZeroTest::Zero => Trial::Vanishes,
                ZeroTest::Unknown => Trial::Unknown(dn),
            }
        }
        Err(e) => Trial::Fails(e.to_string()),
    }
}

/// Decides whether `sigma` (a built-in-only expression in `x`) admits the `n`-input
/// multiplication gate, finds a bias, and expands the network exactly.
pub fn analyze(sigma: &Expr, options: &GateOptions) -> Result<GateReport, GateError> {
    let mut report = find(sigma, options)?;
    report.reason = crate::teach::reason_text(&report.why, report.inputs, crate::teach::Lang::En);
    Ok(report)
}

/// [`analyze`] with the reason as data only.
fn find(sigma: &Expr, options: &GateOptions) -> Result<GateReport, GateError> {
    let n = options.inputs;
    if n == 0 || n > MAX_INPUTS {
        return Err(GateError::Options(format!(
            "--inputs must be between 1 and {MAX_INPUTS} (2^n hidden neurons), not {n}"
        )));
    }
    let degree = options.degree.unwrap_or(n + 4);
    if degree < n || degree > MAX_DEGREE {
        return Err(GateError::Options(format!(
            "--degree must be between the number of inputs ({n}) and {MAX_DEGREE}, not {degree}"
        )));
    }
    let _stage = crate::budget::stage(format!(
        "the gate analysis of σ(x) = {}",
        crate::budget::short(sigma)
    ));
    let mut report = GateReport {
        activation: sigma.clone(),
        inputs: n,
        verdict: Verdict::Undecided,
        reason: String::new(),
        why: Reason::Pending,
        bias: None,
        derivative_at_bias: None,
        derivative_at_zero: None,
        hidden: 1 << n,
        a1: sign_vectors(n),
        a2: vec![],
        degree,
        taylor: vec![],
        expansion: vec![],
        remainder: Remainder {
            order: None,
            exact: false,
            leading: vec![],
            searched_degree: degree,
            undecided: None,
        },
        polynomial_piece: false,
    };

    // Proofs of impossibility: every piece a polynomial of degree < n.
    let degrees = piece_degrees(sigma, "x");
    if let Some(ds) = &degrees {
        let max = ds.iter().copied().max().unwrap_or(0);
        if max < n {
            report.verdict = Verdict::DoesNotAdmit;
            report.why = Reason::LowDegree {
                pieces: ds.len(),
                degree: max,
            };
            return Ok(report);
        }
    }

    // The bias: forced, 0, or the simplest exact candidate that proves sigma^(n)(b) != 0.
    let zero = Const::zero();
    let mut at_zero: Option<AtZero> = None;
    let chosen: Option<(Const, Vec<Const>)> = if let Some(b) = &options.bias {
        match try_bias(sigma, b, n, degree) {
            Trial::Admits(c) => Some((b.clone(), c)),
            Trial::Vanishes => {
                report.verdict = Verdict::DoesNotAdmit;
                report.why = Reason::Vanishes { bias: b.clone() };
                if let Ok(c) = taylor_at(sigma, b, degree) {
                    report.derivative_at_bias = Some(derivative_from_coefficient(&c[n], n));
                }
                report.bias = Some(b.clone());
                return Ok(report);
            }
            Trial::Unknown(v) => {
                report.why = Reason::Unproved {
                    bias: b.clone(),
                    value: v,
                };
                report.bias = Some(b.clone());
                return Ok(report);
            }
            Trial::Fails(e) => {
                report.why = Reason::NotExpandable {
                    bias: b.clone(),
                    error: e.to_string(),
                };
                report.bias = Some(b.clone());
                return Ok(report);
            }
        }
    } else {
        match try_bias(sigma, &zero, n, degree) {
            Trial::Admits(c) => {
                report.derivative_at_zero = Some(derivative_from_coefficient(&c[n], n));
                Some((zero.clone(), c))
            }
            other => {
                match other {
                    Trial::Vanishes => {
                        report.derivative_at_zero = Some(Const::zero());
                        at_zero = Some(AtZero::Vanishes);
                    }
                    Trial::Unknown(v) => at_zero = Some(AtZero::Undecided(v)),
                    Trial::Fails(e) => at_zero = Some(AtZero::NotSmooth(e.to_string())),
                    Trial::Admits(_) => unreachable!(),
                }
                let mut best: Option<(Const, Vec<Const>)> = None;
                let candidates = bias_candidates();
                let search = crate::budget::stage("the bias search");
                for (i, cand) in candidates.iter().enumerate() {
                    search.progress(i, candidates.len(), "candidate biases tried");
                    let cand = cand.clone();
                    let Ok(b) = Const::from_expr(&cand) else {
                        continue;
                    };
                    if let Trial::Admits(c) = try_bias(sigma, &b, n, degree) {
                        let dn = derivative_from_coefficient(&c[n], n);
                        let rational = dn.is_rational() && c.iter().all(Const::is_rational);
                        if rational {
                            best = Some((b, c));
                            break;
                        }
                        if best.is_none() {
                            best = Some((b, c));
                        }
                    }
                }
                best
            }
        }
    };

    let Some((b, c)) = chosen else {
        report.why = Reason::NoBias {
            at_zero: at_zero.unwrap_or(AtZero::Vanishes),
        };
        return Ok(report);
    };
    let dn = derivative_from_coefficient(&c[n], n);
    report.verdict = Verdict::Admits;
    report.why = Reason::Admits {
        bias: b.clone(),
        derivative: dn.clone(),
        at_zero: if b.is_zero() { None } else { at_zero },
    };
    report.polynomial_piece = active_piece_is_polynomial(sigma, degrees.as_deref(), &b, degree);

    // Expand the network neuron by neuron, raising the degree until the remainder shows.
    let mut d = degree;
    let mut coefficients = c;
    let mut scales = Scales::new(&dn, n);
    loop {
        let expansion = expand_network(&coefficients, &mut scales, n, d)?;
        let sharp = sharp_remainder(&expansion, n);
        let done =
            sharp.nonzero_found || report.polynomial_piece || d + 4 > MAX_DEGREE || d >= degree + 8;
        // A higher order may not exist (a switching point whose sides agree only through d):
        // then report what is proved through d.
        let next = if done {
            None
        } else {
            taylor_at(sigma, &b, d + 4).ok()
        };
        if next.is_none() {
            if d == degree {
                report.expansion = expansion;
            } else {
                report.expansion = expansion
                    .into_iter()
                    .filter(|t| t.powers.iter().sum::<i32>() as usize <= degree)
                    .collect();
            }
            report.remainder.searched_degree = d;
            match sharp.order {
                Some(order) => {
                    report.remainder.order = Some(order as usize);
                    report.remainder.leading = sharp.leading;
                }
                None if sharp.undecided.is_some() => report.remainder.undecided = sharp.undecided,
                None => report.remainder.exact = report.polynomial_piece,
            }
            break;
        }
        d += 4;
        coefficients = next.expect("checked above");
    }
    let product = vec![1; n];
    if report.expansion.iter().all(|t| t.powers != product) {
        return Err(GateError::Options(
            "internal check failed: the expansion lacks the product term".into(),
        ));
    }
    let two_n = Const::from_int(1 << n);
    // One reciprocal for the 2^n weights +-1/(2^n sigma^(n)(b)).
    let denom = &two_n * &dn;
    let weight = if denom.is_rational() {
        None
    } else {
        Some(denom.recip()?)
    };
    let signed = |sign: i64| match &weight {
        Some(w) => Ok(&Const::from_int(sign) * w),
        None => Const::from_int(sign).checked_div(&denom),
    };
    let (plus, minus) = (signed(1)?, signed(-1)?);
    report.a2 = report
        .a1
        .iter()
        .map(|s| {
            if s.iter().product::<i32>() > 0 {
                plus.clone()
            } else {
                minus.clone()
            }
        })
        .collect();
    report.taylor = coefficients.into_iter().take(degree + 1).collect();
    report.bias = Some(b);
    report.derivative_at_bias = Some(dn);
    Ok(report)
}

/// Whether the piece of `sigma` active near `b` is a polynomial of degree `<= d` (then the
/// expansion at `b` is the whole function near `b`, and a zero remainder is exact).
/// `degrees` are `sigma`'s [`piece_degrees`], reused when the active piece is `sigma` itself
/// (no switching point to resolve), as for every smooth activation.
fn active_piece_is_polynomial(
    sigma: &Expr,
    degrees: Option<&[usize]>,
    b: &Const,
    d: usize,
) -> bool {
    let Some(piece) = active_piece(sigma, b) else {
        return false;
    };
    let degree = if piece == *sigma {
        match degrees {
            Some([deg]) => Some(*deg),
            _ => None,
        }
    } else {
        polynomial_degree(&piece, "x")
    };
    degree.is_some_and(|deg| deg <= d)
}

/// The expression that equals `e` on a neighbourhood of `x = b`: every `if`, `abs`, `min` and
/// `max` resolved by the proved strict sign of its switching quantity at `b` (`None` at a
/// switching point or when a sign is undecided).
pub fn active_piece(e: &Expr, b: &Const) -> Option<Expr> {
    let sign_at = |d: &Expr| -> Option<Sign> {
        match Const::from_expr_with(d, &[("x", b.clone())]).ok()?.sign() {
            s @ (Sign::Positive | Sign::Negative) => Some(s),
            _ => None,
        }
    };
    Some(match e {
        Expr::If(c, a, other) => {
            let s = sign_at(&Expr::bin(BinOp::Sub, c.lhs.clone(), c.rhs.clone()))?;
            let holds = match c.op {
                CmpOp::Gt | CmpOp::Ge => s == Sign::Positive,
                CmpOp::Lt | CmpOp::Le => s == Sign::Negative,
            };
            active_piece(if holds { a } else { other }, b)?
        }
        Expr::Call(Func::Abs, args) if args.len() == 1 => {
            let p = active_piece(&args[0], b)?;
            if sign_at(&args[0])? == Sign::Positive {
                p
            } else {
                -p
            }
        }
        Expr::Call(f @ (Func::Min | Func::Max), args) if args.len() == 2 => {
            let s = sign_at(&Expr::bin(BinOp::Sub, args[0].clone(), args[1].clone()))?;
            let first = (s == Sign::Positive) == (*f == Func::Max);
            active_piece(&args[if first { 0 } else { 1 }], b)?
        }
        Expr::Call(f, args) => Expr::Call(
            *f,
            args.iter()
                .map(|a| active_piece(a, b))
                .collect::<Option<_>>()?,
        ),
        Expr::Neg(a) => -active_piece(a, b)?,
        Expr::Bin(op, l, r) => Expr::bin(*op, active_piece(l, b)?, active_piece(r, b)?),
        other => other.clone(),
    })
}

/// `A2 sigma(A1 x + b1)` through total degree `d`, from the Taylor coefficients of sigma at b.
///
/// Neuron `s` contributes `A2_s sigma(b + s.x) = A2_s sum_k c_k (s.x)^k`. Summing over the
/// neurons order by order (linearity), the network is
/// `sum_k c_k / (2^n sigma^(n)(b)) * P_k(x)` with the integer polynomials
/// `P_k = sum_s (s_1...s_n) (s.x)^k`. By the multinomial theorem
/// `P_k = sum_a k!/a! x^a sum_s prod_i s_i^(a_i + 1)`, and the inner sum is `2^n` when every
/// `a_i` is odd, 0 otherwise (THEOREM.md): so
/// `P_k = 2^n sum_{a odd, |a| = k} k!/a! x^a`, read off directly instead of expanding the
/// `2^n` neurons' powers (`--inputs 8` has 256 neurons and, at degree 12, powers with 50,388
/// terms each; the closed form has 36 terms). Exact constants are only multiplied, once per
/// term, never summed.
///
/// `scales` keeps the factors `c_k / sigma^(n)(b)` from one call to the next (the loop of
/// [`find`] raises the degree with the same leading coefficients): each exact division of deep
/// constants is done once.
fn expand_network(
    c: &[Const],
    scales: &mut Scales,
    n: usize,
    d: usize,
) -> Result<Vec<Term>, GateError> {
    let stage = crate::budget::stage(format!("the network's expansion to degree {d}"));
    let mut terms: Vec<Term> = Vec::new();
    for (k, ck) in c.iter().enumerate().take(d + 1) {
        stage.progress(k, d + 1, "degrees");
        // a_i = 2 b_i + 1 with sum b_i = (k - n) / 2.
        if k < n || (k - n) % 2 == 1 || ck.is_zero() {
            continue;
        }
        let scale = scales.get(c, k)?;
        let k_factorial = factorial(k);
        for b in compositions((k - n) / 2, n) {
            crate::budget::check();
            let powers: Vec<i32> = b.iter().map(|&bi| 2 * bi as i32 + 1).collect();
            let a_factorial: BigInt = powers.iter().map(|&a| factorial(a as usize)).product();
            let multinomial = BigRational::new(k_factorial.clone(), a_factorial);
            terms.push(Term {
                powers,
                coefficient: &scale * &Const::from_rational(multinomial),
            });
        }
    }
    terms.sort_by(|a, b| {
        let da: i32 = a.powers.iter().sum();
        let db: i32 = b.powers.iter().sum();
        da.cmp(&db).then_with(|| b.powers.cmp(&a.powers))
    });
    Ok(terms)
}

/// The factors `c_k / sigma^(n)(b)` of [`expand_network`], each computed once, and
/// `c_n / sigma^(n)(b) = 1/n!` without dividing (`sigma^(n)(b)` is `n! c_n` by definition; for a
/// deep activation `c_n` alone is thousands of exact terms). The others are exact divisions
/// ([`Const::checked_div`]), which cancel the denominator factors `c_k` shares with
/// `sigma^(n)(b)` before multiplying anything out.
struct Scales {
    n: usize,
    dn: Const,
    /// Whether `dn` is `n! c_n` of the coefficients (a caller may pass another `dn`).
    dn_is_cn: Option<bool>,
    done: Vec<Option<Const>>,
}

impl Scales {
    fn new(dn: &Const, n: usize) -> Scales {
        Scales {
            n,
            dn: dn.clone(),
            dn_is_cn: None,
            done: Vec::new(),
        }
    }

    /// `c_k / dn` (the coefficients `c` of every call agree where both have them: the same exact
    /// series to a higher order).
    fn get(&mut self, c: &[Const], k: usize) -> Result<Const, GateError> {
        if let Some(Some(s)) = self.done.get(k) {
            return Ok(s.clone());
        }
        let ck = &c[k];
        let n = self.n;
        let scale = if k == n
            && *self
                .dn_is_cn
                .get_or_insert_with(|| self.dn == derivative_from_coefficient(&c[n], n))
        {
            Const::from_rational(BigRational::new(BigInt::from(1), factorial(n)))
        } else {
            ck.checked_div(&self.dn)?
        };
        if self.done.len() <= k {
            self.done.resize(k + 1, None);
        }
        self.done[k] = Some(scale.clone());
        Ok(scale)
    }
}

/// Every way of writing `m` as an ordered sum of `parts` non-negative integers.
fn compositions(m: usize, parts: usize) -> Vec<Vec<usize>> {
    if parts == 0 {
        return if m == 0 { vec![Vec::new()] } else { Vec::new() };
    }
    let mut out = Vec::new();
    for first in 0..=m {
        for mut rest in compositions(m - first, parts - 1) {
            rest.insert(0, first);
            out.push(rest);
        }
    }
    out
}

/// The names of the inputs: `u, v` for two, `x1..xn` otherwise.
pub fn input_names(n: usize) -> Vec<String> {
    match n {
        1 => vec!["x".into()],
        2 => vec!["u".into(), "v".into()],
        3 => vec!["u".into(), "v".into(), "w".into()],
        _ => (1..=n).map(|i| format!("x{i}")).collect(),
    }
}

/// The sharp remainder of an expansion: the terms other than the product, by total degree.
fn sharp_remainder(expansion: &[Term], n: usize) -> crate::remainder::Sharp<Term> {
    let product = vec![1; n];
    let rest: Vec<Term> = expansion
        .iter()
        .filter(|t| t.powers != product)
        .cloned()
        .collect();
    crate::remainder::sharp(
        &rest,
        |t| t.powers.iter().map(|&p| i64::from(p)).sum(),
        |t| &t.coefficient,
    )
}

/// A polynomial as an expression of the language, signs folded: `u*v - 1/12*u^3*v + ...`
/// (print it with [`crate::print::render`]).
pub fn polynomial_expr(terms: &[Term], names: &[String]) -> crate::expr::Expr {
    crate::print::polynomial(
        terms.iter().map(|t| (&t.coefficient, t.powers.as_slice())),
        names,
    )
}

/// A polynomial as text in the language: `u*v - 1/12*u^3*v + ...`.
pub fn polynomial_text(terms: &[Term], names: &[String]) -> String {
    polynomial_expr(terms, names).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The closed form of `expand_network` against the neurons expanded one by one.
    #[test]
    fn network_expansion_matches_the_neurons() {
        for n in 1..=4 {
            let names = input_names(n);
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let space: Arc<Space> = Space::total_degree(&refs);
            let d = n + 5;
            // c_k = (k + 2)/(k + 1)^2 + k ln 2: every k non-zero, irrational from k = 1.
            let c: Vec<Const> = (0..=d as i64)
                .map(|k| {
                    let q = Const::from_rational(BigRational::new(
                        (k + 2).into(),
                        ((k + 1) * (k + 1)).into(),
                    ));
                    let ln2 = Const::apply(Func::Ln, &[Const::from_int(2)]).unwrap();
                    &q + &(&Const::from_int(k) * &ln2)
                })
                .collect();
            let dn = Const::from_int(3);
            let weight = (&Const::from_int(1 << n) * &dn).recip().unwrap();
            let mut total = MultiSeries::zero(&space);
            for s in sign_vectors(n) {
                let sign: i64 = s.iter().map(|&x| i64::from(x)).product();
                let mut h = MultiSeries::zero(&space);
                for (i, si) in s.iter().enumerate() {
                    h = h.add(
                        &MultiSeries::variable(&space, i).scale(&Const::from_int(i64::from(*si))),
                    );
                }
                let mut power = MultiSeries::constant(&space, Const::one());
                for (k, ck) in c.iter().enumerate() {
                    if k > 0 {
                        power = power.mul(&h).truncate(d as i64 + 1);
                    }
                    total = total.add(&power.scale(&(&(ck * &weight) * &Const::from_int(sign))));
                }
            }
            let got = expand_network(&c, &mut Scales::new(&dn, n), n, d).unwrap();
            let want: Vec<(Vec<i32>, Const)> = total
                .truncate(d as i64 + 1)
                .terms()
                .iter()
                .filter(|(_, c)| !c.is_zero())
                .map(|(e, c)| (e.clone(), c.clone()))
                .collect();
            assert_eq!(got.len(), want.len(), "n = {n}");
            for (e, c) in want {
                let t = got
                    .iter()
                    .find(|t| t.powers == e)
                    .expect("a term of the expansion");
                assert_eq!(t.coefficient, c, "n = {n}, x^{e:?}");
            }
        }
    }
}
