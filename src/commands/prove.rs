//! `taylorgate prove FILE.tg`: decides every claim of a file.

use super::{Outcome, Status};
use crate::certificate::{decimal_text, decimal_up};
use crate::gate::{polynomial_text, Term};
use crate::prove::{
    prove_program, prove_program_with_bounds, BoundError, ClaimReport, ClaimStatus, ComparedTerm,
    RemainderBound,
};
use serde_json::{json, Value};
use std::path::PathBuf;

/// Output formats of `prove`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProveFormat {
    /// One paragraph per claim.
    Text,
    /// Machine-readable.
    Json,
    /// LaTeX (a fragment; a whole document with `--standalone`).
    Latex,
    /// Markdown with `$...$` mathematics.
    Markdown,
}

/// Arguments of `taylorgate prove`.
#[derive(clap::Args, Debug, Clone)]
pub struct ProveArgs {
    /// The `.tg` file with definitions and claims (`-` reads standard input).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ProveFormat::Text)]
    pub format: ProveFormat,
    /// The radius r of the box |x_i| <= r of the rigorous remainder bounds.
    #[arg(long, default_value = "1", allow_hyphen_values = true)]
    pub radius: String,
    /// Skip the rigorous remainder bounds (the claims are still decided).
    #[arg(long)]
    pub no_bound: bool,
    /// Stop every branch and bound (remainder bounds, sup-norm claims) after SECONDS in all;
    /// what is not finished is reported as undecided with the best bounds found (the global
    /// `--timeout` instead stops the whole command with exit 2).
    #[arg(long, value_name = "SECONDS")]
    pub search_timeout: Option<f64>,
    /// The language of the LaTeX and Markdown reports.
    #[arg(long, value_enum, default_value_t = crate::teach::Lang::En)]
    pub lang: crate::teach::Lang,
    /// LaTeX: a complete document.
    #[arg(long)]
    pub standalone: bool,
}

/// Runs `taylorgate prove`.
pub fn run(args: &ProveArgs) -> Result<Outcome, crate::Error> {
    let defs = crate::library::definitions();
    let path = args.file.display().to_string();
    let src = super::read_source(&args.file)?;
    let program = crate::parse::parse_program(&src, &defs).map_err(|e| e.with_path(&path))?;
    let radius = crate::certificate::parse_rational(&args.radius).map_err(|e| {
        crate::UsageError::Option {
            option: "--radius".into(),
            message: e.to_string(),
        }
    })?;
    let limits = crate::bound::search::Limits {
        max_boxes: crate::bound::MAX_BOXES,
        deadline: args
            .search_timeout
            .filter(|t| t.is_finite() && *t >= 0.0)
            .map(|t| std::time::Instant::now() + std::time::Duration::from_secs_f64(t)),
    };
    let reports = if args.no_bound {
        prove_program(&program, &defs, &limits)
    } else {
        prove_program_with_bounds(&program, &defs, &radius, &limits)
    };
    if reports.is_empty() {
        return Err(crate::UsageError::NoClaims(path).into());
    }
    let status = if reports.iter().all(|r| r.status == ClaimStatus::Proved) {
        Status::Done
    } else {
        Status::Negative
    };
    Ok(match args.format {
        ProveFormat::Json => Outcome::json(
            &json!({"file": path, "claims": reports.iter().map(claim_json).collect::<Vec<_>>()}),
            status,
        ),
        ProveFormat::Latex | ProveFormat::Markdown => {
            let source = crate::teach::ClaimSource {
                path: &path,
                program: &program,
            };
            let format = if args.format == ProveFormat::Latex {
                crate::teach::Format::Latex
            } else {
                crate::teach::Format::Markdown
            };
            Outcome {
                output: crate::teach::render(
                    &crate::teach::prove_document(&source, &reports, args.lang),
                    &crate::teach::RenderOptions {
                        format,
                        standalone: args.standalone,
                    },
                ),
                status,
            }
        }
        ProveFormat::Text => Outcome {
            output: reports
                .iter()
                .map(claim_text)
                .collect::<Vec<_>>()
                .join("\n"),
            status,
        },
    })
}

fn terms_json(terms: &[ComparedTerm]) -> Value {
    Value::Array(
        terms
            .iter()
            .map(|t| {
                json!({"powers": t.powers, "left": t.left.to_string(), "right": t.right.to_string(),
                       "coefficient": t.difference.to_string()})
            })
            .collect(),
    )
}

/// The JSON object of one claim.
pub fn claim_json(r: &ClaimReport) -> Value {
    json!({
        "line": r.line,
        "claim": r.claim,
        "status": r.status.name(),
        "variables": r.variables,
        "degree_in": r.degree_in,
        "claimed_order": r.claimed,
        "message": r.message,
        "difference": terms_json(&r.difference),
        "sup": r.sup.as_ref().map(sup_json),
        "remainder": {
            "order": r.remainder_order,
            "exact": r.exact,
            "leading": terms_json(&r.remainder_leading),
            "bound": r.bound.as_ref().map(bound_json),
        },
    })
}

/// The JSON of a sup-norm claim's branch and bound.
fn sup_json(s: &crate::bound::SupReport) -> Value {
    let mut v = json!({
        "upper": s.upper.to_string(),
        "lower": s.lower.to_string(),
        "boxes": s.boxes,
        "method": s.method,
    });
    match &s.verdict {
        crate::bound::SupVerdict::Refuted { witness, value } => {
            v["witness"] = json!(witness.iter().map(|q| q.to_string()).collect::<Vec<_>>());
            v["value"] = json!([value.0.to_string(), value.1.to_string()]);
        }
        crate::bound::SupVerdict::Undecided { reason } => v["stopped"] = json!(reason),
        crate::bound::SupVerdict::Proved => {}
    }
    v
}

/// The JSON of a rigorous remainder bound (or of why there is none).
fn bound_json(b: &Result<RemainderBound, BoundError>) -> Value {
    match b {
        Ok(b) => {
            let mut v = json!({
                "K": crate::certificate::bound_text(&b.k),
                "order": b.order,
                "radius": b.radius.to_string(),
                "norm": "inf",
                "attained": b.attained.to_string(),
                "boxes": b.boxes,
                "method": b.method,
            });
            if let Some(lambda) = &b.variable {
                v["variable"] = json!(lambda);
                v["others"] = json!(b.others);
            }
            v
        }
        Err(e) => json!({"error": format!("no rigorous bound: {e}")}),
    }
}

/// The text line of a rigorous remainder bound.
fn bound_text(b: &Result<RemainderBound, BoundError>) -> String {
    let b = match b {
        Ok(b) => b,
        Err(e) => return format!("  No rigorous bound: {e}.\n"),
    };
    let (k, r) = (decimal_up(&b.k), decimal_text(&b.radius));
    let m = b.order;
    match &b.variable {
        None => format!(
            "  Rigorous bound: |R(x)| <= {k} |x|_inf^{m} for |x|_inf <= {r} (R = LHS - RHS); |R(x)|/|x|_inf^{m} reaches {}.\n  Method: {}.\n",
            decimal_text(&b.attained),
            b.method
        ),
        Some(lambda) => {
            let others = if b.others.is_empty() {
                String::new()
            } else {
                format!(
                    " and {} <= {r}",
                    b.others
                        .iter()
                        .map(|v| format!("|{v}|"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            format!(
                "  Rigorous bound: |R| <= {k} |{lambda}|^{m} for |{lambda}| <= {r}{others} (R = LHS - RHS).\n"
            )
        }
    }
}

fn as_terms(terms: &[ComparedTerm]) -> Vec<Term> {
    terms
        .iter()
        .map(|t| Term {
            powers: t.powers.clone(),
            coefficient: t.difference.clone(),
        })
        .collect()
}

/// The text paragraph of one claim.
pub fn claim_text(r: &ClaimReport) -> String {
    let mut o = format!("line {}: {}\n", r.line, r.claim);
    if r.sup_norm {
        let word = match r.status {
            ClaimStatus::Proved => "PROVED",
            ClaimStatus::Refuted => "REFUTED",
            ClaimStatus::Undecided => "UNDECIDED",
        };
        o.push_str(&format!("  {word}: {}.\n", r.message));
        if let Some(s) = &r.sup {
            o.push_str(&format!("  Method: {}.\n", s.method));
        }
        return o;
    }
    let unit = r
        .degree_in
        .as_ref()
        .map(|v| format!("degree in {v}"))
        .unwrap_or_else(|| "total degree".into());
    match r.status {
        ClaimStatus::Proved => {
            o.push_str(&format!(
                "  PROVED: every term of LHS - RHS of {unit} < {} vanishes.\n",
                r.claimed
            ));
            if r.exact {
                o.push_str("  LHS - RHS is exactly zero.\n");
            } else if let Some(w) = r.remainder_order {
                o.push_str(&format!(
                    "  Sharp remainder: order {w}, leading terms {}\n",
                    polynomial_text(&as_terms(&r.remainder_leading), &r.variables)
                ));
            } else {
                o.push_str(&format!("  {}\n", r.message));
            }
            if let Some(b) = &r.bound {
                o.push_str(&bound_text(b));
            }
        }
        ClaimStatus::Refuted => {
            o.push_str(&format!("  REFUTED: {}.\n", r.message));
            for t in &r.difference {
                o.push_str(&format!(
                    "    term {}: left {}, right {}\n",
                    monomial(t, &r.variables),
                    t.left,
                    t.right
                ));
            }
        }
        ClaimStatus::Undecided => {
            o.push_str(&format!("  UNDECIDED: {}.\n", r.message));
            for t in &r.difference {
                o.push_str(&format!(
                    "    term {}: coefficient {} (zero test inconclusive)\n",
                    monomial(t, &r.variables),
                    t.difference
                ));
            }
        }
    }
    o
}

fn monomial(t: &ComparedTerm, variables: &[String]) -> String {
    let refs: Vec<&str> = variables.iter().map(String::as_str).collect();
    crate::multi::monomial_text(&crate::multi::Space::total_degree(&refs), &t.powers)
}
