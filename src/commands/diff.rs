//! `taylorgate diff`. STATUS: to be implemented.

use super::Outcome;

/// Arguments of `taylorgate diff`.
#[derive(clap::Args, Debug, Clone)]
pub struct DiffArgs {}

/// Runs `taylorgate diff`.
pub fn run(_args: &DiffArgs) -> Result<Outcome, crate::Error> {
    Err(crate::Error::Usage("`diff` is not implemented yet".into()))
}
