//! `taylorgate scan`: the gate analysis of every activation of the library (or of a file), one
//! row each, computed in parallel; a row that fails or times out says so.

use super::{Outcome, Status};
use crate::gate::{GateReport, Verdict};
use crate::number::Const;
use crate::session::{Report, ScanRow, Session};
use std::path::PathBuf;
use std::time::Duration;

crate::choice::choice_enum! {
    /// Output formats of `scan`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum ScanFormat {
        /// An aligned table.
        Text = "text",
        /// A markdown table.
        Markdown = "markdown",
        /// Comma-separated values.
        Csv = "csv",
        /// The schema `taylorgate/1` (`schema/taylorgate-1.json`).
        Json = "json",
        /// LaTeX: one paragraph per activation (a whole document with `--standalone`).
        Latex = "latex",
    }
}

/// Arguments of `taylorgate scan`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanArgs {
    /// Scan the one-argument functions of this `.tg` file instead of the library.
    pub file: Option<PathBuf>,
    /// Number of inputs n.
    pub inputs: usize,
    /// Time allowed per activation before its row reports a timeout (the global `--timeout`).
    pub timeout: Duration,
    /// Output format.
    pub format: ScanFormat,
    /// The language of the LaTeX report.
    pub lang: crate::teach::Lang,
    /// LaTeX: a complete document.
    pub standalone: bool,
}

impl Default for ScanArgs {
    /// The library with two inputs, as text (the command line's defaults).
    fn default() -> ScanArgs {
        ScanArgs {
            file: None,
            inputs: 2,
            timeout: Duration::from_secs(crate::budget::DEFAULT_SCAN_TIMEOUT_SECS),
            format: ScanFormat::Text,
            lang: crate::teach::Lang::En,
            standalone: false,
        }
    }
}

/// The cells of one row of the table.
fn cells(row: &ScanRow) -> Vec<String> {
    let show = |c: &Option<Const>| {
        c.as_ref()
            .map(|c| c.to_string())
            .unwrap_or_else(|| "-".into())
    };
    match (&row.report, &row.error) {
        (Some(r), _) => vec![
            row.name.clone(),
            row.definition.clone(),
            show(&r.derivative_at_zero),
            crate::session::verdict_name(r.verdict).into(),
            show(&r.bias),
            show(&r.derivative_at_bias),
            show(&row.leading_error),
            remainder_order(r),
            r.hidden.to_string(),
            if r.verdict == Verdict::Admits {
                String::new()
            } else {
                r.reason.clone()
            },
        ],
        (None, e) => {
            let mut v = vec![row.name.clone(), row.definition.clone()];
            v.extend(["-", "error", "-", "-", "-", "-", "-"].map(String::from));
            v.push(e.clone().unwrap_or_default());
            v
        }
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

/// Runs `taylorgate scan`.
pub fn run(args: &ScanArgs) -> Result<Outcome, crate::Error> {
    let n = args.inputs;
    let session = Session::new();
    let source = match &args.file {
        Some(path) => Some((
            crate::session::read_source(path)?,
            path.display().to_string(),
        )),
        None => None,
    };
    let report = session.scan(
        source.as_ref().map(|(s, p)| (s.as_str(), Some(p.as_str()))),
        n,
        args.timeout,
    )?;
    let rows = &report.rows;
    let table: Vec<Vec<String>> = rows.iter().map(cells).collect();
    let header: Vec<String> = HEADER
        .iter()
        .map(|h| h.replace("(n)", &format!("({n})")))
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let output = match args.format {
        ScanFormat::Text => aligned(&header, &table),
        ScanFormat::Latex => crate::teach::render(
            &crate::teach::scan_document(rows, args.lang),
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
        ScanFormat::Json => report.to_json(),
    };
    Ok(Outcome {
        output,
        status: Status::Done,
    })
}
