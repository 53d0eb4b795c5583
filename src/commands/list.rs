//! `taylorgate list`. STATUS: to be implemented.

use super::Outcome;

/// Arguments of `taylorgate list`.
#[derive(clap::Args, Debug, Clone)]
pub struct ListArgs {}

/// Runs `taylorgate list`.
pub fn run(_args: &ListArgs) -> Result<Outcome, crate::Error> {
    Err(crate::Error::Usage("`list` is not implemented yet".into()))
}
