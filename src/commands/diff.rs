//! `taylorgate diff`: symbolic derivatives, simplified, and their exact values at a point.

use super::Outcome;
use crate::session::{primes, DiffRequest};
use std::path::PathBuf;

/// Output format of `taylorgate diff`.
pub use super::Format;

/// Arguments of `taylorgate diff`.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffArgs {
    /// The expression, or the name of a one-argument definition (`softplus`).
    pub expr: String,
    /// How many derivatives to print (1 to 64).
    pub order: u32,
    /// A point (an exact expression such as `ln(3)`) where to evaluate the derivatives.
    pub at: Option<String>,
    /// The variable of differentiation.
    pub var: String,
    /// A `.tg` file whose definitions the expression may use.
    pub file: Option<PathBuf>,
    /// Output format.
    pub format: Format,
    /// Also print every value at `--at` to D guaranteed significant digits (JSON `approx`).
    pub digits: Option<u32>,
    /// The language of the LaTeX and Markdown reports.
    pub lang: crate::teach::Lang,
    /// LaTeX: a complete document.
    pub standalone: bool,
}

impl DiffArgs {
    /// The first two derivatives of `expr` in `x`, as text (the command line's defaults).
    pub fn new(expr: impl Into<String>) -> DiffArgs {
        DiffArgs {
            expr: expr.into(),
            order: 2,
            at: None,
            var: "x".into(),
            file: None,
            format: Format::Text,
            digits: None,
            lang: crate::teach::Lang::En,
            standalone: false,
        }
    }
}

/// A value's guaranteed digits as the report holds them (computed once, by the session), or a
/// note that no precision separated it from 0.
pub fn approx_text(digits: Option<&String>) -> String {
    digits
        .cloned()
        .unwrap_or_else(|| "? (no guaranteed digits: not separated from 0)".to_string())
}

/// Runs `taylorgate diff`.
pub fn run(args: &DiffArgs) -> Result<Outcome, crate::Error> {
    let report = super::session(args.file.as_deref())?.diff(&DiffRequest {
        expr: args.expr.clone(),
        order: args.order,
        at: args.at.clone(),
        var: args.var.clone(),
        digits: args.digits,
    })?;
    match args.format.document() {
        None => Ok(Outcome::report(&report, super::Status::Done)),
        Some(format @ (crate::teach::Format::Latex | crate::teach::Format::Markdown)) => {
            let doc = crate::teach::diff_document(
                &report.function,
                &report.variable,
                &report.derivative_exprs,
                report.point.as_ref().zip(report.values.as_deref()),
                args.lang,
            );
            Ok(Outcome::done(crate::teach::render(
                &doc,
                &crate::teach::RenderOptions {
                    format,
                    standalone: args.standalone,
                },
            )))
        }
        Some(crate::teach::Format::Text) => {
            let (name, var) = ("f", &report.variable);
            let mut out = String::new();
            for (k, d) in report.derivatives.iter().enumerate() {
                out += &format!("{name}{}({var}) = {d}\n", primes(k as u32 + 1));
            }
            if let Some(values) = &report.values {
                let p = args.at.as_deref().unwrap_or_default().trim();
                for (k, v) in values.iter().enumerate() {
                    out += &format!("{name}{}({p}) = {v}", primes(k as u32 + 1));
                    if let Some(approx) = &report.approx {
                        out += &format!("  ≈ {}", approx_text(approx.values[k].as_ref()));
                    }
                    out.push('\n');
                }
            }
            Ok(Outcome::done(out))
        }
    }
}
