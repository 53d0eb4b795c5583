//! What the tests read in a LaTeX or Markdown document besides its mathematics: the rows of
//! its displays, long integers printed in groups of digits, and the names `K_{j}` of long
//! constants, which the document defines once (rows `K_{j} &= ...` after the display that
//! first uses them) and the tests substitute before they compare values.

/// The logical rows `(lhs, rhs)` of every displayed equation (`align*`, `aligned`), each
/// row's continuation lines (`&\quad ...`) joined to it.
pub fn rows(doc: &str) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut inside = false;
    for line in doc.lines() {
        let l = line.trim();
        if l.starts_with(r"\begin{align*}") || l.starts_with(r"\begin{aligned}") {
            inside = true;
            continue;
        }
        if l.starts_with(r"\end{align*}") || l.starts_with(r"\end{aligned}") {
            inside = false;
            continue;
        }
        if !inside {
            continue;
        }
        let l = l.trim_end_matches(r"\\").trim();
        if let Some(rest) = l.strip_prefix(r"&\quad") {
            if let Some(last) = rows.last_mut() {
                last.1.push(' ');
                last.1.push_str(rest.trim());
            }
        } else if let Some((lhs, rhs)) = l.split_once('&') {
            let rhs = rhs.trim_start_matches('=').trim();
            rows.push((lhs.trim().to_string(), rhs.to_string()));
        }
    }
    rows
}

/// Whether `s` is a name of a long constant, `K_{j}` with `j` a positive integer.
fn is_name(s: &str) -> bool {
    s.strip_prefix("K_{")
        .and_then(|r| r.strip_suffix('}'))
        .is_some_and(|j| !j.is_empty() && j.bytes().all(|c| c.is_ascii_digit()))
}

/// The definitions `(K_{j}, LaTeX)` a document prints: the display rows whose left-hand side
/// is a name. A name defined twice fails the test.
pub fn names(doc: &str) -> Vec<(String, String)> {
    let defs: Vec<(String, String)> = rows(doc).into_iter().filter(|(l, _)| is_name(l)).collect();
    for (i, (n, _)) in defs.iter().enumerate() {
        assert!(
            !defs[..i].iter().any(|(m, _)| m == n),
            "{n} is defined twice"
        );
    }
    defs
}

/// `latex` with every name `K_{j}` replaced by its definition in `defs`, bracketed, until no
/// name is left. A name without a definition, or definitions that refer to each other in a
/// cycle, fail the test.
pub fn resolve(latex: &str, defs: &[(String, String)]) -> String {
    let mut s = latex.to_string();
    // Each round replaces every name; after one round per definition any name left is a cycle.
    for _ in 0..=defs.len() {
        let Some(first) = s.find("K_{") else {
            return s;
        };
        let mut out = String::with_capacity(s.len());
        let mut rest = &s[first..];
        out.push_str(&s[..first]);
        while let Some(at) = rest.find("K_{") {
            let end = at
                + rest[at..]
                    .find('}')
                    .unwrap_or_else(|| panic!("an unclosed name in {latex}"))
                + 1;
            let name = &rest[at..end];
            assert!(is_name(name), "`{name}` is not a name of a constant");
            let (_, def) = defs
                .iter()
                .find(|(l, _)| l == name)
                .unwrap_or_else(|| panic!("{name} is used but not defined"));
            out.push_str(&rest[..at]);
            out.push_str(&format!(r"\left({def}\right)"));
            rest = &rest[end..];
        }
        out.push_str(rest);
        s = out;
    }
    panic!("the names of {latex} are defined through each other in a cycle")
}

/// A long integer printed in groups of five digits (`29301\,65568 ...`, possibly over lines)
/// is one number: digits separated only by thin spaces and spaces are joined.
pub fn join_digit_groups(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() && out.ends_with(|p: char| p.is_ascii_digit()) {
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        // A gap between two digits: thin spaces and spaces only.
        let gap = rest.len() - rest.trim_start_matches([' ', '\\', ',']).len();
        let after = &rest[gap..];
        if gap > 0
            && out.ends_with(|p: char| p.is_ascii_digit())
            && after.starts_with(|d: char| d.is_ascii_digit())
            && rest[..gap].replace(r"\,", "").trim().is_empty()
        {
            rest = after;
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}
