//! The advisor: suggestions built from the store and the analysis by deterministic rules,
//! optionally refined by a model, and the user's decisions about them.
//!
//! Rules always work, offline. A model may only keep, drop, re-rank or reword the rules'
//! candidates and choose among the targets they offer; nothing it writes becomes an action.

pub mod audit;
pub mod feedback;
pub mod ledger;
pub mod llm;
pub mod rules;

pub use audit::{AuditEntry, AuditEvent};
pub use feedback::KindRates;
pub use ledger::Ledger;
