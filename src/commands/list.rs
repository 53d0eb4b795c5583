//! `taylorgate list`: the built-in library of named activations.

use super::Outcome;
use crate::session::Session;

crate::choice::choice_enum! {
    /// Output formats of `list`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum ListFormat {
        /// An aligned table.
        Text = "text",
        /// The schema `taylorgate/1` (`schema/list.json`).
        Json = "json",
    }
}

/// Arguments of `taylorgate list`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListArgs {
    /// Output format.
    pub format: ListFormat,
}

impl Default for ListArgs {
    /// The table as text.
    fn default() -> ListArgs {
        ListArgs {
            format: ListFormat::Text,
        }
    }
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
