//! Claims `LHS = RHS + O(|x|^k)` and `LHS = RHS + O(lambda^k)`: proved, refuted, or undecided.
//!
//! Both sides are expanded exactly with [`crate::multi`] (total degree in all free variables
//! for `O(|x|^k)`; degree in `lambda` with the other variables kept as exact polynomials for
//! `O(lambda^k)`). The claim holds when every term of `LHS - RHS` below degree `k` vanishes
//! (each zero proved by the exact zero test). A proved claim reports the sharp remainder order
//! and its exact leading terms; a refuted one names the lowest-degree terms where the sides
//! differ, with both coefficients; an undecided one names the coefficient whose zero test was
//! inconclusive.
//!
//! A proved claim can also carry a rigorous bound `|R(x)| <= K |x|_inf^m` (or `K |lambda|^m`)
//! of its remainder on a box ([`prove_program_with_bounds`], [`remainder_bound`]): the
//! remainder lowered once to the graph of [`crate::ir`], read back as one expression, and
//! bounded by the Taylor models of [`crate::bound`], the routine `gate` uses.
//!
//! The truncation order is data: when the expansion's order is too low to decide (`lambda^-2`
//! times a series loses two orders) the computation is repeated with a higher target, up to
//! [`MAX_TARGET`].

use crate::expr::{Claim, ClaimOrder, Definitions, Expr, Program, Statement};
use crate::ir::{scalar_expr, LowerError, Lowering, Node};
use crate::multi::{Evaluator, MultiError, MultiSeries, Space};
use crate::number::{Const, ZeroTest};
use num_rational::BigRational;
use num_traits::{Signed, Zero};

/// The highest truncation weight tried before a claim is reported undecided.
pub const MAX_TARGET: i64 = 40;

/// The status of a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimStatus {
    /// Every term below the claimed order vanishes (proved).
    Proved,
    /// A term below the claimed order does not vanish (proved).
    Refuted,
    /// Neither could be proved.
    Undecided,
}

impl ClaimStatus {
    /// `proved`, `refuted` or `undecided`.
    pub fn name(self) -> &'static str {
        match self {
            ClaimStatus::Proved => "proved",
            ClaimStatus::Refuted => "refuted",
            ClaimStatus::Undecided => "undecided",
        }
    }
}

/// A term `x^powers` where the two sides are compared.
#[derive(Clone, Debug, PartialEq)]
pub struct ComparedTerm {
    /// Exponents of the claim's variables.
    pub powers: Vec<i32>,
    /// Coefficient on the left-hand side.
    pub left: Const,
    /// Coefficient on the right-hand side.
    pub right: Const,
    /// `left - right`.
    pub difference: Const,
}

impl ComparedTerm {
    /// The terms `difference x^powers` of `LHS - RHS`, as the gate's terms (to print them as a
    /// polynomial).
    pub fn differences(terms: &[ComparedTerm]) -> Vec<crate::gate::Term> {
        terms
            .iter()
            .map(|t| crate::gate::Term {
                powers: t.powers.clone(),
                coefficient: t.difference.clone(),
            })
            .collect()
    }
}

/// What was found about one claim.
#[derive(Clone, Debug)]
pub struct ClaimReport {
    /// 1-based line of the claim in its file.
    pub line: usize,
    /// The claim, as text.
    pub claim: String,
    /// The verdict.
    pub status: ClaimStatus,
    /// The variables of the expansion, in order (`powers` refer to them).
    pub variables: Vec<String>,
    /// The variable whose degree is counted (`None`: total degree).
    pub degree_in: Option<String>,
    /// The claimed order `k`.
    pub claimed: u32,
    /// Refuted: the lowest-degree terms where the sides differ. Undecided: the undecided
    /// coefficients.
    pub difference: Vec<ComparedTerm>,
    /// Proved: the sharp order of `LHS - RHS - 0` (`None` when it is identically zero, or no
    /// non-zero term was found below [`ClaimReport::searched`]).
    pub remainder_order: Option<i64>,
    /// Proved: `LHS - RHS` is exactly zero (a polynomial identity).
    pub exact: bool,
    /// Proved: the lowest-degree terms of `LHS - RHS`.
    pub remainder_leading: Vec<ComparedTerm>,
    /// The weight through which the difference was known.
    pub searched: Option<i64>,
    /// One sentence: why.
    pub message: String,
    /// Proved claims, when asked for ([`prove_program_with_bounds`]): the rigorous bound of
    /// the remainder, or why there is none.
    pub bound: Option<Result<RemainderBound, BoundError>>,
    /// Whether this is a sup-norm claim `|g| <= eps for ...` (then `sup` says what the branch
    /// and bound found, when it ran).
    pub sup_norm: bool,
    /// Sup-norm claims: what the branch and bound found.
    pub sup: Option<crate::bound::SupReport>,
}

/// Decides every claim of a program (definitions in `defs` plus the program's own, in order);
/// sup-norm claims by branch and bound within `limits`.
pub fn prove_program(
    program: &Program,
    defs: &Definitions,
    limits: &crate::bound::search::Limits,
) -> Vec<ClaimReport> {
    run_program(program, defs, None, limits)
}

/// [`prove_program`], with a rigorous remainder bound ([`remainder_bound`]) for every proved
/// claim on the box of radius `radius` (within `limits`).
pub fn prove_program_with_bounds(
    program: &Program,
    defs: &Definitions,
    radius: &BigRational,
    limits: &crate::bound::search::Limits,
) -> Vec<ClaimReport> {
    run_program(program, defs, Some(radius), limits)
}

fn run_program(
    program: &Program,
    defs: &Definitions,
    radius: Option<&BigRational>,
    limits: &crate::bound::search::Limits,
) -> Vec<ClaimReport> {
    let mut scope = defs.clone();
    let mut reports = Vec::new();
    for located in &program.statements {
        match &located.statement {
            Statement::Function { name, params, body } => {
                scope.define_function(name, params.clone(), body.clone())
            }
            Statement::Constant { name, value } => scope.define_constant(name, value.clone()),
            Statement::Claim(claim) => {
                let mut report = prove_claim(claim, located.line, &scope);
                if let (ClaimStatus::Proved, Some(r)) = (report.status, radius) {
                    report.bound = Some(remainder_bound(claim, &report, &scope, r, limits));
                }
                reports.push(report);
            }
            Statement::SupClaim(claim) => {
                reports.push(prove_sup_claim(claim, located.line, &scope, limits))
            }
        }
    }
    reports
}

/// Decides a sup-norm claim `|g| <= eps` on a box ([`crate::bound::decide_sup`]).
pub fn prove_sup_claim(
    claim: &crate::expr::SupClaim,
    line: usize,
    defs: &Definitions,
    limits: &crate::bound::search::Limits,
) -> ClaimReport {
    let mut vars = claim.expr.free_variables();
    vars.retain(|n| !defs.contains(n));
    let mut report = ClaimReport {
        line,
        claim: claim.to_string(),
        status: ClaimStatus::Undecided,
        variables: vars.clone(),
        degree_in: None,
        claimed: 0,
        difference: vec![],
        remainder_order: None,
        exact: false,
        remainder_leading: vec![],
        searched: None,
        message: String::new(),
        bound: None,
        sup_norm: true,
        sup: None,
    };
    let constant = |e: &Expr, what: &str| -> Result<BigRational, String> {
        let v = scalar_expr(e, defs, &[])
            .map_err(|err| format!("{what} `{e}`: {err}"))
            .and_then(|l| Const::from_expr(&l).map_err(|err| format!("{what} `{e}`: {err}")))?;
        v.to_rational()
            .ok_or_else(|| format!("{what} `{e}` must be a rational number (it is {v})"))
    };
    let mut bounds = Vec::new();
    for v in &vars {
        let Some((_, lo, hi)) = claim.ranges.iter().find(|(n, _, _)| n == v) else {
            report.message = format!("line {line}: the variable `{v}` has no range after `for`");
            return report;
        };
        match (constant(lo, "the lower end"), constant(hi, "the upper end")) {
            (Ok(lo), Ok(hi)) if lo <= hi => bounds.push((lo, hi)),
            (Ok(_), Ok(_)) => {
                report.message = format!("line {line}: the range of `{v}` is empty (lo > hi)");
                return report;
            }
            (Err(e), _) | (_, Err(e)) => {
                report.message = format!("line {line}: {e}");
                return report;
            }
        }
    }
    let eps = match constant(&claim.bound, "the bound") {
        Ok(e) => e,
        Err(e) => {
            report.message = format!("line {line}: {e}");
            return report;
        }
    };
    let g = match scalar_expr(&claim.expr, defs, &vars) {
        Ok(g) => g,
        Err(e) => {
            report.message = format!("cannot lower the function: {e}");
            return report;
        }
    };
    match crate::bound::decide_sup(&g, &vars, &bounds, &eps, limits) {
        Ok(sup) => {
            let d = |q: &BigRational| crate::certificate::decimal_text(q);
            match &sup.verdict {
                crate::bound::SupVerdict::Proved => {
                    report.status = ClaimStatus::Proved;
                    report.message = format!(
                        "every point of the box satisfies it: sup |g| <= {} ({} boxes)",
                        d(&sup.upper),
                        sup.boxes
                    );
                }
                crate::bound::SupVerdict::Refuted { witness, value } => {
                    report.status = ClaimStatus::Refuted;
                    let at = vars
                        .iter()
                        .zip(witness)
                        .map(|(v, q)| format!("{v} = {q}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let low = value.0.abs().min(value.1.abs());
                    let (lo, hi) = crate::certificate::decimal_interval(&value.0, &value.1);
                    report.message = format!(
                        "at {at}, |g| >= {} > {} (rigorous enclosure of g there: [{lo}, {hi}])",
                        crate::certificate::decimal_down(&low),
                        d(&eps),
                    );
                }
                crate::bound::SupVerdict::Undecided { reason } => {
                    report.message = format!(
                        "{reason}: {} <= sup |g| <= {}",
                        d(&sup.lower),
                        d(&sup.upper)
                    );
                }
            }
            report.sup = Some(sup);
        }
        Err(e) => report.message = format!("no branch and bound: {e}"),
    }
    report
}

fn claim_text(claim: &Claim) -> String {
    crate::expr::Statement::Claim(claim.clone()).to_string()
}

/// Decides one claim.
pub fn prove_claim(claim: &Claim, line: usize, defs: &Definitions) -> ClaimReport {
    let _stage = crate::budget::stage(format!("the claim on line {line}"));
    let mut names = claim.lhs.free_variables();
    for v in claim.rhs.free_variables() {
        if !names.contains(&v) {
            names.push(v);
        }
    }
    names.retain(|n| !defs.contains(n));
    let (k, degree_in) = match &claim.order {
        ClaimOrder::Norm { k, .. } => (*k, None),
        ClaimOrder::Var { var, k } => {
            if !names.contains(var) {
                names.push(var.clone());
            }
            (*k, Some(var.clone()))
        }
    };
    let mut report = ClaimReport {
        line,
        claim: claim_text(claim),
        status: ClaimStatus::Undecided,
        variables: names.clone(),
        degree_in: degree_in.clone(),
        claimed: k,
        difference: vec![],
        remainder_order: None,
        exact: false,
        remainder_leading: vec![],
        searched: None,
        message: String::new(),
        bound: None,
        sup_norm: false,
        sup: None,
    };
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let space = match &degree_in {
        None => Space::total_degree(&refs),
        Some(var) => Space::degree_in(&refs, var),
    };
    let k = i64::from(k);
    // Claims of order beyond the largest target can still be refuted by a low term.
    let mut target = (k + 2).min(MAX_TARGET);
    loop {
        let evaluator = Evaluator::new(defs, space.clone(), target);
        let sides = evaluator
            .eval(&claim.lhs)
            .and_then(|l| Ok(l.into_scalar("the left-hand side")?))
            .and_then(|l| {
                evaluator
                    .eval(&claim.rhs)
                    .and_then(|r| Ok(r.into_scalar("the right-hand side")?))
                    .map(|r| (l, r))
            });
        let (lhs, rhs) = match sides {
            Ok(s) => s,
            Err(e) => {
                report.message = format!("cannot expand the claim: {e}");
                return report;
            }
        };
        let diff = lhs.sub(&rhs);
        let known = diff.order();
        report.searched = known;
        // Terms below the claimed order decide the claim; they must all be known.
        let below: Vec<ComparedTerm> = compared_terms(&diff, &lhs, &rhs, |w| w < k);
        let undecided: Vec<ComparedTerm> = below
            .iter()
            .filter(|t| t.difference.zero_test() == ZeroTest::Unknown)
            .cloned()
            .collect();
        let nonzero: Vec<ComparedTerm> = below
            .iter()
            .filter(|t| t.difference.zero_test() == ZeroTest::NonZero)
            .cloned()
            .collect();
        if !nonzero.is_empty() {
            let w = nonzero
                .iter()
                .map(|t| space.weight(&t.powers))
                .min()
                .unwrap_or(0);
            report.difference = nonzero
                .into_iter()
                .filter(|t| space.weight(&t.powers) == w)
                .collect();
            report.status = ClaimStatus::Refuted;
            report.message = format!(
                "the two sides differ at degree {w} < {k}{}",
                degree_in
                    .as_ref()
                    .map(|v| format!(" in {v}"))
                    .unwrap_or_default()
            );
            return report;
        }
        if !undecided.is_empty() {
            report.difference = undecided;
            report.message =
                "a coefficient below the claimed order could not be proved zero or non-zero".into();
            return report;
        }
        if known.is_some_and(|o| o < k) {
            if target >= MAX_TARGET {
                report.message = format!(
                    "the expansion is known only below degree {}, short of {k}, at the largest target {MAX_TARGET}",
                    known.unwrap_or(0)
                );
                return report;
            }
            target += (k - known.unwrap_or(0)).max(1) + 1;
            continue;
        }
        // Proved. The sharp remainder: the lowest non-zero term at or beyond k.
        report.status = ClaimStatus::Proved;
        let rest = compared_terms(&diff, &lhs, &rhs, |w| w >= k);
        let sharp = crate::remainder::sharp(&rest, |t| space.weight(&t.powers), |t| &t.difference);
        if sharp.nonzero_found {
            if let Some(w) = sharp.order {
                report.remainder_order = Some(w);
                report.remainder_leading = sharp.leading;
            }
            report.message = format!("every term below degree {k} vanishes");
            return report;
        }
        if known.is_none() && rest.is_empty() {
            report.exact = true;
            report.message = "the two sides are identical polynomials".into();
            return report;
        }
        if target >= MAX_TARGET || known.is_none() {
            report.message = format!(
                "every term below degree {k} vanishes; no non-zero term found below degree {}",
                known.map(|o| o.to_string()).unwrap_or_else(|| "∞".into())
            );
            return report;
        }
        target = (target + 4).min(MAX_TARGET);
    }
}

fn compared_terms(
    diff: &MultiSeries,
    lhs: &MultiSeries,
    rhs: &MultiSeries,
    keep: impl Fn(i64) -> bool,
) -> Vec<ComparedTerm> {
    let space = diff.space();
    let mut out: Vec<ComparedTerm> = diff
        .terms()
        .iter()
        .filter(|(e, _)| keep(space.weight(e)))
        .map(|(e, c)| ComparedTerm {
            powers: e.clone(),
            left: lhs.coefficient(e),
            right: rhs.coefficient(e),
            difference: c.clone(),
        })
        .collect();
    out.sort_by(|a, b| {
        space
            .weight(&a.powers)
            .cmp(&space.weight(&b.powers))
            .then_with(|| b.powers.cmp(&a.powers))
    });
    out
}

/// Wraps multi errors for callers that want one type.
pub type ProveError = MultiError;

// ---------------------------------------------------------------------------------------------
// Rigorous remainder bounds

/// A rigorous bound of the remainder `R = LHS - RHS` of a proved claim.
///
/// Norm claims (`O(|x|^k)`): `|R(x)| <= K |x|_inf^order` for `|x|_inf <= radius`. Claims
/// `O(lambda^k)`: `|R| <= K |lambda|^order` for `|lambda| <= radius` and every other variable
/// in `[-radius, radius]`.
#[derive(Clone, Debug, PartialEq)]
pub struct RemainderBound {
    /// The constant `K` (a short decimal, rounded up).
    pub k: BigRational,
    /// The power `m` (the sharp remainder order when known, else the claimed order).
    pub order: i64,
    /// The radius `r` of the box.
    pub radius: BigRational,
    /// `None`: the sup norm of all variables; `Some(lambda)`: the power of `lambda`.
    pub variable: Option<String>,
    /// The other variables (lambda claims), each in `[-radius, radius]`.
    pub others: Vec<String>,
    /// A value of `|R| / |x|_inf^m` (or `|R| / |lambda|^m`) provably attained: `K` is within
    /// the factor `K / attained` of the truth.
    pub attained: BigRational,
    /// The number of boxes evaluated.
    pub boxes: usize,
    /// One line: how the bound was obtained.
    pub method: String,
}

/// Why a proved claim has no rigorous remainder bound.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum BoundError {
    /// Bounds are given only for proved claims.
    #[error("the claim is not proved")]
    NotProved,
    /// The radius is not positive.
    #[error("the radius must be > 0")]
    Radius,
    /// The remainder has no variable (and is not identically zero).
    #[error("the claim has no variable")]
    NoVariable,
    /// The remainder is not one scalar built-in expression.
    #[error("cannot lower the remainder to one scalar expression: {0}")]
    Lower(#[from] LowerError),
    /// The Taylor models of [`crate::bound`] give no bound (a pole, a kink, a domain error,
    /// an argument that depends on the unscaled variables at 0, an overflow).
    #[error("{0}")]
    Bound(#[from] crate::bound::BoundError),
}

/// A rigorous bound `|R| <= K |x|^m` of the remainder `R = LHS - RHS` of a proved claim, on
/// the box of radius `radius` (see [`RemainderBound`]).
///
/// The remainder is lowered once to the graph ([`crate::ir`]), read back as one built-in
/// expression, and bounded by the routine `gate` uses ([`crate::bound::remainder_bound_along`]):
/// Taylor models along rays `x = t y` for norm claims, along `lambda = t y_lambda` with the
/// other variables over the box for claims `O(lambda^k)`, the branch and bound over `t` and `y`.
/// Its terms of degree below `m` vanish (proved by the exact expansion), so there is no
/// division by a small `t`, and removable singularities of one scaled variable
/// (`sin(x)/x`, `lambda^-2 (...)`) are quotients of Taylor models.
///
/// # Errors
/// [`BoundError`]: the claim is not proved, the remainder is not a scalar, the Taylor models
/// fail on part of the box (a pole, an `abs` at its kink, a domain error): never a guess.
pub fn remainder_bound(
    claim: &Claim,
    report: &ClaimReport,
    defs: &Definitions,
    radius: &BigRational,
    limits: &crate::bound::search::Limits,
) -> Result<RemainderBound, BoundError> {
    if report.status != ClaimStatus::Proved {
        return Err(BoundError::NotProved);
    }
    if !radius.is_positive() {
        return Err(BoundError::Radius);
    }
    let _stage = crate::budget::stage(format!(
        "the bound of the remainder of the claim on line {}",
        report.line
    ));
    let order = report.remainder_order.unwrap_or(i64::from(report.claimed));
    let variable = report.degree_in.clone();
    let others: Vec<String> = report
        .variables
        .iter()
        .filter(|v| Some(*v) != variable.as_ref())
        .cloned()
        .collect();
    let mut result = RemainderBound {
        k: BigRational::zero(),
        order,
        radius: radius.clone(),
        variable: variable.clone(),
        others,
        attained: BigRational::zero(),
        boxes: 0,
        method: "LHS - RHS is exactly zero".into(),
    };
    if report.exact {
        return Ok(result);
    }
    let vars = &report.variables;
    if vars.is_empty() {
        return Err(BoundError::NoVariable);
    }
    let m = usize::try_from(order)
        .ok()
        .filter(|&m| m >= 1)
        .ok_or(BoundError::NoVariable)?;
    let mut lowering = Lowering::new(defs);
    let lhs = lowering.lower_scalar(&claim.lhs, "the left-hand side")?;
    let rhs = lowering.lower_scalar(&claim.rhs, "the right-hand side")?;
    let rem_id = lowering.graph_mut().add(Node::Sub(lhs, rhs));
    let graph = lowering.graph();
    if let Some(v) = (0..graph.var_count())
        .map(|v| graph.var_name(v as u32))
        .find(|n| graph.depends_on(rem_id, n) && !vars.contains(&n.to_string()))
    {
        return Err(LowerError::UnknownName(v.to_string()).into());
    }
    let rem = graph.to_expr(rem_id)?;
    let ray = match &variable {
        None => crate::bound::Ray::Total,
        Some(lambda) => crate::bound::Ray::In(
            vars.iter()
                .position(|v| v == lambda)
                .ok_or(BoundError::NoVariable)?,
        ),
    };
    let b = crate::bound::remainder_bound_along(&rem, vars, ray, m, radius, limits)?;
    result.k = b.k;
    result.attained = b.attained;
    result.boxes = b.boxes;
    result.method = b.method;
    Ok(result)
}
