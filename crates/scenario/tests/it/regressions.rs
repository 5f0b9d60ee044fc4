//! Regression tests for mismatches a review against the EigenLayer contracts found. Each test
//! states what the contract does; before the fix Rampart did otherwise (one case panicked).

use std::path::Path;

use rampart_scenario::{parse, run};

const SETUP: &str = r#"
name = "regressions"
params = "testnet"

[[step]]
at_block = 1000

[[step]]
call = "eigenlayer.update_avs_metadata_uri"
from = "avs"
args = { avs = "avs" }

[[step]]
call = "eigenlayer.create_operator_sets"
from = "avs"
args = { avs = "avs", params = [{ operator_set_id = 1, strategies = ["stETH"], slasher = "avs" }] }

[[step]]
call = "eigenlayer.register_as_operator"
from = "op"
args = { allocation_delay = 0 }
"#;

fn passes(extra: &str) {
    let text = format!("{SETUP}{extra}");
    let scenario = parse(&text, Path::new("regression.toml")).unwrap_or_else(|e| panic!("{e}"));
    if let Err(failure) = run(&scenario) {
        panic!("{failure}");
    }
}

#[test]
fn an_allocation_beyond_uint64_reverts_instead_of_panicking() {
    // `_addInt128(encumbered, diff).toUint64()` reverts with SafeCastOverflowedUintDowncast.
    passes(
        r#"
[[step]]
call = "eigenlayer.modify_allocations"
from = "op"
args = { operator = "op", params = [{ operator_set = { avs = "avs", id = 1 }, strategies = ["stETH"], new_magnitudes = ["50%"] }] }

[[step]]
call = "eigenlayer.update_avs_metadata_uri"
from = "avs2"
args = { avs = "avs2" }

[[step]]
call = "eigenlayer.create_operator_sets"
from = "avs2"
args = { avs = "avs2", params = [{ operator_set_id = 0, strategies = ["stETH"], slasher = "avs2" }] }

[[step]]
call = "eigenlayer.modify_allocations"
from = "op"
args = { operator = "op", params = [{ operator_set = { avs = "avs2", id = 0 }, strategies = ["stETH"], new_magnitudes = ["18446744073709551615"] }] }
expect_error = "SafeCastOverflowedUintDowncast"
"#,
    );
}

#[test]
fn redistributing_sets_need_their_own_permission() {
    passes(
        r#"
[[step]]
call = "eigenlayer.set_appointee"
from = "avs"
args = { account = "avs", appointee = "helper", function = "create_operator_sets" }

[[step]]
call = "eigenlayer.create_redistributing_operator_sets"
from = "helper"
args = { avs = "avs", params = [{ operator_set_id = 2, strategies = ["stETH"], slasher = "avs" }], redistribution_recipients = ["treasury"] }
expect_error = "InvalidPermissions"

[[step]]
call = "eigenlayer.set_appointee"
from = "avs"
args = { account = "avs", appointee = "helper", function = "create_redistributing_operator_sets" }

[[step]]
call = "eigenlayer.create_redistributing_operator_sets"
from = "helper"
args = { avs = "avs", params = [{ operator_set_id = 2, strategies = ["stETH"], slasher = "avs" }], redistribution_recipients = ["treasury"] }
"#,
    );
}

#[test]
fn permission_controller_errors_carry_the_contracts_names() {
    passes(
        r#"
[[step]]
call = "eigenlayer.add_pending_admin"
from = "op"
args = { account = "op", admin = "op" }
expect_error = "AdminAlreadySet"

[[step]]
call = "eigenlayer.remove_appointee"
from = "op"
args = { account = "op", appointee = "helper", function = "modify_allocations" }
expect_error = "AppointeeNotSet"

[[step]]
call = "eigenlayer.add_pending_admin"
from = "op"
args = { account = "op", admin = "second" }

[[step]]
call = "eigenlayer.accept_admin"
from = "second"
args = { account = "op" }

[[step]]
call = "eigenlayer.add_pending_admin"
from = "second"
args = { account = "op", admin = "third" }

[[step]]
call = "eigenlayer.accept_admin"
from = "third"
args = { account = "op" }

[[step]]
call = "eigenlayer.remove_admin"
from = "second"
args = { account = "op", admin = "stranger" }
expect_error = "AdminNotSet"
"#,
    );
}

#[test]
fn completing_as_shares_emits_deposit_and_redelegate_checks_undelegation_first() {
    passes(
        r#"
[[step]]
call = "token.mint"
args = { to = "alice", token = "stETH", amount = "10 ether" }

[[step]]
call = "eigenlayer.deposit_into_strategy"
from = "alice"
args = { strategy = "stETH", token = "stETH", amount = "10 ether" }

# Not delegated: redelegating fails as undelegate would, before looking at the new operator.
[[step]]
call = "eigenlayer.redelegate"
from = "alice"
args = { new_operator = "nobody" }
expect_error = "NotActivelyDelegated"

[[step]]
call = "eigenlayer.queue_withdrawals"
from = "alice"
args = { params = [{ strategies = ["stETH"], deposit_shares = ["4 ether"] }] }
label = "w"

[[step]]
advance_blocks = 51

# A short tokens array fails at its index; extra entries of the others are ignored.
[[step]]
call = "eigenlayer.complete_queued_withdrawals"
from = "alice"
args = { withdrawals = ["w"], tokens = [], receive_as_tokens = [false] }
expect_error = "ArrayIndexOutOfBounds"

[[step]]
call = "eigenlayer.complete_queued_withdrawals"
from = "alice"
args = { withdrawals = ["w"], tokens = [["stETH"], ["rETH"]], receive_as_tokens = [false, true] }
expect_events = [
  { event = "SlashingWithdrawalCompleted" },
  { event = "Deposit", staker = "alice", shares = "4 ether" },
  { event = "DepositScalingFactorUpdated" },
]
"#,
    );
}
