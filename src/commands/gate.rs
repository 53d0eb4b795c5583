//! `taylorgate gate ACT`: does an activation admit the multiplication gate, and what exactly
//! does the network compute.

use super::{Outcome, Status};
use crate::certificate::{
    certify, decimal_up, remainder_bound, Certificate, CertificateError, RemainderBound,
};
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
    pub activation: String,
    /// Number of inputs n (2^n hidden neurons).
    #[arg(long, default_value_t = 2)]
    pub inputs: usize,
    /// Total degree of the expansion (default n + 4).
    #[arg(long)]
    pub degree: Option<usize>,
    /// Force the bias b (an exact expression, e.g. `ln(3)`).
    #[arg(long)]
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
    #[arg(long)]
    pub epsilon: Option<String>,
    /// The radius R of the input box |x_i| <= R (remainder bound and certificate).
    #[arg(long, default_value = "1")]
    pub radius: String,
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
    let name = text.trim();
    if let Some(f) = crate::expr::Func::from_name(name).filter(|f| f.arity() == 1) {
        return Ok(Expr::call(f, Expr::var("x")));
    }
    let expr = match defs.function(name) {
        Some(def) if def.params.len() == 1 => {
            Expr::Apply(text.trim().to_string(), vec![Expr::var("x")])
        }
        Some(def) => {
            return Err(crate::Error::Usage(format!(
                "`{text}` takes {} arguments; an activation takes one",
                def.params.len()
            )))
        }
        None => crate::parse::parse_expr(text, defs)?,
    };
    let inlined = crate::diff::inline_definitions(&expr, defs)?;
    let mut free = inlined.free_variables();
    free.retain(|v| v != "x");
    if !free.is_empty() {
        return Err(crate::Error::Usage(format!(
            "the activation must be an expression in x; it also uses {}",
            free.join(", ")
        )));
    }
    Ok(inlined)
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
    let radius = crate::certificate::parse_rational(&args.radius)
        .map_err(|e| crate::Error::Usage(format!("--radius: {e}")))?;
    let epsilon = args
        .epsilon
        .as_deref()
        .map(crate::certificate::parse_rational)
        .transpose()
        .map_err(|e| crate::Error::Usage(format!("--epsilon: {e}")))?;
    // A certificate may need the Lagrange order n + 6 (when the order-(n+2) term vanishes).
    let degree = args
        .degree
        .or_else(|| epsilon.as_ref().map(|_| args.inputs + 6));
    let options = GateOptions {
        inputs: args.inputs,
        degree,
        bias,
    };
    let report = analyze(&sigma, &options).map_err(|e| crate::Error::Usage(e.to_string()))?;
    let status = if report.verdict == Verdict::Admits {
        Status::Done
    } else {
        Status::Negative
    };
    let admits = report.verdict == Verdict::Admits;
    let remainder = admits.then(|| remainder_bound(&report, &radius));
    let certificate = match (&epsilon, admits) {
        (Some(eps), true) => Some(certify(&report, eps, &radius)),
        _ => None,
    };
    if let Some(path) = &args.plot {
        let svg = super::plot::error_svg(&report, &radius, args.lang)
            .map_err(|e| crate::Error::Usage(e.to_string()))?;
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
            let output = render(
                &gate_document(&report, &extras, args.lang),
                &RenderOptions {
                    format,
                    standalone: args.standalone,
                },
            );
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
fn remainder_json(r: &Result<RemainderBound, CertificateError>) -> Value {
    match r {
        Ok(r) => json!({
            "statement": format!("|R(x)| <= K |x|_inf^{} for |x|_inf <= r", r.order),
            "K": r.k.to_string(),
            "order": r.order,
            "radius": r.radius.to_string(),
            "lagrange_order": r.detail.order,
            "derivative_bound": decimal_up(&r.detail.derivative_bound),
        }),
        Err(e) => json!({"error": format!("no rigorous bound: {e}")}),
    }
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
