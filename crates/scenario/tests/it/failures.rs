//! A scenario that does not hold fails loudly: the runner names the file, the step, its line,
//! the call, and the expected and actual values. Malformed files name the line.

use std::path::Path;

use rampart_scenario::{parse, run};

const SETUP: &str = r#"
name = "failure reporting"
params = "testnet"

[[step]]
call = "token.mint"
args = { to = "alice", token = "stETH", amount = "10 ether" }

[[step]]
call = "eigenlayer.deposit_into_strategy"
from = "alice"
args = { strategy = "stETH", token = "stETH", amount = "10 ether" }
"#;

fn failure_of(extra: &str) -> rampart_scenario::Failure {
    let text = format!("{SETUP}{extra}");
    let scenario = parse(&text, Path::new("inline.toml")).expect("parses");
    *run(&scenario).expect_err("the scenario must fail")
}

#[test]
fn a_wrong_view_expectation_names_step_expected_and_actual() {
    let failure = failure_of(
        r#"
[[step]]
view = "eigenlayer.get_withdrawable_shares"
args = { staker = "alice", strategies = ["stETH"] }
expect = { withdrawable_shares = ["11 ether"] }
"#,
    );
    assert_eq!(failure.step, 3);
    assert_eq!(failure.line, 14);
    assert_eq!(failure.what, "view eigenlayer.get_withdrawable_shares");
    assert!(failure.expected.as_deref().unwrap().contains("11 ether"));
    assert!(failure.actual.as_deref().unwrap().contains("10000000000000000000"));
    let shown = failure.to_string();
    assert!(shown.starts_with("inline.toml:14: step 3"), "{shown}");
}

#[test]
fn an_unexpected_rejection_is_a_failure() {
    let failure = failure_of(
        r#"
[[step]]
call = "eigenlayer.deposit_into_strategy"
from = "alice"
args = { strategy = "stETH", token = "stETH", amount = "1 ether" }
"#,
    );
    assert!(failure.message.contains("InsufficientBalance"), "{}", failure.message);
}

#[test]
fn a_different_rejection_or_a_success_fails_expect_error() {
    let failure = failure_of(
        r#"
[[step]]
call = "eigenlayer.deposit_into_strategy"
from = "alice"
args = { strategy = "stETH", token = "stETH", amount = "1 ether" }
expect_error = "NewSharesZero"
"#,
    );
    assert_eq!(failure.expected.as_deref(), Some("NewSharesZero"));
    assert!(failure.actual.as_deref().unwrap().starts_with("InsufficientBalance"));

    let failure = failure_of(
        r#"
[[step]]
call = "token.transfer"
from = "alice"
args = { to = "bob", token = "stETH", amount = "0" }
expect_error = "InsufficientBalance"
"#,
    );
    assert!(failure.message.contains("succeeded"), "{}", failure.message);
}

#[test]
fn missing_events_fail_expect_events() {
    let failure = failure_of(
        r#"
[[step]]
call = "token.mint"
args = { to = "bob", token = "stETH", amount = "1 ether" }

[[step]]
call = "eigenlayer.deposit_into_strategy"
from = "bob"
args = { strategy = "stETH", token = "stETH", amount = "1 ether" }
expect_events = [{ event = "Deposit", shares = "2 ether" }]
"#,
    );
    assert_eq!(failure.step, 4);
    assert!(failure.message.contains("expected event"));
}

#[test]
fn bad_arguments_name_the_call_and_the_field() {
    let failure = failure_of(
        r#"
[[step]]
call = "eigenlayer.deposit_into_strategy"
from = "alice"
args = { strategy = "stETH", token = "stETH", amont = "1 ether" }
"#,
    );
    assert!(failure.message.contains("amont"), "{}", failure.message);
    let failure = failure_of(
        r#"
[[step]]
call = "eigenlayer.depositinto"
from = "alice"
"#,
    );
    assert!(failure.message.contains("unknown variant"), "{}", failure.message);
    let failure = failure_of(
        r#"
[[step]]
call = "eigenlayer.deposit_into_strategy"
from = "alice"
args = { strategy = "stETH", token = "stETH", amount = "1 bananas" }
"#,
    );
    assert!(failure.message.contains("unknown unit"), "{}", failure.message);
}

#[test]
fn labels_must_name_something_and_only_once() {
    let failure = failure_of(
        r#"
[[step]]
call = "token.mint"
args = { to = "bob", token = "stETH", amount = "1 ether" }
label = "x"
"#,
    );
    assert!(failure.message.contains("created nothing"), "{}", failure.message);
}

#[test]
fn the_clock_cannot_go_back() {
    let failure = failure_of(
        r#"
[[step]]
at_block = 10

[[step]]
at_block = 5
"#,
    );
    assert!(failure.message.contains("cannot move the clock back"), "{}", failure.message);
}
