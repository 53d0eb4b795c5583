//! Teaching material: derivations as a teacher writes them, rendered as text, Markdown or
//! LaTeX, in English or Portuguese; and plots (SVG, PNG, CSV).
//!
//! A derivation is built once, as a [`Document`]: sections of prose and displayed equations,
//! each piece of mathematics carrying its text and its LaTeX form (both from the language's
//! printers, [`crate::Expr::to_latex`] and `Display`). [`render`] turns the one document into
//! any [`Format`]; the words come from one message table per [`Lang`] (`lang/en.rs`,
//! `lang/pt.rs`).
//!
//! ```
//! use taylorgate::gate::{analyze, GateOptions};
//! use taylorgate::parse::parse_expr;
//! use taylorgate::teach::{derivation, Format, Lang};
//! use taylorgate::Definitions;
//! let softplus = parse_expr("ln(1 + exp(x))", &Definitions::new()).unwrap();
//! let report = analyze(&softplus, &GateOptions::default()).unwrap();
//! let tex = derivation(&report, Format::Latex, Lang::En);
//! assert!(tex.contains(r"\begin{align*}"));
//! let md = derivation(&report, Format::Markdown, Lang::Pt);
//! assert!(md.contains("porta de multiplicação"));
//! ```

mod doc;
mod gate;
mod given;
pub mod lang;
mod math;
mod names;
pub mod plot;
mod render;
mod reports;
mod why;

pub use doc::{Block, Document, Inline, Math, Row, Section};
pub use gate::{gate_document, reason, reason_text, GateExtras};
pub use lang::Lang;
pub use render::{render, Format, RenderOptions};
pub use reports::{diff_document, expand_document, prove_document, scan_document, ClaimSource};

/// The derivation of a gate report in one format and language (a LaTeX fragment, not a
/// standalone document), with the rigorous remainder bound on `|x_i| <= 1`.
pub fn derivation(report: &crate::gate::GateReport, format: Format, lang: Lang) -> String {
    let one = num_rational::BigRational::from_integer(1.into());
    let bound = (report.verdict == crate::gate::Verdict::Admits)
        .then(|| crate::bound::gate_remainder(report, &one, &crate::bound::default_limits()));
    let extras = GateExtras {
        remainder: bound.as_ref(),
        ..GateExtras::default()
    };
    render(
        &gate_document(report, &extras, lang),
        &RenderOptions {
            format,
            standalone: false,
        },
    )
}
