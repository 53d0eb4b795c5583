//! `taylorgate expand`: the exact Taylor expansion of an expression at a point.
//!
//! ```text
//! $ taylorgate expand 'ln(1+exp(x))' --order 4
//! ln(2) + 1/2*x + 1/8*x^2 - 1/192*x^4 + O(x^5)
//! ```

use super::Outcome;
use crate::number::Const;
use crate::print::Format as PrintFormat;
use crate::series::{taylor, Series};
use serde_json::json;
use std::path::PathBuf;

/// Output format of `expand`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// `c0 + c1*x + ... + O(x^(N+1))`.
    #[default]
    Text,
    /// The expansion in LaTeX (a fragment; a whole document with `--standalone`).
    Latex,
    /// The expansion in Markdown with `$...$` mathematics.
    Markdown,
    /// `{"expression", "variable", "point", "order", "coefficients": [...]}`.
    Json,
}

/// Arguments of `taylorgate expand`.
#[derive(clap::Args, Debug, Clone)]
pub struct ExpandArgs {
    /// The expression, or the name of a one-argument definition (`softplus` means `softplus(x)`).
    #[arg(allow_hyphen_values = true)]
    pub expr: String,
    /// The expansion point (an exact constant expression such as `0`, `ln(3)`, `-1/2`).
    #[arg(long = "at", default_value = "0", allow_hyphen_values = true)]
    pub at: String,
    /// Highest coefficient index N: gives c_0 .. c_N, remainder O((x-p)^(N+1)).
    #[arg(long, default_value_t = 10)]
    pub order: usize,
    /// The variable.
    #[arg(long, default_value = "x")]
    pub var: String,
    /// A `.tg` file whose definitions are in scope.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also print every coefficient to D guaranteed significant digits (JSON `approx`).
    #[arg(long)]
    pub digits: Option<u32>,
    /// The language of the LaTeX and Markdown reports.
    #[arg(long, value_enum, default_value_t = crate::teach::Lang::En)]
    pub lang: crate::teach::Lang,
    /// LaTeX: a complete document.
    #[arg(long)]
    pub standalone: bool,
}

/// Runs `taylorgate expand`.
pub fn run(args: &ExpandArgs) -> Result<Outcome, crate::Error> {
    let defs = super::load_definitions(args.file.as_deref())?;
    let expr = super::function_of(&args.expr, &args.var, &defs)?;
    let point = Const::from_expr(&crate::parse::parse_expr(&args.at, &defs)?)?;
    let series = taylor(&expr, &args.var, &point, args.order)
        .map_err(|e| crate::Error::from(e).located(&args.expr))?;
    Ok(match args.format {
        Format::Text => {
            let mut text = render(&series, &args.var, &point, PrintFormat::Text);
            if let Some(d) = args.digits {
                for (k, c) in series.coefficients().iter().enumerate() {
                    text.push_str(&format!(
                        "\nc_{k} = {c}  ≈ {}",
                        super::diff::approx_text(c, d)
                    ));
                }
            }
            Outcome::done(with_notes(text, &series))
        }
        Format::Latex | Format::Markdown => {
            let doc = crate::teach::expand_document(
                &expr,
                &args.var,
                &point,
                series.coefficients(),
                series.notes(),
                args.lang,
            );
            let format = if args.format == Format::Latex {
                crate::teach::Format::Latex
            } else {
                crate::teach::Format::Markdown
            };
            Outcome::done(crate::teach::render(
                &doc,
                &crate::teach::RenderOptions {
                    format,
                    standalone: args.standalone,
                },
            ))
        }
        Format::Json => {
            let mut obj = json!({
                "expression": args.expr,
                "variable": args.var,
                "point": point.to_string(),
                "order": args.order,
                "coefficients": series.coefficients().iter().map(Const::to_string).collect::<Vec<_>>(),
                "notes": series.notes(),
            });
            if let Some(d) = args.digits {
                obj["approx"] = json!(series
                    .coefficients()
                    .iter()
                    .map(|c| crate::interval::guaranteed_digits(c, d))
                    .collect::<Vec<_>>());
            }
            Outcome::json(&obj, super::Status::Done)
        }
    })
}

fn with_notes(mut text: String, series: &Series) -> String {
    text.push('\n');
    for note in series.notes() {
        text.push_str(&format!("note: {note}\n"));
    }
    text
}

/// The series as `c_0 + c_1 (x - p) + ... + O((x - p)^(N+1))` in `format`.
fn render(series: &Series, var: &str, point: &Const, format: PrintFormat) -> String {
    crate::print::series(series.coefficients(), var, point).render(format)
}
