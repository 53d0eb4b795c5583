//! `taylorgate diff`: symbolic derivatives, simplified, and their exact values at a point.

use super::Outcome;
use crate::diff::{self, DiffError, MAX_DERIVATIVE_ORDER};
use crate::expr::Expr;
use crate::interval::guaranteed_digits;
use crate::number::Const;
use serde_json::json;
use std::path::PathBuf;

/// Output format of `taylorgate diff`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// One line per derivative (and per value).
    #[default]
    Text,
    /// A JSON object.
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

/// `f'`, `f''`, `f'''`, then `f^(4)`.
fn primes(k: u32) -> String {
    if k <= 3 {
        "'".repeat(k as usize)
    } else {
        format!("^({k})")
    }
}

/// Whether `text` reads as one call `name(...)`, so that `text'` is unambiguous.
fn is_call(text: &str) -> bool {
    let Some(open) = text.find('(') else {
        return false;
    };
    let name = &text[..open];
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return false;
    }
    let mut depth = 0i64;
    for (i, c) in text.char_indices().skip(open) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return i == text.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// `value` to `digits` guaranteed digits, or a note that no precision separated it from 0.
pub fn approx_text(value: &Const, digits: u32) -> String {
    guaranteed_digits(value, digits)
        .unwrap_or_else(|| "? (no guaranteed digits: not separated from 0)".to_string())
}

/// Evaluates every maximal constant part of `e` (a part without free variables), so that a
/// division by zero or a domain error in it is reported.
fn check_constants(e: &Expr) -> Result<(), crate::number::NumberError> {
    if e.free_variables().is_empty() {
        if !matches!(e, Expr::Vector(_)) {
            Const::from_expr(e)?;
        }
        return Ok(());
    }
    match e {
        Expr::Neg(a) | Expr::Deriv(_, _, a) => check_constants(a),
        Expr::Bin(_, a, b) => check_constants(a).and(check_constants(b)),
        Expr::Call(_, xs) | Expr::Apply(_, xs) | Expr::Vector(xs) => {
            xs.iter().try_for_each(check_constants)
        }
        // the branch taken depends on the variable: each side need not be defined everywhere
        Expr::If(..) => Ok(()),
        _ => Ok(()),
    }
}

/// Runs `taylorgate diff`.
pub fn run(args: &DiffArgs) -> Result<Outcome, crate::Error> {
    if args.order == 0 || args.order > MAX_DERIVATIVE_ORDER {
        return Err(crate::UsageError::Option {
            option: "-n".into(),
            message: format!(
                "must be between 1 and {MAX_DERIVATIVE_ORDER}, not {}",
                args.order
            ),
        }
        .into());
    }
    let defs = super::load_definitions(args.file.as_deref())?;
    let text = args.expr.trim();
    let var = args.var.as_str();
    let f = super::function_of(text, var, &defs)?;
    let label_base = if is_call(text) || text.chars().all(|c| c.is_alphanumeric()) {
        text.to_string()
    } else {
        format!("({text})")
    };
    // A function that is nowhere defined (`(x-x)^(-1)`, `1/(x-x)`) has no derivatives: its
    // constant parts, once simplified, must have values.
    check_constants(&diff::simplify(&f)).map_err(|e| crate::Error::from(e).located(text))?;
    let mut derivatives = Vec::new();
    let mut cur = f.clone();
    let stage = crate::budget::stage(format!("the derivatives of {}", crate::budget::short(&f)));
    for k in 1..=args.order {
        stage.progress(k as usize - 1, args.order as usize, "derivatives");
        cur = diff::derivative(&cur, var).map_err(|e| DiffError::In {
            label: format!("{label_base}{}", primes(k)),
            source: Box::new(e),
        })?;
        derivatives.push(cur.clone());
    }
    // Values: f itself first, then each derivative in order. An `if` is only checked for
    // agreement of its two sides at a switching point, so a derivative's value is only trusted
    // once every lower derivative (and f) passed that check.
    let point = match &args.at {
        None => None,
        Some(p) => {
            let pe = crate::parse::parse_expr(p, &defs)?;
            let pe = diff::inline_definitions(&pe, &defs)?;
            let value = Const::from_expr(&pe)?;
            // The values are k! c_k of the exact Taylor series at the point (a removable
            // singularity such as sin(x)/x at 0 has them; a simplified derivative may extend
            // the domain, as sqrt(x)^2 -> x would). When the series does not exist, the
            // evaluation of the symbolic derivatives names the failing derivative if it can.
            let values = match crate::series::taylor(&f, var, &value, args.order as usize) {
                Ok(s) => s
                    .coefficients()
                    .iter()
                    .enumerate()
                    .skip(1)
                    .map(|(k, c)| crate::gate::derivative_from_coefficient(c, k))
                    .collect::<Vec<_>>(),
                Err(series_error) => {
                    for (k, e) in std::iter::once(&f).chain(&derivatives).enumerate() {
                        diff::evaluate(e, var, &value).map_err(|e| DiffError::In {
                            label: format!("{label_base}{}", primes(k as u32)),
                            source: Box::new(e),
                        })?;
                    }
                    return Err(series_error.into());
                }
            };
            Some((p.trim().to_string(), value, values))
        }
    };
    let printed: Vec<String> = derivatives
        .iter()
        .map(|e| crate::print::tidy(e).to_string())
        .collect();
    match args.format {
        Format::Json => {
            let mut obj = json!({
                "expression": text,
                "variable": var,
                "derivatives": printed,
            });
            if let Some((p, _, values)) = &point {
                obj["point"] = json!(p);
                obj["values"] = json!(values.iter().map(|v| v.to_string()).collect::<Vec<_>>());
                if let Some(d) = args.digits {
                    obj["approx"] = json!(values
                        .iter()
                        .map(|v| guaranteed_digits(v, d))
                        .collect::<Vec<_>>());
                }
            }
            Ok(Outcome::json(&obj, super::Status::Done))
        }
        Format::Latex | Format::Markdown => {
            let doc = crate::teach::diff_document(
                &f,
                var,
                &derivatives,
                point.as_ref().map(|(_, p, v)| (p, v.as_slice())),
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
            let name = "f";
            let mut out = String::new();
            for (k, d) in printed.iter().enumerate() {
                out += &format!("{name}{}({var}) = {d}\n", primes(k as u32 + 1));
            }
            if let Some((p, _, values)) = &point {
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
