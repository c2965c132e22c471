//! The address of the smart-contract account "deployed" for an owner.

use chainsig_core::AccountId;
use uuid::Uuid;

use crate::chains::registry;

/// The address of the smart-contract account "deployed" for `owner`: derived from the account
/// id, on the owner's chain (the owner's own address on a chain that derives none).
pub(crate) fn smart_account_address(owner: &AccountId, account: Uuid) -> AccountId {
    registry()
        .get(owner.chain().namespace())
        .ok()
        .and_then(|chain| {
            chain
                .derived_account(owner.chain(), account.as_bytes())
                .ok()
        })
        .unwrap_or_else(|| owner.clone())
}
