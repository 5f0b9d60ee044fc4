//! The calls a path sends, built typed: a simulated year sends about a hundred calls a day per
//! path, and parsing each from JSON (with its names hashed into addresses) was a quarter of a
//! path's time. Each constructor makes exactly the action the same `protocol.function` with the
//! same arguments parses to, so a path is the same whichever way its calls are written.

use rampart_engine::{
    Action, Address, Call, U256, World,
    eigenlayer::{
        calls::{
            AllocateParams, CompleteQueuedWithdrawal, DepositIntoStrategy, EigenLayerCall,
            ModifyAllocations, QueueWithdrawals, QueuedWithdrawalParams, SlashOperator,
            SlashingParams,
        },
        state::{OperatorSet, Withdrawal},
    },
    lido::{LidoCall, MAX_STETH_WITHDRAWAL_AMOUNT, calls as lido_calls},
    lrt::{LrtCall, calls},
    world::TokenCall,
};

/// Applies `action` as `sender`; the error names the call.
pub fn send(world: &mut World, sender: Address, action: Action) -> Result<(), String> {
    let call = Call { sender, action };
    world.apply(&call).map(|_| ()).map_err(|e| format!("{}: {e}", call.action.name()))
}

/// `token.mint` (the world's admin only).
pub fn mint(to: Address, token: Address, amount: U256) -> Action {
    Action::Token(TokenCall::Mint { to, token, amount })
}

/// `token.transfer`.
pub fn transfer(to: Address, token: Address, amount: U256) -> Action {
    Action::Token(TokenCall::Transfer { to, token, amount })
}

/// An `lrt.*` call.
pub fn lrt(call: LrtCall) -> Action {
    Action::Lrt(call)
}

/// `lrt.execute`: `call` made as the pool (`delegator` none) or as one of its delegators.
pub fn execute(target: Address, delegator: Option<usize>, call: Action) -> Action {
    lrt(LrtCall::Execute(Box::new(calls::Execute { target, delegator, call })))
}

/// `lrt.set_asset_price`.
pub fn set_asset_price(target: Address, asset: Address, price: U256) -> Action {
    lrt(LrtCall::SetAssetPrice(calls::SetAssetPrice { target, asset, price }))
}

/// `lrt.deposit` with no minimum out.
pub fn lrt_deposit(target: Address, asset: Address, amount: U256) -> Action {
    lrt(LrtCall::Deposit(calls::Deposit { target, asset, amount, min_shares_out: U256::ZERO }))
}

/// `eigenlayer.deposit_into_strategy`.
pub fn deposit_into_strategy(strategy: Address, token: Address, amount: U256) -> Action {
    Action::EigenLayer(EigenLayerCall::DepositIntoStrategy(DepositIntoStrategy {
        strategy,
        token,
        amount,
    }))
}

/// `eigenlayer.queue_withdrawals` of one strategy.
pub fn queue_withdrawal(strategy: Address, deposit_shares: U256) -> Action {
    Action::EigenLayer(EigenLayerCall::QueueWithdrawals(QueueWithdrawals {
        params: vec![QueuedWithdrawalParams {
            strategies: vec![strategy],
            deposit_shares: vec![deposit_shares],
            deprecated_withdrawer: Address::ZERO,
        }],
    }))
}

/// `eigenlayer.complete_queued_withdrawal`, received as tokens.
pub fn complete_withdrawal(withdrawal: Withdrawal, token: Address) -> Action {
    Action::EigenLayer(EigenLayerCall::CompleteQueuedWithdrawal(CompleteQueuedWithdrawal {
        withdrawal,
        tokens: vec![token],
        receive_as_tokens: true,
    }))
}

/// `eigenlayer.slash_operator` of one strategy, sent by the set's slasher.
pub fn slash_operator(
    set: OperatorSet,
    operator: Address,
    strategy: Address,
    wads: U256,
) -> Action {
    Action::EigenLayer(EigenLayerCall::SlashOperator(SlashOperator {
        avs: set.avs,
        params: SlashingParams {
            operator,
            operator_set_id: set.id,
            strategies: vec![strategy],
            wads_to_slash: vec![wads],
            description: "simulated fault".into(),
        },
    }))
}

/// `eigenlayer.modify_allocations` taking every allocation in `sets` of `strategy` to zero.
pub fn deallocate(operator: Address, sets: &[OperatorSet], strategy: Address) -> Action {
    Action::EigenLayer(EigenLayerCall::ModifyAllocations(ModifyAllocations {
        operator,
        params: sets
            .iter()
            .map(|&operator_set| AllocateParams {
                operator_set,
                strategies: vec![strategy],
                new_magnitudes: vec![0],
            })
            .collect(),
    }))
}

/// `lido.submit`: ETH in, stETH out.
pub fn lido_submit(amount: U256) -> Action {
    Action::Lido(LidoCall::Submit(lido_calls::Submit { amount, referral: None }))
}

/// `lido.request_withdrawals` of `amount` stETH for `owner` (the sender if none), split into
/// the fewest near-equal requests within Lido's 1,000 stETH cap (equal parts keep every
/// request above its 100-wei floor).
pub fn lido_request_withdrawals(amount: &U256, owner: Option<Address>) -> Action {
    let parts = amount.div_ceil(MAX_STETH_WITHDRAWAL_AMOUNT).max(U256::ONE);
    let (base, extra) = amount.div_rem(parts);
    let count = usize::try_from(parts).unwrap_or(usize::MAX);
    let extra = usize::try_from(extra).unwrap_or(usize::MAX);
    let amounts = (0..count).map(|k| base + U256::from(u8::from(k < extra))).collect();
    Action::Lido(LidoCall::RequestWithdrawals(lido_calls::RequestWithdrawals { amounts, owner }))
}

/// `lido.finalize` up to `last_request_id` (Lido's oracle).
pub fn lido_finalize(last_request_id: u64) -> Action {
    Action::Lido(LidoCall::Finalize(lido_calls::Finalize { last_request_id }))
}

/// `lido.claim_withdrawals` of `request_ids`, paid to their owner.
pub fn lido_claim_withdrawals(request_ids: Vec<u64>) -> Action {
    Action::Lido(LidoCall::ClaimWithdrawals(lido_calls::ClaimWithdrawals {
        request_ids,
        recipient: None,
    }))
}

#[cfg(test)]
mod tests {
    use rampart_engine::accounts::{named_address, strategy_address, token_address};
    use serde_json::json;

    use super::*;

    fn parsed(name: &str, args: serde_json::Value) -> Action {
        Action::parse(name, args).expect("parses")
    }

    /// Each constructor is the action its JSON form parses to, so typed and written calls
    /// cannot drift apart.
    #[test]
    fn typed_calls_equal_their_parsed_json() {
        let (pool, alice) = (named_address("pool"), named_address("alice"));
        let steth = token_address("stETH");
        let strategy = strategy_address("stETH");
        let set = OperatorSet { avs: named_address("avs"), id: 3 };
        let amount = U256::from(5u64);
        assert_eq!(
            mint(alice, steth, amount),
            parsed("token.mint", json!({ "to": "alice", "token": "stETH", "amount": "5" }))
        );
        assert_eq!(
            transfer(alice, token_address("ETH"), amount),
            parsed("token.transfer", json!({ "to": "alice", "token": "ETH", "amount": "5" }))
        );
        assert_eq!(
            set_asset_price(pool, steth, amount),
            parsed(
                "lrt.set_asset_price",
                json!({ "target": pool.to_string(), "asset": "stETH", "price": "5" })
            )
        );
        assert_eq!(
            lrt_deposit(pool, steth, amount),
            parsed(
                "lrt.deposit",
                json!({ "target": pool.to_string(), "asset": "stETH", "amount": "5" })
            )
        );
        assert_eq!(
            execute(pool, Some(1), deposit_into_strategy(strategy, steth, amount)),
            parsed(
                "lrt.execute",
                json!({ "target": pool.to_string(), "delegator": 1,
                        "call": "eigenlayer.deposit_into_strategy",
                        "args": { "strategy": "stETH", "token": "stETH", "amount": "5" } })
            )
        );
        assert_eq!(
            queue_withdrawal(strategy, amount),
            parsed(
                "eigenlayer.queue_withdrawals",
                json!({ "params": [{ "strategies": ["stETH"], "deposit_shares": ["5"] }] })
            )
        );
        assert_eq!(
            slash_operator(set, alice, strategy, amount),
            parsed(
                "eigenlayer.slash_operator",
                json!({ "avs": "avs", "params": { "operator": "alice", "operator_set_id": 3,
                        "strategies": ["stETH"], "wads_to_slash": ["5"],
                        "description": "simulated fault" } })
            )
        );
        assert_eq!(lido_submit(amount), parsed("lido.submit", json!({ "amount": "5" })));
        let ether = U256::from(10u64).pow(U256::from(18u64));
        assert_eq!(
            lido_request_withdrawals(&(U256::from(2_500u64) * ether), Some(pool)),
            parsed(
                "lido.request_withdrawals",
                json!({ "amounts": ["833333333333333333334", "833333333333333333333", "833333333333333333333"],
                        "owner": pool.to_string() })
            )
        );
        assert_eq!(lido_finalize(7), parsed("lido.finalize", json!({ "last_request_id": 7 })));
        assert_eq!(
            lido_claim_withdrawals(vec![1, 2]),
            parsed("lido.claim_withdrawals", json!({ "request_ids": [1, 2] }))
        );
        assert_eq!(
            deallocate(alice, &[set], strategy),
            parsed(
                "eigenlayer.modify_allocations",
                json!({ "operator": "alice", "params": [{ "operator_set": { "avs": "avs", "id": 3 },
                        "strategies": ["stETH"], "new_magnitudes": ["0"] }] })
            )
        );
    }
}
