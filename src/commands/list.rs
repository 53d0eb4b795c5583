//! `taylorgate list`: the built-in library of named activations.

use super::Outcome;
use crate::library::activations;
use serde_json::json;

/// Output formats of `list`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    /// An aligned table.
    Text,
    /// Machine-readable.
    Json,
}

/// Arguments of `taylorgate list`.
#[derive(clap::Args, Debug, Clone)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// Runs `taylorgate list`.
pub fn run(args: &ListArgs) -> Result<Outcome, crate::Error> {
    let lib = activations();
    Ok(match args.format {
        ListFormat::Json => Outcome::json(
            &json!(lib
                .iter()
                .map(|a| json!({"name": a.name, "definition": a.text, "source": a.source}))
                .collect::<Vec<_>>()),
            super::Status::Done,
        ),
        ListFormat::Text => {
            let rows: Vec<Vec<String>> = lib
                .iter()
                .map(|a| vec![a.name.clone(), a.text.clone(), a.source.clone()])
                .collect();
            Outcome::done(super::scan::aligned(
                &["name", "definition", "source"],
                &rows,
            ))
        }
    })
}
