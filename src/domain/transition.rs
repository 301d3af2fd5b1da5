use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which field of a ticket changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Status,
    Assignee,
    Priority,
}

impl Field {
    /// A stable one-byte tag, used in store keys so that two changes at the same instant
    /// to different fields never overwrite each other.
    pub fn tag(self) -> u8 {
        match self {
            Field::Status => 0,
            Field::Assignee => 1,
            Field::Priority => 2,
        }
    }
}

/// One change of one field of a ticket. `from` is `None` when the field was empty.
///
/// A portfolio holds several transitions per ticket, nearly all naming the same few sources
/// and statuses, so those strings are shared (`Arc<str>`) rather than copied into each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub source: Arc<str>,
    pub ticket: u64,
    pub at: DateTime<Utc>,
    pub field: Field,
    pub from: Option<Arc<str>>,
    pub to: Option<Arc<str>>,
}
