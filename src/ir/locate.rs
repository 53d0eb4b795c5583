//! The place of a semantic error: the input lowered with its table of spans, and the node
//! whose operation fails found by the one evaluator.

use super::{Evaluator, Graph, Id, Lowering};
use crate::expr::{Definitions, Expr, OriginBuilder, Source};
use crate::number::{Const, Exact, NumberError};
use crate::Place;

/// How the failure is looked for again.
#[derive(Clone, Copy, Debug)]
pub enum Probe<'a> {
    /// A constant part of the input has no value (`ln(-1)`, `1/0`): each constant node is
    /// evaluated exactly, innermost first.
    Constants,
    /// The Taylor series in `var` at `point` to order `order` does not exist (a pole, a branch
    /// point, a kink).
    Series {
        /// The variable.
        var: &'a str,
        /// The point.
        point: &'a Const,
        /// The order.
        order: usize,
    },
}

/// The place in `text` (or in the body of a definition of `defs` read from a file) of the
/// node where the computation that `probe` names fails: `text` is lowered with its table
/// from node to source span ([`Lowering::lower_located`]) and evaluated again; the span is
/// that of the failing node, or of its nearest ancestor that has one. A bare name of a
/// one-argument function (`tanh`, `softplus`) stands for its call on `var`. `None` when the
/// text does not parse or lower, or nothing fails.
pub fn locate(text: &str, defs: &Definitions, var: &str, probe: Probe<'_>) -> Option<Place> {
    let (expr, origin) = match bare_call(text, defs, var) {
        Some(found) => found,
        None => crate::parse::parse_expr_located(text, defs).ok()?,
    };
    let mut lowering = Lowering::new(defs);
    let root = match lowering.lower_located(&expr, &origin) {
        Ok(v) => v.into_scalar("the input").ok()?,
        Err(_) => return lowering.failure().map(super::Span::place),
    };
    let graph = lowering.graph();
    let path = match probe {
        Probe::Constants => constant_failure(graph, root)?,
        Probe::Series { var, point, order } => {
            crate::series::failure_path(graph, root, var, point, order)?
        }
    };
    graph.place_of(&path)
}

/// `name(var)` for the bare name of a one-argument function, every node at the name.
fn bare_call(text: &str, defs: &Definitions, var: &str) -> Option<(Expr, crate::expr::Origin)> {
    let name = text.trim();
    let expr = defs.unary_call(name, Expr::var(var))?;
    let start = text.len() - text.trim_start().len();
    let end = start + name.len();
    let mut origin = OriginBuilder::default();
    origin.push(start, end, 0);
    origin.push(start, end, 1);
    let source = std::sync::Arc::new(Source {
        path: None,
        text: text.to_string(),
    });
    Some((expr, origin.finish(source)))
}

/// The chain down to the innermost constant node below `root` that has no value.
fn constant_failure(graph: &Graph, root: Id) -> Option<Vec<Id>> {
    let mut evaluator = Evaluator::new(graph, Exact { bindings: &[] });
    for id in graph.post_order(root) {
        if !graph.facts(id).vars.is_empty() {
            continue;
        }
        if let Err(
            NumberError::DivisionByZero
            | NumberError::Domain { .. }
            | NumberError::NotReal(..)
            | NumberError::TooLarge(_),
        ) = evaluator.value(id)
        {
            return Some(evaluator.failure().to_vec());
        }
    }
    None
}
