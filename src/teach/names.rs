//! Long LaTeX made to fit the page: a sum breaks at its terms, and a part that cannot break
//! (a fraction's numerator, an exponent, a bracket's content, a whole fraction) and is too
//! wide for a line is replaced by a name `K_{j}`, defined once per document on lines of its
//! own (where it may break again). Only LaTeX is rewritten, and only by whole
//! subexpressions, so the value read back (names substituted) is the value printed before.

use super::render::latex_width;
use std::collections::HashMap;

/// The widest a defining line's right-hand side may be (in [`latex_width`] units: the line
/// less `K_{12} = `).
const DEF_ROOM: f64 = 48.0;

/// A part narrower than this is never named (the name would not save room).
const MIN_NAMED: f64 = 6.0;

/// The names of one document.
#[derive(Default)]
pub(crate) struct Namer {
    index: HashMap<String, usize>,
    /// The LaTeX each name stands for, `K_{1}` first.
    defs: Vec<String>,
    /// How many definitions have been printed.
    printed: usize,
}

/// The LaTeX of the `j`-th name (0-based).
pub(crate) fn name(j: usize) -> String {
    format!("K_{{{}}}", j + 1)
}

impl Namer {
    fn name_of(&mut self, latex: &str) -> String {
        let key = latex.trim().to_string();
        let next = self.defs.len();
        let j = *self.index.entry(key.clone()).or_insert(next);
        if j == next {
            self.defs.push(key);
        }
        name(j)
    }

    /// The next definition not yet printed: its name and its LaTeX.
    pub(crate) fn next_definition(&mut self) -> Option<(String, String)> {
        let j = self.printed;
        let def = self.defs.get(j)?.clone();
        self.printed += 1;
        Some((name(j), def))
    }

    /// `s` split at its top-level sums, every term narrowed to `room` by naming its widest
    /// parts (terms that cannot be narrowed further are kept as they are).
    pub(crate) fn fit_pieces(&mut self, s: &str, room: f64) -> Vec<String> {
        if latex_width(s) <= room {
            return vec![s.to_string()];
        }
        terms(s)
            .into_iter()
            .flat_map(|t| {
                let t = self.fit(&t, room);
                digit_lines(&t, room).unwrap_or_else(|| vec![t])
            })
            .collect()
    }

    /// `s` with its widest parts named until it is at most `room` wide.
    pub(crate) fn fit(&mut self, s: &str, room: f64) -> String {
        let mut s = s.to_string();
        while latex_width(&s) > room {
            let body = s.trim_start_matches(['+', '-', ' ']).len();
            let best = spans(&s)
                .into_iter()
                .map(|sp| (latex_width(&s[sp.content.0..sp.content.1]), sp))
                .filter(|(w, _)| *w >= MIN_NAMED)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            let Some((_, sp)) = best else { break };
            // A whole fraction that fits a defining line is named whole (unless it is all of
            // `s`: naming it would only rename it).
            let (a, b) = match sp.whole {
                Some((a, b)) if b - a < body && latex_width(&s[a..b]) <= DEF_ROOM => (a, b),
                _ => sp.content,
            };
            let n = self.name_of(&s[a..b]);
            let (a, b) = match sp.bracket {
                Some(whole) if (a, b) == sp.content => whole,
                _ => (a, b),
            };
            s.replace_range(a..b, &n);
        }
        s
    }
}

/// A (signed) integer too wide for `room`, in lines: groups of five digits set apart by thin
/// spaces, as tables of constants print them, each line as many groups as fit.
fn digit_lines(s: &str, room: f64) -> Option<Vec<String>> {
    let digits = s.trim_start_matches(['+', '-', ' ']);
    let sign = &s[..s.len() - digits.len()];
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) || latex_width(s) <= room {
        return None;
    }
    let groups: Vec<&str> = digits
        .as_bytes()
        .chunks(5)
        .map(|g| std::str::from_utf8(g).unwrap_or_default())
        .collect();
    let per_line = (((room - latex_width(sign)) / 5.3) as usize).max(1);
    Some(
        groups
            .chunks(per_line)
            .enumerate()
            .map(|(i, line)| {
                let body = line.join(r"\,");
                if i == 0 {
                    format!("{sign}{body}")
                } else {
                    body
                }
            })
            .collect(),
    )
}

/// A part that may be named: its content's byte range, and for a part of a fraction the
/// range of the whole `\frac{..}{..}`.
struct Span {
    content: (usize, usize),
    whole: Option<(usize, usize)>,
    /// For the content of `\left( .. \right)`: the range of the whole bracket, which a name
    /// of the content replaces (a name stands for a value: `64 \cdot K_{3}`, not
    /// `64 \cdot \left(K_{3}\right)`).
    bracket: Option<(usize, usize)>,
}

/// What an opening brace starts.
#[derive(Clone, Copy)]
enum Open {
    /// Not a subexpression (`\text{..}`, `_{..}`, `\begin{..}`): never named.
    Other,
    /// An exponent or a square root's argument.
    Part,
    /// A fraction's numerator (the fraction starts at the byte given).
    Num(usize),
    /// A fraction's denominator.
    Den(usize),
}

/// The parts of `s` that may be named, at every depth.
fn spans(s: &str) -> Vec<Span> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut braces: Vec<(usize, Open)> = Vec::new();
    // The content's start, where `\left` starts, and whether the delimiter is `(`.
    let mut lefts: Vec<(usize, usize, bool)> = Vec::new();
    let mut next = Open::Other;
    // After the numerator of a fraction: the next group is its denominator.
    let mut den_of: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                match &s[start + 1..i] {
                    "frac" | "dfrac" | "tfrac" => next = Open::Num(start),
                    "sqrt" => next = Open::Part,
                    "left" if i < b.len() => {
                        let paren = b[i] == b'(';
                        i += 1;
                        lefts.push((i, start, paren));
                    }
                    "right" => {
                        if let Some((open, left, paren)) = lefts.pop() {
                            let closes = paren && b.get(i) == Some(&b')');
                            out.push(Span {
                                content: (open, start),
                                whole: None,
                                bracket: closes.then_some((left, i + 1)),
                            });
                        }
                        i += 1;
                    }
                    "" => i += 1,
                    _ => next = Open::Other,
                }
                continue;
            }
            b'^' => next = Open::Part,
            b'_' => next = Open::Other,
            b'{' => {
                let kind = match den_of.take() {
                    Some(f) => Open::Den(f),
                    None => std::mem::replace(&mut next, Open::Other),
                };
                braces.push((i + 1, kind));
            }
            b'}' => {
                if let Some((open, kind)) = braces.pop() {
                    match kind {
                        Open::Other => {}
                        Open::Part => out.push(Span {
                            content: (open, i),
                            whole: None,
                            bracket: None,
                        }),
                        Open::Num(f) => {
                            den_of = Some(f);
                            out.push(Span {
                                content: (open, i),
                                whole: None,
                                bracket: None,
                            });
                        }
                        Open::Den(f) => {
                            // The numerator (pushed last among the spans inside) gets the
                            // whole fraction too.
                            if let Some(num) = out
                                .iter_mut()
                                .rev()
                                .find(|sp| sp.content.1 < open && sp.content.0 > f)
                            {
                                num.whole = Some((f, i + 1));
                            }
                            out.push(Span {
                                content: (open, i),
                                whole: Some((f, i + 1)),
                                bracket: None,
                            });
                        }
                    }
                }
            }
            b' ' => {}
            _ => {
                if !matches!(next, Open::Other) && !b[i].is_ascii_whitespace() {
                    // `^2`: a one-character exponent, nothing to name.
                    next = Open::Other;
                }
            }
        }
        i += 1;
    }
    out
}

/// `s` split before each `+` or `-` between terms at the top level (outside braces,
/// `\left..\right` and environments); the pieces joined by spaces give `s` again.
pub(crate) fn terms(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut depth = 0i32;
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                match &s[start..i] {
                    "left" | "begin" => depth += 1,
                    "right" | "end" => depth -= 1,
                    "" => i += 1,
                    _ => {}
                }
                continue;
            }
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b'+' | b'-'
                if depth == 0
                    && i > 0
                    && b[i - 1] == b' '
                    && b.get(i + 1) == Some(&b' ')
                    && !s[..i].trim().is_empty() =>
            {
                cuts.push(i);
            }
            _ => {}
        }
        i += 1;
    }
    let mut out = Vec::new();
    let mut last = 0;
    for c in cuts {
        out.push(s[last..c].trim().to_string());
        last = c;
    }
    out.push(s[last..].trim().to_string());
    out.retain(|p| !p.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wide_numerator_is_named_and_the_rest_kept() {
        let mut n = Namer::default();
        let wide = (1..=30)
            .map(|k| format!("{k} x"))
            .collect::<Vec<_>>()
            .join(" + ");
        let s = format!(r"\frac{{{wide}}}{{7}}\, t^{{2}}");
        let got = n.fit(&s, 20.0);
        assert_eq!(got, r"\frac{K_{1}}{7}\, t^{2}");
        assert_eq!(n.next_definition(), Some(("K_{1}".into(), wide.clone())));
        assert_eq!(n.next_definition(), None);
        // The same part is named once.
        assert_eq!(n.fit(&s, 20.0), got);
    }

    #[test]
    fn a_fraction_that_fits_a_line_is_named_whole() {
        let mut n = Namer::default();
        let a = "8".repeat(30);
        let s = format!(r"+ \frac{{{a}}}{{7}}\, t");
        assert_eq!(n.fit(&s, 20.0), r"+ K_{1}\, t");
        assert_eq!(
            n.next_definition().map(|d| d.1),
            Some(format!(r"\frac{{{a}}}{{7}}"))
        );
        // A definition is never renamed: naming the fraction whole would not narrow it.
        let f = format!(r"\frac{{{a}}}{{7}}");
        assert_eq!(n.fit(&f, 20.0), r"\frac{K_{2}}{7}");
    }

    #[test]
    fn a_long_integer_breaks_into_groups_of_five() {
        let mut n = Namer::default();
        let d: String = (0..62).map(|i| char::from(b'0' + (i % 10) as u8)).collect();
        let lines = n.fit_pieces(&format!("-{d}"), 48.0);
        assert!(lines.len() > 1, "{lines:?}");
        let back: String = lines.concat().replace(r"\,", "");
        assert_eq!(back, format!("-{d}"));
        assert!(lines.iter().all(|l| latex_width(l) <= 48.0), "{lines:?}");
    }

    #[test]
    fn terms_split_at_top_level_only() {
        assert_eq!(
            terms(r"a + \left(b - c\right) - e^{x + 1} + \frac{1 + y}{2}"),
            vec![
                r"a",
                r"+ \left(b - c\right)",
                r"- e^{x + 1}",
                r"+ \frac{1 + y}{2}"
            ]
        );
        assert_eq!(terms("-a - b"), vec!["-a", "- b"]);
    }
}
