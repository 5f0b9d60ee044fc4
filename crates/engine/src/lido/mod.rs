//! Lido (lidofinance/lido-dao: `contracts/0.4.24/Lido.sol`, `contracts/0.8.9/WithdrawalQueue.sol`,
//! `WithdrawalQueueBase.sol`, `WithdrawalQueueERC721.sol`): stETH minted for ETH, and redeemed
//! for ETH through the withdrawal queue.
//!
//! - `lido.submit { amount }`: the sender's ETH goes to Lido's buffer and the same amount of
//!   stETH is minted to it (`Submitted`).
//! - `lido.request_withdrawals { amounts, owner? }`: the sender's stETH moves to the queue, one
//!   request per amount (each within [100 wei, 1000 stETH]), ids 1, 2, … in order, each storing
//!   the queue's `cumulativeStETH` (`WithdrawalRequested`).
//! - `lido.finalize { last_request_id }`, by the finalizer (the oracle's report): every request
//!   up to that id is finalized at once, the ETH they need moves from Lido's buffer into the
//!   queue as locked ether, and their stETH is burnt, as Lido's report burns the queue's shares
//!   in the same transaction (`WithdrawalsFinalized`).
//! - `lido.claim_withdrawal { request_id, recipient? }` / `lido.claim_withdrawals`: the owner
//!   takes a finalized request's ETH, once (`WithdrawalClaimed`).
//!
//! **The share rate is 1**: one share per wei of pooled ether, always. Rebasing is not
//! modelled: Rampart pays staking rewards as new ETH where they are earned (an LRT's
//! `receive_rewards`, EigenLayer's rewards), not by raising stETH balances, and Lido's
//! validators are not in the world, so no report can lower the rate either. Hence a request's
//! shares equal its stETH, every finalization batch is nominal (`prefinalize`'s discount by
//! `maxShareRate` never applies, and `finalize` takes no share rate), and a claim pays exactly
//! the stETH requested.
//!
//! **Accounts.** Lido is the stETH token's contract, so [`lido_address`] is the stETH token's
//! address; its ETH balance in the ledger is its buffer (`getBufferedEther`). Any ETH that
//! reaches it is buffered — submits, and ETH sent to it, which stands for what a report would
//! sweep in from Lido's withdrawal and rewards vaults. stETH minted with `token.mint` (scenario
//! and test setup) is stETH whose ETH Lido holds off-world; a world that wants it redeemable
//! mints the same ETH to [`lido_address`]. The queue is [`withdrawal_queue_address`]: it holds
//! the stETH of unfinalized requests and the ETH locked for finalized, unclaimed ones.
//!
//! **Roles.** `finalize` is the finalizer's ([`Lido::finalizer`], the world's admin unless
//! `lido.set_finalizer` named another); pausing and resuming staking are the admin's
//! (`STAKING_PAUSE_ROLE`, `STAKING_CONTROL_ROLE`).
//!
//! Not modelled: rebasing and the oracle's report itself (its limits, bunker mode, the
//! timestamp of requests it may finalize), wstETH, the staking rate limit, the queue's own
//! pause, transfers of request NFTs (`transfer`, approvals), permits, and hints (the engine
//! finds the checkpoint; there is one per finalization, all nominal).

pub mod calls;
pub mod errors;
pub mod events;
pub mod invariants;
pub mod state;
pub mod views;

#[cfg(test)]
mod tests;

use std::sync::LazyLock;

use alloy_primitives::{Address, U256};

pub use self::{
    calls::LidoCall,
    errors::LidoError,
    events::LidoEvent,
    state::{Lido, MAX_STETH_WITHDRAWAL_AMOUNT, MIN_STETH_WITHDRAWAL_AMOUNT, WithdrawalRequest},
    views::LidoView,
};
use crate::{
    accounts::{NATIVE_ETH, derived_address, token_address},
    ledger::Ledger,
    math,
};

type Result<T, E = LidoError> = std::result::Result<T, E>;
type E = LidoError;
type Ev = LidoEvent;

/// Lido's address: the stETH token's (Lido is the stETH contract). Its ETH is the buffer.
pub fn lido_address() -> Address {
    steth()
}

/// The stETH token (the same address as Lido).
pub fn steth() -> Address {
    // A name hashes into its address (keccak); every NAV read asks for this one.
    static STETH: LazyLock<Address> = LazyLock::new(|| token_address("stETH"));
    *STETH
}

/// The `WithdrawalQueueERC721` contract: it holds unfinalized requests' stETH and the ETH
/// locked for finalized ones.
pub fn withdrawal_queue_address() -> Address {
    static QUEUE: LazyLock<Address> =
        LazyLock::new(|| derived_address("rampart.lido", "WithdrawalQueueERC721"));
    *QUEUE
}

/// What a Lido call sees of the world.
#[derive(Debug, Clone, Copy)]
pub struct LidoEnv {
    /// `block.timestamp`.
    pub timestamp: u64,
    /// The world's admin: Lido's roles by default.
    pub admin: Address,
}

impl Lido {
    /// Who may finalize: the named finalizer, or the world's admin.
    pub fn finalizer_or(&self, admin: Address) -> Address {
        self.finalizer.unwrap_or(admin)
    }

    /// Applies `call`; a rejected call changes nothing.
    pub fn apply(
        &mut self,
        ledger: &mut Ledger,
        env: &LidoEnv,
        sender: Address,
        call: &LidoCall,
    ) -> Result<Vec<Ev>> {
        use LidoCall as C;
        match call {
            C::Submit(a) => Ok(vec![self.submit(ledger, sender, a.amount, a.referral)?]),
            C::RequestWithdrawals(a) => {
                self.request_withdrawals(ledger, env, sender, &a.amounts, a.owner)
            }
            C::Finalize(a) => Ok(vec![self.finalize(ledger, env, sender, a.last_request_id)?]),
            C::ClaimWithdrawal(a) => {
                self.claim_withdrawals(ledger, sender, &[a.request_id], a.recipient)
            }
            C::ClaimWithdrawals(a) => {
                self.claim_withdrawals(ledger, sender, &a.request_ids, a.recipient)
            }
            C::PauseStaking(_) => {
                if sender != env.admin {
                    return Err(E::MissingRole { account: sender, role: "STAKING_PAUSE_ROLE" });
                }
                self.staking_paused = true;
                Ok(vec![Ev::StakingPaused {}])
            }
            C::ResumeStaking(_) => {
                if sender != env.admin {
                    return Err(E::MissingRole { account: sender, role: "STAKING_CONTROL_ROLE" });
                }
                self.staking_paused = false;
                Ok(vec![Ev::StakingResumed {}])
            }
            C::SetFinalizer(a) => {
                if sender != env.admin {
                    return Err(E::MissingRole { account: sender, role: "DEFAULT_ADMIN_ROLE" });
                }
                self.finalizer = Some(a.finalizer);
                Ok(vec![Ev::FinalizerSet { finalizer: a.finalizer }])
            }
        }
    }

    /// `_submit`: ETH in, the same stETH out (shares at a rate of 1).
    fn submit(
        &mut self,
        ledger: &mut Ledger,
        sender: Address,
        amount: U256,
        referral: Option<Address>,
    ) -> Result<Ev> {
        if amount.is_zero() {
            return Err(E::ZeroDeposit);
        }
        if self.staking_paused {
            return Err(E::StakingPaused);
        }
        let total = math::add(self.total_submitted, amount)?;
        ledger.check_transfer(NATIVE_ETH, sender, amount)?;
        ledger.mint(steth(), sender, amount)?;
        ledger.transfer(NATIVE_ETH, sender, lido_address(), amount)?;
        self.total_submitted = total;
        Ok(Ev::Submitted {
            sender,
            amount,
            referral: referral.unwrap_or(Address::ZERO),
            shares: amount,
        })
    }

    /// `requestWithdrawals`: each amount checked and its stETH found in the sender's balance in
    /// turn (the first failure reverts the whole batch), then the stETH locked and the requests
    /// enqueued in order.
    fn request_withdrawals(
        &mut self,
        ledger: &mut Ledger,
        env: &LidoEnv,
        sender: Address,
        amounts: &[U256],
        owner: Option<Address>,
    ) -> Result<Vec<Ev>> {
        let owner = owner.filter(|o| !o.is_zero()).unwrap_or(sender);
        let mut total = U256::ZERO;
        for &amount in amounts {
            if amount < MIN_STETH_WITHDRAWAL_AMOUNT {
                return Err(E::RequestAmountTooSmall(amount));
            }
            if amount > MAX_STETH_WITHDRAWAL_AMOUNT {
                return Err(E::RequestAmountTooLarge(amount));
            }
            // Each request pulls its stETH before the next amount is checked.
            total = math::add(total, amount)?;
            ledger.check_transfer(steth(), sender, total)?;
        }
        let last = self.cumulative_steth(self.last_request_id());
        math::add(last, total)?;
        ledger.transfer(steth(), sender, withdrawal_queue_address(), total)?;
        let mut events = Vec::with_capacity(amounts.len());
        let mut cumulative = last;
        for &amount in amounts {
            cumulative = math::add(cumulative, amount).expect("checked against the total above");
            self.queue.push(WithdrawalRequest {
                cumulative_steth: cumulative,
                owner,
                timestamp: env.timestamp,
                claimed: false,
            });
            let request_id = self.last_request_id();
            self.requests_by_owner.entry(owner).or_default().add(request_id);
            events.push(Ev::WithdrawalRequested {
                request_id,
                requestor: sender,
                owner,
                amount_of_steth: amount,
                amount_of_shares: amount,
            });
        }
        Ok(events)
    }

    /// The ETH finalizing every request up to `last_request_id` needs (`prefinalize` with one
    /// batch, all nominal), or why that id cannot be finalized.
    pub fn eth_to_finalize(&self, last_request_id: u64) -> Result<U256> {
        if last_request_id > self.last_request_id()
            || last_request_id <= self.last_finalized_request_id
        {
            return Err(E::InvalidRequestId(last_request_id));
        }
        Ok(math::sub(
            self.cumulative_steth(last_request_id),
            self.cumulative_steth(self.last_finalized_request_id),
        )?)
    }

    /// `finalize` as the oracle's report runs it: the ETH moves from Lido's buffer to the
    /// queue, the batch's stETH is burnt.
    fn finalize(
        &mut self,
        ledger: &mut Ledger,
        env: &LidoEnv,
        sender: Address,
        last_request_id: u64,
    ) -> Result<Ev> {
        if sender != self.finalizer_or(env.admin) {
            return Err(E::MissingRole { account: sender, role: "FINALIZE_ROLE" });
        }
        let eth = self.eth_to_finalize(last_request_id)?;
        let (lido, queue) = (lido_address(), withdrawal_queue_address());
        let buffered = ledger.balance_of(NATIVE_ETH, lido);
        if buffered < eth {
            return Err(E::NotEnoughEther { needed: eth, available: buffered });
        }
        let locked = math::add(self.locked_ether, eth)?;
        ledger.check_transfer(steth(), queue, eth)?;
        ledger.transfer(NATIVE_ETH, lido, queue, eth)?;
        ledger.burn(steth(), queue, eth)?;
        let from = self.last_finalized_request_id + 1;
        self.locked_ether = locked;
        self.last_finalized_request_id = last_request_id;
        Ok(Ev::WithdrawalsFinalized {
            from,
            to: last_request_id,
            amount_of_eth_locked: eth,
            shares_to_burn: eth,
            timestamp: env.timestamp,
        })
    }

    /// What claiming `request_id` as `sender` pays, or why it cannot be claimed (`_claim`'s
    /// checks, in its order).
    fn claimable(&self, sender: Address, request_id: u64) -> Result<U256> {
        if request_id == 0 {
            return Err(E::InvalidRequestId(request_id));
        }
        if request_id > self.last_finalized_request_id {
            return Err(E::RequestNotFoundOrNotFinalized(request_id));
        }
        let request = self.request(request_id).expect("finalized requests exist");
        if request.claimed {
            return Err(E::RequestAlreadyClaimed(request_id));
        }
        if request.owner != sender {
            return Err(E::NotOwner { sender, owner: request.owner });
        }
        Ok(self.amount_of(request_id))
    }

    /// `claimWithdrawal(s)(To)`: every claim checked (a repeated id is already claimed by its
    /// first occurrence), then each paid from the locked ether.
    fn claim_withdrawals(
        &mut self,
        ledger: &mut Ledger,
        sender: Address,
        request_ids: &[u64],
        recipient: Option<Address>,
    ) -> Result<Vec<Ev>> {
        let recipient = match recipient {
            Some(r) if r.is_zero() => return Err(E::ZeroRecipient),
            Some(r) => r,
            None => sender,
        };
        let mut total = U256::ZERO;
        let mut amounts = Vec::with_capacity(request_ids.len());
        for (i, &id) in request_ids.iter().enumerate() {
            let amount = self.claimable(sender, id)?;
            if request_ids[..i].contains(&id) {
                return Err(E::RequestAlreadyClaimed(id));
            }
            total = math::add(total, amount)?;
            amounts.push(amount);
        }
        let queue = withdrawal_queue_address();
        let held = ledger.balance_of(NATIVE_ETH, queue);
        if held < total || self.locked_ether < total {
            return Err(E::NotEnoughEther {
                needed: total,
                available: held.min(self.locked_ether),
            });
        }
        ledger.transfer(NATIVE_ETH, queue, recipient, total)?;
        self.locked_ether = math::sub(self.locked_ether, total).expect("checked above");
        let mut events = Vec::with_capacity(request_ids.len());
        for (&request_id, &amount) in request_ids.iter().zip(&amounts) {
            let index = usize::try_from(request_id - 1).expect("an existing request's index");
            self.queue[index].claimed = true;
            if let Some(ids) = self.requests_by_owner.get_mut(&sender) {
                ids.remove(&request_id);
                if ids.is_empty() {
                    self.requests_by_owner.remove(&sender);
                }
            }
            events.push(Ev::WithdrawalClaimed {
                request_id,
                owner: sender,
                receiver: recipient,
                amount_of_eth: amount,
            });
        }
        Ok(events)
    }
}
