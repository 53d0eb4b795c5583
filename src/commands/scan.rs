//! `taylorgate scan`: the gate analysis of every activation of the library (or of a file), one
//! row each, computed in parallel; a row that fails or times out says so.

use super::{Outcome, Status};
use crate::budget::Budget;
use crate::expr::{Definitions, Expr};
use crate::gate::{analyze, GateOptions, GateReport, Verdict};
use crate::number::Const;
use serde_json::json;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// At most this many activations are analysed at once (each may hold large exact values).
pub const MAX_WORKERS: usize = 4;

/// Output formats of `scan`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanFormat {
    /// An aligned table.
    Text,
    /// A markdown table.
    Markdown,
    /// Comma-separated values.
    Csv,
    /// Machine-readable.
    Json,
    /// LaTeX: one paragraph per activation (a whole document with `--standalone`).
    Latex,
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
    /// Time allowed per activation before its row reports a timeout (the global `--timeout`).
    #[arg(skip = Duration::from_secs(crate::budget::DEFAULT_SCAN_TIMEOUT_SECS))]
    pub timeout: Duration,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Text)]
    pub format: ScanFormat,
    /// The language of the LaTeX report.
    #[arg(long, value_enum, default_value_t = crate::teach::Lang::En)]
    pub lang: crate::teach::Lang,
    /// LaTeX: a complete document.
    #[arg(long)]
    pub standalone: bool,
}

/// One row of the scan.
#[derive(Clone, Debug)]
pub struct Row {
    /// Activation name.
    pub name: String,
    /// Its definition as written.
    pub definition: String,
    /// The analysis, or why it failed.
    pub result: Result<GateReport, String>,
}

impl Row {
    fn cells(&self, n: usize) -> Vec<String> {
        let show = |c: &Option<Const>| {
            c.as_ref()
                .map(|c| c.to_string())
                .unwrap_or_else(|| "-".into())
        };
        match &self.result {
            Ok(r) => vec![
                self.name.clone(),
                self.definition.clone(),
                r.derivative_at_zero
                    .as_ref()
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "-".into()),
                verdict_name(r.verdict).into(),
                show(&r.bias),
                show(&r.derivative_at_bias),
                leading_error(r, n)
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "-".into()),
                remainder_order(r),
                r.hidden.to_string(),
                if r.verdict == Verdict::Admits {
                    String::new()
                } else {
                    r.reason.clone()
                },
            ],
            Err(e) => {
                let mut v = vec![self.name.clone(), self.definition.clone()];
                v.extend(["-", "error", "-", "-", "-", "-", "-"].map(String::from));
                v.push(e.clone());
                v
            }
        }
    }
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Admits => "admits",
        Verdict::DoesNotAdmit => "does not admit",
        Verdict::Undecided => "undecided",
    }
}

fn remainder_order(r: &GateReport) -> String {
    if r.verdict != Verdict::Admits {
        return "-".into();
    }
    match (r.remainder.order, r.remainder.exact) {
        (Some(k), _) => k.to_string(),
        (None, true) => "exact".into(),
        (None, false) => format!(">{}", r.remainder.searched_degree),
    }
}

/// The leading error coefficient `sigma^(n+2)(b) / (6 sigma^(n)(b))`, read off the network's
/// expansion (the coefficient of `x_1^3 x_2 ... x_n`).
pub fn leading_error(r: &GateReport, n: usize) -> Option<Const> {
    if r.verdict != Verdict::Admits {
        return None;
    }
    let mut powers = vec![1; n];
    powers[0] = 3;
    Some(
        r.expansion
            .iter()
            .find(|t| t.powers == powers)
            .map(|t| t.coefficient.clone())
            .unwrap_or_else(Const::zero),
    )
}

const HEADER: [&str; 10] = [
    "name",
    "definition",
    "σ^(n)(0)",
    "gate",
    "bias b",
    "σ^(n)(b)",
    "leading error",
    "remainder order",
    "neurons",
    "reason",
];

/// An aligned text table.
pub fn aligned(header: &[&str], rows: &[Vec<String>]) -> String {
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([header[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

/// Stack of a worker (deep expressions recurse).
const WORKER_STACK: usize = 256 << 20;

/// Analyses the activations on a few worker threads (one per core, at most
/// [`MAX_WORKERS`]), each row under its own time-out within the command's budget: a row
/// that runs out of time or memory is stopped and says so, and the scan goes on.
fn analyze_all(items: Vec<(String, String, Expr)>, n: usize, timeout: Duration) -> Vec<Row> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .clamp(1, MAX_WORKERS)
        .min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<GateReport, String>>>> =
        Mutex::new(vec![None; items.len()]);
    let parent = crate::budget::current();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (next, results, items, parent) = (&next, &results, &items, parent.clone());
            let spawned = std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((name, _, expr)) = items.get(i) else {
                        break;
                    };
                    let options = GateOptions {
                        inputs: n,
                        ..GateOptions::default()
                    };
                    let budget = Budget::new()
                        .with_timeout(timeout)
                        .with_parent(parent.clone());
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        budget.run(|| {
                            let _stage = crate::budget::stage(format!("the gate of {name}"));
                            analyze(expr, &options)
                        })
                    }));
                    let row = match result {
                        Ok(Ok(r)) => r.map_err(|e| e.to_string()),
                        Ok(Err(stopped)) => Err(stopped.to_string()),
                        Err(_) => Err("internal error (a bug in taylorgate)".to_string()),
                    };
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(row);
                });
            if let Err(e) = spawned {
                let message = format!("cannot start a thread: {e}");
                let mut r = results.lock().unwrap_or_else(|e| e.into_inner());
                for slot in r.iter_mut().filter(|s| s.is_none()) {
                    *slot = Some(Err(message.clone()));
                }
            }
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    items
        .into_iter()
        .zip(results)
        .map(|((name, definition, _), r)| Row {
            name,
            definition,
            result: r.unwrap_or_else(|| Err("not analysed".to_string())),
        })
        .collect()
}

fn items(args: &ScanArgs) -> Result<Vec<(String, String, Expr)>, crate::Error> {
    let defs: Definitions = super::load_definitions(args.file.as_deref())?;
    let inline = |e: &Expr| crate::diff::inline_definitions(e, &defs);
    match &args.file {
        None => crate::library::activations()
            .iter()
            .map(|a| Ok((a.name.clone(), a.text.clone(), inline(&a.expr)?)))
            .collect(),
        Some(path) => {
            let src = super::read_source(path)?;
            let program = crate::parse::parse_program(&src, &crate::library::definitions())
                .map_err(|e| e.with_path(&path.display().to_string()))?;
            let mut out = Vec::new();
            for s in &program.statements {
                if let crate::expr::Statement::Function { name, params, body } = &s.statement {
                    if params.len() == 1 {
                        let x = Expr::Apply(name.clone(), vec![Expr::var("x")]);
                        out.push((name.clone(), body.to_string(), inline(&x)?));
                    }
                }
            }
            Ok(out)
        }
    }
}

/// Runs `taylorgate scan`.
pub fn run(args: &ScanArgs) -> Result<Outcome, crate::Error> {
    let n = args.inputs;
    if n == 0 || n > crate::gate::MAX_INPUTS {
        return Err(crate::UsageError::Option {
            option: "--inputs".into(),
            message: format!("must be between 1 and {}", crate::gate::MAX_INPUTS),
        }
        .into());
    }
    let rows = analyze_all(items(args)?, n, args.timeout);
    let table: Vec<Vec<String>> = rows.iter().map(|r| r.cells(n)).collect();
    let header: Vec<String> = HEADER
        .iter()
        .map(|h| h.replace("(n)", &format!("({n})")))
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let output = match args.format {
        ScanFormat::Text => aligned(&header, &table),
        ScanFormat::Latex => crate::teach::render(
            &crate::teach::scan_document(&rows, args.lang),
            &crate::teach::RenderOptions {
                format: crate::teach::Format::Latex,
                standalone: args.standalone,
            },
        ),
        ScanFormat::Markdown => {
            let esc = |s: &str| format!("`{}`", s.replace('|', "\\|"));
            let mut o = format!(
                "| {} |\n|{}\n",
                header.join(" | "),
                "---|".repeat(header.len())
            );
            for r in &table {
                let cells: Vec<String> = r
                    .iter()
                    .enumerate()
                    .map(|(i, c)| match i {
                        1 | 2 | 4 | 5 | 6 if c != "-" && !c.is_empty() => esc(c),
                        _ => c.replace('|', "\\|"),
                    })
                    .collect();
                o.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
            o
        }
        ScanFormat::Csv => {
            let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
            let mut o = header.iter().map(|h| q(h)).collect::<Vec<_>>().join(",") + "\n";
            for r in &table {
                o.push_str(&(r.iter().map(|c| q(c)).collect::<Vec<_>>().join(",") + "\n"));
            }
            o
        }
        ScanFormat::Json => {
            let v: Vec<serde_json::Value> = rows
                .iter()
                .map(|row| match &row.result {
                    Ok(r) => json!({
                        "name": row.name,
                        "expr": row.definition,
                        "derivative_at_zero": r.derivative_at_zero.as_ref().map(|c| c.to_string()),
                        "admits": r.verdict == Verdict::Admits,
                        "verdict": verdict_name(r.verdict),
                        "bias": r.bias.as_ref().map(|c| c.to_string()),
                        "derivative_at_bias": r.derivative_at_bias.as_ref().map(|c| c.to_string()),
                        "leading_error": leading_error(r, n).map(|c| c.to_string()),
                        "remainder_order": r.remainder.order,
                        "exact": r.remainder.exact,
                        "neurons": r.hidden,
                        "reason": r.reason,
                    }),
                    Err(e) => json!({
                        "name": row.name, "expr": row.definition, "admits": false,
                        "verdict": "error", "bias": null, "derivative_at_bias": null,
                        "leading_error": null, "remainder_order": null, "reason": e,
                    }),
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&v).expect("JSON values print");
            s.push('\n');
            s
        }
    };
    Ok(Outcome {
        output,
        status: Status::Done,
    })
}
