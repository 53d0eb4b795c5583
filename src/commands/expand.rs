//! `taylorgate expand`: the exact Taylor expansion of an expression at a point.
//!
//! ```text
//! $ taylorgate expand 'ln(1+exp(x))' --order 4
//! ln(2) + 1/2*x + 1/8*x^2 - 1/192*x^4 + O(x^5)
//! ```

use super::Outcome;
use crate::print::Format as PrintFormat;
use crate::session::{ExpandReport, ExpandRequest};
use std::path::PathBuf;

/// Output format of `expand`.
pub use super::Format;

/// Arguments of `taylorgate expand`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpandArgs {
    /// The expression, or the name of a one-argument definition (`softplus` means `softplus(x)`).
    pub expr: String,
    /// The expansion point (an exact constant expression such as `0`, `ln(3)`, `-1/2`).
    pub at: String,
    /// Highest coefficient index N: gives c_0 .. c_N, remainder O((x-p)^(N+1)).
    pub order: usize,
    /// The variable.
    pub var: String,
    /// A `.tg` file whose definitions are in scope.
    pub file: Option<PathBuf>,
    /// Output format.
    pub format: Format,
    /// Also print every coefficient to D guaranteed significant digits (JSON `approx`).
    pub digits: Option<u32>,
    /// The language of the LaTeX and Markdown reports.
    pub lang: crate::teach::Lang,
    /// LaTeX: a complete document.
    pub standalone: bool,
}

impl ExpandArgs {
    /// The expansion of `expr` in `x` at 0 to order 10, as text (the command line's defaults).
    pub fn new(expr: impl Into<String>) -> ExpandArgs {
        ExpandArgs {
            expr: expr.into(),
            at: "0".into(),
            order: 10,
            var: "x".into(),
            file: None,
            format: Format::Text,
            digits: None,
            lang: crate::teach::Lang::En,
            standalone: false,
        }
    }
}

/// Runs `taylorgate expand`.
pub fn run(args: &ExpandArgs) -> Result<Outcome, crate::Error> {
    let report = super::session(args.file.as_deref())?.expand(&ExpandRequest {
        expr: args.expr.clone(),
        at: args.at.clone(),
        order: args.order,
        var: args.var.clone(),
        digits: args.digits,
    })?;
    Ok(match args.format.document() {
        Some(crate::teach::Format::Text) => {
            let mut text = render_text(&report);
            if let Some(approx) = &report.approx {
                for (k, c) in report.coefficients.iter().enumerate() {
                    text.push_str(&format!(
                        "\nc_{k} = {c}  ≈ {}",
                        super::diff::approx_text(approx.coefficients[k].as_ref())
                    ));
                }
            }
            Outcome::done(with_notes(text, &report.notes))
        }
        Some(format) => Outcome::done(document(&report, format, args.lang, args.standalone)),
        None => Outcome::report(&report, super::Status::Done),
    })
}

/// The expansion as text: `c_0 + c_1*x + ... + O(x^(N+1))`.
pub fn render_text(report: &ExpandReport) -> String {
    crate::print::series(&report.coefficients, &report.variable, &report.point)
        .render(PrintFormat::Text)
}

/// The expansion as a report of the teaching layer (LaTeX or Markdown).
pub fn document(
    report: &ExpandReport,
    format: crate::teach::Format,
    lang: crate::teach::Lang,
    standalone: bool,
) -> String {
    let doc = crate::teach::expand_document(
        &report.expr,
        &report.variable,
        &report.point,
        &report.coefficients,
        &report.notes,
        lang,
    );
    crate::teach::render(&doc, &crate::teach::RenderOptions { format, standalone })
}

fn with_notes(mut text: String, notes: &[String]) -> String {
    text.push('\n');
    for note in notes {
        text.push_str(&format!("note: {note}\n"));
    }
    text
}
