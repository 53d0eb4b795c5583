//! `taylorgate gate ACT`: does an activation admit the multiplication gate, and what exactly
//! does the network compute.

use super::{Outcome, Status};
use crate::bound::BoundError;
use crate::certificate::decimal_text;
use crate::gate::{GateReport, Verdict};
use crate::session::{GateRequest, GateResult};
use crate::teach::{gate_document, render, Format, GateExtras, Lang, RenderOptions};
use std::path::PathBuf;

/// Output formats of `gate`.
pub use super::Format as GateFormat;

/// Arguments of `taylorgate gate`.
#[derive(Debug, Clone, PartialEq)]
pub struct GateArgs {
    /// The activation: an expression in `x`, or the name of a definition (`softplus`).
    pub activation: String,
    /// Number of inputs n (2^n hidden neurons).
    pub inputs: usize,
    /// Total degree of the expansion (default n + 4).
    pub degree: Option<usize>,
    /// Force the bias b (an exact expression, e.g. `ln(3)`).
    pub bias: Option<String>,
    /// A `.tg` file with definitions.
    pub file: Option<PathBuf>,
    /// Output format.
    pub format: GateFormat,
    /// Also print the exact values to D guaranteed significant digits (JSON `approx`).
    pub digits: Option<u32>,
    /// Certify a scale lambda with sup |f_lambda(x) - x_1...x_n| <= E on |x_i| <= R
    /// (e.g. `1e-6`).
    pub epsilon: Option<String>,
    /// The radius R of the input box |x_i| <= R (remainder bound and certificate).
    pub radius: String,
    /// Skip the rigorous remainder bound.
    pub no_bound: bool,
    /// Certify or refute this scale: sup |f_lambda(x) - x_1...x_n| <= E on |x_i| <= R
    /// (needs `--epsilon`), by branch and bound.
    pub lambda: Option<String>,
    /// With `--epsilon`: certify the network evaluated in this floating-point format (Taylor
    /// bound plus a rigorous bound of every rounding error), or give the smallest epsilon
    /// reachable in it.
    pub float: Option<crate::certificate::float::FloatFormat>,
    /// The assumed accuracy of sigma's implementation in `--float`, in ulps of its value.
    pub sigma_ulps: u32,
    /// The language of the derivation.
    pub lang: Lang,
    /// LaTeX: a complete document (`\documentclass` ... `\end{document}`).
    pub standalone: bool,
    /// Also draw the error against lambda into FILE (SVG; PNG when FILE ends in `.png`).
    pub plot: Option<PathBuf>,
}

impl GateArgs {
    /// The gate of `activation` with two inputs, as text (the command line's defaults).
    pub fn new(activation: impl Into<String>) -> GateArgs {
        GateArgs {
            activation: activation.into(),
            inputs: 2,
            degree: None,
            bias: None,
            file: None,
            format: GateFormat::Text,
            digits: None,
            epsilon: None,
            radius: "1".into(),
            no_bound: false,
            lambda: None,
            float: None,
            sigma_ulps: crate::certificate::float::DEFAULT_SIGMA_ULPS,
            lang: Lang::En,
            standalone: false,
            plot: None,
        }
    }
}

/// Runs `taylorgate gate`.
pub fn run(args: &GateArgs) -> Result<Outcome, crate::Error> {
    let result = super::session(args.file.as_deref())?.gate(&GateRequest {
        activation: args.activation.clone(),
        inputs: args.inputs,
        degree: args.degree,
        bias: args.bias.clone(),
        epsilon: args.epsilon.clone(),
        radius: args.radius.clone(),
        lambda: args.lambda.clone(),
        no_bound: args.no_bound,
        float: args.float,
        sigma_ulps: args.sigma_ulps,
        digits: args.digits,
    })?;
    // A floating-point certificate that does not reach epsilon is a negative answer.
    let status = match (&result.report.verdict, &result.float) {
        (Verdict::Admits, Some(Ok(c))) if c.certified.is_none() => Status::Negative,
        (Verdict::Admits, _) => Status::Done,
        _ => Status::Negative,
    };
    if let Some(path) = &args.plot {
        let svg = super::plot::error_svg(&result.report, &result.radius, args.lang)?;
        super::plot::write_picture(&svg, path, false)?;
    }
    let Some(format) = args.format.document() else {
        return Ok(Outcome::report(&result.data, status));
    };
    Ok(Outcome {
        output: derivation(&result, format, args.lang, args.digits, args.standalone),
        status,
    })
}

/// The derivation of a gate, step by step, with its remainder bound, its certificate when
/// asked, the decision of a given scale when asked and guaranteed digits when asked, in a
/// format and a language.
pub fn derivation(
    result: &GateResult,
    format: Format,
    lang: Lang,
    digits: Option<u32>,
    standalone: bool,
) -> String {
    let extras = GateExtras {
        remainder: result.remainder_bound.as_ref(),
        certificate: result.certificate.as_ref(),
        digits,
    };
    let document = gate_document(&result.report, &extras, lang);
    let mut output = render(&document, &RenderOptions { format, standalone });
    if let Some((l, g)) = &result.lambda_check {
        output.push_str(&lambda_text(
            document.sections.len() + 1,
            l,
            g,
            &result.report,
            &result.radius,
            result.epsilon.as_ref(),
        ));
    }
    match &result.float {
        Some(Ok(c)) => output.push_str(&c.text()),
        Some(Err(e)) => output.push_str(&format!("\nFloating-point certificate: none: {e}\n")),
        None => {}
    }
    output
}

/// The decision of a given scale, as the document's section `number` (it follows the last).
fn lambda_text(
    number: usize,
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
        "\n{number}. The given scale λ = {l}: is sup over |x_i| ≤ {} of |f_λ(x) - {product}| ≤ ε = {eps}?\n",
        decimal_text(radius)
    );
    match g {
        Ok(g) => {
            match &g.verdict {
                SupVerdict::Proved => o.push_str(&format!(
                    "   CERTIFIED: every box is below ε (sup ≤ {}, reaches {}; {} box{})\n",
                    decimal_text(&g.upper),
                    decimal_text(&g.lower),
                    g.boxes,
                    if g.boxes == 1 { "" } else { "es" }
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
