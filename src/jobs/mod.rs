//! Background work that runs beside the server under the same shutdown signal.

pub mod recompute;
pub mod webhooks;
