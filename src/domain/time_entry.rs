use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Time someone logged against a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeEntry {
    pub source: String,
    pub ticket: u64,
    pub id: u64,
    pub at: DateTime<Utc>,
    pub member: String,
    pub hours: f64,
    pub comment: String,
}
