//! `taylorgate prove`. STATUS: to be implemented.

use super::Outcome;

/// Arguments of `taylorgate prove`.
#[derive(clap::Args, Debug, Clone)]
pub struct ProveArgs {}

/// Runs `taylorgate prove`.
pub fn run(_args: &ProveArgs) -> Result<Outcome, crate::Error> {
    Err(crate::Error::Usage("`prove` is not implemented yet".into()))
}
