//! Truncated series in several variables over the exact numbers, vectors and matrices of them,
//! and an evaluator of expressions (networks) over them.
//!
//! A [`MultiSeries`] lives in a [`Space`]: its variables and a *weight* per variable. The
//! truncation counts the weighted degree `sum w_i e_i` of a monomial `x^e`:
//!
//! * weights all 1: truncation by **total degree** (`O(|x|^k)`);
//! * weight 1 for one variable (`lambda`) and 0 for the others: truncation by the degree in
//!   `lambda`, the other variables kept as exact polynomial coefficients (`O(lambda^k)`).
//!
//! The truncation order is part of the value (as in symbolica's `Series`): a series with
//! `order = Some(n)` knows every term of weight `< n` and nothing beyond; `order = None` means
//! the value is an exact polynomial. Every operation computes the order of its result
//! (`(a + O(n)) (b + O(m)) = ab + O(min(n + val b, m + val a))`), so a lost order can never
//! silently produce a wrong coefficient.
//!
//! [`Evaluator`] evaluates an [`Expr`] to a [`Value`] (a scalar series or a vector / matrix of
//! them): arithmetic, matrix-vector and row-times-column products, built-ins and user
//! definitions applied entry by entry to vectors, and `sigma(P)` of a multivariate `P` by
//! composing the one-variable Taylor series of `sigma` around the constant term of `P`.
//!
//! ```
//! use taylorgate::multi::{MultiSeries, Space};
//! use taylorgate::Const;
//! let space = Space::total_degree(&["u", "v"]);
//! let u = MultiSeries::variable(&space, 0);
//! let v = MultiSeries::variable(&space, 1);
//! let s = u.add(&v);
//! let sq = s.mul(&s); // u^2 + 2uv + v^2, exact
//! assert_eq!(sq.coefficient(&[1, 1]), Const::from_int(2));
//! assert_eq!(sq.order(), None);
//! ```

use crate::diff;
use crate::expr::{BinOp, CmpOp, Definitions, Expr, Func};
use crate::ir::{Cond, Domain, LowerError, Lowering, Piece, Side};
use crate::number::{Const, NumberError, Sign, ZeroTest};
use crate::series::{self, SeriesError};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed};
use std::collections::BTreeMap;
use std::sync::Arc;
use thiserror::Error;

/// Errors of the several-variable layer.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum MultiError {
    /// Exact arithmetic failed.
    #[error(transparent)]
    Number(#[from] NumberError),
    /// A one-variable series failed (pole, branch point, kink, ...).
    #[error(transparent)]
    Series(#[from] SeriesError),
    /// Differentiation or inlining failed.
    #[error(transparent)]
    Diff(#[from] diff::DiffError),
    /// Shapes do not fit (vector lengths, matrix sizes, a vector where a scalar is needed).
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// A name that is neither a variable of the space, a parameter, nor a definition.
    #[error("unknown name `{0}`")]
    UnknownName(String),
    /// A function expanded around a point that is not a constant (its weight-0 part depends on
    /// a variable kept symbolic).
    #[error("cannot expand {0} around a non-constant point (its part of weight 0 depends on a symbolic variable)")]
    NonConstantPoint(String),
    /// Division by a series whose constant term is zero and which is not a monomial times a
    /// series with a non-zero constant term (whose remainder that monomial divides).
    #[error("division by {0}, which vanishes at the expansion point and is not a monomial times a series that does not")]
    DivisionBySingular(String),
    /// The sign of a constant term could not be decided (needed by `abs`, `min`, `max`, `if`).
    #[error("cannot decide the sign of {0}")]
    UndecidedSign(String),
    /// A kink: `abs`, `min`, `max` or `if` exactly at its switching point with sides that differ.
    #[error("not smooth: {0} is at its switching point and its two sides differ")]
    Kink(String),
    /// A limit on the size of the computation.
    #[error("too large: {0}")]
    TooLarge(String),
}

/// Largest number of terms a series may hold before the computation is refused.
pub const MAX_TERMS: usize = 2_000_000;
/// Largest integer power expanded by repeated multiplication.
pub const MAX_POWER: u64 = 10_000;
/// Largest exponent of a variable in a monomial (`u^(2^31)` is refused, never wrapped).
pub const MAX_EXPONENT: i64 = i32::MAX as i64;

/// `a + b` for exponent vectors, in checked 64-bit arithmetic, within [`MAX_EXPONENT`].
fn add_exponents(a: &[i32], b: &[i32]) -> Result<Vec<i32>, MultiError> {
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            let e = i64::from(*x) + i64::from(*y);
            i32::try_from(e)
                .ok()
                .filter(|e| i64::from(e.unsigned_abs()) <= MAX_EXPONENT)
                .ok_or_else(|| {
                    MultiError::TooLarge(format!(
                        "an exponent {e} beyond the limit {MAX_EXPONENT} of a monomial"
                    ))
                })
        })
        .collect()
}

/// `a + b` for orders and weights, in checked 64-bit arithmetic.
fn add_orders(a: i64, b: i64) -> Result<i64, MultiError> {
    a.checked_add(b)
        .ok_or_else(|| MultiError::TooLarge(format!("an order {a} + {b} beyond 64-bit arithmetic")))
}

/// `order + shift` for an optional order.
fn shift_order(order: Option<i64>, shift: i64) -> Result<Option<i64>, MultiError> {
    order.map(|n| add_orders(n, shift)).transpose()
}

/// The variables of a computation and their weights in the truncation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Space {
    names: Vec<String>,
    weights: Vec<i64>,
}

impl Space {
    /// Truncation by total degree in all the variables.
    pub fn total_degree(names: &[&str]) -> Arc<Space> {
        Arc::new(Space {
            names: names.iter().map(|s| s.to_string()).collect(),
            weights: vec![1; names.len()],
        })
    }

    /// Truncation by the degree in `main` only; the other variables are kept as exact
    /// polynomial coefficients.
    pub fn degree_in(names: &[&str], main: &str) -> Arc<Space> {
        Arc::new(Space {
            names: names.iter().map(|s| s.to_string()).collect(),
            weights: names.iter().map(|n| i64::from(*n == main)).collect(),
        })
    }

    /// The variable names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The index of a variable.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The weighted degree of a monomial, in checked 64-bit arithmetic (saturating at the
    /// bounds of `i64`, never wrapping: a saturated weight lies beyond every order).
    pub fn weight(&self, exponents: &[i32]) -> i64 {
        exponents
            .iter()
            .zip(&self.weights)
            .try_fold(0i64, |acc, (e, w)| {
                acc.checked_add(i64::from(*e).checked_mul(*w)?)
            })
            .unwrap_or(if exponents.iter().any(|e| *e < 0) {
                i64::MIN
            } else {
                i64::MAX
            })
    }
}

/// A truncated series in several variables: exact terms of weight `< order`, plus `O(order)`.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiSeries {
    space: Arc<Space>,
    terms: BTreeMap<Vec<i32>, Const>,
    order: Option<i64>,
}

/// Structural zero (the normal form of zero). `ZeroTest::Zero` is only ever decided this way,
/// so this is exactly the zero test's `Zero`, without running any numeric fallback.
fn is_zero(c: &Const) -> bool {
    c.is_zero()
}

fn min_order(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

impl MultiSeries {
    /// The zero polynomial (exact).
    pub fn zero(space: &Arc<Space>) -> MultiSeries {
        MultiSeries {
            space: space.clone(),
            terms: BTreeMap::new(),
            order: None,
        }
    }

    /// An exact constant.
    pub fn constant(space: &Arc<Space>, c: Const) -> MultiSeries {
        let mut s = MultiSeries::zero(space);
        if !is_zero(&c) {
            s.terms.insert(vec![0; space.names.len()], c);
        }
        s
    }

    /// The `i`-th variable of the space (exact).
    pub fn variable(space: &Arc<Space>, i: usize) -> MultiSeries {
        let mut e = vec![0; space.names.len()];
        e[i] = 1;
        MultiSeries::monomial(space, e, Const::one())
    }

    /// `c x^e` (exact).
    pub fn monomial(space: &Arc<Space>, exponents: Vec<i32>, c: Const) -> MultiSeries {
        let mut s = MultiSeries::zero(space);
        if !is_zero(&c) {
            s.terms.insert(exponents, c);
        }
        s
    }

    /// The space this series lives in.
    pub fn space(&self) -> &Arc<Space> {
        &self.space
    }

    /// The truncation order (`None`: exact polynomial).
    pub fn order(&self) -> Option<i64> {
        self.order
    }

    /// The known non-zero terms, by exponent vector.
    pub fn terms(&self) -> &BTreeMap<Vec<i32>, Const> {
        &self.terms
    }

    /// The coefficient of `x^e` (zero when absent; meaningful only below the order).
    pub fn coefficient(&self, exponents: &[i32]) -> Const {
        self.terms
            .get(exponents)
            .cloned()
            .unwrap_or_else(Const::zero)
    }

    /// The lowest weight of a non-zero term (`None` for the zero series).
    pub fn valuation(&self) -> Option<i64> {
        self.terms.keys().map(|e| self.space.weight(e)).min()
    }

    /// The coefficient of the monomial with all exponents zero.
    pub fn constant_term(&self) -> Const {
        self.coefficient(&vec![0; self.space.names.len()])
    }

    /// Whether every term has all exponents zero (the value is a constant, up to its order).
    pub fn is_constant(&self) -> bool {
        self.terms.keys().all(|e| e.iter().all(|&x| x == 0))
    }

    /// Drops every term of weight `>= n` and lowers the order to at most `n`.
    pub fn truncate(&self, n: i64) -> MultiSeries {
        let order = min_order(self.order, Some(n));
        self.with_order(order)
    }

    fn with_order(&self, order: Option<i64>) -> MultiSeries {
        let terms = match order {
            None => self.terms.clone(),
            Some(n) => self
                .terms
                .iter()
                .filter(|(e, _)| self.space.weight(e) < n)
                .map(|(e, c)| (e.clone(), c.clone()))
                .collect(),
        };
        MultiSeries {
            space: self.space.clone(),
            terms,
            order,
        }
    }

    /// `self + other`.
    pub fn add(&self, other: &MultiSeries) -> MultiSeries {
        let order = min_order(self.order, other.order);
        let mut terms = self.terms.clone();
        for (e, c) in &other.terms {
            let sum = match terms.get(e) {
                Some(a) => a + c,
                None => c.clone(),
            };
            if is_zero(&sum) {
                terms.remove(e);
            } else {
                terms.insert(e.clone(), sum);
            }
        }
        MultiSeries {
            space: self.space.clone(),
            terms,
            order,
        }
        .with_order(order)
    }

    /// `-self`.
    pub fn neg(&self) -> MultiSeries {
        MultiSeries {
            space: self.space.clone(),
            terms: self.terms.iter().map(|(e, c)| (e.clone(), -c)).collect(),
            order: self.order,
        }
    }

    /// `self - other`.
    pub fn sub(&self, other: &MultiSeries) -> MultiSeries {
        self.add(&other.neg())
    }

    /// `c * self`.
    pub fn scale(&self, c: &Const) -> MultiSeries {
        if is_zero(c) {
            return MultiSeries {
                space: self.space.clone(),
                terms: BTreeMap::new(),
                order: self.order,
            };
        }
        MultiSeries {
            space: self.space.clone(),
            terms: self.terms.iter().map(|(e, a)| (e.clone(), a * c)).collect(),
            order: self.order,
        }
    }

    /// `self * other`, with the order of the result computed exactly.
    ///
    /// **Panics** when the product has more than [`MAX_TERMS`] terms or an exponent beyond
    /// [`MAX_EXPONENT`]; code whose sizes depend on input uses [`MultiSeries::try_mul`].
    pub fn mul(&self, other: &MultiSeries) -> MultiSeries {
        self.try_mul(other)
            .expect("series products within MAX_TERMS never fail")
    }

    /// `self * other`, refusing results with more than [`MAX_TERMS`] terms or an exponent
    /// beyond [`MAX_EXPONENT`].
    pub fn try_mul(&self, other: &MultiSeries) -> Result<MultiSeries, MultiError> {
        let va = self.valuation();
        let vb = other.valuation();
        // (a + O(n))(b + O(m)) = ab + O(n + val b) + O(m + val a).
        let order = match (va, vb) {
            (None, _) | (_, None) => {
                // One factor is zero up to its order: the product is O(order + val other).
                let oa = shift_order(self.order, vb.unwrap_or(0))?;
                let ob = shift_order(other.order, va.unwrap_or(0))?;
                let order = min_order(oa, ob);
                return Ok(MultiSeries {
                    space: self.space.clone(),
                    terms: BTreeMap::new(),
                    order,
                });
            }
            (Some(va), Some(vb)) => {
                min_order(shift_order(self.order, vb)?, shift_order(other.order, va)?)
            }
        };
        let mut terms: BTreeMap<Vec<i32>, Const> = BTreeMap::new();
        for (ea, ca) in &self.terms {
            let wa = self.space.weight(ea);
            for (eb, cb) in &other.terms {
                if let Some(n) = order {
                    if wa.saturating_add(self.space.weight(eb)) >= n {
                        continue;
                    }
                }
                let e = add_exponents(ea, eb)?;
                let p = ca * cb;
                match terms.get_mut(&e) {
                    Some(acc) => *acc = &*acc + &p,
                    None => {
                        terms.insert(e, p);
                    }
                }
            }
            if terms.len() > MAX_TERMS {
                return Err(MultiError::TooLarge(format!(
                    "a product with more than {MAX_TERMS} terms"
                )));
            }
        }
        terms.retain(|_, c| !is_zero(c));
        Ok(MultiSeries {
            space: self.space.clone(),
            terms,
            order,
        })
    }

    /// Whether the series is a single exact-coefficient monomial `c x^e` (possibly truncated).
    fn as_monomial(&self) -> Option<(&Vec<i32>, &Const)> {
        if self.terms.len() == 1 {
            self.terms.iter().next()
        } else {
            None
        }
    }

    /// `self ^ k` for an integer `k` (negative powers of monomials and of series with a
    /// non-zero constant term; `target` bounds the order of non-polynomial results).
    pub fn pow_int(&self, k: i64, target: i64) -> Result<MultiSeries, MultiError> {
        if k.unsigned_abs() > MAX_POWER {
            return Err(MultiError::TooLarge(format!(
                "power {k} (at most {MAX_POWER})"
            )));
        }
        if k < 0 {
            return self.recip(target)?.pow_int(-k, target);
        }
        let mut result = MultiSeries::constant(&self.space, Const::one());
        let mut base = self.clone();
        let mut k = k as u64;
        while k > 0 {
            if k & 1 == 1 {
                result = result.try_mul(&base)?.bound(target);
            }
            k >>= 1;
            if k > 0 {
                base = base.try_mul(&base)?.bound(target);
            }
        }
        Ok(result)
    }

    /// Truncates an exact polynomial that has grown beyond `target` only when it holds terms of
    /// weight `>= target` (keeps exact polynomials exact when they fit).
    fn bound(self, target: i64) -> MultiSeries {
        if self.order.is_none() && self.terms.keys().all(|e| self.space.weight(e) < target) {
            self
        } else {
            self.truncate(target)
        }
    }

    /// `1 / self`.
    pub fn recip(&self, target: i64) -> Result<MultiSeries, MultiError> {
        if let Some((e, c)) = self.as_monomial() {
            if self.order.is_none() || self.is_constant() {
                let inv = c.recip()?;
                let e: Vec<i32> = e.iter().map(|x| -x).collect();
                let w = self.space.weight(&e);
                let mut r = MultiSeries::monomial(&self.space, e, inv);
                // (c x^e + O(n))^-1 = c^-1 x^-e (1 + O(n - w(e))).
                let twice = w.checked_mul(2).ok_or_else(|| {
                    MultiError::TooLarge(format!("a weight {w} beyond 64-bit arithmetic"))
                })?;
                r.order = shift_order(self.order, twice)?;
                return Ok(r);
            }
        }
        let c0 = self.constant_term();
        match c0.zero_test() {
            ZeroTest::NonZero => {}
            ZeroTest::Zero => {
                // x^g u with u(0) != 0: 1/self = x^-g (1/u), u's reciprocal known through
                // `target + w(g)` so that the quotient is known through `target`.
                let Some((g, u)) = self.monomial_factor() else {
                    return Err(MultiError::DivisionBySingular(self.describe()));
                };
                if u.constant_term().zero_test() != ZeroTest::NonZero {
                    return Err(MultiError::DivisionBySingular(self.describe()));
                }
                let w = self.space.weight(&g);
                let inv = u.recip(target.saturating_add(w))?;
                let neg: Vec<i32> = g.iter().map(|k| -k).collect();
                return MultiSeries::monomial(&self.space, neg, Const::one()).try_mul(&inv);
            }
            ZeroTest::Unknown => {
                return Err(MultiError::Number(NumberError::UndecidedZero(
                    c0.to_string(),
                )))
            }
        }
        let t = Expr::var("t");
        self.compose_expr(&(Expr::int(1) / t), "t", target)
    }

    /// `self = x^g u` with `x^g` the largest monomial dividing every known term (`g != 0`),
    /// when it also divides the unknown remainder `O(order)`: `self` is exact, or `x^g` is a
    /// power of the only variable of positive weight with `w(g) <= order` (the remainder's
    /// terms have weight `>= order` in that variable alone). `(g, u)`, `u` known through
    /// `order - w(g)`.
    fn monomial_factor(&self) -> Option<(Vec<i32>, MultiSeries)> {
        let mut keys = self.terms.keys();
        let first = keys.next()?.clone();
        let g: Vec<i32> = keys.fold(first, |g, e| {
            g.iter().zip(e).map(|(a, b)| (*a).min(*b)).collect()
        });
        if g.iter().all(|&k| k == 0) || g.iter().any(|&k| k < 0) {
            return None;
        }
        let w = self.space.weight(&g);
        if let Some(n) = self.order {
            let mut positive = (0..g.len()).filter(|&i| self.space.weights[i] > 0);
            let (Some(j), None) = (positive.next(), positive.next()) else {
                return None;
            };
            if w > n || g.iter().enumerate().any(|(i, &k)| i != j && k != 0) {
                return None;
            }
        }
        let terms = self
            .terms
            .iter()
            .map(|(e, c)| (e.iter().zip(&g).map(|(a, b)| a - b).collect(), c.clone()))
            .collect();
        let u = MultiSeries {
            space: self.space.clone(),
            terms,
            order: self.order.map(|n| n - w),
        };
        Some((g, u))
    }

    /// A short description for error messages.
    fn describe(&self) -> String {
        let shown = crate::print::polynomial(
            self.terms.iter().take(4).map(|(e, c)| (c, e.as_slice())),
            &self.space.names,
        );
        let more = if self.terms.len() > 4 { " + ..." } else { "" };
        format!("{shown}{more}")
    }

    /// The parts `(c0, H)` with `self = c0 + H`, `c0` the constant term and every term of `H`
    /// of positive weight; fails when a variable kept symbolic appears with weight 0.
    fn split_constant(&self, what: &str) -> Result<(Const, MultiSeries), MultiError> {
        let c0 = self.constant_term();
        let mut h = self.clone();
        h.terms.retain(|e, _| e.iter().any(|&x| x != 0));
        if h.terms.keys().any(|e| self.space.weight(e) <= 0) {
            return Err(MultiError::NonConstantPoint(what.to_string()));
        }
        Ok((c0, h))
    }

    /// `F(self)` where `f_expr` is a built-in-only expression in `var`: the one-variable Taylor
    /// series of `F` around the constant term `c0` of `self`, composed with `self - c0`. The
    /// result is known through weight `< min(order of self, target)`.
    pub fn compose_expr(
        &self,
        f_expr: &Expr,
        var: &str,
        target: i64,
    ) -> Result<MultiSeries, MultiError> {
        // Messages name the argument (`ln at u + v = 0`), not the internal variable.
        let shown = self.describe();
        let named = f_expr.substitute(&[var.to_string()], &[Expr::var(&shown)]);
        let (f_expr, var) = (&named, shown.as_str());
        let (c0, h) = self.split_constant(&f_expr.to_string())?;
        let order = min_order(self.order, Some(target)).unwrap_or(target);
        let Some(vh) = h.valuation() else {
            // The argument is a constant up to its order.
            let value = Const::from_expr_with(f_expr, &[(var, c0.clone())])?;
            let mut r = MultiSeries::constant(&self.space, value);
            r.order = self.order;
            if self.order.is_some() {
                // F(c0 + O(n)) = F(c0) + O(n) when F is smooth at c0: check it by a series.
                series::taylor(f_expr, var, &c0, 1)?;
            }
            return Ok(r);
        };
        if order <= 0 {
            return Ok(MultiSeries {
                space: self.space.clone(),
                terms: BTreeMap::new(),
                order: Some(order),
            });
        }
        let kmax = ((order - 1) / vh).max(0) as usize;
        let s = series::taylor(f_expr, var, &c0, kmax)?;
        compose_coefficients(s.coefficients(), &h, order)
    }

    /// Whether the two series agree on every term below the smaller of their orders.
    pub fn agrees_with(&self, other: &MultiSeries) -> bool {
        self.sub(other).terms.is_empty()
    }
}

/// `sum_k c_k H^k`, truncated at weight `order` (H has positive valuation).
pub fn compose_coefficients(
    coefficients: &[Const],
    h: &MultiSeries,
    order: i64,
) -> Result<MultiSeries, MultiError> {
    let space = h.space.clone();
    let mut result = MultiSeries::zero(&space);
    let mut power = MultiSeries::constant(&space, Const::one());
    for (k, c) in coefficients.iter().enumerate() {
        if k > 0 {
            power = power.try_mul(h)?.truncate(order);
        }
        if power.terms.is_empty() && k > 0 {
            break;
        }
        if !is_zero(c) {
            result = result.add(&power.scale(c));
        }
    }
    Ok(result.truncate(order))
}

/// `sum_n w_n sum_{k < m} t_k (a_n . x)^k` exactly, as a polynomial (order `None`): the Taylor
/// polynomials of a sum of ridge functions `w_n T(a_n . x)` (the neurons of one activation)
/// through total degree `m - 1`. `neurons` holds `(a_n, w_n)`, one input weight per variable.
///
/// Term by term, `x^al` has the coefficient `t_|al| |al|!/al! sum_n w_n a_n^al`. The exponents
/// are chosen one variable at a time; after each choice the neurons whose remaining inputs
/// agree are merged (their weights `w_n a_n1^al_1 ...` summed) and a branch whose weights all
/// cancel is dropped. A sum over many neurons that cancels costs little: for the `2^n` sign
/// vectors of the multiplication gate the neurons halve at each variable and every even
/// exponent cancels, where expanding each neuron (Horner, `C(m - 1 + n, n)` terms per neuron
/// and step) costs `2^n m C(m - 1 + n, n)` products. Without any merging the work is about
/// `neurons * (n + 1)` products per monomial.
pub fn ridge_sum(
    space: &Arc<Space>,
    neurons: &[(&[Const], &Const)],
    t: &[Const],
    m: usize,
) -> Result<MultiSeries, MultiError> {
    struct Walk<'a> {
        inputs: Vec<&'a [Const]>,
        t: &'a [Const],
        m: usize,
        factorials: Vec<BigInt>,
        alpha: Vec<i32>,
        terms: BTreeMap<Vec<i32>, Const>,
    }
    impl Walk<'_> {
        /// The neurons `group` (index, weight so far) at variable `i`, total degree `deg`.
        fn run(
            &mut self,
            i: usize,
            deg: usize,
            group: Vec<(usize, Const)>,
        ) -> Result<(), MultiError> {
            crate::budget::check();
            if i == self.alpha.len() {
                let w = group.iter().fold(Const::zero(), |acc, (_, w)| &acc + w);
                let Some(tk) = self.t.get(deg).filter(|c| !is_zero(c)) else {
                    return Ok(());
                };
                if is_zero(&w) {
                    return Ok(());
                }
                let den: BigInt = self
                    .alpha
                    .iter()
                    .map(|&a| self.factorials[a as usize].clone())
                    .product();
                let multinomial = BigRational::new(self.factorials[deg].clone(), den);
                let c = &(tk * &w) * &Const::from_rational(multinomial);
                if !is_zero(&c) {
                    if self.terms.len() >= MAX_TERMS {
                        return Err(MultiError::TooLarge(format!(
                            "a sum of neurons with more than {MAX_TERMS} terms"
                        )));
                    }
                    self.terms.insert(self.alpha.clone(), c);
                }
                return Ok(());
            }
            let mut cur = group;
            for j in 0..self.m - deg {
                if j > 0 {
                    for (n, w) in cur.iter_mut() {
                        *w = &*w * &self.inputs[*n][i];
                    }
                    cur.retain(|(_, w)| !is_zero(w));
                    if cur.is_empty() {
                        break;
                    }
                }
                // Merge the neurons whose inputs after variable i agree.
                let mut index: std::collections::HashMap<&[Const], usize> =
                    std::collections::HashMap::new();
                let mut merged: Vec<(usize, Const)> = Vec::new();
                for (n, w) in &cur {
                    let key = &self.inputs[*n][i + 1..];
                    match index.get(key) {
                        Some(&k) => merged[k].1 = &merged[k].1 + w,
                        None => {
                            index.insert(key, merged.len());
                            merged.push((*n, w.clone()));
                        }
                    }
                }
                merged.retain(|(_, w)| !is_zero(w));
                if merged.is_empty() {
                    continue;
                }
                self.alpha[i] = j as i32;
                self.run(i + 1, deg + j, merged)?;
                self.alpha[i] = 0;
            }
            Ok(())
        }
    }
    let vars = space.names().len();
    let mut walk = Walk {
        inputs: neurons.iter().map(|(a, _)| *a).collect(),
        t,
        m,
        factorials: (0..=m.max(1))
            .scan(BigInt::one(), |f, k| {
                if k > 0 {
                    *f *= BigInt::from(k);
                }
                Some(f.clone())
            })
            .collect(),
        alpha: vec![0; vars],
        terms: BTreeMap::new(),
    };
    if neurons.iter().any(|(a, _)| a.len() != vars) {
        return Err(MultiError::Shape(format!(
            "a neuron needs one input weight per variable ({vars})"
        )));
    }
    let group: Vec<(usize, Const)> = neurons
        .iter()
        .enumerate()
        .filter(|(_, (_, w))| !is_zero(w))
        .map(|(n, (_, w))| (n, (*w).clone()))
        .collect();
    if m > 0 && !group.is_empty() {
        walk.run(0, 0, group)?;
    }
    Ok(MultiSeries {
        space: space.clone(),
        terms: walk.terms,
        order: None,
    })
}

/// `u^2*v` style text of a monomial (for messages and reports).
pub fn monomial_text(space: &Space, exponents: &[i32]) -> String {
    crate::print::monomial(&space.names, exponents).to_string()
}

/// A value of the evaluator: a scalar series, or a vector (a matrix is a vector of rows); the
/// shape rules are those of [`crate::shape`].
pub type Value = crate::shape::Value<MultiSeries>;

impl From<crate::shape::ShapeError> for MultiError {
    fn from(e: crate::shape::ShapeError) -> MultiError {
        MultiError::Shape(e.0)
    }
}

/// Evaluates expressions (networks, claims) to truncated series in a [`Space`].
///
/// The expression is lowered to the graph ([`crate::ir`]), which resolves definitions, vectors
/// and matrices; the graph is then evaluated in the domain of several-variable series.
/// One-parameter functions (built-ins and user definitions) applied to a vector act entry by
/// entry; `A * x` is a matrix-vector product when `A` is a matrix, a row-times-column (dot)
/// product when both are vectors, a matrix product for two matrices, and scaling when one side
/// is a scalar. `+` and `-` act entry by entry (a scalar is broadcast); `/` divides by a scalar.
pub struct Evaluator<'a> {
    defs: &'a Definitions,
    space: Arc<Space>,
    target: i64,
}

impl From<LowerError> for MultiError {
    fn from(e: LowerError) -> MultiError {
        match e {
            LowerError::UnknownFunction(name) | LowerError::UnknownName(name) => {
                MultiError::UnknownName(name)
            }
            LowerError::Shape(s) => MultiError::Shape(s.0),
            LowerError::Derivative(d) => MultiError::Diff(d),
            e @ (LowerError::Arity(_)
            | LowerError::Recursive(_)
            | LowerError::TooLarge
            | LowerError::TreeTooLarge
            | LowerError::TooDeep(_)) => MultiError::TooLarge(e.to_string()),
        }
    }
}

impl From<crate::ir::Cancelled> for MultiError {
    fn from(c: crate::ir::Cancelled) -> MultiError {
        MultiError::Number(c.into())
    }
}

impl<'a> Evaluator<'a> {
    /// An evaluator in `space` that truncates non-polynomial results at weight `target`.
    pub fn new(defs: &'a Definitions, space: Arc<Space>, target: i64) -> Evaluator<'a> {
        Evaluator {
            defs,
            space,
            target,
        }
    }

    /// The space.
    pub fn space(&self) -> &Arc<Space> {
        &self.space
    }

    /// Evaluates `expr` (free names are the space's variables or definitions).
    pub fn eval(&self, expr: &Expr) -> Result<Value, MultiError> {
        let mut lowering = Lowering::new(self.defs);
        let root = lowering.lower(expr)?;
        let domain = Several {
            space: self.space.clone(),
            target: self.target,
        };
        let mut evaluator = crate::ir::Evaluator::new(lowering.graph(), domain);
        root.map_into(&mut |&id| evaluator.value(id))
    }
}

/// Several-variable series as a domain of the graph evaluator.
struct Several {
    space: Arc<Space>,
    target: i64,
}

impl Domain for Several {
    type V = MultiSeries;
    type Error = MultiError;

    fn number(&mut self, q: &num_rational::BigRational) -> Result<MultiSeries, MultiError> {
        Ok(MultiSeries::constant(
            &self.space,
            Const::from_rational(q.clone()),
        ))
    }
    fn pi(&mut self) -> Result<MultiSeries, MultiError> {
        Ok(MultiSeries::constant(&self.space, Const::pi()))
    }
    fn e(&mut self) -> Result<MultiSeries, MultiError> {
        Ok(MultiSeries::constant(&self.space, Const::e()))
    }
    fn variable(&mut self, name: &str) -> Result<MultiSeries, MultiError> {
        match self.space.index(name) {
            Some(i) => Ok(MultiSeries::variable(&self.space, i)),
            None => Err(MultiError::UnknownName(name.to_string())),
        }
    }
    fn neg(&mut self, a: &MultiSeries) -> Result<MultiSeries, MultiError> {
        Ok(a.neg())
    }
    fn add(&mut self, a: &MultiSeries, b: &MultiSeries) -> Result<MultiSeries, MultiError> {
        Ok(a.add(b))
    }
    fn sub(&mut self, a: &MultiSeries, b: &MultiSeries) -> Result<MultiSeries, MultiError> {
        Ok(a.sub(b))
    }
    fn mul(&mut self, a: &MultiSeries, b: &MultiSeries) -> Result<MultiSeries, MultiError> {
        Ok(a.try_mul(b)?.bound(self.target))
    }
    fn div(&mut self, a: &MultiSeries, b: &MultiSeries) -> Result<MultiSeries, MultiError> {
        let inv = b.recip(self.target)?;
        Ok(a.try_mul(&inv)?.bound(self.target))
    }
    fn pow(
        &mut self,
        base: &MultiSeries,
        exponent: &MultiSeries,
        _: bool,
    ) -> Result<MultiSeries, MultiError> {
        self.power(base, exponent)
    }
    fn call(&mut self, func: Func, a: &MultiSeries) -> Result<MultiSeries, MultiError> {
        a.compose_expr(&Expr::call(func, Expr::var("__t")), "__t", self.target)
    }
    fn side(&mut self, cond: Cond<'_, MultiSeries>) -> Result<Side, MultiError> {
        let what = piece_text(cond.piece);
        let (c0, _) = cond.d.split_constant(what)?;
        Ok(match (c0.sign(), cond.op) {
            (Sign::Positive, CmpOp::Gt | CmpOp::Ge) | (Sign::Negative, CmpOp::Lt | CmpOp::Le) => {
                Side::Then
            }
            (Sign::Positive, CmpOp::Lt | CmpOp::Le) | (Sign::Negative, CmpOp::Gt | CmpOp::Ge) => {
                Side::Other
            }
            (Sign::Zero, _) => Side::Both,
            (Sign::Unknown, _) => return Err(MultiError::UndecidedSign(format!("{c0} in {what}"))),
        })
    }
    /// Exactly at the switching point the piece is chosen by the sign of the higher terms,
    /// which varies: the value is determined only where both sides agree.
    fn join(
        &mut self,
        cond: Cond<'_, MultiSeries>,
        a: &MultiSeries,
        b: &MultiSeries,
    ) -> Result<MultiSeries, MultiError> {
        if a.agrees_with(b) {
            let order = min_order(a.order(), b.order());
            Ok(a.with_order(order))
        } else {
            Err(MultiError::Kink(piece_text(cond.piece).to_string()))
        }
    }
}

fn piece_text(piece: Piece) -> &'static str {
    match piece {
        Piece::If => "the condition of an `if`",
        Piece::Abs => "abs at 0",
        Piece::Min => "min at the point where its arguments are equal",
        Piece::Max => "max at the point where its arguments are equal",
    }
}

impl Several {
    fn power(&self, base: &MultiSeries, exponent: &MultiSeries) -> Result<MultiSeries, MultiError> {
        if exponent.is_constant() && exponent.order().is_none() {
            let k = exponent.constant_term();
            if let Some(q) = k.to_rational() {
                if q.is_integer() {
                    let big = q.to_integer();
                    if let Ok(n) = i64::try_from(&big) {
                        if n.unsigned_abs() <= MAX_POWER {
                            return base.pow_int(n, self.target);
                        }
                    }
                    if big.is_positive() && base.valuation().is_some_and(|v| v > 0) {
                        // P^n with P = O(weight 1) and n beyond any order we keep: O(target).
                        return Ok(MultiSeries {
                            space: self.space.clone(),
                            terms: BTreeMap::new(),
                            order: Some(self.target),
                        });
                    }
                    // Otherwise the binomial series around the non-zero constant term, below.
                }
            }
            let t = Expr::var("__t");
            let f = Expr::bin(BinOp::Pow, t, k.to_expr());
            return base.compose_expr(&f, "__t", self.target);
        }
        // b^e = exp(e ln b).
        let ln_b =
            base.compose_expr(&Expr::call(Func::Ln, Expr::var("__t")), "__t", self.target)?;
        let product = exponent.try_mul(&ln_b)?.truncate(self.target);
        product.compose_expr(&Expr::call(Func::Exp, Expr::var("__t")), "__t", self.target)
    }
}
