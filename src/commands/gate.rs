//! `taylorgate gate ACT`: does an activation admit the multiplication gate, and what exactly
//! does the network compute.

use super::{Outcome, Status};
use crate::gate::Verdict;
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
    /// (with `--epsilon`), or without `--epsilon` enclose that sup (lower <= sup <= upper,
    /// the lower bound attained at an exact point), by branch and bound.
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
/// asked, the given scale's section and the floating-point certificate when asked, and
/// guaranteed digits when asked, in a format and a language: one document, one printer.
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
        lambda: result.lambda_check.as_ref().map(|(l, g)| (l, g)),
        radius: Some(&result.radius),
        epsilon: result.epsilon.as_ref(),
        float: result.float.as_ref(),
    };
    let document = gate_document(&result.report, &extras, lang);
    render(&document, &RenderOptions { format, standalone })
}
