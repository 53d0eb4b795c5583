//! One document, three renderings: plain text, Markdown (KaTeX/MathJax math), LaTeX.

use super::doc::{Block, Document, Inline, Math, Row};
use super::lang::Lang;
use super::names::Namer;
use crate::choice::Choice;

crate::choice::choice_enum! {
    /// The formats a document renders to.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    pub enum Format {
        /// Plain text with Unicode symbols.
        #[default]
        Text = "text",
        /// Markdown with `$...$` and `$$...$$` mathematics.
        Markdown = "markdown",
        /// LaTeX (a fragment, or a whole document with `standalone`).
        Latex = "latex",
    }
}

/// How to render.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    /// The format.
    pub format: Format,
    /// LaTeX only: a complete document (`\documentclass` ... `\end{document}`).
    pub standalone: bool,
}

/// Renders a document.
pub fn render(doc: &Document, options: &RenderOptions) -> String {
    match options.format {
        Format::Text => text(doc),
        Format::Markdown => markdown(doc),
        Format::Latex => latex(doc, options.standalone),
    }
}

// ------------------------------------------------------------------------------------ text

const TEXT_WIDTH: usize = 92;

/// Prose as plain text: words as they are, mathematics in its text spelling.
pub(crate) fn text_inlines(p: &[Inline]) -> String {
    p.iter()
        .map(|i| match i {
            Inline::Text(t) => t.clone(),
            Inline::Math(m) => m.text.clone(),
        })
        .collect()
}

/// Greedy word wrap with an indent.
fn wrap(s: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty()
            && indent.len() + line.chars().count() + 1 + word.chars().count() > width
        {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn text_rows(rows: &[Row], indent: &str) -> String {
    let width = rows
        .iter()
        .map(|r| r.lhs.text.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for r in rows {
        let pad = width - r.lhs.text.chars().count();
        let rhs = r
            .rhs
            .iter()
            .map(|m| m.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        out.push_str(&format!(
            "{indent}{}{} {} {rhs}\n",
            r.lhs.text,
            " ".repeat(pad),
            r.rel.text
        ));
    }
    out
}

fn text_blocks(blocks: &[Block], indent: &str, out: &mut String) {
    for b in blocks {
        match b {
            Block::Para(p) => out.push_str(&wrap(&text_inlines(p), indent, TEXT_WIDTH)),
            Block::Display(rows) => out.push_str(&text_rows(rows, &format!("{indent}    "))),
            Block::List(items) => {
                for item in items {
                    let body = wrap(&text_inlines(item), &format!("{indent}  "), TEXT_WIDTH);
                    out.push_str(&format!("{indent}- {}", body.trim_start()));
                }
            }
        }
    }
}

fn text(doc: &Document) -> String {
    let title = text_inlines(&doc.title);
    let mut out = format!("{title}\n{}\n", "=".repeat(title.chars().count()));
    text_blocks(&doc.intro, "", &mut out);
    for (i, s) in doc.sections.iter().enumerate() {
        out.push_str(&format!("\n{}. {}\n", i + 1, text_inlines(&s.heading)));
        text_blocks(&s.blocks, "   ", &mut out);
    }
    out
}

// -------------------------------------------------------------------- LaTeX line breaking

/// A rough width of LaTeX mathematics, in units of about one digit (5 pt at 10 pt): fractions
/// count their wider part, a script 0.8 of its base (0.875 of that in a script's script, as
/// TeX's fonts of 7 and 5 pt are; no smaller beyond), spacing operators 2. Conservative, for
/// choosing line breaks.
pub(crate) fn latex_width(s: &str) -> f64 {
    width_at(s, 0)
}

/// [`latex_width`] of mathematics `level` scripts deep, relative to its own size.
fn width_at(s: &str, level: u32) -> f64 {
    let script = match level {
        0 => 0.8,
        1 => 0.875,
        _ => 1.0,
    };
    let latex_width = |s: &str| width_at(s, level);
    fn group(chars: &[char], i: &mut usize) -> String {
        // After a command: read one `{...}` group (or one character).
        while *i < chars.len() && chars[*i] == ' ' {
            *i += 1;
        }
        if *i < chars.len() && chars[*i] == '{' {
            let mut depth = 0;
            let start = *i + 1;
            while *i < chars.len() {
                match chars[*i] {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            let g: String = chars[start..*i].iter().collect();
                            *i += 1;
                            return g;
                        }
                    }
                    _ => {}
                }
                *i += 1;
            }
            chars[start..].iter().collect()
        } else if *i < chars.len() {
            *i += 1;
            chars[*i - 1].to_string()
        } else {
            String::new()
        }
    }
    let chars: Vec<char> = s.chars().collect();
    let mut w = 0.0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let start = i + 1;
                i += 1;
                while i < chars.len() && chars[i].is_ascii_alphabetic() {
                    i += 1;
                }
                if i == start && i < chars.len() {
                    // `\,` `\{` `\\` ...
                    w += if chars[i] == ',' { 0.3 } else { 1.0 };
                    i += 1;
                    continue;
                }
                let name: String = chars[start..i].iter().collect();
                match name.as_str() {
                    "frac" | "dfrac" | "tfrac" => {
                        let a = group(&chars, &mut i);
                        let b = group(&chars, &mut i);
                        w += latex_width(&a).max(latex_width(&b)) + 0.6;
                    }
                    "sqrt" => w += latex_width(&group(&chars, &mut i)) + 1.5,
                    "text" | "mathrm" | "operatorname" | "mathit" => {
                        w += group(&chars, &mut i).chars().count() as f64 * 0.9
                    }
                    "left" | "right" | "big" | "Big" | "bigl" | "bigr" | "displaystyle" => {}
                    "quad" => w += 2.0,
                    "qquad" => w += 4.0,
                    "cdot" | "le" | "ge" | "leq" | "geq" | "ne" | "neq" | "approx" | "to"
                    | "in" | "mapsto" | "times" | "pm" => w += 2.0,
                    "sum" | "prod" => w += 1.6,
                    "ln" | "exp" | "sin" | "cos" | "tan" | "sup" | "max" | "min" | "tanh"
                    | "sinh" | "cosh" | "arctan" | "arcsin" | "arccos" => {
                        w += name.len() as f64 * 0.9
                    }
                    "cdots" | "ldots" | "dots" => w += 2.5,
                    "begin" | "end" => {
                        group(&chars, &mut i);
                    }
                    _ => w += 1.0,
                }
            }
            '^' | '_' => {
                i += 1;
                let g = group(&chars, &mut i);
                w += script * width_at(&g, level + 1);
            }
            '{' | '}' | ' ' | '&' => i += 1,
            '+' | '-' | '=' | '<' | '>' => {
                w += if level == 0 { 2.0 } else { 1.5 };
                i += 1;
            }
            ',' | ';' | '(' | ')' | '|' | '\'' | '.' => {
                w += 0.6;
                i += 1;
            }
            _ => {
                w += 1.0;
                i += 1;
            }
        }
    }
    w
}

/// Width (in [`latex_width`] units) a displayed line may take: article at 10 pt gives 345 pt.
const LATEX_LINE: f64 = 56.0;

/// The lines of a row: pieces grouped so that no line is wider than [`LATEX_LINE`]; a piece
/// too wide for a line breaks at its terms, and parts of it that cannot break are named
/// ([`Namer`]).
fn break_row(r: &Row, namer: &mut Namer) -> Vec<String> {
    let lead = latex_width(&r.lhs.latex) + latex_width(&r.rel.latex) + 1.0;
    let room_first = LATEX_LINE - lead;
    // Continuation lines start under the relation, after a `\quad`.
    let room_next = LATEX_LINE - lead.min(LATEX_LINE / 2.0) - 2.0;
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut used = 0.0;
    let pieces: Vec<String> = r
        .rhs
        .iter()
        .flat_map(|p| namer.fit_pieces(&p.latex, room_next))
        .collect();
    for piece in &pieces {
        let w = latex_width(piece);
        let room = if lines.is_empty() {
            room_first
        } else {
            room_next
        };
        // A piece too wide for the rest of the first line starts the next one.
        if (!current.is_empty() || lines.is_empty() && w > room && w <= room_next)
            && used + w > room
        {
            lines.push(std::mem::take(&mut current));
            used = 0.0;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(piece);
        used += w + 0.5;
    }
    lines.push(current);
    lines
}

/// The rows of a display as the body of `align*` / `aligned`.
fn aligned_body(rows: &[Row], namer: &mut Namer) -> String {
    let mut lines = Vec::new();
    for r in rows {
        // A long left-hand side takes a line of its own.
        let long_lhs = latex_width(&r.lhs.latex) > LATEX_LINE / 2.0;
        let parts = break_row(r, namer);
        for (i, p) in parts.iter().enumerate() {
            if i == 0 {
                if long_lhs {
                    lines.push(format!("& {} \\\\", r.lhs.latex));
                    lines.push(format!("&\\quad {} {p}", r.rel.latex));
                } else {
                    lines.push(format!("{} &{} {p}", r.lhs.latex, r.rel.latex));
                }
            } else {
                lines.push(format!("&\\quad {p}"));
            }
        }
    }
    lines.join(" \\\\\n")
}

/// Inline mathematics wider than this (in [`latex_width`] units) has its unbreakable parts
/// named; TeX breaks it between terms.
const INLINE_ROOM: f64 = 40.0;

/// How a markup language (Markdown, LaTeX) writes the prose and the blocks around the
/// mathematics, which both write in LaTeX.
struct Markup {
    /// Prose, escaped.
    escape: fn(&str) -> String,
    /// Before and after the rows of a display.
    display: (&'static str, &'static str),
    /// Before a list, before each item, after the list.
    list: (&'static str, &'static str, &'static str),
}

impl Markup {
    fn inlines(&self, p: &[Inline], namer: &mut Namer) -> String {
        p.iter()
            .map(|i| match i {
                Inline::Text(t) => (self.escape)(t),
                Inline::Math(m) => {
                    format!(
                        "${}$",
                        namer.fit_pieces(m.latex.trim(), INLINE_ROOM).join(" ")
                    )
                }
            })
            .collect()
    }

    fn display(&self, rows: &[Row], namer: &mut Namer, out: &mut String) {
        out.push_str(self.display.0);
        out.push_str(&aligned_body(rows, namer));
        out.push_str(self.display.1);
    }

    /// The definitions of the names given so far and not yet defined (laying them out may
    /// name more parts, defined in the same display).
    fn definitions(&self, namer: &mut Namer, lang: Lang, out: &mut String) {
        let mut body = Vec::new();
        while let Some((name, def)) = namer.next_definition() {
            let row = Row::eq(Math::same(name), Math::same(def));
            body.push(aligned_body(std::slice::from_ref(&row), namer));
        }
        if body.is_empty() {
            return;
        }
        out.push_str(&(self.escape)(lang.messages().names_where));
        out.push_str("\n\n");
        out.push_str(self.display.0);
        out.push_str(&body.join(" \\\\\n"));
        out.push_str(self.display.1);
    }

    fn blocks(&self, blocks: &[Block], namer: &mut Namer, lang: Lang, out: &mut String) {
        for b in blocks {
            match b {
                Block::Para(p) => {
                    out.push_str(&self.inlines(p, namer));
                    out.push_str("\n\n");
                }
                Block::Display(rows) => self.display(rows, namer, out),
                Block::List(items) => {
                    out.push_str(self.list.0);
                    for item in items {
                        out.push_str(self.list.1);
                        out.push_str(&self.inlines(item, namer));
                        out.push('\n');
                    }
                    out.push_str(self.list.2);
                }
            }
            self.definitions(namer, lang, out);
        }
    }
}

// -------------------------------------------------------------------------------- Markdown

fn md_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '$' | '<' | '>' | '[' | ']' | '#'
        ) {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

const MARKDOWN: Markup = Markup {
    escape: md_escape,
    display: ("$$\n\\begin{aligned}\n", "\n\\end{aligned}\n$$\n\n"),
    list: ("", "- ", "\n"),
};

fn markdown(doc: &Document) -> String {
    let lang = Lang::from_name(doc.lang).unwrap_or_default();
    let mut namer = Namer::default();
    let mut out = format!("# {}\n\n", MARKDOWN.inlines(&doc.title, &mut namer));
    MARKDOWN.blocks(&doc.intro, &mut namer, lang, &mut out);
    for (i, s) in doc.sections.iter().enumerate() {
        out.push_str(&format!(
            "## {}. {}\n\n",
            i + 1,
            MARKDOWN.inlines(&s.heading, &mut namer)
        ));
        MARKDOWN.blocks(&s.blocks, &mut namer, lang, &mut out);
    }
    out
}

// ----------------------------------------------------------------------------------- LaTeX

/// Prose for LaTeX: special characters escaped, mathematical Unicode symbols as math.
pub(crate) fn tex_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => o.push_str(r"\textbackslash{}"),
            '{' | '}' | '$' | '&' | '%' | '#' | '_' => {
                o.push('\\');
                o.push(c);
            }
            '^' => o.push_str(r"\^{}"),
            '~' => o.push_str(r"\~{}"),
            '<' => o.push_str("$<$"),
            '>' => o.push_str("$>$"),
            '|' => o.push_str("$|$"),
            _ => match unicode_math(c) {
                Some(m) => {
                    o.push('$');
                    o.push_str(m);
                    o.push('$');
                }
                None => o.push(c),
            },
        }
    }
    o
}

fn unicode_math(c: char) -> Option<&'static str> {
    Some(match c {
        'σ' => r"\sigma",
        'λ' => r"\lambda",
        'ε' => r"\varepsilon",
        'α' => r"\alpha",
        'ξ' => r"\xi",
        'π' => r"\pi",
        'Σ' => r"\Sigma",
        '≠' => r"\neq",
        '≤' => r"\le",
        '≥' => r"\ge",
        '≈' => r"\approx",
        '·' => r"\cdot",
        '→' => r"\to",
        '∞' => r"\infty",
        '∈' => r"\in",
        '⋯' => r"\cdots",
        '±' => r"\pm",
        '×' => r"\times",
        '²' => r"^2",
        _ => return None,
    })
}

const LATEX: Markup = Markup {
    escape: tex_escape,
    display: ("\\begin{align*}\n", "\n\\end{align*}\n"),
    list: ("\\begin{itemize}\n", "\\item ", "\\end{itemize}\n"),
};

fn latex(doc: &Document, standalone: bool) -> String {
    let lang = Lang::from_name(doc.lang).unwrap_or_default();
    let mut namer = Namer::default();
    let mut body = String::new();
    body.push_str(&format!(
        "\\section*{{{}}}\n",
        LATEX.inlines(&doc.title, &mut namer)
    ));
    LATEX.blocks(&doc.intro, &mut namer, lang, &mut body);
    for (i, s) in doc.sections.iter().enumerate() {
        body.push_str(&format!(
            "\n\\subsection*{{{}.~{}}}\n",
            i + 1,
            LATEX.inlines(&s.heading, &mut namer)
        ));
        LATEX.blocks(&s.blocks, &mut namer, lang, &mut body);
    }
    if !standalone {
        return body;
    }
    format!(
        "\\documentclass[10pt]{{article}}\n\\usepackage[utf8]{{inputenc}}\n\\usepackage{{amsmath}}\n\\renewcommand{{\\labelitemi}}{{$\\bullet$}}\n\\emergencystretch=3em\n\\allowdisplaybreaks\n% generated by taylorgate (lang: {})\n\\begin{{document}}\n{body}\\end{{document}}\n",
        doc.lang
    )
}
