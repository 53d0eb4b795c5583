//! The command line of `taylorgate`, read by clap into the library's plain arguments
//! ([`taylorgate::commands::Command`]). The help texts are the doc comments below.
//!
//! Binary-only (the library does not depend on clap); the fuzz targets include this file so
//! that they read arguments exactly as the binary does.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use taylorgate::budget;
use taylorgate::certificate::float::{FloatFormat, DEFAULT_SIGMA_ULPS};
use taylorgate::choice::{help, Choice};
use taylorgate::commands::{self, diff, expand, gate, list, plot, prove, scan};
use taylorgate::teach::Lang;

/// Exact Taylor series, and proofs of what small neural networks compute.
#[derive(Parser)]
#[command(name = "taylorgate", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Stop with exit 2 after this many seconds, saying what was being computed (default 60;
    /// for `scan`, per activation, default 20)
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Stop with exit 2 when the computation holds more than this many MiB of memory
    #[arg(long, global = true, value_name = "MIB", default_value_t = budget::DEFAULT_MEMORY_MIB)]
    pub memory: u64,
}

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// Symbolic derivatives, and their exact values at a point.
    Diff(DiffArgs),
    /// The exact Taylor expansion of an expression at a point.
    Expand(ExpandArgs),
    /// Does an activation admit the multiplication gate, and what exactly does the network compute.
    Gate(GateArgs),
    /// Decide the claims of a `.tg` file.
    Prove(ProveArgs),
    /// The built-in library of named activations.
    List(ListArgs),
    /// The gate analysis of every activation of the library (or of a file).
    Scan(ScanArgs),
    /// Plots: the gate's error against lambda, its heat map, Taylor polynomials (SVG, PNG, CSV).
    Plot(PlotArgs),
}

/// The names of the subcommands, as typed.
pub const COMMANDS: [&str; 7] = ["diff", "expand", "gate", "prove", "list", "scan", "plot"];

impl From<Command> for commands::Command {
    fn from(command: Command) -> Self {
        match command {
            Command::Diff(a) => commands::Command::Diff(a.into()),
            Command::Expand(a) => commands::Command::Expand(a.into()),
            Command::Gate(a) => commands::Command::Gate(a.into()),
            Command::Prove(a) => commands::Command::Prove(a.into()),
            Command::List(a) => commands::Command::List(a.into()),
            Command::Scan(a) => commands::Command::Scan(a.into()),
            Command::Plot(a) => commands::Command::Plot(a.into()),
        }
    }
}

/// The value parser of a library [`Choice`]: its names, each with its help line (in clap's
/// style, without the final period).
fn choice<T: Choice + Send + Sync>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::ALL.iter().map(|(value, name, _)| {
        let line = help(*value);
        PossibleValue::new(*name).help(line.strip_suffix('.').unwrap_or(line))
    }))
    .map(|name| T::from_name(&name).expect("clap accepts only the listed names"))
}

/// The options of a command's report, shared by `diff`, `expand`, `gate` and `prove`.
#[derive(clap::Args, Debug, Clone)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, value_parser = choice::<commands::Format>(), default_value_t = commands::Format::Text)]
    pub format: commands::Format,
    /// The language of the report's words (of the derivation of `gate` in every format, of the
    /// LaTeX and Markdown reports of the others).
    #[arg(long, value_parser = choice::<Lang>(), default_value_t = Lang::En)]
    pub lang: Lang,
    /// LaTeX: a complete document (`\documentclass` ... `\end{document}`).
    #[arg(long)]
    pub standalone: bool,
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
    /// Also print every value at `--at` to D guaranteed significant digits (JSON `approx`).
    #[arg(long)]
    pub digits: Option<u32>,
    #[command(flatten)]
    pub report: ReportArgs,
}

impl From<DiffArgs> for diff::DiffArgs {
    fn from(a: DiffArgs) -> Self {
        diff::DiffArgs {
            expr: a.expr,
            order: a.order,
            at: a.at,
            var: a.var,
            file: a.file,
            format: a.report.format,
            digits: a.digits,
            lang: a.report.lang,
            standalone: a.report.standalone,
        }
    }
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
    /// Also print every coefficient to D guaranteed significant digits (JSON `approx`).
    #[arg(long)]
    pub digits: Option<u32>,
    #[command(flatten)]
    pub report: ReportArgs,
}

impl From<ExpandArgs> for expand::ExpandArgs {
    fn from(a: ExpandArgs) -> Self {
        expand::ExpandArgs {
            expr: a.expr,
            at: a.at,
            order: a.order,
            var: a.var,
            file: a.file,
            format: a.report.format,
            digits: a.digits,
            lang: a.report.lang,
            standalone: a.report.standalone,
        }
    }
}

/// Arguments of `taylorgate gate`.
#[derive(clap::Args, Debug, Clone)]
pub struct GateArgs {
    /// The activation: an expression in `x`, or the name of a definition (`softplus`).
    #[arg(allow_hyphen_values = true)]
    pub activation: String,
    /// Number of inputs n (2^n hidden neurons).
    #[arg(long, default_value_t = 2)]
    pub inputs: usize,
    /// Total degree of the expansion (default n + 4).
    #[arg(long)]
    pub degree: Option<usize>,
    /// Force the bias b (an exact expression, e.g. `ln(3)`).
    #[arg(long, allow_hyphen_values = true)]
    pub bias: Option<String>,
    /// A `.tg` file with definitions.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Also print the exact values to D guaranteed significant digits (JSON `approx`).
    #[arg(long)]
    pub digits: Option<u32>,
    /// Certify a scale lambda with sup |f_lambda(x) - x_1...x_n| <= E on |x_i| <= R
    /// (e.g. `1e-6`).
    #[arg(long, allow_hyphen_values = true)]
    pub epsilon: Option<String>,
    /// The radius R of the input box |x_i| <= R (remainder bound and certificate).
    #[arg(long, default_value = "1", allow_hyphen_values = true)]
    pub radius: String,
    /// Skip the rigorous remainder bound.
    #[arg(long)]
    pub no_bound: bool,
    /// Certify or refute this scale: sup |f_lambda(x) - x_1...x_n| <= E on |x_i| <= R
    /// (with `--epsilon`), or without `--epsilon` enclose that sup (lower <= sup <= upper,
    /// the lower bound attained at an exact point), by branch and bound.
    #[arg(long)]
    pub lambda: Option<String>,
    /// With `--epsilon`: certify the network evaluated in this floating-point format (Taylor
    /// bound plus a rigorous bound of every rounding error), or give the smallest epsilon
    /// reachable in it.
    #[arg(long, value_parser = choice::<FloatFormat>())]
    pub float: Option<FloatFormat>,
    /// The assumed accuracy of sigma's implementation in `--float`, in ulps of its value.
    #[arg(long, default_value_t = DEFAULT_SIGMA_ULPS)]
    pub sigma_ulps: u32,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Also draw the error against lambda into FILE (SVG; PNG when FILE ends in `.png`).
    #[arg(long)]
    pub plot: Option<PathBuf>,
}

impl From<GateArgs> for gate::GateArgs {
    fn from(a: GateArgs) -> Self {
        gate::GateArgs {
            activation: a.activation,
            inputs: a.inputs,
            degree: a.degree,
            bias: a.bias,
            file: a.file,
            format: a.report.format,
            digits: a.digits,
            epsilon: a.epsilon,
            radius: a.radius,
            no_bound: a.no_bound,
            lambda: a.lambda,
            float: a.float,
            sigma_ulps: a.sigma_ulps,
            lang: a.report.lang,
            standalone: a.report.standalone,
            plot: a.plot,
        }
    }
}

/// Arguments of `taylorgate prove`.
#[derive(clap::Args, Debug, Clone)]
pub struct ProveArgs {
    /// The `.tg` file with definitions and claims (`-` reads standard input).
    pub file: PathBuf,
    /// The radius r of the box |x_i| <= r of the rigorous remainder bounds.
    #[arg(long, default_value = "1", allow_hyphen_values = true)]
    pub radius: String,
    /// Skip the rigorous remainder bounds (the claims are still decided).
    #[arg(long)]
    pub no_bound: bool,
    /// Stop every branch and bound (remainder bounds, sup-norm claims) after SECONDS in all;
    /// what is not finished is reported as undecided with the best bounds found (the global
    /// `--timeout` instead stops the whole command with exit 2).
    #[arg(long, value_name = "SECONDS")]
    pub search_timeout: Option<f64>,
    #[command(flatten)]
    pub report: ReportArgs,
}

impl From<ProveArgs> for prove::ProveArgs {
    fn from(a: ProveArgs) -> Self {
        prove::ProveArgs {
            file: a.file,
            format: a.report.format,
            radius: a.radius,
            no_bound: a.no_bound,
            search_timeout: a.search_timeout,
            lang: a.report.lang,
            standalone: a.report.standalone,
        }
    }
}

/// Arguments of `taylorgate list`.
#[derive(clap::Args, Debug, Clone)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_parser = choice::<list::ListFormat>(), default_value_t = list::ListFormat::Text)]
    pub format: list::ListFormat,
}

impl From<ListArgs> for list::ListArgs {
    fn from(a: ListArgs) -> Self {
        list::ListArgs { format: a.format }
    }
}

/// Arguments of `taylorgate scan`.
#[derive(clap::Args, Debug, Clone)]
pub struct ScanArgs {
    /// Scan the one-argument functions of this `.tg` file instead of the library.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Number of inputs n.
    #[arg(long, default_value_t = 2)]
    pub inputs: usize,
    /// Output format.
    #[arg(long, value_parser = choice::<scan::ScanFormat>(), default_value_t = scan::ScanFormat::Text)]
    pub format: scan::ScanFormat,
    /// The language of the LaTeX report.
    #[arg(long, value_parser = choice::<Lang>(), default_value_t = Lang::En)]
    pub lang: Lang,
    /// LaTeX: a complete document.
    #[arg(long)]
    pub standalone: bool,
}

impl From<ScanArgs> for scan::ScanArgs {
    fn from(a: ScanArgs) -> Self {
        scan::ScanArgs {
            file: a.file,
            inputs: a.inputs,
            timeout: scan::ScanArgs::default().timeout,
            format: a.format,
            lang: a.lang,
            standalone: a.standalone,
        }
    }
}

/// Arguments of `taylorgate plot`.
#[derive(clap::Args, Debug, Clone)]
pub struct PlotArgs {
    /// What to plot.
    #[arg(value_parser = choice::<plot::PlotKind>())]
    pub kind: plot::PlotKind,
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
    #[arg(long, value_parser = choice::<plot::PlotFormat>(), default_value_t = plot::PlotFormat::Svg)]
    pub format: plot::PlotFormat,
    /// Write a PNG (needs `--output`).
    #[arg(long)]
    pub png: bool,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// The language of the title, axes and legend.
    #[arg(long, value_parser = choice::<Lang>(), default_value_t = Lang::En)]
    pub lang: Lang,
}

impl From<PlotArgs> for plot::PlotArgs {
    fn from(a: PlotArgs) -> Self {
        plot::PlotArgs {
            kind: a.kind,
            expr: a.expr,
            inputs: a.inputs,
            bias: a.bias,
            radius: a.radius,
            scales: a.scales,
            grid: a.grid,
            lambda: a.lambda,
            at: a.at,
            order: a.order,
            width: a.width,
            file: a.file,
            format: a.format,
            png: a.png,
            output: a.output,
            lang: a.lang,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> commands::Command {
        Cli::try_parse_from(std::iter::once("taylorgate").chain(args.iter().copied()))
            .expect("parses")
            .command
            .into()
    }

    /// The command line's defaults are the library's.
    #[test]
    fn defaults_are_the_library_defaults() {
        use commands::Command as C;
        assert_eq!(parsed(&["diff", "x"]), C::Diff(diff::DiffArgs::new("x")));
        assert_eq!(
            parsed(&["expand", "x"]),
            C::Expand(expand::ExpandArgs::new("x"))
        );
        assert_eq!(parsed(&["gate", "x"]), C::Gate(gate::GateArgs::new("x")));
        assert_eq!(
            parsed(&["prove", "f.tg"]),
            C::Prove(prove::ProveArgs::new("f.tg"))
        );
        assert_eq!(parsed(&["list"]), C::List(list::ListArgs::default()));
        assert_eq!(parsed(&["scan"]), C::Scan(scan::ScanArgs::default()));
        assert_eq!(
            parsed(&["plot", "taylor", "x"]),
            C::Plot(plot::PlotArgs::new(plot::PlotKind::Taylor, "x"))
        );
    }

    /// Every choice is offered under its library name.
    #[test]
    fn choices_parse_to_their_values() {
        let c = parsed(&[
            "gate", "x", "--format", "json", "--lang", "pt", "--float", "f32",
        ]);
        let commands::Command::Gate(g) = c else {
            panic!("a gate")
        };
        assert_eq!(g.format, gate::GateFormat::Json);
        assert_eq!(g.lang, Lang::Pt);
        assert_eq!(g.float, Some(FloatFormat::F32));
        assert!(Cli::try_parse_from(["taylorgate", "gate", "x", "--format", "jsn"]).is_err());
    }

    #[test]
    fn subcommand_names() {
        use clap::CommandFactory;
        let names: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        assert_eq!(names, COMMANDS);
    }
}
