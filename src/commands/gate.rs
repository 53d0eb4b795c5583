//! `taylorgate gate ACT`: does an activation admit the multiplication gate, and what exactly
//! does the network compute.

use super::{Outcome, Status};
use crate::bound::{gate_remainder, BoundError, SupBound};
use crate::certificate::{certify, decimal_text, Certificate, CertificateError};
use crate::expr::{Definitions, Expr};
use crate::gate::{analyze, GateOptions, GateReport, Term, Verdict};
use crate::number::Const;
use crate::teach::{gate_document, render, Format, GateExtras, Lang, RenderOptions};
use serde_json::{json, Value};
use std::path::PathBuf;

/// Output formats of `gate`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GateFormat {
    /// The derivation, step by step.
    Text,
    /// Machine-readable.
    Json,
    /// The derivation in LaTeX (a fragment; a whole document with `--standalone`).
    Latex,
    /// The derivation in Markdown with `$...$` mathematics.
    Markdown,
}

/// Arguments of `taylorgate gate`.
#[derive(clap::Args, Debug, Clone)]
pub struct GateArgs {
    /// The activation: an expression in `x`, or the name of a definition (`softplus`).
    #[arg(allow_hyphen_values = true)]
    pub activation: String,
    /// Number of inputs n (2^n hidden neurons).
    #[arg(long, default_value_t = 2)]
    pub inputs: usize,
    /// Total degree of the expansion (default n + 4).
    #[arg(long)]
    pub degree: Option<usize>,
    /// Force the bias b (an exact expression, e.g. `ln(3)`).
    #[arg(long, allow_hyphen_values = true)]
    pub bias: Option<String>,
    /// A `.tg` file with definitions.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GateFormat::Text)]
    pub format: GateFormat,
    /// Also print the exact values to D guaranteed significant digits (JSON `approx`).
    #[arg(long)]
    pub digits: Option<u32>,
    /// Certify a scale lambda with sup |f_lambda(x) - x_1...x_n| <= E on |x_i| <= R
    /// (e.g. `1e-6`).
    #[arg(long, allow_hyphen_values = true)]
    pub epsilon: Option<String>,
    /// The radius R of the input box |x_i| <= R (remainder bound and certificate).
    #[arg(long, default_value = "1", allow_hyphen_values = true)]
    pub radius: String,
    /// Skip the rigorous remainder bound.
    #[arg(long)]
    pub no_bound: bool,
    /// Certify or refute this scale: sup |f_lambda(x) - x_1...x_n| <= E on |x_i| <= R
    /// (needs `--epsilon`), by branch and bound.
    #[arg(long)]
    pub lambda: Option<String>,
    /// With `--epsilon`: certify the network evaluated in this floating-point format (Taylor
    /// bound plus a rigorous bound of every rounding error), or give the smallest epsilon
    /// reachable in it.
    #[arg(long, value_enum)]
    pub float: Option<crate::certificate::float::FloatFormat>,
    /// The assumed accuracy of sigma's implementation in `--float`, in ulps of its value.
    #[arg(long, default_value_t = crate::certificate::float::DEFAULT_SIGMA_ULPS)]
    pub sigma_ulps: u32,
    /// The language of the derivation.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    /// LaTeX: a complete document (`\documentclass` ... `\end{document}`).
    #[arg(long)]
    pub standalone: bool,
    /// Also draw the error against lambda into FILE (SVG; PNG when FILE ends in `.png`).
    #[arg(long)]
    pub plot: Option<PathBuf>,
}

/// Turns the `ACT` argument into a built-in-only expression in `x`: the name of a one-argument
/// definition means `name(x)`.
pub fn activation_expr(text: &str, defs: &Definitions) -> Result<Expr, crate::Error> {
    super::function_of(text, "x", defs)
}

/// Parses an exact point such as `ln(3)`.
pub fn parse_point(text: &str, defs: &Definitions) -> Result<Const, crate::Error> {
    let e = crate::parse::parse_expr(text, defs)?;
    let e = crate::diff::inline_definitions(&e, defs)?;
    Ok(Const::from_expr(&e)?)
}

/// Runs `taylorgate gate`.
pub fn run(args: &GateArgs) -> Result<Outcome, crate::Error> {
    let defs = super::load_definitions(args.file.as_deref())?;
    let sigma = activation_expr(&args.activation, &defs)?;
    let bias = args
        .bias
        .as_deref()
        .map(|b| parse_point(b, &defs))
        .transpose()?;
    let radius = crate::certificate::parse_rational(&args.radius).map_err(|e| {
        crate::UsageError::Option {
            option: "--radius".into(),
            message: e.to_string(),
        }
    })?;
    let epsilon = args
        .epsilon
        .as_deref()
        .map(crate::certificate::parse_rational)
        .transpose()
        .map_err(|e| crate::UsageError::Option {
            option: "--epsilon".into(),
            message: e.to_string(),
        })?;
    // A certificate may need the Lagrange order n + 6 (when the order-(n+2) term vanishes).
    let degree = args
        .degree
        .or_else(|| epsilon.as_ref().map(|_| args.inputs + 6));
    let options = GateOptions {
        inputs: args.inputs,
        degree,
        bias,
    };
    let report = analyze(&sigma, &options).map_err(|e| match e {
        crate::gate::GateError::Options(message) => crate::UsageError::Option {
            option: "--inputs/--degree".into(),
            message,
        }
        .into(),
        e => crate::Error::from(e).located(&args.activation),
    })?;
    let status = if report.verdict == Verdict::Admits {
        Status::Done
    } else {
        Status::Negative
    };
    let admits = report.verdict == Verdict::Admits;
    let remainder = (admits && !args.no_bound)
        .then(|| gate_remainder(&report, &radius, &crate::bound::default_limits()));
    let lambda = args
        .lambda
        .as_deref()
        .map(crate::certificate::parse_rational)
        .transpose()
        .map_err(|e| crate::UsageError::Option {
            option: "--lambda".into(),
            message: e.to_string(),
        })?;
    if lambda.is_some() && epsilon.is_none() {
        return Err(crate::UsageError::Option {
            option: "--lambda".into(),
            message: "needs --epsilon".into(),
        }
        .into());
    }
    let given = match (&lambda, &epsilon, admits) {
        (Some(l), Some(eps), true) => Some((
            l.clone(),
            crate::bound::gate_lambda(&report, l, eps, &radius, &crate::bound::default_limits()),
        )),
        _ => None,
    };
    let certificate = match (&epsilon, admits, &given) {
        (Some(eps), true, None) => Some(certify(&report, eps, &radius)),
        _ => None,
    };
    if args.float.is_some() && epsilon.is_none() {
        return Err(crate::UsageError::Option {
            option: "--float".into(),
            message: "needs --epsilon".into(),
        }
        .into());
    }
    let float = match (args.float, &epsilon, admits) {
        (Some(format), Some(eps), true) => Some(crate::certificate::float::certify_float(
            &report,
            eps,
            &radius,
            format,
            args.sigma_ulps,
        )),
        _ => None,
    };
    let status = match &float {
        Some(Ok(c)) if c.certified.is_none() => Status::Negative,
        _ => status,
    };
    if let Some(path) = &args.plot {
        let svg = super::plot::error_svg(&report, &radius, args.lang)?;
        super::plot::write_picture(&svg, path, false)?;
    }
    Ok(match args.format {
        GateFormat::Json => {
            let mut v = report_json(&report);
            if let Some(d) = args.digits {
                add_approx_json(&mut v, &report, d);
            }
            if let Some(r) = &remainder {
                v["remainder_bound"] = remainder_json(r);
            }
            if let Some(c) = &certificate {
                v["certificate"] = certificate_json(c);
            }
            if let Some((l, g)) = &given {
                v["lambda_check"] = lambda_json(l, g);
            }
            if let Some(c) = &float {
                v["float_certificate"] = match c {
                    Ok(c) => c.to_json(),
                    Err(e) => json!({"error": format!("no certificate: {e}")}),
                };
            }
            Outcome::json(&v, status)
        }
        GateFormat::Text | GateFormat::Latex | GateFormat::Markdown => {
            let extras = GateExtras {
                remainder: remainder.as_ref(),
                certificate: certificate.as_ref(),
                digits: args.digits,
            };
            let format = match args.format {
                GateFormat::Latex => Format::Latex,
                GateFormat::Markdown => Format::Markdown,
                _ => Format::Text,
            };
            let mut output = render(
                &gate_document(&report, &extras, args.lang),
                &RenderOptions {
                    format,
                    standalone: args.standalone,
                },
            );
            if let Some((l, g)) = &given {
                output.push_str(&lambda_text(l, g, &report, &radius, epsilon.as_ref()));
            }
            match &float {
                Some(Ok(c)) => output.push_str(&c.text()),
                Some(Err(e)) => {
                    output.push_str(&format!("\nFloating-point certificate: none: {e}\n"))
                }
                None => {}
            }
            Outcome { output, status }
        }
    })
}

/// Adds guaranteed digits to the JSON of a report: `derivative_at_bias_approx`, an `approx`
/// key in every expansion term, and `approx` (parallel to `A2`) beside the output weights.
pub fn add_approx_json(v: &mut Value, r: &GateReport, digits: u32) {
    let approx = |c: &Const| json!(crate::interval::guaranteed_digits(c, digits));
    if let Some(dn) = &r.derivative_at_bias {
        v["derivative_at_bias_approx"] = approx(dn);
    }
    if let Some(terms) = v.get_mut("expansion").and_then(Value::as_array_mut) {
        for (t, term) in terms.iter_mut().zip(&r.expansion) {
            t["approx"] = approx(&term.coefficient);
        }
    }
    if v.get("A2").is_some() {
        v["A2_approx"] = Value::Array(r.a2.iter().map(approx).collect());
    }
}

/// The JSON of a remainder bound (or of the reason there is none).
fn remainder_json(r: &Result<SupBound, BoundError>) -> Value {
    match r {
        Ok(r) => json!({
            "statement": format!("|R(x)| <= K |x|_inf^{} for |x|_inf <= r", r.order),
            "K": crate::certificate::bound_text(&r.k),
            "order": r.order,
            "radius": r.radius.to_string(),
            "attained": crate::certificate::bound_text(&r.attained),
            "converged": r.converged,
            "stopped": r.stopped,
            "boxes": r.boxes,
            "cells": r.cells,
            "method": r.method,
        }),
        Err(e) => json!({"error": format!("no rigorous bound: {e}")}),
    }
}

fn lambda_json(
    l: &num_rational::BigRational,
    g: &Result<crate::bound::SupReport, BoundError>,
) -> Value {
    use crate::bound::SupVerdict;
    match g {
        Ok(g) => {
            let mut v = json!({
                "lambda": l.to_string(),
                "verdict": match &g.verdict { SupVerdict::Proved => "certified", SupVerdict::Refuted { .. } => "refuted", SupVerdict::Undecided { .. } => "undecided" },
                "upper": g.upper.to_string(),
                "lower": g.lower.to_string(),
                "boxes": g.boxes,
                "method": g.method,
            });
            if let SupVerdict::Refuted { witness, value } = &g.verdict {
                v["witness"] = json!(witness.iter().map(|q| q.to_string()).collect::<Vec<_>>());
                v["value"] = json!([value.0.to_string(), value.1.to_string()]);
            }
            v
        }
        Err(e) => json!({"lambda": l.to_string(), "error": e.to_string()}),
    }
}

fn lambda_text(
    l: &num_rational::BigRational,
    g: &Result<crate::bound::SupReport, BoundError>,
    report: &GateReport,
    radius: &num_rational::BigRational,
    eps: Option<&num_rational::BigRational>,
) -> String {
    use crate::bound::SupVerdict;
    let product = crate::gate::input_names(report.inputs).join("*");
    let eps = eps.map(decimal_text).unwrap_or_default();
    let mut o = format!(
        "\n7. The given scale λ = {l}: is sup over |x_i| ≤ {} of |f_λ(x) - {product}| ≤ ε = {eps}?\n",
        decimal_text(radius)
    );
    match g {
        Ok(g) => {
            match &g.verdict {
                SupVerdict::Proved => o.push_str(&format!(
                    "   CERTIFIED: every box is below ε (sup ≤ {}, reaches {}; {} boxes)\n",
                    decimal_text(&g.upper),
                    decimal_text(&g.lower),
                    g.boxes
                )),
                SupVerdict::Refuted { witness, value } => {
                    let (lo, hi) = crate::certificate::decimal_interval(&value.0, &value.1);
                    o.push_str(&format!(
                        "   REFUTED at x = ({}): f_λ(x) - {product} lies in [{lo}, {hi}], beyond ε\n",
                        witness
                            .iter()
                            .map(|q| q.to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ))
                }
                SupVerdict::Undecided { reason } => o.push_str(&format!(
                    "   UNDECIDED ({reason}): {} ≤ sup ≤ {}\n",
                    decimal_text(&g.lower),
                    decimal_text(&g.upper)
                )),
            }
            o.push_str(&format!("   method: {}\n", g.method));
        }
        Err(e) => o.push_str(&format!("   no decision: {e}\n")),
    }
    o
}

/// The JSON of a certificate.
fn certificate_json(c: &Result<Certificate, CertificateError>) -> Value {
    match c {
        Ok(c) => json!({
            "epsilon": c.epsilon.to_string(),
            "radius": c.radius.to_string(),
            "lambda": c.lambda.to_string(),
            "error_bound": c.error_bound.to_string(),
            "method": c.method,
            "lagrange_order": c.detail.order,
            "derivative_bound": c.detail.derivative_bound.to_string(),
        }),
        Err(e) => json!({"error": format!("no certificate: {e}")}),
    }
}

fn terms_json(terms: &[Term]) -> Value {
    Value::Array(
        terms
            .iter()
            .map(|t| json!({"powers": t.powers, "coefficient": t.coefficient.to_string()}))
            .collect(),
    )
}

/// The JSON object of a gate report.
pub fn report_json(r: &GateReport) -> Value {
    let opt = |c: &Option<Const>| {
        c.as_ref()
            .map(|c| Value::String(c.to_string()))
            .unwrap_or(Value::Null)
    };
    let admits = r.verdict == Verdict::Admits;
    let mut v = json!({
        "activation": r.activation.to_string(),
        "inputs": r.inputs,
        "admits": admits,
        "verdict": match r.verdict { Verdict::Admits => "admits", Verdict::DoesNotAdmit => "does not admit", Verdict::Undecided => "undecided" },
        "reason": r.reason,
        "bias": opt(&r.bias),
        "derivative_at_bias": opt(&r.derivative_at_bias),
        "hidden": r.hidden,
        "A1": r.a1,
    });
    if admits {
        let b = r.bias.as_ref().map(|b| b.to_string()).unwrap_or_default();
        let obj = v.as_object_mut().expect("object");
        obj.insert("b1".into(), json!(vec![b; r.hidden]));
        obj.insert(
            "A2".into(),
            json!(r.a2.iter().map(|c| c.to_string()).collect::<Vec<_>>()),
        );
        obj.insert("degree".into(), json!(r.degree));
        obj.insert("expansion".into(), terms_json(&r.expansion));
        obj.insert(
            "remainder".into(),
            json!({
                "order": r.remainder.order,
                "exact": r.remainder.exact,
                "leading": terms_json(&r.remainder.leading),
                "searched_degree": r.remainder.searched_degree,
                "undecided": r.remainder.undecided.as_ref().map(|t| terms_json(std::slice::from_ref(t))[0].clone()),
            }),
        );
    }
    v
}
