//! Scenario files: the public, human-written form of a Rampart experiment.
//!
//! A scenario is a TOML file that builds a world step by step and checks it (see the README and
//! `DESIGN.md` for the format). This crate reads a file into a [`Scenario`] ([`parse`]),
//! resolving nothing yet, then [`run`]s it against a fresh [`World`]: labels are substituted,
//! approver signatures made, calls applied, views read and every expectation compared.
//!
//! ```text
//!  file.toml ──parse──► Scenario { steps } ──run──► Report { outcomes }  |  Failure { step, expected, actual }
//! ```

mod backend;
mod compare;
mod names;
mod parse;
mod run;

pub use backend::{Backend, LocalBackend, Reverted};
pub use compare::matches;
pub use names::NameBook;
pub use parse::{ParseError, Scenario, Step, StepKind, WarpTo, parse, parse_file};
pub use run::{
    Failure, Outcome, Report, expand_babylon, expand_shorthands, run, run_on, run_to_world,
};
