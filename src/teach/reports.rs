//! The documents of `prove`, `expand` and `diff`.

use super::doc::{fill, words, Block, Document, Inline, Math, Row, Section};
use super::lang::Lang;
use super::math::{big_o, decimal_up, monomial, polynomial, signed_sum};
use crate::expr::{ClaimOrder, Expr, Program, Statement};
use crate::number::Const;
use crate::prove::{ClaimReport, ClaimStatus, ComparedTerm};

/// What `prove` read: the file's name and its parsed statements (for the claims' LaTeX).
#[derive(Clone, Copy, Debug)]
pub struct ClaimSource<'a> {
    /// The file name, as given.
    pub path: &'a str,
    /// The parsed program.
    pub program: &'a Program,
}

fn claim_math(c: &crate::expr::Claim) -> Math {
    let order = match &c.order {
        ClaimOrder::Norm { norm_name, k } => {
            let l = Expr::var(norm_name).to_latex();
            Math::new(
                format!(" + O(|{norm_name}|^{k})"),
                format!(r" + O\left(|{l}|^{{{k}}}\right)"),
            )
        }
        ClaimOrder::Var { var: v, k } => {
            let l = Expr::var(v).to_latex();
            Math::new(
                format!(" + O({v}^{k})"),
                format!(r" + O\left({l}^{{{k}}}\right)"),
            )
        }
    };
    let rhs = Math::expr(&c.rhs);
    Math::new(
        format!("{} = {}{}", c.lhs, rhs.text, order.text),
        format!("{} = {}{}", c.lhs.to_latex(), rhs.latex, order.latex),
    )
}

fn definition_row(statement: &Statement) -> Option<Row> {
    match statement {
        Statement::Function { name, params, body } => {
            let head = Expr::Apply(name.clone(), params.iter().map(|p| Expr::var(p)).collect());
            Some(Row::eq_pieces(
                Math::expr(&head),
                super::math::expr_pieces(body),
            ))
        }
        Statement::Constant { name, value } => Some(Row::eq_pieces(
            Math::expr(&Expr::var(name)),
            super::math::expr_pieces(value),
        )),
        Statement::Claim(_) | Statement::SupClaim(_) => None,
    }
}

/// The document of `prove`: the definitions, then one section per claim.
pub fn prove_document(source: &ClaimSource<'_>, reports: &[ClaimReport], lang: Lang) -> Document {
    let msg = lang.messages();
    let mut doc = Document {
        title: words(format!(
            "{} {}",
            msg.prove_title,
            std::path::Path::new(source.path).file_name().map_or_else(
                || source.path.to_string(),
                |f| f.to_string_lossy().into_owned()
            )
        )),
        intro: vec![],
        sections: vec![],
        lang: lang.code(),
    };
    let defs: Vec<Row> = source
        .program
        .statements
        .iter()
        .filter_map(|s| definition_row(&s.statement))
        .collect();
    if !defs.is_empty() {
        doc.intro.push(Block::Para(words(msg.prove_definitions)));
        doc.intro.push(Block::Display(defs));
    }
    for r in reports {
        let claim = source
            .program
            .statements
            .iter()
            .find_map(|s| match &s.statement {
                Statement::Claim(c) if s.line == r.line => Some(claim_math(c)),
                _ => None,
            })
            .unwrap_or_else(|| Math::same(r.claim.clone()));
        let mut blocks = vec![Block::Para(fill(
            &format!("{} {{}}", msg.prove_claim),
            &[claim],
        ))];
        let vars = &r.variables;
        if r.sup_norm {
            // A sup-norm claim: the verdict of the branch and bound, in one sentence.
            let word = match r.status {
                ClaimStatus::Proved => "PROVED",
                ClaimStatus::Refuted => "REFUTED",
                ClaimStatus::Undecided => "UNDECIDED",
            };
            blocks.push(Block::Para(words(format!("{word}: {}.", r.message))));
            if let Some(s) = &r.sup {
                blocks.push(Block::Para(words(format!("Method: {}.", s.method))));
            }
            doc.sections.push(Section {
                heading: words(format!("{} {}", msg.prove_line, r.line)),
                blocks,
            });
            continue;
        }
        match r.status {
            ClaimStatus::Proved => {
                let k = Math::same(r.claimed.to_string());
                blocks.push(Block::Para(match &r.degree_in {
                    Some(v) => fill(msg.prove_proved_in, &[k, Math::expr(&Expr::var(v))]),
                    None => fill(msg.prove_proved_total, &[k]),
                }));
                if r.exact {
                    blocks.push(Block::Para(words(msg.prove_exact)));
                } else if let Some(w) = r.remainder_order {
                    blocks.push(Block::Para(fill(
                        msg.prove_sharp,
                        &[Math::same(w.to_string())],
                    )));
                    let mut lead =
                        polynomial(&ComparedTerm::differences(&r.remainder_leading), vars);
                    lead.push(big_o("|x|", "|x|", w as usize + 1).prefixed("+ "));
                    blocks.push(Block::Display(vec![Row::eq_pieces(
                        Math::new("LHS - RHS", r"\text{LHS} - \text{RHS}"),
                        lead,
                    )]));
                } else {
                    blocks.push(Block::Para(words(msg.prove_searched)));
                }
                match &r.bound {
                    Some(Ok(b)) => {
                        let base = match &b.variable {
                            Some(v) => Math::new(
                                format!("|{v}|"),
                                format!("|{}|", Expr::var(v).to_latex()),
                            ),
                            None => Math::new("|x|_∞", r"|x|_\infty"),
                        };
                        let k = decimal_up(&b.k);
                        let r_ = super::math::decimal(&b.radius);
                        blocks.push(Block::Para(fill(
                            msg.prove_bound,
                            &[Math::new(
                                format!(
                                    "|LHS - RHS| ≤ {} {}^{} for {} ≤ {}",
                                    k.text, base.text, b.order, base.text, r_.text
                                ),
                                format!(
                                    r"|\text{{LHS}} - \text{{RHS}}| \le {}\, {}^{{{}}} \quad ({} \le {})",
                                    k.latex, base.latex, b.order, base.latex, r_.latex
                                ),
                            )],
                        )));
                    }
                    Some(Err(e)) => blocks.push(Block::Para(words(format!(
                        "{} {}",
                        msg.prove_bound_none,
                        super::why::claim_bound(e, msg)
                    )))),
                    None => {}
                }
            }
            ClaimStatus::Refuted | ClaimStatus::Undecided => {
                let (t, refuted) = if r.status == ClaimStatus::Refuted {
                    (msg.prove_refuted, true)
                } else {
                    (msg.prove_undecided, false)
                };
                blocks.push(Block::Para(words(t)));
                let rows = r
                    .difference
                    .iter()
                    .map(|t| {
                        let mono = monomial(&t.powers, vars);
                        let lhs =
                            Math::new(format!("[{}]", mono.text), format!("[{}]", mono.latex));
                        if refuted {
                            Row::rel(
                                lhs,
                                Math::new(":", r"\colon"),
                                vec![Math::new(
                                    format!(
                                        "{} {}, {} {}",
                                        msg.prove_left, t.left, msg.prove_right, t.right
                                    ),
                                    format!(
                                        r"\text{{{}}}\ {}, \quad \text{{{}}}\ {}",
                                        msg.prove_left,
                                        t.left.to_latex(),
                                        msg.prove_right,
                                        t.right.to_latex()
                                    ),
                                )],
                            )
                        } else {
                            Row::eq(lhs, Math::konst(&t.difference))
                        }
                    })
                    .collect();
                blocks.push(Block::Display(rows));
            }
        }
        doc.sections.push(Section {
            heading: words(format!("{} {}", msg.prove_line, r.line)),
            blocks,
        });
    }
    doc
}

/// The document of `expand`: the series, coefficient by coefficient, and its notes.
pub fn expand_document(
    expr: &Expr,
    var: &str,
    point: &Const,
    coefficients: &[Const],
    notes: &[String],
    lang: Lang,
) -> Document {
    let msg = lang.messages();
    let f = Math::expr(expr);
    let mut doc = Document {
        title: fill(msg.expand_title, std::slice::from_ref(&f)),
        intro: vec![],
        sections: vec![],
        lang: lang.code(),
    };
    let v = Expr::var(var).to_latex();
    let (base_t, base_l) = if point.is_zero() {
        (var.to_string(), v.clone())
    } else {
        let shifted = Expr::var(var) - point.to_expr();
        (
            format!("({shifted})"),
            format!(r"\left({}\right)", shifted.to_latex()),
        )
    };
    let at = Math::new(
        format!("{var} = {point}"),
        format!("{v} = {}", point.to_latex()),
    );
    let n = coefficients.len().saturating_sub(1);
    doc.intro.push(Block::Para(fill(
        msg.expand_intro,
        &[at, Math::same(n.to_string())],
    )));
    let terms: Vec<(Const, Math)> = coefficients
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let p = match k {
                0 => Math::same("1"),
                1 => Math::new(base_t.clone(), base_l.clone()),
                _ => Math::new(format!("{base_t}^{k}"), format!("{base_l}^{{{k}}}")),
            };
            (c.clone(), p)
        })
        .collect();
    let mut pieces = signed_sum(&terms);
    pieces.push(big_o(&base_t, &base_l, n + 1).prefixed("+ "));
    doc.intro
        .push(Block::Display(vec![Row::eq_pieces(f, pieces)]));
    let rows: Vec<Row> = coefficients
        .iter()
        .enumerate()
        .map(|(k, c)| {
            Row::eq(
                Math::new(format!("c_{k}"), format!("c_{{{k}}}")),
                Math::konst(c),
            )
        })
        .collect();
    doc.intro.push(Block::Display(rows));
    if !notes.is_empty() {
        let mut items: Vec<Vec<Inline>> = Vec::new();
        for note in notes {
            items.push(words(note.clone()));
        }
        doc.intro.push(Block::Para(words(msg.expand_notes)));
        doc.intro.push(Block::List(items));
    }
    doc
}

/// The document of `diff`: the derivatives, and their exact values at a point.
pub fn diff_document(
    expr: &Expr,
    var: &str,
    derivatives: &[Expr],
    values: Option<(&Const, &[Const])>,
    lang: Lang,
) -> Document {
    let msg = lang.messages();
    let mut doc = Document {
        title: fill(msg.diff_title, &[Math::expr(expr)]),
        intro: vec![],
        sections: vec![],
        lang: lang.code(),
    };
    let v = Expr::var(var).to_latex();
    let name = |k: usize, at_t: &str, at_l: &str| {
        let d = super::math::deriv(k);
        Math::new(
            format!("{}({at_t})", d.text.replacen('σ', "f", 1)),
            format!("{}({at_l})", d.latex.replacen(r"\sigma", "f", 1)),
        )
    };
    doc.intro.push(Block::Para(words(msg.diff_intro)));
    doc.intro.push(Block::Display(
        derivatives
            .iter()
            .enumerate()
            .map(|(k, d)| Row::eq(name(k + 1, var, &v), Math::expr(d)))
            .collect(),
    ));
    if let Some((p, vals)) = values {
        let (pt, pl) = (p.to_string(), p.to_latex());
        doc.intro.push(Block::Para(fill(
            msg.diff_values,
            &[Math::new(format!("{var} = {pt}"), format!("{v} = {pl}"))],
        )));
        doc.intro.push(Block::Display(
            vals.iter()
                .enumerate()
                .map(|(k, c)| Row::eq(name(k + 1, &pt, &pl), Math::konst(c)))
                .collect(),
        ));
    }
    doc
}

/// The document of `scan`: one short paragraph per activation.
pub fn scan_document(rows: &[crate::session::ScanRow], lang: Lang) -> Document {
    let msg = lang.messages();
    let mut items = Vec::new();
    for row in rows {
        let mut p = vec![Inline::Text(format!("{}: ", row.name))];
        match &row.report {
            Some(r) => p.push(Inline::Math(Math::new(
                format!("σ(x) = {}", r.activation),
                format!(r"\sigma(x) = {}", r.activation.to_latex()),
            ))),
            None => p.push(Inline::Text(row.definition.clone())),
        }
        match &row.report {
            Some(r) => {
                let verdict = match r.verdict {
                    crate::gate::Verdict::Admits => msg.scan_yes,
                    crate::gate::Verdict::DoesNotAdmit => msg.scan_no,
                    crate::gate::Verdict::Undecided => msg.scan_undecided,
                };
                p.push(Inline::Text(format!("; {}: {verdict}", msg.scan_verdict)));
                if let (Some(b), Some(d)) = (&r.bias, &r.derivative_at_bias) {
                    p.push(Inline::Text(format!("; {} ", msg.scan_bias)));
                    p.push(Inline::Math(Math::konst(b)));
                    p.push(Inline::Text(format!("; {} ", msg.scan_derivative)));
                    p.push(Inline::Math(Math::konst(d)));
                }
                if let Some(c) = &row.leading_error {
                    p.push(Inline::Text(format!("; {} ", msg.scan_leading)));
                    p.push(Inline::Math(Math::konst(c)));
                }
            }
            None => p.push(Inline::Text(format!(
                "; {}",
                row.error.as_deref().unwrap_or_default()
            ))),
        }
        items.push(p);
    }
    Document {
        title: words(msg.scan_title),
        intro: vec![Block::Para(words(msg.scan_intro)), Block::List(items)],
        sections: vec![],
        lang: lang.code(),
    }
}
