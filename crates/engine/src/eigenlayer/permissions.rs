//! PermissionController: who may act for an operator or AVS account.
//!
//! An account with no admins is its own sole admin. Admins are added in two steps (propose,
//! accept) and the last one cannot leave. Appointees may call specific functions on the
//! account's behalf; Rampart names the function (`"modify_allocations"`) where the contract
//! takes a `(target, selector)` pair.

use alloy_primitives::Address;
use strum::VariantNames;

use super::{
    EigenLayer, EigenLayerError, Events, Result,
    calls::{AccountAdmin, Appointee, EigenLayerCall},
    events::EigenLayerEvent as Ev,
};

impl EigenLayer {
    /// `PermissionController.isAdmin`.
    pub fn is_admin(&self, account: Address, caller: Address) -> bool {
        match self.permissions.get(&account) {
            Some(record) if !record.admins.is_empty() => record.admins.contains(&caller),
            _ => account == caller,
        }
    }

    /// `PermissionController.canCall(account, caller, target, selector)`.
    pub fn can_call(&self, account: Address, caller: Address, function: &str) -> bool {
        self.is_admin(account, caller)
            || self
                .permissions
                .get(&account)
                .is_some_and(|r| r.appointees.contains(&(caller, function.to_owned())))
    }

    /// `checkCanCall`: rejects with `InvalidPermissions` unless `caller` may act for `account`.
    pub(super) fn check_can_call(
        &self,
        account: Address,
        caller: Address,
        function: &'static str,
    ) -> Result<()> {
        if self.can_call(account, caller, function) {
            Ok(())
        } else {
            Err(EigenLayerError::InvalidPermissions { account, caller, function })
        }
    }

    fn check_admin(&self, account: Address, caller: Address) -> Result<()> {
        if self.is_admin(account, caller) {
            Ok(())
        } else {
            Err(EigenLayerError::NotAdmin { account, caller })
        }
    }

    pub(super) fn add_pending_admin(
        &mut self,
        sender: Address,
        args: &AccountAdmin,
        events: &mut Events,
    ) -> Result<()> {
        self.check_admin(args.account, sender)?;
        if self.is_admin(args.account, args.admin) {
            return Err(EigenLayerError::AdminAlreadySet(args.admin));
        }
        let record = self.permissions.entry(args.account).or_default();
        if !record.pending_admins.insert(args.admin) {
            return Err(EigenLayerError::AdminAlreadyPending(args.admin));
        }
        events.push(Ev::PendingAdminAdded { account: args.account, admin: args.admin });
        Ok(())
    }

    pub(super) fn remove_pending_admin(
        &mut self,
        sender: Address,
        args: &AccountAdmin,
        events: &mut Events,
    ) -> Result<()> {
        self.check_admin(args.account, sender)?;
        let removed = self
            .permissions
            .get_mut(&args.account)
            .is_some_and(|record| record.pending_admins.remove(&args.admin));
        if !removed {
            return Err(EigenLayerError::AdminNotPending {
                account: args.account,
                caller: args.admin,
            });
        }
        events.push(Ev::PendingAdminRemoved { account: args.account, admin: args.admin });
        Ok(())
    }

    pub(super) fn accept_admin(
        &mut self,
        sender: Address,
        account: Address,
        events: &mut Events,
    ) -> Result<()> {
        let record = self.permissions.get_mut(&account);
        let Some(record) = record.filter(|r| r.pending_admins.contains(&sender)) else {
            return Err(EigenLayerError::AdminNotPending { account, caller: sender });
        };
        record.pending_admins.remove(&sender);
        record.admins.insert(sender);
        events.push(Ev::AdminSet { account, admin: sender });
        Ok(())
    }

    pub(super) fn remove_admin(
        &mut self,
        sender: Address,
        args: &AccountAdmin,
        events: &mut Events,
    ) -> Result<()> {
        self.check_admin(args.account, sender)?;
        let Some(record) = self.permissions.get_mut(&args.account).filter(|r| !r.admins.is_empty())
        else {
            // The account is its own implicit admin, which cannot be removed.
            return Err(EigenLayerError::CannotHaveZeroAdmins(args.account));
        };
        if record.admins.len() == 1 {
            return Err(EigenLayerError::CannotHaveZeroAdmins(args.account));
        }
        if !record.admins.remove(&args.admin) {
            return Err(EigenLayerError::AdminNotSet(args.admin));
        }
        events.push(Ev::AdminRemoved { account: args.account, admin: args.admin });
        Ok(())
    }

    pub(super) fn set_appointee(
        &mut self,
        sender: Address,
        args: &Appointee,
        grant: bool,
        events: &mut Events,
    ) -> Result<()> {
        self.check_admin(args.account, sender)?;
        if !EigenLayerCall::VARIANTS.contains(&args.function.as_str()) {
            return Err(EigenLayerError::UnknownFunction(args.function.clone()));
        }
        let key = (args.appointee, args.function.clone());
        let present =
            self.permissions.get(&args.account).is_some_and(|r| r.appointees.contains(&key));
        if present && grant {
            return Err(EigenLayerError::AppointeeAlreadySet {
                appointee: args.appointee,
                function: args.function.clone(),
            });
        }
        if !present && !grant {
            return Err(EigenLayerError::AppointeeNotSet {
                appointee: args.appointee,
                function: args.function.clone(),
            });
        }
        let record = self.permissions.entry(args.account).or_default();
        if grant {
            record.appointees.insert(key);
        } else {
            record.appointees.remove(&key);
        }
        let (account, appointee, function) = (args.account, args.appointee, args.function.clone());
        events.push(if grant {
            Ev::AppointeeSet { account, appointee, function }
        } else {
            Ev::AppointeeRemoved { account, appointee, function }
        });
        Ok(())
    }
}
