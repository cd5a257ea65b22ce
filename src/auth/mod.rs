//! Who is asking, and what they may do: passwords, API tokens, the current user and the policy.

pub mod login;
pub mod password;
pub mod policy;
pub mod session;
pub mod token;

pub use crate::domain::access::CurrentUser;
