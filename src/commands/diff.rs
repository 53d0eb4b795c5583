//! `taylorgate diff`: symbolic derivatives, simplified, and their exact values at a point.

use super::Outcome;
use crate::interval::guaranteed_digits;
use crate::number::Const;
use crate::session::{primes, DiffRequest};
use std::path::PathBuf;

/// Output format of `taylorgate diff`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// One line per derivative (and per value).
    #[default]
    Text,
    /// The schema `taylorgate/1` (`schema/taylorgate-1.json`).
    Json,
    /// LaTeX (a fragment; a whole document with `--standalone`).
    Latex,
    /// Markdown with `$...$` mathematics.
    Markdown,
}

/// Arguments of `taylorgate diff`.
#[derive(clap::Args, Debug, Clone)]
pub struct DiffArgs {
    /// The expression, or the name of a one-argument definition (`softplus`).
    #[arg(allow_hyphen_values = true)]
    pub expr: String,
    /// How many derivatives to print (1 to 64).
    #[arg(short = 'n', long = "order", default_value_t = 2)]
    pub order: u32,
    /// A point (an exact expression such as `ln(3)`) where to evaluate the derivatives.
    #[arg(long, allow_hyphen_values = true)]
    pub at: Option<String>,
    /// The variable of differentiation.
    #[arg(long, default_value = "x")]
    pub var: String,
    /// A `.tg` file whose definitions the expression may use.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also print every value at `--at` to D guaranteed significant digits (JSON `approx`).
    #[arg(long)]
    pub digits: Option<u32>,
    /// The language of the LaTeX and Markdown reports.
    #[arg(long, value_enum, default_value_t = crate::teach::Lang::En)]
    pub lang: crate::teach::Lang,
    /// LaTeX: a complete document.
    #[arg(long)]
    pub standalone: bool,
}

/// `value` to `digits` guaranteed digits, or a note that no precision separated it from 0.
pub fn approx_text(value: &Const, digits: u32) -> String {
    guaranteed_digits(value, digits)
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
    match args.format {
        Format::Json => Ok(Outcome::report(&report, super::Status::Done)),
        Format::Latex | Format::Markdown => {
            let doc = crate::teach::diff_document(
                &report.function,
                &report.variable,
                &report.derivative_exprs,
                report.point.as_ref().zip(report.values.as_deref()),
                args.lang,
            );
            let format = if args.format == Format::Latex {
                crate::teach::Format::Latex
            } else {
                crate::teach::Format::Markdown
            };
            Ok(Outcome::done(crate::teach::render(
                &doc,
                &crate::teach::RenderOptions {
                    format,
                    standalone: args.standalone,
                },
            )))
        }
        Format::Text => {
            let (name, var) = ("f", &report.variable);
            let mut out = String::new();
            for (k, d) in report.derivatives.iter().enumerate() {
                out += &format!("{name}{}({var}) = {d}\n", primes(k as u32 + 1));
            }
            if let Some(values) = &report.values {
                let p = args.at.as_deref().unwrap_or_default().trim();
                for (k, v) in values.iter().enumerate() {
                    out += &format!("{name}{}({p}) = {v}", primes(k as u32 + 1));
                    if let Some(d) = args.digits {
                        out += &format!("  ≈ {}", approx_text(v, d));
                    }
                    out.push('\n');
                }
            }
            Ok(Outcome::done(out))
        }
    }
}
