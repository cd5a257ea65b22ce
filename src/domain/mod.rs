//! The product's own rules, as pure functions over plain data: no I/O here.

pub mod checklist;
pub mod ical;
pub mod input;
pub mod lifecycle;
pub mod meeting;
pub mod names;
pub mod project;
pub mod ranking;
pub mod role;
pub mod status;
pub mod throttle;
