//! The `taylorgate` command (see [`cli`]): reads arguments, runs a subcommand, prints its answer.
//!
//! Exit codes: 0 done, 1 a negative mathematical answer, 2 bad input or an error.

mod cli;

/// The live heap is counted for the memory limit (`--memory`).
#[global_allocator]
static ALLOC: taylorgate::budget::CountingAlloc = taylorgate::budget::CountingAlloc;

fn main() {
    cli::main()
}
