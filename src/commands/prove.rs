//! `taylorgate prove FILE.tg`: decides every claim of a file.

use super::{Outcome, Status};
use crate::certificate::{decimal_text, decimal_up};
use crate::gate::polynomial_text;
use crate::prove::{BoundError, ClaimReport, ClaimStatus, ComparedTerm, RemainderBound};
use crate::session::{ProveRequest, Session};
use std::path::PathBuf;

/// Output formats of `prove`.
pub use super::Format as ProveFormat;

/// Arguments of `taylorgate prove`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProveArgs {
    /// The `.tg` file with definitions and claims (`-` reads standard input).
    pub file: PathBuf,
    /// Output format.
    pub format: ProveFormat,
    /// The radius r of the box |x_i| <= r of the rigorous remainder bounds.
    pub radius: String,
    /// Skip the rigorous remainder bounds (the claims are still decided).
    pub no_bound: bool,
    /// Stop every branch and bound (remainder bounds, sup-norm claims) after SECONDS in all;
    /// what is not finished is reported as undecided with the best bounds found (the global
    /// `--timeout` instead stops the whole command with exit 2).
    pub search_timeout: Option<f64>,
    /// The language of the LaTeX and Markdown reports.
    pub lang: crate::teach::Lang,
    /// LaTeX: a complete document.
    pub standalone: bool,
}

impl ProveArgs {
    /// Every claim of `file` decided and bounded on the radius 1, as text (the command line's
    /// defaults).
    pub fn new(file: impl Into<PathBuf>) -> ProveArgs {
        ProveArgs {
            file: file.into(),
            format: ProveFormat::Text,
            radius: "1".into(),
            no_bound: false,
            search_timeout: None,
            lang: crate::teach::Lang::En,
            standalone: false,
        }
    }
}

/// Runs `taylorgate prove`.
pub fn run(args: &ProveArgs) -> Result<Outcome, crate::Error> {
    let report = Session::new().prove_file(
        &args.file,
        &ProveRequest {
            radius: args.radius.clone(),
            no_bound: args.no_bound,
            search_timeout: args.search_timeout,
        },
    )?;
    let status = if report
        .reports
        .iter()
        .all(|r| r.status == ClaimStatus::Proved)
    {
        Status::Done
    } else {
        Status::Negative
    };
    Ok(match args.format.document() {
        None => Outcome::report(&report, status),
        Some(format @ (crate::teach::Format::Latex | crate::teach::Format::Markdown)) => {
            let path = args.file.display().to_string();
            let source = crate::teach::ClaimSource {
                path: &path,
                program: &report.program,
            };
            Outcome {
                output: crate::teach::render(
                    &crate::teach::prove_document(&source, &report.reports, args.lang),
                    &crate::teach::RenderOptions {
                        format,
                        standalone: args.standalone,
                    },
                ),
                status,
            }
        }
        Some(crate::teach::Format::Text) => Outcome {
            output: report
                .reports
                .iter()
                .map(claim_text)
                .collect::<Vec<_>>()
                .join("\n"),
            status,
        },
    })
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
                "  Rigorous bound: |R| <= {k} |{lambda}|^{m} for |{lambda}| <= {r}{others} (R = LHS - RHS); |R|/|{lambda}|^{m} reaches {}.\n  Method: {}.\n",
                decimal_text(&b.attained),
                b.method
            )
        }
    }
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
                    polynomial_text(
                        &ComparedTerm::differences(&r.remainder_leading),
                        &r.variables
                    )
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
