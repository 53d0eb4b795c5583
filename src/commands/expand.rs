//! `taylorgate expand`: the exact Taylor expansion of an expression at a point.
//!
//! ```text
//! $ taylorgate expand 'ln(1+exp(x))' --order 4
//! ln(2) + 1/2*x + 1/8*x^2 - 1/192*x^4 + O(x^5)
//! ```

use super::Outcome;
use crate::number::{Const, Sign, ZeroTest};
use crate::series::Series;
use crate::session::{ExpandReport, ExpandRequest};
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
    /// The schema `taylorgate/1` (`schema/taylorgate-1.json`).
    Json,
}

/// Arguments of `taylorgate expand`.
#[derive(clap::Args, Debug, Clone)]
pub struct ExpandArgs {
    /// The expression, or the name of a one-argument definition (`softplus` means `softplus(x)`).
    pub expr: String,
    /// The expansion point (an exact constant expression such as `0`, `ln(3)`, `-1/2`).
    #[arg(long = "at", default_value = "0")]
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
    let session = super::session(args.file.as_deref())?;
    let report = session.expand(&ExpandRequest {
        expr: args.expr.clone(),
        at: args.at.clone(),
        order: args.order,
        var: args.var.clone(),
        digits: args.digits,
    })?;
    Ok(match args.format {
        Format::Text => {
            let mut text = render_text(&report);
            if let Some(d) = args.digits {
                for (k, c) in report.coefficients.iter().enumerate() {
                    text.push_str(&format!(
                        "\nc_{k} = {c}  ≈ {}",
                        super::diff::approx_text(c, d)
                    ));
                }
            }
            Outcome::done(with_notes(text, &report.series))
        }
        Format::Latex => Outcome::done(document(
            &report,
            crate::teach::Format::Latex,
            args.lang,
            args.standalone,
        )),
        Format::Markdown => Outcome::done(document(
            &report,
            crate::teach::Format::Markdown,
            args.lang,
            false,
        )),
        Format::Json => Outcome::report(&report, super::Status::Done),
    })
}

/// The expansion as text: `c_0 + c_1*x + ... + O(x^(N+1))`.
pub fn render_text(report: &ExpandReport) -> String {
    render(
        &report.series,
        &report.variable,
        &report.point,
        &Style::Text,
    )
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

fn with_notes(mut text: String, series: &Series) -> String {
    text.push('\n');
    for note in series.notes() {
        text.push_str(&format!("note: {note}\n"));
    }
    text
}

enum Style {
    Text,
}

/// Whether a printed value needs parentheses as a factor (it is a sum or a difference).
fn is_compound(s: &str) -> bool {
    let mut depth = 0i32;
    for (i, ch) in s.char_indices() {
        match ch {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth -= 1,
            '+' | '-' if depth == 0 && i > 0 => return true,
            _ => {}
        }
    }
    false
}

/// `c_0 + c_1 (x - p) + ... + O((x - p)^(n))`, zero terms left out.
fn render(series: &Series, var: &str, point: &Const, style: &Style) -> String {
    let base = match point.sign() {
        Sign::Zero => var.to_string(),
        _ => {
            let (op, p) = if point.sign() == Sign::Negative {
                ("+", -point)
            } else {
                ("-", point.clone())
            };
            let p = match style {
                Style::Text => p.to_string(),
            };
            format!("({var} {op} {p})")
        }
    };
    let power = |k: usize| -> String {
        match (k, style) {
            (1, _) => base.clone(),
            (_, Style::Text) => format!("{base}^{k}"),
        }
    };
    let mut out = String::new();
    for (k, c) in series.coefficients().iter().enumerate() {
        if c.zero_test() == ZeroTest::Zero {
            continue;
        }
        let negative = c.sign() == Sign::Negative;
        let magnitude = if negative { -c } else { c.clone() };
        let text = match style {
            Style::Text => magnitude.to_string(),
        };
        let is_one = magnitude
            .to_rational()
            .is_some_and(|q| num_traits::One::is_one(&q));
        let term = if k == 0 {
            text
        } else if is_one {
            power(k)
        } else {
            let factor = if is_compound(&text) {
                match style {
                    Style::Text => format!("({text})"),
                }
            } else {
                text
            };
            match style {
                Style::Text => format!("{factor}*{}", power(k)),
            }
        };
        if out.is_empty() {
            out = if negative { format!("-{term}") } else { term };
        } else {
            out.push_str(if negative { " - " } else { " + " });
            out.push_str(&term);
        }
    }
    let remainder = match style {
        Style::Text => format!("O({})", power(series.order())),
    };
    if out.is_empty() {
        remainder
    } else {
        format!("{out} + {remainder}")
    }
}

#[cfg(test)]
mod tests {
    use super::is_compound;

    #[test]
    fn compound_values_are_sums() {
        for (s, want) in [
            ("1/2", false),
            ("-1/2", false),
            ("ln(2) + 1", true),
            ("sqrt(2)/2", false),
            ("exp(-1)", false),
            ("1 - pi", true),
        ] {
            assert_eq!(is_compound(s), want, "{s}");
        }
    }
}
