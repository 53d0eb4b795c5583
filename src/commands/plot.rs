//! `taylorgate plot KIND EXPR`: the error of the scaled gate against lambda (`error`), the
//! heat map of that error over the box (`heat`), or Taylor polynomials beside their function
//! (`taylor`). SVG on standard output by default; `--png` with `--output`; `--format csv` for
//! the plotted data.

use super::Outcome;
use crate::gate::{analyze, GateOptions, GateReport};
use crate::teach::plot::{self, PlotError};
use crate::teach::Lang;
use std::path::{Path, PathBuf};

crate::choice::choice_enum! {
    /// What to plot.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum PlotKind {
        /// The worst error over the box against the scale lambda (log-log), with the certificate's
        /// rigorous bound and the reference slope.
        Error = "error",
        /// The error `f_lambda(u, v) - uv` over the box, for one lambda (two inputs).
        Heat = "heat",
        /// The function beside its Taylor polynomials of several orders.
        Taylor = "taylor",
    }
}

crate::choice::choice_enum! {
    /// Output formats of `plot`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    pub enum PlotFormat {
        /// An SVG picture (PNG with `--png`).
        #[default]
        Svg = "svg",
        /// The plotted data.
        Csv = "csv",
    }
}

/// Arguments of `taylorgate plot`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotArgs {
    /// What to plot.
    pub kind: PlotKind,
    /// The activation (`error`, `heat`) or the expression (`taylor`).
    pub expr: String,
    /// Number of inputs n (`error`: at most 3).
    pub inputs: usize,
    /// Force the bias b.
    pub bias: Option<String>,
    /// The half-width R of the input box |x_i| <= R.
    pub radius: String,
    /// `error`: the number of scales lambda = 1, 1/2, 1/4, ...
    pub scales: usize,
    /// Grid points per axis of the box.
    pub grid: usize,
    /// `heat`: the scale lambda.
    pub lambda: String,
    /// `taylor`: the expansion point.
    pub at: String,
    /// `taylor`: the highest order drawn (orders 1, 3, 5, ... or every order up to it).
    pub order: usize,
    /// `taylor`: the half-width of the interval around the point.
    pub width: String,
    /// A `.tg` file with definitions.
    pub file: Option<PathBuf>,
    /// Output format.
    pub format: PlotFormat,
    /// Write a PNG (needs `--output`).
    pub png: bool,
    /// Write to this file instead of standard output.
    pub output: Option<PathBuf>,
    /// The language of the title, axes and legend.
    pub lang: Lang,
}

impl PlotArgs {
    /// A plot of `kind` for `expr` as SVG (the command line's defaults).
    pub fn new(kind: PlotKind, expr: impl Into<String>) -> PlotArgs {
        PlotArgs {
            kind,
            expr: expr.into(),
            inputs: 2,
            bias: None,
            radius: "1".into(),
            scales: 10,
            grid: 21,
            lambda: "1/2".into(),
            at: "0".into(),
            order: 7,
            width: "2".into(),
            file: None,
            format: PlotFormat::Svg,
            png: false,
            output: None,
            lang: Lang::En,
        }
    }
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
    crate::session::rational_option(&format!("--{what}"), text)
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
