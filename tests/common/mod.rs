//! Shared by the integration tests: every JSON output a test reads (of the binary or of a
//! library report) goes through [`json`] or [`validated`], which check it against the schema
//! `taylorgate/1` (`schema/taylorgate-1.json`) and fail the test otherwise.
#![allow(dead_code)] // each test uses a part

use serde_json::Value;
use std::sync::OnceLock;

/// The validator of `schema/taylorgate-1.json`, compiled once.
fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(include_str!("../../schema/taylorgate-1.json")).expect("schema");
        jsonschema::draft202012::new(&schema).expect("a valid JSON Schema")
    })
}

/// `value`, after checking it against the schema (the test fails with every violation).
pub fn validated(value: Value) -> Value {
    let errors: Vec<String> = validator()
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "JSON output does not validate against schema/taylorgate-1.json:\n{}\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
    value
}

/// The JSON text of an output (`--format json`, a report's `to_json`), parsed and validated.
pub fn json(text: &str) -> Value {
    let value = serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    validated(value)
}

/// [`json`] of a process's standard output.
pub fn json_bytes(bytes: &[u8]) -> Value {
    json(&String::from_utf8_lossy(bytes))
}

/// [`json_bytes`] of a finished process's standard output; when that is not JSON, the test
/// fails with both of its streams.
pub fn output_json(out: &std::process::Output) -> Value {
    if serde_json::from_slice::<Value>(&out.stdout).is_err() {
        panic!(
            "not JSON: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    json_bytes(&out.stdout)
}

/// The bounds of `|y|` over an enclosure `y`: `(lower, upper)`, the lower one 0 when the
/// enclosure contains 0 (what the bound tests compare with `K |x|^m`).
pub fn magnitude(
    y: &taylorgate::interval::Interval,
) -> (num_rational::BigRational, num_rational::BigRational) {
    use num_traits::{Signed, Zero};
    let upper = y.lo().abs().max(y.hi().abs());
    let lower = if y.contains_zero() {
        num_rational::BigRational::zero()
    } else {
        y.lo().abs().min(y.hi().abs())
    };
    (lower, upper)
}
