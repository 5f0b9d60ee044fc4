//! Scenario runner tests: the shipped scenarios pass, and a broken expectation is reported with
//! the step, what was expected and what happened.

mod failures;
mod golden;
mod regressions;
mod shipped;
