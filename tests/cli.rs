//! The command line: negative values, a leading minus, standard input, built-in names, one
//! validation of names for every command, and errors with their place.

use std::io::Write;
use std::process::{Command, Stdio};

mod common;

/// Runs the binary; returns (exit code, stdout, stderr).
fn tg(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("the binary ends");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

#[test]
fn negative_values_and_a_leading_minus() {
    let (code, out, err) = tg(&["expand", "-ln(1+x)", "--order", "2"], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(first_line(&out), "-x + 1/2*x^2 + O(x^3)");
    let (code, out, err) = tg(&["expand", "x^2", "--at", "-1", "--order", "2"], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(first_line(&out), "1 - 2*(x + 1) + (x + 1)^2 + O((x + 1)^3)");
    let (code, out, err) = tg(&["diff", "x^3", "-n", "1", "--at", "-2"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("f'(-2) = 12"), "{out}");
    let (code, _, err) = tg(&["gate", "softplus", "--bias", "-1"], None);
    assert_eq!(code, 0, "{err}");
    // a negative epsilon is a usage error, not a clap error about an unknown flag
    let (code, _, err) = tg(&["gate", "softplus", "--epsilon", "-1"], None);
    assert_eq!(code, 2);
    assert!(err.contains("--epsilon"), "{err}");
}

#[test]
fn standard_input() {
    let (code, out, err) = tg(&["expand", "-", "--order", "2"], Some("exp(x)\n"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(first_line(&out), "1 + x + 1/2*x^2 + O(x^3)");
    let (code, out, err) = tg(&["prove", "-"], Some("claim exp(x) = 1 + x + O(|x|^2)\n"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("PROVED"), "{out}");
}

#[test]
fn built_in_names_mean_functions_of_x() {
    let (code, out, err) = tg(&["expand", "tanh", "--order", "3"], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(first_line(&out), "x - 1/3*x^3 + O(x^4)");
    let (code, out, err) = tg(&["diff", "erf", "-n", "1", "--at", "0"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("f'(0) = 2/sqrt(pi)"), "{out}");
}

#[test]
fn every_command_rejects_unknown_names() {
    for args in [
        &["diff", "sinx"][..],
        &["expand", "sinx"],
        &["gate", "sinx"],
    ] {
        let (code, _, err) = tg(args, None);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains("unknown name `sinx`"), "{args:?}: {err}");
    }
}

#[test]
fn a_function_defined_nowhere_has_no_derivative() {
    for f in ["(x-x)^(-1)", "1/(x-x)"] {
        let (code, _, err) = tg(&["diff", f], None);
        assert_eq!(code, 2, "diff {f}: {err}");
        assert!(err.contains("division by zero"), "{err}");
    }
}

#[test]
fn a_derivative_is_not_printed_over_a_constant_not_proved_non_zero() {
    // sin(1)^2 + cos(1)^2 - 1 is 0, which exact arithmetic does not prove: `diff` (which never
    // evaluates the function) refuses the quotient by it rather than differentiate a function
    // that may be nowhere defined; the definite failures refuse as before.
    for (f, why) in [
        ("x + 1/(sin(1)^2 + cos(1)^2 - 1)", "cannot decide whether"),
        ("x + 1/(1 - 1)", "division by zero"),
        ("x + ln(-1)", "not a real number"),
    ] {
        let (code, out, err) = tg(&["diff", f], None);
        assert_eq!(code, 2, "diff {f}: {out}");
        assert!(err.contains(why), "diff {f}: {err}");
    }
    let (code, out, err) = tg(&["diff", "x + 1/(1 + sin(1)^2)"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("f'(x) = 1\n"), "{out}");
}

#[test]
fn semantic_errors_show_their_place() {
    let (code, _, err) = tg(&["expand", "x + ln(-1)"], None);
    assert_eq!(code, 2);
    assert!(err.contains("--> 1:5"), "{err}");
    assert!(err.contains("1 | x + ln(-1)"), "{err}");
    assert!(err.contains("  |     ^^^^^^"), "{err}");
}

/// With `--format json` anywhere on the command line, a command line that the parser refuses is
/// the schema's error object of kind `usage` on standard output (exit 2, nothing on standard
/// error); without it, the parser's own message on standard error. Help and version are
/// unchanged.
#[test]
fn usage_errors_are_json_with_format_json() {
    let cases: [(&[&str], Option<&str>, &str); 7] = [
        (
            &["gate", "softplus", "--format", "json", "--bogus"],
            Some("gate"),
            "--bogus",
        ),
        (&["expand", "--format", "json"], Some("expand"), "<EXPR>"),
        (
            &["diff", "x", "-n", "many", "--format", "json"],
            Some("diff"),
            "many",
        ),
        (
            &["--timeout", "5", "scan", "--format=json", "--inputs", "-"],
            Some("scan"),
            "--inputs",
        ),
        (
            &["prove", "--format", "json", "--lang", "fr", "f.tg"],
            Some("prove"),
            "fr",
        ),
        (&["--format", "json"], None, "--format"),
        (
            &["plot", "taylor", "exp", "--format", "json"],
            Some("plot"),
            "--format csv",
        ),
    ];
    for (args, command, names) in cases {
        let (code, out, err) = tg(args, None);
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(err, "", "{args:?}");
        let v = common::json(&out);
        assert_eq!(v["command"], serde_json::json!(command), "{args:?}");
        let e = &v["error"];
        assert_eq!(e["kind"], "usage", "{args:?}");
        assert_eq!(e["line"], serde_json::Value::Null, "{args:?}");
        assert_eq!(e["column"], serde_json::Value::Null, "{args:?}");
        let message = e["message"].as_str().unwrap();
        assert!(message.contains(names), "{args:?}: {message}");
        assert!(!message.starts_with("error:"), "{message}");
    }
    // Without JSON: the parser's text on standard error.
    let (code, out, err) = tg(&["gate", "softplus", "--bogus"], None);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with("error: unexpected argument '--bogus'"),
        "{err}"
    );
    // `--format json` after `--` is an argument, not the format.
    let (code, out, err) = tg(&["expand", "--bogus", "--", "--format", "json"], None);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.starts_with("error: "), "{err}");
    // Help and version as before, on standard output, exit 0.
    for args in [&["gate", "--help", "--format", "json"][..], &["--version"]] {
        let (code, out, _) = tg(args, None);
        assert_eq!(code, 0, "{args:?}");
        assert!(
            out.starts_with("Does an activation") || out.starts_with("taylorgate "),
            "{out}"
        );
    }
}

#[test]
fn a_closed_standard_output_ends_the_command_quietly() {
    // `taylorgate gate softplus | head -n 1`: the reader goes away before the output is
    // written. The command must not panic ("failed printing to stdout"), and its code stays 0.
    let mut child = Command::new(env!("CARGO_BIN_EXE_taylorgate"))
        .args(["gate", "softplus"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs the binary");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("waits for the binary");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
