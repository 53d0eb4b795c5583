//! Source text -> checked syntax tree -> [`crate::expr`].
//!
//! Three passes, after pest's own meta-grammar:
//!
//! 1. **parse**: the pest grammar `grammar/taylorgate.pest` turns the text into pairs that still
//!    carry their spans;
//! 2. **check**: one walk over the pairs collects *every* semantic error (unknown or misused
//!    names, wrong arity, recursive definitions, duplicate parameters, absurd literals), each a
//!    [`pest::error::Error`] with line, column and a caret under the offending text;
//! 3. **lower**: the checked pairs become the span-free [`Expr`], the operators folded by
//!    precedence through one [`PrattParser`].
//!
//! # The language
//!
//! Numbers are exact decimals (`3`, `0.044715`, `1e-3`, `2.5E+4`); `+ - * / ^` with the usual
//! precedence, `^` right-associative and tighter than unary minus (`-x^2` is `-(x^2)`, `x^-2`
//! is `x^(-2)`); no implicit multiplication; `pi` and `e`; calls of built-ins
//! (`exp ln log sqrt abs min max sin cos tan sinh cosh tanh asin acos atan asinh acosh atanh
//! erf`) and of definitions; derivatives `sigma''(x)` of one-argument functions;
//! `if x < 0 then a else b` (the `else` branch extends as far right as possible); vectors
//! `[a, b]` and matrices `[[1, 1], [-1, -1]]`. A `.tg` file has one statement per line:
//! `f(x, y) = body`, `c = value` or `claim lhs = rhs + O(|x|^k)` / `+ O(lambda^k)`, with `#`
//! comments. Bodies may use their parameters, earlier constants and functions, `pi` and `e`.
//!
//! # Limits
//!
//! Bad input gives an error in linear time, never a panic or a stack overflow:
//!
//! * at most [`MAX_INPUT_BYTES`] bytes and [`MAX_TOKENS`] tokens (checked before pest runs);
//! * brackets and `if`s nested at most [`MAX_DEPTH`] deep (checked by a linear scan before pest
//!   runs, since pest recurses once per level);
//! * the finished tree at most [`MAX_DEPTH`] deep: operator chains are measured while they are
//!   folded, and the fold stops as soon as a subtree gets too deep;
//! * decimal exponents at most [`MAX_EXPONENT`] in absolute value and literals at most
//!   [`MAX_LITERAL_DIGITS`] digits long (`x^(10^1000)` is fine: it is a tree of small literals);
//! * at most [`MAX_REPORTED_ERRORS`] errors are shown, the rest counted.
//!
//! ```
//! use taylorgate::expr::{BinOp, Definitions, Expr};
//! use taylorgate::parse::parse_expr;
//!
//! let e = parse_expr("-x^2", &Definitions::new()).unwrap();
//! let x2 = Expr::bin(BinOp::Pow, Expr::var("x"), Expr::int(2));
//! assert_eq!(e, -x2);
//! assert_eq!(e.to_string(), "-x^2");
//!
//! let err = parse_expr("tahn(x)", &Definitions::new()).unwrap_err();
//! assert!(err.to_string().contains("did you mean `tanh`?"));
//! ```

use crate::expr::{
    BinOp, Claim, ClaimOrder, CmpOp, Cond, Definitions, Expr, Func, Located, Origin, OriginBuilder,
    Program, Source, Statement,
};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;
use pest::error::{Error, ErrorVariant};
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::{Parser, Position, Span};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::LazyLock;
use thiserror::Error;

/// Longest accepted source text, in bytes.
pub const MAX_INPUT_BYTES: usize = 16 << 20;
/// Deepest accepted nesting of parentheses, brackets and operators.
pub const MAX_DEPTH: usize = 1000;
/// Most tokens (names, numbers, operators, brackets) accepted in one source text.
pub const MAX_TOKENS: usize = 1 << 20;
/// Largest accepted absolute value of the exponent of a decimal literal (`1e10000`).
pub const MAX_EXPONENT: u64 = 10_000;
/// Most digits accepted in one numeric literal.
pub const MAX_LITERAL_DIGITS: usize = 10_000;
/// Most errors reported in full; further errors are only counted.
pub const MAX_REPORTED_ERRORS: usize = 20;

mod grammar {
    // pest_derive generates a few helpers without doc comments.
    #![allow(missing_docs)]

    /// The pest parser generated from `grammar/taylorgate.pest`.
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/taylorgate.pest"]
    pub struct TgParser;
}

pub use grammar::{Rule, TgParser};

/// One or more errors in a source text, each with its line, column and a caret under the
/// offending text.
#[derive(Debug, Error)]
#[error("{}", self.render())]
pub struct ParseError {
    errors: Vec<Error<Rule>>,
    omitted: usize,
}

impl ParseError {
    /// The same errors, reported as coming from the file `path`.
    pub fn with_path(self, path: &str) -> ParseError {
        ParseError {
            errors: self.errors.into_iter().map(|e| e.with_path(path)).collect(),
            omitted: self.omitted,
        }
    }

    /// The errors reported in full, in source order of discovery.
    pub fn errors(&self) -> &[Error<Rule>] {
        &self.errors
    }

    /// How many errors there are in all (including those not reported in full).
    pub fn count(&self) -> usize {
        self.errors.len() + self.omitted
    }

    fn single(error: Error<Rule>) -> ParseError {
        ParseError {
            errors: vec![error],
            omitted: 0,
        }
    }

    fn render(&self) -> String {
        let mut parts: Vec<String> = self.errors.iter().map(render_error).collect();
        if self.omitted > 0 {
            parts.push(format!("... and {} more errors", self.omitted));
        }
        parts.join("\n")
    }
}

/// Longest source line shown in full in an error message; longer lines are cut around the
/// caret.
const MAX_SHOWN_LINE: usize = 200;

/// pest's own rendering, except that a very long line is cut to a window around the caret.
fn render_error(error: &Error<Rule>) -> String {
    if error.line().chars().count() <= MAX_SHOWN_LINE {
        return error.to_string();
    }
    let ((line, col), end_col) = match &error.line_col {
        pest::error::LineColLocation::Pos(lc) => (*lc, None),
        pest::error::LineColLocation::Span(s, e) => (*s, (s.0 == e.0).then_some(e.1)),
    };
    let first = col.saturating_sub(40).max(1);
    let window: String = error.line().chars().skip(first - 1).take(80).collect();
    let mut caret = " ".repeat(4 + col - first);
    let width = end_col.map_or(1, |e| e.saturating_sub(col).clamp(1, 80));
    caret.push_str(&"^".repeat(width));
    let path = error.path().map(|p| format!("{p}:")).unwrap_or_default();
    format!(
        " --> {path}{line}:{col}\n  |\n  | ...{window}...\n  |{caret}\n  |\n  = {}",
        error.variant.message()
    )
}

/// A semantic error at `span`.
fn custom(span: Span<'_>, message: String) -> Error<Rule> {
    Error::new_from_span(ErrorVariant::CustomError { message }, span)
}

/// A semantic error at byte `offset` of `src`.
fn custom_at(src: &str, offset: usize, message: String) -> Error<Rule> {
    let pos = Position::new(src, offset).unwrap_or_else(|| Position::from_start(src));
    Error::new_from_pos(ErrorVariant::CustomError { message }, pos)
}

/// How a rule is called in "expected ..." messages.
fn rule_name(rule: &Rule) -> String {
    let name = match rule {
        Rule::EOI => "end of input",
        Rule::expr => "expression",
        Rule::ident => "name",
        Rule::number => "number",
        Rule::integer => "integer",
        Rule::neg | Rule::sub => "`-`",
        Rule::add => "`+`",
        Rule::mul => "`*`",
        Rule::div => "`/`",
        Rule::pow => "`^`",
        Rule::primes => "`'`",
        Rule::cmp => "comparison (`<`, `<=`, `>`, `>=`)",
        Rule::kw_if | Rule::if_expr => "`if`",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::kw_claim | Rule::claim | Rule::sup_claim => "`claim`",
        Rule::kw_for => "`for`",
        Rule::var_range => "a range `|u| <= r` or `lo <= u <= hi`",
        Rule::pi => "`pi`",
        Rule::euler => "`e`",
        Rule::vector => "`[`",
        Rule::call => "function call",
        Rule::derivative => "derivative",
        Rule::cond => "condition",
        Rule::params => "parameter names",
        Rule::order => "order term `O(...)`",
        Rule::norm_order => "`|x|^k`",
        Rule::var_order => "`lambda^k`",
        Rule::function_def => "function definition",
        Rule::constant_def => "constant definition",
        other => return format!("{other:?}"),
    };
    name.to_string()
}

fn syntax_error(error: Error<Rule>) -> ParseError {
    ParseError::single(error.renamed_rules(rule_name))
}

/// Refuses, in one linear scan, text that is too long or nested too deeply for pest (which
/// recurses once per level of brackets or `if`s).
fn prescan(src: &str) -> Result<(), ParseError> {
    if src.len() > MAX_INPUT_BYTES {
        return Err(ParseError::single(custom_at(
            "",
            0,
            format!(
                "input too long: {} bytes (at most {MAX_INPUT_BYTES})",
                src.len()
            ),
        )));
    }
    let bytes = src.as_bytes();
    // Number of `if`s open at each level of brackets.
    let mut ifs: Vec<usize> = vec![0];
    let mut depth = 0usize;
    let mut tokens = 0usize;
    let mut i = 0;
    let too_deep = |i: usize| {
        ParseError::single(custom_at(
            src,
            i,
            format!("too deeply nested: more than {MAX_DEPTH} levels of brackets and `if`s"),
        ))
    };
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\n' | b'\r' => {
                ifs.clear();
                ifs.push(0);
                depth = 0;
                i += 1;
                continue;
            }
            b' ' | b'\t' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        tokens += 1;
        if tokens > MAX_TOKENS {
            return Err(ParseError::single(custom_at(
                src,
                i,
                format!("input too long: more than {MAX_TOKENS} tokens"),
            )));
        }
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
            {
                i += 1;
            }
            if &bytes[start..i] == b"if" {
                if let Some(n) = ifs.last_mut() {
                    *n += 1;
                }
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep(start));
                }
            }
            continue;
        }
        match b {
            b'(' | b'[' => {
                ifs.push(0);
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep(i));
                }
            }
            b')' | b']' if ifs.len() > 1 => {
                let open = ifs.pop().unwrap_or(0);
                depth = depth.saturating_sub(open + 1);
            }
            b',' => {
                if let Some(n) = ifs.last_mut() {
                    depth = depth.saturating_sub(*n);
                    *n = 0;
                }
            }
            _ => {}
        }
        i += src[i..].chars().next().map_or(1, char::len_utf8);
    }
    Ok(())
}

// Precedences as pest's `PrattParser` numbers them (each `.op` adds 10, starting from 10).
const PREC_ADD: u32 = 20;
const PREC_MUL: u32 = 30;
const PREC_NEG: u32 = 40;
const PREC_POW: u32 = 50;

/// The one place where operator precedence and associativity are defined.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::prefix(Rule::neg))
        .op(Op::infix(Rule::pow, Assoc::Right))
});

/// The binding power of an operator rule, as in [`PRATT`]: (left binding power, binding power
/// of the frame it opens).
fn binding(rule: Rule) -> Option<(u32, u32)> {
    match rule {
        Rule::add | Rule::sub => Some((PREC_ADD, PREC_ADD)),
        Rule::mul | Rule::div => Some((PREC_MUL, PREC_MUL)),
        Rule::neg => Some((0, PREC_NEG - 1)),
        Rule::pow => Some((PREC_POW, PREC_POW - 1)),
        _ => None,
    }
}

/// Parses and checks one expression (names resolved against `defs`; other bare names are free
/// variables).
///
/// ```
/// use taylorgate::expr::Definitions;
/// use taylorgate::parse::parse_expr;
///
/// let e = parse_expr("tanh''(0.5) + 2^3^2", &Definitions::new()).unwrap();
/// assert_eq!(e.to_string(), "tanh''(0.5) + 2^3^2");
/// ```
pub fn parse_expr(src: &str, defs: &Definitions) -> Result<Expr, ParseError> {
    parse_expr_located(src, defs).map(|(e, _)| e)
}

/// [`parse_expr`], with the origin of every node of the tree in `src` (for messages that
/// point at the node that failed).
///
/// ```
/// use taylorgate::parse::parse_expr_located;
/// let (e, origin) = parse_expr_located("x + ln(-1)", &taylorgate::Definitions::new()).unwrap();
/// assert_eq!(e.to_string(), "x + ln(-1)");
/// let root = origin.root().unwrap();
/// let call = origin.children(root, 2).unwrap()[1];
/// assert_eq!(origin.span(call), Some((4, 10)));
/// ```
pub fn parse_expr_located(src: &str, defs: &Definitions) -> Result<(Expr, Origin), ParseError> {
    prescan(src)?;
    let mut pairs = TgParser::parse(Rule::expression, src).map_err(syntax_error)?;
    let expr = pairs
        .next()
        .and_then(|p| p.into_inner().find(|p| p.as_rule() == Rule::expr))
        .ok_or_else(|| ParseError::single(custom_at(src, 0, "empty expression".into())))?;
    let mut checker = Checker::new(defs, usize::MAX);
    checker.free_vars = true;
    checker.check_expr(expr.clone(), 0);
    checker.finish()?;
    let source = std::sync::Arc::new(Source {
        path: None,
        text: src.to_string(),
    });
    lower_root(expr, &source).map_err(ParseError::single)
}

/// Parses and checks a `.tg` file: one statement per line, `#` comments.
///
/// ```
/// use taylorgate::expr::{Definitions, Statement};
/// use taylorgate::parse::parse_program;
///
/// let src = "g(t) = tanh(1 + t)  # shifted\nclaim g(x) = tanh(1) + O(x^1)\n";
/// let program = parse_program(src, &Definitions::new()).unwrap();
/// assert_eq!(program.statements.len(), 2);
/// assert_eq!(program.statements[1].line, 2);
/// assert!(matches!(program.statements[0].statement, Statement::Function { .. }));
/// ```
pub fn parse_program(src: &str, defs: &Definitions) -> Result<Program, ParseError> {
    prescan(src)?;
    let mut pairs = TgParser::parse(Rule::program, src).map_err(syntax_error)?;
    let statements: Vec<Pair<'_, Rule>> = pairs
        .next()
        .map(|p| {
            p.into_inner()
                .filter(|p| p.as_rule() != Rule::EOI)
                .collect()
        })
        .unwrap_or_default();
    // 1-based line of each statement, counted incrementally (pest's `line_col` rescans).
    let mut lines = Vec::with_capacity(statements.len());
    let (mut line, mut offset) = (1, 0);
    for st in &statements {
        let start = st.as_span().start();
        line += src.as_bytes()[offset..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        offset = start;
        lines.push(line);
    }

    let mut checker = Checker::new(defs, 0);
    checker.edges = vec![Vec::new(); statements.len()];
    for (index, st) in statements.iter().enumerate() {
        let Some((name, arity)) = definition_head(st) else {
            continue;
        };
        if Func::from_name(name.as_str()).is_some() {
            checker.error(
                name.as_span(),
                format!(
                    "`{}` is a built-in function and cannot be redefined",
                    name.as_str()
                ),
            );
        } else if let Some(previous) = checker.file.get(name.as_str()) {
            let message = format!(
                "`{}` is already defined on line {}",
                name.as_str(),
                previous.line
            );
            checker.error(name.as_span(), message);
        } else {
            checker.file.insert(
                name.as_str(),
                FileDef {
                    index,
                    line: lines[index],
                    arity,
                },
            );
        }
    }
    for (index, st) in statements.iter().enumerate() {
        checker.check_statement(index, st.clone());
    }
    checker.finish()?;

    let mut program = Program::default();
    let source = std::sync::Arc::new(Source {
        path: None,
        text: src.to_string(),
    });
    for (st, line) in statements.into_iter().zip(lines) {
        let (statement, origin) = lower_statement(st, &source).map_err(ParseError::single)?;
        program.statements.push(Located {
            line,
            statement,
            origin,
        });
    }
    Ok(program)
}

/// The name and arity (`None` for a constant) that a definition introduces.
fn definition_head<'i>(st: &Pair<'i, Rule>) -> Option<(Pair<'i, Rule>, Option<usize>)> {
    let mut inner = st.clone().into_inner();
    match st.as_rule() {
        Rule::function_def => {
            let name = inner.next()?;
            let params = inner.next()?;
            Some((name, Some(params.into_inner().count())))
        }
        Rule::constant_def => Some((inner.next()?, None)),
        _ => None,
    }
}

/// A definition made earlier or later in the same file.
struct FileDef {
    /// Index of the statement.
    index: usize,
    /// 1-based line.
    line: usize,
    /// Number of parameters; `None` for a constant.
    arity: Option<usize>,
}

/// How a name is used.
#[derive(Clone, Copy)]
enum Use {
    /// A bare name `x`.
    Bare,
    /// A call with this many arguments.
    Call(usize),
    /// A derivative `f'(...)` with this many arguments.
    Deriv(usize),
}

/// The checking pass: walks the pairs, collects every error.
struct Checker<'a, 'i> {
    defs: &'a Definitions,
    /// Definitions of the file being checked (first definition of each name).
    file: HashMap<&'i str, FileDef>,
    /// Index of the statement being checked (`usize::MAX` for a lone expression).
    current: usize,
    /// Name defined by the statement being checked.
    current_name: Option<&'i str>,
    /// Parameters of the function being checked.
    params: Vec<&'i str>,
    /// Whether unknown bare names are free variables (expressions and claims).
    free_vars: bool,
    errors: Vec<Error<Rule>>,
    omitted: usize,
    /// `edges[i]`: statements that statement `i` refers to.
    edges: Vec<Vec<usize>>,
    /// References to later definitions: (from, to, where).
    forward: Vec<(usize, usize, Span<'i>)>,
}

impl<'a, 'i> Checker<'a, 'i> {
    fn new(defs: &'a Definitions, current: usize) -> Self {
        Checker {
            defs,
            file: HashMap::new(),
            current,
            current_name: None,
            params: Vec::new(),
            free_vars: false,
            errors: Vec::new(),
            omitted: 0,
            edges: Vec::new(),
            forward: Vec::new(),
        }
    }

    fn error(&mut self, span: Span<'_>, message: String) {
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(custom(span, message));
        } else {
            self.omitted += 1;
        }
    }

    /// Reports the deferred references to later definitions, then all errors, if any.
    fn finish(mut self) -> Result<(), ParseError> {
        for (from, to, span) in std::mem::take(&mut self.forward) {
            if self.errors.len() >= MAX_REPORTED_ERRORS {
                self.omitted += 1;
                continue;
            }
            let name = span.as_str();
            let message = match self.cycle(to, from) {
                Some(path) => format!("recursive definition: {}", path.join(" -> ")),
                None => {
                    let line = self.file.get(name).map_or(0, |d| d.line);
                    format!("`{name}` is used before its definition on line {line}")
                }
            };
            self.error(span, message);
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ParseError {
                errors: self.errors,
                omitted: self.omitted,
            })
        }
    }

    /// A path of names `from -> ... -> from` through `to`, if `to` reaches `from`.
    fn cycle(&self, to: usize, from: usize) -> Option<Vec<String>> {
        let mut parent: HashMap<usize, usize> = HashMap::new();
        let mut queue = VecDeque::from([to]);
        parent.insert(to, usize::MAX);
        while let Some(node) = queue.pop_front() {
            if node == from {
                let mut path = vec![node];
                let mut at = node;
                while let Some(&p) = parent.get(&at) {
                    if p == usize::MAX {
                        break;
                    }
                    path.push(p);
                    at = p;
                }
                path.push(from);
                path.reverse();
                let names: HashMap<usize, &str> =
                    self.file.iter().map(|(n, d)| (d.index, *n)).collect();
                return Some(
                    path.iter()
                        .map(|i| format!("`{}`", names.get(i).copied().unwrap_or("?")))
                        .collect(),
                );
            }
            for &next in self.edges.get(node).into_iter().flatten() {
                if let std::collections::hash_map::Entry::Vacant(v) = parent.entry(next) {
                    v.insert(node);
                    queue.push_back(next);
                }
            }
        }
        None
    }

    fn check_statement(&mut self, index: usize, st: Pair<'i, Rule>) {
        self.current = index;
        self.params.clear();
        self.current_name = None;
        self.free_vars = false;
        let rule = st.as_rule();
        let mut inner = st.into_inner();
        match rule {
            Rule::function_def => {
                let (Some(name), Some(params), Some(body)) =
                    (inner.next(), inner.next(), inner.next())
                else {
                    return;
                };
                self.current_name = Some(name.as_str());
                for p in params.into_inner() {
                    let param = p.as_str();
                    if self.params.contains(&param) {
                        self.error(p.as_span(), format!("duplicate parameter `{param}`"));
                    } else if Func::from_name(param).is_some() {
                        self.error(
                            p.as_span(),
                            format!("`{param}` is a built-in function, not a parameter name"),
                        );
                    }
                    self.params.push(param);
                }
                self.check_expr(body, 0);
            }
            Rule::constant_def => {
                let (Some(name), Some(value)) = (inner.next(), inner.next()) else {
                    return;
                };
                self.current_name = Some(name.as_str());
                self.check_expr(value, 0);
            }
            Rule::sup_claim => {
                self.free_vars = true;
                for p in inner {
                    match p.as_rule() {
                        Rule::expr => self.check_expr(p, 0),
                        Rule::var_range => {
                            for e in p.into_inner().filter(|e| e.as_rule() == Rule::expr) {
                                self.check_expr(e, 0);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Rule::claim => {
                self.free_vars = true;
                for p in inner {
                    match p.as_rule() {
                        Rule::expr => self.check_expr(p, 0),
                        Rule::order => {
                            for part in p.into_inner().flat_map(|o| o.into_inner()) {
                                let max = crate::prove::MAX_TARGET;
                                if part.as_rule() == Rule::integer
                                    && !matches!(part.as_str().parse::<i64>(), Ok(k) if k <= max)
                                {
                                    self.error(
                                        part.as_span(),
                                        format!(
                                            "order `{}` is too large (claims go up to weight {max})",
                                            part.as_str()
                                        ),
                                    );
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// Checks an `expr` whose value sits `ctx` levels deep in the final tree.
    fn check_expr(&mut self, expr: Pair<'i, Rule>, ctx: usize) {
        // Simulate the Pratt parser's stack of open frames: its height above an operand is the
        // number of operators above it in the tree, and the recursion depth of the fold.
        let mut frames: Vec<u32> = vec![0];
        for p in expr.into_inner() {
            match binding(p.as_rule()) {
                Some((0, opens)) => frames.push(opens),
                Some((left, opens)) => {
                    while frames.len() > 1 && frames.last().is_some_and(|&f| f >= left) {
                        frames.pop();
                    }
                    frames.push(opens);
                }
                None => {
                    let depth = ctx + frames.len() - 1;
                    if depth >= MAX_DEPTH {
                        self.error(
                            p.as_span(),
                            format!("expression too deeply nested (more than {MAX_DEPTH} levels)"),
                        );
                        return;
                    }
                    self.check_primary(p, depth);
                }
            }
        }
    }

    /// Checks an operand at depth `depth` (its children sit at `depth + 1`).
    fn check_primary(&mut self, p: Pair<'i, Rule>, depth: usize) {
        match p.as_rule() {
            Rule::expr => self.check_expr(p, depth),
            Rule::number => self.check_number(p),
            Rule::ident => self.reference(p.as_span(), Use::Bare),
            Rule::call | Rule::derivative => {
                let is_deriv = p.as_rule() == Rule::derivative;
                let mut inner = p.into_inner();
                let Some(name) = inner.next() else { return };
                let args: Vec<Pair<'i, Rule>> =
                    inner.filter(|a| a.as_rule() == Rule::expr).collect();
                let usage = if is_deriv {
                    Use::Deriv(args.len())
                } else {
                    Use::Call(args.len())
                };
                self.reference(name.as_span(), usage);
                for a in args {
                    self.check_expr(a, depth + 1);
                }
            }
            Rule::vector | Rule::if_expr | Rule::cond => {
                for child in p.into_inner() {
                    match child.as_rule() {
                        Rule::expr => self.check_expr(child, depth + 1),
                        Rule::cond => self.check_primary(child, depth),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    fn check_number(&mut self, p: Pair<'i, Rule>) {
        if let Err(message) = number_value(p.as_str()) {
            self.error(p.as_span(), message);
        }
    }

    /// Checks one use of a name.
    fn reference(&mut self, span: Span<'i>, usage: Use) {
        let name = span.as_str();
        if let Use::Deriv(n) = usage {
            if n != 1 {
                self.error(
                    span,
                    format!("a derivative `{name}'(...)` takes exactly one argument, got {n}"),
                );
                return;
            }
        }
        if self.params.contains(&name) {
            if !matches!(usage, Use::Bare) {
                self.error(span, format!("`{name}` is a parameter, not a function"));
            }
            return;
        }
        if let Some(func) = Func::from_name(name) {
            match usage {
                Use::Bare => self.error(
                    span,
                    format!("`{name}` is a built-in function; call it as `{name}(...)`"),
                ),
                Use::Call(_) | Use::Deriv(_) => self.check_arity(span, Some(func.arity()), usage),
            }
            return;
        }
        if let Some(def) = self.file.get(name) {
            let (index, arity) = (def.index, def.arity);
            if index == self.current {
                self.error(
                    span,
                    format!("recursive definition: `{name}` refers to itself"),
                );
                return;
            }
            if index < self.current || !self.defs.contains(name) {
                if self.current < self.edges.len() {
                    self.edges[self.current].push(index);
                }
                if index > self.current {
                    self.forward.push((self.current, index, span));
                }
                self.check_arity(span, arity, usage);
                return;
            }
        }
        if let Some(f) = self.defs.function(name) {
            self.check_arity(span, Some(f.params.len()), usage);
            return;
        }
        if self.defs.constant(name).is_some() {
            self.check_arity(span, None, usage);
            return;
        }
        match usage {
            Use::Bare if self.free_vars => {}
            Use::Bare => {
                let candidates: Vec<&str> = self
                    .params
                    .iter()
                    .copied()
                    .chain(self.file_names(false))
                    .chain(self.defs.constant_names())
                    .collect();
                let within = self.current_name.unwrap_or("this definition");
                let message = format!(
                    "unknown name `{name}` in the definition of `{within}`{}",
                    suggestion(name, candidates)
                );
                self.error(span, message);
            }
            Use::Call(_) | Use::Deriv(_) => {
                let candidates: Vec<&str> = Func::ALL
                    .iter()
                    .map(|f| f.name())
                    .chain(["log"])
                    .chain(self.defs.function_names())
                    .chain(self.file_names(true))
                    .collect();
                let message = format!("unknown function `{name}`{}", suggestion(name, candidates));
                self.error(span, message);
            }
        }
    }

    /// Names of functions (or constants) defined earlier in the file.
    fn file_names(&self, functions: bool) -> impl Iterator<Item = &'i str> + '_ {
        self.file
            .iter()
            .filter(move |(_, d)| d.index < self.current && d.arity.is_some() == functions)
            .map(|(n, _)| *n)
    }

    /// Checks that a name of `arity` (`None` for a constant) fits its use.
    fn check_arity(&mut self, span: Span<'i>, arity: Option<usize>, usage: Use) {
        let name = span.as_str();
        match (arity, usage) {
            (None, Use::Bare) => {}
            (None, _) => self.error(span, format!("`{name}` is a constant, not a function")),
            (Some(_), Use::Bare) => self.error(
                span,
                format!("`{name}` is a function; call it as `{name}(...)`"),
            ),
            (Some(a), Use::Call(n)) if a != n => self.error(
                span,
                format!("`{name}` takes {a} argument{}, got {n}", plural(a)),
            ),
            (Some(a), Use::Deriv(_)) if a != 1 => self.error(
                span,
                format!(
                    "`{name}` takes {a} arguments; only one-argument functions have derivatives"
                ),
            ),
            _ => {}
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `"; did you mean `x`?"` for the closest candidate, if it is close enough (ties go to the
/// candidate of the same length: `tahn` suggests `tanh`, not `tan`).
fn suggestion<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    let limit = if name.chars().count() <= 3 { 1 } else { 2 };
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (edit_distance(name, c), c.len().abs_diff(name.len()), c))
        .filter(|&(d, _, _)| d <= limit)
        .min()
        .map(|(_, _, c)| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

/// Optimal string alignment distance (Levenshtein with adjacent transpositions).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 2 {
        return usize::MAX;
    }
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The exact value of a decimal literal such as `2.5E+4`, or why it is refused.
fn number_value(text: &str) -> Result<BigRational, String> {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, "0"),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.len() + frac.len() > MAX_LITERAL_DIGITS {
        return Err(format!(
            "number literal too long (more than {MAX_LITERAL_DIGITS} digits)"
        ));
    }
    let (negative, digits) = match exponent.as_bytes().first() {
        Some(b'-') => (true, &exponent[1..]),
        Some(b'+') => (false, &exponent[1..]),
        _ => (false, exponent),
    };
    let digits = digits.trim_start_matches('0');
    let magnitude = match digits.parse::<u64>() {
        _ if digits.is_empty() => 0,
        Ok(m) if m <= MAX_EXPONENT => m,
        _ => {
            return Err(format!(
                "exponent of `{text}` too large (at most {MAX_EXPONENT} in absolute value)"
            ))
        }
    };
    let shift = if negative {
        -(magnitude as i64)
    } else {
        magnitude as i64
    } - frac.len() as i64;
    let all_digits = format!("{int}{frac}");
    let n: BigInt = all_digits
        .parse()
        .map_err(|_| format!("malformed number `{text}`"))?;
    let power = num_traits::pow(BigInt::from(10), shift.unsigned_abs() as usize);
    Ok(if shift >= 0 {
        BigRational::from_integer(n * power)
    } else {
        BigRational::new(n, power)
    })
}

// ---------------------------------------------------------------- lowering

/// A lowered tree, its depth and its extent in the source (parentheses included).
type Lowered = Result<(Expr, usize, (usize, usize)), Error<Rule>>;

/// The origin table of the tree being lowered (see [`OriginBuilder`]).
type Rec = std::cell::RefCell<OriginBuilder>;

fn internal(span: Span<'_>) -> Error<Rule> {
    custom(span, "internal error: unexpected syntax tree".to_string())
}

fn deeper(depth: usize, span: Span<'_>) -> Result<usize, Error<Rule>> {
    if depth > MAX_DEPTH {
        Err(custom(
            span,
            format!("expression too deeply nested or too long (more than {MAX_DEPTH} levels)"),
        ))
    } else {
        Ok(depth)
    }
}

/// Lowers a checked `expr`, returning the tree, its depth and its extent; each node is
/// recorded in `rec` as it is finished (post-order).
fn lower_expr(expr: Pair<'_, Rule>, rec: &Rec) -> Lowered {
    PRATT
        .map_primary(|p| lower_primary(p, rec))
        .map_prefix(|op, rhs| {
            let (e, d, (_, end)) = rhs?;
            let extent = (op.as_span().start(), end);
            rec.borrow_mut().push(extent.0, extent.1, 1);
            Ok((Expr::Neg(Box::new(e)), deeper(d + 1, op.as_span())?, extent))
        })
        .map_infix(|lhs, op, rhs| {
            let (a, da, (start, _)) = lhs?;
            let (b, db, (_, end)) = rhs?;
            let bin = match op.as_rule() {
                Rule::add => BinOp::Add,
                Rule::sub => BinOp::Sub,
                Rule::mul => BinOp::Mul,
                Rule::div => BinOp::Div,
                Rule::pow => BinOp::Pow,
                _ => return Err(internal(op.as_span())),
            };
            let depth = deeper(da.max(db) + 1, op.as_span())?;
            rec.borrow_mut().push(start, end, 2);
            Ok((Expr::bin(bin, a, b), depth, (start, end)))
        })
        .parse(expr.into_inner())
}

/// The tree of a lone `expr` (a definition's body, a side of a claim) and its origin table.
fn lower_root(
    expr: Pair<'_, Rule>,
    source: &std::sync::Arc<Source>,
) -> Result<(Expr, Origin), Error<Rule>> {
    let rec = Rec::default();
    let (e, _, _) = lower_expr(expr, &rec)?;
    Ok((e, rec.into_inner().finish(source.clone())))
}

fn lower_all<'i>(
    pairs: impl Iterator<Item = Pair<'i, Rule>>,
    rec: &Rec,
) -> Result<(Vec<Expr>, usize), Error<Rule>> {
    let mut items = Vec::new();
    let mut depth = 0;
    for p in pairs.filter(|p| p.as_rule() == Rule::expr) {
        let (e, d, _) = lower_expr(p, rec)?;
        items.push(e);
        depth = depth.max(d);
    }
    Ok((items, depth))
}

/// The extent of a parenthesised `inner`: the brackets around it included.
fn parenthesised(inner: Span<'_>) -> (usize, usize) {
    let src = inner.get_input();
    let before = src[..inner.start()].trim_end();
    let after = &src[inner.end()..];
    let trimmed = after.trim_start();
    match (before.strip_suffix('('), trimmed.strip_prefix(')')) {
        (Some(b), Some(_)) => (b.len(), inner.end() + (after.len() - trimmed.len()) + 1),
        _ => (inner.start(), inner.end()),
    }
}

fn lower_primary(p: Pair<'_, Rule>, rec: &Rec) -> Lowered {
    let span = p.as_span();
    let extent = (span.start(), span.end());
    let leaf = |e: Expr| {
        rec.borrow_mut().push(extent.0, extent.1, 0);
        Ok((e, 1, extent))
    };
    match p.as_rule() {
        Rule::expr => {
            let (e, d, _) = lower_expr(p, rec)?;
            Ok((e, d, parenthesised(span)))
        }
        Rule::number => match number_value(p.as_str()) {
            Ok(q) => leaf(Expr::Num(q)),
            Err(m) => Err(custom(span, m)),
        },
        Rule::pi => leaf(Expr::Pi),
        Rule::euler => leaf(Expr::E),
        Rule::ident => leaf(Expr::Var(p.as_str().to_string())),
        Rule::vector => {
            let (items, d) = lower_all(p.into_inner(), rec)?;
            rec.borrow_mut().push(extent.0, extent.1, items.len());
            Ok((Expr::Vector(items), deeper(d + 1, span)?, extent))
        }
        Rule::call => {
            let mut inner = p.into_inner();
            let name = inner.next().ok_or_else(|| internal(span))?.as_str();
            let (args, d) = lower_all(inner, rec)?;
            rec.borrow_mut().push(extent.0, extent.1, args.len());
            let e = match Func::from_name(name) {
                Some(f) => Expr::Call(f, args),
                None => Expr::Apply(name.to_string(), args),
            };
            Ok((e, deeper(d + 1, span)?, extent))
        }
        Rule::derivative => {
            let mut inner = p.into_inner();
            let name = inner.next().ok_or_else(|| internal(span))?.as_str();
            let primes = inner.next().ok_or_else(|| internal(span))?;
            let order = u32::try_from(primes.as_str().len()).map_err(|_| internal(span))?;
            let (mut args, d) = lower_all(inner, rec)?;
            let arg = args.pop().ok_or_else(|| internal(span))?;
            if !args.is_empty() {
                return Err(internal(span));
            }
            rec.borrow_mut().push(extent.0, extent.1, 1);
            let name = match Func::from_name(name) {
                Some(f) => f.name().to_string(),
                None => name.to_string(),
            };
            Ok((
                Expr::Deriv(name, order, Box::new(arg)),
                deeper(d + 1, span)?,
                extent,
            ))
        }
        Rule::if_expr => {
            let mut cond = None;
            let mut branches = Vec::new();
            let mut depth = 0;
            for child in p.into_inner() {
                match child.as_rule() {
                    Rule::cond => {
                        let (c, d) = lower_cond(child, rec)?;
                        depth = depth.max(d);
                        cond = Some(c);
                    }
                    Rule::expr => {
                        let (e, d, _) = lower_expr(child, rec)?;
                        depth = depth.max(d);
                        branches.push(e);
                    }
                    _ => {}
                }
            }
            let (Some(cond), Some(b), Some(a), None) =
                (cond, branches.pop(), branches.pop(), branches.pop())
            else {
                return Err(internal(span));
            };
            rec.borrow_mut().push(extent.0, extent.1, 4);
            let e = Expr::If(Box::new(cond), Box::new(a), Box::new(b));
            Ok((e, deeper(depth + 1, span)?, extent))
        }
        _ => Err(internal(span)),
    }
}

fn lower_cond(p: Pair<'_, Rule>, rec: &Rec) -> Result<(Cond, usize), Error<Rule>> {
    let span = p.as_span();
    let mut inner = p.into_inner();
    let (Some(l), Some(op), Some(r)) = (inner.next(), inner.next(), inner.next()) else {
        return Err(internal(span));
    };
    let op = match op.as_str() {
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::Ge,
        _ => return Err(internal(span)),
    };
    let (lhs, dl, _) = lower_expr(l, rec)?;
    let (rhs, dr, _) = lower_expr(r, rec)?;
    Ok((Cond { lhs, op, rhs }, dl.max(dr)))
}

/// A statement, with the origin of a definition's body or a constant's value.
fn lower_statement(
    st: Pair<'_, Rule>,
    source: &std::sync::Arc<Source>,
) -> Result<(Statement, Option<Origin>), Error<Rule>> {
    let rec = Rec::default();
    let lower_expr = |p| lower_expr(p, &rec);
    let span = st.as_span();
    let rule = st.as_rule();
    let mut inner = st.into_inner();
    match rule {
        Rule::function_def => {
            let (Some(name), Some(params), Some(body)) = (inner.next(), inner.next(), inner.next())
            else {
                return Err(internal(span));
            };
            let (body, origin) = lower_root(body, source)?;
            let statement = Statement::Function {
                name: name.as_str().to_string(),
                params: params
                    .into_inner()
                    .map(|p| p.as_str().to_string())
                    .collect(),
                body,
            };
            Ok((statement, Some(origin)))
        }
        Rule::constant_def => {
            let (Some(name), Some(value)) = (inner.next(), inner.next()) else {
                return Err(internal(span));
            };
            let (value, origin) = lower_root(value, source)?;
            let statement = Statement::Constant {
                name: name.as_str().to_string(),
                value,
            };
            Ok((statement, Some(origin)))
        }
        Rule::claim => {
            let mut sides = Vec::new();
            let mut order = None;
            for p in inner {
                match p.as_rule() {
                    Rule::expr => sides.push(lower_expr(p)?.0),
                    Rule::order => order = Some(lower_order(p)?),
                    _ => {}
                }
            }
            let order = order.ok_or_else(|| internal(span))?;
            let mut sides = sides.into_iter();
            let lhs = sides.next().ok_or_else(|| internal(span))?;
            let rhs = sides
                .next()
                .unwrap_or_else(|| Expr::Num(BigRational::zero()));
            Ok((Statement::Claim(Claim { lhs, rhs, order }), None))
        }
        Rule::sup_claim => {
            let mut exprs = Vec::new();
            let mut ranges = Vec::new();
            for p in inner {
                match p.as_rule() {
                    Rule::expr => exprs.push(lower_expr(p)?.0),
                    Rule::var_range => {
                        let mut name = None;
                        let mut ends = Vec::new();
                        for q in p.into_inner() {
                            match q.as_rule() {
                                Rule::ident => name = Some(q.as_str().to_string()),
                                Rule::expr => ends.push(lower_expr(q)?.0),
                                _ => {}
                            }
                        }
                        let name = name.ok_or_else(|| internal(span))?;
                        let mut ends = ends.into_iter();
                        let (lo, hi) = match (ends.next(), ends.next()) {
                            (Some(r), None) => (Expr::Neg(Box::new(r.clone())), r),
                            (Some(lo), Some(hi)) => (lo, hi),
                            _ => return Err(internal(span)),
                        };
                        ranges.push((name, lo, hi));
                    }
                    _ => {}
                }
            }
            let mut exprs = exprs.into_iter();
            let (Some(expr), Some(bound)) = (exprs.next(), exprs.next()) else {
                return Err(internal(span));
            };
            let claim = crate::expr::SupClaim {
                expr,
                bound,
                ranges,
            };
            Ok((Statement::SupClaim(claim), None))
        }
        _ => Err(internal(span)),
    }
}

fn lower_order(p: Pair<'_, Rule>) -> Result<ClaimOrder, Error<Rule>> {
    let span = p.as_span();
    let kind = p.into_inner().next().ok_or_else(|| internal(span))?;
    let rule = kind.as_rule();
    let mut inner = kind.into_inner();
    let name = inner
        .next()
        .ok_or_else(|| internal(span))?
        .as_str()
        .to_string();
    let k = match inner.next() {
        Some(k) => k.as_str().parse::<u32>().map_err(|_| internal(span))?,
        None => 1,
    };
    match rule {
        Rule::norm_order => Ok(ClaimOrder::Norm { norm_name: name, k }),
        Rule::var_order => Ok(ClaimOrder::Var { var: name, k }),
        _ => Err(internal(span)),
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&rule_name(self))
    }
}
