//! `taylorgate gate ACT`: does an activation admit the multiplication gate, and what exactly
//! does the network compute.

use super::{Outcome, Status};
use crate::gate::Verdict;
use crate::session::{GateRequest, GateResult};
use crate::teach::{gate_document, render, Format, GateExtras, Lang, RenderOptions};
use std::path::PathBuf;

/// Output formats of `gate`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GateFormat {
    /// The derivation, step by step.
    Text,
    /// The schema `taylorgate/1` (`schema/taylorgate-1.json`).
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

/// Runs `taylorgate gate`.
pub fn run(args: &GateArgs) -> Result<Outcome, crate::Error> {
    let session = super::session(args.file.as_deref())?;
    let result = session.gate(&GateRequest {
        activation: args.activation.clone(),
        inputs: args.inputs,
        degree: args.degree,
        bias: args.bias.clone(),
        epsilon: args.epsilon.clone(),
        radius: args.radius.clone(),
        digits: args.digits,
    })?;
    let report = &result.report;
    let status = if report.verdict == Verdict::Admits {
        Status::Done
    } else {
        Status::Negative
    };
    if let Some(path) = &args.plot {
        let svg = super::plot::error_svg(report, &result.radius, args.lang)
            .map_err(|e| crate::Error::Usage(e.to_string()))?;
        super::plot::write_picture(&svg, path, false)?;
    }
    let format = match args.format {
        GateFormat::Json => return Ok(Outcome::report(&result.data, status)),
        GateFormat::Latex => Format::Latex,
        GateFormat::Markdown => Format::Markdown,
        GateFormat::Text => Format::Text,
    };
    Ok(Outcome {
        output: derivation(&result, format, args.lang, args.digits, args.standalone),
        status,
    })
}

/// The derivation of a gate, step by step, with its remainder bound, its certificate when
/// asked and guaranteed digits when asked, in a format and a language.
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
    render(
        &gate_document(&result.report, &extras, lang),
        &RenderOptions { format, standalone },
    )
}
