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
//! The truncation order is data: when the expansion's order is too low to decide (`lambda^-2`
//! times a series loses two orders) the computation is repeated with a higher target, up to
//! [`MAX_TARGET`].

use crate::expr::{Claim, ClaimOrder, Definitions, Program, Statement};
use crate::multi::{Evaluator, MultiError, MultiSeries, Space};
use crate::number::{Const, ZeroTest};

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
}

/// Decides every claim of a program (definitions in `defs` plus the program's own, in order).
pub fn prove_program(program: &Program, defs: &Definitions) -> Vec<ClaimReport> {
    let mut scope = defs.clone();
    let mut reports = Vec::new();
    for located in &program.statements {
        match &located.statement {
            Statement::Function { name, params, body } => {
                scope.define_function(name, params.clone(), body.clone())
            }
            Statement::Constant { name, value } => scope.define_constant(name, value.clone()),
            Statement::Claim(claim) => reports.push(prove_claim(claim, located.line, &scope)),
        }
    }
    reports
}

fn claim_text(claim: &Claim) -> String {
    crate::expr::Statement::Claim(claim.clone()).to_string()
}

/// Decides one claim.
pub fn prove_claim(claim: &Claim, line: usize, defs: &Definitions) -> ClaimReport {
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
            .and_then(|l| l.into_scalar("the left-hand side"))
            .and_then(|l| {
                evaluator
                    .eval(&claim.rhs)
                    .and_then(|r| r.into_scalar("the right-hand side"))
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
        let decided: Vec<&ComparedTerm> = rest
            .iter()
            .filter(|t| t.difference.zero_test() == ZeroTest::NonZero)
            .collect();
        if let Some(w) = decided.iter().map(|t| space.weight(&t.powers)).min() {
            let has_unknown_below = rest.iter().any(|t| {
                t.difference.zero_test() == ZeroTest::Unknown && space.weight(&t.powers) < w
            });
            if !has_unknown_below {
                report.remainder_order = Some(w);
                report.remainder_leading = rest
                    .iter()
                    .filter(|t| space.weight(&t.powers) == w)
                    .cloned()
                    .collect();
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
