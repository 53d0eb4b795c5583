//! `taylorgate list`: the built-in library of named activations.

use super::Outcome;
use crate::session::Session;

/// Output formats of `list`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    /// An aligned table.
    Text,
    /// The schema `taylorgate/1` (`schema/list.json`).
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
    let report = Session::list();
    Ok(match args.format {
        ListFormat::Json => Outcome::report(&report, super::Status::Done),
        ListFormat::Text => {
            let rows: Vec<Vec<String>> = report
                .activations
                .iter()
                .map(|a| vec![a.name.clone(), a.definition.clone(), a.source.clone()])
                .collect();
            Outcome::done(super::scan::aligned(
                &["name", "definition", "source"],
                &rows,
            ))
        }
    })
}
