//! The structured document every format is rendered from.

use crate::expr::Expr;
use crate::number::Const;

/// A piece of mathematics in its two spellings: plain text (the language's syntax or Unicode
/// symbols) and LaTeX (the subset KaTeX and MathJax accept).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Math {
    /// The text form, e.g. `σ''(b)` or `1/12*u^3*v`.
    pub text: String,
    /// The LaTeX form, e.g. `\sigma''(b)`.
    pub latex: String,
}

impl Math {
    /// A piece with both spellings given.
    pub fn new(text: impl Into<String>, latex: impl Into<String>) -> Math {
        Math {
            text: text.into(),
            latex: latex.into(),
        }
    }

    /// The same spelling in text and LaTeX (digits, single letters).
    pub fn same(s: impl Into<String>) -> Math {
        let s = s.into();
        Math {
            text: s.clone(),
            latex: s,
        }
    }

    /// An exact constant, through the language's printers.
    pub fn konst(c: &Const) -> Math {
        Math::expr(&c.to_expr())
    }

    /// An expression, through the language's printers.
    pub fn expr(e: &Expr) -> Math {
        Math::new(e.to_string(), e.to_latex())
    }

    /// Concatenation of pieces (text and LaTeX side by side).
    pub fn join(parts: &[Math], text_sep: &str, latex_sep: &str) -> Math {
        Math {
            text: parts
                .iter()
                .map(|m| m.text.as_str())
                .collect::<Vec<_>>()
                .join(text_sep),
            latex: parts
                .iter()
                .map(|m| m.latex.as_str())
                .collect::<Vec<_>>()
                .join(latex_sep),
        }
    }

    /// `self` followed by `other`.
    pub fn then(&self, text: &str, latex: &str) -> Math {
        Math::new(
            format!("{}{text}", self.text),
            format!("{}{latex}", self.latex),
        )
    }
}

/// Prose: words and inline mathematics.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    /// Words (never mathematics: no `$`, no TeX).
    Text(String),
    /// Inline mathematics.
    Math(Math),
}

/// One row of a displayed equation: `lhs rel rhs`, where `rhs` is a list of pieces that may
/// be broken onto several lines between pieces (each piece after the first starts with its
/// operator, `+ ...` or `- ...`).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Left-hand side (may be empty: a continued chain `= ...`).
    pub lhs: Math,
    /// The relation: `=`, `\le`, ...
    pub rel: Math,
    /// The right-hand side, in breakable pieces.
    pub rhs: Vec<Math>,
}

impl Row {
    /// `lhs = rhs` with one unbreakable right-hand side.
    pub fn eq(lhs: Math, rhs: Math) -> Row {
        Row {
            lhs,
            rel: Math::same("="),
            rhs: vec![rhs],
        }
    }

    /// `lhs = p1 p2 ...` with breakable pieces.
    pub fn eq_pieces(lhs: Math, rhs: Vec<Math>) -> Row {
        Row {
            lhs,
            rel: Math::same("="),
            rhs,
        }
    }

    /// `lhs REL rhs` for any relation.
    pub fn rel(lhs: Math, rel: Math, rhs: Vec<Math>) -> Row {
        Row { lhs, rel, rhs }
    }
}

/// A paragraph, a display, or a list.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A paragraph of prose.
    Para(Vec<Inline>),
    /// Displayed equations, aligned at their relations.
    Display(Vec<Row>),
    /// A bulleted list of short paragraphs.
    List(Vec<Vec<Inline>>),
}

/// A numbered section.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// Its heading (prose, may hold inline mathematics).
    pub heading: Vec<Inline>,
    /// Its content.
    pub blocks: Vec<Block>,
}

/// A whole derivation or report.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// Title (prose with inline mathematics).
    pub title: Vec<Inline>,
    /// Paragraphs before the first section.
    pub intro: Vec<Block>,
    /// The sections, numbered in order.
    pub sections: Vec<Section>,
    /// The language the words are in (`en`, `pt`), for the document's metadata.
    pub lang: &'static str,
}

/// Builds prose from a template: `{}` takes the next of `args`, `{name}` a symbol of
/// [`symbol`] (`{sigma}`, `{lambda}`, `{b}`, ...). Everything else is words.
pub fn fill(template: &str, args: &[Math]) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = template;
    let mut next = args.iter();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            out.push(Inline::Text(rest[..open].to_string()));
        }
        let name = &rest[open + 1..close];
        let m = if name.is_empty() {
            next.next().cloned().unwrap_or_default()
        } else {
            symbol(name)
        };
        out.push(Inline::Math(m));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Inline::Text(rest.to_string()));
    }
    out
}

/// The symbols templates may name.
///
/// # Panics
/// On a name that is not in the table (a typo in a message table; the tests render every
/// message).
pub fn symbol(name: &str) -> Math {
    let (t, l) = match name {
        "sigma" => ("σ", r"\sigma"),
        "lambda" => ("λ", r"\lambda"),
        "epsilon" => ("ε", r"\varepsilon"),
        "alpha" => ("α", r"\alpha"),
        "xi" => ("ξ", r"\xi"),
        "b" => ("b", "b"),
        "n" => ("n", "n"),
        "k" => ("k", "k"),
        "m" => ("m", "m"),
        "r" => ("r", "r"),
        "R" => ("R", "R"),
        "s" => ("s", "s"),
        "t" => ("t", "t"),
        "x" => ("x", "x"),
        "u" => ("u", "u"),
        "v" => ("v", "v"),
        "d" => ("d", "d"),
        "j" => ("j", "j"),
        "K" => ("K", "K"),
        "k_eq_0" => ("k = 0", "k = 0"),
        "n_plus_2" => ("n + 2", "n + 2"),
        "ck" => ("c_k", "c_k"),
        "Ad" => ("A_d", "A_d"),
        "Mm" => ("M_m", "M_m"),
        "Sm" => ("S_m", "S_m"),
        "sx" => ("s·x", r"s\cdot x"),
        "A1" => ("A1", "A_1"),
        "A2" => ("A2", "A_2"),
        "b1" => ("b1", "b_1"),
        "alpha_fact" => ("α! = α_1!⋯α_n!", r"\alpha! = \alpha_1!\cdots\alpha_n!"),
        "x_alpha" => ("x^α", r"x^\alpha"),
        "abs_alpha" => ("|α|", r"|\alpha|"),
        "norm_x" => (
            "|x| = (x_1^2 + ⋯ + x_n^2)^(1/2)",
            r"|x| = \sqrt{x_1^2 + \cdots + x_n^2}",
        ),
        "inf_norm" => ("|x|_∞ = max_i |x_i|", r"|x|_\infty = \max_i |x_i|"),
        "lambda_to_0" => ("λ → 0", r"\lambda \to 0"),
        "lambda_to_inf" => ("λ → ∞", r"\lambda \to \infty"),
        "u_eq_minus_v" => ("u = -v", "u = -v"),
        "layer" => ("x ↦ σ(A x + b)", r"x \mapsto \sigma(Ax + b)"),
        "sx_def" => (
            "s·x = s_1 x_1 + ⋯ + s_n x_n",
            r"s\cdot x = s_1 x_1 + \cdots + s_n x_n",
        ),
        "A2s" => ("A2_s", "A_{2,s}"),
        "neuron_series" => (
            "σ(b + s·x) = Σ_k c_k (s·x)^k",
            r"\sigma(b + s\cdot x) = \sum_k c_k\, (s\cdot x)^k",
        ),
        "alpha_i" => ("α_i", r"\alpha_i"),
        "sigma_b" => ("σ(b)", r"\sigma(b)"),
        "abs_alpha_ge_n" => ("|α| ≥ n", r"|\alpha| \ge n"),
        "coef_alpha" => (
            "c_|α| |α|! / (α! σ^(n)(b))",
            r"\frac{c_{|\alpha|}\, |\alpha|!}{\alpha!\, \sigma^{(n)}(b)}",
        ),
        "big_o_k" => ("O(|x|^k)", r"O(|x|^k)"),
        "xi_between" => ("ξ ∈ [b, b + t]", r"\xi \in [b, b + t]"),
        "lambda_n" => ("λ^n", r"\lambda^n"),
        "m_eq_n" => ("m = n", "m = n"),
        "pm_pairs" => ("±(u+v), ±(u-v)", r"\pm(u+v),\ \pm(u-v)"),
        "even_sum" => ("σ(b+t) + σ(b-t)", r"\sigma(b+t) + \sigma(b-t)"),
        "abs_xi_le_R" => ("|x_i| ≤ R", r"|x_i| \le R"),
        "b_plus_sy" => ("b + s·y", r"b + s\cdot y"),
        "b_plus_sx" => ("b + s·x", r"b + s\cdot x"),
        "uv" => ("uv", "uv"),
        _ => panic!("unknown symbol `{name}` in a message template"),
    };
    Math::new(t, l)
}

/// A plain-words inline.
pub fn words(s: impl Into<String>) -> Vec<Inline> {
    vec![Inline::Text(s.into())]
}
