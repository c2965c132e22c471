//! The open enums of the records: customer and account statuses (`offblocks-api.md` 1.10) and
//! account types.

use crate::open_enum::open_enum;

open_enum! {
    /// Customer states (`offblocks-api.md` 1.10).
    CustomerStatus {
        /// Created; waits for the ownership challenge signature.
        Initiating => "initiating",
        /// Ownership proven; blockchain screening.
        Screening => "screening",
        /// KYC in progress.
        Verifying => "verifying",
        /// Ready for accounts.
        Active => "active",
        /// Deactivated.
        Inactive => "inactive",
        /// Refused (final).
        Rejected => "rejected",
    }
}

open_enum! {
    /// Account states (`offblocks-api.md` 1.10).
    AccountStatus {
        /// Created; waits for the session-key challenge signature.
        Initiating => "initiating",
        /// Signature accepted; the smart account is being deployed.
        Pending => "pending",
        /// Deployed and usable.
        Active => "active",
        /// Deactivated.
        Inactive => "inactive",
        /// Closed (final).
        Closed => "closed",
        /// Failed its validations (final).
        Failed => "failed",
    }
}

open_enum! {
    /// Account types.
    AccountType {
        /// A card account ([`CARD_ACCOUNT`](crate::rules::CARD_ACCOUNT)).
        CardAccount => "card_account",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip() {
        for s in [
            "initiating",
            "pending",
            "active",
            "inactive",
            "closed",
            "failed",
        ] {
            let status: AccountStatus = serde_json::from_value(serde_json::json!(s)).unwrap();
            assert!(!matches!(status, AccountStatus::Unknown(_)));
            assert_eq!(status.as_str(), s);
            assert_eq!(String::from(status.clone()), s);
            assert_eq!(status.to_string(), s);
        }
        for s in [
            "initiating",
            "screening",
            "verifying",
            "active",
            "inactive",
            "rejected",
        ] {
            let status = CustomerStatus::from(s.to_owned());
            assert!(!matches!(status, CustomerStatus::Unknown(_)));
            assert_eq!(serde_json::to_value(&status).unwrap(), s);
        }
        assert_eq!(
            AccountType::CardAccount.as_str(),
            crate::rules::CARD_ACCOUNT
        );
    }

    #[test]
    fn unknown_values_are_kept_as_sent() {
        let status: CustomerStatus = serde_json::from_str(r#""Frozen""#).unwrap();
        assert_eq!(status, CustomerStatus::Unknown("Frozen".into()));
        assert_eq!(status.as_str(), "Frozen");
        assert_eq!(serde_json::to_string(&status).unwrap(), r#""Frozen""#);
    }
}
