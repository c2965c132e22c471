//! The API's resources (`offblocks-api.md` 1.8) and the bodies that create them: the wire's own
//! models ([`chainsig_offblocks`]), decoded tolerantly (unknown fields ignored, unknown enum
//! values kept), re-exported unchanged.

pub use chainsig_offblocks::{
    Account, AccountStatus, AccountType, CreateAccount, CreateCustomer, Customer, CustomerStatus,
    RecordTimes,
};
