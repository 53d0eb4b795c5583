//! `taylorgate plot KIND EXPR`: the error of the scaled gate against lambda (`error`), the
//! heat map of that error over the box (`heat`), or Taylor polynomials beside their function
//! (`taylor`). SVG on standard output by default; `--png` with `--output`; `--format csv` for
//! the plotted data.

use super::Outcome;
use crate::gate::{analyze, GateOptions, GateReport};
use crate::teach::plot::{self, PlotError};
use crate::teach::Lang;
use std::path::{Path, PathBuf};

/// What to plot.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlotKind {
    /// The worst error over the box against the scale lambda (log-log), with the certificate's
    /// rigorous bound and the reference slope.
    Error,
    /// The error `f_lambda(u, v) - uv` over the box, for one lambda (two inputs).
    Heat,
    /// The function beside its Taylor polynomials of several orders.
    Taylor,
}

/// Output formats of `plot`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PlotFormat {
    /// An SVG picture (PNG with `--png`).
    #[default]
    Svg,
    /// The plotted data.
    Csv,
}

/// Arguments of `taylorgate plot`.
#[derive(clap::Args, Debug, Clone)]
pub struct PlotArgs {
    /// What to plot.
    #[arg(value_enum)]
    pub kind: PlotKind,
    /// The activation (`error`, `heat`) or the expression (`taylor`).
    pub expr: String,
    /// Number of inputs n (`error`: at most 3).
    #[arg(long, default_value_t = 2)]
    pub inputs: usize,
    /// Force the bias b.
    #[arg(long)]
    pub bias: Option<String>,
    /// The half-width R of the input box |x_i| <= R.
    #[arg(long, default_value = "1")]
    pub radius: String,
    /// `error`: the number of scales lambda = 1, 1/2, 1/4, ...
    #[arg(long, default_value_t = 10)]
    pub scales: usize,
    /// Grid points per axis of the box.
    #[arg(long, default_value_t = 21)]
    pub grid: usize,
    /// `heat`: the scale lambda.
    #[arg(long, default_value = "1/2")]
    pub lambda: String,
    /// `taylor`: the expansion point.
    #[arg(long = "at", default_value = "0")]
    pub at: String,
    /// `taylor`: the highest order drawn (orders 1, 3, 5, ... or every order up to it).
    #[arg(long, default_value_t = 7)]
    pub order: usize,
    /// `taylor`: the half-width of the interval around the point.
    #[arg(long, default_value = "2")]
    pub width: String,
    /// A `.tg` file with definitions.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlotFormat::Svg)]
    pub format: PlotFormat,
    /// Write a PNG (needs `--output`).
    #[arg(long)]
    pub png: bool,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// The language of the title, axes and legend.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
}

/// A bad option value.
fn usage(option: &str, message: &str) -> crate::Error {
    crate::UsageError::Option {
        option: option.to_string(),
        message: message.to_string(),
    }
    .into()
}

/// A file that cannot be written.
fn unwritable(path: &Path, e: std::io::Error) -> crate::Error {
    crate::UsageError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    }
    .into()
}

fn rational(text: &str, what: &str) -> Result<num_rational::BigRational, crate::Error> {
    crate::certificate::parse_rational(text)
        .map_err(|e| usage(&format!("--{what}"), &e.to_string()))
}

/// Writes an SVG to `path`: a PNG when the name ends in `.png`.
pub fn write_picture(svg: &str, path: &Path, png: bool) -> Result<(), crate::Error> {
    let is_png = png
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("png"));
    let bytes = if is_png {
        plot::png(svg)?
    } else {
        svg.as_bytes().to_vec()
    };
    std::fs::write(path, bytes).map_err(|e| unwritable(path, e))
}

/// The error plot of a report as SVG.
pub fn error_svg(
    report: &GateReport,
    radius: &num_rational::BigRational,
    lang: Lang,
) -> Result<String, PlotError> {
    Ok(plot::error_curve(report, radius, 10, 21)?.svg(lang))
}

/// Runs `taylorgate plot`.
pub fn run(args: &PlotArgs) -> Result<Outcome, crate::Error> {
    if args.png && args.output.is_none() {
        return Err(usage("--png", "needs --output FILE"));
    }
    if args.grid < 2 || args.grid > 201 {
        return Err(usage("--grid", "must be between 2 and 201"));
    }
    if args.scales < 2 || args.scales > 40 {
        return Err(usage("--scales", "must be between 2 and 40"));
    }
    let session = super::session(args.file.as_deref())?;
    let radius = rational(&args.radius, "radius")?;
    let (svg, csv) = match args.kind {
        PlotKind::Error | PlotKind::Heat => {
            let sigma = session.activation_expr(&args.expr)?;
            let bias = args
                .bias
                .as_deref()
                .map(|b| session.parse_point(b))
                .transpose()?;
            let options = GateOptions {
                inputs: args.inputs,
                degree: None,
                bias,
            };
            let report = analyze(&sigma, &options)?;
            if args.kind == PlotKind::Error {
                let c = plot::error_curve(&report, &radius, args.scales, args.grid)?;
                (c.svg(args.lang), c.csv())
            } else {
                let lambda = rational(&args.lambda, "lambda")?;
                let h = plot::heat_map(&report, &lambda, &radius, args.grid)?;
                (h.svg(args.lang), h.csv())
            }
        }
        PlotKind::Taylor => {
            let expr = session.activation_expr(&args.expr)?;
            let point = session.parse_point(&args.at)?;
            if args.order == 0 || args.order > 40 {
                return Err(usage("--order", "must be between 1 and 40"));
            }
            let series = crate::series::taylor(&expr, "x", &point, args.order)?;
            let c = series.coefficients();
            // Odd orders for an odd function, even ones for an even function, else all.
            let nonzero: Vec<usize> = (1..=args.order).filter(|&k| !c[k].is_zero()).collect();
            let orders: Vec<usize> = if nonzero.len() > 5 {
                nonzero[nonzero.len() - 5..].to_vec()
            } else {
                nonzero
            };
            let width = rational(&args.width, "width")?;
            let t = plot::taylor_plot(&expr, "x", &point, c, &orders, &width, 201)?;
            (t.svg(args.lang), t.csv())
        }
    };
    let text = match args.format {
        PlotFormat::Svg => svg,
        PlotFormat::Csv => csv,
    };
    match &args.output {
        Some(path) if args.format == PlotFormat::Svg => {
            write_picture(&text, path, args.png)?;
            Ok(Outcome::done(format!("wrote {}\n", path.display())))
        }
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| unwritable(path, e))?;
            Ok(Outcome::done(format!("wrote {}\n", path.display())))
        }
        None => Ok(Outcome::done(text)),
    }
}
