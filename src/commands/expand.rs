//! `taylorgate expand`. STATUS: to be implemented.

use super::Outcome;

/// Arguments of `taylorgate expand`.
#[derive(clap::Args, Debug, Clone)]
pub struct ExpandArgs {}

/// Runs `taylorgate expand`.
pub fn run(_args: &ExpandArgs) -> Result<Outcome, crate::Error> {
    Err(crate::Error::Usage(
        "`expand` is not implemented yet".into(),
    ))
}
