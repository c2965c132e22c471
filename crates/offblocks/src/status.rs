//! The open enums of the records: customer and account statuses (`offblocks-api.md` 1.10) and
//! account types.

use crate::open_enum::open_enum;

open_enum! {
    /// Customer states (`offblocks-api.md` 1.10).
    CustomerStatus {
        /// Created; waits for the ownership challenge signature.
        Initiating = INITIATING => "initiating",
        /// Ownership proven; blockchain screening.
        Screening = SCREENING => "screening",
        /// KYC in progress.
        Verifying = VERIFYING => "verifying",
        /// Ready for accounts.
        Active = ACTIVE => "active",
        /// Deactivated.
        Inactive = INACTIVE => "inactive",
        /// Refused (final).
        Rejected = REJECTED => "rejected",
    }
}

open_enum! {
    /// Account states (`offblocks-api.md` 1.10).
    AccountStatus {
        /// Created; waits for the session-key challenge signature.
        Initiating = INITIATING => "initiating",
        /// Signature accepted; the smart account is being deployed.
        Pending = PENDING => "pending",
        /// Deployed and usable.
        Active = ACTIVE => "active",
        /// Deactivated.
        Inactive = INACTIVE => "inactive",
        /// Closed (final).
        Closed = CLOSED => "closed",
        /// Failed its validations (final).
        Failed = FAILED => "failed",
    }
}

open_enum! {
    /// Account types.
    AccountType {
        /// A card account ([`CARD_ACCOUNT`](crate::rules::CARD_ACCOUNT)).
        CardAccount = CARD_ACCOUNT => "card_account",
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
        assert_eq!(AccountType::CARD_ACCOUNT, crate::rules::CARD_ACCOUNT);
    }

    #[test]
    fn unknown_values_are_kept_as_sent() {
        let status: CustomerStatus = serde_json::from_str(r#""Frozen""#).unwrap();
        assert_eq!(status, CustomerStatus::Unknown("Frozen".into()));
        assert_eq!(status.as_str(), "Frozen");
        assert_eq!(serde_json::to_string(&status).unwrap(), r#""Frozen""#);
    }
}
