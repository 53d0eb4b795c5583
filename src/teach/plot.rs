//! Plots: the error of the scaled gate against lambda, the heat map of that error over the
//! input box, and Taylor polynomials beside their function. Each plot is data first
//! ([`ErrorCurve`], [`HeatMap`], [`TaylorPlot`], exported as CSV), then one hand-written SVG
//! (no system library); PNG is that SVG rasterised by `resvg` (pure Rust).
//!
//! The measured values are rigorous enclosures (interval arithmetic at 160 bits) of the
//! network's exact output at rational points; the plotted number is the midpoint of an
//! enclosure much narrower than the value. The bound curve is the certificate's rigorous bound
//! ([`crate::certificate::scaled_error_bound`]).

use super::lang::Lang;
use crate::certificate::scaled_error_bound;
use crate::expr::Expr;
use crate::gate::{GateReport, Verdict};
use crate::interval::{enclose, enclose_const, Interval};
use crate::number::Const;
use num_bigint::BigInt;
use num_rational::BigRational;
use std::fmt::Write as _;

/// Working precision of the enclosures (bits).
const PREC: u32 = 160;

/// Errors of the plots.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The report does not admit the gate (nothing to plot).
    #[error("the activation does not admit the gate: nothing to plot")]
    NotAdmitted,
    /// A bad option.
    #[error("{0}")]
    Options(String),
    /// An enclosure failed at a point.
    #[error("evaluation failed: {0}")]
    Eval(String),
    /// The SVG could not be rasterised.
    #[error("PNG rendering failed: {0}")]
    Png(String),
}

/// Tick positions and their labels along one axis.
type Ticks = Vec<(f64, String)>;

fn q(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

fn enclose_c(c: &Const) -> Result<Interval, PlotError> {
    enclose_const(&c.to_expr(), PREC).map_err(|e| PlotError::Eval(e.to_string()))
}

/// An enclosure of `f_lambda(x) - x_1...x_n` at a rational point, from the network itself:
/// `lambda^-n sum_s A2_s sigma(b + lambda s.x) - x_1...x_n`.
pub fn gate_error_at(
    report: &GateReport,
    lambda: &BigRational,
    x: &[BigRational],
) -> Result<Interval, PlotError> {
    if report.verdict != Verdict::Admits {
        return Err(PlotError::NotAdmitted);
    }
    let b = enclose_c(report.bias.as_ref().ok_or(PlotError::NotAdmitted)?)?;
    let mut total = Interval::from_int(0);
    for (s, a2) in report.a1.iter().zip(&report.a2) {
        let sx: BigRational = s
            .iter()
            .zip(x)
            .map(|(si, xi)| xi * BigRational::from_integer(BigInt::from(*si)))
            .sum();
        let arg = b.add(&Interval::point(&(lambda * sx), PREC), PREC);
        let value = enclose(&report.activation, &[("x", arg)], PREC)
            .map_err(|e| PlotError::Eval(e.to_string()))?;
        total = total.add(&enclose_c(a2)?.mul(&value, PREC), PREC);
    }
    let scale = num_traits::Pow::pow(lambda, report.inputs as u32);
    let f = total
        .div(&Interval::point(&scale, PREC), PREC)
        .map_err(|e| PlotError::Eval(e.to_string()))?;
    let product: BigRational = x.iter().product();
    Ok(f.sub(&Interval::point(&product, PREC), PREC))
}

/// The data of the error-against-lambda plot.
#[derive(Clone, Debug)]
pub struct ErrorCurve {
    /// The scales, decreasing.
    pub lambdas: Vec<BigRational>,
    /// The worst `|f_lambda(x) - x_1...x_n|` over the grid, per scale.
    pub measured: Vec<f64>,
    /// The certificate's rigorous bound per scale (`None` where it could not be had).
    pub bound: Vec<Option<f64>>,
    /// The exponent of the reference slope (`order - n`, 2 for the usual gate).
    pub slope: usize,
    /// The half-width `R` of the box.
    pub radius: BigRational,
    /// Grid points per axis.
    pub grid: usize,
    /// Number of inputs.
    pub inputs: usize,
}

/// The grid `{-R, ..., R}^n` with `points` values per axis (corners included).
fn grid(radius: &BigRational, n: usize, points: usize) -> Vec<Vec<BigRational>> {
    let points = points.max(2);
    let axis: Vec<BigRational> = (0..points)
        .map(|i| {
            radius * (q(2 * i as i64, (points - 1) as i64) - BigRational::from_integer(1.into()))
        })
        .collect();
    let mut out: Vec<Vec<BigRational>> = vec![vec![]];
    for _ in 0..n {
        out = out
            .into_iter()
            .flat_map(|p| {
                axis.iter().map(move |a| {
                    let mut p = p.clone();
                    p.push(a.clone());
                    p
                })
            })
            .collect();
    }
    out
}

/// Measures the error of the scaled gate at `lambda = 2^-k`, `k = 0..scales`, over a grid of
/// the box `|x_i| <= R`, beside the certificate's bound.
///
/// # Errors
/// [`PlotError`] when the gate is not admitted or an evaluation fails.
pub fn error_curve(
    report: &GateReport,
    radius: &BigRational,
    scales: usize,
    points: usize,
) -> Result<ErrorCurve, PlotError> {
    if report.verdict != Verdict::Admits {
        return Err(PlotError::NotAdmitted);
    }
    let n = report.inputs;
    if n > 3 {
        return Err(PlotError::Options(
            "the error plot measures a grid of the box: at most 3 inputs".into(),
        ));
    }
    let pts = grid(radius, n, points);
    let mut curve = ErrorCurve {
        lambdas: vec![],
        measured: vec![],
        bound: vec![],
        slope: report
            .remainder
            .order
            .map_or(2, |k| k.saturating_sub(n).max(1)),
        radius: radius.clone(),
        grid: points,
        inputs: n,
    };
    for k in 0..scales {
        let lambda = q(1, 1i64 << k.min(60));
        let mut worst = 0.0f64;
        for x in &pts {
            let e = gate_error_at(report, &lambda, x)?;
            worst = worst.max(e.to_f64().abs());
        }
        curve.measured.push(worst);
        curve.bound.push(
            scaled_error_bound(report, &lambda, radius)
                .ok()
                .map(|b| rational_f64(&b)),
        );
        curve.lambdas.push(lambda);
    }
    Ok(curve)
}

fn rational_f64(x: &BigRational) -> f64 {
    Interval::point(x, 64).to_f64()
}

impl ErrorCurve {
    /// The slope of `log(error)` against `log(lambda)` between the two smallest scales.
    pub fn final_slope(&self) -> Option<f64> {
        let k = self.lambdas.len();
        if k < 2 {
            return None;
        }
        let (l1, l2) = (
            rational_f64(&self.lambdas[k - 2]),
            rational_f64(&self.lambdas[k - 1]),
        );
        let (e1, e2) = (self.measured[k - 2], self.measured[k - 1]);
        Some((e1.ln() - e2.ln()) / (l1.ln() - l2.ln()))
    }

    /// The data as CSV: `lambda,measured,bound,reference`.
    pub fn csv(&self) -> String {
        let mut o = String::from("lambda,measured,bound,reference\n");
        let reference = self.reference();
        for (i, lambda) in self.lambdas.iter().enumerate() {
            let _ = writeln!(
                o,
                "{},{:e},{},{:e}",
                rational_f64(lambda),
                self.measured[i],
                self.bound[i].map(|b| format!("{b:e}")).unwrap_or_default(),
                reference[i]
            );
        }
        o
    }

    /// The reference line `C lambda^slope` through the measured point of the smallest scale.
    pub fn reference(&self) -> Vec<f64> {
        let last = self.lambdas.len().saturating_sub(1);
        let l0 = self.lambdas.get(last).map(rational_f64).unwrap_or(1.0);
        let e0 = self.measured.get(last).copied().unwrap_or(1.0);
        self.lambdas
            .iter()
            .map(|l| e0 * (rational_f64(l) / l0).powi(self.slope as i32))
            .collect()
    }

    /// The log-log plot as SVG.
    pub fn svg(&self, lang: Lang) -> String {
        let msg = lang.messages();
        let xs: Vec<f64> = self.lambdas.iter().map(rational_f64).collect();
        let mut series = vec![
            Line {
                label: format!(
                    "{} ({} pts)",
                    msg.plot_measured,
                    self.grid.pow(self.inputs as u32)
                ),
                points: xs
                    .iter()
                    .copied()
                    .zip(self.measured.iter().copied())
                    .collect(),
                color: "#1f77b4",
                dashed: false,
                markers: true,
            },
            Line {
                label: msg.plot_bound.to_string(),
                points: xs
                    .iter()
                    .zip(&self.bound)
                    .filter_map(|(x, b)| b.map(|b| (*x, b)))
                    .collect(),
                color: "#d62728",
                dashed: false,
                markers: true,
            },
        ];
        series.push(Line {
            label: msg.plot_slope.replace("{}", &self.slope.to_string()),
            points: xs.iter().copied().zip(self.reference()).collect(),
            color: "#555555",
            dashed: true,
            markers: false,
        });
        let title = format!(
            "{} (R = {})",
            msg.plot_error_title,
            crate::certificate::decimal_text(&self.radius)
        );
        let ylabel = msg
            .plot_error_y
            .replace("R", &crate::certificate::decimal_text(&self.radius));
        line_svg(&title, msg.plot_error_x, &ylabel, true, &series)
    }
}

/// The heat map of `f_lambda(u, v) - uv` over the box (two inputs).
#[derive(Clone, Debug)]
pub struct HeatMap {
    /// The scale.
    pub lambda: BigRational,
    /// The half-width `R` of the box.
    pub radius: BigRational,
    /// `values[j][i]` at `u = u_i`, `v = v_j` (both from `-R` to `R`).
    pub values: Vec<Vec<f64>>,
}

/// Evaluates `f_lambda(u, v) - uv` on a `points x points` grid of `|u|, |v| <= R`.
///
/// # Errors
/// [`PlotError`] when the gate is not admitted, has not two inputs, or an evaluation fails.
pub fn heat_map(
    report: &GateReport,
    lambda: &BigRational,
    radius: &BigRational,
    points: usize,
) -> Result<HeatMap, PlotError> {
    if report.inputs != 2 {
        return Err(PlotError::Options(
            "the heat map is drawn for two inputs".into(),
        ));
    }
    let pts = grid(radius, 1, points);
    let mut values = Vec::new();
    for v in &pts {
        let mut row = Vec::new();
        for u in &pts {
            row.push(gate_error_at(report, lambda, &[u[0].clone(), v[0].clone()])?.to_f64());
        }
        values.push(row);
    }
    Ok(HeatMap {
        lambda: lambda.clone(),
        radius: radius.clone(),
        values,
    })
}

impl HeatMap {
    fn axis(&self) -> Vec<f64> {
        let k = self.values.len().max(2);
        let r = rational_f64(&self.radius);
        (0..k)
            .map(|i| r * (2.0 * i as f64 / (k - 1) as f64 - 1.0))
            .collect()
    }

    /// The data as CSV: `u,v,error`.
    pub fn csv(&self) -> String {
        let axis = self.axis();
        let mut o = String::from("u,v,error\n");
        for (j, row) in self.values.iter().enumerate() {
            for (i, e) in row.iter().enumerate() {
                let _ = writeln!(o, "{},{},{e:e}", axis[i], axis[j]);
            }
        }
        o
    }

    /// The heat map as SVG (a diverging colour scale, symmetric about 0).
    pub fn svg(&self, lang: Lang) -> String {
        let msg = lang.messages();
        let (w, h) = (640.0, 520.0);
        let (x0, y0, side) = (80.0, 50.0, 400.0);
        let k = self.values.len();
        let max = self
            .values
            .iter()
            .flatten()
            .fold(0.0f64, |m, v| m.max(v.abs()))
            .max(f64::MIN_POSITIVE);
        let mut s = svg_open(w, h);
        let title = format!(
            "{} (λ = {}, |u|, |v| ≤ {})",
            msg.plot_heat_title,
            crate::certificate::decimal_text(&self.lambda),
            crate::certificate::decimal_text(&self.radius)
        );
        text(&mut s, w / 2.0, 28.0, 16.0, "middle", &title);
        let cell = side / k as f64;
        for (j, row) in self.values.iter().enumerate() {
            for (i, v) in row.iter().enumerate() {
                let _ = writeln!(
                    s,
                    r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{}"/>"#,
                    x0 + i as f64 * cell,
                    y0 + side - (j + 1) as f64 * cell,
                    cell + 0.3,
                    cell + 0.3,
                    diverging(v / max)
                );
            }
        }
        let _ = writeln!(
            s,
            r##"<rect x="{x0}" y="{y0}" width="{side}" height="{side}" fill="none" stroke="#000"/>"##
        );
        let r = rational_f64(&self.radius);
        for t in nice_ticks(-r, r, 5) {
            let px = x0 + (t + r) / (2.0 * r) * side;
            let py = y0 + side - (t + r) / (2.0 * r) * side;
            tick_x(&mut s, px, y0 + side, &fmt_num(t));
            tick_y(&mut s, x0, py, &fmt_num(t));
        }
        text(
            &mut s,
            x0 + side / 2.0,
            y0 + side + 42.0,
            14.0,
            "middle",
            msg.plot_heat_x,
        );
        text_rotated(&mut s, 28.0, y0 + side / 2.0, 14.0, msg.plot_heat_y);
        // Colour bar.
        let (bx, bw) = (x0 + side + 40.0, 20.0);
        for i in 0..100 {
            let t = 1.0 - 2.0 * i as f64 / 99.0;
            let _ = writeln!(
                s,
                r#"<rect x="{bx}" y="{:.2}" width="{bw}" height="{:.2}" fill="{}"/>"#,
                y0 + i as f64 * side / 100.0,
                side / 100.0 + 0.3,
                diverging(t)
            );
        }
        let _ = writeln!(
            s,
            r##"<rect x="{bx}" y="{y0}" width="{bw}" height="{side}" fill="none" stroke="#000"/>"##
        );
        for (t, label) in [(1.0, max), (0.0, 0.0), (-1.0, -max)] {
            let py = y0 + (1.0 - t) / 2.0 * side;
            text(
                &mut s,
                bx + bw + 6.0,
                py + 4.0,
                12.0,
                "start",
                &fmt_sci(label),
            );
        }
        s.push_str("</svg>\n");
        s
    }
}

/// The function beside its Taylor polynomials on an interval around the point.
#[derive(Clone, Debug)]
pub struct TaylorPlot {
    /// The sample abscissae.
    pub xs: Vec<f64>,
    /// The function's values (`None` where it could not be evaluated).
    pub function: Vec<Option<f64>>,
    /// `(order, values)` of each Taylor polynomial.
    pub polynomials: Vec<(usize, Vec<f64>)>,
    /// The expression, as text (for the title).
    pub name: String,
}

/// Samples `expr` (in `var`) and its Taylor polynomials of the given orders (from the exact
/// coefficients at `point`) on `[point - half_width, point + half_width]`.
///
/// # Errors
/// [`PlotError`] for bad options.
pub fn taylor_plot(
    expr: &Expr,
    var: &str,
    point: &Const,
    coefficients: &[Const],
    orders: &[usize],
    half_width: &BigRational,
    samples: usize,
) -> Result<TaylorPlot, PlotError> {
    let p = enclose_c(point)?;
    let cs: Vec<f64> = coefficients
        .iter()
        .map(|c| enclose_c(c).map(|i| i.to_f64()))
        .collect::<Result<_, _>>()?;
    let samples = samples.max(2);
    let mut xs = Vec::new();
    let mut function = Vec::new();
    let mut offsets = Vec::new();
    for i in 0..samples {
        let t = half_width * (q(2 * i as i64, (samples - 1) as i64) - q(1, 1));
        let x = p.add(&Interval::point(&t, PREC), PREC);
        xs.push(x.to_f64());
        offsets.push(rational_f64(&t));
        function.push(enclose(expr, &[(var, x)], PREC).ok().map(|v| v.to_f64()));
    }
    let polynomials = orders
        .iter()
        .filter(|&&k| k < cs.len())
        .map(|&k| {
            let values = offsets
                .iter()
                .map(|t| cs[..=k].iter().rev().fold(0.0, |acc, c| acc * t + c))
                .collect();
            (k, values)
        })
        .collect();
    Ok(TaylorPlot {
        xs,
        function,
        polynomials,
        name: expr.to_string(),
    })
}

impl TaylorPlot {
    /// The data as CSV: `x,function,order_k...`.
    pub fn csv(&self) -> String {
        let mut o = String::from("x,function");
        for (k, _) in &self.polynomials {
            let _ = write!(o, ",order_{k}");
        }
        o.push('\n');
        for i in 0..self.xs.len() {
            let _ = write!(
                o,
                "{},{}",
                self.xs[i],
                self.function[i].map(|v| v.to_string()).unwrap_or_default()
            );
            for (_, v) in &self.polynomials {
                let _ = write!(o, ",{}", v[i]);
            }
            o.push('\n');
        }
        o
    }

    /// The plot as SVG (the y range follows the function, polynomials are clipped).
    pub fn svg(&self, lang: Lang) -> String {
        let msg = lang.messages();
        const COLORS: [&str; 6] = [
            "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf",
        ];
        let mut series = vec![Line {
            label: format!("{} {}", msg.plot_function, self.name),
            points: self
                .xs
                .iter()
                .zip(&self.function)
                .filter_map(|(x, v)| v.map(|v| (*x, v)))
                .collect(),
            color: "#000000",
            dashed: false,
            markers: false,
        }];
        for (i, (k, v)) in self.polynomials.iter().enumerate() {
            series.push(Line {
                label: format!("{} {k}", msg.plot_order),
                points: self.xs.iter().copied().zip(v.iter().copied()).collect(),
                color: COLORS[i % COLORS.len()],
                dashed: true,
                markers: false,
            });
        }
        line_svg(
            &format!("{}: {}", msg.plot_taylor_title, self.name),
            msg.plot_taylor_x,
            "",
            false,
            &series,
        )
    }
}

// ------------------------------------------------------------------------------ drawing

struct Line {
    label: String,
    points: Vec<(f64, f64)>,
    color: &'static str,
    dashed: bool,
    markers: bool,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn svg_open(w: f64, h: f64) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n"
    )
}

fn text(s: &mut String, x: f64, y: f64, size: f64, anchor: &str, t: &str) {
    let _ = writeln!(
        s,
        r#"<text x="{x:.1}" y="{y:.1}" font-size="{size}" text-anchor="{anchor}">{}</text>"#,
        esc(t)
    );
}

fn text_rotated(s: &mut String, x: f64, y: f64, size: f64, t: &str) {
    let _ = writeln!(
        s,
        r#"<text x="{x:.1}" y="{y:.1}" font-size="{size}" text-anchor="middle" transform="rotate(-90 {x:.1} {y:.1})">{}</text>"#,
        esc(t)
    );
}

fn tick_x(s: &mut String, x: f64, y: f64, label: &str) {
    let _ = writeln!(
        s,
        r##"<line x1="{x:.1}" y1="{y:.1}" x2="{x:.1}" y2="{:.1}" stroke="#000"/>"##,
        y + 5.0
    );
    text(s, x, y + 20.0, 12.0, "middle", label);
}

fn tick_y(s: &mut String, x: f64, y: f64, label: &str) {
    let _ = writeln!(
        s,
        r##"<line x1="{:.1}" y1="{y:.1}" x2="{x:.1}" y2="{y:.1}" stroke="#000"/>"##,
        x - 5.0
    );
    text(s, x - 8.0, y + 4.0, 12.0, "end", label);
}

/// Blue (-1) through white (0) to red (+1).
fn diverging(t: f64) -> String {
    let t = t.clamp(-1.0, 1.0);
    let (r, g, b) = if t >= 0.0 {
        (255.0, 255.0 * (1.0 - t), 255.0 * (1.0 - t))
    } else {
        (255.0 * (1.0 + t), 255.0 * (1.0 + t), 255.0)
    };
    format!("#{:02x}{:02x}{:02x}", r as u8, g as u8, b as u8)
}

fn fmt_num(t: f64) -> String {
    let s = format!("{t:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

fn fmt_sci(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else {
        format!("{v:.2e}")
    }
}

/// About `count` round ticks covering `[lo, hi]`.
fn nice_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    let span = (hi - lo).abs().max(f64::MIN_POSITIVE);
    let raw = span / count.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut t = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while t <= hi + step * 1e-9 {
        out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        t += step;
    }
    out
}

/// A line plot (log-log when `log`), with a legend.
fn line_svg(title: &str, xlabel: &str, ylabel: &str, log: bool, series: &[Line]) -> String {
    let (w, h) = (720.0, 480.0);
    let (x0, y0, pw, ph) = (90.0, 45.0, 600.0, 360.0);
    let tr = |v: f64| if log { v.log10() } else { v };
    let finite =
        |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite() && (!log || (p.0 > 0.0 && p.1 > 0.0));
    let all: Vec<(f64, f64)> = series
        .iter()
        .flat_map(|l| l.points.iter().filter(finite).map(|&(x, y)| (tr(x), tr(y))))
        .collect();
    let (mut xmin, mut xmax, mut ymin, mut ymax) = all.iter().fold(
        (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, d), &(x, y)| (a.min(x), b.max(x), c.min(y), d.max(y)),
    );
    if !log {
        // The y range follows the first series (the function): polynomials are clipped.
        if let Some(first) = series.first() {
            let ys: Vec<f64> = first
                .points
                .iter()
                .map(|p| p.1)
                .filter(|y| y.is_finite())
                .collect();
            if !ys.is_empty() {
                let lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let pad = ((hi - lo) * 0.25).max(1e-9);
                ymin = lo - pad;
                ymax = hi + pad;
            }
        }
    }
    if !xmin.is_finite() {
        (xmin, xmax, ymin, ymax) = (0.0, 1.0, 0.0, 1.0);
    }
    if log {
        xmin = xmin.floor();
        xmax = xmax.ceil();
        ymin = ymin.floor();
        ymax = ymax.ceil();
    }
    if xmax - xmin < 1e-12 {
        xmax = xmin + 1.0;
    }
    if ymax - ymin < 1e-12 {
        ymax = ymin + 1.0;
    }
    let px = |x: f64| x0 + (x - xmin) / (xmax - xmin) * pw;
    let py = |y: f64| y0 + ph - (y - ymin) / (ymax - ymin) * ph;
    let mut s = svg_open(w, h);
    text(&mut s, w / 2.0, 26.0, 16.0, "middle", title);
    let _ = writeln!(
        s,
        r#"<clipPath id="plot"><rect x="{x0}" y="{y0}" width="{pw}" height="{ph}"/></clipPath>"#
    );
    // Axes and ticks.
    let (xt, yt): (Ticks, Ticks) = if log {
        (
            (xmin as i64..=xmax as i64)
                .map(|e| (e as f64, format!("1e{e}")))
                .collect(),
            (ymin as i64..=ymax as i64)
                .step_by(((ymax - ymin) / 8.0).ceil().max(1.0) as usize)
                .map(|e| (e as f64, format!("1e{e}")))
                .collect(),
        )
    } else {
        (
            nice_ticks(xmin, xmax, 8)
                .into_iter()
                .map(|t| (t, fmt_num(t)))
                .collect(),
            nice_ticks(ymin, ymax, 6)
                .into_iter()
                .map(|t| (t, fmt_num(t)))
                .collect(),
        )
    };
    for (t, label) in &xt {
        let _ = writeln!(
            s,
            r##"<line x1="{:.1}" y1="{y0}" x2="{:.1}" y2="{:.1}" stroke="#e0e0e0"/>"##,
            px(*t),
            px(*t),
            y0 + ph
        );
        tick_x(&mut s, px(*t), y0 + ph, label);
    }
    for (t, label) in &yt {
        let _ = writeln!(
            s,
            r##"<line x1="{x0}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#e0e0e0"/>"##,
            py(*t),
            x0 + pw,
            py(*t)
        );
        tick_y(&mut s, x0, py(*t), label);
    }
    let _ = writeln!(
        s,
        r##"<rect x="{x0}" y="{y0}" width="{pw}" height="{ph}" fill="none" stroke="#000"/>"##
    );
    text(
        &mut s,
        x0 + pw / 2.0,
        y0 + ph + 44.0,
        14.0,
        "middle",
        xlabel,
    );
    if !ylabel.is_empty() {
        text_rotated(&mut s, 22.0, y0 + ph / 2.0, 13.0, ylabel);
    }
    // Series.
    for l in series {
        let pts: Vec<String> = l
            .points
            .iter()
            .filter(finite)
            .map(|&(x, y)| format!("{:.2},{:.2}", px(tr(x)), py(tr(y))))
            .collect();
        if pts.is_empty() {
            continue;
        }
        let dash = if l.dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = writeln!(
            s,
            r#"<polyline clip-path="url(#plot)" fill="none" stroke="{}" stroke-width="2"{dash} points="{}"/>"#,
            l.color,
            pts.join(" ")
        );
        if l.markers {
            for p in &pts {
                let (x, y) = p.split_once(',').unwrap_or(("0", "0"));
                let _ = writeln!(
                    s,
                    r#"<circle cx="{x}" cy="{y}" r="3.5" fill="{}"/>"#,
                    l.color
                );
            }
        }
    }
    // Legend (top left inside the plot).
    let (lx, mut ly) = (x0 + 14.0, y0 + 20.0);
    let lw = series
        .iter()
        .map(|l| l.label.chars().count())
        .max()
        .unwrap_or(0) as f64
        * 7.2
        + 46.0;
    let _ = writeln!(
        s,
        r##"<rect x="{:.1}" y="{:.1}" width="{lw:.1}" height="{:.1}" fill="#ffffff" fill-opacity="0.85" stroke="#999"/>"##,
        lx - 8.0,
        ly - 14.0,
        series.len() as f64 * 20.0 + 8.0
    );
    for l in series {
        let dash = if l.dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = writeln!(
            s,
            r#"<line x1="{lx:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="2"{dash}/>"#,
            ly - 4.0,
            lx + 26.0,
            ly - 4.0,
            l.color
        );
        text(&mut s, lx + 32.0, ly, 12.0, "start", &l.label);
        ly += 20.0;
    }
    s.push_str("</svg>\n");
    s
}

/// Rasterises an SVG (as written above) to PNG bytes with the system's fonts.
///
/// # Errors
/// [`PlotError::Png`] when the SVG does not parse or the image cannot be encoded.
pub fn png(svg: &str) -> Result<Vec<u8>, PlotError> {
    let mut options = resvg::usvg::Options::default();
    options.fontdb_mut().load_system_fonts();
    let tree =
        resvg::usvg::Tree::from_str(svg, &options).map_err(|e| PlotError::Png(e.to_string()))?;
    let size = tree.size().to_int_size();
    let scale = 2.0;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(
        (size.width() as f32 * scale) as u32,
        (size.height() as f32 * scale) as u32,
    )
    .ok_or_else(|| PlotError::Png("empty image".into()))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| PlotError::Png(e.to_string()))
}
