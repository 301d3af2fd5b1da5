use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A comment on a ticket. The body is untrusted tracker text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub source: String,
    pub ticket: u64,
    pub id: u64,
    pub at: DateTime<Utc>,
    pub author: String,
    pub body: String,
}
