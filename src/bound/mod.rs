//! Rigorous bounds that are tight and fast: `sup |R(x)| / |x|_inf^m` for remainders, and
//! sup-norm claims `|g(x)| <= eps` over boxes.
//!
//! One routine serves `gate` and `prove`: the function (a built-in-only scalar expression) is
//! read as one hidden layer, `g(x) = P(x) + sum_j w_j phi_j(a_j . x)` ([`network`]), whatever
//! way it was written, and turned into a Taylor model
//!
//! ```text
//! g(x) = Q(x) + sum_j w_j (a_j . x)^m Phi_j(a_j . x),   Phi_j(z) = (phi_j(z) - T_j(z)) / z^m,
//! ```
//!
//! with `Q` an exact polynomial (the cancellation of the large terms `w_j T_j` happens in exact
//! arithmetic) and `Phi_j` a smooth one-variable function enclosed on cells of its argument
//! ([`phi`], interval Taylor arithmetic, refined on demand). A branch and bound over boxes
//! ([`search`]) in `f64` interval arithmetic rounded outward then bounds the supremum:
//!
//! * remainders: `R(t y) / t^m = sum_k Q_k(y) t^(k-m) + sum_j w_j (a_j . y)^m Phi_j(t a_j . y)`
//!   over `t in [0, r]` and `y` on the faces of the unit cube (no division by a small `t`);
//! * sup-norm claims: `g` over the box, proved when every box is below `eps`, refuted at an
//!   exact rational point whose rigorous enclosure ([`crate::interval::enclose`] of the
//!   expression itself) lies strictly above `eps`.
//!
//! Functions that are not one hidden layer (a deep product, a tree of gates, any composition),
//! claims `O(lambda^m)` (the rays scale `lambda` alone, [`Ray::In`]) and removable
//! singularities of one scaled variable (`sin(x)/x`, `lambda^-2 (...)`) get the Taylor models
//! of [`tm`] for their remainder bounds (the same search along rays; on a box where the model
//! fails, the direct interval enclosure of `R(t y) / t^m` when `t > 0`); sup-norm claims get
//! the direct interval enclosure of the expression.

pub mod fi;
pub mod network;
pub mod phi;
pub mod search;
pub mod sym;
pub mod tm;

use crate::expr::Expr;
use crate::interval::{Interval, IntervalError};
use fi::Fi;
use network::{Model, Network};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use search::{End, Limits, Search};
use std::time::Instant;
pub use tm::Ray;

/// The most boxes of one branch and bound (default).
pub const MAX_BOXES: usize = 200_000;
/// The branch and bound of a remainder stops when its bound is within `1 + 1/TOLERANCE` of a
/// value attained.
pub const TOLERANCE: f64 = 16.0;
/// The branch and bound of a composition ([`tm`]) stops when its bound is within
/// `1 + DEEP_TOLERANCE` of a value attained (its remainders do not cancel between neurons).
pub const DEEP_TOLERANCE: f64 = 1.0;
/// The most boxes of the branch and bound of a composition.
pub const DEEP_MAX_BOXES: usize = 20_000;
/// A remainder's branch and bound stops when its bound has not dropped by a thousandth over
/// this many boxes (the enclosures of `Phi` on their finest cells limit it).
pub const STALL_BOXES: usize = 8192;
/// Above this many inputs a gate family whose own search did not converge does not fall back
/// to the neuron-by-neuron search (`2^n` enclosures per box that cancel: it cannot converge
/// in interactive time).
pub const MAX_NEURON_SEARCH_INPUTS: usize = 6;

/// Up to this many inputs the neuron-by-neuron search runs before the gate family's model
/// ([`sym`]), which is kept only when that search does not converge.
pub const NEURON_FIRST_INPUTS: usize = 2;
/// The most boxes of the branch and bound of a gate family ([`sym`]).
pub const SIGNS_MAX_BOXES: usize = 4096;
/// Significant decimal digits of a printed `K` (rounded up).
pub const K_DIGITS: u32 = 2;

/// Why a bound could not be computed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum BoundError {
    /// The function is not one hidden layer with a polynomial part.
    #[error("the function is not one hidden layer (sum of w phi(a . x) plus a polynomial)")]
    NotANetwork,
    /// An enclosure of a neuron function failed.
    #[error("neuron function: {0}")]
    Phi(String),
    /// An interval computation failed.
    #[error("enclosure failed: {0}")]
    Interval(#[from] IntervalError),
    /// Bad input (a radius, a box).
    #[error("{0}")]
    Options(String),
    /// The floating-point model gave a bound that an exact enclosure of the remainder at a
    /// sample point contradicts (its range overflowed or lost precision): no bound is stated.
    #[error(
        "the floating-point model is unreliable on this box (an exact enclosure at {0} exceeds it)"
    )]
    Unsound(String),
    /// An enclosure is unbounded in `f64` on a box even after halving it (the function, or its
    /// enclosure, exceeds `1.8e308` there): no finite bound is stated.
    #[error("the enclosure overflows f64 on the box {0}: no finite bound")]
    Overflow(String),
}

/// `sup |R(x)| / |x|_inf^order <= k` on `|x|_inf <= radius`, with how it was found.
#[derive(Clone, Debug, PartialEq)]
pub struct SupBound {
    /// The constant `K` (rounded up to [`K_DIGITS`] significant digits).
    pub k: BigRational,
    /// A value of `|R(x)| / |x|_inf^order` provably attained (rounded down): `K` is within
    /// the factor `k / attained` of the truth.
    pub attained: BigRational,
    /// Where (the point `x`, rounded for display).
    pub at: Vec<f64>,
    /// The power `m`.
    pub order: usize,
    /// The radius `r`.
    pub radius: BigRational,
    /// Boxes of the branch and bound.
    pub boxes: usize,
    /// Cells of the neuron functions enclosed.
    pub cells: usize,
    /// Whether the branch and bound converged (otherwise `K` is its bound at the limit).
    pub converged: bool,
    /// What stopped a search that did not converge (a limit of boxes, the deadline).
    pub stopped: Option<String>,
    /// One line: how.
    pub method: String,
}

fn rat(x: f64) -> BigRational {
    BigRational::from_float(x).unwrap_or_default()
}

/// `x` rounded up to `digits` significant digits; a non-finite `x` is no bound at all.
fn round_up(x: f64, digits: u32) -> Result<BigRational, BoundError> {
    if !x.is_finite() {
        return Err(BoundError::Overflow("(the bound itself)".into()));
    }
    Ok(crate::certificate::round_up_decimal(
        &rat(fi::up(x)),
        digits,
    ))
}

fn round_down(x: f64) -> BigRational {
    if x <= 0.0 {
        return BigRational::zero();
    }
    let q = rat(fi::down(x));
    let text = crate::certificate::decimal_down(&q);
    crate::certificate::parse_rational(&text)
        .ok()
        .filter(|d| *d <= q)
        .unwrap_or(q)
}

/// The model behind a remainder bound along rays.
enum RayModel {
    /// One hidden layer ([`network`]), with the reach of its neuron arguments.
    Layer(Model, f64),
    /// Any other expression ([`tm`]).
    Deep(Box<tm::Model>),
    /// The gate's family of `2^n` sign vectors ([`sym`]), on the one face `y_1 = 1`,
    /// `y >= 0`.
    Signs(sym::SignModel),
}

impl RayModel {
    fn eval_ray(&self, t: Fi, y: &[Fi]) -> Result<Fi, BoundError> {
        match self {
            RayModel::Layer(m, _) => m.eval_ray(t, y),
            RayModel::Deep(m) => m.eval_ray(t, y),
            RayModel::Signs(m) => m.eval_ray(t, y),
        }
    }

    fn cells(&self) -> usize {
        match self {
            RayModel::Layer(m, _) => m.cells(),
            RayModel::Deep(m) => m.cells(),
            RayModel::Signs(m) => m.cells(),
        }
    }

    /// The boxes of `(t, y)` to search: the faces `y_i = +-1` of the cube (one face for
    /// [`RayModel::Signs`], whose value depends on `|y|` only and symmetrically).
    fn faces(&self, n: usize, r: f64) -> Vec<search::Boxed> {
        if let RayModel::Signs(_) = self {
            let mut b = vec![Fi::new(0.0, r), Fi::point(1.0)];
            b.extend((1..n).map(|_| Fi::new(0.0, 1.0)));
            return vec![b];
        }
        if let RayModel::Deep(m) = self {
            return m.ray().faces(n, Fi::new(0.0, r));
        }
        let mut faces = Vec::new();
        for i in 0..n {
            for side in [1.0, -1.0] {
                let mut b = vec![Fi::new(0.0, r)];
                b.extend((0..n).map(|j| {
                    if i == j {
                        Fi::point(side)
                    } else {
                        Fi::new(-1.0, 1.0)
                    }
                }));
                faces.push(b);
            }
        }
        faces
    }
}

/// What one branch and bound of a remainder found.
struct Searched {
    end: End,
    upper: f64,
    lower: f64,
    argmax: Vec<f64>,
    boxes: usize,
    stopped: Option<String>,
    /// The value at the best point, precisely, from the expression itself.
    precise: f64,
    k: BigRational,
}

/// The branch and bound of `sup |R(t y)| / t^m` on `model`, then (for a converged shallow
/// model) the proof of a round `K` just above the value attained.
fn search_remainder(
    model: &RayModel,
    r: &Expr,
    vars: &[String],
    order: usize,
    rf: &Fi,
    limits: &Limits,
) -> Result<Searched, BoundError> {
    let ray = match model {
        RayModel::Deep(m) => m.ray(),
        _ => Ray::Total,
    };
    let direct = match model {
        RayModel::Deep(_) => Direct::new(r, vars, ray, order),
        _ => None,
    };
    // The direct enclosure (it costs about 5 ms a box) where the Taylor model fails, and on a
    // box away from t = 0 where the model is loose: there the model's polynomial parts,
    // expanded at 0, are large terms that cancel (softplus of an argument beyond its radius of
    // convergence, `deep_product.tg` at r = 2), and their interval evaluation grows with the
    // box about 300x faster than the function's own.
    // Only on a small box: on a wide one the direct enclosure is as wide as the model's.
    let small = |b: &[Fi]| {
        b[0].width() <= DIRECT_BOX * rf.hi && b[1..].iter().all(|y| y.width() <= 2.0 * DIRECT_BOX)
    };
    // And only on a box that can still matter: one whose bound is above twice the largest
    // lower end of an enclosure seen (a value provably reached), the factor 2 of
    // [`DEEP_TOLERANCE`] (the choice costs time only, never rigor: every enclosure is one).
    let reached = std::cell::Cell::new(0.0f64);
    let g = |b: &[Fi]| {
        let v = model.eval_ray(b[0], &b[1..]);
        if let Ok(x) = &v {
            if x.is_valid() {
                reached.set(reached.get().max(x.mig()));
            }
        }
        if matches!(&v, Ok(x) if x.is_valid() && x.mag().is_finite()
            && !(b[0].lo > 0.0
                && x.width() > DIRECT_LOOSE * x.mag()
                && x.mag() > 2.0 * reached.get()
                && small(b)))
        {
            return v;
        }
        match direct.as_ref().and_then(|d| d.ratio(b)) {
            Some(d) => Ok(match v {
                Ok(v) if v.is_valid() => v.intersect(d),
                _ => d,
            }),
            None => v,
        }
    };
    let mut s = Search::new(&g, model.faces(vars.len(), rf.hi))?;
    s.stall = Some(STALL_BOXES);
    let deep = matches!(model, RayModel::Deep(_));
    let (tol, limits) = if deep {
        let mut l = limits.clone();
        l.max_boxes = l.max_boxes.min(DEEP_MAX_BOXES);
        (DEEP_TOLERANCE, l)
    } else if let RayModel::Signs(_) = model {
        // It converges in a few hundred boxes or not at all (a divergent series of phi).
        s.stall = Some(SIGNS_MAX_BOXES / 4);
        let mut l = limits.clone();
        l.max_boxes = l.max_boxes.min(SIGNS_MAX_BOXES);
        (1.0 / TOLERANCE, l)
    } else {
        (1.0 / TOLERANCE, limits.clone())
    };
    let limits = &limits;
    let mut end = s.run(None, tol, limits)?;
    let precise = precise_ratio(r, vars, ray, &s.argmax, order)
        .unwrap_or(0.0)
        .max(s.lower);
    // An upper bound of exactly 0 (outward rounded) proves R = 0: the gate is exact there, and
    // K is 0 rather than the next float above it.
    let mut kq = if s.upper() <= 0.0 {
        BigRational::zero()
    } else {
        round_up(s.upper(), K_DIGITS)?
    };
    if end == End::Done && precise > 0.0 && !deep {
        // A round K just above the value attained, then proved: two spellings of one function
        // get one number.
        let mut base = precise;
        loop {
            let kc = round_up(base * (1.0 + 1.0 / 32.0), K_DIGITS)?;
            end = s.run(Some(Fi::from_rational(&kc).lo), 0.0, limits)?;
            match end {
                End::Done => {
                    kq = kc;
                    break;
                }
                End::Limit => {
                    kq = round_up(s.upper(), K_DIGITS)?;
                    break;
                }
                End::Exceeded => base = s.lower,
            }
        }
    }
    Ok(Searched {
        end,
        upper: s.upper(),
        lower: s.lower,
        argmax: s.argmax.clone(),
        boxes: s.boxes,
        stopped: s.stopped.clone(),
        precise,
        k: kq,
    })
}

/// Default limits: [`MAX_BOXES`], no deadline.
pub fn default_limits() -> Limits {
    Limits {
        max_boxes: MAX_BOXES,
        deadline: None,
    }
}

/// A rigorous `K` with `|R(x)| <= K |x|_inf^order` for `|x|_inf <= radius`, where `R` (a
/// built-in-only scalar expression in `vars`) has no term of total degree below `order`.
///
/// # Errors
/// [`BoundError::NotANetwork`] when `R` has a term below `order` or cannot be modelled, an
/// enclosure failure, a non-positive radius.
pub fn remainder_bound(
    r: &Expr,
    vars: &[String],
    order: usize,
    radius: &BigRational,
    limits: &Limits,
) -> Result<SupBound, BoundError> {
    remainder_bound_along(r, vars, Ray::Total, order, radius, limits)
}

/// [`remainder_bound`] for the degree counted along `ray`: with [`Ray::In`]`(i)`, a rigorous
/// `K` with `|R(x)| <= K |x_i|^order` for every `|x_j| <= radius` (claims `O(lambda^k)`).
/// One hidden layer along [`Ray::Total`] gets the model of [`network`] (and of [`sym`]),
/// anything else (and a layer whose model fails) the Taylor models of [`tm`].
///
/// # Errors
/// As [`remainder_bound`].
pub fn remainder_bound_along(
    r: &Expr,
    vars: &[String],
    ray: Ray,
    order: usize,
    radius: &BigRational,
    limits: &Limits,
) -> Result<SupBound, BoundError> {
    if !radius.is_positive() {
        return Err(BoundError::Options("the radius must be > 0".into()));
    }
    let rf = Fi::from_rational(radius);
    let n = vars.len();
    let mut signs = None;
    let mut layer = || -> Option<Result<RayModel, BoundError>> {
        if ray != Ray::Total {
            return None;
        }
        let net = Network::read(r, vars)?;
        let zmax = fi::up(Model::reach(&net) * rf.hi * (1.0 + 1e-12));
        Some(Model::new(&net, order as u32, zmax).and_then(|model| {
            if model
                .q_exact
                .iter()
                .any(|(e, _)| e.iter().map(|&k| k as i64).sum::<i64>() < order as i64)
            {
                return Err(BoundError::NotANetwork);
            }
            signs =
                sym::detect(&net, &model).map(|(w, alpha)| (net.neurons[0].phi.clone(), w, alpha));
            Ok(RayModel::Layer(model, zmax))
        }))
    };
    let layer = layer();
    let deep = || -> Result<RayModel, BoundError> {
        if !tm::vanishes_below(r, vars, ray, order as u32) {
            return Err(BoundError::NotANetwork);
        }
        Ok(RayModel::Deep(Box::new(tm::Model::new(
            r,
            vars,
            order as u32,
            radius,
            ray,
        )?)))
    };
    let model = match layer {
        Some(Ok(m)) => m,
        Some(Err(e)) => deep().map_err(|d| match d {
            BoundError::NotANetwork => e,
            d => BoundError::Phi(format!("{e}; the Taylor models: {d}")),
        })?,
        None => deep()?,
    };
    // With few inputs the neuron-by-neuron search converges in milliseconds, while the gate
    // family's model spends far longer enclosing its cells up front: that search first, the
    // family's model only when it does not converge. With more inputs the family's model
    // first: when its search converges, the neuron-by-neuron model (whose enclosures cannot
    // see the cancellation of 2^n neurons) is not needed. Otherwise the better of the two
    // rigorous bounds (both are bounds of the same supremum).
    let mut chosen = None;
    let mut model = model;
    let mut neuron_search = None;
    if signs.is_some() && n <= NEURON_FIRST_INPUTS {
        match search_remainder(&model, r, vars, order, &rf, limits) {
            Ok(g) if g.end == End::Done => {
                chosen = Some(g);
                signs = None;
            }
            other => neuron_search = Some(other),
        }
    }
    // The family's model, built only now: enclosing its cells is most of its cost.
    let signs = signs
        .and_then(|(phi, w, alpha)| sym::SignModel::new(&phi, n, order, &w, &alpha, radius).ok());
    if let Some(sm) = signs {
        let sm = RayModel::Signs(sm);
        match search_remainder(&sm, r, vars, order, &rf, limits) {
            Ok(s) if s.end == End::Done || n > MAX_NEURON_SEARCH_INPUTS => {
                chosen = Some(s);
                model = sm;
            }
            Ok(s) => match neuron_search
                .take()
                .unwrap_or_else(|| search_remainder(&model, r, vars, order, &rf, limits))
            {
                Ok(g) if g.end == End::Done || g.upper <= s.upper => chosen = Some(g),
                _ => {
                    chosen = Some(s);
                    model = sm;
                }
            },
            Err(_) => {}
        }
    }
    let s = match chosen {
        Some(s) => s,
        None => match neuron_search
            .take()
            .unwrap_or_else(|| search_remainder(&model, r, vars, order, &rf, limits))
        {
            Ok(s) => s,
            // A neuron function the layer's tables cannot enclose on part of the box (a
            // removable singularity such as sin(z)/z at z = 0): the Taylor models, which
            // divide it out, else the layer's reason.
            Err(e) if matches!(model, RayModel::Layer(..)) => {
                let d = deep().map_err(|_| e.clone())?;
                let s = search_remainder(&d, r, vars, order, &rf, limits).map_err(|_| e)?;
                model = d;
                s
            }
            Err(e) => return Err(e),
        },
    };
    let end = s.end;
    let precise = s.precise;
    let kq = s.k.clone();
    let (corner_ratio, corner) = check_against_samples(r, vars, order, radius, &kq)?;
    let converged = end == End::Done;
    let mut attained = precise.max(s.lower);
    let mut at: Vec<f64> = if s.argmax.is_empty() {
        vec![]
    } else {
        ray.point(&s.argmax)
    };
    if corner_ratio > attained {
        attained = corner_ratio;
        at = corner;
    }
    let stopped = (!converged).then(|| s.stopped.clone().unwrap_or_else(|| "a limit".into()));
    let mut method = match &model {
        RayModel::Layer(model, zmax) => format!(
            "Taylor model of each neuron (exact polynomial through degree {} plus (a.x)^{order} Phi(a.x), Phi enclosed on {} cells of the neuron argument in [-{}, {}]), branch and bound over {} boxes of (t, y) with x = t y on the faces of the box",
            order.saturating_sub(1),
            model.cells(),
            short(*zmax),
            short(*zmax),
            s.boxes
        ),
        RayModel::Deep(model) => format!(
            "Taylor model of each of {} subexpressions (Taylor polynomial through degree {} with enclosed coefficients plus t^{} times an enclosed remainder, each function of one argument by Phi on {} cells), branch and bound over {} boxes of (t, y) with {}, to within a factor {} of a value attained",
            model.len(),
            model.degree() - 1,
            model.degree(),
            model.cells(),
            s.boxes,
            match ray {
                Ray::Total => "x = t y on the faces of the box".to_string(),
                Ray::In(i) => format!(
                    "{} = t y, y = +-1 (degree in {}), the other variables over the box",
                    vars[i], vars[i]
                ),
            },
            1.0 + DEEP_TOLERANCE
        ),
        RayModel::Signs(model) => format!(
            "the gate's {} neurons summed as one function of a sum of {n} uniform variables (R(x) = w (2a)^{n} x_1...x_{n} E[(phi - T)^({n})(a (x_1 V_1 + ... + x_{n} V_{n}))], V_i uniform on [-1, 1]): its even moments exactly, the Lagrange term of every even order up to {} enclosed on {} cells, branch and bound over {} boxes of (t, y) with x = t y on one face (the bound depends on |y| only, symmetrically)",
            1usize << n,
            model.order(),
            model.cells(),
            s.boxes
        ),
    };
    if let Some(why) = &stopped {
        method.push_str(&format!(
            "; NOT CONVERGED: stopped at {why}, K is the rigorous bound reached there, not a tight one"
        ));
    }
    Ok(SupBound {
        k: kq,
        attained: round_down(attained),
        at,
        order,
        radius: radius.clone(),
        boxes: s.boxes,
        cells: model.cells(),
        converged,
        stopped,
        method,
    })
}

/// The sign patterns of the corners [`check_against_samples`] visits: all of them up to 4
/// inputs, otherwise 16 (all `+`, all `-` and 14 spread by a fixed generator; each corner costs
/// an enclosure of every neuron at 128 bits, 256 of them for `--inputs 8`).
fn corner_signs(n: usize) -> Vec<u32> {
    if n <= 4 {
        return (0..1u32 << n).collect();
    }
    let all = (1u32 << n.min(31)) - 1;
    let mut out = vec![0, all];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    while out.len() < 16 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let m = (seed >> 33) as u32 & all;
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

/// Precision (bits) of the direct enclosures of a composition away from the origin.
const DIRECT_PREC: u32 = 53;
/// A Taylor model's enclosure of a box away from `t = 0` wider than this fraction of its
/// magnitude is intersected with the direct enclosure.
const DIRECT_LOOSE: f64 = 0.5;
/// ... on a box at most this fraction of the face in every coordinate.
const DIRECT_BOX: f64 = 1.0 / 8.0;

/// The direct enclosure of `R(x) / |x|^m` over a box of `(t, y)` with `t > 0`: interval
/// arithmetic on the expression itself over the box of `x = t y`, divided by `t^m`, for the
/// boxes where the Taylor models of [`tm`] fail (an argument beyond its table, an overflow).
struct Direct {
    graph: crate::ir::Graph,
    root: crate::ir::Id,
    vars: Vec<String>,
    weights: Vec<u32>,
    m: i32,
}

impl Direct {
    fn new(r: &Expr, vars: &[String], ray: Ray, m: usize) -> Option<Direct> {
        let defs = crate::Definitions::new();
        let mut lowering = crate::ir::Lowering::new(&defs);
        let root = lowering.lower(r).ok()?.into_scalar("a vector").ok()?;
        Some(Direct {
            graph: lowering.into_graph(),
            root,
            vars: vars.to_vec(),
            weights: ray.weights(vars.len()),
            m: i32::try_from(m).ok()?,
        })
    }

    /// `None` at `t = 0` or when the enclosure fails.
    fn ratio(&self, b: &[Fi]) -> Option<Fi> {
        let t = b[0];
        if t.lo <= 0.0 {
            return None;
        }
        let bindings = self
            .vars
            .iter()
            .zip(&b[1..])
            .zip(&self.weights)
            .map(|((v, y), &w)| {
                let x = if w == 1 { t.mul(*y) } else { *y };
                Interval::new(&rat(x.lo), &rat(x.hi), DIRECT_PREC).map(|i| (v.as_str(), i))
            })
            .collect::<Result<Vec<_>, IntervalError>>()
            .ok()?;
        let v = Fi::from_interval(
            &crate::interval::enclose_node(&self.graph, self.root, &bindings, DIRECT_PREC).ok()?,
        );
        let den = t.powi(self.m as u32);
        let q = Fi::new(
            fi::down(v.lo / if v.lo >= 0.0 { den.hi } else { den.lo }),
            fi::up(v.hi / if v.hi >= 0.0 { den.lo } else { den.hi }),
        );
        (q.is_valid() && q.mag().is_finite()).then_some(q)
    }
}

/// A guard independent of the floating-point model: at corners of the box and of the half
/// box ([`corner_signs`]), a rigorous enclosure of `R` itself must lie within `K |x|_inf^m`;
/// otherwise (or when `R` cannot be enclosed there) the model is not trusted and no bound is
/// stated. Returns the largest `|R(x)| / |x|_inf^m` provably attained at those points (rounded
/// down) and where.
fn check_against_samples(
    r: &Expr,
    vars: &[String],
    m: usize,
    radius: &BigRational,
    k: &BigRational,
) -> Result<(f64, Vec<f64>), BoundError> {
    let n = vars.len();
    let mut best = (0.0f64, vec![]);
    // Lowered once, evaluated at every corner.
    let defs = crate::Definitions::new();
    let mut lowering = crate::ir::Lowering::new(&defs);
    let root = lowering
        .lower_scalar(r, "the remainder")
        .map_err(|_| BoundError::Unsound("(the remainder cannot be enclosed)".into()))?;
    let graph = lowering.into_graph();
    for scale in [BigRational::one(), BigRational::new(1.into(), 2.into())] {
        let h = radius * &scale;
        for signs in corner_signs(n) {
            let x: Vec<BigRational> = (0..n)
                .map(|i| {
                    if signs >> i & 1 == 1 {
                        -h.clone()
                    } else {
                        h.clone()
                    }
                })
                .collect();
            let at = || {
                x.iter()
                    .map(|q| q.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let bindings: Vec<(&str, Interval)> = vars
                .iter()
                .zip(&x)
                .map(|(v, q)| (v.as_str(), Interval::point(q, 256)))
                .collect();
            let v = crate::interval::enclose_node(&graph, root, &bindings, 128)
                .map_err(|_| BoundError::Unsound(format!("({})", at())))?;
            let limit = k * num_traits::Pow::pow(&h, m as u32);
            let exceeds = if k.is_zero() {
                !v.contains_zero()
            } else {
                v.lo().abs().min(v.hi().abs()) > limit && !v.contains_zero()
            };
            if exceeds {
                return Err(BoundError::Unsound(format!("({})", at())));
            }
            if !v.contains_zero() {
                let low = v.lo().abs().min(v.hi().abs()) / num_traits::Pow::pow(&h, m as u32);
                let low = fi::down(num_traits::ToPrimitive::to_f64(&low).unwrap_or(0.0));
                if low.is_finite() && low > best.0 {
                    let point = x.iter().map(network::approx).collect();
                    best = (low, point);
                }
            }
        }
    }
    Ok(best)
}

/// `|R(x)| / |x|_inf^m` (or `/ |x_i|^m` along [`Ray::In`]) at the point `[t, y...]` of a ray,
/// rigorously from below, by the
/// interval enclosure of the expression itself at 128 bits.
fn precise_ratio(r: &Expr, vars: &[String], ray: Ray, point: &[f64], m: usize) -> Option<f64> {
    if point.len() != vars.len() + 1 {
        return None;
    }
    let t = rat(point[0]);
    let w = ray.weights(vars.len());
    let x: Vec<BigRational> = point[1..]
        .iter()
        .zip(&w)
        .map(|(&y, &k)| if k == 1 { rat(y) * &t } else { rat(y) })
        .collect();
    let norm = match ray {
        Ray::Total => x.iter().map(|q| q.abs()).max()?,
        Ray::In(i) => x[i].abs(),
    };
    if norm.is_zero() {
        return None;
    }
    let bindings: Vec<(&str, Interval)> = vars
        .iter()
        .zip(&x)
        .map(|(v, q)| (v.as_str(), Interval::point(q, 256)))
        .collect();
    let v = crate::interval::enclose(r, &bindings, 128).ok()?;
    let low = if v.contains_zero() {
        BigRational::zero()
    } else {
        v.lo().abs().min(v.hi().abs())
    };
    let q = low / num_traits::Pow::pow(&norm, m as u32);
    Some(fi::down(num_traits::ToPrimitive::to_f64(&q)?).max(0.0))
}

fn short(x: f64) -> String {
    format!("{x:.3}")
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

/// The answer to a sup-norm claim `|g(x)| <= eps` on a box.
#[derive(Clone, Debug, PartialEq)]
pub enum SupVerdict {
    /// Every point of the box satisfies it (rigorous branch and bound).
    Proved,
    /// It fails at `witness`, where `g` is enclosed in `value`, strictly beyond `eps`.
    Refuted {
        /// The exact point.
        witness: Vec<BigRational>,
        /// A rigorous enclosure of `g(witness)` (`lo`, `hi`).
        value: (BigRational, BigRational),
    },
    /// A limit was reached first.
    Undecided {
        /// What stopped the search.
        reason: String,
    },
}

/// What the branch and bound of a sup-norm claim found.
#[derive(Clone, Debug, PartialEq)]
pub struct SupReport {
    /// The verdict.
    pub verdict: SupVerdict,
    /// A rigorous upper bound of `sup |g|` found (rounded up, 4 digits).
    pub upper: BigRational,
    /// A value of `|g|` provably attained (rounded down, 4 digits).
    pub lower: BigRational,
    /// Boxes evaluated.
    pub boxes: usize,
    /// One line: how `g` was enclosed.
    pub method: String,
    /// When `g` was read as one hidden layer (a Taylor model of each neuron): its neurons and
    /// its distinct neuron functions; `None`: interval arithmetic on the expression.
    pub neurons: Option<(usize, usize)>,
}

/// The start box of a branch and bound over `bounds` (outward-rounded).
fn start_box(bounds: &[(BigRational, BigRational)]) -> Vec<Fi> {
    bounds
        .iter()
        .map(|(lo, hi)| Fi::new(Fi::from_rational(lo).lo, Fi::from_rational(hi).hi))
        .collect()
}

/// A rigorous enclosure of `g` over a box.
type Encloser<'a> = Box<dyn Fn(&[Fi]) -> Result<Fi, BoundError> + 'a>;

/// How `g` is enclosed on the boxes of `start`: the Taylor model of one hidden layer when `g`
/// is one (with its neurons and distinct neuron functions), else interval arithmetic on the
/// expression; and the one-line method.
fn encloser<'a>(
    g: &'a Expr,
    vars: &'a [String],
    start: &[Fi],
) -> (String, Option<(usize, usize)>, Encloser<'a>) {
    let model = Network::read(g, vars).and_then(|net| {
        let reach = net
            .neurons
            .iter()
            .map(|n| {
                n.input
                    .iter()
                    .zip(start)
                    .map(|(a, x)| {
                        network::approx(&a.to_rational().unwrap_or_default())
                            .abs()
                            .max(1e-300)
                            * x.mag()
                    })
                    .sum::<f64>()
            })
            .fold(0.0, f64::max);
        // Irrational input weights: bound them by enclosure.
        let reach = reach.max(Model::reach(&net) * start.iter().map(Fi::mag).fold(0.0, f64::max));
        Model::new(&net, 4, fi::up(reach * (1.0 + 1e-12))).ok()
    });
    let direct = move |b: &[Fi]| -> Result<Fi, BoundError> {
        let bindings = vars
            .iter()
            .zip(b)
            .map(|(v, x)| Ok((v.as_str(), Interval::new(&rat(x.lo), &rat(x.hi), 64)?)))
            .collect::<Result<Vec<_>, IntervalError>>()?;
        Ok(Fi::from_interval(&crate::interval::enclose(
            g, &bindings, 64,
        )?))
    };
    match model {
        Some(m) => (
            format!(
                "one hidden layer of {} neurons ({} distinct): Taylor model of order 4 (exact polynomial plus (a.x)^4 Phi(a.x)), branch and bound over the box",
                m.neurons(),
                m.distinct()
            ),
            Some((m.neurons(), m.distinct())),
            Box::new(move |b: &[Fi]| m.eval(b)),
        ),
        None => (
            "interval arithmetic on the expression itself (not one hidden layer), branch and bound over the box".into(),
            None,
            Box::new(direct),
        ),
    }
}

/// Decides `|g(x)| <= eps` for `x` in the box `bounds` (one `(lo, hi)` per variable).
///
/// # Errors
/// A bad box (`lo > hi`), an enclosure that fails on the box.
pub fn decide_sup(
    g: &Expr,
    vars: &[String],
    bounds: &[(BigRational, BigRational)],
    eps: &BigRational,
    limits: &Limits,
) -> Result<SupReport, BoundError> {
    if bounds.iter().any(|(lo, hi)| lo > hi) {
        return Err(BoundError::Options("a bound with lo > hi".into()));
    }
    let start = start_box(bounds);
    let ef = Fi::from_rational(eps);
    let (method, neurons, f) = encloser(g, vars, &start);
    let mut s = Search::new(&*f, vec![start.clone()])?;
    let verdict = loop {
        match s.run(Some(ef.lo), 0.0, limits)? {
            End::Done => break SupVerdict::Proved,
            End::Limit => {
                break SupVerdict::Undecided {
                    reason: format!(
                        "stopped at {}",
                        s.stopped.clone().unwrap_or_else(|| "a limit".into())
                    ),
                }
            }
            End::Exceeded => {
                if let Some((witness, value)) = witness(g, vars, bounds, &s.argmax, eps) {
                    break SupVerdict::Refuted { witness, value };
                }
                // Not confirmed at high precision: keep searching above it.
                s.lower = s.lower.min(ef.hi);
                if let Some(d) = limits.deadline {
                    if Instant::now() >= d {
                        break SupVerdict::Undecided {
                            reason: "stopped at the deadline".into(),
                        };
                    }
                }
                if s.boxes >= limits.max_boxes {
                    break SupVerdict::Undecided {
                        reason: format!("stopped at the limit of {} boxes", limits.max_boxes),
                    };
                }
            }
        }
    };
    let lower = match &verdict {
        SupVerdict::Refuted { value, .. } => {
            let (lo, hi) = value;
            let m = if lo.is_positive() {
                lo.clone()
            } else {
                -hi.clone()
            };
            crate::certificate::round_up_decimal(&m, 4).min(m)
        }
        _ => round_down(s.lower),
    };
    Ok(SupReport {
        verdict,
        upper: round_up(s.upper(), 4)?,
        lower,
        boxes: s.boxes,
        method,
        neurons,
    })
}

/// A rigorous enclosure `lower <= sup |g| <= upper` over a box, with the exact point where
/// the lower bound is attained.
#[derive(Clone, Debug, PartialEq)]
pub struct SupEnclosure {
    /// A rigorous upper bound of `sup |g|` (rounded up, 4 digits).
    pub upper: BigRational,
    /// `|g(witness)|` from below (rounded down, 4 digits): `lower <= sup |g|`.
    pub lower: BigRational,
    /// The exact rational point of the box where `lower` is attained.
    pub witness: Vec<BigRational>,
    /// A rigorous enclosure `(lo, hi)` of `g(witness)` (128-bit interval arithmetic on the
    /// expression itself).
    pub value: (BigRational, BigRational),
    /// Boxes evaluated.
    pub boxes: usize,
    /// One line: how `g` was enclosed.
    pub method: String,
    /// As [`SupReport::neurons`].
    pub neurons: Option<(usize, usize)>,
    /// What stopped the search before `upper <= (1 + tol) lower`, if something did.
    pub stopped: Option<String>,
}

/// The relative gap `upper / lower - 1` at which [`enclose_sup`] stops.
pub const SUP_TOLERANCE: f64 = 1e-3;

/// Encloses `sup |g(x)|` for `x` in the box `bounds` by branch and bound until the upper bound
/// is within [`SUP_TOLERANCE`] of a value attained (or a limit), and gives the exact point
/// where that value is attained.
///
/// # Errors
/// A bad box (`lo > hi`), an enclosure that fails on the box or at the witness.
pub fn enclose_sup(
    g: &Expr,
    vars: &[String],
    bounds: &[(BigRational, BigRational)],
    limits: &Limits,
) -> Result<SupEnclosure, BoundError> {
    if bounds.iter().any(|(lo, hi)| lo > hi) {
        return Err(BoundError::Options("a bound with lo > hi".into()));
    }
    let start = start_box(bounds);
    let (method, neurons, f) = encloser(g, vars, &start);
    let mut s = Search::new(&*f, vec![start.clone()])?;
    let stopped = match s.run(None, SUP_TOLERANCE, limits)? {
        End::Limit => Some(s.stopped.clone().unwrap_or_else(|| "a limit".into())),
        _ => None,
    };
    // The attained value, at a short rational point near the best point found, from the
    // expression itself at 128 bits (not through the model).
    let at = |p: &[BigRational]| -> Option<(BigRational, BigRational)> {
        if p.len() != vars.len() || p.iter().zip(bounds).any(|(q, (lo, hi))| q < lo || q > hi) {
            return None;
        }
        let bindings: Vec<(&str, Interval)> = vars
            .iter()
            .zip(p)
            .map(|(v, q)| (v.as_str(), Interval::point(q, 256)))
            .collect();
        let v = crate::interval::enclose(g, &bindings, 128).ok()?;
        Some((v.lo(), v.hi()))
    };
    let low = |v: &(BigRational, BigRational)| {
        if v.0.is_positive() {
            v.0.clone()
        } else if v.1.is_negative() {
            -v.1.clone()
        } else {
            BigRational::zero()
        }
    };
    let exact: Vec<BigRational> = s.argmax.iter().map(|&x| rat(x)).collect();
    let exact_value = at(&exact);
    let target = exact_value.as_ref().map(&low);
    let mut found = None;
    for digits in 1..=8u32 {
        let scale = BigRational::from_integer(num_traits::Pow::pow(BigInt::from(10), digits));
        let p: Vec<BigRational> = exact
            .iter()
            .map(|x| (x * &scale).round() / &scale)
            .collect();
        if let (Some(v), Some(t)) = (at(&p), &target) {
            // A short point is kept when it loses at most a millionth of the value.
            if low(&v) * BigRational::new(BigInt::from(1_000_000), BigInt::from(999_999)) >= *t {
                found = Some((p, v));
                break;
            }
        }
    }
    let (witness, value) = match found {
        Some(w) => w,
        None => (
            exact,
            exact_value.ok_or_else(|| {
                BoundError::Options("the enclosure at the best point failed".into())
            })?,
        ),
    };
    let l = low(&value);
    let lower = crate::certificate::parse_rational(&crate::certificate::decimal_down(&l))
        .ok()
        .filter(|d| *d <= l)
        .unwrap_or(l);
    Ok(SupEnclosure {
        upper: round_up(s.upper(), 4)?,
        lower,
        witness,
        value,
        boxes: s.boxes,
        method,
        neurons,
        stopped,
    })
}

/// A short rational point near `x` in the box where `|g|` provably exceeds `eps`.
fn witness(
    g: &Expr,
    vars: &[String],
    bounds: &[(BigRational, BigRational)],
    x: &[f64],
    eps: &BigRational,
) -> Option<(Vec<BigRational>, (BigRational, BigRational))> {
    if x.len() != vars.len() {
        return None;
    }
    let check = |p: &[BigRational]| -> Option<(BigRational, BigRational)> {
        if p.iter().zip(bounds).any(|(q, (lo, hi))| q < lo || q > hi) {
            return None;
        }
        let bindings: Vec<(&str, Interval)> = vars
            .iter()
            .zip(p)
            .map(|(v, q)| (v.as_str(), Interval::point(q, 256)))
            .collect();
        let v = crate::interval::enclose(g, &bindings, 128).ok()?;
        (v.lo() > *eps || v.hi() < -eps.clone()).then(|| (v.lo(), v.hi()))
    };
    for digits in 1..=8u32 {
        let scale = BigRational::from_integer(num_traits::Pow::pow(BigInt::from(10), digits));
        let p: Vec<BigRational> = x
            .iter()
            .map(|&xi| (rat(xi) * &scale).round() / &scale)
            .collect();
        if let Some(v) = check(&p) {
            return Some((p, v));
        }
    }
    let p: Vec<BigRational> = x.iter().map(|&xi| rat(xi)).collect();
    check(&p).map(|v| (p, v))
}

/// The gate's network minus the product, `sum_s A2_s sigma(b + s . x) - x_1 ... x_n`, as one
/// expression in the inputs (`None` when the report does not admit the gate).
pub fn gate_remainder_expr(report: &crate::gate::GateReport) -> Option<(Expr, Vec<String>)> {
    scaled_gate_error(report, None)
}

/// `f_lambda(x) - x_1 ... x_n` with `f_lambda(x) = lambda^-n sum_s A2_s sigma(b + lambda s . x)`
/// (`lambda = None`: 1).
pub fn scaled_gate_error(
    report: &crate::gate::GateReport,
    lambda: Option<&BigRational>,
) -> Option<(Expr, Vec<String>)> {
    use crate::expr::BinOp;
    let b = report.bias.as_ref()?;
    let names = crate::gate::input_names(report.inputs);
    let mut sum: Option<Expr> = None;
    for (s, w) in report.a1.iter().zip(&report.a2) {
        let mut arg: Option<Expr> = None;
        for (si, x) in s.iter().zip(&names) {
            let v = Expr::var(x);
            arg = Some(match (arg, *si > 0) {
                (None, true) => v,
                (None, false) => Expr::Neg(Box::new(v)),
                (Some(a), true) => Expr::bin(BinOp::Add, a, v),
                (Some(a), false) => Expr::bin(BinOp::Sub, a, v),
            });
        }
        let mut arg = arg?;
        if let Some(l) = lambda {
            arg = Expr::bin(BinOp::Mul, Expr::Num(l.clone()), arg);
        }
        if !b.is_zero() {
            arg = Expr::bin(BinOp::Add, arg, b.to_expr());
        }
        let weight = match lambda {
            Some(l) => {
                let scale = num_traits::Pow::pow(l, report.inputs as i32);
                (w * &crate::number::Const::from_rational(scale.recip())).to_expr()
            }
            None => w.to_expr(),
        };
        let neuron = Expr::bin(
            BinOp::Mul,
            weight,
            report.activation.substitute(&["x".to_string()], &[arg]),
        );
        sum = Some(match sum {
            None => neuron,
            Some(acc) => Expr::bin(BinOp::Add, acc, neuron),
        });
    }
    let product = names
        .iter()
        .map(|x| Expr::var(x))
        .reduce(|a, b| Expr::bin(BinOp::Mul, a, b))?;
    Some((Expr::bin(BinOp::Sub, sum?, product), names))
}

/// Certifies or refutes `sup |f_lambda(x) - x_1...x_n| <= eps` over `|x_i| <= radius` for one
/// given `lambda` ([`decide_sup`] on [`scaled_gate_error`]).
///
/// # Errors
/// As [`decide_sup`]; [`BoundError::Options`] when the report does not admit the gate.
pub fn gate_lambda(
    report: &crate::gate::GateReport,
    lambda: &BigRational,
    eps: &BigRational,
    radius: &BigRational,
    limits: &Limits,
) -> Result<SupReport, BoundError> {
    let (expr, names, bounds) = scaled_gate_problem(report, lambda, radius)?;
    decide_sup(&expr, &names, &bounds, eps, limits)
}

/// The error `f_lambda(x) - x_1...x_n` of one given `lambda`, its variables and the box
/// `|x_i| <= radius` (both must be positive).
type Problem = (Expr, Vec<String>, Vec<(BigRational, BigRational)>);

fn scaled_gate_problem(
    report: &crate::gate::GateReport,
    lambda: &BigRational,
    radius: &BigRational,
) -> Result<Problem, BoundError> {
    if !lambda.is_positive() || !radius.is_positive() {
        return Err(BoundError::Options(
            "lambda and the radius must be > 0".into(),
        ));
    }
    let (expr, names) = scaled_gate_error(report, Some(lambda))
        .ok_or_else(|| BoundError::Options("the activation does not admit the gate".into()))?;
    let bounds = vec![(-radius.clone(), radius.clone()); names.len()];
    Ok((expr, names, bounds))
}

/// Encloses `sup |f_lambda(x) - x_1...x_n|` over `|x_i| <= radius` for one given `lambda`
/// ([`enclose_sup`] on [`scaled_gate_error`]): no epsilon, the value itself.
///
/// # Errors
/// As [`enclose_sup`]; [`BoundError::Options`] when the report does not admit the gate.
pub fn gate_lambda_sup(
    report: &crate::gate::GateReport,
    lambda: &BigRational,
    radius: &BigRational,
    limits: &Limits,
) -> Result<SupEnclosure, BoundError> {
    let (expr, names, bounds) = scaled_gate_problem(report, lambda, radius)?;
    enclose_sup(&expr, &names, &bounds, limits)
}

/// The gate's remainder bound `|R(x)| <= K |x|_inf^m` on `|x|_inf <= radius`, by
/// [`remainder_bound`] on [`gate_remainder_expr`] (the routine `prove` uses for the same
/// network written as a claim). An exact gate gets `K = 0` only when the enclosures prove it on
/// the whole box (a polynomial piece may end inside it).
///
/// # Errors
/// As [`remainder_bound`]; [`BoundError::Options`] when the report does not admit the gate.
pub fn gate_remainder(
    report: &crate::gate::GateReport,
    radius: &BigRational,
    limits: &Limits,
) -> Result<SupBound, BoundError> {
    let (expr, names) = gate_remainder_expr(report)
        .ok_or_else(|| BoundError::Options("the activation does not admit the gate".into()))?;
    remainder_bound(&expr, &names, gate_bound_order(report), radius, limits)
}

/// The power `m` of the gate's bound `K |x|_inf^m`: the sharp remainder order when it is
/// proved; when the lowest term not proved zero has a coefficient neither proved zero nor
/// non-zero, that term's degree (every lower term is proved zero, so the bound holds whatever
/// the coefficient is, and it states no order); otherwise past the degree searched.
fn gate_bound_order(report: &crate::gate::GateReport) -> usize {
    let r = &report.remainder;
    match (r.order, &r.undecided) {
        (Some(m), _) => m,
        (None, Some(t)) => t.powers.iter().map(|&p| p as usize).sum(),
        (None, None) => report.degree + 1,
    }
}
