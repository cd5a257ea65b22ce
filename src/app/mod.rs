//! The application layer: one function per user action, shared by the pages, the API and the
//! jobs. Each loads what the caller may see, asks `auth::policy` whether they may act, checks the
//! input through `domain`, writes through `db` in one transaction with its audit entry, and returns
//! a typed outcome (done, refused with field problems, conflict with the current version).

pub mod attachments;
pub mod imports;
pub mod investment;
pub mod items;
pub mod kept;
pub mod meetings;
pub mod notices;
pub mod projects;
pub mod requests;
pub mod sheet_read;
pub mod todo;
pub mod units;
pub mod webhooks;
